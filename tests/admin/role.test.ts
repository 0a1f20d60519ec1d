/**
 * Issue 11: Make admin / Remove admin (POST /api/admin/users/{id}/role). Admins only; audited; the
 * user's tabs hear role-changed at once; removal takes the admin feed away like a revocation (a
 * socket already subscribed to the demoted admin's feed hears nothing more, on this instance at
 * once); the last admin can't remove themselves. Real database, realtime server and pusher-js.
 */
import type PusherClient from "pusher-js";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";

import {
  clientPool,
  connectAdminChannel,
  createUser,
  request,
  resetDatabase,
  sessionCookie,
  startHarness,
  waitFor,
  type Harness,
  type TestUser,
} from "@/tests/support/app-harness";

let harness: Harness;
let handleChangeRole: typeof import("@/lib/admin/role").handleChangeRole;
let handleBanUser: typeof import("@/lib/admin/ban-user").handleBanUser;
let channels: typeof import("@/lib/pusher/channel-names");
let publishToAdmins: typeof import("@/lib/pusher/admin-feed").publishToAdmins;
let ada: TestUser;
let eve: TestUser;
let bob: TestUser;
const clients = clientPool(() => harness);
const open: PusherClient[] = [];

beforeAll(async () => {
  harness = await startHarness({ webhooks: false });
  ({ handleChangeRole } = await import("@/lib/admin/role"));
  ({ handleBanUser } = await import("@/lib/admin/ban-user"));
  ({ publishToAdmins } = await import("@/lib/pusher/admin-feed"));
  channels = await import("@/lib/pusher/channel-names");
});

afterAll(async () => {
  clients.disconnectAll();
  await harness?.close();
});

beforeEach(async () => {
  await resetDatabase(harness);
  ada = await createUser(harness, { name: "Ada Admin", role: "ADMIN" });
  eve = await createUser(harness, { name: "Eve Admin", role: "ADMIN" });
  bob = await createUser(harness, { name: "Bob" });
});

afterEach(() => {
  clients.disconnectAll();
  for (const pusher of open.splice(0)) pusher.disconnect();
});

async function changeRole(actor: TestUser | null, targetId: string, json: unknown = { role: "ADMIN" }) {
  const cookie = actor ? await sessionCookie(actor) : undefined;
  return handleChangeRole(request(`/api/admin/users/${targetId}/role`, { cookie, json }), targetId);
}

describe("who may change roles, and with what", () => {
  it("refuses anonymous callers (401), non-admins (403), bad bodies (400), unknown users (404) and no-op changes (409)", async () => {
    expect((await changeRole(null, bob.id)).status).toBe(401);
    const fromBob = await changeRole(bob, bob.id);
    expect(fromBob.status).toBe(403);
    expect((await fromBob.json()).error).toMatch(/ADMIN role/);
    const bad = await changeRole(ada, bob.id, { role: "ROOT" });
    expect(bad.status).toBe(400);
    expect((await bad.json()).error).toBe('Role must be "USER" or "ADMIN"');
    expect((await changeRole(ada, "no-such-user")).status).toBe(404);
    const again = await changeRole(ada, eve.id, { role: "ADMIN" });
    expect(again.status).toBe(409);
    expect((await again.json()).error).toBe("Eve Admin is already an admin.");
    expect((await harness.db.user.findUniqueOrThrow({ where: { id: bob.id } })).role).toBe("USER");
  });

  it("doesn't let the last admin remove themselves (400), but lets them once another admin exists", async () => {
    await harness.db.user.update({ where: { id: eve.id }, data: { role: "USER" } });
    const alone = await changeRole(ada, ada.id, { role: "USER" });
    expect(alone.status).toBe(400);
    expect((await alone.json()).error).toMatch(/last administrator/);
    // A banned admin can't act, so they don't count as another admin.
    await harness.db.user.update({ where: { id: eve.id }, data: { role: "ADMIN", bannedAt: new Date(), banReason: "x" } });
    expect((await changeRole(ada, ada.id, { role: "USER" })).status).toBe(400);
    await harness.db.user.update({ where: { id: eve.id }, data: { bannedAt: null, banReason: null } });
    expect((await changeRole(ada, ada.id, { role: "USER" })).status).toBe(200);
    expect((await harness.db.user.findUniqueOrThrow({ where: { id: ada.id } })).role).toBe("USER");
  });
});

describe("two admins acting on each other at the same moment", () => {
  async function ban(actor: TestUser, targetId: string) {
    const json = { reason: "at the same moment", expiresAt: null };
    return handleBanUser(request(`/api/admin/users/${targetId}/ban`, { cookie: await sessionCookie(actor), json }), targetId);
  }

  const activeAdmins = () => harness.db.user.count({ where: { role: "ADMIN", bannedAt: null } });

  async function settle(responses: Response[]) {
    return Promise.all(responses.map(async (response) => ({ status: response.status, body: await response.json() })));
  }

  // Before, both requests checked "another admin remains" before either wrote, both succeeded, and
  // nobody was left to administer.
  it("each removing the other's admin role: one wins, the other is refused (403), one admin remains", async () => {
    const answers = await settle(await Promise.all([changeRole(ada, eve.id, { role: "USER" }), changeRole(eve, ada.id, { role: "USER" })]));
    expect(answers.map((answer) => answer.status).sort()).toEqual([200, 403]);
    expect(answers.find((answer) => answer.status === 403)!.body.error).toBe("Forbidden: this action needs the ADMIN role.");
    expect(await activeAdmins()).toBe(1);
    expect(await harness.db.auditLog.count({ where: { action: "role-change" } })).toBe(1);
  });

  it("each removing their own admin role: one wins, the other is the last admin (400)", async () => {
    const answers = await settle(await Promise.all([changeRole(ada, ada.id, { role: "USER" }), changeRole(eve, eve.id, { role: "USER" })]));
    expect(answers.map((answer) => answer.status).sort()).toEqual([200, 400]);
    expect(answers.find((answer) => answer.status === 400)!.body.error).toMatch(/last administrator/);
    expect(await activeAdmins()).toBe(1);
  });

  it("each banning the other: one ban lands, the other is refused (403), one admin remains", async () => {
    const answers = await settle(await Promise.all([ban(ada, eve.id), ban(eve, ada.id)]));
    expect(answers.map((answer) => answer.status).sort()).toEqual([200, 403]);
    expect(await activeAdmins()).toBe(1);
    expect(await harness.db.user.count({ where: { bannedAt: { not: null } } })).toBe(1);
    expect(await harness.db.auditLog.count({ where: { action: "ban" } })).toBe(1);
  });
});

describe("a role change", () => {
  it("promotes: audited, the user's open tab hears role-changed, and their existing session is an admin's at its next request", async () => {
    const tab = await clients.connect(bob.id);
    const heard: unknown[] = [];
    tab.pusher.user.bind(channels.UserEvents.roleChanged, (data: unknown) => heard.push(data));
    const bobCookie = await sessionCookie(bob);

    const response = await changeRole(ada, bob.id, { role: "ADMIN" });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ ok: true, role: "ADMIN" });
    await waitFor(() => heard.length > 0, { message: "Bob's tab hears role-changed" });
    expect(heard).toEqual([{ role: "ADMIN" }]);

    const audit = await harness.db.auditLog.findFirstOrThrow({ where: { action: "role-change" } });
    expect(audit).toMatchObject({ actorId: ada.id, targetUserId: bob.id, result: "ok" });
    expect(audit.summary).toMatch(/^Made Bob \(.+\) an admin$/);

    // The same JWT (not re-issued): the role is re-read from the database on every request.
    const { authorizeAdmin } = await import("@/lib/admin/http");
    const asAdmin = await authorizeAdmin(request("/api/admin/roster", { method: "GET", cookie: bobCookie }));
    expect("admin" in asAdmin).toBe(true);
  });

  it("demotes: the demoted admin's console, already subscribed to their feed, hears nothing more while the others keep hearing", async () => {
    const eveConsole = await connectAdminChannel(harness, eve);
    const adaConsole = await connectAdminChannel(harness, ada);
    open.push(eveConsole.pusher, adaConsole.pusher);
    const eveHeard: unknown[] = [];
    const adaHeard: unknown[] = [];
    // Only this test's own events (the tab below signing in makes roster events too).
    const ours = (into: unknown[]) => (data: unknown) => {
      if (data && typeof data === "object" && "n" in data) into.push(data);
    };
    eveConsole.channel.bind(channels.AdminEvents.rosterChanged, ours(eveHeard));
    adaConsole.channel.bind(channels.AdminEvents.rosterChanged, ours(adaHeard));

    // The control: both hear the feed while Eve is an admin.
    await publishToAdmins(channels.AdminEvents.rosterChanged, { n: 1 });
    await waitFor(() => eveHeard.length === 1 && adaHeard.length === 1, { message: "both consoles hear the feed" });

    const tab = await clients.connect(eve.id);
    const heard: unknown[] = [];
    tab.pusher.user.bind(channels.UserEvents.roleChanged, (data: unknown) => heard.push(data));
    expect((await changeRole(ada, eve.id, { role: "USER" })).status).toBe(200);
    await waitFor(() => heard.length > 0, { message: "Eve's tab hears role-changed" });
    expect(heard).toEqual([{ role: "USER" }]);

    // At once on this instance: no wait for the admin list's cache time.
    await publishToAdmins(channels.AdminEvents.rosterChanged, { n: 2 });
    await publishToAdmins(channels.AdminEvents.rosterChanged, { n: 3 });
    await waitFor(() => adaHeard.length === 3, { message: "Ada's console hears the later events" });
    expect(eveHeard).toEqual([{ n: 1 }]);

    // And Eve's session can't authorize the feed again, nor call admin APIs (403).
    const { decideChannelAccess } = await import("@/lib/pusher/channel-auth");
    expect(await decideChannelAccess({ ...eve, role: "USER" }, "1.2", channels.adminFeedChannels(eve).feed)).toMatchObject({
      allow: false,
    });
    expect((await changeRole(eve, bob.id)).status).toBe(403);
    const audit = await harness.db.auditLog.findFirstOrThrow({ where: { action: "role-change" } });
    expect(audit.summary).toMatch(/^Removed the admin role from Eve Admin/);
  });
});
