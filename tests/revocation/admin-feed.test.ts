/**
 * The attack: an admin's browser (or anyone holding the admin's session for a moment) opens a raw
 * socket, gets it authorized for the admin feed through the real /pusher/auth, and never calls
 * pusher:signin. terminate_connections only closes signed-in sockets, so such a socket survives
 * every revocation. It must still hear nothing meant for admins once the admin is signed out
 * everywhere, banned, or loses the ADMIN role, while the other admins' consoles keep working.
 */
import type PusherClient from "pusher-js";
import type { Channel } from "pusher-js";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";

import {
  APP,
  connectAdminChannel,
  createUser,
  request,
  resetDatabase,
  sessionCookie,
  sleep,
  startHarness,
  viaEndpoints,
  waitFor,
  type Harness,
  type TestUser,
} from "@/tests/support/app-harness";

let harness: Harness;
let recordSignIn: typeof import("@/lib/roster/record-sign-in").recordSignIn;
let flushRosterNotifications: typeof import("@/lib/roster/roster-changes").flushRosterNotifications;
let channels: typeof import("@/lib/pusher/channel-names");
let ADMINS_TTL_MS: number;

let ada: TestUser;
let eve: TestUser;
let bystander: TestUser;
const open: PusherClient[] = [];

beforeAll(async () => {
  harness = await startHarness({ webhooks: false });
  ({ recordSignIn } = await import("@/lib/roster/record-sign-in"));
  ({ flushRosterNotifications } = await import("@/lib/roster/roster-changes"));
  ({ ADMINS_TTL_MS } = await import("@/lib/pusher/admin-feed"));
  channels = await import("@/lib/pusher/channel-names");
});

afterAll(async () => {
  await harness?.close();
});

beforeEach(async () => {
  await resetDatabase(harness);
  ada = await createUser(harness, { name: "Ada Admin", role: "ADMIN" });
  eve = await createUser(harness, { name: "Eve Admin", role: "ADMIN" });
  bystander = await createUser(harness, { name: "Bob" });
});

afterEach(() => {
  for (const client of open.splice(0)) client.disconnect();
});

interface Listener {
  channel: Channel;
  events: unknown[];
}

/** A socket that only subscribes: authorized through the app's real /pusher/auth with the admin's cookie. */
async function rawFeedSocket(admin: TestUser): Promise<Listener> {
  const { default: Pusher } = await import("pusher-js");
  const pusher = new Pusher(APP.key, {
    cluster: "",
    wsHost: "127.0.0.1",
    wsPort: harness.realtimePort,
    forceTLS: false,
    enabledTransports: ["ws"],
    ...viaEndpoints(await sessionCookie(admin)),
  });
  open.push(pusher);
  const channel = pusher.subscribe(channels.adminFeedChannels(admin).feed);
  await waitFor(() => channel.subscribed, { message: "raw socket on the admin feed" });
  const events: unknown[] = [];
  channel.bind(channels.AdminEvents.rosterChanged, (data: unknown) => events.push(data));
  return { channel, events };
}

async function adminConsole(admin: TestUser): Promise<Listener> {
  const { pusher, channel } = await connectAdminChannel(harness, admin);
  open.push(pusher);
  const events: unknown[] = [];
  channel.bind(channels.AdminEvents.rosterChanged, (data: unknown) => events.push(data));
  return { channel, events };
}

/** A roster change that every current admin hears; resolves once Ada's console heard it. */
async function rosterChange(adaConsole: Listener, socketId: string): Promise<void> {
  const before = adaConsole.events.length;
  await recordSignIn({ userId: bystander.id, socketId });
  await flushRosterNotifications();
  await waitFor(() => adaConsole.events.length > before, { message: "Ada's console hears the change" });
}

async function postAdmin(path: string, json?: unknown) {
  const cookie = await sessionCookie(ada);
  if (path.endsWith("/ban")) return (await import("@/lib/admin/ban-user")).handleBanUser(request(path, { cookie, json }), eve.id);
  return (await import("@/lib/admin/sign-out-everywhere")).handleSignOutEverywhere(request(path, { cookie }), eve.id);
}

describe("a feed socket that never signed in", () => {
  it("hears admin events while its admin is valid (the control)", async () => {
    const raw = await rawFeedSocket(eve);
    const adaConsole = await adminConsole(ada);
    await rosterChange(adaConsole, "1.1");
    await waitFor(() => raw.events.length > 0, { message: "the raw socket hears the feed" });
  });

  it("hears nothing after its admin is signed out everywhere", async () => {
    const raw = await rawFeedSocket(eve);
    const adaConsole = await adminConsole(ada);
    expect((await postAdmin(`/api/admin/users/${eve.id}/sign-out-everywhere`)).status).toBe(200);
    await flushRosterNotifications();
    raw.events.length = 0;

    await rosterChange(adaConsole, "2.1");
    await rosterChange(adaConsole, "2.2");
    expect(raw.events).toEqual([]);
    // And it can't be authorized again with the old session.
    const { handleChannelAuth } = await import("@/lib/pusher/channel-auth");
    const again = await handleChannelAuth(
      request("/pusher/auth", {
        cookie: await sessionCookie(eve),
        body: new URLSearchParams({ socket_id: "9.9", channel_name: channels.adminFeedChannels(eve).feed }).toString(),
        contentType: "application/x-www-form-urlencoded",
      }),
    );
    expect(again.status).toBe(401);
  });

  it("hears nothing after its admin is banned", async () => {
    const raw = await rawFeedSocket(eve);
    const adaConsole = await adminConsole(ada);
    expect((await postAdmin(`/api/admin/users/${eve.id}/ban`, { reason: "Compromised", expiresAt: null })).status).toBe(200);
    await flushRosterNotifications();
    raw.events.length = 0;

    await rosterChange(adaConsole, "3.1");
    await rosterChange(adaConsole, "3.2");
    expect(raw.events).toEqual([]);
  });

  it("hears nothing once its admin lost the ADMIN role, even when another app instance made the change", async () => {
    const raw = await rawFeedSocket(eve);
    const adaConsole = await adminConsole(ada);
    await rosterChange(adaConsole, "4.1");
    await waitFor(() => raw.events.length > 0, { message: "the raw socket hears the feed before" });

    // Written straight to the database, as another instance would: this process's cache is not told.
    await harness.db.user.update({ where: { id: eve.id }, data: { role: "USER" } });
    await sleep(ADMINS_TTL_MS + 100);
    raw.events.length = 0;
    await rosterChange(adaConsole, "4.2");
    await rosterChange(adaConsole, "4.3");
    expect(raw.events).toEqual([]);
  });

  it("can't be authorized for another admin's feed, nor by a non-admin", async () => {
    const { decideChannelAccess } = await import("@/lib/pusher/channel-auth");
    const asEve = { ...eve, role: "ADMIN" as const };
    expect(await decideChannelAccess(asEve, "1.2", channels.adminFeedChannels(ada).feed)).toMatchObject({ allow: false });
    expect(
      await decideChannelAccess(asEve, "1.2", channels.adminFeedChannels({ id: eve.id, sessionVersion: eve.sessionVersion + 1 }).inspector),
    ).toMatchObject({ allow: false });
    expect(await decideChannelAccess({ ...bystander, role: "USER" }, "1.2", channels.adminFeedChannels(bystander).feed)).toMatchObject({
      allow: false,
    });
    expect(await decideChannelAccess(asEve, "1.2", "private-admin")).toMatchObject({ allow: false });
    expect(await decideChannelAccess(asEve, "1.2", channels.adminFeedChannels(eve).inspector)).toEqual({ allow: true });
  });
});
