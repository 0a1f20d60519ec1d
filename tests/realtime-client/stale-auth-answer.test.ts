/**
 * A slow /pusher/user-auth answer for a socket that is gone. Under load the app may take longer
 * than the realtime server's authorized-connections timeout: the server closes the unsigned socket
 * (4009 "not authorized within timeout"), the client connects again and signs in on the new
 * socket. When the first socket's answer finally arrives, pusher-js would send it as pusher:signin
 * on the new socket, where its signature is invalid: the server closed that one with 4009 as well,
 * and the tab read it as "disconnected by an administrator". Seen in `npm run bench:app` at 10,000
 * tabs. Real embedded server, the app's real user-auth handler, the app's pusher-js client.
 */
import type { UserAuthenticationHandler } from "pusher-js";
import { afterAll, beforeAll, expect, it } from "vitest";

import type { RealtimeClient } from "@/components/realtime/pusher-client";

import { createUser, realtimeConfig, sessionCookie, startHarness, viaEndpoints, waitFor, type Harness } from "@/tests/support/app-harness";

const TIMEOUT_MS = 1_000;
let harness: Harness;
const clients: RealtimeClient[] = [];

beforeAll(async () => {
  harness = await startHarness({ webhooks: false, authorizedConnectionsTimeoutMs: TIMEOUT_MS });
});

afterAll(async () => {
  for (const client of clients) client.stop();
  await harness?.close();
});

it("an answer for a socket that closed meanwhile is not sent on the next socket", async () => {
  const { createRealtimeClient } = await import("@/components/realtime/pusher-client");
  const { pusherServer } = await import("@/lib/pusher/server");
  const user = await createUser(harness, { name: "Slow Sam" });
  const endpoints = viaEndpoints(await sessionCookie(user));
  const realUserAuth = (endpoints.userAuthentication as { customHandler: UserAuthenticationHandler }).customHandler;

  // Every answer is held back until the test releases it, in the order the test chooses.
  const held: { socketId: string; release: () => void }[] = [];
  const holdingUserAuth: UserAuthenticationHandler = (params, callback) =>
    realUserAuth(params, (error, data) => held.push({ socketId: params.socketId, release: () => callback(error, data) }));

  const client = createRealtimeClient({
    config: realtimeConfig(harness),
    signinRetryDelayMs: () => 50,
    channelAuthorization: endpoints.channelAuthorization,
    userAuthentication: { customHandler: holdingUserAuth },
  });
  clients.push(client);

  // The first socket times out unsigned; the client connects again and asks for the second one.
  await waitFor(() => held.length === 2, { timeoutMs: 10_000, message: "an answer for the first socket and for its successor" });
  const [stale, fresh] = held as [(typeof held)[0], (typeof held)[0]];
  expect(client.getState().socketId).toBe(fresh.socketId);

  // The first socket's answer arrives first, then a round trip on the second socket: the server
  // handles frames in order, so once the pong is back any pusher:signin sent before it was handled.
  stale.release();
  // (Or the socket closes: then the expectations below say what happened.)
  const pongOrClose = new Promise<void>((resolveWait) => {
    client.pusher.connection.bind("message", (event: { event: string }) => {
      if (event.event === "pusher:pong") resolveWait();
    });
    client.pusher.connection.bind("state_change", ({ current }: { current: string }) => {
      if (current !== "connected") resolveWait();
    });
  });
  client.pusher.send_event("pusher:ping", {});
  await pongOrClose;
  expect(client.getState()).toMatchObject({ socketId: fresh.socketId, terminated: false });
  expect(client.pusher.connection.state).toBe("connected");

  fresh.release();
  await waitFor(() => client.getState().status === "signed-in", { message: "signed in on the second socket" });
  const received: unknown[] = [];
  client.pusher.user.bind("probe", (data: unknown) => received.push(data));
  await pusherServer.sendToUser(user.id, "probe", { after: "the stale answer" });
  await waitFor(() => received.length === 1, { message: "an event on the second socket" });
  expect(client.getState()).toMatchObject({ status: "signed-in", socketId: fresh.socketId, terminated: false });
});
