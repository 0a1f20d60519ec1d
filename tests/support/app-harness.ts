/**
 * The one harness for tests that run the app's server code for real: a migrated temp database
 * (SQLite, or PostgreSQL with TEST_DATABASE_PROVIDER=postgresql), the embedded Pusher-protocol
 * server on port 0 whose webhooks go to the real webhook handler (served by a tiny HTTP adapter,
 * since no Next server runs in Vitest), real next-auth JWT session cookies, and official pusher-js
 * clients signed in the way the browser does.
 *
 * App modules read their environment when first imported, so everything here is imported
 * dynamically after the variables are set. Each Vitest file runs in its own process.
 */
import { createHmac } from "node:crypto";
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

import type PusherClient from "pusher-js";
import type { Channel, ChannelAuthorizationOptions, Options, UserAuthenticationOptions } from "pusher-js";
import { vi } from "vitest";

import type { RealtimeClient, RealtimeClientOptions } from "@/components/realtime/pusher-client";
import type { ReceivedMessage } from "@/components/realtime/state";

/**
 * How long a pusher-js tab may take to connect, sign in or subscribe before a test fails. These are
 * awaited events, so the bound costs nothing when things work; it is generous because a loaded CI
 * machine, with 26 tabs opening at once, took over 5 s.
 */
const CLIENT_EVENT_TIMEOUT_MS = 15_000;

export const APP = { appId: "test-app", key: "test-key", secret: "test-secret-0123456789" } as const;
export const NEXTAUTH_SECRET = "app-tests-only-secret-app-tests-only-000001";
export const APP_URL = "http://127.0.0.1:3000";

type WebhookModule = typeof import("@/lib/pusher/webhook");
type TestDatabase = Awaited<ReturnType<typeof import("@/tests/support/database").createTestDatabase>>;

export interface Harness {
  db: TestDatabase["db"];
  realtimePort: number;
  /** Every HTTP API call the app's SDK made (method and path), when started with `countApiCalls`. */
  apiCalls: { method: string; path: string }[];
  /** What the webhook receiver got, in order, with the handler's HTTP status. */
  webhookLog: { body: string; status: number }[];
  /** Flip to make the receiver refuse deliveries (simulates the app being down). */
  receiver: { down: boolean };
  /** Where the realtime server delivers webhooks (the receiver serves every path), or null without webhooks. */
  webhookUrl: string | null;
  close(): Promise<void>;
}

async function listen(server: Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return (server.address() as AddressInfo).port;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

/** Serves the real webhook handler over HTTP, so the realtime server's deliveries reach it. */
export async function startWebhookReceiver(getModule: () => WebhookModule | null) {
  const webhookLog: Harness["webhookLog"] = [];
  const receiver = { down: false };
  const http = createHttpServer((req: IncomingMessage, res: ServerResponse) => {
    void (async () => {
      const body = await readBody(req);
      const webhookModule = getModule();
      if (receiver.down || !webhookModule) {
        res.writeHead(503).end();
        return;
      }
      const headers = new Headers();
      for (const [name, value] of Object.entries(req.headers)) if (typeof value === "string") headers.set(name, value);
      const response = await webhookModule.handlePusherWebhook(
        new Request(`http://127.0.0.1${req.url ?? "/"}`, { method: req.method, headers, body }),
      );
      webhookLog.push({ body, status: response.status });
      res.writeHead(response.status, { "content-type": "application/json" }).end(await response.text());
    })().catch((error: unknown) => {
      res.writeHead(500).end(String(error));
    });
  });
  const port = await listen(http);
  return {
    url: `http://127.0.0.1:${port}/api/pusher/webhook`,
    webhookLog,
    receiver,
    async close() {
      await new Promise<void>((resolve) => http.close(() => resolve()));
      http.closeAllConnections();
    },
  };
}

/**
 * `webhooks: false` for suites whose assertions assume the roster changes only through the
 * endpoints they call (no channel_occupied/vacated deliveries behind their back).
 */
/**
 * Stands between the app's SDK and the realtime server and writes down every HTTP API call, so a
 * test can count publishes (each one is billed on hosted Pusher) without mocking the SDK.
 */
async function startApiRecorder(realtimePort: number) {
  const calls: Harness["apiCalls"] = [];
  const { request: forward } = await import("node:http");
  const proxy = createHttpServer((req, res) => {
    calls.push({ method: req.method ?? "", path: new URL(req.url ?? "/", "http://x").pathname });
    const upstream = forward(
      { host: "127.0.0.1", port: realtimePort, method: req.method, path: req.url, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on("error", () => res.writeHead(502).end());
    req.pipe(upstream);
  });
  const port = await listen(proxy);
  return {
    port,
    calls,
    async close() {
      proxy.closeAllConnections();
      await new Promise<void>((resolve) => proxy.close(() => resolve()));
    },
  };
}

/** The publishes among the recorded API calls (trigger and triggerBatch, sendToUser included). */
export const publishCalls = (harness: Harness) =>
  harness.apiCalls.filter((call) => call.method === "POST" && /\/(batch_)?events$/.test(call.path));

export interface HarnessOptions {
  webhooks?: boolean;
  /** Turns on the realtime server's authorized-connections timeout, and tells the app about it. */
  authorizedConnectionsTimeoutMs?: number;
  /** Route the SDK through a recorder: see Harness.apiCalls. */
  countApiCalls?: boolean;
}

export async function startHarness({
  webhooks = true,
  authorizedConnectionsTimeoutMs,
  countApiCalls = false,
}: HarnessOptions = {}): Promise<Harness> {
  const { createTestDatabase } = await import("@/tests/support/database");
  const database = await createTestDatabase();

  let webhookModule: WebhookModule | null = null;
  const receiver = webhooks ? await startWebhookReceiver(() => webhookModule) : null;

  const { createServer, silentLogger } = await import("@/lib/realtime-server");
  const realtime = await createServer({
    ...APP,
    host: "127.0.0.1",
    port: 0,
    ...(receiver ? { webhooks: [{ url: receiver.url }] } : {}),
    ...(authorizedConnectionsTimeoutMs ? { authorizedConnectionsTimeoutMs } : {}),
    logger: silentLogger,
  });
  const recorder = countApiCalls ? await startApiRecorder(realtime.port) : null;

  const variables: Record<string, string> = {
    NODE_ENV: "test",
    DATABASE_URL: database.url,
    NEXTAUTH_SECRET,
    NEXTAUTH_URL: APP_URL,
    PUSHER_APP_ID: APP.appId,
    PUSHER_KEY: APP.key,
    PUSHER_SECRET: APP.secret,
    PUSHER_HOST: "127.0.0.1",
    PUSHER_PORT: String(recorder?.port ?? realtime.port),
    ...(authorizedConnectionsTimeoutMs ? { PUSHER_AUTHORIZED_CONNECTIONS_TIMEOUT_MS: String(authorizedConnectionsTimeoutMs) } : {}),
  };
  for (const [name, value] of Object.entries(variables)) vi.stubEnv(name, value);
  if (receiver) webhookModule = await import("@/lib/pusher/webhook");

  return {
    db: database.db,
    realtimePort: realtime.port,
    apiCalls: recorder?.calls ?? [],
    webhookLog: receiver?.webhookLog ?? [],
    receiver: receiver?.receiver ?? { down: false },
    webhookUrl: receiver?.url ?? null,
    async close() {
      await recorder?.close();
      await realtime.close();
      await receiver?.close();
      await database.cleanup();
      vi.unstubAllEnvs();
    },
  };
}

// ------------------------------------------------------------------------------------------------
// Data and requests

export type TestUser = Awaited<ReturnType<typeof createUser>>;

let userSeq = 0;
export async function createUser(
  harness: Harness,
  fields: {
    name?: string;
    email?: string;
    role?: "USER" | "ADMIN";
    passwordHash?: string;
    bannedAt?: Date | null;
    banReason?: string | null;
    banExpiresAt?: Date | null;
  } = {},
) {
  userSeq += 1;
  const name = fields.name ?? `User ${userSeq}`;
  return harness.db.user.create({
    data: {
      name,
      email: fields.email ?? `${name.toLowerCase().replace(/\W+/g, ".")}.${userSeq}@example.com`,
      role: fields.role ?? "USER",
      passwordHash: fields.passwordHash ?? "not-a-real-hash",
      bannedAt: fields.bannedAt ?? null,
      banReason: fields.banReason ?? null,
      banExpiresAt: fields.banExpiresAt ?? null,
    },
  });
}

export interface CookieUser {
  id: string;
  name: string;
  email: string;
  role: "USER" | "ADMIN";
  sessionVersion: number;
}

/** Empties every table a test writes to. The audit log must go first: deleting users only nulls its actor. */
export async function resetDatabase(harness: Harness): Promise<void> {
  await harness.db.auditLog.deleteMany();
  await harness.db.message.deleteMany();
  await harness.db.realtimeConnection.deleteMany();
  await harness.db.user.deleteMany();
}

/** The usual people: an admin (Ada) and two users (Alice, Bob), with their session cookies. */
export async function createCast(harness: Harness) {
  const admin = await createUser(harness, { name: "Ada Admin", role: "ADMIN" });
  const alice = await createUser(harness, { name: "Alice" });
  const bob = await createUser(harness, { name: "Bob" });
  const [adminCookie, aliceCookie, bobCookie] = await Promise.all([sessionCookie(admin), sessionCookie(alice), sessionCookie(bob)]);
  return { admin, alice, bob, adminCookie, aliceCookie, bobCookie };
}

/** The next-auth session cookie the browser holds after signing in (same claims as the jwt callback). */
export async function sessionCookie(user: CookieUser, secret: string = NEXTAUTH_SECRET): Promise<string> {
  const { encode } = await import("next-auth/jwt");
  const token = await encode({
    token: { sub: user.id, id: user.id, name: user.name, email: user.email, role: user.role, sessionVersion: user.sessionVersion },
    secret,
  });
  return `next-auth.session-token=${token}`;
}

/** A request to a route handler; a body is sent as JSON unless `contentType` says otherwise. */
export function request(
  path: string,
  init: { method?: string; cookie?: string; json?: unknown; body?: string; contentType?: string; headers?: Record<string, string> } = {},
): Request {
  const headers = new Headers(init.headers);
  if (init.cookie) headers.set("cookie", init.cookie);
  let body = init.body;
  if (init.json !== undefined) body = JSON.stringify(init.json);
  if (body !== undefined) headers.set("content-type", init.contentType ?? "application/json");
  return new Request(`${APP_URL}${path}`, { method: init.method ?? "POST", headers, body });
}

/** A POST like pusher-js's ajax auth transport sends. */
export function formRequest(path: string, fields: Record<string, string>, headers: Record<string, string> = {}): Request {
  return new Request(`${APP_URL}${path}`, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded", ...headers },
    body: new URLSearchParams(fields).toString(),
  });
}

type ReceiptRoute = { POST: (request: Request, context: { params: Promise<{ messageId: string }> }) => Promise<Response> };

export async function receiptRoutes(): Promise<Record<"delivered" | "read", ReceiptRoute>> {
  return {
    delivered: await import("@/app/api/messages/[messageId]/delivered/route"),
    read: await import("@/app/api/messages/[messageId]/read/route"),
  };
}

/** POSTs a receipt through the route file, as the browser would. */
export async function postReceipt(kind: "delivered" | "read", messageId: string, cookie?: string): Promise<Response> {
  const routes = await receiptRoutes();
  return routes[kind].POST(request(`/api/messages/${encodeURIComponent(messageId)}/${kind}`, { cookie }), {
    params: Promise.resolve({ messageId }),
  });
}

// ------------------------------------------------------------------------------------------------
// Webhooks

export function signedWebhook(body: string, secret: string = APP.secret, key: string = APP.key): Record<string, string> {
  return {
    "Content-Type": "application/json",
    "X-Pusher-Key": key,
    "X-Pusher-Signature": createHmac("sha256", secret).update(body).digest("hex"),
  };
}

export function webhookBody(events: { name: string; channel: string }[]): string {
  return JSON.stringify({ time_ms: Date.now(), events });
}

// ------------------------------------------------------------------------------------------------
// pusher-js clients

/** pusher-js over plain ws to the harness, its private channels authorized by the server SDK directly. */
async function serverAuthorizedOptions(harness: Harness): Promise<Options> {
  const { pusherServer } = await import("@/lib/pusher/server");
  return {
    cluster: "",
    wsHost: "127.0.0.1",
    wsPort: harness.realtimePort,
    forceTLS: false,
    enabledTransports: ["ws"],
    channelAuthorization: {
      endpoint: "/unused",
      transport: "ajax",
      customHandler: ({ socketId, channelName }, callback) => callback(null, pusherServer.authorizeChannel(socketId, channelName)),
    },
  };
}

export interface SignedInClient {
  pusher: PusherClient;
  socketId: string;
  /** Resolves with the close code once the server closes the socket. */
  closed: Promise<number | undefined>;
  disconnect(): void;
}

/**
 * A pusher-js client that does what the user's browser does: connect, sign in through an endpoint
 * that signs the token and calls recordSignIn (like /pusher/user-auth), then subscribe to its own
 * private connection channel (authorized like /pusher/auth).
 */
export async function connectSignedInClient(
  harness: Harness,
  userId: string,
  options: { subscribeConnectionChannel?: boolean } = {},
): Promise<SignedInClient> {
  const { default: Pusher } = await import("pusher-js");
  const { pusherServer } = await import("@/lib/pusher/server");
  const { recordSignIn } = await import("@/lib/roster/record-sign-in");
  const { connectionChannel } = await import("@/lib/pusher/channel-names");

  const pusher = new Pusher(APP.key, {
    ...(await serverAuthorizedOptions(harness)),
    disableStats: true,
    userAuthentication: {
      endpoint: "/unused",
      transport: "ajax",
      customHandler: ({ socketId }, callback) => {
        const auth = pusherServer.authenticateUser(socketId, { id: userId });
        recordSignIn({ userId, socketId, userAgent: "vitest pusher-js" }).then(
          () => callback(null, auth),
          (error: Error) => callback(error, null),
        );
      },
    },
  });

  const closed = new Promise<number | undefined>((resolve) => {
    pusher.connection.bind("error", (error: { type?: string; data?: { code?: number } }) => {
      if (error?.data?.code) resolve(error.data.code);
    });
    pusher.connection.bind("state_change", ({ current }: { current: string }) => {
      if (current === "disconnected" || current === "failed" || current === "unavailable") resolve(undefined);
    });
  });

  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("pusher-js did not connect")), CLIENT_EVENT_TIMEOUT_MS);
    pusher.connection.bind("connected", () => {
      clearTimeout(timer);
      resolve();
    });
  });
  const socketId = pusher.connection.socket_id;

  const signedIn = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("pusher-js did not sign in")), CLIENT_EVENT_TIMEOUT_MS);
    // pusher-js handles signin_success internally and emits nothing on `user`; watch the frames.
    pusher.connection.bind("message", (event: { event?: string }) => {
      if (event.event !== "pusher:signin_success") return;
      clearTimeout(timer);
      resolve();
    });
  });
  pusher.signin();
  await signedIn;
  // Server-to-user events only arrive once pusher-js has joined #server-to-user-{id}.
  await waitFor(() => pusher.user.serverToUserChannel?.subscribed === true, { message: "#server-to-user subscription" });

  if (options.subscribeConnectionChannel !== false) {
    const channel = pusher.subscribe(connectionChannel(socketId));
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error("connection channel subscription timed out")), CLIENT_EVENT_TIMEOUT_MS);
      channel.bind("pusher:subscription_succeeded", () => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  return { pusher, socketId, closed, disconnect: () => pusher.disconnect() };
}

/**
 * Signed-in clients a suite opens, closed together between tests (a socket left open would keep
 * its user on the roster for the next test).
 */
export function clientPool(harness: () => Harness) {
  const clients: SignedInClient[] = [];
  return {
    async connect(userId: string, options?: { subscribeConnectionChannel?: boolean }): Promise<SignedInClient> {
      const client = await connectSignedInClient(harness(), userId, options);
      clients.push(client);
      return client;
    },
    disconnectAll() {
      for (const client of clients.splice(0)) client.disconnect();
    },
  };
}

/**
 * A pusher-js client on an admin's feed (or inspector) channel that is not signed in as anyone, so
 * it adds no roster rows: the admin console's view of the channel. The admin must be an ADMIN row
 * in the database, since publishers send to current admins only. Resolves once subscribed.
 */
export async function connectAdminChannel(
  harness: Harness,
  admin: { id: string; sessionVersion: number },
  kind: "feed" | "inspector" = "feed",
  { throughAnotherInstance = false }: { throughAnotherInstance?: boolean } = {},
): Promise<{ pusher: PusherClient; channel: Channel }> {
  const { default: Pusher } = await import("pusher-js");
  const { adminFeedChannels } = await import("@/lib/pusher/channel-names");
  const pusher = new Pusher(APP.key, await serverAuthorizedOptions(harness));
  const channel = pusher.subscribe(adminFeedChannels(admin)[kind]);
  await new Promise<void>((resolve) => channel.bind("pusher:subscription_succeeded", () => resolve()));
  // Publishers cache who is an admin and which inspectors are open; this console is new. Opened
  // through another app instance, this process has not heard of it: its caches stay as they were.
  if (!throughAnotherInstance) (await import("@/lib/pusher/admin-feed")).forgetAdminFeedCache();
  return { pusher, channel };
}

/** createRealtimeClient's `config`, pointed at the harness's realtime server. */
export function realtimeConfig(harness: Harness): RealtimeClientOptions["config"] {
  return { key: APP.key, cluster: "", wsHost: "127.0.0.1", wsPort: harness.realtimePort, wssPort: harness.realtimePort, forceTLS: false };
}

/**
 * pusher-js auth options that call the real /pusher/user-auth and /pusher/auth handlers with the
 * given session cookie, answering pusher-js the way its ajax transport reads an HTTP response.
 */
export function viaEndpoints(
  cookie: string,
  hooks: { onChannelAuth?: (status: number) => void } = {},
): { userAuthentication: UserAuthenticationOptions; channelAuthorization: ChannelAuthorizationOptions } {
  const headers = { cookie, "user-agent": "vitest pusher-js" };
  const answer = async (response: Response) =>
    response.status === 200
      ? { error: null, data: await response.json() }
      : { error: Object.assign(new Error(`HTTP ${response.status}`), { status: response.status }), data: null };
  return {
    userAuthentication: {
      customHandler: ({ socketId }, callback) => {
        void import("@/lib/pusher/sign-user-auth")
          .then(({ handleUserAuth }) => handleUserAuth(formRequest("/pusher/user-auth", { socket_id: socketId }, headers)))
          .then(answer)
          .then(({ error, data }) => callback(error, data));
      },
    },
    channelAuthorization: {
      customHandler: ({ socketId, channelName }, callback) => {
        void import("@/lib/pusher/channel-auth")
          .then(({ handleChannelAuth }) =>
            handleChannelAuth(formRequest("/pusher/auth", { socket_id: socketId, channel_name: channelName }, headers)),
          )
          .then((response) => {
            hooks.onChannelAuth?.(response.status);
            return answer(response);
          })
          .then(({ error, data }) => callback(error, data));
      },
    },
  };
}

export interface AppClient {
  client: RealtimeClient;
  messages: ReceivedMessage[];
  /** Receipt requests the client made, with the handler's status. */
  receipts: { path: string; status: number }[];
  /** UserEvents.messageRead events received (reads made in any of the user's tabs). */
  reads: { messageId: string; readAt: string }[];
  /** Every sign-in of the socket, in order; `reconnected` from the second on. */
  signins: { socketId: string; reconnected: boolean }[];
}

/** The browser's realtime wiring (createRealtimeClient), talking to the app's real handlers. Resolves once signed in. */
export async function connectAppClient(harness: Harness, cookie: string): Promise<AppClient> {
  const { createRealtimeClient } = await import("@/components/realtime/pusher-client");
  const routes = await receiptRoutes();

  const messages: ReceivedMessage[] = [];
  const receipts: AppClient["receipts"] = [];
  const reads: AppClient["reads"] = [];
  const signins: AppClient["signins"] = [];
  const client = createRealtimeClient({
    config: realtimeConfig(harness),
    onMessage: (message) => messages.push(message),
    onMessageRead: (read) => reads.push(read),
    onSignedIn: (signin) => signins.push(signin),
    ...viaEndpoints(cookie),
    fetch: async (input, init) => {
      const url = new URL(input, APP_URL);
      const match = /^\/api\/messages\/([^/]+)\/(delivered|read)$/.exec(url.pathname);
      if (!match || init?.method !== "POST") return new Response(null, { status: 404 });
      const headers = new Headers(init.headers);
      headers.set("cookie", cookie);
      const response = await routes[match[2] as "delivered" | "read"].POST(new Request(url, { method: "POST", headers }), {
        params: Promise.resolve({ messageId: decodeURIComponent(match[1]!) }),
      });
      receipts.push({ path: url.pathname, status: response.status });
      return response;
    },
  });
  await waitFor(() => client.getState().status === "signed-in", { message: "app client sign-in" });
  await waitFor(() => client.pusher.user.serverToUserChannel?.subscribed, { message: "#server-to-user subscription" });
  return { client, messages, receipts, reads, signins };
}

export interface AdminListener {
  client: SignedInClient;
  /** Every message-status and activity event, in arrival order. */
  statuses: Record<string, unknown>[];
  activities: Record<string, unknown>[];
}

/** An admin console's view of its feed and inspector channels, signed in as that admin. */
export async function listenAsAdmin(harness: Harness, admin: { id: string; sessionVersion: number }): Promise<AdminListener> {
  const { AdminEvents, adminFeedChannels } = await import("@/lib/pusher/channel-names");
  const { parseActivityBatch } = await import("@/lib/inspector/activity");
  const client = await connectSignedInClient(harness, admin.id);
  const statuses: Record<string, unknown>[] = [];
  const activities: Record<string, unknown>[] = [];
  const channels = adminFeedChannels(admin);
  const feed = client.pusher.subscribe(channels.feed);
  const inspector = client.pusher.subscribe(channels.inspector);
  feed.bind(AdminEvents.messageStatus, (data: Record<string, unknown>) => statuses.push(data));
  inspector.bind(AdminEvents.activity, (data: unknown) =>
    activities.push(...((parseActivityBatch(data)?.lines ?? []) as unknown as Record<string, unknown>[])),
  );
  await waitFor(() => feed.subscribed && inspector.subscribed, { message: "admin feed subscriptions" });
  (await import("@/lib/pusher/admin-feed")).forgetAdminFeedCache();
  return { client, statuses, activities };
}

// ------------------------------------------------------------------------------------------------
// Time

/** Polls until `check` returns truthy (webhooks are batched and asynchronous). */
export async function waitFor<T>(
  check: () => Promise<T> | T,
  { timeoutMs = 5_000, intervalMs = 25, message = "condition" } = {},
): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${message}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
