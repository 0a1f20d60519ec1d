/**
 * Contacts' online status end to end in Node: the embedded Pusher-protocol server on port 0, the
 * official pusher-js client wired by the app's createRealtimeClient(), the real /pusher/user-auth
 * handler (which puts the watchlist in user_data) with real next-auth cookies, and the tracker the
 * contacts list uses.
 */
import type { UserAuthenticationOptions } from "pusher-js";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";

import type { WatchlistTracker } from "@/components/contacts/watchlist-tracker";
import type { RealtimeClient } from "@/components/realtime/pusher-client";
import { watchlistView } from "@/lib/contacts/watchlist-state";
import { createUser, realtimeConfig, sessionCookie, startHarness, viaEndpoints, waitFor, type Harness } from "@/tests/support/app-harness";

let harness: Harness;
let createRealtimeClient: typeof import("@/components/realtime/pusher-client").createRealtimeClient;
let createWatchlistTracker: typeof import("@/components/contacts/watchlist-tracker").createWatchlistTracker;
let pusherServer: typeof import("@/lib/pusher/server").pusherServer;
const cleanups: (() => void)[] = [];

beforeAll(async () => {
  harness = await startHarness({ webhooks: false });
  ({ createRealtimeClient } = await import("@/components/realtime/pusher-client"));
  ({ createWatchlistTracker } = await import("@/components/contacts/watchlist-tracker"));
  ({ pusherServer } = await import("@/lib/pusher/server"));
});

afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

afterAll(async () => {
  const { flushActivity } = await import("@/lib/inspector/publish");
  await flushActivity();
  await harness?.close();
});

/** Through the real endpoint, as pusher-js's ajax transport would. */
const viaEndpoint = (cookie: string): UserAuthenticationOptions => viaEndpoints(cookie).userAuthentication;

/** A server that ignores watchlists behaves, for the client, like a token without one: silence. */
const withoutWatchlist = (userId: string): UserAuthenticationOptions => ({
  customHandler: ({ socketId }, callback) => callback(null, pusherServer.authenticateUser(socketId, { id: userId })),
});

function connect(userAuthentication: UserAuthenticationOptions, trackerOptions?: { timeoutMs: number }) {
  const client: RealtimeClient = createRealtimeClient({
    config: realtimeConfig(harness),
    userAuthentication,
    // Connection channels are not under test here; refuse them quietly.
    channelAuthorization: { customHandler: (_params, callback) => callback(new Error("not under test"), null) },
  });
  // Like the contacts list: bound as soon as the pusher instance exists, before sign-in completes.
  const tracker: WatchlistTracker = createWatchlistTracker(client.pusher, trackerOptions);
  const raw: { name: string; user_ids: string[] }[] = [];
  client.pusher.user.watchlist.bind("online", (event: { name: string; user_ids: string[] }) => raw.push(event));
  client.pusher.user.watchlist.bind("offline", (event: { name: string; user_ids: string[] }) => raw.push(event));
  cleanups.push(() => {
    tracker.stop();
    client.stop();
  });
  return { client, tracker, raw };
}

describe("contacts' online status through pusher.user.watchlist", () => {
  it("shows a contact going online, then offline", async () => {
    const alice = await createUser(harness, { name: "Alice" });
    const bob = await createUser(harness, { name: "Bob" });

    const watcher = connect(viaEndpoint(await sessionCookie(alice)));
    // The initial state right after sign-in: Bob is offline.
    await waitFor(() => watcher.tracker.getState().support === "supported", { message: "initial watchlist state" });
    expect(watcher.raw).toContainEqual({ name: "offline", user_ids: expect.arrayContaining([bob.id]) });
    expect(watchlistView(watcher.tracker.getState())).toEqual({ kind: "live", online: new Set() });

    const contact = connect(viaEndpoint(await sessionCookie(bob)));
    await waitFor(() => watcher.tracker.getState().online.has(bob.id), { message: "Bob online" });
    expect(watcher.raw.at(-1)).toEqual({ name: "online", user_ids: [bob.id] });
    // Bob watches Alice, who was already online.
    await waitFor(() => contact.tracker.getState().online.has(alice.id), { message: "Alice online for Bob" });

    contact.client.stop();
    await waitFor(() => !watcher.tracker.getState().online.has(bob.id), { message: "Bob offline" });
    expect(watcher.raw.at(-1)).toEqual({ name: "offline", user_ids: [bob.id] });
    expect(watchlistView(watcher.tracker.getState()).kind).toBe("live");
  });

  it("says the status is unavailable when the server sends no watchlist state after sign-in", async () => {
    const carol = await createUser(harness, { name: "Carol" });
    const { client, tracker } = connect(withoutWatchlist(carol.id), { timeoutMs: 300 });
    await waitFor(() => client.getState().status === "signed-in", { message: "signed in" });
    expect(tracker.getState().support).toBe("waiting");
    await waitFor(() => tracker.getState().support === "unsupported", { message: "unsupported" });
    expect(watchlistView(tracker.getState())).toEqual({
      kind: "unavailable",
      message: "Online status isn't available on this realtime server.",
    });
  });

  it("does not claim silence means unsupported when it started after the sign-in", async () => {
    const dave = await createUser(harness, { name: "Dave" });
    const { client } = connect(viaEndpoint(await sessionCookie(dave)));
    await waitFor(() => client.getState().status === "signed-in", { message: "signed in" });
    const late = createWatchlistTracker(client.pusher, { timeoutMs: 100 });
    cleanups.push(() => late.stop());
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(late.getState().support).toBe("missed");
    expect(watchlistView(late.getState()).kind).toBe("unavailable");
  });
});
