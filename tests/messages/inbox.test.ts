import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";

import { createUser, postReceipt, request, sessionCookie, startHarness, type Harness } from "@/tests/support/app-harness";

let harness: Harness;
let handleSendMessage: typeof import("@/lib/admin/send-message").handleSendMessage;
let getInbox: typeof import("@/lib/messages/queries").getInbox;
let getRecentMessages: typeof import("@/lib/messages/queries").getRecentMessages;

type User = Awaited<ReturnType<typeof createUser>>;
let admin: User;
let bob: User;
let adminCookie: string;

beforeAll(async () => {
  harness = await startHarness();
  ({ handleSendMessage } = await import("@/lib/admin/send-message"));
  ({ getInbox, getRecentMessages } = await import("@/lib/messages/queries"));
});

afterAll(async () => {
  await harness?.close();
});

beforeEach(async () => {
  await harness.db.message.deleteMany();
  await harness.db.user.deleteMany();
  admin = await createUser(harness, { name: "Ada Admin", role: "ADMIN" });
  bob = await createUser(harness, { name: "Bob" });
  adminCookie = await sessionCookie(admin);
});

async function send(userId: string, message: string) {
  const response = await handleSendMessage(
    request(`/api/admin/users/${userId}/messages`, { cookie: adminCookie, json: { message } }),
    userId,
  );
  expect(response.status).toBe(200);
  return (await response.json()) as { messageId: string; deliveredLive: boolean; notice?: string };
}

describe("inbox", () => {
  it("holds messages sent while the user was offline, newest first, with the unread count", async () => {
    const first = await send(bob.id, "Sent while you were away");
    expect(first).toMatchObject({ deliveredLive: false, notice: "Bob is offline; message stored" });
    const second = await send(bob.id, "And another one");

    const inbox = await getInbox(bob.id);
    expect(inbox.unreadCount).toBe(2);
    expect(inbox.messages).toEqual([
      { id: second.messageId, body: "And another one", from: "Ada Admin", sentAt: expect.any(String), deliveredAt: null, readAt: null },
      {
        id: first.messageId,
        body: "Sent while you were away",
        from: "Ada Admin",
        sentAt: expect.any(String),
        deliveredAt: null,
        readAt: null,
      },
    ]);

    // Opening one in the inbox marks it read.
    expect((await postReceipt("read", first.messageId, await sessionCookie(bob))).status).toBe(200);
    const after = await getInbox(bob.id);
    expect(after.unreadCount).toBe(1);
    expect(after.messages.find((message) => message.id === first.messageId)?.readAt).toEqual(expect.any(String));

    // Nobody else's inbox shows them.
    expect(await getInbox(admin.id)).toEqual({ messages: [], unreadCount: 0 });
  });

  it("counts unread messages beyond the listed ones", async () => {
    for (let i = 0; i < 4; i += 1) await send(bob.id, `Message ${i}`);
    const inbox = await getInbox(bob.id, 2);
    expect(inbox.messages.map((message) => message.body)).toEqual(["Message 3", "Message 2"]);
    expect(inbox.unreadCount).toBe(4);
  });

  it("gives the admin table recipient, excerpt, sent time, live flag and receipts", async () => {
    const { messageId } = await send(bob.id, `Long ${"word ".repeat(60)}`);
    await postReceipt("delivered", messageId, await sessionCookie(bob));
    const [row] = await getRecentMessages();
    expect(row).toMatchObject({
      id: messageId,
      recipient: { id: bob.id, name: "Bob", email: bob.email },
      from: "Ada Admin",
      sentLive: false,
      broadcastId: null,
      deliveredAt: expect.any(String),
      readAt: null,
    });
    expect(row!.bodyExcerpt.length).toBeLessThanOrEqual(120);
    expect(row!.bodyExcerpt.endsWith("…")).toBe(true);
  });
});

describe("status helpers", () => {
  it("derive the status from timestamps and fold events first-timestamp-wins", async () => {
    const { applyMessageStatus, messageStatusOf, parseMessageStatus } = await import("@/lib/messages/message-types");
    const base = { deliveredAt: null, readAt: null };
    expect(messageStatusOf(base)).toBe("sent");
    const delivered = applyMessageStatus(base, { status: "delivered", at: "2026-01-01T00:00:01.000Z" });
    expect(messageStatusOf(delivered)).toBe("delivered");
    expect(applyMessageStatus(delivered, { status: "delivered", at: "2026-01-01T00:00:09.000Z" })).toBe(delivered);
    const read = applyMessageStatus(base, { status: "read", at: "2026-01-01T00:00:05.000Z" });
    expect(read).toEqual({ deliveredAt: "2026-01-01T00:00:05.000Z", readAt: "2026-01-01T00:00:05.000Z" });
    expect(applyMessageStatus(delivered, { status: "read", at: "2026-01-01T00:00:05.000Z" })).toEqual({
      deliveredAt: "2026-01-01T00:00:01.000Z",
      readAt: "2026-01-01T00:00:05.000Z",
    });
    expect(parseMessageStatus({ messageId: "m", recipientId: "u", status: "read", at: "x" })).toEqual({
      messageId: "m",
      recipientId: "u",
      status: "read",
      at: "x",
    });
    expect(parseMessageStatus({ messageId: "m", recipientId: "u", status: "lost", at: "x" })).toBeNull();
    expect(parseMessageStatus(null)).toBeNull();
  });
});
