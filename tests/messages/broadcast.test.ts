import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";

import {
  clientPool,
  createUser,
  request,
  resetDatabase,
  sessionCookie,
  sleep,
  startHarness,
  waitFor,
  type Harness,
} from "@/tests/support/app-harness";

let harness: Harness;
let handleBroadcast: typeof import("@/lib/admin/broadcast").handleBroadcast;
let pusherServer: typeof import("@/lib/pusher/server").pusherServer;
const clients = clientPool(() => harness);

type User = Awaited<ReturnType<typeof createUser>>;
let admin: User;
let adminCookie: string;

beforeAll(async () => {
  harness = await startHarness();
  ({ handleBroadcast } = await import("@/lib/admin/broadcast"));
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
  admin = await createUser(harness, { name: "Ada Admin", role: "ADMIN" });
  adminCookie = await sessionCookie(admin);
});

const broadcast = (json: unknown, cookie: string | null = adminCookie) =>
  handleBroadcast(request("/api/admin/broadcast", { cookie: cookie ?? undefined, json }));

interface Tab {
  userId: string;
  received: { id: string; body: string }[];
}

/** Signs `tabsPerUser` pusher-js clients in as each user; every tab records what it receives. */
async function openTabs(users: User[], tabsPerUser: number): Promise<Tab[]> {
  const tabs: Tab[] = [];
  await Promise.all(
    users.flatMap((user) =>
      Array.from({ length: tabsPerUser }, async () => {
        const client = await clients.connect(user.id);
        const tab: Tab = { userId: user.id, received: [] };
        client.pusher.user.bind("message", (data: { id: string; body: string }) => tab.received.push(data));
        tabs.push(tab);
      }),
    ),
  );
  return tabs;
}

function serverToUserBatches(spy: { mock: { calls: unknown[][] } }): { channel: string }[][] {
  // Only the message deliveries count here (other publishes go to the admin feed channels).
  return spy.mock.calls
    .map((call) => call[0] as { channel: string }[])
    .filter((batch) => batch.every((event) => event.channel.startsWith("#server-to-user-")));
}

describe("POST /api/admin/broadcast", () => {
  it("reaches every signed-in user exactly once in every tab, in batches of at most 10 events", async () => {
    const users: User[] = [];
    for (let i = 0; i < 12; i += 1) users.push(await createUser(harness, { name: `User ${i}` }));
    const offline = await createUser(harness, { name: "Offline Olga" });
    const tabs = await openTabs([...users, admin], 2);
    const batchSpy = vi.spyOn(pusherServer, "triggerBatch");

    const response = await broadcast({ message: "  Maintenance at noon  ", includeSelf: true });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { ok: boolean; broadcastId: string; recipients: number };
    expect(body).toEqual({ ok: true, broadcastId: expect.any(String), recipients: 13 });

    await waitFor(() => tabs.every((tab) => tab.received.length >= 1), { message: "every tab to receive the broadcast" });
    // Late duplicates would show up within this window.
    await sleep(500);
    for (const tab of tabs) expect(tab.received, tab.userId).toHaveLength(1);

    const stored = await harness.db.message.findMany({ where: { broadcastId: body.broadcastId } });
    expect(stored).toHaveLength(13);
    expect(new Set(stored.map((message) => message.recipientId))).toEqual(new Set([...users, admin].map((user) => user.id)));
    expect(stored.every((message) => message.body === "Maintenance at noon" && message.sentLive && message.senderId === admin.id)).toBe(
      true,
    );
    // Each tab got its own user's stored message.
    const byRecipient = new Map(stored.map((message) => [message.recipientId, message.id]));
    for (const tab of tabs)
      expect(tab.received[0]).toMatchObject({ id: byRecipient.get(tab.userId), body: "Maintenance at noon", from: "Ada Admin" });
    expect(await harness.db.message.count({ where: { recipientId: offline.id } })).toBe(0);

    const batches = serverToUserBatches(batchSpy);
    expect(batches.map((batch) => batch.length).sort((a, b) => b - a)).toEqual([10, 3]);

    const audit = await harness.db.auditLog.findFirstOrThrow({ where: { action: "broadcast" } });
    expect(audit).toMatchObject({ actorId: admin.id, targetUserId: null, result: "ok" });
    expect(audit.summary).toMatch(/to 13 signed-in users/);
  });

  it("reaches only users with the requested role", async () => {
    const alice = await createUser(harness, { name: "Alice" });
    const bob = await createUser(harness, { name: "Bob" });
    const otherAdmin = await createUser(harness, { name: "Otto Admin", role: "ADMIN" });
    const tabs = await openTabs([alice, bob, otherAdmin, admin], 2);

    const response = await broadcast({ message: "Admins only", role: "ADMIN", includeSelf: true });
    expect(await response.json()).toEqual({ ok: true, broadcastId: expect.any(String), recipients: 2 });
    const adminTabs = tabs.filter((tab) => tab.userId === admin.id || tab.userId === otherAdmin.id);
    await waitFor(() => adminTabs.every((tab) => tab.received.length === 1), { message: "admin tabs" });
    await sleep(400);
    for (const tab of tabs) expect(tab.received).toHaveLength(adminTabs.includes(tab) ? 1 : 0);

    const users = await broadcast({ message: "Users only", role: "USER" });
    expect(await users.json()).toMatchObject({ ok: true, recipients: 2 });
    const userTabs = tabs.filter((tab) => !adminTabs.includes(tab));
    await waitFor(() => userTabs.every((tab) => tab.received.length === 1), { message: "user tabs" });
    await sleep(400);
    for (const tab of tabs)
      expect(tab.received.map((message) => message.body)).toEqual([adminTabs.includes(tab) ? "Admins only" : "Users only"]);
  });

  it("leaves the sending admin out unless includeSelf is true", async () => {
    const alice = await createUser(harness, { name: "Alice" });
    const otherAdmin = await createUser(harness, { name: "Otto Admin", role: "ADMIN" });
    await openTabs([alice, otherAdmin, admin], 1);
    const response = await broadcast({ message: "Not for me" });
    const body = (await response.json()) as { broadcastId: string; recipients: number };
    expect(body.recipients).toBe(2);
    const stored = await harness.db.message.findMany({ where: { broadcastId: body.broadcastId } });
    expect(new Set(stored.map((message) => message.recipientId))).toEqual(new Set([alice.id, otherAdmin.id]));
    const bad = await broadcast({ message: "x", includeSelf: "yes" });
    expect(bad.status).toBe(400);
    expect((await bad.json()).error).toBe("includeSelf must be true or false");
  });

  it("answers ok with 0 recipients when nobody is signed in", async () => {
    const response = await broadcast({ message: "Anyone?" });
    expect(await response.json()).toEqual({ ok: true, broadcastId: expect.any(String), recipients: 0 });
    expect(await harness.db.message.count()).toBe(0);
  });

  it("validates the body with clear 400/415 errors and stores nothing", async () => {
    const cases: [unknown, RegExp][] = [
      [{ message: "   " }, /can't be empty/],
      [{ message: "x".repeat(2001) }, /at most 2000 characters/],
      [{}, /Message must be text/],
      [{ message: "hi", role: "OWNER" }, /Role must be "USER" or "ADMIN"/],
      [{ message: `a${"\u0001".repeat(1998)}b` }, /exceed Pusher's 10 KB limit/],
    ];
    for (const [json, error] of cases) {
      const response = await broadcast(json);
      expect(response.status, JSON.stringify(json).slice(0, 40)).toBe(400);
      expect((await response.json()).error).toMatch(error);
    }
    expect((await handleBroadcast(request("/api/admin/broadcast", { cookie: adminCookie, body: "{oops" }))).status).toBe(400);
    const form = await handleBroadcast(
      request("/api/admin/broadcast", { cookie: adminCookie, body: "message=hi", contentType: "application/x-www-form-urlencoded" }),
    );
    expect(form.status).toBe(415);
    expect(await harness.db.message.count()).toBe(0);
    expect(await harness.db.auditLog.count()).toBe(0);
  });

  it("answers 401 without a session and 403 for a non-admin", async () => {
    const bob = await createUser(harness, { name: "Bob" });
    await openTabs([bob], 1);
    const anonymous = await broadcast({ message: "hi" }, null);
    expect(anonymous.status).toBe(401);
    const forbidden = await broadcast({ message: "hi" }, await sessionCookie(bob));
    expect(forbidden.status).toBe(403);
    expect((await forbidden.json()).error).toMatch(/ADMIN role/);
    expect(await harness.db.message.count()).toBe(0);
  });

  it("keeps the messages and answers 502 when the realtime service refuses a batch", async () => {
    const users: User[] = [];
    for (let i = 0; i < 3; i += 1) users.push(await createUser(harness, { name: `User ${i}` }));
    await openTabs(users, 1);
    vi.spyOn(pusherServer, "triggerBatch").mockRejectedValue(new Error("Pusher answered 500"));
    const response = await broadcast({ message: "hi", role: "USER" });
    expect(response.status).toBe(502);
    expect(await response.json()).toMatchObject({ ok: false, recipients: 3, failed: 3 });
    const stored = await harness.db.message.findMany();
    expect(stored).toHaveLength(3);
    expect(stored.every((message) => !message.sentLive)).toBe(true);
    expect((await harness.db.auditLog.findFirstOrThrow()).result).toMatch(/^error: 3 of 3 not delivered live/);
  });

  it("is served by the route file", async () => {
    const route = await import("@/app/api/admin/broadcast/route");
    expect((await route.POST(request("/api/admin/broadcast", { cookie: adminCookie, json: { message: "" } }))).status).toBe(400);
  });
});
