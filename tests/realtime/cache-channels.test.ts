import { afterEach, describe, expect, it } from "vitest";
import { ChannelCache } from "@/lib/realtime-server/channel-cache";
import { cleanup, createClient, isEvent, nextEvent, pause, RawClient, startServer, subscribed, WebhookReceiver } from "./helpers";

afterEach(cleanup);

describe("cache channels", () => {
  it("replays the last triggered event to each new subscriber through pusher-js, even one that joins later", async () => {
    const { port, sdk } = await startServer();
    await sdk.trigger("cache-score", "update", { home: 1, away: 0 });
    await sdk.trigger("cache-score", "update", { home: 2, away: 0 });

    for (const attempt of [1, 2]) {
      const client = createClient(port);
      const channel = client.subscribe("cache-score");
      const replayed = nextEvent(channel, "update");
      await nextEvent(channel, "pusher:subscription_succeeded");
      expect((await replayed).data, `subscriber ${attempt}`).toEqual({ home: 2, away: 0 });
    }
  });

  it("sends the cached event right after subscription_succeeded, on the cache channel, exactly as it was triggered", async () => {
    const { port, sdk } = await startServer();
    await sdk.trigger("private-cache-doc", "saved", "plain text");
    const { client, socketId } = await RawClient.established(port);
    const { auth } = sdk.authorizeChannel(socketId, "private-cache-doc");
    client.send({ event: "pusher:subscribe", data: { channel: "private-cache-doc", auth } });
    await client.next(isEvent("pusher_internal:subscription_succeeded", "private-cache-doc"));
    const replayed = await client.next(isEvent("saved", "private-cache-doc"));
    expect(replayed.data).toBe("plain text");
    expect(client.received(isEvent("pusher:cache_miss"))).toHaveLength(0);
  });

  it("tells a subscriber of an empty cache channel pusher:cache_miss, and the app's webhook once per occupancy", async () => {
    const receiver = await WebhookReceiver.start();
    const { port, sdk } = await startServer({ webhooks: [{ url: receiver.url }], webhookBatchWindowMs: 0 });
    const first = createClient(port);
    const firstChannel = first.subscribe("cache-room");
    await nextEvent(firstChannel, "pusher:cache_miss");
    await receiver.waitForEvent((event) => event.name === "cache_miss");

    // A second subscriber while the channel is occupied: told too, but the app is not asked again.
    const second = createClient(port);
    await nextEvent(second.subscribe("cache-room"), "pusher:cache_miss");
    await pause(100);
    expect(receiver.events().filter((event) => event.name === "cache_miss")).toEqual([{ name: "cache_miss", channel: "cache-room" }]);

    // Once filled, a new subscriber gets the event and no miss.
    await sdk.trigger("cache-room", "state", { open: true });
    const third = createClient(port);
    const thirdChannel = third.subscribe("cache-room");
    const state = nextEvent(thirdChannel, "state");
    let missed = false;
    thirdChannel.bind("pusher:cache_miss", () => (missed = true));
    expect((await state).data).toEqual({ open: true });
    expect(missed).toBe(false);
  });

  it("does not cache client events, and ordinary channels replay nothing", async () => {
    const { port, sdk } = await startServer();
    const sender = createClient(port);
    const { channel } = await subscribed(sender, "private-cache-chat");
    expect(channel.trigger("client-typing", { who: "alice" })).toBe(true);
    await pause(100);

    const { client, socketId } = await RawClient.established(port);
    const { auth } = sdk.authorizeChannel(socketId, "private-cache-chat");
    client.send({ event: "pusher:subscribe", data: { channel: "private-cache-chat", auth } });
    await client.next(isEvent("pusher:cache_miss", "private-cache-chat"));

    await sdk.trigger("news", "headline", "not cached");
    client.send({ event: "pusher:subscribe", data: { channel: "news" } });
    await client.next(isEvent("pusher_internal:subscription_succeeded", "news"));
    await pause(100);
    expect(client.received(isEvent("headline"))).toHaveLength(0);
    expect(client.received(isEvent("pusher:cache_miss", "news"))).toHaveLength(0);
  });

  it("forgets an event after the TTL", async () => {
    const { port, sdk } = await startServer({ cacheTtlMs: 50 });
    await sdk.trigger("cache-ticker", "price", { p: 1 });
    await pause(80);
    const client = createClient(port);
    await nextEvent(client.subscribe("cache-ticker"), "pusher:cache_miss");
  });
});

describe("ChannelCache bounds", () => {
  it("expires by age and drops the least recently written channel beyond its size", () => {
    let now = 0;
    const cache = new ChannelCache(1_000, 2, () => now);
    cache.remember("cache-a", "A1");
    cache.remember("cache-b", "B1");
    cache.remember("cache-a", "A2"); // rewritten: now the most recent
    cache.remember("cache-c", "C1"); // over the limit: b, the least recently written, goes
    expect([cache.lastFrame("cache-a"), cache.lastFrame("cache-b"), cache.lastFrame("cache-c")]).toEqual(["A2", undefined, "C1"]);

    now = 1_000;
    cache.sweep();
    expect(cache.size).toBe(0);
  });
});
