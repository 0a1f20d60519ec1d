/**
 * Message tests build on the roster harness (temp SQLite, embedded realtime server with webhooks,
 * real JWT cookies) and add: the app's own createRealtimeClient signed in through the real
 * /pusher/user-auth and /pusher/auth handlers, with its receipt POSTs routed to the real
 * /api/messages route files; an admin listener on private-admin; and request helpers.
 */
import type { ChannelAuthorizationOptions, UserAuthenticationOptions } from "pusher-js";

import type { RealtimeClient } from "@/components/realtime/client";
import type { ReceivedMessage } from "@/components/realtime/state";

import { APP, connectSignedInClient, waitFor, type Harness, type SignedInClient } from "../roster/harness";

export { createUser, sessionCookie, startHarness, waitFor, type Harness, type SignedInClient } from "../roster/harness";

export const APP_URL = "http://127.0.0.1:3000";

export function request(path: string, init: { method?: string; cookie?: string; json?: unknown; body?: string; contentType?: string } = {}): Request {
  const headers = new Headers();
  if (init.cookie) headers.set("cookie", init.cookie);
  let body = init.body;
  if (init.json !== undefined) body = JSON.stringify(init.json);
  if (body !== undefined) headers.set("content-type", init.contentType ?? "application/json");
  return new Request(`${APP_URL}${path}`, { method: init.method ?? "POST", headers, body });
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
  return routes[kind].POST(request(`/api/messages/${encodeURIComponent(messageId)}/${kind}`, { cookie }), { params: Promise.resolve({ messageId }) });
}

export interface AppClient {
  client: RealtimeClient;
  messages: ReceivedMessage[];
  /** Receipt requests the client made, with the handler's status. */
  receipts: { path: string; status: number }[];
}

/** The browser's realtime wiring (createRealtimeClient), talking to the app's real handlers. */
export async function connectAppClient(harness: Harness, cookie: string): Promise<AppClient> {
  const { createRealtimeClient } = await import("@/components/realtime/client");
  const { handleUserAuth } = await import("@/lib/pusher/user-auth");
  const { handleChannelAuth } = await import("@/lib/pusher/channel-auth");
  const routes = await receiptRoutes();

  const form = (path: string, fields: Record<string, string>) =>
    new Request(`${APP_URL}${path}`, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded", cookie, "user-agent": "vitest pusher-js" },
      body: new URLSearchParams(fields).toString(),
    });
  const answer = async (response: Response) =>
    response.status === 200 ? { error: null, data: await response.json() } : { error: new Error(`HTTP ${response.status}`), data: null };

  const userAuthentication: UserAuthenticationOptions = {
    customHandler: ({ socketId }, callback) => {
      void handleUserAuth(form("/pusher/user-auth", { socket_id: socketId }))
        .then(answer)
        .then(({ error, data }) => callback(error, data));
    },
  };
  const channelAuthorization: ChannelAuthorizationOptions = {
    customHandler: ({ socketId, channelName }, callback) => {
      void handleChannelAuth(form("/pusher/auth", { socket_id: socketId, channel_name: channelName }))
        .then(answer)
        .then(({ error, data }) => callback(error, data));
    },
  };

  const messages: ReceivedMessage[] = [];
  const receipts: AppClient["receipts"] = [];
  const client = createRealtimeClient({
    config: { key: APP.key, cluster: "", wsHost: "127.0.0.1", wsPort: harness.realtimePort, wssPort: harness.realtimePort, forceTLS: false },
    onMessage: (message) => messages.push(message),
    userAuthentication,
    channelAuthorization,
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
  return { client, messages, receipts };
}

export interface AdminListener {
  client: SignedInClient;
  /** Every message-status and activity event, in arrival order. */
  statuses: Record<string, unknown>[];
  activities: Record<string, unknown>[];
}

/** An admin console's view of private-admin. */
export async function listenAsAdmin(harness: Harness, adminId: string): Promise<AdminListener> {
  const { ADMIN_CHANNEL, AdminEvents } = await import("@/lib/pusher/channels");
  const client = await connectSignedInClient(harness, adminId);
  const statuses: Record<string, unknown>[] = [];
  const activities: Record<string, unknown>[] = [];
  const channel = client.pusher.subscribe(ADMIN_CHANNEL);
  channel.bind(AdminEvents.messageStatus, (data: Record<string, unknown>) => statuses.push(data));
  channel.bind(AdminEvents.activity, (data: Record<string, unknown>) => activities.push(data));
  await waitFor(() => channel.subscribed, { message: "private-admin subscription" });
  return { client, statuses, activities };
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
