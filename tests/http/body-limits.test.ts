/**
 * Item 3 of issue 8: every endpoint that reads a body stops at its limit and answers 413 at once.
 * The attack is a body that never ends (or a huge one): code that buffers first (request.text(),
 * request.formData()) never answers, so each test has a short timeout and fails instead of hanging.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { APP, APP_URL, createCast, startHarness, type Harness } from "@/tests/support/app-harness";
import { endlessBody, maxPulledFor, streamingRequest } from "@/tests/http/streams";

let harness: Harness;
let cast: Awaited<ReturnType<typeof createCast>>;

type Endpoint = {
  name: string;
  limitBytes: number;
  limitText: RegExp;
  send: (request: Request) => Promise<Response>;
  path: string;
  headers: () => Record<string, string>;
};

const FORM = "application/x-www-form-urlencoded";
const JSON_TYPE = "application/json";

let endpoints: Endpoint[] = [];

beforeAll(async () => {
  harness = await startHarness({ webhooks: false });
  cast = await createCast(harness);
  const { handleUserAuth } = await import("@/lib/pusher/sign-user-auth");
  const { handleChannelAuth } = await import("@/lib/pusher/channel-auth");
  const { handlePusherWebhook } = await import("@/lib/pusher/webhook");
  const { handleBroadcast } = await import("@/lib/admin/broadcast");
  const { handleSendMessage } = await import("@/lib/admin/send-message");
  const { handleBanUser } = await import("@/lib/admin/ban-user");
  const nextAuthRoute = await import("@/lib/auth/nextauth-route");
  const { NextRequest } = await import("next/server");
  const alice = cast.alice.id;
  endpoints = [
    {
      name: "POST /pusher/user-auth",
      path: "/pusher/user-auth",
      limitBytes: 4096,
      limitText: /4 KiB/,
      send: handleUserAuth,
      headers: () => ({ cookie: cast.aliceCookie, "content-type": FORM }),
    },
    {
      name: "POST /pusher/auth",
      path: "/pusher/auth",
      limitBytes: 4096,
      limitText: /4 KiB/,
      send: handleChannelAuth,
      headers: () => ({ cookie: cast.aliceCookie, "content-type": FORM }),
    },
    {
      name: "POST /api/pusher/webhook",
      path: "/api/pusher/webhook",
      limitBytes: 256 * 1024,
      limitText: /256 KiB/,
      send: handlePusherWebhook,
      headers: () => ({ "content-type": JSON_TYPE, "x-pusher-key": APP.key, "x-pusher-signature": "0".repeat(64) }),
    },
    {
      name: "POST /api/admin/broadcast",
      path: "/api/admin/broadcast",
      limitBytes: 64 * 1024,
      limitText: /64 KiB/,
      send: handleBroadcast,
      headers: () => ({ cookie: cast.adminCookie, "content-type": JSON_TYPE }),
    },
    {
      name: "POST /api/admin/users/{id}/messages",
      path: `/api/admin/users/${alice}/messages`,
      limitBytes: 64 * 1024,
      limitText: /64 KiB/,
      send: (request) => handleSendMessage(request, alice),
      headers: () => ({ cookie: cast.adminCookie, "content-type": JSON_TYPE }),
    },
    {
      name: "POST /api/admin/users/{id}/ban",
      path: `/api/admin/users/${alice}/ban`,
      limitBytes: 16 * 1024,
      limitText: /16 KiB/,
      send: (request) => handleBanUser(request, alice),
      headers: () => ({ cookie: cast.adminCookie, "content-type": JSON_TYPE }),
    },
    {
      // next-auth's own handler would buffer it with request.text(); only the refusal can run
      // outside Next (next-auth reads cookies() from Next's request scope).
      name: "POST /api/auth/callback/credentials",
      path: "/api/auth/callback/credentials",
      limitBytes: 16 * 1024,
      limitText: /16 KiB/,
      send: (request) =>
        nextAuthRoute.POST(new NextRequest(request), { params: Promise.resolve({ nextauth: ["callback", "credentials"] }) }),
      headers: () => ({ "content-type": FORM }),
    },
  ];
});

afterAll(async () => {
  await harness?.close();
});

// Vitest builds the test list before beforeAll runs, so the table is walked by index.
const ENDPOINT_COUNT = 7;

describe.each(Array.from({ length: ENDPOINT_COUNT }, (_, index) => index))("endpoint #%i", (index) => {
  it("answers a never-ending body with 413 at its limit, and cancels the stream", { timeout: 4_000 }, async () => {
    const endpoint = endpoints[index]!;
    const body = endlessBody();
    const startedAt = Date.now();
    const response = await endpoint.send(streamingRequest(`${APP_URL}${endpoint.path}`, body.stream, endpoint.headers()));
    const elapsedMs = Date.now() - startedAt;

    expect(response.status, endpoint.name).toBe(413);
    const answer = (await response.json()) as { error: string };
    expect(answer.error, endpoint.name).toMatch(/too large/i);
    expect(answer.error, endpoint.name).toMatch(endpoint.limitText);
    expect(body.pulledBytes(), endpoint.name).toBeLessThanOrEqual(maxPulledFor(endpoint.limitBytes));
    expect(body.cancelled(), endpoint.name).toBe(true);
    // 16 KiB per millisecond-tick: 256 KiB is ~20 ticks; a second is generous on a busy machine.
    expect(elapsedMs, endpoint.name).toBeLessThan(2_000);
  });

  it("refuses a declared Content-Length over the limit without reading a byte", { timeout: 4_000 }, async () => {
    const endpoint = endpoints[index]!;
    const body = endlessBody();
    const headers = { ...endpoint.headers(), "content-length": String(endpoint.limitBytes + 1) };
    const response = await endpoint.send(streamingRequest(`${APP_URL}${endpoint.path}`, body.stream, headers));
    expect(response.status, endpoint.name).toBe(413);
    expect(((await response.json()) as { error: string }).error, endpoint.name).toMatch(endpoint.limitText);
    // At most the one chunk a ReadableStream prefetches by itself; nothing read towards the limit.
    expect(body.pulledBytes(), endpoint.name).toBeLessThanOrEqual(maxPulledFor(0));
    expect(body.cancelled(), endpoint.name).toBe(true);
  });
});

describe("bodies within the limit", () => {
  it("a body exactly at the limit is read, not refused", async () => {
    const { handleUserAuth } = await import("@/lib/pusher/sign-user-auth");
    // A valid form padded with an ignored field up to exactly 4 KiB.
    const form = "socket_id=123.456&pad=";
    const body = form + "x".repeat(4096 - form.length);
    const response = await handleUserAuth(
      new Request(`${APP_URL}/pusher/user-auth`, { method: "POST", headers: { cookie: cast.aliceCookie, "content-type": FORM }, body }),
    );
    expect(response.status).toBe(200);
    expect(await response.json()).toHaveProperty("auth");
  });
});
