/**
 * A minimal Pusher-protocol client over `ws`, for the doctor's probes. Not pusher-js: the doctor
 * must see what pusher-js hides (silence after pusher:signin, the exact close code, every frame),
 * and must never reconnect on its own. It connects exactly where the browser does (see
 * browserSocketUrl) and answers the server's pings.
 */
import WebSocket from "ws";

export interface PusherFrame {
  event: string;
  channel?: string;
  /** Server frames carry `data` as a JSON string; it is parsed here when it is one. */
  data: unknown;
}

export interface SocketClose {
  code: number;
  reason: string;
}

export class ProbeConnectError extends Error {
  constructor(
    message: string,
    /** The close code or pusher:error code the server refused with, when it did. */
    readonly code?: number,
  ) {
    super(message);
    this.name = "ProbeConnectError";
  }
}

type Waiter = { match: (frame: PusherFrame) => boolean; resolve: (frame: PusherFrame | null) => void };

export class ProbeSocket {
  readonly frames: PusherFrame[] = [];
  readonly closed: Promise<SocketClose>;
  private waiters = new Set<Waiter>();
  private closeInfo: SocketClose | undefined;

  private constructor(
    private readonly ws: WebSocket,
    readonly socketId: string,
  ) {
    this.closed = new Promise((resolve) => {
      ws.on("close", (code, reason) => {
        this.closeInfo = { code, reason: reason.toString() };
        for (const waiter of this.waiters) waiter.resolve(null);
        this.waiters.clear();
        resolve(this.closeInfo);
      });
    });
    ws.on("message", (raw) => this.receive(raw.toString()));
  }

  /** Resolves once pusher:connection_established arrives; rejects with what went wrong. */
  static open(url: string, { origin, timeoutMs }: { origin?: string; timeoutMs: number }): Promise<ProbeSocket> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url, { headers: origin ? { Origin: origin } : {}, handshakeTimeout: timeoutMs });
      let settled = false;
      const fail = (error: ProbeConnectError) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        ws.removeAllListeners();
        ws.on("error", () => {});
        ws.terminate();
        reject(error);
      };
      const timer = setTimeout(
        () => fail(new ProbeConnectError(`no pusher:connection_established within ${timeoutMs / 1000} s`)),
        timeoutMs,
      );
      let refusal: { message: string; code?: number } | undefined;
      ws.on("error", (error) => fail(new ProbeConnectError(describeSocketError(error))));
      ws.on("unexpected-response", (_request, response) =>
        fail(new ProbeConnectError(`the server answered the WebSocket upgrade with HTTP ${response.statusCode}`)),
      );
      ws.on("close", (code, reason) => {
        const text = refusal?.message ?? reason.toString();
        fail(new ProbeConnectError(`closed with ${code}${text ? ` "${text}"` : ""} before connection_established`, refusal?.code ?? code));
      });
      ws.on("message", (raw) => {
        const frame = parseFrame(raw.toString());
        if (!frame) return;
        if (frame.event === "pusher:error") {
          const data = frame.data as { message?: string; code?: number } | null;
          refusal = { message: data?.message ?? "", code: data?.code ?? undefined };
          return;
        }
        if (frame.event !== "pusher:connection_established" || settled) return;
        const socketId = (frame.data as { socket_id?: unknown } | null)?.socket_id;
        if (typeof socketId !== "string") return fail(new ProbeConnectError("connection_established carried no socket_id"));
        settled = true;
        clearTimeout(timer);
        ws.removeAllListeners();
        ws.on("error", () => {});
        resolve(new ProbeSocket(ws, socketId));
      });
    });
  }

  /** How the socket closed, once it has. */
  get closeState(): SocketClose | undefined {
    return this.closeInfo;
  }

  send(event: string, data: unknown, channel?: string): void {
    if (this.ws.readyState === WebSocket.OPEN) this.ws.send(JSON.stringify(channel ? { event, data, channel } : { event, data }));
  }

  /** The first frame (already received or still to come) that matches, or null on timeout or close. */
  waitFor(match: (frame: PusherFrame) => boolean, timeoutMs: number): Promise<PusherFrame | null> {
    const seen = this.frames.find(match);
    if (seen) return Promise.resolve(seen);
    if (this.closeInfo) return Promise.resolve(null);
    return new Promise((resolve) => {
      const waiter: Waiter = {
        match,
        resolve: (frame) => {
          clearTimeout(timer);
          this.waiters.delete(waiter);
          resolve(frame);
        },
      };
      const timer = setTimeout(() => waiter.resolve(null), timeoutMs);
      this.waiters.add(waiter);
    });
  }

  /** The close, or null when the socket is still open after timeoutMs. */
  async closedWithin(timeoutMs: number): Promise<SocketClose | null> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<null>((resolve) => (timer = setTimeout(() => resolve(null), timeoutMs)));
    const result = await Promise.race([this.closed, timeout]);
    clearTimeout(timer);
    return result;
  }

  close(): void {
    if (!this.closeInfo) this.ws.close(1000);
  }

  private receive(text: string): void {
    const frame = parseFrame(text);
    if (!frame) return;
    if (frame.event === "pusher:ping") this.send("pusher:pong", {});
    this.frames.push(frame);
    for (const waiter of [...this.waiters]) if (waiter.match(frame)) waiter.resolve(frame);
  }
}

function parseFrame(text: string): PusherFrame | null {
  try {
    const frame = JSON.parse(text) as { event?: unknown; channel?: unknown; data?: unknown };
    if (typeof frame.event !== "string") return null;
    let data = frame.data;
    if (typeof data === "string") {
      try {
        data = JSON.parse(data);
      } catch {
        // Some events carry plain strings; keep them as they are.
      }
    }
    return { event: frame.event, channel: typeof frame.channel === "string" ? frame.channel : undefined, data };
  } catch {
    return null;
  }
}

function describeSocketError(error: Error & { code?: string }): string {
  switch (error.code) {
    case "ECONNREFUSED":
      return "connection refused: nothing listens there";
    case "ENOTFOUND":
    case "EAI_AGAIN":
      return "the host name does not resolve";
    case "ETIMEDOUT":
      return "the connection timed out";
    case "EPROTO":
    case "ERR_SSL_WRONG_VERSION_NUMBER":
      return `TLS handshake failed (${error.message}): the port may not speak TLS`;
    default:
      return error.message;
  }
}
