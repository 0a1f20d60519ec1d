/**
 * Password verification must leave Node's event loop free: while sign-ins are being checked, other
 * requests (timers, sockets) keep being served. Measured as the share of wall time the loop was
 * stalled (timer ticks arriving late), compared with bcryptjs measured the same way in the same
 * run, so a slow or loaded machine moves both numbers together.
 */
import bcrypt from "bcryptjs";
import { describe, expect, it } from "vitest";

import { hashPassword, MAX_CONCURRENT_PASSWORD_HASHES, passwordHashingLoad, verifyPassword } from "@/lib/auth/password";

const TICK_MS = 2;
/** A tick later than this counts as a stall (leaves room for scheduling noise on a busy VM). */
const STALL_MS = 25;

/** Runs `work` while a 2 ms timer ticks; returns the fraction of the time the loop was stalled. */
async function stalledFraction(work: () => Promise<unknown>): Promise<number> {
  let last = performance.now();
  let stalled = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    const late = now - last - TICK_MS;
    if (late > STALL_MS) stalled += late;
    last = now;
  }, TICK_MS);
  const started = performance.now();
  try {
    await work();
  } finally {
    clearInterval(timer);
  }
  const lateAtEnd = performance.now() - last - TICK_MS;
  if (lateAtEnd > STALL_MS) stalled += lateAtEnd;
  return stalled / (performance.now() - started);
}

async function sequentially(times: number, verify: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < times; i++) expect(await verify()).toBe(true);
}

describe("verifyPassword and the event loop", () => {
  it("does not block the event loop while verifying (bcryptjs, for comparison, does)", async () => {
    const password = "correct horse battery staple";
    const hash = await hashPassword(password);
    const bcryptHash = await bcrypt.hash(password, 10);

    const ours = await stalledFraction(() => sequentially(8, () => verifyPassword(password, hash)));
    const bcryptjs = await stalledFraction(() => sequentially(8, () => bcrypt.compare(password, bcryptHash)));

    // The control shows the measurement works: pure-JS bcrypt holds the loop most of the time.
    expect(bcryptjs).toBeGreaterThan(0.5);
    expect(ours).toBeLessThan(bcryptjs / 4);
  });

  it("keeps serving other work while a flood of verifies runs concurrently", async () => {
    const password = "correct horse battery staple";
    const hash = await hashPassword(password);
    const bcryptHash = await bcrypt.hash(password, 10);
    const flood = await stalledFraction(() => Promise.all(Array.from({ length: 16 }, () => verifyPassword(password, hash))));
    const bcryptjsFlood = await stalledFraction(() => Promise.all(Array.from({ length: 4 }, () => bcrypt.compare(password, bcryptHash))));
    // bcryptjs measures ~0.97 (the loop is never free); argon2 ~0 on a quiet machine. On a loaded
    // one other processes share the cores with the loop and the argon2 threads, so the bound is
    // relative to the blocking control of the same run (a blocking hash scores ~1).
    expect(bcryptjsFlood).toBeGreaterThan(0.5);
    expect(flood).toBeLessThan(bcryptjsFlood * 0.6);
  });

  it("runs at most cores − 1 argon2 operations at once and queues the rest, so the JS thread keeps a core", async () => {
    const password = "correct horse battery staple";
    const hash = await hashPassword(password);
    const flood = 2 * MAX_CONCURRENT_PASSWORD_HASHES + 2;
    let mostRunning = 0;
    const verifies = Array.from({ length: flood }, () =>
      verifyPassword(password, hash).then((ok) => {
        mostRunning = Math.max(mostRunning, passwordHashingLoad().running);
        return ok;
      }),
    );
    expect(passwordHashingLoad()).toEqual({ running: MAX_CONCURRENT_PASSWORD_HASHES, waiting: flood - MAX_CONCURRENT_PASSWORD_HASHES });
    expect(await Promise.all(verifies)).toEqual(Array.from({ length: flood }, () => true));
    expect(mostRunning).toBeLessThanOrEqual(MAX_CONCURRENT_PASSWORD_HASHES);
    expect(passwordHashingLoad()).toEqual({ running: 0, waiting: 0 });
    // A wrong password waits its turn the same way and is still just false.
    expect(await verifyPassword("wrong", hash)).toBe(false);
  });
});
