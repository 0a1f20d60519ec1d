/**
 * Issue 9: reconciliation at 100,000 connections. The occupied set comes from GET /channels in
 * production (tests/roster/roster.test.ts runs that path against the real embedded server with
 * real sockets); 100,000 sockets can't be opened here, so the database half, reconcileWithOccupied,
 * gets the set directly and runs against a real database holding 100,000 rows. The old query put
 * every occupied socket id in one `notIn` list (one bind parameter each): Prisma refused it from
 * 1,000 ids on SQLite and by 40,000 on PostgreSQL (measured), so reconciliation failed from there
 * on and stale rows were never removed.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { startHarness, type Harness } from "@/tests/support/app-harness";

let harness: Harness;
let reconcile: typeof import("@/lib/roster/reconcile");
let GRACE: number;

beforeAll(async () => {
  harness = await startHarness({ webhooks: false });
  reconcile = await import("@/lib/roster/reconcile");
  ({ CONNECTION_GRACE_MS: GRACE } = await import("@/lib/roster/constants"));
});

afterAll(async () => {
  await harness?.close();
});

const ROWS = 100_000;
const USERS = 1_000;
/**
 * Inserts the 100,000 rows described in the test in one INSERT … SELECT (createMany takes over 40 s
 * for as many rows on this machine). The dates are copied from template rows written by Prisma, so
 * they are stored exactly as the app stores them on either database.
 */
async function seedConnections(old: Date, young: Date): Promise<void> {
  await harness.db.realtimeConnection.createMany({
    data: [
      { id: "tmpl-old", socketId: "tmpl-old", userId: "u0000", signedInAt: old, lastActivityAt: old },
      { id: "tmpl-young", socketId: "tmpl-young", userId: "u0000", signedInAt: young, lastActivityAt: young },
    ],
  });
  const postgres = process.env.TEST_DATABASE_PROVIDER === "postgresql";
  const pad = (width: number, value: string) => (postgres ? `lpad((${value})::text, ${width}, '0')` : `printf('%0${width}d', ${value})`);
  const oldAt = `(SELECT "signedInAt" FROM "RealtimeConnection" WHERE "id" = 'tmpl-old')`;
  const youngAt = `(SELECT "signedInAt" FROM "RealtimeConnection" WHERE "id" = 'tmpl-young')`;
  const isYoung = "(i % 40 = 9)";
  const numbers = postgres
    ? `generate_series(0, ${ROWS - 1}) AS n(i)`
    : `(WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < ${ROWS - 1}) SELECT i FROM n)`;
  await harness.db.$executeRawUnsafe(`
    INSERT INTO "RealtimeConnection" ("id", "socketId", "userId", "signedInAt", "confirmedAt", "lastActivityAt")
    SELECT 'c' || ${pad(6, "i")}, 's.' || i, 'u' || ${pad(4, `i % ${USERS}`)},
      CASE WHEN ${isYoung} THEN ${youngAt} ELSE ${oldAt} END,
      CASE WHEN i % 10 = 0 OR ${isYoung} THEN NULL ELSE ${oldAt} END,
      ${oldAt}
    FROM ${numbers}`);
  await harness.db.realtimeConnection.deleteMany({ where: { id: { in: ["tmpl-old", "tmpl-young"] } } });
}

describe("reconcileWithOccupied at 100,000 connections", () => {
  it("removes every stale row, confirms every missed one, keeps the rest, in bounded time", { timeout: 120_000 }, async () => {
    const now = Date.now();
    const old = new Date(now - GRACE - 60_000);
    await harness.db.user.createMany({
      data: Array.from({ length: USERS }, (_, i) => ({
        id: `u${String(i).padStart(4, "0")}`,
        name: `User ${i}`,
        email: `u${i}@example.com`,
        passwordHash: "x",
      })),
    });
    // Row i: socket `s.i`. Occupied: i % 10 < 6 (60,000). Among those, i % 10 === 0 are pending
    // (their webhook was missed: 10,000 to confirm). Not occupied: 40,000, of which i % 40 === 9
    // are pending and younger than the grace window (2,500 kept: their browser may still subscribe).
    const occupied = new Set<string>();
    for (let i = 0; i < ROWS; i += 1) if (i % 10 < 6) occupied.add(`s.${i}`);
    const seedStarted = performance.now();
    await seedConnections(old, new Date(now - 1_000));
    const seeded = performance.now() - seedStarted;
    expect(await harness.db.realtimeConnection.count()).toBe(ROWS);

    const started = performance.now();
    const result = await reconcile.reconcileWithOccupied(occupied, new Date(now));
    const elapsed = performance.now() - started;
    console.info(
      `reconcileWithOccupied: ${ROWS} rows, ${occupied.size} occupied: ${elapsed.toFixed(0)} ms (seeding took ${seeded.toFixed(0)} ms)`,
    );

    expect(result).toEqual({ occupiedChannels: 60_000, removed: 37_500, confirmed: 10_000 });
    expect(await harness.db.realtimeConnection.count()).toBe(62_500);
    expect(await harness.db.realtimeConnection.count({ where: { confirmedAt: null } })).toBe(2_500);
    // Every occupied row is still there, and confirmed.
    expect(await harness.db.realtimeConnection.count({ where: { confirmedAt: { not: null } } })).toBe(60_000);
    expect(elapsed).toBeLessThan(20_000);

    // Idempotent: a second pass finds nothing to do.
    expect(await reconcile.reconcileWithOccupied(occupied, new Date(now))).toEqual({ occupiedChannels: 60_000, removed: 0, confirmed: 0 });
  });
});

describe("chunked", () => {
  it("splits into pieces of at most the given size, in order", () => {
    expect(reconcile.chunked([1, 2, 3, 4, 5], 2)).toEqual([[1, 2], [3, 4], [5]]);
    expect(reconcile.chunked([], 1_000)).toEqual([]);
    expect(reconcile.RECONCILE_WRITE_CHUNK).toBeLessThan(999);
  });
});
