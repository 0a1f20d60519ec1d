import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";

import { connectSignedInClient, createUser, startHarness, waitFor, type Harness, type SignedInClient } from "@/tests/support/app-harness";

let harness: Harness;
let roster: typeof import("@/lib/roster/roster-page");
let reconcile: typeof import("@/lib/roster/reconcile");
let recordSignIn: typeof import("@/lib/roster/record-sign-in").recordSignIn;
let GRACE: number;
const clients: SignedInClient[] = [];
/** Everyone on the roster's first page, in the console's default order. */
const rosterList = async (now?: Date) => (await roster.getRosterPage({ page: 1, sort: "name", dir: "asc" }, now)).users;

beforeAll(async () => {
  harness = await startHarness();
  roster = await import("@/lib/roster/roster-page");
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
    expect((await rosterList(now)).map((entry) => entry.email)).toEqual([alice.email]);
    // The webhook never came: past the grace window the row no longer counts.
    expect(await rosterList(new Date(now.getTime() + GRACE + 1_000))).toEqual([]);
  });

  it("still records the sign-in when notifying admins fails, and the notification survives: it is retried until published", async () => {
    const { flushRosterNotifications } = await import("@/lib/roster/roster-changes");
    // Earlier tests' sign-ins must not share this test's publish.
    await flushRosterNotifications();
    const { pusherServer } = await import("@/lib/pusher/server");
    const realTrigger = pusherServer.trigger.bind(pusherServer);
    // The realtime server refuses twice (restarting, or timing out in a storm), then answers.
    const trigger = vi
      .spyOn(pusherServer, "trigger")
      .mockRejectedValueOnce(new Error("realtime down"))
      .mockRejectedValueOnce(new Error("realtime down"))
      .mockImplementation(realTrigger);
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    // An admin to notify: with none, nothing is published at all.
    const admin = await createUser(harness, { name: "Ada Admin", role: "ADMIN" });
    const { connectAdminChannel } = await import("@/tests/support/app-harness");
    const { pusher, channel } = await connectAdminChannel(harness, admin);
    const heard: unknown[] = [];
    channel.bind("roster-changed", (data: unknown) => heard.push(data));
    try {
      const alice = await createUser(harness, { name: "Alice" });
      await expect(recordSignIn({ userId: alice.id, socketId: "8.8" })).resolves.toBeUndefined();
      expect(await harness.db.realtimeConnection.count()).toBe(1);
      await flushRosterNotifications();
      expect(warn).toHaveBeenCalledWith(
        expect.stringContaining("could not notify admins (sign-in), will retry"),
        expect.stringContaining("realtime down"),
      );
      expect(trigger).toHaveBeenCalledTimes(3);
      const event = await waitFor(() => heard[0] ?? null, { message: "the retried roster-changed event" });
      expect(event).toMatchObject({
        reason: "sign-in",
        userId: alice.id,
        changes: [{ userId: alice.id, connectionCount: 1, name: "Alice" }],
      });
    } finally {
      pusher.disconnect();
    }
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
    let entries = await rosterList(later());
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
    entries = await waitFor(
      async () => {
        const list = await rosterList(later());
        return list.find((entry) => entry.userId === alice.id)?.connectionCount === 1 ? list : null;
      },
      { message: "Alice down to one connection" },
    );
    expect(entries.map((entry) => entry.name)).toEqual(["Alice", "bob"]);

    a2.disconnect();
    await waitFor(
      async () => {
        const list = await rosterList(later());
        return list.length === 1 && list[0]!.userId === bob.id;
      },
      { message: "Alice removed after her last tab closed" },
    );
  });

  it("pages 1,000 online users on the server: 50 per page, sorted by name, connections, sign-in or activity, searchable", async () => {
    const count = 1_000;
    const users = Array.from({ length: count }, (_, i) => ({
      id: `user-${String(i).padStart(4, "0")}`,
      name: `User ${String(count - i).padStart(4, "0")}`,
      email: `user${i}@example.com`,
      passwordHash: "x",
    }));
    await harness.db.user.createMany({ data: users });
    const now = Date.now();
    await harness.db.realtimeConnection.createMany({
      data: users.flatMap((user, i) => [
        {
          socketId: `${i}.1`,
          userId: user.id,
          confirmedAt: new Date(now),
          signedInAt: new Date(now - 60_000 - i * 1_000),
          lastActivityAt: new Date(now - i * 1_000),
        },
        // Every third user has a second tab.
        ...(i % 3 === 0 ? [{ socketId: `${i}.2`, userId: user.id, confirmedAt: new Date(now), signedInAt: new Date(now - 30_000) }] : []),
      ]),
    });
    const page = (query: Partial<import("@/lib/roster/roster-types").RosterQuery>) =>
      roster.getRosterPage({ page: 1, sort: "name", dir: "asc", ...query });

    const started = performance.now();
    const first = await page({});
    const elapsed = performance.now() - started;
    expect(first.users).toHaveLength(roster.ROSTER_PAGE_SIZE);
    expect(first).toMatchObject({
      page: 1,
      pageCount: 20,
      pageSize: 50,
      total: count,
      onlineUsers: count,
      connections: count + Math.ceil(count / 3),
    });
    expect(first.users[0]!.name).toBe("User 0001");
    expect(first.users[49]!.name).toBe("User 0050");
    console.info(`getRosterPage() with ${count} online: ${elapsed.toFixed(0)} ms`);
    expect(elapsed).toBeLessThan(1_000);

    // Pages never overlap and together list everyone once.
    const seen = new Set<string>();
    for (let n = 1; n <= 20; n += 1) for (const entry of (await page({ page: n })).users) seen.add(entry.userId);
    expect(seen.size).toBe(count);
    expect((await page({ page: 21 })).users).toEqual([]);
    expect((await page({ dir: "desc" })).users[0]!.name).toBe("User 1000");

    const busiest = await page({ sort: "connections", dir: "desc" });
    expect(busiest.users.every((entry) => entry.connectionCount === 2)).toBe(true);
    expect(busiest.users.map((entry) => entry.userId)).toEqual(busiest.users.map((entry) => entry.userId).sort());
    // user-0999 signed in first (60 s + 999 s ago); user-0000 was active last.
    expect((await page({ sort: "signed-in", dir: "asc" })).users[0]!.userId).toBe("user-0999");
    expect((await page({ sort: "activity", dir: "desc" })).users[0]!.userId).toBe("user-0000");

    // Search by name or email, any case; counts stay those of the whole roster.
    const found = await page({ q: "USER12@" });
    expect(found.users.map((entry) => entry.email)).toEqual(["user12@example.com"]);
    expect(found).toMatchObject({ total: 1, pageCount: 1, onlineUsers: count });
    const byName = await page({ q: "user 000", sort: "connections" });
    expect(byName.users.map((entry) => entry.name).sort()).toEqual(Array.from({ length: 9 }, (_, i) => `User 000${i + 1}`));
  });

  it("countLiveConnections is stricter than the roster: a pending row counts only once proven", async () => {
    const alice = await createUser(harness, { name: "Alice" });
    // Signed, but no socket behind it (not occupied according to the HTTP API).
    await recordSignIn({ userId: alice.id, socketId: "7.7" });
    expect((await rosterList()).map((entry) => entry.userId)).toEqual([alice.id]);
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
    await harness.db.realtimeConnection.updateMany({
      where: { socketId: { in: [live.socketId, missed.socketId] } },
      data: { signedInAt: old },
    });

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
