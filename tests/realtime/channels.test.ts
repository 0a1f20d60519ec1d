import { afterEach, describe, expect, it } from "vitest";
import type { PresenceChannel } from "pusher-js";
import PusherServer from "pusher";
import {
  APP_ID,
  cleanup,
  createClient,
  KEY,
  SECRET,
  isEvent,
  nextEvent,
  pause,
  RawClient,
  sdkFor,
  signedIn,
  startServer,
  subscribed,
  waitForState,
} from "./helpers";

afterEach(cleanup);

interface Members {
  count: number;
  me: { id: string; info: unknown };
  each(callback: (member: { id: string; info: unknown }) => void): void;
}

describe("public and private channels", () => {
  it("delivers server events to public channel subscribers through pusher-js", async () => {
    const { port, sdk } = await startServer();
    const client = createClient(port);
    const { channel } = await subscribed(client, "news");
    const received = nextEvent(channel, "headline");
    await sdk.trigger("news", "headline", { title: "hi" });
    expect((await received).data).toEqual({ title: "hi" });
  });

  it("authorizes private channels with the SDK's signature", async () => {
    const { port, sdk } = await startServer();
    const client = createClient(port);
    const { channel } = await subscribed(client, "private-inbox");
    const received = nextEvent(channel, "mail");
    await sdk.trigger("private-inbox", "mail", "plain string");
    expect((await received).data).toBe("plain string");
  });

  it("refuses a private channel with a bad, missing or borrowed signature via pusher:subscription_error", async () => {
    const { port, sdk } = await startServer();
    const { client } = await RawClient.established(port);
    const attempts = [`test-key:${"0".repeat(64)}`, undefined, sdk.authorizeChannel("1.1", "private-inbox").auth];
    for (const auth of attempts) {
      client.send({ event: "pusher:subscribe", data: { channel: "private-inbox", auth } });
      const error = await client.next(isEvent("pusher:subscription_error", "private-inbox"));
      expect(error.data).toMatchObject({ type: "AuthError", status: 401 });
    }
    expect(client.received(isEvent("pusher_internal:subscription_succeeded"))).toHaveLength(0);
  });

  it("surfaces a refused subscription on the pusher-js channel", async () => {
    const { port } = await startServer();
    const client = createClient(
      port,
      {},
      {
        channelAuthorization: {
          endpoint: "/unused",
          transport: "ajax",
          customHandler: (_params, callback) => callback(null, { auth: `test-key:${"a".repeat(64)}` }),
        },
      },
    );
    const channel = client.subscribe("private-secret");
    const { data } = await nextEvent<{ type: string; status: number }>(channel, "pusher:subscription_error");
    expect(data).toMatchObject({ type: "AuthError", status: 401 });
  });

  it("rejects invalid channel names", async () => {
    const { port } = await startServer();
    const { client } = await RawClient.established(port);
    client.send({ event: "pusher:subscribe", data: { channel: "bad name!" } });
    expect((await client.next(isEvent("pusher:subscription_error", "bad name!"))).data).toMatchObject({ status: 400 });
    client.send({ event: "pusher:subscribe", data: { channel: "x".repeat(165) } });
    expect((await client.next(isEvent("pusher:subscription_error"))).data).toMatchObject({ error: expect.stringMatching(/164/) });
    client.send({ event: "pusher:subscribe", data: { channel: "" } });
    expect((await client.next(isEvent("pusher:error"))).data).toMatchObject({ code: null });
  });

  it("stops delivery after pusher:unsubscribe and reports the channel vacated", async () => {
    const { port, sdk } = await startServer();
    const { client } = await RawClient.established(port);
    client.send({ event: "pusher:subscribe", data: { channel: "news" } });
    const succeeded = await client.next(isEvent("pusher_internal:subscription_succeeded", "news"));
    expect(succeeded.rawData).toBe("{}");
    client.send({ event: "pusher:unsubscribe", data: { channel: "news" } });
    // The ping round-trip orders the unsubscribe before the HTTP call.
    client.send({ event: "pusher:ping", data: {} });
    await client.next(isEvent("pusher:pong"));
    expect(await (await sdk.get({ path: "/channels/news" })).json()).toEqual({ occupied: false });
    await sdk.trigger("news", "late", {});
    await pause(100);
    expect(client.received(isEvent("late"))).toHaveLength(0);
  });

  it("relays encrypted channel payloads untouched, end to end", async () => {
    const { port } = await startServer();
    const encryptionMasterKeyBase64 = Buffer.alloc(32, 7).toString("base64");
    const sdk = new PusherServer({
      appId: APP_ID,
      key: KEY,
      secret: SECRET,
      host: "127.0.0.1",
      port: String(port),
      useTLS: false,
      encryptionMasterKeyBase64,
    });
    const client = createClient(
      port,
      {},
      {
        channelAuthorization: {
          endpoint: "/unused",
          transport: "ajax",
          customHandler: ({ socketId, channelName }, callback) => callback(null, sdk.authorizeChannel(socketId, channelName)),
        },
      },
    );
    const { channel } = await subscribed(client, "private-encrypted-vault");
    const { client: raw, socketId } = await RawClient.established(port);
    raw.send({
      event: "pusher:subscribe",
      data: { channel: "private-encrypted-vault", auth: sdk.authorizeChannel(socketId, "private-encrypted-vault").auth },
    });
    await raw.next(isEvent("pusher_internal:subscription_succeeded", "private-encrypted-vault"));

    const decrypted = nextEvent(channel, "sealed");
    await sdk.trigger("private-encrypted-vault", "sealed", { secret: "plans" });
    expect((await decrypted).data).toEqual({ secret: "plans" });
    const wire = await raw.next(isEvent("sealed"));
    expect(wire.data).toEqual({ nonce: expect.any(String), ciphertext: expect.any(String) });
    expect(wire.text).not.toContain("plans");
  });
});

describe("presence channels", () => {
  it("sends the member list and member_added/member_removed per user, not per socket", async () => {
    const { port } = await startServer();
    const alice = createClient(port, { presence: { user_id: "alice", user_info: { name: "Alice" } } });
    const { channel: aliceRoom, data } = await subscribed(alice, "presence-room");
    const members = data as Members;
    expect(members.count).toBe(1);
    expect(members.me).toEqual({ id: "alice", info: { name: "Alice" } });

    const bobAdded = nextEvent<{ id: string; info: unknown }>(aliceRoom, "pusher:member_added");
    const bob1 = createClient(port, { presence: { user_id: "bob", user_info: { name: "Bob" } } });
    const { data: bobView } = await subscribed(bob1, "presence-room");
    expect((await bobAdded).data).toEqual({ id: "bob", info: { name: "Bob" } });
    const seen: string[] = [];
    (bobView as Members).each((member) => seen.push(member.id));
    expect(seen.sort()).toEqual(["alice", "bob"]);

    // Bob's second tab: no second member_added.
    const bob2 = createClient(port, { presence: { user_id: "bob", user_info: { name: "Bob" } } });
    const { data: secondView } = await subscribed(bob2, "presence-room");
    expect((secondView as Members).count).toBe(2);

    const removals: string[] = [];
    aliceRoom.bind("pusher:member_removed", (member: { id: string }) => removals.push(member.id));
    bob1.disconnect();
    await waitForState(bob1, "disconnected");
    await pause(100);
    expect(removals).toEqual([]);
    expect((aliceRoom as PresenceChannel).members.count).toBe(2);

    const bobRemoved = nextEvent<{ id: string }>(aliceRoom, "pusher:member_removed");
    bob2.disconnect();
    expect((await bobRemoved).data.id).toBe("bob");
    expect((aliceRoom as PresenceChannel).members.count).toBe(1);
  });

  it("sends the exact presence payload", async () => {
    const { port, sdk } = await startServer();
    const { client, socketId } = await RawClient.established(port);
    const auth = sdk.authorizeChannel(socketId, "presence-exact", { user_id: "7", user_info: { n: 1 } });
    client.send({ event: "pusher:subscribe", data: { channel: "presence-exact", ...auth } });
    const frame = await client.next(isEvent("pusher_internal:subscription_succeeded", "presence-exact"));
    expect(typeof frame.rawData).toBe("string");
    expect(frame.data).toEqual({ presence: { ids: ["7"], hash: { "7": { n: 1 } }, count: 1 } });
  });

  it("uses the signed-in user as member when channel_data is absent", async () => {
    const { port } = await startServer();
    const client = createClient(port, { user: { id: "carol", user_info: { name: "Carol" } } });
    await signedIn(client);
    const { data } = await subscribed(client, "presence-lobby");
    expect((data as Members).me).toEqual({ id: "carol", info: { name: "Carol" } });
  });

  it("refuses members beyond maxPresenceMembers but lets an existing user add a socket", async () => {
    const { port } = await startServer({ maxPresenceMembers: 2 });
    await subscribed(createClient(port, { presence: { user_id: "1" } }), "presence-small");
    await subscribed(createClient(port, { presence: { user_id: "2" } }), "presence-small");
    const third = createClient(port, { presence: { user_id: "3" } });
    const { data } = await nextEvent<{ status: number; error: string }>(third.subscribe("presence-small"), "pusher:subscription_error");
    expect(data.error).toMatch(/full/);
    await subscribed(createClient(port, { presence: { user_id: "2" } }), "presence-small");
  });

  it("refuses user_info larger than maxUserInfoBytes and bad channel_data", async () => {
    const { port, sdk } = await startServer({ maxUserInfoBytes: 64 });
    const { client, socketId } = await RawClient.established(port);
    const big = sdk.authorizeChannel(socketId, "presence-a", { user_id: "1", user_info: { bio: "x".repeat(100) } });
    client.send({ event: "pusher:subscribe", data: { channel: "presence-a", ...big } });
    expect((await client.next(isEvent("pusher:subscription_error", "presence-a"))).data).toMatchObject({
      error: expect.stringMatching(/64 bytes/),
    });

    const noId = sdk.authorizeChannel(socketId, "presence-b", { user_info: {} } as unknown as { user_id: string });
    client.send({ event: "pusher:subscribe", data: { channel: "presence-b", ...noId } });
    expect((await client.next(isEvent("pusher:subscription_error", "presence-b"))).data).toMatchObject({
      error: expect.stringMatching(/user_id/),
    });

    const forged = sdk.authorizeChannel(socketId, "presence-c", { user_id: "1" });
    client.send({ event: "pusher:subscribe", data: { channel: "presence-c", auth: forged.auth, channel_data: '{"user_id":"admin"}' } });
    expect((await client.next(isEvent("pusher:subscription_error", "presence-c"))).data).toMatchObject({ status: 401 });
  });
});

describe("client events", () => {
  async function pair(port: number, channelName: string) {
    const alice = createClient(port, { presence: { user_id: "alice" } });
    const bob = createClient(port, { presence: { user_id: "bob" } });
    const { channel: aliceChannel } = await subscribed(alice, channelName);
    const { channel: bobChannel } = await subscribed(bob, channelName);
    return { alice, bob, aliceChannel, bobChannel };
  }

  it("relays to the other members, never back to the sender", async () => {
    const { port } = await startServer();
    const { aliceChannel, bobChannel } = await pair(port, "private-chat");
    const echoes: unknown[] = [];
    aliceChannel.bind("client-typing", (data: unknown) => echoes.push(data));
    const received = nextEvent(bobChannel, "client-typing");
    aliceChannel.trigger("client-typing", { typing: true });
    expect((await received).data).toEqual({ typing: true });
    await pause(100);
    expect(echoes).toEqual([]);
  });

  it("adds user_id on presence channels", async () => {
    const { port } = await startServer();
    const { aliceChannel, bobChannel } = await pair(port, "presence-chat");
    const received = nextEvent(bobChannel, "client-wave");
    aliceChannel.trigger("client-wave", { hi: 1 });
    const { data, metadata } = await received;
    expect(data).toEqual({ hi: 1 });
    expect(metadata).toEqual({ user_id: "alice" });
  });

  it("refuses client events on public channels, unjoined channels and over 10 KB", async () => {
    const { port, sdk } = await startServer();
    const { client, socketId } = await RawClient.established(port);
    client.send({ event: "pusher:subscribe", data: { channel: "public" } });
    await client.next(isEvent("pusher_internal:subscription_succeeded"));
    client.send({ event: "client-x", channel: "public", data: {} });
    expect((await client.next(isEvent("pusher:error"))).data).toMatchObject({
      code: null,
      message: expect.stringMatching(/private and presence/),
    });
    client.send({ event: "client-x", channel: "private-elsewhere", data: {} });
    expect((await client.next(isEvent("pusher:error"))).data).toMatchObject({ message: expect.stringMatching(/not subscribed/) });
    client.send({
      event: "pusher:subscribe",
      data: { channel: "private-room", auth: sdk.authorizeChannel(socketId, "private-room").auth },
    });
    await client.next(isEvent("pusher_internal:subscription_succeeded", "private-room"));
    client.send({ event: "client-x", channel: "private-room", data: "y".repeat(10 * 1024 + 1) });
    expect((await client.next(isEvent("pusher:error"))).data).toMatchObject({ message: expect.stringMatching(/10240 bytes/) });
  });

  it("rate-limits a connection with error 4301 without closing it", async () => {
    const { port } = await startServer({ maxClientEventsPerSecond: 3 });
    const sender = await RawClient.established(port);
    const receiver = await RawClient.established(port);
    const sdk = sdkFor(port);
    for (const { client, socketId } of [sender, receiver]) {
      client.send({
        event: "pusher:subscribe",
        data: { channel: "private-burst", auth: sdk.authorizeChannel(socketId, "private-burst").auth },
      });
      await client.next(isEvent("pusher_internal:subscription_succeeded"));
    }
    for (let i = 0; i < 5; i += 1) sender.client.send({ event: "client-n", channel: "private-burst", data: { i } });
    const limit = await sender.client.next(isEvent("pusher:error"));
    expect(limit.data).toMatchObject({ code: 4301 });
    sender.client.send({ event: "pusher:ping", data: {} });
    await sender.client.next(isEvent("pusher:pong"));
    await receiver.client.next((frame) => frame.event === "client-n" && (frame.data as { i: number }).i === 2);
    await pause(50);
    expect(receiver.client.received(isEvent("client-n"))).toHaveLength(3);
    expect(sender.client.received(isEvent("pusher:error")).map((f) => (f.data as { code: number }).code)).toEqual([4301, 4301]);
  });
});
