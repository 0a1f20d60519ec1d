/**
 * The webhook probe's acknowledgement is a publish the app makes on a webhook, so it must only
 * follow a delivery the app verified, and nobody but a holder of the secret may occupy a probe
 * channel: browsers are never authorized for one.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { doctorProbeChannel } from "@/lib/doctor/probe-channel";
import { createCast, formRequest, publishCalls, signedWebhook, startHarness, webhookBody, type Harness } from "@/tests/support/app-harness";

let harness: Harness;
let cast: Awaited<ReturnType<typeof createCast>>;
const channel = doctorProbeChannel("0123456789abcdef0123");

beforeAll(async () => {
  harness = await startHarness({ webhooks: false, countApiCalls: true });
  cast = await createCast(harness);
});
afterAll(async () => harness.close());

async function deliver(body: string, headers: Record<string, string>): Promise<Response> {
  const { handlePusherWebhook } = await import("@/lib/pusher/webhook");
  return handlePusherWebhook(new Request("http://127.0.0.1:3000/api/pusher/webhook", { method: "POST", headers, body }));
}

const acks = () => publishCalls(harness).length;

describe("the doctor's webhook probe", () => {
  it("browsers are never authorized for a probe channel, admins included", async () => {
    const { handleChannelAuth } = await import("@/lib/pusher/channel-auth");
    for (const cookie of [cast.aliceCookie, cast.adminCookie]) {
      const response = await handleChannelAuth(formRequest("/pusher/auth", { socket_id: "123.456", channel_name: channel }, { cookie }));
      expect(response.status).toBe(403);
      expect(((await response.json()) as { error: string }).error).toMatch(/is not available to this app's clients/);
    }
  });

  it("a delivery with a wrong signature makes the app publish nothing", async () => {
    const before = acks();
    const body = webhookBody([{ name: "channel_occupied", channel }]);
    const response = await deliver(body, signedWebhook(body, "not-the-secret"));
    expect(response.status).toBe(401);
    expect(acks()).toBe(before);
  });

  it("a verified channel_occupied for a probe channel is acknowledged once on that channel; other events are not", async () => {
    const before = acks();
    const body = webhookBody([
      { name: "channel_occupied", channel },
      { name: "channel_vacated", channel },
      { name: "channel_occupied", channel: "private-doctor-probe-not-hex" },
    ]);
    expect((await deliver(body, signedWebhook(body))).status).toBe(200);
    expect(acks()).toBe(before + 1);
  });

  it("acknowledges at most 4 probes per delivery", async () => {
    const before = acks();
    const events = Array.from({ length: 10 }, (_, i) => ({
      name: "channel_occupied",
      channel: doctorProbeChannel(`${"ab".repeat(8)}${i.toString(16).padStart(4, "0")}`),
    }));
    const body = webhookBody(events);
    expect((await deliver(body, signedWebhook(body))).status).toBe(200);
    expect(acks()).toBe(before + 4);
  });
});
