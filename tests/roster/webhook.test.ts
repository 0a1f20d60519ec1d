import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";

import {
  APP,
  connectAdminChannel,
  createUser,
  signedWebhook,
  startHarness,
  waitFor,
  webhookBody,
  type Harness,
} from "@/tests/support/app-harness";

let harness: Harness;
let handlePusherWebhook: typeof import("@/lib/pusher/webhook").handlePusherWebhook;
let recordSignIn: typeof import("@/lib/roster/record-sign-in").recordSignIn;
/** What the webhook dispatches to; tested directly for what each write changes and reports. */
let connectionEvents: typeof import("@/lib/roster/connection-events");
let adminEvents: { reason: string; userId: string | null }[] = [];
let adminClient: import("pusher-js").default;
let adminId: string;

const occupied = (socketId: string) => ({ name: "channel_occupied", channel: `private-connection-${socketId}` });
const vacated = (socketId: string) => ({ name: "channel_vacated", channel: `private-connection-${socketId}` });

function post(body: string, headers: Record<string, string>) {
  return handlePusherWebhook(new Request("http://127.0.0.1/api/pusher/webhook", { method: "POST", headers, body }));
}
const postSigned = (body: string) => post(body, signedWebhook(body));

beforeAll(async () => {
  harness = await startHarness();
  ({ handlePusherWebhook } = await import("@/lib/pusher/webhook"));
  ({ recordSignIn } = await import("@/lib/roster/record-sign-in"));
  connectionEvents = await import("@/lib/roster/connection-events");

  // An admin console's view: a pusher-js client on the admin channel.
  const { AdminEvents } = await import("@/lib/pusher/channel-names");
  const adminUser = await createUser(harness, { name: "Ada Admin", role: "ADMIN" });
  adminId = adminUser.id;
  const admin = await connectAdminChannel(harness, adminUser);
  adminClient = admin.pusher;
  admin.channel.bind(AdminEvents.rosterChanged, (data: { reason: string; userId: string | null }) => adminEvents.push(data));
});

afterAll(async () => {
  adminClient?.disconnect();
  await harness?.close();
});

beforeEach(async () => {
  await harness.db.realtimeConnection.deleteMany();
  // The admin stays: publishers only send to current admins' feed channels.
  await harness.db.user.deleteMany({ where: { id: { not: adminId } } });
  adminEvents = [];
});

describe("signature and format checks", () => {
  it("accepts a correctly signed body and confirms the connection", async () => {
    const alice = await createUser(harness, { name: "Alice" });
    await recordSignIn({ userId: alice.id, socketId: "1.1" });
    const before = await harness.db.realtimeConnection.findUniqueOrThrow({ where: { socketId: "1.1" } });
    expect(before.confirmedAt).toBeNull();

    const response = await postSigned(webhookBody([occupied("1.1")]));
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ ok: true });
    const after = await harness.db.realtimeConnection.findUniqueOrThrow({ where: { socketId: "1.1" } });
    expect(after.confirmedAt).not.toBeNull();
    expect(after.lastActivityAt.getTime()).toBeGreaterThanOrEqual(before.lastActivityAt.getTime());

    // Admins heard about the confirmation (a sign-in moments before may share its event: they are coalesced).
    await waitFor(() => adminEvents.some((event) => event.reason === "connection-confirmed"), { message: "roster-changed" });
    expect(adminEvents).toContainEqual(expect.objectContaining({ reason: "connection-confirmed", userId: alice.id }));
  });

  it("rejects a bad signature with 401 and changes nothing", async () => {
    const alice = await createUser(harness, { name: "Alice" });
    await recordSignIn({ userId: alice.id, socketId: "1.2" });
    const body = webhookBody([vacated("1.2")]);
    const response = await post(body, signedWebhook(body, "not-the-secret"));
    expect(response.status).toBe(401);
    expect((await response.json()).error).toMatch(/X-Pusher-Signature does not match/);
    expect(await harness.db.realtimeConnection.count()).toBe(1);
  });

  it("rejects a body signed for a different key", async () => {
    const body = webhookBody([vacated("1.2")]);
    const response = await post(body, signedWebhook(body, APP.secret, "other-key"));
    expect(response.status).toBe(401);
    expect((await response.json()).error).toMatch(/X-Pusher-Key/);
  });

  it("rejects a wrong content type with 401", async () => {
    const body = webhookBody([vacated("1.2")]);
    const response = await post(body, { ...signedWebhook(body), "Content-Type": "text/plain" });
    expect(response.status).toBe(401);
    expect((await response.json()).error).toMatch(/Content-Type must be exactly "application\/json"/);
  });

  it("rejects missing signature headers with 401", async () => {
    const body = webhookBody([]);
    const response = await post(body, { "Content-Type": "application/json", "X-Pusher-Key": APP.key });
    expect(response.status).toBe(401);
    expect((await response.json()).error).toMatch(/Missing X-Pusher-Signature/);
  });

  it("answers 400 for a correctly signed body that is not JSON or has no events", async () => {
    let response = await postSigned("{not json");
    expect(response.status).toBe(400);
    expect((await response.json()).error).toMatch(/not valid JSON/);

    response = await postSigned(JSON.stringify({ time_ms: 1 }));
    expect(response.status).toBe(400);
    expect((await response.json()).error).toMatch(/events/);
  });
});

describe("event handling", () => {
  it("is idempotent for duplicated events", async () => {
    const alice = await createUser(harness, { name: "Alice" });
    await recordSignIn({ userId: alice.id, socketId: "2.1" });
    const body = webhookBody([occupied("2.1")]);
    expect((await postSigned(body)).status).toBe(200);
    const first = (await harness.db.realtimeConnection.findUniqueOrThrow({ where: { socketId: "2.1" } })).confirmedAt;
    // Retried delivery of the same body, and the same event twice in one batch.
    expect((await postSigned(body)).status).toBe(200);
    expect((await postSigned(webhookBody([occupied("2.1"), occupied("2.1")]))).status).toBe(200);
    const row = await harness.db.realtimeConnection.findUniqueOrThrow({ where: { socketId: "2.1" } });
    expect(row.confirmedAt).toEqual(first);

    const gone = webhookBody([vacated("2.1")]);
    expect((await postSigned(gone)).status).toBe(200);
    expect((await postSigned(gone)).status).toBe(200);
    expect(await harness.db.realtimeConnection.count()).toBe(0);
  });

  it("never resurrects a connection when vacated arrives before occupied", async () => {
    const alice = await createUser(harness, { name: "Alice" });
    await recordSignIn({ userId: alice.id, socketId: "3.1" });
    expect((await postSigned(webhookBody([vacated("3.1")]))).status).toBe(200);
    expect((await postSigned(webhookBody([occupied("3.1")]))).status).toBe(200);
    expect(await harness.db.realtimeConnection.count()).toBe(0);

    // Both in one batch, in the real order: ends deleted.
    await recordSignIn({ userId: alice.id, socketId: "3.2" });
    expect((await postSigned(webhookBody([occupied("3.2"), vacated("3.2")]))).status).toBe(200);
    expect(await harness.db.realtimeConnection.count()).toBe(0);
  });

  it("ignores other channels and unknown events", async () => {
    const alice = await createUser(harness, { name: "Alice" });
    await recordSignIn({ userId: alice.id, socketId: "4.1" });
    // The sign-in's own (coalesced) notification must arrive before the slate is wiped.
    await waitFor(() => adminEvents.some((event) => event.reason === "sign-in"), { message: "sign-in roster-changed" });
    adminEvents = [];
    const body = webhookBody([
      { name: "channel_vacated", channel: "private-admin" },
      { name: "channel_vacated", channel: `#server-to-user-${alice.id}` },
      { name: "channel_vacated", channel: "private-connection-not-a-socket" },
      { name: "member_added", channel: "presence-x" },
      { name: "client_event", channel: "private-connection-4.1" },
    ]);
    expect((await postSigned(body)).status).toBe(200);
    expect(await harness.db.realtimeConnection.count()).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(adminEvents).toEqual([]);
  });

  it("gets real webhooks from the embedded server for a pusher-js client", async () => {
    const { connectSignedInClient } = await import("@/tests/support/app-harness");
    const alice = await createUser(harness, { name: "Alice" });
    const client = await connectSignedInClient(harness, alice.id);
    await waitFor(async () => (await harness.db.realtimeConnection.findUnique({ where: { socketId: client.socketId } }))?.confirmedAt, {
      message: "channel_occupied from the server",
    });
    client.disconnect();
    await waitFor(async () => (await harness.db.realtimeConnection.count()) === 0, { message: "channel_vacated from the server" });
    expect(harness.webhookLog.every((entry) => entry.status === 200)).toBe(true);
  });
});

const row = (socketId: string) => harness.db.realtimeConnection.findUnique({ where: { socketId } });

describe("the roster writes (lib/roster/connection-events.ts): confirmConnection for channel_occupied", () => {
  it("confirms an unconfirmed row once and reports it; a duplicate only refreshes its activity", async () => {
    const alice = await createUser(harness, { name: "Alice" });
    await recordSignIn({ userId: alice.id, socketId: "10.1" });

    const first = new Date(Date.now() + 1_000);
    expect(await connectionEvents.confirmConnection("10.1", first)).toEqual({
      userId: alice.id,
      userName: "Alice",
      socketId: "10.1",
      reason: "connection-confirmed",
    });
    expect(await row("10.1")).toMatchObject({ confirmedAt: first, lastActivityAt: first });

    const later = new Date(first.getTime() + 5_000);
    expect(await connectionEvents.confirmConnection("10.1", later)).toBeNull();
    expect(await row("10.1")).toMatchObject({ confirmedAt: first, lastActivityAt: later });
  });

  it("reports a confirmation once when two deliveries of it run at the same time", async () => {
    const alice = await createUser(harness, { name: "Alice" });
    await recordSignIn({ userId: alice.id, socketId: "10.6" });
    const now = new Date();
    const results = await Promise.all([connectionEvents.confirmConnection("10.6", now), connectionEvents.confirmConnection("10.6", now)]);
    expect(results.filter(Boolean)).toHaveLength(1);
    expect(await row("10.6")).toMatchObject({ confirmedAt: now });
  });

  it("never creates or resurrects a row", async () => {
    expect(await connectionEvents.confirmConnection("10.2", new Date())).toBeNull();
    expect(await harness.db.realtimeConnection.count()).toBe(0);

    const alice = await createUser(harness, { name: "Alice" });
    await recordSignIn({ userId: alice.id, socketId: "10.3" });
    expect(await connectionEvents.closeConnection("10.3")).not.toBeNull();
    expect(await connectionEvents.confirmConnection("10.3", new Date())).toBeNull();
    expect(await row("10.3")).toBeNull();
  });

  it("leaves other sockets' rows alone", async () => {
    const alice = await createUser(harness, { name: "Alice" });
    await recordSignIn({ userId: alice.id, socketId: "10.4" });
    await recordSignIn({ userId: alice.id, socketId: "10.5" });
    expect(await connectionEvents.confirmConnection("10.4", new Date())).not.toBeNull();
    expect(await row("10.5")).toMatchObject({ confirmedAt: null });
  });
});

describe("the roster writes: closeConnection for channel_vacated", () => {
  it("deletes the row and reports it once", async () => {
    const bob = await createUser(harness, { name: "Bob" });
    await recordSignIn({ userId: bob.id, socketId: "11.1" });
    expect(await connectionEvents.closeConnection("11.1")).toEqual({
      userId: bob.id,
      userName: "Bob",
      socketId: "11.1",
      reason: "connection-closed",
    });
    expect(await row("11.1")).toBeNull();
    expect(await connectionEvents.closeConnection("11.1")).toBeNull();
  });
});
