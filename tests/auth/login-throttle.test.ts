/**
 * Sign-in throttling and hash upgrades, driven through next-auth's real handler over HTTP from
 * 127.0.0.1 (see support/sign-in-server.ts), against a real database (SQLite, or PostgreSQL with
 * TEST_DATABASE_PROVIDER=postgresql). TRUST_PROXY_HOPS is unset here: X-Forwarded-For sent by the
 * client must change nothing. login-throttle-proxy.test.ts covers TRUST_PROXY_HOPS=1.
 */
import * as argon2 from "argon2";
import bcrypt from "bcryptjs";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";

import { decodeThrottleError, throttleMessage } from "@/lib/auth/login-throttle-message";
import { createUser, startHarness, type Harness } from "@/tests/support/app-harness";
import { startSignInServer, type SignInServer } from "@/tests/auth/support/sign-in-server";

const PASSWORD = "correct horse battery staple";
const MINUTE = 60_000;

let harness: Harness;
let server: SignInServer;
let passwordHash: string;
let throttle: typeof import("@/lib/auth/login-throttle");
let password: typeof import("@/lib/auth/password");

beforeAll(async () => {
  harness = await startHarness({ webhooks: false });
  const { authOptions } = await import("@/lib/auth/nextauth-options");
  server = await startSignInServer(authOptions);
  throttle = await import("@/lib/auth/login-throttle");
  password = await import("@/lib/auth/password");
  passwordHash = await password.hashPassword(PASSWORD);
});

afterAll(async () => {
  await server?.close();
  await harness?.close();
});

// Every request comes from 127.0.0.1, so the address bucket is shared: each test starts from zero.
beforeEach(async () => {
  await harness.db.loginThrottle.deleteMany();
});

const wrong = (email: string, headers?: Record<string, string>) => server.signIn({ email, password: "not the password" }, headers);
const right = (email: string, headers?: Record<string, string>) => server.signIn({ email, password: PASSWORD }, headers);

function expectThrottled(result: { status: number; error: string | null; sessionCookie: string | null }, lockoutMs = 15 * MINUTE): Date {
  expect(result.status).toBe(401);
  expect(result.sessionCookie).toBeNull();
  const details = decodeThrottleError(result.error);
  expect(details, `expected a throttle error, got ${result.error}`).not.toBeNull();
  const retryAt = new Date(details!.retryAt);
  expect(Math.abs(retryAt.getTime() - (Date.now() + lockoutMs))).toBeLessThan(MINUTE);
  return retryAt;
}

/** Ends every lockout and window, as if 16 minutes had passed. */
async function timePasses(): Promise<void> {
  const past = new Date(Date.now() - 16 * MINUTE);
  await harness.db.loginThrottle.updateMany({ data: { windowStartedAt: past, lockedUntil: null } });
}

describe("per account", () => {
  it("locks after 5 failed attempts, says when to try again, refuses even the right password until then", async () => {
    const alice = await createUser(harness, { name: "Alice", passwordHash });
    for (let i = 1; i <= 4; i++) expect(await wrong(alice.email)).toMatchObject({ status: 401, error: "CredentialsSignin" });

    // The failure that reaches the limit already says so.
    const retryAt = expectThrottled(await wrong(alice.email));
    expect(throttleMessage(decodeThrottleError((await right(alice.email)).error)!, new Date(), () => "HH:MM")).toBe(
      "Too many failed sign-in attempts. Try again in 15 minutes (at HH:MM).",
    );
    // Retrying while locked does not move the time.
    expect(expectThrottled(await right(alice.email)).getTime()).toBe(retryAt.getTime());

    await timePasses();
    const result = await right(alice.email);
    expect(result).toMatchObject({ status: 200, error: null });
    expect(result.sessionCookie).toMatch(/^next-auth\.session-token=/);
  });

  it("throttles unknown emails exactly like accounts, so the lockout reveals nothing", async () => {
    const email = "nobody-here@example.com";
    for (let i = 1; i <= 4; i++) expect(await wrong(email)).toMatchObject({ status: 401, error: "CredentialsSignin" });
    expectThrottled(await wrong(email));
    expectThrottled(await right(email));
  });

  it("a successful sign-in resets the account's count", async () => {
    const bob = await createUser(harness, { name: "Bob", passwordHash });
    for (let i = 1; i <= 4; i++) await wrong(bob.email);
    expect((await right(bob.email)).sessionCookie).not.toBeNull();
    for (let i = 1; i <= 4; i++) expect(await wrong(bob.email)).toMatchObject({ error: "CredentialsSignin" });
    expectThrottled(await wrong(bob.email));
  });

  it("starts a new window once 15 minutes have passed without reaching the limit", async () => {
    const carol = await createUser(harness, { name: "Carol", passwordHash });
    for (let i = 1; i <= 4; i++) await wrong(carol.email);
    await timePasses();
    for (let i = 1; i <= 4; i++) expect(await wrong(carol.email)).toMatchObject({ error: "CredentialsSignin" });
  });

  it("a burst of concurrent attempts gets no more than the limit's worth of password checks", async () => {
    const dave = await createUser(harness, { name: "Dave", passwordHash });
    const results = await Promise.all(Array.from({ length: 15 }, () => wrong(dave.email)));
    // Attempts 1-4 are checked and fail, the 5th is checked and starts the lockout, 6-15 are refused unchecked.
    expect(results.filter((result) => result.error === "CredentialsSignin")).toHaveLength(4);
    expect(results.filter((result) => decodeThrottleError(result.error))).toHaveLength(11);
  });

  it("refuses a locked-out attempt before hashing the password", async () => {
    // Stored hashes that take ~0.4 s to verify make any hashing on the refused path visible.
    const slowHash = await argon2.hash(PASSWORD, { type: argon2.argon2id, memoryCost: 32 * 1024, timeCost: 16, parallelism: 1 });
    const locked = await createUser(harness, { name: "Locked", passwordHash });
    const reference = await createUser(harness, { name: "Reference", passwordHash: slowHash });
    for (let i = 1; i <= 5; i++) await wrong(locked.email);
    await harness.db.user.update({ where: { id: locked.id }, data: { passwordHash: slowHash } });

    let started = performance.now();
    expect((await wrong(reference.email)).error).toBe("CredentialsSignin");
    const checked = performance.now() - started;
    started = performance.now();
    expectThrottled(await right(locked.email));
    const refused = performance.now() - started;
    expect(refused).toBeLessThan(checked / 3);
  });
});

describe("per client address", () => {
  it("locks an address after 20 failures across accounts; X-Forwarded-For sent by the client changes nothing", async () => {
    const erin = await createUser(harness, { name: "Erin", passwordHash });
    for (let i = 1; i <= 19; i++) {
      // A new spoofed address and a new email every time: neither bucket may restart.
      expect(await wrong(`spray-${i}@example.com`, { "X-Forwarded-For": `203.0.113.${i}` })).toMatchObject({ error: "CredentialsSignin" });
    }
    expectThrottled(await wrong("spray-20@example.com", { "X-Forwarded-For": "203.0.113.20" }));
    // Any account, even with the right password, from that address.
    expectThrottled(await right(erin.email, { "X-Forwarded-For": "198.51.100.1" }));
    expectThrottled(await right(erin.email));

    // The accounts sprayed at were counted once each, and the locked address adds nothing to Erin's.
    const erinRow = await harness.db.loginThrottle.findUnique({
      where: { key: throttle.loginThrottleKeys(erin.email, "127.0.0.1").account },
    });
    expect(erinRow).toBeNull();
    await timePasses();
    expect((await right(erin.email)).sessionCookie).not.toBeNull();
  });

  it("a successful sign-in gives the address its attempt back", async () => {
    const frank = await createUser(harness, { name: "Frank", passwordHash });
    for (let i = 1; i <= 19; i++) await wrong(`other-${i}@example.com`);
    expect((await right(frank.email)).sessionCookie).not.toBeNull();
    expect((await right(frank.email)).sessionCookie).not.toBeNull();
    // Still 19 failures: the 20th locks.
    expectThrottled(await wrong("other-20@example.com"));
  });
});

describe("the table stays bounded", () => {
  it("deletes rows whose window and lockout are over, keeps live ones", async () => {
    const now = new Date();
    const old = new Date(now.getTime() - 16 * MINUTE);
    await harness.db.loginThrottle.createMany({
      data: [
        { key: "address:stale", failures: 3, windowStartedAt: old },
        { key: "address:lock-over", failures: 20, windowStartedAt: old, lockedUntil: new Date(now.getTime() - MINUTE) },
        { key: "address:still-locked", failures: 20, windowStartedAt: old, lockedUntil: new Date(now.getTime() + MINUTE) },
        { key: "address:current", failures: 1, windowStartedAt: now },
      ],
    });
    expect(await throttle.pruneLoginThrottle(harness.db, now, { force: true })).toBe(2);
    const left = await harness.db.loginThrottle.findMany({ orderBy: { key: "asc" } });
    expect(left.map((row) => row.key)).toEqual(["address:current", "address:still-locked"]);
  });

  it("stores no email in clear", async () => {
    await wrong("typed-my-password-here@example.com");
    const keys = (await harness.db.loginThrottle.findMany()).map((row) => row.key);
    expect(keys).toHaveLength(2);
    expect(keys.join(" ")).not.toContain("typed-my-password");
  });
});

describe("hash upgrade at sign-in", () => {
  it("replaces a bcrypt hash with argon2id at the first successful sign-in (not at a failed one)", async () => {
    const legacy = await createUser(harness, { name: "Legacy", passwordHash: await bcrypt.hash(PASSWORD, 10) });
    await wrong(legacy.email);
    expect((await harness.db.user.findUniqueOrThrow({ where: { id: legacy.id } })).passwordHash).toMatch(/^\$2[aby]\$10\$/);

    expect((await right(legacy.email)).sessionCookie).not.toBeNull();
    const upgraded = (await harness.db.user.findUniqueOrThrow({ where: { id: legacy.id } })).passwordHash;
    expect(upgraded).toMatch(/^\$argon2id\$v=19\$/);
    expect(password.passwordNeedsRehash(upgraded)).toBe(false);
    expect(await password.verifyPassword(PASSWORD, upgraded)).toBe(true);

    // The new hash works for the next sign-in and is kept.
    expect((await right(legacy.email)).sessionCookie).not.toBeNull();
    expect((await harness.db.user.findUniqueOrThrow({ where: { id: legacy.id } })).passwordHash).toBe(upgraded);
  });

  it("replaces an argon2id hash made with weaker parameters", async () => {
    const weak = await argon2.hash(PASSWORD, { type: argon2.argon2id, memoryCost: 4096, timeCost: 1, parallelism: 1 });
    const user = await createUser(harness, { name: "Weak", passwordHash: weak });
    expect(password.passwordNeedsRehash(weak)).toBe(true);
    expect((await right(user.email)).sessionCookie).not.toBeNull();
    const upgraded = (await harness.db.user.findUniqueOrThrow({ where: { id: user.id } })).passwordHash;
    expect(upgraded).not.toBe(weak);
    expect(password.passwordNeedsRehash(upgraded)).toBe(false);
  });
});
