import type { CredentialsConfig } from "next-auth/providers/credentials";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { createUser, formRequest, sessionCookie, startHarness, type Harness } from "@/tests/support/app-harness";

let harness: Harness;
let session: typeof import("@/lib/auth/session");
let options: typeof import("@/lib/auth/nextauth-options");
let passwordHash: string;
const PASSWORD = "correct horse battery staple";

beforeAll(async () => {
  harness = await startHarness({ webhooks: false });
  session = await import("@/lib/auth/session");
  options = await import("@/lib/auth/nextauth-options");
  const { hashPassword } = await import("@/lib/auth/password");
  passwordHash = await hashPassword(PASSWORD);
});

afterAll(async () => {
  await harness?.close();
});

function authorize(credentials: Record<string, string>) {
  const provider = options.authOptions.providers[0] as unknown as { options: CredentialsConfig };
  return provider.options.authorize(credentials, { body: {}, query: {}, headers: {}, method: "POST" });
}

describe("Credentials provider", () => {
  it("returns the user with id, role and sessionVersion for the right password (email case-insensitive)", async () => {
    const alice = await createUser(harness, { name: "Alice", passwordHash });
    const user = await authorize({ email: alice.email.toUpperCase(), password: PASSWORD });
    expect(user).toEqual({ id: alice.id, email: alice.email, name: "Alice", role: "USER", sessionVersion: 0 });
  });

  it("returns null for a wrong password, an unknown email or an invalid form", async () => {
    const alice = await createUser(harness, { name: "Alice", passwordHash });
    expect(await authorize({ email: alice.email, password: "wrong" })).toBeNull();
    expect(await authorize({ email: "nobody@example.com", password: PASSWORD })).toBeNull();
    expect(await authorize({ email: "not an email", password: PASSWORD })).toBeNull();
  });

  it("refuses a banned user with the ban's details, but only after the password matched", async () => {
    const mallory = await createUser(harness, { name: "Mallory", passwordHash, bannedAt: new Date(), banReason: "spamming" });
    await expect(authorize({ email: mallory.email, password: PASSWORD })).rejects.toThrow(/^AccountBanned:.*spamming/);
    expect(await authorize({ email: mallory.email, password: "wrong" })).toBeNull();
  });
});

describe("jwt and session callbacks", () => {
  it("carry id, role and sessionVersion from sign-in into the token and the session", async () => {
    const { jwt, session: sessionCallback } = options.authOptions.callbacks!;
    const user = { id: "u1", email: "a@example.com", name: "A", role: "ADMIN" as const, sessionVersion: 3 };
    const token = await jwt!({ token: { sub: "u1" }, user, account: null, trigger: "signIn" });
    expect(token).toMatchObject({ id: "u1", role: "ADMIN", sessionVersion: 3, name: "A", email: "a@example.com" });
    // Later requests: no `user`, the token's claims stay.
    expect(await jwt!({ token, user: undefined as never, account: null })).toEqual(token);

    const result = await sessionCallback!({
      session: { expires: "x", user: {} } as never,
      token,
      user: undefined as never,
      newSession: undefined,
      trigger: "update",
    });
    expect(result).toMatchObject({ user: { id: "u1", name: "A", email: "a@example.com", role: "ADMIN" }, sessionVersion: 3 });
  });
});

describe("authenticateRequest", () => {
  const request = (cookie?: string) => formRequest("/api/anything", {}, cookie ? { cookie } : {});

  it("re-reads the user from the database", async () => {
    const alice = await createUser(harness, { name: "Alice" });
    const cookie = await sessionCookie(alice);
    // The token says ADMIN, the database says USER: the database wins.
    const forged = await sessionCookie({ ...alice, role: "ADMIN" });
    expect(await session.authenticateRequest(request(cookie))).toEqual({
      ok: true,
      user: { id: alice.id, email: alice.email, name: "Alice", role: "USER", sessionVersion: 0 },
    });
    expect(await session.authenticateRequest(request(forged))).toMatchObject({ ok: true, user: { role: "USER" } });
  });

  it("finds the cookie among others", async () => {
    const alice = await createUser(harness, { name: "Alice" });
    const cookie = `theme=dark; ${await sessionCookie(alice)}; other=1`;
    expect(await session.authenticateRequest(request(cookie))).toMatchObject({ ok: true, user: { id: alice.id } });
  });

  it("rejects missing, garbage, revoked, banned and deleted sessions with a reason", async () => {
    expect(await session.authenticateRequest(request())).toEqual({ ok: false, reason: "unauthenticated" });
    expect(await session.authenticateRequest(request("next-auth.session-token=garbage"))).toEqual({ ok: false, reason: "unauthenticated" });

    const revoked = await createUser(harness, { name: "Revoked" });
    const revokedCookie = await sessionCookie(revoked);
    await harness.db.user.update({ where: { id: revoked.id }, data: { sessionVersion: 5 } });
    expect(await session.authenticateRequest(request(revokedCookie))).toEqual({ ok: false, reason: "revoked" });

    const banned = await createUser(harness, {
      name: "Banned",
      bannedAt: new Date(),
      banReason: "abuse",
      banExpiresAt: new Date(Date.now() + 60_000),
    });
    const check = await session.authenticateRequest(request(await sessionCookie(banned)));
    expect(check).toMatchObject({ ok: false, reason: "banned", ban: { reason: "abuse" } });

    const deleted = await createUser(harness, { name: "Deleted" });
    const deletedCookie = await sessionCookie(deleted);
    await harness.db.user.delete({ where: { id: deleted.id } });
    expect(await session.authenticateRequest(request(deletedCookie))).toEqual({ ok: false, reason: "unknown-user" });
  });

  it("rejects a token without the app's claims (e.g. minted before id/sessionVersion existed)", async () => {
    const { encode } = await import("next-auth/jwt");
    const token = await encode({ token: { sub: "x", name: "x" }, secret: process.env.NEXTAUTH_SECRET! });
    expect(await session.authenticateRequest(request(`next-auth.session-token=${token}`))).toEqual({
      ok: false,
      reason: "unauthenticated",
    });
  });
});
