import type { CredentialsConfig } from "next-auth/providers/credentials";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";

import {
  clientPool,
  createCast,
  createUser,
  formRequest,
  request,
  resetDatabase,
  sessionCookie,
  startHarness,
  waitFor,
  type Harness,
  type SignedInClient,
} from "@/tests/support/app-harness";

let harness: Harness;
let handleBanUser: typeof import("@/lib/admin/ban-user").handleBanUser;
let handleUnbanUser: typeof import("@/lib/admin/unban").handleUnbanUser;
let handleSignOutEverywhere: typeof import("@/lib/admin/sign-out-everywhere").handleSignOutEverywhere;
let handleUserAuth: typeof import("@/lib/pusher/sign-user-auth").handleUserAuth;
let handleGetRoster: typeof import("@/lib/admin/roster-endpoint").handleGetRoster;
let authOptions: typeof import("@/lib/auth/nextauth-options").authOptions;
let pusherServer: typeof import("@/lib/pusher/server").pusherServer;
let flushRosterNotifications: typeof import("@/lib/roster/roster-changes").flushRosterNotifications;
let adminFeedChannels: typeof import("@/lib/pusher/channel-names").adminFeedChannels;
let passwordHash: string;
const PASSWORD = "correct horse battery staple";
const clients = clientPool(() => harness);
const connect = clients.connect;

type User = Awaited<ReturnType<typeof createUser>>;
let admin: User;
let alice: User;
let bob: User;
let adminCookie: string;
let aliceCookie: string;
let bobCookie: string;

beforeAll(async () => {
  harness = await startHarness();
  ({ handleBanUser } = await import("@/lib/admin/ban-user"));
  ({ handleUnbanUser } = await import("@/lib/admin/unban"));
  ({ handleSignOutEverywhere } = await import("@/lib/admin/sign-out-everywhere"));
  ({ handleUserAuth } = await import("@/lib/pusher/sign-user-auth"));
  ({ handleGetRoster } = await import("@/lib/admin/roster-endpoint"));
  ({ authOptions } = await import("@/lib/auth/nextauth-options"));
  ({ pusherServer } = await import("@/lib/pusher/server"));
  ({ flushRosterNotifications } = await import("@/lib/roster/roster-changes"));
  ({ adminFeedChannels } = await import("@/lib/pusher/channel-names"));
  passwordHash = await (await import("@/lib/auth/password")).hashPassword(PASSWORD);
});

afterAll(async () => {
  clients.disconnectAll();
  await harness?.close();
});

beforeEach(async () => {
  clients.disconnectAll();
  vi.restoreAllMocks();
  await resetDatabase(harness);
  ({ admin, alice, bob, adminCookie, aliceCookie, bobCookie } = await createCast(harness));
  // The harness's users have no usable password; these tests also sign in through authorize().
  await harness.db.user.updateMany({ data: { passwordHash } });
});

afterEach(() => {
  vi.useRealTimers();
});

const ban = (userId: string, json: unknown, cookie: string = adminCookie) =>
  handleBanUser(request(`/api/admin/users/${userId}/ban`, { cookie, json }), userId);
const unban = (userId: string, cookie: string = adminCookie) =>
  handleUnbanUser(request(`/api/admin/users/${userId}/unban`, { cookie }), userId);
const signOutEverywhere = (userId: string, cookie: string = adminCookie) =>
  handleSignOutEverywhere(request(`/api/admin/users/${userId}/sign-out-everywhere`, { cookie }), userId);

/** What pusher-js posts to /pusher/user-auth. */
function userAuth(cookie: string, socketId = "123.456") {
  return handleUserAuth(formRequest("/pusher/user-auth", { socket_id: socketId }, { cookie }));
}

function authorize(email: string, password = PASSWORD) {
  const provider = authOptions.providers[0] as unknown as { options: CredentialsConfig };
  return provider.options.authorize({ email, password }, { body: {}, query: {}, headers: {}, method: "POST" });
}

/** Records the user events and the close code of a client, in the order they happened. */
function timeline(client: SignedInClient): string[] {
  const events: string[] = [];
  client.pusher.user.bind("account-revoked", (data: { reason: string }) => events.push(`account-revoked:${data.reason}`));
  void client.closed.then((code) => events.push(`closed:${code}`));
  return events;
}

const inOneHour = () => new Date(Date.now() + 60 * 60 * 1000).toISOString();

describe("authorization", () => {
  it("answers 401 without a session and 403 for a non-admin, and changes nothing", async () => {
    for (const cookie of ["", bobCookie]) {
      const responses = [
        await ban(alice.id, { reason: "x" }, cookie),
        await unban(alice.id, cookie),
        await signOutEverywhere(alice.id, cookie),
      ];
      for (const response of responses) {
        expect(response.status).toBe(cookie ? 403 : 401);
        expect((await response.json()).error).toMatch(cookie ? /ADMIN role/ : /Not signed in/);
      }
    }
    expect(await harness.db.user.findUniqueOrThrow({ where: { id: alice.id } })).toMatchObject({ sessionVersion: 0, bannedAt: null });
    expect(await harness.db.auditLog.count()).toBe(0);
  });

  it("route files pass the dynamic userId through", async () => {
    const params = Promise.resolve({ userId: "no-such-user" });
    const banRoute = await import("@/app/api/admin/users/[userId]/ban/route");
    const unbanRoute = await import("@/app/api/admin/users/[userId]/unban/route");
    const signOutRoute = await import("@/app/api/admin/users/[userId]/sign-out-everywhere/route");
    expect((await banRoute.POST(request("/x", { cookie: adminCookie, json: { reason: "x" } }), { params })).status).toBe(404);
    expect((await unbanRoute.POST(request("/x", { cookie: adminCookie }), { params })).status).toBe(404);
    expect((await signOutRoute.POST(request("/x", { cookie: adminCookie }), { params })).status).toBe(404);
  });
});

describe("POST /api/admin/users/{id}/sign-out-everywhere", () => {
  it("tells every tab why, closes them with 4009, and revokes the JWT for the next request", async () => {
    const tab1 = await connect(alice.id);
    const tab2 = await connect(alice.id);
    const bystander = await connect(bob.id);
    const events1 = timeline(tab1);
    const events2 = timeline(tab2);
    const received: unknown[] = [];
    tab1.pusher.user.bind("account-revoked", (data: unknown) => received.push(data));
    const trigger = vi.spyOn(pusherServer, "trigger");

    const response = await signOutEverywhere(alice.id);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ ok: true });
    await flushRosterNotifications();
    // Coalesced with whatever else changed in the same moment (a bystander's connection-confirmed
    // webhook, say), so the batch may carry another change's reason; its delta has Alice gone.
    expect(trigger).toHaveBeenCalledWith(
      [adminFeedChannels(admin).feed],
      "roster-changed",
      expect.objectContaining({ changes: expect.arrayContaining([{ userId: alice.id, connectionCount: 0 }]) }),
    );

    expect(await tab1.closed).toBe(4009);
    expect(await tab2.closed).toBe(4009);
    await waitFor(() => events1.length === 2 && events2.length === 2, { message: "both timelines" });
    expect(events1).toEqual(["account-revoked:signed-out", "closed:4009"]);
    expect(events2).toEqual(["account-revoked:signed-out", "closed:4009"]);
    expect(received).toEqual([{ reason: "signed-out", message: "An administrator signed you out on all devices." }]);
    expect(bystander.pusher.connection.state).toBe("connected");

    // The same, still unexpired cookie: rejected by a route handler on the very next request.
    const after = await userAuth(aliceCookie, "123.457");
    expect(after.status).toBe(401);
    expect((await after.json()).error).toMatch(/signed out/);
    expect(await harness.db.realtimeConnection.count({ where: { userId: alice.id } })).toBe(0);

    // Not a ban: a fresh login works and carries the new sessionVersion.
    expect(await authorize(alice.email)).toMatchObject({ id: alice.id, sessionVersion: 1 });

    const audit = await harness.db.auditLog.findMany();
    expect(audit).toEqual([
      expect.objectContaining({ action: "sign-out-everywhere", actorId: admin.id, targetUserId: alice.id, result: "ok" }),
    ]);
    expect(audit[0]!.summary).toMatch(/Signed out Alice .* on all devices; 2 connections closed/);
  });

  it("revokes an admin's own session too (the next admin request is 401)", async () => {
    const otherAdmin = await createUser(harness, { name: "Otto Admin", role: "ADMIN" });
    const otherCookie = await sessionCookie(otherAdmin);
    expect((await signOutEverywhere(otherAdmin.id)).status).toBe(200);
    const roster = await handleGetRoster(new Request("http://127.0.0.1:3000/api/admin/roster", { headers: { cookie: otherCookie } }));
    expect(roster.status).toBe(401);
  });

  it("keeps the revocation and answers 502 with an audited error when terminate fails", async () => {
    vi.spyOn(pusherServer, "terminateUserConnections").mockRejectedValue(new Error("connect ECONNREFUSED"));
    const response = await signOutEverywhere(alice.id);
    expect(response.status).toBe(502);
    expect((await response.json()).error).toMatch(/sessions were revoked, but .*ECONNREFUSED/);
    expect((await userAuth(aliceCookie)).status).toBe(401);
    expect((await harness.db.auditLog.findFirstOrThrow()).result).toMatch(/^error: connect ECONNREFUSED/);
  });

  it("still terminates when the notice can't be sent, and says so in the audit", async () => {
    const tab = await connect(alice.id);
    vi.spyOn(pusherServer, "sendToUser").mockRejectedValue(new Error("Pusher answered 500"));
    expect((await signOutEverywhere(alice.id)).status).toBe(200);
    expect(await tab.closed).toBe(4009);
    const audit = await harness.db.auditLog.findFirstOrThrow();
    expect(audit.result).toBe("ok");
    expect(audit.summary).toMatch(/notice was not delivered \(Pusher answered 500\)/);
  });

  it("answers 404 for an unknown user", async () => {
    const response = await signOutEverywhere("no-such-user");
    expect(response.status).toBe(404);
    expect((await response.json()).error).toMatch(/No user/);
  });
});

describe("POST /api/admin/users/{id}/ban", () => {
  it("bans, revokes, tells the tab why, terminates it (4009), and audits, in one action", async () => {
    const tab = await connect(alice.id);
    const events = timeline(tab);
    const received: unknown[] = [];
    tab.pusher.user.bind("account-revoked", (data: unknown) => received.push(data));
    const trigger = vi.spyOn(pusherServer, "trigger");

    const response = await ban(alice.id, { reason: "  Spamming the lobby  " });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ ok: true });
    await flushRosterNotifications();
    // Coalesced with whatever else changed in the same moment (Alice's connection-confirmed
    // webhook, say), so the batch may carry another change's reason; its delta has Alice gone.
    expect(trigger).toHaveBeenCalledWith(
      [adminFeedChannels(admin).feed],
      "roster-changed",
      expect.objectContaining({ changes: expect.arrayContaining([{ userId: alice.id, connectionCount: 0 }]) }),
    );

    expect(await tab.closed).toBe(4009);
    await waitFor(() => events.length === 2, { message: "the timeline" });
    expect(events).toEqual(["account-revoked:banned", "closed:4009"]);
    expect(received).toEqual([{ reason: "banned", message: "Your account was banned: Spamming the lobby" }]);
    // pusher-js must not come back after 4009.
    await new Promise((resolve) => setTimeout(resolve, 1_200));
    expect(tab.pusher.connection.state).not.toBe("connected");

    const stored = await harness.db.user.findUniqueOrThrow({ where: { id: alice.id } });
    expect(stored).toMatchObject({ banReason: "Spamming the lobby", banExpiresAt: null, sessionVersion: 1 });
    expect(stored.bannedAt).toBeInstanceOf(Date);
    expect(await harness.db.realtimeConnection.count({ where: { userId: alice.id } })).toBe(0);

    // Banned: no login, no Pusher user token (403 with the reason), even with a fresh cookie.
    await expect(authorize(alice.email)).rejects.toThrow(/^AccountBanned:.*Spamming the lobby/);
    const fresh = await userAuth(await sessionCookie(stored));
    expect(fresh.status).toBe(403);
    expect((await fresh.json()).error).toBe("This account is banned: Spamming the lobby");

    const audit = await harness.db.auditLog.findMany();
    expect(audit).toEqual([expect.objectContaining({ action: "ban", actorId: admin.id, targetUserId: alice.id, result: "ok" })]);
    expect(audit[0]!.summary).toMatch(/^Banned Alice \(.*\) permanently: Spamming the lobby; 1 connection closed$/);
  });

  it("says until when in the notice, and the ban expires on its own", async () => {
    // Whole seconds, so the message's UTC time is predictable.
    const expiresAt = new Date(Math.ceil(Date.now() / 1000) * 1000 + 60 * 60 * 1000).toISOString();
    const tab = await connect(alice.id);
    const received: { message: string }[] = [];
    tab.pusher.user.bind("account-revoked", (data: { message: string }) => received.push(data));
    expect((await ban(alice.id, { reason: "Cooling off", expiresAt })).status).toBe(200);
    await waitFor(() => received.length === 1, { message: "the notice" });
    expect(received[0]!.message).toBe(`Your account was banned: Cooling off (until ${expiresAt.slice(0, 19).replace("T", " ")} UTC)`);
    expect((await harness.db.user.findUniqueOrThrow({ where: { id: alice.id } })).banExpiresAt?.toISOString()).toBe(expiresAt);
    await expect(authorize(alice.email)).rejects.toThrow(/AccountBanned/);

    // Only Date is faked: sockets and timers keep working.
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(Date.parse(expiresAt) + 1_000);
    expect(await authorize(alice.email)).toMatchObject({ id: alice.id, sessionVersion: 1 });
    const cookie = await sessionCookie(await harness.db.user.findUniqueOrThrow({ where: { id: alice.id } }));
    expect((await userAuth(cookie)).status).toBe(200);
    // The ban's revocation outlives it: the cookie from before the ban stays dead.
    expect((await userAuth(aliceCookie)).status).toBe(401);
  });

  it("unban restores sign-in (the pre-ban session stays revoked) and is audited", async () => {
    expect((await ban(alice.id, { reason: "Mistake", expiresAt: null })).status).toBe(200);
    await expect(authorize(alice.email)).rejects.toThrow(/AccountBanned/);

    const response = await unban(alice.id);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ ok: true });
    expect(await harness.db.user.findUniqueOrThrow({ where: { id: alice.id } })).toMatchObject({
      bannedAt: null,
      banReason: null,
      banExpiresAt: null,
    });
    expect(await authorize(alice.email)).toMatchObject({ id: alice.id });
    expect((await userAuth(aliceCookie)).status).toBe(401);

    const audit = await harness.db.auditLog.findMany({ orderBy: { createdAt: "asc" } });
    expect(audit.map((row) => row.action)).toEqual(["ban", "unban"]);
    expect(audit[1]).toMatchObject({
      actorId: admin.id,
      targetUserId: alice.id,
      result: "ok",
      summary: expect.stringMatching(/^Unbanned Alice .*reason was: Mistake$/),
    });

    const again = await unban(alice.id);
    expect(again.status).toBe(400);
    expect((await again.json()).error).toBe("Alice is not banned.");
  });

  it("refuses to let an admin ban themself", async () => {
    const response = await ban(admin.id, { reason: "oops" });
    expect(response.status).toBe(400);
    expect((await response.json()).error).toBe("You can't ban yourself.");
    expect((await harness.db.user.findUniqueOrThrow({ where: { id: admin.id } })).bannedAt).toBeNull();
    expect(await harness.db.auditLog.count()).toBe(0);
  });

  it("validates the input with clear 400 errors", async () => {
    const cases: [unknown, RegExp][] = [
      [{}, /Reason must be text/],
      [{ reason: "   " }, /Give a reason/],
      [{ reason: "x".repeat(501) }, /at most 500 characters/],
      [{ reason: "x", expiresAt: "tomorrow" }, /ISO 8601/],
      [{ reason: "x", expiresAt: "2000-01-01T00:00:00Z" }, /must be in the future/],
    ];
    for (const [json, error] of cases) {
      const response = await ban(alice.id, json);
      expect(response.status, JSON.stringify(json).slice(0, 40)).toBe(400);
      expect((await response.json()).error).toMatch(error);
    }
    const notJson = await handleBanUser(request(`/x`, { cookie: adminCookie, body: "{oops" }), alice.id);
    expect(notJson.status).toBe(400);
    const form = await handleBanUser(
      request(`/x`, { cookie: adminCookie, body: "reason=x", contentType: "application/x-www-form-urlencoded" }),
      alice.id,
    );
    expect(form.status).toBe(415);
    expect((await harness.db.user.findUniqueOrThrow({ where: { id: alice.id } })).bannedAt).toBeNull();

    // An offset other than Z is fine, and a reason of exactly 500 characters too.
    expect((await ban(alice.id, { reason: "x".repeat(500), expiresAt: inOneHour().replace("Z", "+00:00") })).status).toBe(200);
  });

  it("answers 404 for an unknown user", async () => {
    const response = await ban("no-such-user", { reason: "x" });
    expect(response.status).toBe(404);
    const unbanResponse = await unban("no-such-user");
    expect(unbanResponse.status).toBe(404);
  });

  it("keeps the ban and answers 502 with an audited error when terminate fails", async () => {
    vi.spyOn(pusherServer, "terminateUserConnections").mockRejectedValue(new Error("connect ECONNREFUSED"));
    const response = await ban(alice.id, { reason: "Spam" });
    expect(response.status).toBe(502);
    expect((await response.json()).error).toMatch(/is banned and can't sign in, but .*ECONNREFUSED/);
    await expect(authorize(alice.email)).rejects.toThrow(/AccountBanned/);
    const audit = await harness.db.auditLog.findFirstOrThrow();
    expect(audit).toMatchObject({ action: "ban", result: expect.stringMatching(/^error: connect ECONNREFUSED/) });
  });
});
