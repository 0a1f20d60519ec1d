/**
 * Several app instances: an admin opens the inspector through instance B (B authorized the channel),
 * while this process, instance A, had just asked the HTTP API and cached "no inspector open". A's
 * lines must reach that inspector from the moment the backend's channel_occupied webhook reaches A,
 * not only once A's cached answer expires; and after channel_vacated, A publishes nothing to it.
 * Real embedded server, real webhook handler, the SDK's HTTP calls counted through a recorder.
 */
import type PusherClient from "pusher-js";
import { afterAll, beforeAll, expect, it } from "vitest";

import type { Activity } from "@/lib/inspector/activity";
import {
  connectAdminChannel,
  createUser,
  publishCalls,
  signedWebhook,
  startHarness,
  waitFor,
  webhookBody,
  type Harness,
} from "@/tests/support/app-harness";

let harness: Harness;
let app: {
  handlePusherWebhook: typeof import("@/lib/pusher/webhook").handlePusherWebhook;
  publishActivity: typeof import("@/lib/inspector/publish").publishActivity;
  flushActivity: typeof import("@/lib/inspector/publish").flushActivity;
  parseActivityBatch: typeof import("@/lib/inspector/activity").parseActivityBatch;
  AdminEvents: typeof import("@/lib/pusher/channel-names").AdminEvents;
  adminFeedChannels: typeof import("@/lib/pusher/channel-names").adminFeedChannels;
  pusherServer: typeof import("@/lib/pusher/server").pusherServer;
};
let inspector: PusherClient | undefined;

beforeAll(async () => {
  // Webhooks are delivered by the test, as the backend would deliver them to this instance.
  harness = await startHarness({ webhooks: false, countApiCalls: true });
  app = {
    ...(await import("@/lib/pusher/webhook")),
    ...(await import("@/lib/inspector/publish")),
    ...(await import("@/lib/inspector/activity")),
    ...(await import("@/lib/pusher/channel-names")),
    ...(await import("@/lib/pusher/server")),
  };
});

afterAll(async () => {
  inspector?.disconnect();
  await harness?.close();
});

async function deliverWebhook(name: "channel_occupied" | "channel_vacated", channel: string): Promise<void> {
  const body = webhookBody([{ name, channel }]);
  const response = await app.handlePusherWebhook(
    new Request("http://127.0.0.1/api/pusher/webhook", { method: "POST", headers: signedWebhook(body), body }),
  );
  expect(response.status).toBe(200);
}

it("an inspector opened through another instance hears this instance's lines once its channel_occupied arrives, and none after vacated", async () => {
  const admin = await createUser(harness, { name: "Ada Admin", role: "ADMIN" });
  const channelName = app.adminFeedChannels(admin).inspector;

  // Nobody watching yet: this instance asks the HTTP API once, caches "none open", publishes nothing.
  const before = publishCalls(harness).length;
  await app.publishActivity({ kind: "admin-action", summary: "before anyone watched" });
  await app.flushActivity();
  expect(publishCalls(harness).length).toBe(before);

  const opened = await connectAdminChannel(harness, admin, "inspector", { throughAnotherInstance: true });
  inspector = opened.pusher;
  const received: Activity[] = [];
  opened.channel.bind(app.AdminEvents.activity, (data: unknown) => received.push(...(app.parseActivityBatch(data)?.lines ?? [])));

  await deliverWebhook("channel_occupied", channelName);
  await app.publishActivity({ kind: "admin-action", summary: "while watched from instance B" });
  await app.flushActivity();
  // Without the webhook this line was dropped: the cached "none open" answer (5 s) was still fresh.
  await waitFor(() => received.some((line) => line.summary === "while watched from instance B"), { message: "the line on the inspector" });
  expect(received.map((line) => line.summary)).not.toContain("before anyone watched");

  // The inspector closes; once channel_vacated arrives, this instance asks again and stops publishing.
  const closed = new Promise<void>((resolve) => inspector!.connection.bind("disconnected", () => resolve()));
  inspector.disconnect();
  await closed;
  await waitFor(
    async () => {
      const response = await app.pusherServer.get({ path: "/channels", params: { filter_by_prefix: "private-inspector-" } });
      const body = (await response.json()) as { channels: Record<string, unknown> };
      return !(channelName in body.channels);
    },
    { message: "the realtime server to see the channel vacated" },
  );
  await deliverWebhook("channel_vacated", channelName);
  const afterClose = publishCalls(harness).length;
  await app.publishActivity({ kind: "admin-action", summary: "after the inspector closed" });
  await app.flushActivity();
  expect(publishCalls(harness).length).toBe(afterClose);
});
