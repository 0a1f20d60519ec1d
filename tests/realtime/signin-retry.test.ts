/**
 * The browser's realtime wiring (createRealtimeClient) with pusher-js's own ajax transport against
 * the real /pusher/user-auth and /pusher/auth handlers over HTTP (./app-endpoints.ts), on the
 * embedded server: reconnects waste no channel authorization, a failed sign-in is retried while
 * the answer is retryable and never after 401/403, and tabs whose app went away sign in again by
 * themselves once it is back.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";

import type { RealtimeClient } from "@/components/realtime/pusher-client";
import type { RealtimeState } from "@/components/realtime/state";

import { createUser, realtimeConfig, sessionCookie, startHarness, waitFor, type Harness } from "@/tests/support/app-harness";

import { startAppEndpoints, startSocketRelay } from "./app-endpoints";

let harness: Harness;
let endpoints: Awaited<ReturnType<typeof startAppEndpoints>>;
let relay: Awaited<ReturnType<typeof startSocketRelay>>;
let createRealtimeClient: typeof import("@/components/realtime/pusher-client").createRealtimeClient;
const clients: RealtimeClient[] = [];

// Short backoff so the tests wait milliseconds, not seconds; the rule itself is tested below.
const FAST_BACKOFF = (attempt: number) => Math.min(400, 50 * 2 ** attempt);

beforeAll(async () => {
  harness = await startHarness({ webhooks: false });
  endpoints = await startAppEndpoints();
  relay = await startSocketRelay(harness.realtimePort);
  ({ createRealtimeClient } = await import("@/components/realtime/pusher-client"));
});

afterEach(() => {
  for (const client of clients.splice(0)) client.stop();
  endpoints.calls.splice(0);
  endpoints.failNext(0);
});

afterAll(async () => {
  await relay?.close();
  await endpoints?.close();
  await harness?.close();
});

async function openTab(name: string, { viaRelay = false } = {}) {
  const user = await createUser(harness, { name });
  const states: RealtimeState[] = [];
  const config = realtimeConfig(harness);
  const client = createRealtimeClient({
    config: viaRelay ? { ...config, wsPort: relay.port, wssPort: relay.port } : config,
    onState: (state) => states.push(state),
    signinRetryDelayMs: FAST_BACKOFF,
    ...endpoints.clientOptions(await sessionCookie(user)),
  });
  clients.push(client);
  return { user, client, states };
}

const userAuthCalls = (socketId?: string) =>
  endpoints.calls.filter((call) => call.path === "/pusher/user-auth" && (!socketId || call.socketId === socketId));
const channelAuthCalls = () => endpoints.calls.filter((call) => call.path === "/pusher/auth");

describe("a reconnect wastes no channel authorization", () => {
  it("drops the old socket's connection channel and authorizes the new one once, with no 403", async () => {
    const { client } = await openTab("Reconnecting Rita", { viaRelay: true });
    await waitFor(() => client.getState().status === "signed-in", { message: "first sign-in" });
    const first = client.getState().socketId!;
    await waitFor(() => client.pusher.channel(`private-connection-${first}`)?.subscribed, { message: "first connection channel" });

    for (let drop = 0; drop < 3; drop += 1) {
      const before = client.getState().socketId!;
      relay.drop();
      await waitFor(() => client.getState().status === "signed-in" && client.getState().socketId !== before, {
        timeoutMs: 10_000,
        message: "sign-in after the drop",
      });
      const now = client.getState().socketId!;
      await waitFor(() => client.pusher.channel(`private-connection-${now}`)?.subscribed, { message: "new connection channel" });
      expect(client.pusher.channel(`private-connection-${before}`)).toBeUndefined();
    }

    // One authorization per socket, each for that socket's own channel; before the fix pusher-js
    // re-sent every old socket's channel after each reconnect and /pusher/auth answered 403.
    const auths = channelAuthCalls();
    expect(auths.map((call) => call.status)).toEqual([200, 200, 200, 200]);
    for (const call of auths) expect(call.channelName).toBe(`private-connection-${call.socketId}`);
    expect(new Set(auths.map((call) => call.socketId)).size).toBe(4);
  });
});

describe("sign-in retry", () => {
  it("retries a 503 on the same connection with backoff and ends signed in", async () => {
    endpoints.failNext(3);
    const { client, states } = await openTab("Patient Pat");
    await waitFor(() => client.getState().status === "signed-in", { message: "sign-in after three 503s" });
    const socketId = client.getState().socketId!;

    // Four requests for the one socket: three 503s, then the real handler's 200.
    expect(userAuthCalls(socketId).map((call) => call.status)).toEqual([503, 503, 503, 200]);
    const failed = states.filter((state) => state.status === "signin-failed");
    expect(failed).toHaveLength(3);
    for (const state of failed) {
      expect(state.error).toBe("the server answered HTTP 503");
      expect(state.retryAt).toBeGreaterThan(0);
    }
    await waitFor(() => client.pusher.channel(`private-connection-${socketId}`)?.subscribed, { message: "connection channel" });
    await waitFor(() => client.pusher.user.serverToUserChannel?.subscribed, { message: "#server-to-user" });
  });

  it.each([401, 403])("stops for good on %i: one request, no retry", async (status) => {
    endpoints.failNext(1, status);
    const { client } = await openTab(`Refused ${status}`);
    await waitFor(() => client.getState().status === "signin-failed", { message: "signin_error" });
    expect(client.getState().retryAt).toBeNull();
    // The fast backoff would have retried several times by now.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(userAuthCalls()).toHaveLength(1);
    expect(client.getState()).toMatchObject({ status: "signin-failed", retryAt: null });
  });

  it("a banned account (the real handler's 403) is not retried either", async () => {
    const mallory = await createUser(harness, { name: "Mallory", bannedAt: new Date(), banReason: "spam" });
    const client = createRealtimeClient({
      config: realtimeConfig(harness),
      signinRetryDelayMs: FAST_BACKOFF,
      ...endpoints.clientOptions(await sessionCookie(mallory)),
    });
    clients.push(client);
    await waitFor(() => client.getState().status === "signin-failed", { message: "signin_error" });
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(userAuthCalls().map((call) => call.status)).toEqual([403]);
    expect(client.getState().error).toBe("this account is not allowed to connect");
  });
});

describe("the app unreachable for a while (an instance restarted under load)", () => {
  it("every tab that failed to sign in meanwhile signs in again by itself once the app is back", async () => {
    const TABS = 20;
    const tabs = await Promise.all(Array.from({ length: TABS }, (_, i) => openTab(`Restart ${i}`, { viaRelay: true })));
    await waitFor(() => tabs.every(({ client }) => client.getState().status === "signed-in"), {
      timeoutMs: 10_000,
      message: "all tabs signed in",
    });
    const firstSockets = tabs.map(({ client }) => client.getState().socketId!);
    for (const [i, { client }] of tabs.entries()) {
      await waitFor(() => client.pusher.channel(`private-connection-${firstSockets[i]}`)?.subscribed, {
        message: "first connection channel",
      });
    }

    // The app goes away, and the sockets drop meanwhile (e.g. the same deploy restarted the proxy):
    // every tab reconnects and its sign-in finds nothing listening (status 0).
    await endpoints.goDown();
    relay.drop();
    await waitFor(() => tabs.every(({ client }) => client.getState().status === "signin-failed" && client.getState().retryAt !== null), {
      timeoutMs: 10_000,
      message: "every tab failed to sign in and waits to retry",
    });
    // Let every tab retry at least once against the closed port.
    await waitFor(() => tabs.every(({ states }) => states.filter((s) => s.status === "signin-failed").length >= 2), {
      timeoutMs: 10_000,
      message: "a second failed attempt per tab",
    });
    // Read from the recorded states: a tab may be mid-retry ("signing-in", no error) right now.
    for (const { states } of tabs) {
      expect(states.filter((s) => s.status === "signin-failed").at(-1)?.error).toBe("the app could not be reached");
    }

    await endpoints.comeBack();
    await waitFor(() => tabs.every(({ client }) => client.getState().status === "signed-in"), {
      timeoutMs: 15_000,
      message: "every tab signed in again",
    });
    tabs.forEach(({ client }, i) => expect(client.getState().socketId).not.toBe(firstSockets[i]));
    // Each new socket was signed in (and recorded) once, and each connection channel authorized once.
    for (const { client, user } of tabs) {
      const socketId = client.getState().socketId!;
      expect(userAuthCalls(socketId).filter((call) => call.status === 200)).toHaveLength(1);
      expect(await harness.db.realtimeConnection.findUnique({ where: { socketId } })).toMatchObject({ userId: user.id });
    }
    for (const { client } of tabs) {
      const socketId = client.getState().socketId!;
      await waitFor(() => client.pusher.channel(`private-connection-${socketId}`)?.subscribed, { message: "new connection channel" });
      expect(
        channelAuthCalls()
          .filter((call) => call.socketId === socketId)
          .map((call) => call.status),
      ).toEqual([200]);
    }
    expect(channelAuthCalls().every((call) => call.status === 200)).toBe(true);
  });
});
