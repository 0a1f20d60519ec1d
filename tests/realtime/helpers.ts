/**
 * Test harness for the realtime server: a real server on a free port, the official `pusher`
 * SDK and `pusher-js` clients, a raw `ws` client for exact frames and malformed input, and a
 * webhook receiver. Everything created here is tracked and torn down by `cleanup()`.
 */
import { createServer as createHttpServer, type IncomingHttpHeaders, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import PusherServer from "pusher";
import Pusher, { type Options as PusherJsOptions } from "pusher-js";
import WebSocket from "ws";
import { createServer, silentLogger, type RealtimeServer, type RealtimeServerOptions } from "../../lib/realtime-server/index";

export const APP_ID = "test-app";
export const KEY = "test-key";
export const SECRET = "test-secret";

type Cleanup = () => Promise<void> | void;
const cleanups: Cleanup[] = [];

/** Runs (in reverse order) everything registered by the helpers; call it from afterEach. */
export async function cleanup(): Promise<void> {
  while (cleanups.length > 0) {
    const step = cleanups.pop();
    if (step) await step();
  }
}

export interface TestServer {
  server: RealtimeServer;
  port: number;
  sdk: PusherServer;
}

export async function startServer(overrides: Partial<RealtimeServerOptions> = {}): Promise<TestServer> {
  const server = await createServer({ appId: APP_ID, key: KEY, secret: SECRET, port: 0, logger: silentLogger, ...overrides });
  let closed = false;
  const close = server.close.bind(server);
  cleanups.push(async () => {
    if (!closed) await close();
  });
  const tracked: RealtimeServer = {
    port: server.port,
    host: server.host,
    close: async () => {
      closed = true;
      await close();
    },
  };
  return { server: tracked, port: server.port, sdk: sdkFor(server.port) };
}

export function sdkFor(port: number, overrides: { appId?: string; key?: string; secret?: string } = {}): PusherServer {
  return new PusherServer({
    appId: overrides.appId ?? APP_ID,
    key: overrides.key ?? KEY,
    secret: overrides.secret ?? SECRET,
    host: "127.0.0.1",
    port: String(port),
    useTLS: false,
  });
}

export interface ClientIdentity {
  /** Signed by the user-auth custom handler. */
  user?: { id: string; user_info?: Record<string, unknown>; watchlist?: string[] };
  /** Presence member signed into channel_data; omitted for a presence channel -> signed-in user. */
  presence?: { user_id: string; user_info?: Record<string, unknown> };
}

/** A pusher-js client whose auth handlers sign with the server SDK, as an app's endpoints would. */
export function createClient(port: number, identity: ClientIdentity = {}, extra: Partial<PusherJsOptions> = {}): Pusher {
  const signer = sdkFor(port);
  const client = new Pusher(KEY, {
    wsHost: "127.0.0.1",
    wsPort: port,
    forceTLS: false,
    enabledTransports: ["ws"],
    cluster: "",
    userAuthentication: {
      endpoint: "/unused",
      transport: "ajax",
      customHandler: ({ socketId }, callback) => {
        if (!identity.user) return callback(new Error("no user for this client"), null);
        callback(null, signer.authenticateUser(socketId, identity.user));
      },
    },
    channelAuthorization: {
      endpoint: "/unused",
      transport: "ajax",
      customHandler: ({ socketId, channelName }, callback) => {
        const presenceData = channelName.startsWith("presence-") ? identity.presence : undefined;
        callback(null, signer.authorizeChannel(socketId, channelName, presenceData));
      },
    },
    ...extra,
  });
  cleanups.push(() => client.disconnect());
  return client;
}

export function waitForState(client: Pusher, state: string, timeoutMs = 5_000): Promise<void> {
  if (client.connection.state === state) return Promise.resolve();
  return withTimeout(
    new Promise<void>((resolve) => {
      const listener = (change: { current: string }) => {
        if (change.current !== state) return;
        client.connection.unbind("state_change", listener);
        resolve();
      };
      client.connection.bind("state_change", listener);
    }),
    timeoutMs,
    `pusher-js state ${state}`,
  );
}

/** Resolves with the first event `name` emitted by a pusher-js channel or facade. */
export function nextEvent<T = unknown>(
  emitter: {
    bind(event: string, callback: (data: T, metadata?: unknown) => void): unknown;
    unbind(event: string, callback: (...args: never[]) => void): unknown;
  },
  name: string,
  timeoutMs = 5_000,
): Promise<{ data: T; metadata: unknown }> {
  return withTimeout(
    new Promise((resolve) => {
      const listener = (data: T, metadata?: unknown) => {
        emitter.unbind(name, listener);
        resolve({ data, metadata });
      };
      emitter.bind(name, listener);
    }),
    timeoutMs,
    `event ${name}`,
  );
}

export async function subscribed(client: Pusher, channelName: string) {
  const channel = client.subscribe(channelName);
  const { data } = await nextEvent<unknown>(channel, "pusher:subscription_succeeded");
  return { channel, data };
}

export async function signedIn(client: Pusher): Promise<void> {
  client.signin();
  await waitForState(client, "connected");
  await withTimeout(client.user.signinDonePromise as Promise<unknown>, 5_000, "signin");
  if (!client.user.user_data) throw new Error("sign-in did not succeed");
}

export function withTimeout<T>(promise: Promise<T>, timeoutMs: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)), timeoutMs);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Only for proving that something did NOT happen. */
export function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export interface Frame {
  event: string;
  channel?: string;
  user_id?: string;
  /** As sent on the wire (usually a JSON string). */
  rawData: unknown;
  /** rawData parsed when it is a JSON string. */
  data: unknown;
  text: string;
}

export interface CloseInfo {
  code: number;
  reason: string;
}

/** A raw WebSocket client that records every frame so tests can await exact frames in order. */
export class RawClient {
  readonly frames: Frame[] = [];
  readonly closed: Promise<CloseInfo>;
  private consumed = 0;
  private readonly listeners = new Set<() => void>();

  private constructor(readonly ws: WebSocket) {
    this.closed = new Promise((resolve) => ws.on("close", (code, reason) => resolve({ code, reason: reason.toString() })));
    ws.on("message", (raw) => {
      const text = (raw as Buffer).toString("utf8");
      const parsed = JSON.parse(text) as { event: string; channel?: string; user_id?: string; data?: unknown };
      let data: unknown = parsed.data;
      if (typeof data === "string") {
        try {
          data = JSON.parse(data);
        } catch {
          // not JSON: keep the string
        }
      }
      this.frames.push({ event: parsed.event, channel: parsed.channel, user_id: parsed.user_id, rawData: parsed.data, data, text });
      for (const listener of this.listeners) listener();
    });
    ws.on("error", () => {});
  }

  /** `options` are ws client options, e.g. `origin` or `localAddress` (another loopback address). */
  static async connect(
    port: number,
    path = `/app/${KEY}?protocol=7&client=js&version=8.6.0&flash=false`,
    options: WebSocket.ClientOptions = {},
  ): Promise<RawClient> {
    const ws = new WebSocket(`ws://127.0.0.1:${port}${path}`, options);
    const client = new RawClient(ws);
    cleanups.push(() => {
      if (ws.readyState === WebSocket.OPEN || ws.readyState === WebSocket.CONNECTING) ws.terminate();
    });
    await withTimeout(
      new Promise<void>((resolve, reject) => {
        ws.once("open", () => resolve());
        ws.once("error", reject);
      }),
      5_000,
      "raw websocket open",
    );
    return client;
  }

  /** Connects and returns once connection_established arrived, with the socket id. */
  static async established(port: number, options: WebSocket.ClientOptions = {}): Promise<{ client: RawClient; socketId: string }> {
    const client = await RawClient.connect(port, undefined, options);
    const frame = await client.next((f) => f.event === "pusher:connection_established");
    return { client, socketId: (frame.data as { socket_id: string }).socket_id };
  }

  send(payload: unknown): void {
    this.ws.send(typeof payload === "string" ? payload : JSON.stringify(payload));
  }

  /**
   * Resolves with the first frame after those already consumed that matches; frames skipped on
   * the way are consumed too, so consecutive calls read the stream in order.
   */
  next(predicate: (frame: Frame) => boolean = () => true, timeoutMs = 5_000): Promise<Frame> {
    const take = (): Frame | undefined => {
      while (this.consumed < this.frames.length) {
        const frame = this.frames[this.consumed++];
        if (frame && predicate(frame)) return frame;
      }
      return undefined;
    };
    const ready = take();
    if (ready) return Promise.resolve(ready);
    let listener: (() => void) | undefined;
    return withTimeout(
      new Promise<Frame>((resolve) => {
        // Removed synchronously: frames arriving in the same chunk must not be consumed by a
        // waiter that has already been satisfied.
        const onFrame = () => {
          const frame = take();
          if (!frame) return;
          this.listeners.delete(onFrame);
          resolve(frame);
        };
        listener = onFrame;
        this.listeners.add(onFrame);
      }),
      timeoutMs,
      "frame",
    ).finally(() => {
      if (listener) this.listeners.delete(listener);
    });
  }

  /** Frames received so far that match, without consuming. */
  received(predicate: (frame: Frame) => boolean): Frame[] {
    return this.frames.filter(predicate);
  }

  close(): void {
    this.ws.close();
  }
}

export function isEvent(event: string, channel?: string) {
  return (frame: Frame) => frame.event === event && (channel === undefined || frame.channel === channel);
}

export interface ReceivedWebhook {
  headers: IncomingHttpHeaders;
  rawBody: string;
  body: { time_ms: number; events: Record<string, unknown>[] };
}

/** An HTTP server that records webhook requests; `respondWith` scripts the status codes. */
export class WebhookReceiver {
  readonly requests: ReceivedWebhook[] = [];
  private readonly statuses: number[] = [];
  /** While true every request is answered with 500. */
  failing = false;
  failedAttempts = 0;
  private readonly listeners = new Set<() => void>();

  private constructor(private readonly server: Server) {}

  static async start(): Promise<WebhookReceiver> {
    const server = createHttpServer();
    const receiver = new WebhookReceiver(server);
    server.on("request", (request, response) => {
      const chunks: Buffer[] = [];
      request.on("data", (chunk: Buffer) => chunks.push(chunk));
      request.on("end", () => receiver.record(request.headers, Buffer.concat(chunks).toString("utf8"), response));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    cleanups.push(
      () =>
        new Promise<void>((resolve) => {
          server.closeAllConnections();
          server.close(() => resolve());
        }),
    );
    return receiver;
  }

  private record(headers: IncomingHttpHeaders, rawBody: string, response: ServerResponse): void {
    const status = this.failing ? 500 : (this.statuses.shift() ?? 200);
    if (status >= 300) this.failedAttempts += 1;
    if (status >= 200 && status < 300) {
      this.requests.push({ headers, rawBody, body: JSON.parse(rawBody) as ReceivedWebhook["body"] });
      for (const listener of this.listeners) listener();
    }
    response.writeHead(status).end();
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/pusher/webhook`;
  }

  /** The next requests get these statuses (then 200 again). Non-2xx requests are not recorded. */
  respondWith(...statuses: number[]): void {
    this.statuses.push(...statuses);
  }

  events(): Record<string, unknown>[] {
    return this.requests.flatMap((request) => request.body.events);
  }

  /** Resolves once a delivered event matches. */
  waitForEvent(predicate: (event: Record<string, unknown>) => boolean, timeoutMs = 5_000): Promise<Record<string, unknown>> {
    const find = () => this.events().find(predicate);
    const found = find();
    if (found) return Promise.resolve(found);
    let listener: (() => void) | undefined;
    return withTimeout(
      new Promise<Record<string, unknown>>((resolve) => {
        listener = () => {
          const event = find();
          if (event) resolve(event);
        };
        this.listeners.add(listener);
      }),
      timeoutMs,
      "webhook event",
    ).finally(() => {
      if (listener) this.listeners.delete(listener);
    });
  }
}

/** Sends a request signed by the SDK's own signing code, with an optional tampering step. */
export async function signedFetch(
  port: number,
  options: {
    method: "GET" | "POST";
    path: string;
    body?: string;
    params?: Record<string, string>;
    tamper?: (query: string) => string;
    sdk?: PusherServer;
  },
): Promise<{ status: number; text: string }> {
  const sdk = options.sdk ?? sdkFor(port);
  let query = sdk.createSignedQueryString({ method: options.method, path: options.path, body: options.body, params: options.params });
  if (options.tamper) query = options.tamper(query);
  const response = await fetch(`http://127.0.0.1:${port}${options.path}?${query}`, {
    method: options.method,
    body: options.body,
    headers: options.body === undefined ? {} : { "content-type": "application/json" },
  });
  return { status: response.status, text: await response.text() };
}
