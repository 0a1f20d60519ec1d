import { request as httpRequest } from "node:http";
import { connect } from "node:net";
import type { PresenceChannel } from "pusher-js";
import { afterEach, describe, expect, it } from "vitest";
import { cleanup, createClient, isEvent, KEY, RawClient, signedFetch, startServer, subscribed, withTimeout } from "./helpers";

/**
 * Input that once took the whole process down or slipped past a check. Each case must fail for
 * the sender only: the server keeps serving everyone else.
 */
afterEach(cleanup);

async function expectServerStillServes(port: number) {
  const { socketId } = await RawClient.established(port);
  expect(socketId).toMatch(/^\d+\.\d+$/);
}

/**
 * Sends a raw upgrade request (the ws client refuses to build such URLs) and resolves with what
 * arrived once `until` shows up in it.
 */
function rawUpgrade(port: number, path: string, until: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1", () => {
      socket.write(
        `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
          "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n",
      );
    });
    let received = "";
    socket.on("data", (chunk: Buffer) => {
      received += chunk.toString("latin1");
      if (!received.includes(until)) return;
      socket.destroy();
      resolve(received);
    });
    socket.on("close", () => reject(new Error(`connection closed before ${until}: ${received.slice(0, 200)}`)));
    socket.on("error", reject);
  });
}

describe("hostile handshakes", () => {
  it.each([
    ["a 200-character app key", `/app/${"k".repeat(200)}?protocol=7`, 4001],
    ["a 100-digit protocol version", `/app/${KEY}?protocol=${"9".repeat(100)}`, 4007],
  ])("refuses %s with its close code and a close reason that fits the frame", async (_label, path, code) => {
    const { port } = await startServer();
    const client = await RawClient.connect(port, path);
    const error = await client.next(isEvent("pusher:error"));
    expect(error.data).toMatchObject({ code });
    expect((error.data as { message: string }).message.length).toBeLessThan(120);
    const closed = await client.closed;
    expect(closed.code).toBe(code);
    expect(Buffer.byteLength(closed.reason)).toBeLessThanOrEqual(123);
    await expectServerStillServes(port);
  });

  it("refuses an upgrade whose URL cannot be parsed, and keeps running", async () => {
    const { port } = await startServer();
    // The refusal is the protocol's: pusher:error 4005, then the close frame.
    const answer = await withTimeout(rawUpgrade(port, `//[/app/${KEY}?protocol=7`, '"code":4005'), 5_000, "the 4005 refusal");
    expect(answer).toMatch(/^HTTP\/1\.1 101/);
    await expectServerStillServes(port);
  });
});

describe("hostile HTTP API requests", () => {
  it("answers an unparseable request URL with 400, not 500", async () => {
    const { port } = await startServer();
    const status = await new Promise<number>((resolve, reject) => {
      const request = httpRequest({ host: "127.0.0.1", port, path: "//[/apps/test-app/channels", method: "GET" }, (response) => {
        response.resume();
        resolve(response.statusCode ?? 0);
      });
      request.on("error", reject);
      request.end();
    });
    expect(status).toBe(400);
  });

  it("refuses event names reserved for the protocol, so an app can't fake member_added in pusher-js", async () => {
    const { port, sdk } = await startServer();
    for (const name of ["pusher_internal:member_added", "pusher:subscription_succeeded"]) {
      const response = await signedFetch(port, {
        method: "POST",
        path: "/apps/test-app/events",
        body: JSON.stringify({ name, channel: "presence-room", data: "{}" }),
      });
      expect(response.status).toBe(400);
      expect(response.text).toMatch(/reserved/);
    }
    await expect(sdk.trigger("news", "pusher-like-but-fine", {})).resolves.toBeDefined();
  });

  it("obeys query parameters the way they were signed: keys are case-insensitive", async () => {
    const { port, sdk } = await startServer();
    await subscribed(createClient(port), "news");
    await subscribed(createClient(port), "sport");
    // Signed as filter_by_prefix (the signature lower-cases keys), sent upper-case.
    const response = await signedFetch(port, {
      method: "GET",
      path: "/apps/test-app/channels",
      params: { filter_by_prefix: "news" },
      sdk,
      tamper: (query) => query.replace("filter_by_prefix=", "FILTER_BY_PREFIX="),
    });
    expect(response.status).toBe(200);
    expect(JSON.parse(response.text)).toEqual({ channels: { news: {} } });
  });
});

describe("names that collide with JavaScript object internals", () => {
  it("lists and reports a channel named __proto__ like any other", async () => {
    const { port } = await startServer();
    const { client } = await RawClient.established(port);
    client.send({ event: "pusher:subscribe", data: { channel: "__proto__" } });
    await client.next(isEvent("pusher_internal:subscription_succeeded", "__proto__"));

    const listing = await signedFetch(port, { method: "GET", path: "/apps/test-app/channels", params: { info: "subscription_count" } });
    // Compared as text: a `{ __proto__: … }` literal in the expectation would set a prototype instead.
    expect(listing.text.trim()).toBe('{"channels":{"__proto__":{"subscription_count":1}}}');
    const triggered = await signedFetch(port, {
      method: "POST",
      path: "/apps/test-app/events",
      body: JSON.stringify({ name: "hello", channels: ["__proto__"], data: "{}", info: "subscription_count" }),
    });
    expect(triggered.text.trim()).toBe('{"channels":{"__proto__":{"subscription_count":1}}}');
    await client.next(isEvent("hello", "__proto__"));
  });

  it("gives a presence member whose id is __proto__ a normal member list in pusher-js", async () => {
    const { port } = await startServer();
    const client = createClient(port, { presence: { user_id: "__proto__", user_info: { name: "Odd" } } });
    const { channel } = await subscribed(client, "presence-odd");
    const members = (channel as PresenceChannel).members as { count: number; me: { id: string; info: unknown } | null };
    expect(members.count).toBe(1);
    expect(members.me).toEqual({ id: "__proto__", info: { name: "Odd" } });
  });
});
