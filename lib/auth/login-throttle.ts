/**
 * Failed sign-in throttling, per account (email) and per client address, counted in the database
 * (LoginThrottle) so the limits hold across app instances. No `server-only`: tests and scripts use
 * it with their own client; the app calls it from lib/auth/authorize-credentials.ts.
 *
 * Every attempt is *reserved* (counted, atomically) before the password is hashed, and a refused
 * attempt is answered without hashing, so neither a flood nor a burst of concurrent requests gets
 * more than the limit's worth of password checks. A successful sign-in resets the account's count
 * and gives the address its reservation back. Unknown emails count exactly like known ones, so the
 * lockout says nothing about whether an account exists.
 */
import { createHash } from "node:crypto";

import type { DatabaseClient } from "@/lib/db/model-types";

export interface ThrottleRule {
  /** Failed attempts allowed per window; the attempt that reaches it starts the lockout. */
  limit: number;
  windowMs: number;
  lockoutMs: number;
}

const MINUTE = 60_000;

export const LOGIN_THROTTLE_RULES = {
  account: { limit: 5, windowMs: 15 * MINUTE, lockoutMs: 15 * MINUTE },
  // Higher: one address may be a whole office or carrier NAT.
  address: { limit: 20, windowMs: 15 * MINUTE, lockoutMs: 15 * MINUTE },
} as const satisfies Record<string, ThrottleRule>;

type Bucket = keyof typeof LOGIN_THROTTLE_RULES;

export interface ThrottleKeys {
  account: string;
  address: string;
}

/** The email is stored hashed: people type passwords into the email field, and keys outlive logins. */
export function loginThrottleKeys(email: string, address: string): ThrottleKeys {
  const emailDigest = createHash("sha256").update(email.trim().toLowerCase()).digest("base64url");
  return { account: `account:${emailDigest}`, address: `address:${address}` };
}

interface Counter {
  key: string;
  failures: number;
  windowStartedAt: Date;
  lockedUntil: Date | null;
}

export type Reservation = { ok: true; keys: ThrottleKeys; counts: Record<Bucket, number> } | { ok: false; retryAt: Date };

/** A row whose window and lockout are both over counts as empty. */
function isStale(row: Counter, rule: ThrottleRule, now: Date): boolean {
  if (row.lockedUntil) return row.lockedUntil.getTime() <= now.getTime();
  return row.windowStartedAt.getTime() <= now.getTime() - rule.windowMs;
}

function isUniqueViolation(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === "P2002";
}

/** Adds one attempt to `key` and returns the row as it is now. */
async function countAttempt(db: DatabaseClient, key: string, rule: ThrottleRule, now: Date, retried = false): Promise<Counter> {
  let row: Counter;
  try {
    row = await db.loginThrottle.upsert({
      where: { key },
      create: { key, failures: 1, windowStartedAt: now },
      update: { failures: { increment: 1 } },
    });
  } catch (error) {
    // Two first attempts raced to create the row (only where the upsert isn't a native one).
    if (isUniqueViolation(error) && !retried) return countAttempt(db, key, rule, now, true);
    throw error;
  }
  if (!isStale(row, rule, now)) return row;
  // Start a new window with this attempt, unless another instance just did (then count again).
  const reset = await db.loginThrottle.updateMany({
    where: { key, windowStartedAt: row.windowStartedAt },
    data: { failures: 1, windowStartedAt: now, lockedUntil: null },
  });
  if (reset.count === 0 && !retried) return countAttempt(db, key, rule, now, true);
  return { key, failures: 1, windowStartedAt: now, lockedUntil: null };
}

async function lock(db: DatabaseClient, key: string, rule: ThrottleRule, now: Date): Promise<Date> {
  const until = new Date(now.getTime() + rule.lockoutMs);
  // An existing, still-running lockout is kept as it is: retrying while locked doesn't extend it.
  await db.loginThrottle.updateMany({
    where: { key, OR: [{ lockedUntil: null }, { lockedUntil: { lte: now } }] },
    data: { lockedUntil: until },
  });
  const row = await db.loginThrottle.findUnique({ where: { key }, select: { lockedUntil: true } });
  return row?.lockedUntil && row.lockedUntil.getTime() > now.getTime() ? row.lockedUntil : until;
}

/**
 * Call before checking the password. Refused (with the time a new attempt is accepted) when the
 * address or the account is locked out or already had its limit's worth of attempts in the window.
 * The address is checked first, so a locked-out address can't push accounts' counts up.
 */
export async function reserveLoginAttempt(db: DatabaseClient, keys: ThrottleKeys, now: Date = new Date()): Promise<Reservation> {
  void pruneLoginThrottle(db, now).catch(() => {});
  const counts = {} as Record<Bucket, number>;
  for (const bucket of ["address", "account"] as const) {
    const rule = LOGIN_THROTTLE_RULES[bucket];
    const row = await countAttempt(db, keys[bucket], rule, now);
    if (row.lockedUntil && row.lockedUntil.getTime() > now.getTime()) return { ok: false, retryAt: row.lockedUntil };
    if (row.failures > rule.limit) return { ok: false, retryAt: await lock(db, keys[bucket], rule, now) };
    counts[bucket] = row.failures;
  }
  return { ok: true, keys, counts };
}

/**
 * The reserved attempt failed (wrong password or unknown email). Returns when a new attempt will be
 * accepted if this failure reached a limit (the lockout starts now), otherwise null.
 */
export async function recordLoginFailure(
  db: DatabaseClient,
  reservation: Extract<Reservation, { ok: true }>,
  now: Date = new Date(),
): Promise<Date | null> {
  let retryAt: Date | null = null;
  for (const bucket of ["address", "account"] as const) {
    const rule = LOGIN_THROTTLE_RULES[bucket];
    if (reservation.counts[bucket] < rule.limit) continue;
    const until = await lock(db, reservation.keys[bucket], rule, now);
    if (!retryAt || until > retryAt) retryAt = until;
  }
  return retryAt;
}

/** The reserved attempt succeeded: the account starts from zero, the address gets its attempt back. */
export async function recordLoginSuccess(db: DatabaseClient, reservation: Extract<Reservation, { ok: true }>): Promise<void> {
  await db.loginThrottle.deleteMany({ where: { key: reservation.keys.account } });
  await db.loginThrottle.updateMany({
    where: { key: reservation.keys.address, failures: { gt: 0 } },
    data: { failures: { decrement: 1 } },
  });
}

const PRUNE_INTERVAL_MS = MINUTE;
let lastPruneAt = 0;

/**
 * Deletes rows whose window and lockout are over, at most once a minute per process, so the table
 * holds only the last window's keys (at most ~limit account rows per address that tried).
 */
export async function pruneLoginThrottle(db: DatabaseClient, now: Date = new Date(), { force = false } = {}): Promise<number> {
  if (!force && now.getTime() - lastPruneAt < PRUNE_INTERVAL_MS) return 0;
  lastPruneAt = now.getTime();
  const longestWindow = Math.max(...Object.values(LOGIN_THROTTLE_RULES).map((rule) => rule.windowMs));
  const { count } = await db.loginThrottle.deleteMany({
    where: {
      windowStartedAt: { lte: new Date(now.getTime() - longestWindow) },
      OR: [{ lockedUntil: null }, { lockedUntil: { lte: now } }],
    },
  });
  return count;
}
