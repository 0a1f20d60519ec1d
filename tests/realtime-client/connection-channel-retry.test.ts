/**
 * The connection channel's /pusher/auth failing once (no answer: the app restarting, or a timeout
 * under load). Before, the tab stayed signed in without its private-connection channel, so no
 * channel_occupied ever put it on the roster; `npm run bench:app` saw 104 such tabs after a realtime
 * restart at 10,000 tabs. Now a retryable failure is tried again on the same socket (401/403 stay
 * final: the same isRetryableSigninError rule as the sign-in, tested in tests/realtime-client/state.test.ts).
 * Real embedded server, the app's real handlers, the app's pusher-js client.
 */
import type { ChannelAuthorizationHandler } from "pusher-js";
import { afterAll, beforeAll, expect, it } from "vitest";

import type { RealtimeClient } from "@/components/realtime/pusher-client";

import { createUser, realtimeConfig, sessionCookie, startHarness, viaEndpoints, waitFor, type Harness } from "@/tests/support/app-harness";

let harness: Harness;
const clients: RealtimeClient[] = [];

beforeAll(async () => {
  harness = await startHarness({ webhooks: false });
});

afterAll(async () => {
  for (const client of clients) client.stop();
  await harness?.close();
});

/** The real channel authorizer, with the first connection-channel answer replaced by `failure`. */
function failingFirst(endpoints: ReturnType<typeof viaEndpoints>, failure: Error) {
  const real = (endpoints.channelAuthorization as { customHandler: ChannelAuthorizationHandler }).customHandler;
  const calls: string[] = [];
  const handler: ChannelAuthorizationHandler = (params, callback) => {
    calls.push(params.channelName);
    // Asynchronously, as an HTTP answer would come.
    if (calls.length === 1) setImmediate(() => callback(failure, null));
    else real(params, callback);
  };
  return { calls, channelAuthorization: { customHandler: handler } };
}

it("a connection channel whose authorization got no answer is subscribed on a retry", async () => {
  const { createRealtimeClient } = await import("@/components/realtime/pusher-client");
  const user = await createUser(harness, { name: "Retrying Rita" });
  const endpoints = viaEndpoints(await sessionCookie(user));
  const channelAuth = failingFirst(endpoints, new Error("socket hang up"));
  const client = createRealtimeClient({
    config: realtimeConfig(harness),
    signinRetryDelayMs: () => 50,
    userAuthentication: endpoints.userAuthentication,
    channelAuthorization: channelAuth.channelAuthorization,
  });
  clients.push(client);

  await waitFor(() => client.getState().status === "signed-in", { message: "signed in" });
  const name = `private-connection-${client.getState().socketId}`;
  await waitFor(() => client.pusher.channel(name)?.subscribed, { timeoutMs: 10_000, message: "the connection channel, on a retry" });
  expect(channelAuth.calls).toEqual([name, name]);
});
