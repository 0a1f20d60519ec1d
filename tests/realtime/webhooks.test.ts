import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { cleanup, createClient, isEvent, pause, RawClient, sdkFor, signedIn, startServer, subscribed, WebhookReceiver } from "./helpers";

afterEach(cleanup);

describe("webhooks", () => {
  it("posts signed batches that the official SDK validates", async () => {
    const receiver = await WebhookReceiver.start();
    const { port, sdk } = await startServer({ webhooks: [{ url: receiver.url }] });
    await subscribed(createClient(port), "news");
    const occupied = await receiver.waitForEvent((event) => event.name === "channel_occupied");
    expect(occupied).toEqual({ name: "channel_occupied", channel: "news" });

    const [request] = receiver.requests;
    if (!request) throw new Error("no webhook request");
    expect(request.headers["content-type"]).toBe("application/json");
    expect(request.headers["x-pusher-key"]).toBe("test-key");
    expect(request.headers["x-pusher-signature"]).toMatch(/^[0-9a-f]{64}$/);
    expect(typeof request.body.time_ms).toBe("number");
    const webhook = sdk.webhook({ headers: request.headers as Record<string, string>, rawBody: request.rawBody });
    expect(webhook.isValid()).toBe(true);
    expect(webhook.getEvents()).toEqual([{ name: "channel_occupied", channel: "news" }]);

    const forged = sdkFor(port, { secret: "someone-else" }).webhook({
      headers: request.headers as Record<string, string>,
      rawBody: request.rawBody,
    });
    expect(forged.isValid()).toBe(false);
  });

  it("reports presence membership per user, client events and vacated channels promptly", async () => {
    const receiver = await WebhookReceiver.start();
    const { port } = await startServer({ webhooks: [{ url: receiver.url }] });
    const started = Date.now();
    const alice = createClient(port, { presence: { user_id: "alice" } });
    const aliceTab = createClient(port, { presence: { user_id: "alice" } });
    const bob = createClient(port, { presence: { user_id: "bob" } });
    const { channel: aliceRoom } = await subscribed(alice, "presence-room");
    await subscribed(aliceTab, "presence-room");
    await subscribed(bob, "presence-room");
    await receiver.waitForEvent((event) => event.name === "member_added" && event.user_id === "bob");
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(receiver.events().filter((event) => event.name === "member_added")).toEqual([
      { name: "member_added", channel: "presence-room", user_id: "alice" },
      { name: "member_added", channel: "presence-room", user_id: "bob" },
    ]);

    aliceRoom.trigger("client-hello", { text: "hi" });
    const clientEvent = await receiver.waitForEvent((event) => event.name === "client_event");
    expect(clientEvent).toEqual({
      name: "client_event",
      channel: "presence-room",
      event: "client-hello",
      data: JSON.stringify({ text: "hi" }),
      socket_id: alice.connection.socket_id,
      user_id: "alice",
    });

    alice.disconnect();
    bob.disconnect();
    await receiver.waitForEvent((event) => event.name === "member_removed" && event.user_id === "bob");
    await pause(100);
    expect(receiver.events().filter((event) => event.name === "member_removed")).toEqual([
      { name: "member_removed", channel: "presence-room", user_id: "bob" },
    ]);
    aliceTab.disconnect();
    await receiver.waitForEvent((event) => event.name === "channel_vacated");
    const names = receiver.events().map((event) => event.name);
    expect(names.indexOf("member_removed", names.lastIndexOf("member_added"))).toBeLessThan(names.indexOf("channel_vacated"));
    expect(
      receiver
        .events()
        .filter((event) => event.name === "member_removed")
        .map((event) => event.user_id),
    ).toEqual(["bob", "alice"]);
  });

  it("batches events of the same moment into one request", async () => {
    const receiver = await WebhookReceiver.start();
    const { port } = await startServer({ webhooks: [{ url: receiver.url }], webhookBatchWindowMs: 50 });
    const { client } = await RawClient.established(port);
    for (const channel of ["b1", "b2", "b3"]) client.send({ event: "pusher:subscribe", data: { channel } });
    await receiver.waitForEvent((event) => event.channel === "b3");
    expect(receiver.requests).toHaveLength(1);
    expect(receiver.requests[0]?.body.events.map((event) => event.channel)).toEqual(["b1", "b2", "b3"]);
  });

  it("does not report #server-to-user channels", async () => {
    const receiver = await WebhookReceiver.start();
    const { port } = await startServer({ webhooks: [{ url: receiver.url }] });
    const client = createClient(port, { user: { id: "quiet" } });
    await signedIn(client);
    // The public channel's webhook is the marker that everything before it was delivered.
    await subscribed(client, "marker");
    await receiver.waitForEvent((event) => event.channel === "marker");
    client.disconnect();
    const another = createClient(port);
    await subscribed(another, "marker-2");
    await receiver.waitForEvent((event) => event.channel === "marker-2");
    expect(receiver.events().filter((event) => String(event.channel).startsWith("#"))).toEqual([]);
  });

  it("retries failed deliveries with backoff", async () => {
    const receiver = await WebhookReceiver.start();
    receiver.respondWith(500, 503);
    const { port } = await startServer({
      webhooks: [{ url: receiver.url }],
      webhookRetry: { initialDelayMs: 50, maxDelayMs: 200, maxDurationMs: 5_000 },
    });
    await subscribed(createClient(port), "flaky");
    expect(await receiver.waitForEvent((event) => event.channel === "flaky")).toEqual({ name: "channel_occupied", channel: "flaky" });
    expect(receiver.requests).toHaveLength(1);
  });

  it("gives up after the retry window and keeps serving sockets", async () => {
    const receiver = await WebhookReceiver.start();
    receiver.failing = true;
    const { port, sdk } = await startServer({
      webhooks: [{ url: receiver.url }],
      webhookRetry: { initialDelayMs: 20, maxDelayMs: 40, maxDurationMs: 100 },
    });
    await subscribed(createClient(port), "doomed");
    await pause(300);
    const attempts = receiver.failedAttempts;
    expect(attempts).toBeGreaterThan(1);
    expect(attempts).toBeLessThan(10);
    await pause(150);
    expect(receiver.failedAttempts).toBe(attempts);
    receiver.failing = false;
    await subscribed(createClient(port), "later");
    await receiver.waitForEvent((event) => event.channel === "later");
    expect(receiver.events().some((event) => event.channel === "doomed")).toBe(false);
    expect((await sdk.trigger("later", "e", {})).status).toBe(200);
  });

  it("sends a slow receiver at most 4 requests at once, and every event exactly once", async () => {
    // 150 ms per request, like an app busy with a sign-in storm.
    const slow = await SlowReceiver.start(150);
    try {
      const { port } = await startServer({ webhooks: [{ url: slow.url }] });
      // 1,000 channels occupied at once (100 per socket, the per-connection limit): 10 batches of 100 events.
      const sockets = await Promise.all(Array.from({ length: 10 }, () => RawClient.established(port)));
      for (const [socket, { client }] of sockets.entries()) {
        for (let index = 0; index < 100; index += 1)
          client.send({ event: "pusher:subscribe", data: { channel: `storm-${socket}-${index}` } });
      }
      await slow.received(1_000);
      expect(new Set(slow.events.map((event) => event.channel)).size).toBe(1_000);
      expect(slow.mostAtOnce).toBeGreaterThan(1);
      expect(slow.mostAtOnce).toBeLessThanOrEqual(4);
    } finally {
      await slow.close();
    }
  });

  it("lets events that arrive while a slow receiver is backlogged share requests", async () => {
    const slow = await SlowReceiver.start(500);
    try {
      const { port } = await startServer({ webhooks: [{ url: slow.url }], webhookBatchWindowMs: 5 });
      const { client } = await RawClient.established(port);
      // 60 channels, one every 15 ms: each in a batch window of its own.
      for (let index = 0; index < 60; index += 1) {
        client.send({ event: "pusher:subscribe", data: { channel: `trickle-${index}` } });
        await pause(15);
      }
      await slow.received(60);
      // One request per window would be 60; the first 4 go at once, later events wait together.
      expect(slow.requests).toBeLessThan(20);
    } finally {
      await slow.close();
    }
  });

  it("never blocks sockets on a hanging receiver, and close() does not wait for it", async () => {
    const hanging = createHttpServer(() => {
      // never answers
    });
    await new Promise<void>((resolve) => hanging.listen(0, "127.0.0.1", resolve));
    try {
      const url = `http://127.0.0.1:${(hanging.address() as AddressInfo).port}/hook`;
      const { port, server, sdk } = await startServer({ webhooks: [{ url }] });
      const { client } = await RawClient.established(port);
      client.send({ event: "pusher:subscribe", data: { channel: "slow-hook" } });
      await client.next(isEvent("pusher_internal:subscription_succeeded"));
      await sdk.trigger("slow-hook", "still-fast", {});
      await client.next(isEvent("still-fast"));
      const closing = Date.now();
      await server.close();
      expect(Date.now() - closing).toBeLessThan(3_000);
    } finally {
      hanging.closeAllConnections();
      await new Promise<void>((resolve) => hanging.close(() => resolve()));
    }
  });
});

/** A webhook receiver that answers every request after `answerAfterMs`, counting what overlaps. */
class SlowReceiver {
  readonly events: { name: string; channel: string }[] = [];
  requests = 0;
  mostAtOnce = 0;
  private open = 0;
  private onEvents: (() => void) | null = null;

  private constructor(private readonly server: Server) {}

  static async start(answerAfterMs: number): Promise<SlowReceiver> {
    const server = createHttpServer();
    const receiver = new SlowReceiver(server);
    server.on("request", (request: IncomingMessage, response: ServerResponse) => {
      receiver.requests += 1;
      receiver.open += 1;
      receiver.mostAtOnce = Math.max(receiver.mostAtOnce, receiver.open);
      const chunks: Buffer[] = [];
      request.on("data", (chunk: Buffer) => chunks.push(chunk));
      request.on("end", () => {
        receiver.events.push(...(JSON.parse(Buffer.concat(chunks).toString("utf8")) as { events: SlowReceiver["events"] }).events);
        receiver.onEvents?.();
        setTimeout(() => {
          receiver.open -= 1;
          response.writeHead(200).end();
        }, answerAfterMs);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    return receiver;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/hook`;
  }

  /** Resolves once exactly `count` events arrived; fails on more, or after 15 s. */
  received(count: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${this.events.length} of ${count} webhook events after 15 s`)), 15_000);
      this.onEvents = () => {
        if (this.events.length < count) return;
        clearTimeout(timer);
        if (this.events.length > count) reject(new Error(`${this.events.length} webhook events, expected ${count}`));
        else resolve();
      };
      this.onEvents();
    });
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
