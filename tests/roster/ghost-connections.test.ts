/**
 * Issue 8, item 4: a socket id posted to /pusher/user-auth that never connects (a "ghost") must
 * stop counting as live after the grace period however often it is posted again, a user's pending
 * rows are capped, and no message is reported as delivered live because of a ghost row.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";

import {
  clientPool,
  createCast,
  formRequest,
  request,
  resetDatabase,
  startHarness,
  waitFor,
  type Harness,
} from "@/tests/support/app-harness";

let harness: Harness;
let cast: Awaited<ReturnType<typeof createCast>>;
let handleUserAuth: typeof import("@/lib/pusher/sign-user-auth").handleUserAuth;
let handleSendMessage: typeof import("@/lib/admin/send-message").handleSendMessage;
let handleBroadcast: typeof import("@/lib/admin/broadcast").handleBroadcast;
let roster: typeof import("@/lib/roster/roster-page");
let reconcileRoster: typeof import("@/lib/roster/reconcile").reconcileRoster;
let GRACE: number;
const clients = clientPool(() => harness);
/** Everyone on the roster's first page, in the console's default order. */
const rosterList = async (now?: Date) => (await roster.getRosterPage({ page: 1, sort: "name", dir: "asc" }, now)).users;

beforeAll(async () => {
  harness = await startHarness();
  ({ handleUserAuth } = await import("@/lib/pusher/sign-user-auth"));
  ({ handleSendMessage } = await import("@/lib/admin/send-message"));
  ({ handleBroadcast } = await import("@/lib/admin/broadcast"));
  roster = await import("@/lib/roster/roster-page");
  ({ reconcileRoster } = await import("@/lib/roster/reconcile"));
  ({ CONNECTION_GRACE_MS: GRACE } = await import("@/lib/roster/constants"));
});

afterAll(async () => {
  clients.disconnectAll();
  await harness?.close();
});

beforeEach(async () => {
  clients.disconnectAll();
  await resetDatabase(harness);
  cast = await createCast(harness);
});

/** What an attacker (or a buggy client) does: post a socket id that no socket ever uses. */
async function postGhost(socketId: string, cookie = cast.aliceCookie): Promise<void> {
  const response = await handleUserAuth(formRequest("/pusher/user-auth", { socket_id: socketId }, { cookie }));
  expect(response.status, await response.clone().text()).toBe(200);
}

const connectionRow = (socketId: string) => harness.db.realtimeConnection.findUnique({ where: { socketId } });

describe("a never-confirmed socket id", () => {
  it("stops counting after the grace period, and posting it again does not extend that", async () => {
    await postGhost("31.1");
    // As if that first post was a grace period (and a bit) ago.
    const firstSignIn = new Date(Date.now() - GRACE - 1_000);
    await harness.db.realtimeConnection.update({ where: { socketId: "31.1" }, data: { signedInAt: firstSignIn } });

    await postGhost("31.1");

    const row = await connectionRow("31.1");
    expect(row?.signedInAt.getTime()).toBe(firstSignIn.getTime());
    expect(row?.confirmedAt).toBeNull();
    expect(await roster.countLiveConnections(cast.alice.id)).toBe(0);
    expect((await rosterList()).map((entry) => entry.userId)).not.toContain(cast.alice.id);
    // Not occupied according to the HTTP API: reconciliation removes it.
    expect((await reconcileRoster()).removed).toBe(1);
    expect(await connectionRow("31.1")).toBeNull();
  });
});

describe("pending rows per user", () => {
  it("are capped at 50: the oldest pending rows go, confirmed ones are kept and don't count", async () => {
    const { PENDING_CONNECTIONS_PER_USER: CAP } = await import("@/lib/roster/constants");
    expect(CAP).toBe(50);
    const confirmedAt = new Date();
    for (let i = 0; i < 3; i += 1) {
      await harness.db.realtimeConnection.create({ data: { socketId: `41.${i}`, userId: cast.alice.id, confirmedAt } });
    }
    for (let i = 0; i < CAP + 5; i += 1) await postGhost(`40.${i}`);

    const rows = await harness.db.realtimeConnection.findMany({
      where: { userId: cast.alice.id },
      select: { socketId: true, confirmedAt: true },
    });
    const pending = rows.filter((row) => !row.confirmedAt).map((row) => row.socketId);
    expect(pending.sort()).toEqual(Array.from({ length: CAP }, (_, i) => `40.${i + 5}`).sort());
    expect(rows.filter((row) => row.confirmedAt)).toHaveLength(3);
    // Another user's rows are not touched by Alice's flood.
    await postGhost("42.1", cast.bobCookie);
    expect(await connectionRow("42.1")).not.toBeNull();
  });

  it("a user with many real tabs keeps every one of them", async () => {
    const tabs = [];
    for (let i = 0; i < 12; i += 1) {
      const tab = await clients.connect(cast.alice.id);
      await waitFor(async () => (await connectionRow(tab.socketId))?.confirmedAt, { message: `tab ${i} confirmed` });
      tabs.push(tab);
    }
    // A flood of ghosts after them, past the cap, evicts only ghosts.
    const { PENDING_CONNECTIONS_PER_USER: CAP } = await import("@/lib/roster/constants");
    for (let i = 0; i < CAP + 2; i += 1) await postGhost(`43.${i}`);
    for (const tab of tabs) expect(await connectionRow(tab.socketId)).not.toBeNull();
    expect(await roster.countLiveConnections(cast.alice.id)).toBe(12);
  });
});

describe("delivered live", () => {
  const sendToAlice = () =>
    handleSendMessage(
      request(`/api/admin/users/${cast.alice.id}/messages`, { cookie: cast.adminCookie, json: { message: "Hello" } }),
      cast.alice.id,
    );

  it("is never reported because of a ghost row (single message)", async () => {
    await postGhost("50.1");
    const response = await sendToAlice();
    expect(response.status).toBe(200);
    const body = (await response.json()) as { deliveredLive: boolean; messageId: string; notice?: string };
    expect(body.deliveredLive).toBe(false);
    expect(body.notice).toMatch(/offline/);
    expect((await harness.db.message.findUniqueOrThrow({ where: { id: body.messageId } })).sentLive).toBe(false);
  });

  it("is never reported because of a ghost row (broadcast)", async () => {
    await postGhost("50.2");
    const response = await handleBroadcast(request("/api/admin/broadcast", { cookie: cast.adminCookie, json: { message: "Hello all" } }));
    expect(response.status).toBe(200);
    const message = await harness.db.message.findFirstOrThrow({ where: { recipientId: cast.alice.id } });
    expect(message.sentLive).toBe(false);
  });

  it("counts a pending row whose socket the HTTP API reports occupied, and confirms it", async () => {
    const tab = await clients.connect(cast.alice.id);
    await waitFor(async () => (await connectionRow(tab.socketId))?.confirmedAt, { message: "tab confirmed" });
    // Its channel_occupied webhook has not been applied yet (or was lost).
    await harness.db.realtimeConnection.update({ where: { socketId: tab.socketId }, data: { confirmedAt: null } });
    await postGhost("50.3");

    const received: unknown[] = [];
    tab.pusher.user.bind("message", (data: unknown) => received.push(data));
    const response = await sendToAlice();
    expect(((await response.json()) as { deliveredLive: boolean }).deliveredLive).toBe(true);
    expect((await connectionRow(tab.socketId))?.confirmedAt).not.toBeNull();
    expect((await connectionRow("50.3"))?.confirmedAt).toBeNull();
    await waitFor(() => received.length === 1, { message: "the message on the tab" });
  });

  it("is reported for a confirmed connection", async () => {
    const tab = await clients.connect(cast.alice.id);
    await waitFor(async () => (await connectionRow(tab.socketId))?.confirmedAt, { message: "tab confirmed" });
    const response = await sendToAlice();
    expect(((await response.json()) as { deliveredLive: boolean }).deliveredLive).toBe(true);
  });
});
