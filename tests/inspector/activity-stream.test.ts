/**
 * The live inspector's feed, end to end: a temp SQLite database, the embedded Pusher server whose
 * webhooks go to the real webhook handler, the real /pusher/user-auth handler with real next-auth
 * cookies, and an admin pusher-js client on that admin's inspector channel reading `activity`
 * batches the way the /admin/inspector page does.
 */
import type PusherClient from "pusher-js";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";

import type { Activity } from "@/lib/inspector/activity";
import {
  APP,
  connectAdminChannel,
  connectSignedInClient,
  createUser,
  sessionCookie,
  signedWebhook,
  startHarness,
  waitFor,
  webhookBody,
  type Harness,
} from "@/tests/support/app-harness";

let harness: Harness;
let handleUserAuth: typeof import("@/lib/pusher/sign-user-auth").handleUserAuth;
let handlePusherWebhook: typeof import("@/lib/pusher/webhook").handlePusherWebhook;
let handleKickUser: typeof import("@/lib/admin/kick").handleKickUser;
let publishActivity: typeof import("@/lib/inspector/publish").publishActivity;
let flushActivity: typeof import("@/lib/inspector/publish").flushActivity;
let parseActivityBatch: typeof import("@/lib/inspector/activity").parseActivityBatch;
let reportRefusals: typeof import("@/lib/inspector/refusals").reportRefusals;
let adminClient: PusherClient;
let received: Activity[] = [];

beforeAll(async () => {
  harness = await startHarness();
  ({ handleUserAuth } = await import("@/lib/pusher/sign-user-auth"));
  ({ handlePusherWebhook } = await import("@/lib/pusher/webhook"));
  ({ handleKickUser } = await import("@/lib/admin/kick"));
  ({ publishActivity, flushActivity } = await import("@/lib/inspector/publish"));
  ({ parseActivityBatch } = await import("@/lib/inspector/activity"));
  ({ reportRefusals } = await import("@/lib/inspector/refusals"));

  const { AdminEvents } = await import("@/lib/pusher/channel-names");
  const watcher = await createUser(harness, { name: "Wanda Watcher", role: "ADMIN" });
  const admin = await connectAdminChannel(harness, watcher, "inspector");
  adminClient = admin.pusher;
  admin.channel.bind(AdminEvents.activity, (data: unknown) => {
    // The page drops what it cannot parse; so does the test, so a malformed line fails it.
    received.push(...(parseActivityBatch(data)?.lines ?? []));
  });
});

afterAll(async () => {
  await flushActivity();
  adminClient?.disconnect();
  await harness?.close();
});

beforeEach(async () => {
  await flushActivity();
  received = [];
});

function userAuth(socketId: string, cookie?: string): Promise<Response> {
  const headers: Record<string, string> = { "Content-Type": "application/x-www-form-urlencoded" };
  if (cookie) headers.cookie = cookie;
  return handleUserAuth(
    new Request("http://127.0.0.1:3000/pusher/user-auth", {
      method: "POST",
      headers,
      body: new URLSearchParams({ socket_id: socketId }).toString(),
    }),
  );
}

const find = (predicate: (activity: Activity) => boolean, message: string) => waitFor(() => received.find(predicate), { message });

describe("activity on the admin channel", () => {
  it("reports a sign-in with the user and socket", async () => {
    const alice = await createUser(harness, { name: "Alice" });
    const response = await userAuth("11.1", await sessionCookie(alice));
    expect(response.status).toBe(200);

    const line = await find((a) => a.kind === "sign-in" && a.userId === alice.id, "sign-in activity");
    expect(line.summary).toContain("Alice");
    expect(line.summary).toContain("11.1");
    expect(line.detail).toMatchObject({ socketId: "11.1" });
    expect(Date.parse(line.at)).not.toBeNaN();
  });

  it("counts refused sign-ins and reports them in one line per interval, without changing the responses", async () => {
    reportRefusals();
    for (let i = 0; i < 30; i += 1) expect((await userAuth(`12.${i}`)).status).toBe(401);

    const mallory = await createUser(harness, { name: "Mallory" });
    await harness.db.user.update({ where: { id: mallory.id }, data: { bannedAt: new Date(), banReason: "spamming" } });
    const banned = await userAuth("12.99", await sessionCookie(mallory));
    expect(banned.status).toBe(403);
    expect(await banned.json()).toEqual({ error: "This account is banned: spamming" });

    // Nothing is published per refusal: only the interval's report makes a line.
    await flushActivity();
    expect(received.filter((a) => a.kind === "refused")).toEqual([]);
    reportRefusals();
    const line = await find((a) => a.kind === "refused", "aggregated refusal line");
    expect(line.summary).toMatch(
      /^Refused 31 requests in the last \d+ s: 30 × \/pusher\/user-auth 401 \(unauthenticated\); 1 × \/pusher\/user-auth 403 \(banned\)$/,
    );
    expect(line.detail).toMatchObject({
      total: 31,
      counts: [
        { endpoint: "/pusher/user-auth", status: 401, reason: "unauthenticated", count: 30 },
        { endpoint: "/pusher/user-auth", status: 403, reason: "banned", count: 1 },
      ],
    });
    expect(line.userId).toBeNull();
  });

  it("counts a webhook with a bad signature as refused, without the signature or the secret", async () => {
    reportRefusals();
    const body = webhookBody([{ name: "channel_vacated", channel: "private-connection-13.1" }]);
    const headers = signedWebhook(body, "not-the-secret");
    const response = await handlePusherWebhook(new Request("http://127.0.0.1/api/pusher/webhook", { method: "POST", headers, body }));
    expect(response.status).toBe(401);

    reportRefusals();
    const line = await find((a) => a.kind === "refused" && a.summary.includes("/api/pusher/webhook"), "refused webhook line");
    expect(line.detail).toMatchObject({ total: 1, counts: [{ endpoint: "/api/pusher/webhook", status: 401 }] });
    expect(line.summary).toMatch(/signature/i);
    const serialized = JSON.stringify(line);
    expect(serialized).not.toContain(headers["X-Pusher-Signature"]);
    expect(serialized).not.toContain(APP.secret);
  });

  it("reports a correctly signed webhook as accepted, with its events", async () => {
    const body = webhookBody([{ name: "channel_occupied", channel: "private-whatever" }]);
    const response = await handlePusherWebhook(
      new Request("http://127.0.0.1/api/pusher/webhook", { method: "POST", headers: signedWebhook(body), body }),
    );
    expect(response.status).toBe(200);
    const line = await find((a) => a.kind === "webhook" && a.summary.includes("private-whatever"), "accepted webhook");
    expect(line.detail).toMatchObject({
      verdict: "accepted",
      signature: "valid",
      events: [{ name: "channel_occupied", channel: "private-whatever" }],
    });
  });

  it("reports a real connection's confirmation and its disconnect (webhooks from the embedded server)", async () => {
    const bob = await createUser(harness, { name: "Bob" });
    const client = await connectSignedInClient(harness, bob.id);

    const confirmed = await find((a) => a.kind === "connection-confirmed" && a.userId === bob.id, "connection-confirmed activity");
    expect(confirmed.detail).toEqual({ socketId: client.socketId });
    expect(confirmed.summary).toContain("Bob");

    client.disconnect();
    const gone = await find((a) => a.kind === "disconnect" && a.userId === bob.id, "disconnect activity");
    expect(gone.detail).toEqual({ socketId: client.socketId });
    // The webhook that carried it is in the log too, ahead of the line it caused.
    const webhookIndex = received.findIndex(
      (a) => a.kind === "webhook" && a.summary.includes(`channel_vacated private-connection-${client.socketId}`),
    );
    expect(webhookIndex).toBeGreaterThanOrEqual(0);
    expect(webhookIndex).toBeLessThan(received.indexOf(gone));
  });

  it("reports an admin action (a kick) with its actor, action and result", async () => {
    const admin = await createUser(harness, { name: "Ada Admin", role: "ADMIN" });
    const carol = await createUser(harness, { name: "Carol" });
    const client = await connectSignedInClient(harness, carol.id);
    const kick = new Request(`http://127.0.0.1:3000/api/admin/users/${carol.id}/kick`, {
      method: "POST",
      headers: { cookie: await sessionCookie(admin) },
    });
    expect((await handleKickUser(kick, carol.id)).status).toBe(200);

    const line = await find((a) => a.kind === "admin-action" && a.userId === carol.id, "admin-action activity");
    expect(line.detail).toEqual({ action: "kick", result: "ok", actorId: admin.id });
    expect(line.summary).toContain("Kicked Carol");
    client.disconnect();
  });

  it("delivers a burst in order (batched) and never makes the caller wait for Pusher", async () => {
    const started = performance.now();
    for (let i = 0; i < 25; i += 1) void publishActivity({ kind: "admin-action", userId: null, summary: `burst ${i}` });
    // Queuing is synchronous work only: no HTTP round trip happens before publishActivity returns.
    expect(performance.now() - started).toBeLessThan(50);

    await waitFor(() => received.filter((a) => a.summary.startsWith("burst ")).length === 25, { message: "25 burst lines" });
    expect(received.filter((a) => a.summary.startsWith("burst ")).map((a) => a.summary)).toEqual(
      Array.from({ length: 25 }, (_, i) => `burst ${i}`),
    );
  });

  it("keeps a line that is too big for one Pusher event, without its detail", async () => {
    await publishActivity({ kind: "admin-action", userId: null, summary: "huge", detail: { blob: "x".repeat(20_000) } });
    const line = await find((a) => a.summary === "huge", "truncated line");
    expect(line.detail).toEqual({ truncated: true });
  });
});
