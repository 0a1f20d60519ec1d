import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";

import {
  APP_URL,
  createCast,
  formRequest,
  request,
  resetDatabase,
  startHarness,
  type Harness,
  type TestUser,
} from "@/tests/support/app-harness";

/**
 * Cross-site request forgery: a page on another site must not be able to drive the app's
 * state-changing endpoints with a signed-in user's cookie, whatever the cookie's SameSite policy.
 */
let harness: Harness;
let handleKickUser: typeof import("@/lib/admin/kick").handleKickUser;
let handleSendMessage: typeof import("@/lib/admin/send-message").handleSendMessage;
let handleAuditExport: typeof import("@/lib/admin/audit-export").handleAuditExport;
let handleUserAuth: typeof import("@/lib/pusher/sign-user-auth").handleUserAuth;
let handleChannelAuth: typeof import("@/lib/pusher/channel-auth").handleChannelAuth;
let handleReceipt: typeof import("@/lib/messages/receipt-handler").handleReceipt;
let CROSS_SITE_MESSAGE: string;

let admin: TestUser;
let alice: TestUser;
let adminCookie: string;
let aliceCookie: string;

const CROSS_SITE = { "sec-fetch-site": "cross-site", origin: "https://evil.example" };

beforeAll(async () => {
  harness = await startHarness({ webhooks: false });
  ({ handleKickUser } = await import("@/lib/admin/kick"));
  ({ handleSendMessage } = await import("@/lib/admin/send-message"));
  ({ handleAuditExport } = await import("@/lib/admin/audit-export"));
  ({ handleUserAuth } = await import("@/lib/pusher/sign-user-auth"));
  ({ handleChannelAuth } = await import("@/lib/pusher/channel-auth"));
  ({ handleReceipt } = await import("@/lib/messages/receipt-handler"));
  ({ CROSS_SITE_MESSAGE } = await import("@/lib/auth/same-origin"));
});

afterAll(async () => {
  await harness?.close();
});

beforeEach(async () => {
  await resetDatabase(harness);
  ({ admin, alice, adminCookie, aliceCookie } = await createCast(harness));
});

const userAuth = (headers: Record<string, string>, socketId = "100.1") =>
  handleUserAuth(formRequest("/pusher/user-auth", { socket_id: socketId }, { cookie: aliceCookie, ...headers }));

async function expectRefused(response: Response) {
  expect(response.status).toBe(403);
  expect(((await response.json()) as { error: string }).error).toBe(CROSS_SITE_MESSAGE);
}

describe("state-changing endpoints refuse requests from other sites' pages", () => {
  it("refuses an admin action marked cross-site, before it does anything", async () => {
    const kick = await handleKickUser(request(`/api/admin/users/${alice.id}/kick`, { cookie: adminCookie, headers: CROSS_SITE }), alice.id);
    await expectRefused(kick);
    const send = await handleSendMessage(
      request(`/api/admin/users/${alice.id}/messages`, { cookie: adminCookie, json: { message: "hi" }, headers: CROSS_SITE }),
      alice.id,
    );
    await expectRefused(send);
    expect(await harness.db.auditLog.count()).toBe(0);
    expect(await harness.db.message.count()).toBe(0);
  });

  it("treats a sibling subdomain (same-site, not same-origin) as foreign", async () => {
    await expectRefused(await userAuth({ "sec-fetch-site": "same-site", origin: "https://other.example" }));
    expect(await harness.db.realtimeConnection.count()).toBe(0);
  });

  it("refuses Pusher user and channel auth for a foreign Origin when the browser sends no Sec-Fetch-Site", async () => {
    await expectRefused(await userAuth({ origin: "https://evil.example" }));
    await expectRefused(await userAuth({ origin: "null" }));
    await expectRefused(
      await handleChannelAuth(
        formRequest(
          "/pusher/auth",
          { socket_id: "100.1", channel_name: "private-connection-100.1" },
          { cookie: aliceCookie, origin: "https://evil.example" },
        ),
      ),
    );
    // Nothing was recorded for the socket: no roster row, so nobody appears signed in.
    expect(await harness.db.realtimeConnection.count()).toBe(0);
  });

  it("refuses a cross-site receipt and leaves the message unread", async () => {
    const message = await harness.db.message.create({
      data: { recipientId: alice.id, senderId: admin.id, event: "message", body: "hello" },
    });
    const response = await handleReceipt(
      request(`/api/messages/${message.id}/read`, { cookie: aliceCookie, headers: CROSS_SITE }),
      message.id,
      "read",
    );
    await expectRefused(response);
    const stored = await harness.db.message.findUniqueOrThrow({ where: { id: message.id } });
    expect(stored.readAt).toBeNull();
    expect(stored.deliveredAt).toBeNull();
  });
});

describe("the app's own pages and non-browser clients still get through", () => {
  it("accepts same-origin requests, by Sec-Fetch-Site or by an Origin equal to the app's", async () => {
    expect((await userAuth({ "sec-fetch-site": "same-origin", origin: APP_URL }, "101.1")).status).toBe(200);
    expect((await userAuth({ origin: APP_URL }, "101.2")).status).toBe(200);
    expect(await harness.db.realtimeConnection.count()).toBe(2);
  });

  it("accepts a request without Origin or Sec-Fetch-Site (curl, servers): the session cookie is still required", async () => {
    expect((await userAuth({}, "102.1")).status).toBe(200);
    const anonymous = await handleUserAuth(formRequest("/pusher/user-auth", { socket_id: "102.2" }));
    expect(anonymous.status).toBe(401);
  });

  it("lets a cross-site GET through (a link to the CSV export changes nothing)", async () => {
    const response = await handleAuditExport(
      request("/api/admin/audit/export", { method: "GET", cookie: adminCookie, headers: CROSS_SITE }),
    );
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/text\/csv/);
  });
});
