/**
 * Every publish is billed against the hosted quota, so requests anyone can make for free must not
 * cause any. The SDK talks to the embedded server through a recorder (see startApiRecorder), so
 * these tests count the publishes the app really made.
 */
import type PusherClient from "pusher-js";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";

import {
  connectAdminChannel,
  createUser,
  formRequest,
  publishCalls,
  request,
  resetDatabase,
  sessionCookie,
  signedWebhook,
  startHarness,
  waitFor,
  type Harness,
  type TestUser,
} from "@/tests/support/app-harness";

let harness: Harness;
let app: {
  handleUserAuth: typeof import("@/lib/pusher/sign-user-auth").handleUserAuth;
  handleChannelAuth: typeof import("@/lib/pusher/channel-auth").handleChannelAuth;
  handlePusherWebhook: typeof import("@/lib/pusher/webhook").handlePusherWebhook;
  handleKickUser: typeof import("@/lib/admin/kick").handleKickUser;
  reportRefusals: typeof import("@/lib/inspector/refusals").reportRefusals;
  flushActivity: typeof import("@/lib/inspector/publish").flushActivity;
  publishActivity: typeof import("@/lib/inspector/publish").publishActivity;
  recordSignIn: typeof import("@/lib/roster/record-sign-in").recordSignIn;
  flushRosterNotifications: typeof import("@/lib/roster/roster-changes").flushRosterNotifications;
  MIN_PUBLISH_INTERVAL_MS: number;
  ROSTER_NOTIFY_INTERVAL_MS: number;
  AdminEvents: typeof import("@/lib/pusher/channel-names").AdminEvents;
  parseActivityBatch: typeof import("@/lib/inspector/activity").parseActivityBatch;
};
let admin: TestUser;
let victim: TestUser;
const open: PusherClient[] = [];

beforeAll(async () => {
  harness = await startHarness({ webhooks: false, countApiCalls: true });
  app = {
    ...(await import("@/lib/pusher/sign-user-auth")),
    ...(await import("@/lib/pusher/channel-auth")),
    ...(await import("@/lib/pusher/webhook")),
    ...(await import("@/lib/admin/kick")),
    ...(await import("@/lib/inspector/refusals")),
    ...(await import("@/lib/inspector/publish")),
    ...(await import("@/lib/roster/record-sign-in")),
    ...(await import("@/lib/roster/roster-changes")),
    ...(await import("@/lib/pusher/channel-names")),
    ...(await import("@/lib/inspector/activity")),
  };
});

afterAll(async () => {
  await harness?.close();
});

beforeEach(async () => {
  await resetDatabase(harness);
  admin = await createUser(harness, { name: "Ada Admin", role: "ADMIN" });
  victim = await createUser(harness, { name: "Victim" });
  app.reportRefusals();
  await app.flushActivity();
  await app.flushRosterNotifications();
});

afterEach(() => {
  for (const client of open.splice(0)) client.disconnect();
});

const CROSS_SITE = { "Sec-Fetch-Site": "cross-site", Origin: "https://evil.example" };

/** What a botnet can send for free: anonymous, cross-site and badly signed requests to every endpoint. */
async function flood(rounds: number): Promise<void> {
  const adminCookie = await sessionCookie(admin);
  for (let i = 0; i < rounds; i += 1) {
    const statuses = await Promise.all([
      app.handleUserAuth(formRequest("/pusher/user-auth", { socket_id: `1.${i}` })),
      app.handleUserAuth(formRequest("/pusher/user-auth", { socket_id: `1.${i}` }, { cookie: adminCookie, ...CROSS_SITE })),
      app.handleChannelAuth(formRequest("/pusher/auth", { socket_id: `1.${i}`, channel_name: "private-admin" })),
      app.handlePusherWebhook(
        new Request("http://127.0.0.1/api/pusher/webhook", { method: "POST", headers: signedWebhook("{}", "wrong-secret"), body: "{}" }),
      ),
      app.handleKickUser(request(`/api/admin/users/${victim.id}/kick`), victim.id),
      app.handleKickUser(request(`/api/admin/users/${victim.id}/kick`, { cookie: adminCookie, headers: CROSS_SITE }), victim.id),
    ]).then((responses) => responses.map((response) => response.status));
    expect(statuses).toEqual([401, 403, 401, 401, 401, 403]);
  }
}

async function openInspector(): Promise<{ lines: unknown[]; batches: number }> {
  const { pusher, channel } = await connectAdminChannel(harness, admin, "inspector");
  open.push(pusher);
  const seen = { lines: [] as unknown[], batches: 0 };
  channel.bind(app.AdminEvents.activity, (data: unknown) => {
    seen.batches += 1;
    seen.lines.push(...(app.parseActivityBatch(data)?.lines ?? []));
  });
  return seen;
}

describe("refused requests", () => {
  it("cost no publish at all while no inspector is open", async () => {
    const before = publishCalls(harness).length;
    await flood(50);
    app.reportRefusals();
    await app.flushActivity();
    expect(publishCalls(harness).length - before).toBe(0);
  });

  it("cost one publish per report interval while an inspector is open, whatever their number", async () => {
    const inspector = await openInspector();
    const before = publishCalls(harness).length;
    await flood(50);
    await app.flushActivity();
    expect(publishCalls(harness).length - before).toBe(0);

    const counts = app.reportRefusals();
    expect(counts.reduce((sum, row) => sum + row.count, 0)).toBe(300);
    await app.flushActivity();
    expect(publishCalls(harness).length - before).toBe(1);
    await waitFor(() => inspector.lines.length === 1, { message: "the aggregated line" });
    expect(inspector.lines[0]).toMatchObject({ kind: "refused", detail: { total: 300 } });
  });
});

describe("inspector lines", () => {
  it("are published at a bounded rate, batched, in order and none lost", async () => {
    const inspector = await openInspector();
    const before = publishCalls(harness).length;
    const started = Date.now();
    for (let i = 0; i < 300; i += 1) void app.publishActivity({ kind: "admin-action", userId: null, summary: `line ${i}` });
    await app.flushActivity();
    const elapsed = Date.now() - started;
    const publishes = publishCalls(harness).length - before;
    expect(publishes).toBeLessThanOrEqual(Math.ceil(elapsed / app.MIN_PUBLISH_INTERVAL_MS) + 1);
    expect(publishes).toBeLessThan(300 / 5);
    await waitFor(() => inspector.lines.length === 300, { message: "all 300 lines" });
    expect(inspector.lines.map((line) => (line as { summary: string }).summary)).toEqual(
      Array.from({ length: 300 }, (_, i) => `line ${i}`),
    );
  });
});

describe("roster notifications", () => {
  it("are coalesced: a sign-in storm makes a few publishes per second, and the last change still reaches the console", async () => {
    const { pusher, channel } = await connectAdminChannel(harness, admin);
    open.push(pusher);
    const events: unknown[] = [];
    channel.bind(app.AdminEvents.rosterChanged, (data: unknown) => events.push(data));
    const users = await Promise.all(Array.from({ length: 20 }, (_, i) => createUser(harness, { name: `Storm ${i}` })));

    const before = publishCalls(harness).length;
    const started = Date.now();
    await Promise.all(Array.from({ length: 200 }, (_, i) => app.recordSignIn({ userId: users[i % users.length]!.id, socketId: `7.${i}` })));
    await app.flushRosterNotifications();
    const elapsed = Date.now() - started;
    const publishes = publishCalls(harness).length - before;
    expect(publishes).toBeGreaterThanOrEqual(1);
    expect(publishes).toBeLessThanOrEqual(Math.ceil(elapsed / app.ROSTER_NOTIFY_INTERVAL_MS) + 1);
    expect(publishes).toBeLessThan(20);
    await waitFor(() => events.length === publishes, { message: "every coalesced roster-changed event" });
    // Several users changed, so the hint names nobody: consoles refetch the whole roster.
    expect(events.at(-1)).toMatchObject({ reason: "sign-in", userId: null });
  });
});
