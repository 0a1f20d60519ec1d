/**
 * The webhook route verifies X-Pusher-Signature over the raw bytes before parsing anything, and
 * refuses deliveries whose time_ms is outside the stated window (issue 8, items 3 and 8).
 */
import { createHmac } from "node:crypto";

import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";

import { APP, createUser, startHarness, type Harness } from "@/tests/support/app-harness";

let harness: Harness;
let webhook: typeof import("@/lib/pusher/webhook");
let recordSignIn: typeof import("@/lib/roster/record-sign-in").recordSignIn;

const MINUTE = 60_000;
const vacated = (socketId: string) => ({ name: "channel_vacated", channel: `private-connection-${socketId}` });

function sign(bytes: Buffer | string): string {
  return createHmac("sha256", APP.secret).update(bytes).digest("hex");
}

function post(bytes: Buffer | string, signature: string = sign(bytes)): Promise<Response> {
  return webhook.handlePusherWebhook(
    new Request("http://127.0.0.1/api/pusher/webhook", {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-Pusher-Key": APP.key, "X-Pusher-Signature": signature },
      body: typeof bytes === "string" ? bytes : new Uint8Array(bytes),
    }),
  );
}

const deliveryAt = (timeMs: number, events: unknown[]) => JSON.stringify({ time_ms: timeMs, events });

beforeAll(async () => {
  harness = await startHarness({ webhooks: false });
  webhook = await import("@/lib/pusher/webhook");
  ({ recordSignIn } = await import("@/lib/roster/record-sign-in"));
});

afterAll(async () => {
  await harness?.close();
});

beforeEach(async () => {
  await harness.db.realtimeConnection.deleteMany();
  await harness.db.user.deleteMany();
});

describe("signature over the raw bytes", () => {
  // {"time_ms":…,"events":[{"name":"x\xFF"}]}: the 0xFF byte is not UTF-8. Decoding it first
  // turns it into U+FFFD (EF BF BD), a different byte string with a different HMAC.
  const invalidUtf8 = () =>
    Buffer.concat([Buffer.from(`{"time_ms":${Date.now()},"events":[{"name":"x`), Buffer.from([0xff]), Buffer.from(`"}]}`)]);

  it("accepts the signature of the exact bytes, then refuses the body as not UTF-8 JSON (400)", async () => {
    const bytes = invalidUtf8();
    const response = await post(bytes, sign(bytes));
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: string }).error).toMatch(/not valid JSON \(UTF-8\)/);
  });

  it("refuses a signature made over the decoded text instead of the bytes (401)", async () => {
    const bytes = invalidUtf8();
    const decodedThenSigned = sign(bytes.toString("utf8"));
    const response = await post(bytes, decodedThenSigned);
    expect(response.status).toBe(401);
    expect(((await response.json()) as { error: string }).error).toMatch(/X-Pusher-Signature does not match/);
  });

  it("checks the signature before parsing: a badly signed non-JSON body is 401, not 400", async () => {
    const response = await post("{not json", "f".repeat(64));
    expect(response.status).toBe(401);
  });
});

describe("time_ms window", () => {
  it("is stated as more than hosted Pusher's 5-minute retry period", () => {
    expect(webhook.WEBHOOK_MAX_AGE_MS).toBe(10 * MINUTE);
    expect(webhook.WEBHOOK_MAX_AGE_MS).toBeGreaterThan(5 * MINUTE);
    expect(webhook.WEBHOOK_MAX_CLOCK_SKEW_MS).toBe(MINUTE);
  });

  it("refuses a correctly signed delivery older than the window (a replay) and changes nothing", async () => {
    const alice = await createUser(harness, { name: "Alice" });
    await recordSignIn({ userId: alice.id, socketId: "5.1" });
    const response = await post(deliveryAt(Date.now() - 11 * MINUTE, [vacated("5.1")]));
    expect(response.status).toBe(401);
    expect(((await response.json()) as { error: string }).error).toMatch(
      /time_ms is 6\d\d s old: deliveries older than 10 minutes are refused/,
    );
    expect(await harness.db.realtimeConnection.count({ where: { socketId: "5.1" } })).toBe(1);
  });

  it("refuses time_ms too far in the future", async () => {
    const response = await post(deliveryAt(Date.now() + 2 * MINUTE, []));
    expect(response.status).toBe(401);
    expect(((await response.json()) as { error: string }).error).toMatch(/time_ms is 1\d\d s in the future/);
  });

  it("refuses a body without time_ms (400)", async () => {
    const response = await post(JSON.stringify({ events: [] }));
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: string }).error).toMatch(/time_ms/);
  });

  it("applies a delivery retried for minutes (within the window) and its duplicate", async () => {
    const alice = await createUser(harness, { name: "Alice" });
    await recordSignIn({ userId: alice.id, socketId: "5.2" });
    // The same body, as a retry re-sends it: 9 minutes old, then again.
    const retried = deliveryAt(Date.now() - 9 * MINUTE, [vacated("5.2")]);
    expect((await post(retried)).status).toBe(200);
    expect((await post(retried)).status).toBe(200);
    expect(await harness.db.realtimeConnection.count({ where: { socketId: "5.2" } })).toBe(0);
    // Slightly ahead of this clock (skew under a minute) is fine too.
    expect((await post(deliveryAt(Date.now() + 30_000, []))).status).toBe(200);
  });
});
