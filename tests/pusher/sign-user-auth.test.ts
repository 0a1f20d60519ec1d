import { createHmac } from "node:crypto";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { APP, createUser, formRequest, NEXTAUTH_SECRET, sessionCookie, startHarness, type Harness } from "@/tests/support/app-harness";

let harness: Harness;
let handleUserAuth: typeof import("@/lib/pusher/sign-user-auth").handleUserAuth;

beforeAll(async () => {
  harness = await startHarness({ webhooks: false });
  ({ handleUserAuth } = await import("@/lib/pusher/sign-user-auth"));
});

afterAll(async () => {
  await harness?.close();
});

const userAuth = (fields: Record<string, string>, headers: Record<string, string> = {}) =>
  handleUserAuth(formRequest("/pusher/user-auth", fields, headers));

describe("POST /pusher/user-auth", () => {
  it("signs socket_id::user::user_data for the session's own user and records the connection", async () => {
    const alice = await createUser(harness, { name: "Alice" });
    const cookie = await sessionCookie(alice);
    const bob = await createUser(harness, { name: "Bob" });
    // Contacts (the watchlist): every other user, by name.
    const others = await harness.db.user.findMany({
      where: { id: { not: alice.id } },
      orderBy: [{ name: "asc" }, { id: "asc" }],
      select: { id: true },
    });

    // A malicious client posting someone else's id must still be signed as itself.
    const response = await userAuth(
      { socket_id: "1234.5678", id: "someone-else", user_id: "someone-else", user_data: '{"id":"x"}' },
      { cookie, "user-agent": "vitest" },
    );

    expect(response.status).toBe(200);
    expect(response.headers.get("cache-control")).toBe("no-store");
    const body = (await response.json()) as { auth: string; user_data: string };
    expect(JSON.parse(body.user_data)).toEqual({
      id: alice.id,
      user_info: { name: alice.name, email: alice.email },
      watchlist: others.map((user) => user.id),
    });
    expect(others.map((user) => user.id)).toContain(bob.id);
    const expected = createHmac("sha256", APP.secret).update(`1234.5678::user::${body.user_data}`).digest("hex");
    expect(body.auth).toBe(`${APP.key}:${expected}`);

    const row = await harness.db.realtimeConnection.findUnique({ where: { socketId: "1234.5678" } });
    expect(row).toMatchObject({ userId: alice.id, userAgent: "vitest", confirmedAt: null });
  });

  it("answers 409 and keeps the row when another user posts a socket_id that is already someone's", async () => {
    const alice = await createUser(harness, { name: "Alice" });
    const mallory = await createUser(harness, { name: "Mallory" });
    expect((await userAuth({ socket_id: "4242.1" }, { cookie: await sessionCookie(alice) })).status).toBe(200);

    const stolen = await userAuth({ socket_id: "4242.1" }, { cookie: await sessionCookie(mallory) });
    expect(stolen.status).toBe(409);
    expect(await stolen.json()).toEqual({ error: "This socket_id is already signed in as another user." });
    const row = await harness.db.realtimeConnection.findUnique({ where: { socketId: "4242.1" } });
    expect(row?.userId).toBe(alice.id);

    // The owner signing in again on the same socket is fine (pusher-js does after some reconnects).
    expect((await userAuth({ socket_id: "4242.1" }, { cookie: await sessionCookie(alice) })).status).toBe(200);
  });

  it("answers 401 without a session cookie", async () => {
    const response = await userAuth({ socket_id: "1.1" });
    expect(response.status).toBe(401);
    expect(response.headers.get("cache-control")).toBe("no-store");
    expect(await response.json()).toEqual({ error: expect.any(String) });
  });

  it("answers 401 for a token signed with another secret or a bearer token instead of the cookie", async () => {
    const alice = await createUser(harness, { name: "Alice" });
    expect((await userAuth({ socket_id: "1.2" }, { cookie: await sessionCookie(alice, "x".repeat(40)) })).status).toBe(401);
    const token = (await sessionCookie(alice)).split("=")[1]!;
    expect((await userAuth({ socket_id: "1.2" }, { authorization: `Bearer ${token}` })).status).toBe(401);
  });

  it("answers 401 once sessionVersion was bumped (sign out everywhere)", async () => {
    const alice = await createUser(harness, { name: "Alice" });
    const cookie = await sessionCookie(alice);
    expect((await userAuth({ socket_id: "2.1" }, { cookie })).status).toBe(200);

    await harness.db.user.update({ where: { id: alice.id }, data: { sessionVersion: { increment: 1 } } });
    const response = await userAuth({ socket_id: "2.2" }, { cookie });
    expect(response.status).toBe(401);
    expect(((await response.json()) as { error: string }).error).toMatch(/signed out/i);
    expect(await harness.db.realtimeConnection.findUnique({ where: { socketId: "2.2" } })).toBeNull();
  });

  it("answers 401 when the user no longer exists", async () => {
    const alice = await createUser(harness, { name: "Alice" });
    const cookie = await sessionCookie(alice);
    await harness.db.user.delete({ where: { id: alice.id } });
    expect((await userAuth({ socket_id: "3.1" }, { cookie })).status).toBe(401);
  });

  it("answers 403 with the reason for a banned user, and signs again once the ban expired", async () => {
    const mallory = await createUser(harness, { name: "Mallory", bannedAt: new Date(), banReason: "spamming" });
    const cookie = await sessionCookie(mallory);
    const response = await userAuth({ socket_id: "4.1" }, { cookie });
    expect(response.status).toBe(403);
    expect(await response.json()).toEqual({ error: "This account is banned: spamming" });
    expect(await harness.db.realtimeConnection.findUnique({ where: { socketId: "4.1" } })).toBeNull();

    await harness.db.user.update({ where: { id: mallory.id }, data: { banExpiresAt: new Date(Date.now() - 1_000) } });
    expect((await userAuth({ socket_id: "4.2" }, { cookie })).status).toBe(200);
  });

  it.each([[{}], [{ socket_id: "" }], [{ socket_id: "abc" }], [{ socket_id: "1.2.3" }], [{ socket_id: "12" }], [{ socket_id: "1.2 " }]])(
    "answers 400 for body %j",
    async (fields) => {
      const alice = await createUser(harness, { name: "Alice" });
      const response = await userAuth(fields as Record<string, string>, { cookie: await sessionCookie(alice) });
      expect(response.status).toBe(400);
      expect(await response.json()).toEqual({ error: expect.stringMatching(/socket_id/) });
    },
  );

  it("answers 400 for a JSON body (pusher-js always posts a form)", async () => {
    const alice = await createUser(harness, { name: "Alice" });
    const request = new Request("http://127.0.0.1:3000/pusher/user-auth", {
      method: "POST",
      headers: { "Content-Type": "application/json", cookie: await sessionCookie(alice) },
      body: JSON.stringify({ socket_id: "1.2" }),
    });
    expect((await handleUserAuth(request)).status).toBe(400);
  });

  it("uses the test secret (sanity check of the harness)", () => {
    expect(process.env.NEXTAUTH_SECRET).toBe(NEXTAUTH_SECRET);
  });
});
