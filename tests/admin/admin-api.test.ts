import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";

import {
  clientPool,
  createCast,
  createUser,
  request,
  resetDatabase,
  startHarness,
  waitFor,
  type Harness,
} from "@/tests/support/app-harness";

let harness: Harness;
let handleGetRoster: typeof import("@/lib/admin/roster-endpoint").handleGetRoster;
let handleKickUser: typeof import("@/lib/admin/kick").handleKickUser;
let handleSendMessage: typeof import("@/lib/admin/send-message").handleSendMessage;
let pusherServer: typeof import("@/lib/pusher/server").pusherServer;
const clients = clientPool(() => harness);
const connect = clients.connect;

type User = Awaited<ReturnType<typeof createUser>>;
let admin: User;
let alice: User;
let bob: User;
let adminCookie: string;
let bobCookie: string;

beforeAll(async () => {
  harness = await startHarness();
  ({ handleGetRoster } = await import("@/lib/admin/roster-endpoint"));
  ({ handleKickUser } = await import("@/lib/admin/kick"));
  ({ handleSendMessage } = await import("@/lib/admin/send-message"));
  ({ pusherServer } = await import("@/lib/pusher/server"));
});

afterAll(async () => {
  clients.disconnectAll();
  await harness?.close();
});

beforeEach(async () => {
  clients.disconnectAll();
  vi.restoreAllMocks();
  await resetDatabase(harness);
  ({ admin, alice, bob, adminCookie, bobCookie } = await createCast(harness));
});

const rosterRequest = (cookie?: string) => handleGetRoster(request("/api/admin/roster", { method: "GET", cookie }));
const kick = (userId: string, cookie?: string) =>
  handleKickUser(request(`/api/admin/users/${userId}/kick`, { method: "POST", cookie }), userId);
/** `null` = no session cookie at all. */
const send = (userId: string, json: unknown, cookie: string | null = adminCookie) =>
  handleSendMessage(request(`/api/admin/users/${userId}/messages`, { cookie: cookie ?? undefined, json }), userId);

describe("authorization", () => {
  it("answers 401 without a session and 403 for a non-admin, on every endpoint", async () => {
    for (const response of [await rosterRequest(), await kick(alice.id), await send(alice.id, { message: "hi" }, null)]) {
      expect(response.status).toBe(401);
      expect((await response.json()).error).toMatch(/Not signed in/);
    }
    for (const response of [
      await rosterRequest(bobCookie),
      await kick(alice.id, bobCookie),
      await send(alice.id, { message: "hi" }, bobCookie),
    ]) {
      expect(response.status).toBe(403);
      expect((await response.json()).error).toMatch(/ADMIN role/);
    }
    expect(await harness.db.auditLog.count()).toBe(0);
    expect(await harness.db.message.count()).toBe(0);
  });

  it("rejects a forged cookie and a revoked session", async () => {
    expect((await rosterRequest("next-auth.session-token=forged")).status).toBe(401);
    await harness.db.user.update({ where: { id: admin.id }, data: { sessionVersion: { increment: 1 } } });
    const response = await rosterRequest(adminCookie);
    expect(response.status).toBe(401);
    expect((await response.json()).error).toMatch(/signed out/);
  });
});

describe("route files", () => {
  it("pass the dynamic userId through to the handlers", async () => {
    const kickRoute = await import("@/app/api/admin/users/[userId]/kick/route");
    const messagesRoute = await import("@/app/api/admin/users/[userId]/messages/route");
    const rosterRoute = await import("@/app/api/admin/roster/route");
    const params = Promise.resolve({ userId: "no-such-user" });
    expect(
      (await kickRoute.POST(request("/api/admin/users/no-such-user/kick", { method: "POST", cookie: adminCookie }), { params })).status,
    ).toBe(404);
    expect(
      (
        await messagesRoute.POST(request("/api/admin/users/no-such-user/messages", { cookie: adminCookie, json: { message: "hi" } }), {
          params,
        })
      ).status,
    ).toBe(404);
    expect((await rosterRoute.GET(request("/api/admin/roster", { method: "GET", cookie: adminCookie }))).status).toBe(200);
  });
});

describe("GET /api/admin/roster", () => {
  it("lists signed-in users for an admin", async () => {
    const client = await connect(alice.id);
    await connect(alice.id);
    const response = await rosterRequest(adminCookie);
    expect(response.status).toBe(200);
    const body = (await response.json()) as { users: { userId: string; email: string; connectionCount: number }[] };
    expect(body.users).toEqual([
      expect.objectContaining({ userId: alice.id, email: alice.email, name: "Alice", role: "USER", connectionCount: 2 }),
    ]);
    expect(client.socketId).toMatch(/^\d+\.\d+$/);
  });
});

describe("POST /api/admin/users/{id}/kick", () => {
  it("terminates the user's pusher-js connections (4009), deletes their rows and audits", async () => {
    const tab1 = await connect(alice.id);
    const tab2 = await connect(alice.id);
    const bystander = await connect(bob.id);

    const response = await kick(alice.id, adminCookie);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ ok: true });

    expect(await tab1.closed).toBe(4009);
    expect(await tab2.closed).toBe(4009);
    expect(await harness.db.realtimeConnection.count({ where: { userId: alice.id } })).toBe(0);
    // Right away, without waiting for channel_vacated webhooks.
    const roster = (await (await rosterRequest(adminCookie)).json()) as { users: { userId: string }[] };
    expect(roster.users.map((user) => user.userId)).toEqual([bob.id]);

    // pusher-js must not reconnect after 4009; the other user is untouched.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(tab1.pusher.connection.state).not.toBe("connected");
    expect(bystander.pusher.connection.state).toBe("connected");

    const audit = await harness.db.auditLog.findMany();
    expect(audit).toEqual([expect.objectContaining({ action: "kick", actorId: admin.id, targetUserId: alice.id, result: "ok" })]);
    expect(audit[0]!.summary).toMatch(/Kicked Alice .*2 connections closed/);
  });

  it("answers 404 for an unknown user", async () => {
    const response = await kick("no-such-user", adminCookie);
    expect(response.status).toBe(404);
    expect((await response.json()).error).toMatch(/No user/);
  });

  it("answers 502 and audits the error when the realtime service refuses", async () => {
    vi.spyOn(pusherServer, "terminateUserConnections").mockRejectedValue(new Error("connect ECONNREFUSED"));
    const response = await kick(alice.id, adminCookie);
    expect(response.status).toBe(502);
    expect((await response.json()).error).toMatch(/Could not disconnect Alice.*ECONNREFUSED/);
    const audit = await harness.db.auditLog.findFirstOrThrow();
    expect(audit.result).toMatch(/^error: .*ECONNREFUSED/);
  });
});

describe("POST /api/admin/users/{id}/messages", () => {
  it("reaches every signed-in pusher-js client of the user through pusher.user.bind", async () => {
    const tab1 = await connect(alice.id);
    const tab2 = await connect(alice.id);
    const received: unknown[] = [];
    for (const tab of [tab1, tab2]) tab.pusher.user.bind("message", (data: unknown) => received.push(data));

    const response = await send(alice.id, { message: "  Hello Alice  " });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { ok: boolean; messageId: string; deliveredLive: boolean };
    expect(body).toEqual({ ok: true, messageId: expect.any(String), deliveredLive: true });

    await waitFor(() => received.length === 2, { message: "both tabs to receive the message" });
    expect(received[0]).toEqual({ id: body.messageId, body: "Hello Alice", from: "Ada Admin", sentAt: expect.any(String) });

    const stored = await harness.db.message.findUniqueOrThrow({ where: { id: body.messageId } });
    expect(stored).toMatchObject({ recipientId: alice.id, senderId: admin.id, event: "message", body: "Hello Alice", sentLive: true });
    const audit = await harness.db.auditLog.findFirstOrThrow();
    expect(audit).toMatchObject({ action: "message", actorId: admin.id, targetUserId: alice.id, result: "ok" });
  });

  it("stores a message for an offline user and says it was not delivered live", async () => {
    const response = await send(bob.id, { message: "See this later" });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { messageId: string; deliveredLive: boolean; notice?: string };
    expect(body.deliveredLive).toBe(false);
    expect(body.notice).toBe("Bob is offline; message stored");
    expect((await harness.db.message.findUniqueOrThrow({ where: { id: body.messageId } })).sentLive).toBe(false);
  });

  it("validates the message with clear 400 errors", async () => {
    const cases: [unknown, RegExp][] = [
      [{ message: "   " }, /can't be empty/],
      [{ message: "x".repeat(2001) }, /at most 2000 characters/],
      [{}, /Message must be text/],
      [{ message: 42 }, /Message must be text/],
      // 2,000 characters, but JSON escapes each control character to 6 bytes: over 10 KB.
      [{ message: `a${"\u0001".repeat(1998)}b` }, /exceed Pusher's 10 KB limit/],
    ];
    for (const [json, error] of cases) {
      const response = await send(alice.id, json);
      expect(response.status, JSON.stringify(json).slice(0, 40)).toBe(400);
      expect((await response.json()).error).toMatch(error);
    }
    // 2,000 ordinary characters are fine.
    expect((await send(alice.id, { message: "x".repeat(2000) })).status).toBe(200);

    const notJson = await handleSendMessage(
      request(`/api/admin/users/${alice.id}/messages`, { cookie: adminCookie, body: "{oops" }),
      alice.id,
    );
    expect(notJson.status).toBe(400);
    const wrongType = await handleSendMessage(
      request(`/api/admin/users/${alice.id}/messages`, {
        cookie: adminCookie,
        body: "message=hi",
        contentType: "application/x-www-form-urlencoded",
      }),
      alice.id,
    );
    expect(wrongType.status).toBe(415);
    expect(await harness.db.message.count()).toBe(1);
  });

  it("answers 404 for an unknown user", async () => {
    const response = await send("no-such-user", { message: "hi" });
    expect(response.status).toBe(404);
  });

  it("answers 502 when sendToUser fails, keeps the message and audits the error", async () => {
    vi.spyOn(pusherServer, "sendToUser").mockRejectedValue(new Error("Pusher answered 500"));
    const response = await send(alice.id, { message: "hi" });
    expect(response.status).toBe(502);
    const body = (await response.json()) as { error: string; messageId: string };
    expect(body.error).toMatch(/saved but could not be delivered live/);
    expect(await harness.db.message.count()).toBe(1);
    expect((await harness.db.auditLog.findFirstOrThrow()).result).toMatch(/^error: Pusher answered 500/);
  });
});
