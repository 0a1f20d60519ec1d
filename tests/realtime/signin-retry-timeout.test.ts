/**
 * The app down for longer than the realtime server's authorized-connections timeout: the server
 * closes the socket that could not sign in (4009 "not authorized within timeout"), which pusher-js
 * treats as final. The client connects again by itself, with backoff, and signs in once the app
 * answers. Before, such a tab stayed "Disconnected" for good.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import type { RealtimeClient } from "@/components/realtime/pusher-client";
import type { RealtimeState } from "@/components/realtime/state";

import { createUser, realtimeConfig, sessionCookie, startHarness, waitFor, type Harness } from "@/tests/support/app-harness";

import { startAppEndpoints } from "./app-endpoints";

const TIMEOUT_MS = 400;
let harness: Harness;
let endpoints: Awaited<ReturnType<typeof startAppEndpoints>>;
const clients: RealtimeClient[] = [];

beforeAll(async () => {
  harness = await startHarness({ webhooks: false, authorizedConnectionsTimeoutMs: TIMEOUT_MS });
  endpoints = await startAppEndpoints();
});

afterAll(async () => {
  for (const client of clients) client.stop();
  await endpoints?.close();
  await harness?.close();
});

describe("sign-in retry across the authorized-connections timeout", () => {
  it("reconnects after the 4009 timeout close and signs in once the app is back", async () => {
    const { createRealtimeClient } = await import("@/components/realtime/pusher-client");
    const user = await createUser(harness, { name: "Timed Out Tom" });
    await endpoints.goDown();
    const states: RealtimeState[] = [];
    const sockets = new Set<string>();
    const client = createRealtimeClient({
      config: realtimeConfig(harness),
      onState: (state) => {
        states.push(state);
        if (state.socketId) sockets.add(state.socketId);
      },
      signinRetryDelayMs: (attempt) => Math.min(300, 50 * 2 ** attempt),
      ...endpoints.clientOptions(await sessionCookie(user)),
    });
    clients.push(client);

    // At least two sockets closed by the timeout while the app is down, each followed by a new one.
    await waitFor(() => sockets.size >= 3, { timeoutMs: 10_000, message: "reconnects after timeout closes" });
    expect(client.getState().terminated).toBe(false);
    expect(states.some((state) => state.status === "disconnected")).toBe(true);

    await endpoints.comeBack();
    await waitFor(() => client.getState().status === "signed-in", { timeoutMs: 10_000, message: "signed in once the app is back" });
    const socketId = client.getState().socketId!;
    await waitFor(() => client.pusher.channel(`private-connection-${socketId}`)?.subscribed, { message: "connection channel" });
    // Signed in well before the timeout, the socket now stays open.
    await new Promise((resolve) => setTimeout(resolve, TIMEOUT_MS * 2));
    expect(client.getState()).toMatchObject({ status: "signed-in", socketId });
  });
});
