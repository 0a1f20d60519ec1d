import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";

import {
  connectAppClient,
  createCast,
  listenAsAdmin,
  postReceipt,
  request,
  resetDatabase,
  sleep,
  startHarness,
  waitFor,
  type AppClient,
  type Harness,
  type SignedInClient,
  type TestUser,
} from "@/tests/support/app-harness";

let harness: Harness;
let handleSendMessage: typeof import("@/lib/admin/send-message").handleSendMessage;
let flushActivity: typeof import("@/lib/inspector/publish").flushActivity;
const appClients: AppClient[] = [];
const rawClients: SignedInClient[] = [];

type User = TestUser;
let admin: User;
let alice: User;
let adminCookie: string;
let aliceCookie: string;
let bobCookie: string;

beforeAll(async () => {
  harness = await startHarness();
  ({ handleSendMessage } = await import("@/lib/admin/send-message"));
  ({ flushActivity } = await import("@/lib/inspector/publish"));
});

afterAll(async () => {
  for (const { client } of appClients) client.stop();
  for (const client of rawClients) client.disconnect();
  await harness?.close();
});

beforeEach(async () => {
  for (const { client } of appClients.splice(0)) client.stop();
  for (const client of rawClients.splice(0)) client.disconnect();
  await resetDatabase(harness);
  ({ admin, alice, adminCookie, aliceCookie, bobCookie } = await createCast(harness));
});

async function send(userId: string, message: string): Promise<{ messageId: string; deliveredLive: boolean; notice?: string }> {
  const response = await handleSendMessage(
    request(`/api/admin/users/${userId}/messages`, { cookie: adminCookie, json: { message } }),
    userId,
  );
  expect(response.status).toBe(200);
  return (await response.json()) as { messageId: string; deliveredLive: boolean; notice?: string };
}

async function adminListener() {
  const listener = await listenAsAdmin(harness, admin);
  rawClients.push(listener.client);
  return listener;
}

async function appClient(cookie: string) {
  const client = await connectAppClient(harness, cookie);
  appClients.push(client);
  return client;
}

describe("delivery receipts", () => {
  it("the recipient's realtime client acknowledges delivery on arrival; admins see sent then delivered", async () => {
    const console_ = await adminListener();
    const tab = await appClient(aliceCookie);
    // "Delivered live" needs a connection Pusher confirmed: wait for the tab's channel_occupied.
    await waitFor(() => harness.db.realtimeConnection.findFirst({ where: { userId: alice.id, confirmedAt: { not: null } } }), {
      message: "tab confirmed",
    });

    const { messageId, deliveredLive } = await send(alice.id, "Hello Alice");
    expect(deliveredLive).toBe(true);

    await waitFor(() => tab.messages.length === 1, { message: "the message in the tab" });
    expect(tab.messages[0]).toMatchObject({ id: messageId, body: "Hello Alice", from: "Ada Admin" });

    // The client POSTed /api/messages/{id}/delivered by itself.
    await waitFor(() => tab.receipts.length === 1, { message: "the delivery receipt request" });
    const row = await waitFor(() => harness.db.message.findFirst({ where: { id: messageId, deliveredAt: { not: null } } }), {
      message: "deliveredAt",
    });
    expect(row).toMatchObject({ recipientId: alice.id, sentLive: true, readAt: null });
    expect(tab.receipts).toEqual([{ path: `/api/messages/${messageId}/delivered`, status: 200 }]);

    await waitFor(() => console_.statuses.some((event) => event.status === "delivered"), { message: "message-status delivered" });
    expect(console_.statuses).toContainEqual({ messageId, recipientId: alice.id, status: "sent", at: expect.any(String) });
    expect(console_.statuses).toContainEqual({ messageId, recipientId: alice.id, status: "delivered", at: row.deliveredAt!.toISOString() });

    await flushActivity();
    await waitFor(() => console_.activities.some((line) => line.kind === "message-delivered"), { message: "inspector activity" });
    expect(console_.activities).toContainEqual(expect.objectContaining({ kind: "message-sent", userId: alice.id }));
    expect(console_.activities).toContainEqual(
      expect.objectContaining({ kind: "message-delivered", userId: alice.id, detail: expect.objectContaining({ messageId }) }),
    );
  });

  it("is idempotent: every tab acknowledges, the first timestamp wins and admins hear of it once", async () => {
    const console_ = await adminListener();
    const tabs = [await appClient(aliceCookie), await appClient(aliceCookie), await appClient(aliceCookie)];

    const { messageId } = await send(alice.id, "To all tabs");
    await waitFor(() => tabs.every((tab) => tab.receipts.length === 1), { message: "three receipts" });
    expect(tabs.map((tab) => tab.receipts[0]!.status)).toEqual([200, 200, 200]);
    const first = (await harness.db.message.findUniqueOrThrow({ where: { id: messageId } })).deliveredAt!;

    const again = await postReceipt("delivered", messageId, aliceCookie);
    expect(again.status).toBe(200);
    expect(await again.json()).toMatchObject({
      ok: true,
      messageId,
      status: "delivered",
      deliveredAt: first.toISOString(),
      changed: false,
    });
    expect((await harness.db.message.findUniqueOrThrow({ where: { id: messageId } })).deliveredAt).toEqual(first);

    await sleep(300);
    expect(console_.statuses.filter((event) => event.status === "delivered")).toHaveLength(1);
  });
});

describe("read receipts", () => {
  it("marks the message read, notifies admins, and keeps the first read time", async () => {
    const console_ = await adminListener();
    const { messageId, deliveredLive } = await send(alice.id, "Read me later");
    expect(deliveredLive).toBe(false);

    const response = await postReceipt("read", messageId, aliceCookie);
    expect(response.status).toBe(200);
    const body = (await response.json()) as { status: string; readAt: string; deliveredAt: string; changed: boolean };
    expect(body).toMatchObject({ ok: true, messageId, status: "read", changed: true });
    // Read implies delivered: a message opened before any delivery receipt gets both.
    const row = await harness.db.message.findUniqueOrThrow({ where: { id: messageId } });
    expect(row.readAt?.toISOString()).toBe(body.readAt);
    expect(row.deliveredAt?.toISOString()).toBe(body.readAt);

    await waitFor(() => console_.statuses.some((event) => event.status === "read"), { message: "message-status read" });
    expect(console_.statuses).toContainEqual({ messageId, recipientId: alice.id, status: "read", at: body.readAt });

    await sleep(5);
    const again = await postReceipt("read", messageId, aliceCookie);
    expect(await again.json()).toMatchObject({ readAt: body.readAt, changed: false });
    // A late delivery receipt changes nothing either.
    expect(await (await postReceipt("delivered", messageId, aliceCookie)).json()).toMatchObject({
      deliveredAt: body.readAt,
      changed: false,
    });
    await sleep(300);
    expect(console_.statuses.filter((event) => event.status === "read")).toHaveLength(1);
    expect(console_.statuses.filter((event) => event.status === "delivered")).toHaveLength(0);

    await flushActivity();
    await waitFor(() => console_.activities.some((line) => line.kind === "message-read"), { message: "message-read activity" });
  });
});

describe("who may acknowledge", () => {
  it("answers 404 for another user's message and for an unknown id, 401 without a session, and changes nothing", async () => {
    const { messageId } = await send(alice.id, "Only for Alice");
    for (const kind of ["delivered", "read"] as const) {
      const others = await postReceipt(kind, messageId, bobCookie);
      expect(others.status).toBe(404);
      expect((await others.json()).error).toMatch(/No such message/);
      // Admins have no special right to acknowledge someone else's message.
      expect((await postReceipt(kind, messageId, adminCookie)).status).toBe(404);
      expect((await postReceipt(kind, "no-such-message", aliceCookie)).status).toBe(404);
      expect((await postReceipt(kind, messageId)).status).toBe(401);
    }
    expect(await harness.db.message.findUniqueOrThrow({ where: { id: messageId } })).toMatchObject({ deliveredAt: null, readAt: null });
  });

  it("answers 401 for a revoked session", async () => {
    const { messageId } = await send(alice.id, "hi");
    await harness.db.user.update({ where: { id: alice.id }, data: { sessionVersion: { increment: 1 } } });
    const response = await postReceipt("read", messageId, aliceCookie);
    expect(response.status).toBe(401);
  });
});

describe("the reader's other tabs", () => {
  it("hear that a message was read (with the stored time) so their unread counts agree; other users hear nothing", async () => {
    const tabs = [await appClient(aliceCookie), await appClient(aliceCookie)];
    const bobTab = await appClient(bobCookie);
    const { messageId } = await send(alice.id, "Open me in one tab");
    await waitFor(() => tabs.every((tab) => tab.messages.length === 1), { message: "the message in both tabs" });

    const response = await postReceipt("read", messageId, aliceCookie);
    const { readAt } = (await response.json()) as { readAt: string };
    await waitFor(() => tabs.every((tab) => tab.reads.length === 1), { message: "message-read in both tabs" });
    for (const tab of tabs) expect(tab.reads).toEqual([{ messageId, readAt }]);

    // Reading it again changes nothing, so nothing is announced again.
    await postReceipt("read", messageId, aliceCookie);
    await sleep(300);
    for (const tab of tabs) expect(tab.reads).toHaveLength(1);
    expect(bobTab.reads).toEqual([]);
  });

  it("a tab learns when its socket signed in again after a drop, so it can refetch what it missed", async () => {
    const tab = await appClient(aliceCookie);
    expect(tab.signins).toEqual([{ socketId: expect.any(String), reconnected: false }]);
    const firstSocket = tab.signins[0]!.socketId;

    tab.client.pusher.disconnect();
    tab.client.pusher.connect();
    await waitFor(() => tab.signins.length === 2, { message: "the second sign-in" });
    expect(tab.signins[1]).toEqual({ socketId: expect.any(String), reconnected: true });
    expect(tab.signins[1]!.socketId).not.toBe(firstSocket);
  });
});
