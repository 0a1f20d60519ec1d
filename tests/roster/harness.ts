/**
 * Test harness for the roster and admin console: a temp SQLite database, the embedded Pusher
 * server on port 0 whose webhooks go to the real webhook handler (served by a tiny HTTP adapter,
 * since no Next server runs in Vitest), official pusher-js clients that sign in the way the
 * browser does, and real next-auth JWT session cookies.
 *
 * App modules read their environment when first imported, so everything here is imported
 * dynamically after the variables are set. Each Vitest file runs in its own process.
 */
import { createHmac } from "node:crypto";
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

import type PusherClient from "pusher-js";

export const APP = { appId: "roster-test-app", key: "roster-test-key", secret: "roster-test-secret-0123456789" } as const;
export const NEXTAUTH_SECRET = "roster-tests-only-secret-roster-tests-only-0001";

type WebhookModule = typeof import("@/lib/pusher/webhook");

export interface Harness {
  db: Awaited<ReturnType<typeof import("@/tests/support/database").createTestDatabase>>["db"];
  webhookUrl: string;
  realtimePort: number;
  /** What the webhook receiver got, in order, with the handler's HTTP status. */
  webhookLog: { body: string; status: number }[];
  /** Flip to make the receiver refuse deliveries (simulates the app being down). */
  receiver: { down: boolean };
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

export async function startHarness(): Promise<Harness> {
  const { createTestDatabase } = await import("@/tests/support/database");
  const database = await createTestDatabase();

  let webhookModule: WebhookModule | null = null;
  const webhookLog: Harness["webhookLog"] = [];
  const receiver = { down: false };
  const http = createHttpServer((req: IncomingMessage, res: ServerResponse) => {
    void (async () => {
      const body = await readBody(req);
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
  const httpPort = await listen(http);
  const webhookUrl = `http://127.0.0.1:${httpPort}/api/pusher/webhook`;

  const { createServer, silentLogger } = await import("@/lib/realtime-server");
  const realtime = await createServer({ ...APP, host: "127.0.0.1", port: 0, webhooks: [{ url: webhookUrl }], logger: silentLogger });

  Object.assign(process.env, {
    NODE_ENV: "test",
    DATABASE_URL: database.url,
    NEXTAUTH_SECRET,
    NEXTAUTH_URL: "http://127.0.0.1:3000",
    PUSHER_APP_ID: APP.appId,
    PUSHER_KEY: APP.key,
    PUSHER_SECRET: APP.secret,
    PUSHER_HOST: "127.0.0.1",
    PUSHER_PORT: String(realtime.port),
  });
  webhookModule = await import("@/lib/pusher/webhook");

  return {
    db: database.db,
    webhookUrl,
    realtimePort: realtime.port,
    webhookLog,
    receiver,
    async close() {
      await realtime.close();
      await new Promise<void>((resolve) => http.close(() => resolve()));
      http.closeAllConnections();
      await database.cleanup();
    },
  };
}

// ------------------------------------------------------------------------------------------------
// Data

let userSeq = 0;
export async function createUser(harness: Harness, fields: { name: string; email?: string; role?: "USER" | "ADMIN" }) {
  userSeq += 1;
  return harness.db.user.create({
    data: {
      name: fields.name,
      email: fields.email ?? `${fields.name.toLowerCase().replace(/\W+/g, ".")}.${userSeq}@example.com`,
      role: fields.role ?? "USER",
      passwordHash: "not-a-real-hash",
    },
  });
}

/** A real next-auth session cookie, as the browser would send it after signing in. */
export async function sessionCookie(user: { id: string; name: string; email: string; role: "USER" | "ADMIN"; sessionVersion: number }): Promise<string> {
  const { encode } = await import("next-auth/jwt");
  const token = await encode({
    token: { sub: user.id, id: user.id, name: user.name, email: user.email, role: user.role, sessionVersion: user.sessionVersion },
    secret: NEXTAUTH_SECRET,
  });
  return `next-auth.session-token=${token}`;
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
export async function connectSignedInClient(harness: Harness, userId: string, options: { subscribeConnectionChannel?: boolean } = {}): Promise<SignedInClient> {
  const { default: Pusher } = await import("pusher-js");
  const { pusherServer } = await import("@/lib/pusher/server");
  const { recordSignIn } = await import("@/lib/roster/record-sign-in");
  const { connectionChannel } = await import("@/lib/pusher/channels");

  const pusher = new Pusher(APP.key, {
    cluster: "",
    wsHost: "127.0.0.1",
    wsPort: harness.realtimePort,
    forceTLS: false,
    enabledTransports: ["ws"],
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
    channelAuthorization: {
      endpoint: "/unused",
      transport: "ajax",
      customHandler: ({ socketId, channelName }, callback) => callback(null, pusherServer.authorizeChannel(socketId, channelName)),
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
    const timer = setTimeout(() => reject(new Error("pusher-js did not connect")), 5_000);
    pusher.connection.bind("connected", () => {
      clearTimeout(timer);
      resolve();
    });
  });
  const socketId = pusher.connection.socket_id;

  const signedIn = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("pusher-js did not sign in")), 5_000);
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
      const timer = setTimeout(() => reject(new Error("connection channel subscription timed out")), 5_000);
      channel.bind("pusher:subscription_succeeded", () => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  return { pusher, socketId, closed, disconnect: () => pusher.disconnect() };
}

/** Polls until `check` returns truthy (webhooks are batched and asynchronous). */
export async function waitFor<T>(check: () => Promise<T> | T, { timeoutMs = 5_000, intervalMs = 25, message = "condition" } = {}): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${message}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
