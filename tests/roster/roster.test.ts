import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";

import { connectSignedInClient, createUser, startHarness, waitFor, type Harness, type SignedInClient } from "@/tests/support/app-harness";

let harness: Harness;
let roster: typeof import("@/lib/roster/roster");
let reconcile: typeof import("@/lib/roster/reconcile");
let recordSignIn: typeof import("@/lib/roster/record-sign-in").recordSignIn;
let GRACE: number;
const clients: SignedInClient[] = [];

beforeAll(async () => {
  harness = await startHarness();
  roster = await import("@/lib/roster/roster");
  reconcile = await import("@/lib/roster/reconcile");
  ({ recordSignIn } = await import("@/lib/roster/record-sign-in"));
  ({ CONNECTION_GRACE_MS: GRACE } = await import("@/lib/roster/constants"));
});

afterAll(async () => {
  for (const client of clients) client.disconnect();
  await harness?.close();
});

beforeEach(async () => {
  vi.restoreAllMocks();
  for (const client of clients.splice(0)) client.disconnect();
  await harness.db.realtimeConnection.deleteMany();
  await harness.db.user.deleteMany();
  harness.receiver.down = false;
});

async function connect(userId: string, options?: { subscribeConnectionChannel?: boolean }) {
  const client = await connectSignedInClient(harness, userId, options);
  clients.push(client);
  return client;
}

const confirmedRow = (socketId: string) => async () =>
  (await harness.db.realtimeConnection.findUnique({ where: { socketId } }))?.confirmedAt ?? null;

describe("recordSignIn + getRoster", () => {
  it("lists a pending connection inside the grace window only", async () => {
    const alice = await createUser(harness, { name: "Alice" });
    await recordSignIn({ userId: alice.id, socketId: "111.222", userAgent: "test" });

    const row = await harness.db.realtimeConnection.findUniqueOrThrow({ where: { socketId: "111.222" } });
    expect(row.confirmedAt).toBeNull();
    expect(row.userAgent).toBe("test");

    const now = new Date();
    expect((await roster.getRoster(now)).map((entry) => entry.email)).toEqual([alice.email]);
    // The webhook never came: past the grace window the row no longer counts.
    expect(await roster.getRoster(new Date(now.getTime() + GRACE + 1_000))).toEqual([]);
  });

  it("still records the sign-in when notifying admins fails (best-effort)", async () => {
    const { pusherServer } = await import("@/lib/pusher/server");
    vi.spyOn(pusherServer, "trigger").mockRejectedValue(new Error("realtime down"));
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    // An admin to notify: with none, nothing is published at all.
    await createUser(harness, { name: "Ada Admin", role: "ADMIN" });
    const alice = await createUser(harness, { name: "Alice" });
    await expect(recordSignIn({ userId: alice.id, socketId: "8.8" })).resolves.toBeUndefined();
    expect(await harness.db.realtimeConnection.count()).toBe(1);
    await (await import("@/lib/roster/notify")).flushRosterNotifications();
    expect(warn).toHaveBeenCalledWith(expect.stringContaining("could not notify admins"), expect.stringContaining("realtime down"));
  });

  it("upserts by socket id and keeps a confirmed row confirmed on re-sign-in", async () => {
    const alice = await createUser(harness, { name: "Alice" });
    await recordSignIn({ userId: alice.id, socketId: "5.6" });
    await harness.db.realtimeConnection.update({ where: { socketId: "5.6" }, data: { confirmedAt: new Date() } });
    await recordSignIn({ userId: alice.id, socketId: "5.6" });
    const rows = await harness.db.realtimeConnection.findMany();
    expect(rows).toHaveLength(1);
    expect(rows[0]!.confirmedAt).not.toBeNull();
  });

  it("counts several connections per user; closing one keeps the user, closing the last removes them", async () => {
    const alice = await createUser(harness, { name: "Alice" });
    const bob = await createUser(harness, { name: "bob" });
    const a1 = await connect(alice.id);
    const a2 = await connect(alice.id);
    const b1 = await connect(bob.id);
    // channel_occupied webhooks confirm every row.
    for (const client of [a1, a2, b1]) await waitFor(confirmedRow(client.socketId), { message: `confirmation of ${client.socketId}` });

    // Far past the grace window: only confirmed rows can count now.
    const later = () => new Date(Date.now() + GRACE * 10);
    let entries = await roster.getRoster(later());
    expect(entries.map((entry) => [entry.name, entry.connectionCount])).toEqual([
      ["Alice", 2],
      ["bob", 1],
    ]);
    const aliceEntry = entries[0]!;
    expect(aliceEntry).toMatchObject({ userId: alice.id, email: alice.email, role: "USER" });
    const aliceRows = await harness.db.realtimeConnection.findMany({ where: { userId: alice.id } });
    expect(aliceEntry.signedInSince).toBe(new Date(Math.min(...aliceRows.map((r) => r.signedInAt.getTime()))).toISOString());
    expect(aliceEntry.lastActivityAt).toBe(new Date(Math.max(...aliceRows.map((r) => r.lastActivityAt.getTime()))).toISOString());

    a1.disconnect();
    entries = await waitFor(async () => {
      const list = await roster.getRoster(later());
      return list.find((entry) => entry.userId === alice.id)?.connectionCount === 1 ? list : null;
    }, { message: "Alice down to one connection" });
    expect(entries.map((entry) => entry.name)).toEqual(["Alice", "bob"]);

    a2.disconnect();
    await waitFor(async () => {
      const list = await roster.getRoster(later());
      return list.length === 1 && list[0]!.userId === bob.id;
    }, { message: "Alice removed after her last tab closed" });
  });

  it("lists 1,000 users with one grouped query, sorted by name", async () => {
    const count = 1_000;
    const users = Array.from({ length: count }, (_, i) => ({
      id: `user-${String(i).padStart(4, "0")}`,
      name: `User ${count - i}`,
      email: `user${i}@example.com`,
      passwordHash: "x",
    }));
    await harness.db.user.createMany({ data: users });
    const now = Date.now();
    await harness.db.realtimeConnection.createMany({
      data: users.flatMap((user, i) => [
        { socketId: `${i}.1`, userId: user.id, confirmedAt: new Date(now), signedInAt: new Date(now - 60_000) },
        // Every third user has a second tab.
        ...(i % 3 === 0 ? [{ socketId: `${i}.2`, userId: user.id, confirmedAt: new Date(now), signedInAt: new Date(now - 30_000) }] : []),
      ]),
    });

    const started = performance.now();
    const entries = await roster.getRoster();
    const elapsed = performance.now() - started;

    expect(entries).toHaveLength(count);
    expect(entries[0]!.name).toBe("User 1");
    expect(entries[count - 1]!.name).toBe("User 1000");
    expect(entries.find((entry) => entry.userId === "user-0000")!.connectionCount).toBe(2);
    expect(entries.find((entry) => entry.userId === "user-0001")!.connectionCount).toBe(1);
    console.info(`getRoster() with ${count} users: ${elapsed.toFixed(0)} ms`);
    expect(elapsed).toBeLessThan(2_000);
  });

  it("countLiveConnections is stricter than the roster: a pending row counts only once proven", async () => {
    const alice = await createUser(harness, { name: "Alice" });
    // Signed, but no socket behind it (not occupied according to the HTTP API).
    await recordSignIn({ userId: alice.id, socketId: "7.7" });
    expect((await roster.getRoster()).map((entry) => entry.userId)).toEqual([alice.id]);
    expect(await roster.countLiveConnections(alice.id)).toBe(0);
    await harness.db.realtimeConnection.update({ where: { socketId: "7.7" }, data: { confirmedAt: new Date() } });
    expect(await roster.countLiveConnections(alice.id)).toBe(1);
  });
});

describe("reconcileRoster (real HTTP API of the embedded server)", () => {
  it("removes rows whose channel is not occupied, keeps live ones, confirms ones whose webhook was missed", async () => {
    const alice = await createUser(harness, { name: "Alice" });
    const bob = await createUser(harness, { name: "Bob" });
    const live = await connect(alice.id);
    await waitFor(confirmedRow(live.socketId), { message: "live row confirmed" });

    // Bob's channel_occupied webhook was lost (the app was down): his row is still pending.
    const missed = await connect(bob.id);
    await waitFor(confirmedRow(missed.socketId), { message: "bob's row confirmed" });
    await harness.db.realtimeConnection.update({ where: { socketId: missed.socketId }, data: { confirmedAt: null } });

    const old = new Date(Date.now() - GRACE - 5_000);
    // A crashed tab whose channel_vacated was lost, and a sign-in whose browser never subscribed.
    await harness.db.realtimeConnection.create({ data: { socketId: "900.1", userId: alice.id, signedInAt: old, confirmedAt: old } });
    await harness.db.realtimeConnection.create({ data: { socketId: "900.2", userId: bob.id, signedInAt: old } });
    // Too young to judge: its browser may still be subscribing.
    await harness.db.realtimeConnection.create({ data: { socketId: "900.3", userId: bob.id } });

    // Pretend the live sockets signed in long ago too, so only occupancy can save them.
    await harness.db.realtimeConnection.updateMany({ where: { socketId: { in: [live.socketId, missed.socketId] } }, data: { signedInAt: old } });

    const result = await reconcile.reconcileRoster();
    expect(result).toEqual({ occupiedChannels: 2, removed: 2, confirmed: 1 });

    const remaining = (await harness.db.realtimeConnection.findMany({ orderBy: { socketId: "asc" } })).map((row) => row.socketId);
    expect(remaining.sort()).toEqual([live.socketId, missed.socketId, "900.3"].sort());
    expect(await confirmedRow(missed.socketId)()).not.toBeNull();

    // Idempotent.
    expect(await reconcile.reconcileRoster()).toEqual({ occupiedChannels: 2, removed: 0, confirmed: 0 });
  });

  it("deletes nothing when the HTTP API can't be asked", async () => {
    const { pusherServer } = await import("@/lib/pusher/server");
    const alice = await createUser(harness, { name: "Alice" });
    const old = new Date(Date.now() - GRACE - 5_000);
    await harness.db.realtimeConnection.create({ data: { socketId: "901.1", userId: alice.id, signedInAt: old, confirmedAt: old } });
    vi.spyOn(pusherServer, "get").mockRejectedValue(new Error("ECONNREFUSED"));
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});

    await expect(reconcile.reconcileRoster()).rejects.toThrow("ECONNREFUSED");
    reconcile.resetReconcileThrottle();
    expect(await reconcile.maybeReconcileRoster()).toBeNull();
    expect(warn).toHaveBeenCalledWith(expect.stringContaining("reconciliation skipped"), expect.stringContaining("ECONNREFUSED"));
    expect(await harness.db.realtimeConnection.count()).toBe(1);
  });

  it("does not hold a roster request hostage to a slow HTTP API", async () => {
    const { pusherServer } = await import("@/lib/pusher/server");
    let fail: (error: Error) => void = () => {};
    vi.spyOn(pusherServer, "get").mockReturnValue(new Promise((_, reject) => (fail = reject)));
    vi.spyOn(console, "warn").mockImplementation(() => {});
    reconcile.resetReconcileThrottle();
    const started = Date.now();
    expect(await reconcile.maybeReconcileRoster(new Date(), { maxWaitMs: 100 })).toBeNull();
    expect(Date.now() - started).toBeLessThan(1_000);
    fail(new Error("too slow"));
  });

  it("maybeReconcileRoster runs at most once per interval", async () => {
    reconcile.resetReconcileThrottle();
    const now = new Date();
    expect(await reconcile.maybeReconcileRoster(now)).not.toBeNull();
    expect(await reconcile.maybeReconcileRoster(new Date(now.getTime() + 1_000))).toBeNull();
    expect(await reconcile.maybeReconcileRoster(new Date(now.getTime() + 31_000))).not.toBeNull();
  });
});
