/**
 * The app's webhook route unreachable while tabs come and go (the realtime server's deliveries all
 * fail: channel_occupied and channel_vacated are lost for good once its retries give up).
 * Reconciliation against the realtime server's HTTP API must still put the roster right, without
 * any webhook: live sockets confirmed, closed ones removed. A regression test for issue 9's
 * "webhook route unreachable for minutes" fault; runs on SQLite and, with
 * TEST_DATABASE_PROVIDER=postgresql, on PostgreSQL.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import {
  connectAppClient,
  createUser,
  sessionCookie,
  startHarness,
  waitFor,
  type AppClient,
  type Harness,
} from "@/tests/support/app-harness";

let harness: Harness;
let reconcile: typeof import("@/lib/roster/reconcile");
let GRACE: number;
const tabs: AppClient[] = [];

beforeAll(async () => {
  harness = await startHarness();
  reconcile = await import("@/lib/roster/reconcile");
  ({ CONNECTION_GRACE_MS: GRACE } = await import("@/lib/roster/constants"));
});

afterAll(async () => {
  for (const tab of tabs) tab.client.stop();
  await harness?.close();
});

describe("the webhook route unreachable", () => {
  it("reconciliation confirms the live sockets and removes the closed ones, with every webhook lost", async () => {
    harness.receiver.down = true;
    const users = await Promise.all(Array.from({ length: 10 }, (_, i) => createUser(harness, { name: `Offline hooks ${i}` })));
    for (const user of users) tabs.push(await connectAppClient(harness, await sessionCookie(user)));
    const sockets = tabs.map((tab) => tab.client.getState().socketId!);
    for (const [i, tab] of tabs.entries())
      await waitFor(() => tab.client.pusher.channel(`private-connection-${sockets[i]}`)?.subscribed, { message: "connection channel" });

    // Four tabs close; their channel_vacated can't be delivered either.
    const closed = tabs.slice(0, 4);
    for (const tab of closed) tab.client.stop();
    const live = sockets.slice(4);
    await waitFor(async () => (await reconcile.fetchOccupiedSocketIds()).size === live.length, {
      message: "closed sockets gone from the realtime server",
    });

    // Nothing reached the app: every row is still pending, the closed ones included.
    expect(harness.webhookLog).toHaveLength(0);
    const rows = await harness.db.realtimeConnection.findMany();
    expect(rows.map((row) => row.socketId).sort()).toEqual([...sockets].sort());
    expect(rows.every((row) => row.confirmedAt === null)).toBe(true);

    // Minutes later, webhooks still down: reconciliation alone puts the roster right.
    const later = new Date(Date.now() + GRACE + 60_000);
    expect(await reconcile.reconcileRoster(later)).toEqual({
      occupiedChannels: live.length,
      removed: closed.length,
      confirmed: live.length,
    });
    const after = await harness.db.realtimeConnection.findMany();
    expect(after.map((row) => row.socketId).sort()).toEqual([...live].sort());
    expect(after.every((row) => row.confirmedAt !== null)).toBe(true);
    // And it is idempotent.
    expect(await reconcile.reconcileRoster(later)).toEqual({ occupiedChannels: live.length, removed: 0, confirmed: 0 });
  });
});
