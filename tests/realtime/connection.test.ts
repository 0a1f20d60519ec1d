import { afterEach, describe, expect, it } from "vitest";
import { cleanup, isEvent, KEY, pause, RawClient, startServer } from "./helpers";

afterEach(cleanup);

describe("WebSocket handshake", () => {
  it("sends connection_established first, with data as a JSON string", async () => {
    const { port } = await startServer({ activityTimeoutSeconds: 45 });
    const client = await RawClient.connect(port);
    const frame = await client.next();
    expect(frame.event).toBe("pusher:connection_established");
    expect(typeof frame.rawData).toBe("string");
    const data = frame.data as { socket_id: string; activity_timeout: number };
    expect(data.socket_id).toMatch(/^\d+\.\d+$/);
    expect(data.activity_timeout).toBe(45);
    expect(Object.keys(data).sort()).toEqual(["activity_timeout", "socket_id"]);
  });

  it("gives every socket a distinct id", async () => {
    const { port } = await startServer();
    const ids = await Promise.all(Array.from({ length: 20 }, async () => (await RawClient.established(port)).socketId));
    expect(new Set(ids).size).toBe(20);
  });

  it.each([
    ["an unknown app key", "/app/wrong-key?protocol=7", 4001],
    ["a missing protocol", `/app/${KEY}?client=js`, 4008],
    ["an unsupported protocol", `/app/${KEY}?protocol=6`, 4007],
    ["a wrong path", `/socket/${KEY}?protocol=7`, 4005],
  ])("refuses %s with pusher:error and close code %i", async (_label, path, code) => {
    const { port } = await startServer();
    const client = await RawClient.connect(port, path);
    const error = await client.next();
    expect(error.event).toBe("pusher:error");
    expect(error.data).toMatchObject({ code });
    expect(typeof (error.data as { message: unknown }).message).toBe("string");
    expect((await client.closed).code).toBe(code);
  });
});

describe("keep-alive", () => {
  it("answers pusher:ping with pusher:pong", async () => {
    const { port } = await startServer();
    const { client } = await RawClient.established(port);
    client.send({ event: "pusher:ping", data: {} });
    expect((await client.next()).event).toBe("pusher:pong");
  });

  it("pings an idle socket and closes it with 4201 when no pong comes back", async () => {
    const { port } = await startServer({ activityTimeoutSeconds: 1, pongTimeoutMs: 200 });
    const { client } = await RawClient.established(port);
    const ping = await client.next(isEvent("pusher:ping"), 3_000);
    expect(ping.rawData).toBe("{}");
    const closed = await client.closed;
    expect(closed.code).toBe(4201);
    expect(client.received(isEvent("pusher:error")).at(-1)?.data).toMatchObject({ code: 4201 });
  });

  it("keeps a socket that answers the server's ping", async () => {
    const { port } = await startServer({ activityTimeoutSeconds: 1, pongTimeoutMs: 300 });
    const { client } = await RawClient.established(port);
    await client.next(isEvent("pusher:ping"), 3_000);
    client.send({ event: "pusher:pong", data: {} });
    await client.next(isEvent("pusher:ping"), 3_000);
    client.send({ event: "pusher:pong", data: {} });
    client.send({ event: "pusher:ping", data: {} });
    expect((await client.next(isEvent("pusher:pong"))).event).toBe("pusher:pong");
  });
});

describe("bad input", () => {
  it.each([
    ["malformed JSON", "{not json"],
    ["a non-object", "[1,2]"],
    ["a missing event", JSON.stringify({ data: {} })],
    ["an unknown pusher: event", JSON.stringify({ event: "pusher:launch_missiles", data: {} })],
    ["an event without client- prefix", JSON.stringify({ event: "hello", channel: "x", data: {} })],
    ["a subscribe without data", JSON.stringify({ event: "pusher:subscribe" })],
    ["an unsubscribe without channel", JSON.stringify({ event: "pusher:unsubscribe", data: {} })],
  ])("answers %s with a soft pusher:error and keeps the socket", async (_label, payload) => {
    const { port } = await startServer();
    const { client } = await RawClient.established(port);
    client.send(payload);
    const error = await client.next(isEvent("pusher:error"));
    expect(error.data).toMatchObject({ code: null });
    client.send({ event: "pusher:ping", data: {} });
    await client.next(isEvent("pusher:pong"));
  });

  it("answers a binary frame with a soft error", async () => {
    const { port } = await startServer();
    const { client } = await RawClient.established(port);
    client.ws.send(Buffer.from([1, 2, 3]), { binary: true });
    expect((await client.next(isEvent("pusher:error"))).data).toMatchObject({ code: null, message: expect.stringMatching(/Binary/) });
  });

  it("closes only the socket that sends an oversized frame (1009) and keeps the others", async () => {
    const { port, sdk } = await startServer();
    const { client: offender } = await RawClient.established(port);
    const { client: bystander } = await RawClient.established(port);
    bystander.send({ event: "pusher:subscribe", data: { channel: "news" } });
    await bystander.next(isEvent("pusher_internal:subscription_succeeded", "news"));

    offender.send({ event: "client-big", channel: "private-x", data: "x".repeat(200 * 1024) });
    expect((await offender.closed).code).toBe(1009);

    await sdk.trigger("news", "still-alive", { ok: true });
    expect((await bystander.next(isEvent("still-alive", "news"))).data).toEqual({ ok: true });
  });

  it("survives a burst of garbage from one socket while another keeps working", async () => {
    const { port, sdk } = await startServer();
    const { client: offender } = await RawClient.established(port);
    const { client: bystander } = await RawClient.established(port);
    bystander.send({ event: "pusher:subscribe", data: { channel: "news" } });
    await bystander.next(isEvent("pusher_internal:subscription_succeeded"));
    const garbage = [
      "",
      "null",
      "{}",
      '{"event":5}',
      '{"event":"pusher:subscribe","data":{"channel":{"a":1}}}',
      '{"event":"pusher:signin","data":"x"}',
      "\u0000\u0001",
    ];
    for (const payload of garbage) offender.send(payload);
    await sdk.trigger("news", "after-garbage", "x");
    expect((await bystander.next(isEvent("after-garbage"))).rawData).toBe("x");
    // The signin garbage closes the offender with 4009; nothing else must have happened.
    expect((await offender.closed).code).toBe(4009);
    await pause(50);
    expect(bystander.received(isEvent("pusher:error"))).toHaveLength(0);
  });
});
