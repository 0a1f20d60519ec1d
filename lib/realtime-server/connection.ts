/**
 * One client socket and the little state the protocol needs for it. Fields are plain and few on
 * purpose: at 10 000 idle sockets every byte per connection counts, so there are no per-socket
 * timers (a shared sweep enforces deadlines) and collections are created only when first needed.
 */
import { WebSocket } from "ws";
import { closeReason, PusherEvents, type ProtocolError } from "./protocol";

/**
 * What a signed-in socket keeps of its sign-in. Not the signed user_data string itself: it is only
 * echoed once in signin_success, and with a watchlist it is kilobytes per socket.
 */
export interface SignedInUser {
  readonly id: string;
  readonly userInfo: unknown;
  readonly watchlist: readonly string[];
}

/** Buffers are sent as text frames too: fan-out encodes a frame to UTF-8 once for all sockets. */
const TEXT_FRAME = { binary: false } as const;

export class Connection {
  /** Milliseconds (Date.now()) of the last frame received from the client. */
  lastActivityAt: number;
  /** When the server's own ping was sent and is still unanswered; 0 when none is outstanding. */
  pingSentAt = 0;
  /** Set when the socket signed in or joined a private/presence channel (authorized connections). */
  authorized = false;
  user: SignedInUser | undefined;
  /** Channel names this socket has joined; undefined until the first subscription. */
  channels: Set<string> | undefined;
  clientEventWindowStartedAt = 0;
  clientEventsInWindow = 0;
  /** Inbound frame rate (limits.ts): the current one-second window and the flooded windows in a row. */
  frameWindowStartedAt = 0;
  framesInWindow = 0;
  floodedWindows = 0;
  closed = false;

  constructor(
    readonly socketId: string,
    private readonly ws: WebSocket,
    /** The TCP peer of the upgrade, for the per-address limit and log lines. */
    readonly address: string,
    readonly connectedAt: number,
    private readonly maxBufferedBytes: number,
    private readonly onOverflow: (connection: Connection) => void,
  ) {
    this.lastActivityAt = connectedAt;
  }

  /**
   * Sends an already serialised frame. Fan-out serialises once and calls this per socket.
   * A client that does not read its socket would grow our memory without bound, so once its
   * unsent buffer passes the limit it is dropped instead.
   */
  sendRaw(frame: string | Buffer): void {
    if (this.closed || this.ws.readyState !== WebSocket.OPEN) return;
    if (this.ws.bufferedAmount > this.maxBufferedBytes) {
      this.onOverflow(this);
      return;
    }
    this.ws.send(frame, TEXT_FRAME);
  }

  /** Server frames carry `data` as a JSON string, as pusher-js and hosted Pusher expect. */
  sendEvent(event: string, data: unknown, channel?: string): void {
    this.sendRaw(serializeEvent(event, data, channel));
  }

  /** `code` null marks a soft error that leaves the socket open. */
  sendError(message: string, code: number | null): void {
    this.sendRaw(JSON.stringify({ event: PusherEvents.error, data: { code, message } }));
  }

  /** Sends the error frame first so clients without close-code support still learn why. */
  closeWithError(error: ProtocolError): void {
    if (this.closed) return;
    this.sendError(error.message, error.code);
    this.close(error.code, error.message);
  }

  close(code: number, reason: string): void {
    if (this.closed) return;
    this.closed = true;
    if (this.ws.readyState === WebSocket.OPEN || this.ws.readyState === WebSocket.CONNECTING) {
      this.ws.close(code, closeReason(reason));
    }
  }

  /** For sockets that cannot be trusted to complete a close handshake (e.g. not reading). */
  terminate(): void {
    this.closed = true;
    this.ws.terminate();
  }

  /** Resolves once the close handshake finished; a peer that does not answer in time is cut off. */
  waitUntilClosed(graceMs: number): Promise<void> {
    const ws = this.ws;
    if (ws.readyState === WebSocket.CLOSED) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        ws.terminate();
        resolve();
      }, graceMs);
      ws.once("close", () => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  get bufferedBytes(): number {
    return this.ws.bufferedAmount;
  }
}

/** Encodes once when a frame goes to several sockets; ws would otherwise re-encode per socket. */
export function encodeForFanOut(frame: string, recipients: number): string | Buffer {
  return recipients > 1 ? Buffer.from(frame, "utf8") : frame;
}

export function serializeEvent(event: string, data: unknown, channel?: string, userId?: string): string {
  const frame: { event: string; channel?: string; data: string; user_id?: string } = {
    event,
    data: typeof data === "string" ? data : JSON.stringify(data),
  };
  if (channel !== undefined) frame.channel = channel;
  if (userId !== undefined) frame.user_id = userId;
  return JSON.stringify(frame);
}
