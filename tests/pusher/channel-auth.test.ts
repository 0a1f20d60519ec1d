import { createHmac } from "node:crypto";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { APP, createUser, formRequest, sessionCookie, startHarness, type Harness } from "@/tests/support/app-harness";

let harness: Harness;
let handleChannelAuth: typeof import("@/lib/pusher/channel-auth").handleChannelAuth;

beforeAll(async () => {
  harness = await startHarness({ webhooks: false });
  ({ handleChannelAuth } = await import("@/lib/pusher/channel-auth"));
});

afterAll(async () => {
  await harness?.close();
});

const channelAuth = (socketId: string, channel: string, cookie?: string) =>
  handleChannelAuth(formRequest("/pusher/auth", { socket_id: socketId, channel_name: channel }, cookie ? { cookie } : {}));

const expectedAuth = (socketId: string, channel: string) =>
  `${APP.key}:${createHmac("sha256", APP.secret).update(`${socketId}:${channel}`).digest("hex")}`;

async function signedInSocket(user: { id: string }, socketId: string) {
  await harness.db.realtimeConnection.create({ data: { socketId, userId: user.id } });
}

describe("POST /pusher/auth", () => {
  it("authorizes a socket's own connection channel once it signed in as the session user", async () => {
    const alice = await createUser(harness, { name: "Alice" });
    await signedInSocket(alice, "10.1");
    const response = await channelAuth("10.1", "private-connection-10.1", await sessionCookie(alice));
    expect(response.status).toBe(200);
    expect(response.headers.get("cache-control")).toBe("no-store");
    expect(await response.json()).toEqual({ auth: expectedAuth("10.1", "private-connection-10.1") });
  });

  it("refuses another socket's connection channel", async () => {
    const alice = await createUser(harness, { name: "Alice" });
    await signedInSocket(alice, "11.1");
    await signedInSocket(alice, "11.2");
    const response = await channelAuth("11.2", "private-connection-11.1", await sessionCookie(alice));
    expect(response.status).toBe(403);
    expect(((await response.json()) as { error: string }).error).toMatch(/own socket/);
  });

  it("refuses a connection channel whose socket is signed in as someone else, or not signed in at all", async () => {
    const alice = await createUser(harness, { name: "Alice" });
    const bob = await createUser(harness, { name: "Bob" });
    await signedInSocket(bob, "12.1");
    const cookie = await sessionCookie(alice);
    expect((await channelAuth("12.1", "private-connection-12.1", cookie)).status).toBe(403);
    expect((await channelAuth("12.2", "private-connection-12.2", cookie)).status).toBe(403);
  });

  it("refuses a malformed connection channel name", async () => {
    const alice = await createUser(harness, { name: "Alice" });
    expect((await channelAuth("13.1", "private-connection-abc", await sessionCookie(alice))).status).toBe(403);
  });

  it("authorizes an admin's own feed channels (current session) for that admin only", async () => {
    const { adminFeedChannels } = await import("@/lib/pusher/channel-names");
    const admin = await createUser(harness, { name: "Admin", role: "ADMIN" });
    const alice = await createUser(harness, { name: "Alice" });
    const { feed, inspector } = adminFeedChannels(admin);

    for (const channel of [feed, inspector]) {
      const allowed = await channelAuth("14.1", channel, await sessionCookie(admin));
      expect(allowed.status).toBe(200);
      expect(await allowed.json()).toEqual({ auth: expectedAuth("14.1", channel) });
    }

    const refused = await channelAuth("14.2", feed, await sessionCookie(alice));
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as { error: string }).error).toMatch(/administrators only/);
    // The old shared channel is signed for nobody: it is not part of the feed any more.
    expect((await channelAuth("14.3", "private-admin", await sessionCookie(admin))).status).toBe(403);
  });

  it("does not trust the role inside the token: a demoted admin is refused", async () => {
    const { adminFeedChannels } = await import("@/lib/pusher/channel-names");
    const admin = await createUser(harness, { name: "Former admin", role: "ADMIN" });
    const cookie = await sessionCookie(admin);
    await harness.db.user.update({ where: { id: admin.id }, data: { role: "USER" } });
    expect((await channelAuth("15.1", adminFeedChannels(admin).feed, cookie)).status).toBe(403);
  });

  it.each(["private-other", "presence-room", "public-channel", "private-encrypted-x", "#server-to-user-x"])(
    "refuses %s",
    async (channel) => {
      const admin = await createUser(harness, { name: "Admin", role: "ADMIN" });
      const response = await channelAuth("16.1", channel, await sessionCookie(admin));
      expect([400, 403]).toContain(response.status);
    },
  );

  it("answers 401 without a session, 403 when banned, 400 for a bad body", async () => {
    expect((await channelAuth("17.1", "private-admin")).status).toBe(401);

    const banned = await createUser(harness, { name: "Banned", role: "ADMIN", bannedAt: new Date() });
    expect((await channelAuth("17.2", "private-admin", await sessionCookie(banned))).status).toBe(403);

    const alice = await createUser(harness, { name: "Alice" });
    const cookie = await sessionCookie(alice);
    expect((await channelAuth("nope", "private-admin", cookie)).status).toBe(400);
    expect((await channelAuth("17.3", "", cookie)).status).toBe(400);
    expect((await channelAuth("17.3", "private-a b", cookie)).status).toBe(400);
  });
});
