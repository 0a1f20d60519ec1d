/**
 * The browser flow end to end in Node: the embedded Pusher-protocol server on port 0, the official
 * pusher-js client wired by the app's own createRealtimeClient(), and the real /pusher/user-auth
 * and /pusher/auth handlers called with real Requests carrying a real next-auth session cookie
 * (through pusher-js's customHandler, since no Next server runs in Vitest).
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";

import type { RealtimeClient } from "@/components/realtime/pusher-client";
import type { ReceivedMessage, RealtimeState } from "@/components/realtime/state";

import { createUser, realtimeConfig, sessionCookie, startHarness, viaEndpoints, waitFor, type Harness } from "@/tests/support/app-harness";

let harness: Harness;
let createRealtimeClient: typeof import("@/components/realtime/pusher-client").createRealtimeClient;
let pusherServer: typeof import("@/lib/pusher/server").pusherServer;
const clients: RealtimeClient[] = [];

beforeAll(async () => {
  harness = await startHarness({ webhooks: false });
  ({ createRealtimeClient } = await import("@/components/realtime/pusher-client"));
  ({ pusherServer } = await import("@/lib/pusher/server"));
});

afterEach(() => {
  for (const client of clients.splice(0)) client.stop();
});

afterAll(async () => {
  await harness?.close();
});

function connect(cookie: string) {
  const states: RealtimeState[] = [];
  const messages: ReceivedMessage[] = [];
  const channelAuthResults: number[] = [];
  const client = createRealtimeClient({
    config: realtimeConfig(harness),
    onState: (state) => states.push(state),
    onMessage: (message) => messages.push(message),
    ...viaEndpoints(cookie, { onChannelAuth: (status) => channelAuthResults.push(status) }),
  });
  clients.push(client);
  return { client, states, messages, channelAuthResults };
}

describe("pusher.signin() through the app's endpoints", () => {
  it("signs in, joins its connection channel, receives sendToUser events and stays down after terminate", async () => {
    const alice = await createUser(harness, { name: "Alice" });
    const { client, states, messages } = connect(await sessionCookie(alice));

    await waitFor(() => client.getState().status === "signed-in", { message: "signin_success" });
    const socketId = client.getState().socketId!;
    expect(socketId).toMatch(/^\d+\.\d+$/);
    expect(states.map((s) => s.status)).toContain("signing-in");

    // The user-auth handler recorded the socket; the connection channel subscription succeeded.
    expect(await harness.db.realtimeConnection.findUnique({ where: { socketId } })).toMatchObject({ userId: alice.id });
    const channel = client.pusher.channel(`private-connection-${socketId}`);
    await waitFor(() => channel?.subscribed, { message: "connection channel subscription" });

    // pusher-js joined #server-to-user-{id} for the id the endpoint signed.
    expect(client.pusher.user.user_data).toMatchObject({ id: alice.id, user_info: { name: "Alice" } });
    await waitFor(() => client.pusher.user.serverToUserChannel?.subscribed, { message: "#server-to-user subscription" });

    await pusherServer.sendToUser(alice.id, "message", { id: "m1", body: "Hello Alice", from: "Admin", sentAt: new Date().toISOString() });
    await waitFor(() => messages.length === 1, { message: "the message" });
    expect(messages[0]).toMatchObject({ id: "m1", body: "Hello Alice", from: "Admin" });

    await pusherServer.terminateUserConnections(alice.id);
    await waitFor(() => client.getState().terminated, { message: "termination" });
    await waitFor(() => client.getState().status === "disconnected", { message: "disconnected" });
    // pusher-js must not come back on its own.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(client.pusher.connection.state).toBe("disconnected");
    expect(client.getState()).toMatchObject({ status: "disconnected", terminated: true });
  });

  it("reports a refused sign-in (banned) and does not pretend to be signed in", async () => {
    const mallory = await createUser(harness, { name: "Mallory", bannedAt: new Date(), banReason: "spam" });
    const { client } = connect(await sessionCookie(mallory));
    await waitFor(() => client.getState().status === "signin-failed", { message: "signin_error" });
    // The customHandler's error is a plain Error, so its message is the reason; in the browser the
    // ajax transport's HTTPAuthError carries status 403 instead (see tests/realtime-client/state.test.ts).
    expect(client.getState().error).toBe("HTTP 403");
    expect(await harness.db.realtimeConnection.count({ where: { userId: mallory.id } })).toBe(0);
  });

  it("signs in again with the new socket id after a reconnect and joins the new connection channel", async () => {
    const bob = await createUser(harness, { name: "Bob" });
    const { client } = connect(await sessionCookie(bob));
    await waitFor(() => client.getState().status === "signed-in", { message: "first sign-in" });
    const first = client.getState().socketId!;

    client.pusher.disconnect();
    await waitFor(() => client.getState().status === "disconnected", { message: "disconnect" });
    client.pusher.connect();
    await waitFor(() => client.getState().status === "signed-in" && client.getState().socketId !== first, { message: "second sign-in" });
    const second = client.getState().socketId!;

    await waitFor(() => client.pusher.channel(`private-connection-${second}`)?.subscribed, { message: "new connection channel" });
    // The old channel is dropped; pusher-js may keep a cancelled, never-resubscribed object for it
    // when its subscription was still pending at the disconnect.
    const old = client.pusher.channel(`private-connection-${first}`);
    expect(old === undefined || (!old.subscribed && old.subscriptionCancelled)).toBe(true);
    const rows = await harness.db.realtimeConnection.findMany({ where: { userId: bob.id }, orderBy: { signedInAt: "asc" } });
    expect(rows.map((row) => row.socketId)).toEqual([first, second]);
  });
});
