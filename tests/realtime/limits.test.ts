/**
 * The abuse limits of the embedded server, each against a real server on port 0 with raw `ws`
 * sockets (exact frames and close codes) and pusher-js (what an app's client then does).
 */
import { afterEach, describe, expect, it } from "vitest";
import { createServer, silentLogger, type RealtimeLogger } from "../../lib/realtime-server/index";
import { ThrottledWarnings } from "../../lib/realtime-server/throttled-warnings";
import {
  APP_ID,
  cleanup,
  createClient,
  isEvent,
  KEY,
  nextEvent,
  pause,
  RawClient,
  SECRET,
  signedIn,
  startServer,
  subscribed,
  waitForState,
  withTimeout,
} from "./helpers";

afterEach(cleanup);

const PING = { event: "pusher:ping", data: {} };

/** A logger that keeps warn lines so tests can count them. */
function recordingLogger(): { logger: RealtimeLogger; warnings: { message: string; fields: Record<string, unknown> }[] } {
  const warnings: { message: string; fields: Record<string, unknown> }[] = [];
  return { logger: { ...silentLogger, warn: (message, fields = {}) => warnings.push({ message, fields }) }, warnings };
}

async function expectRefused(port: number, code: number, options: Parameters<typeof RawClient.connect>[2] = {}) {
  const client = await RawClient.connect(port, undefined, options);
  const error = await client.next();
  expect(error.event).toBe("pusher:error");
  expect((error.data as { code: number }).code).toBe(code);
  const closed = await withTimeout(client.closed, 5_000, "close");
  expect(closed.code).toBe(code);
  expect(client.received(isEvent("pusher:connection_established"))).toHaveLength(0);
  return { message: (error.data as { message: string }).message, reason: closed.reason };
}

describe("maximum connections", () => {
  it("closes the connection over the total limit with 4004 and frees the slot when a socket leaves", async () => {
    const { logger, warnings } = recordingLogger();
    const { port } = await startServer({ maxConnections: 2, logger });
    const first = await RawClient.established(port);
    await RawClient.established(port);

    const refused = await expectRefused(port, 4004);
    expect(refused.message).toMatch(/over connection quota.*at most 2 connections/);
    expect(refused.reason).toBe(refused.message);
    expect(warnings).toEqual([{ message: expect.stringMatching(/connection refused/), fields: { address: "127.0.0.1", limit: 2 } }]);

    first.client.close();
    await first.client.closed;
    await RawClient.established(port);
  });

  it("limits connections per client address, not for other addresses", async () => {
    const { port } = await startServer({ maxConnectionsPerIp: 2 });
    await RawClient.established(port);
    await RawClient.established(port);
    const refused = await expectRefused(port, 4004);
    expect(refused.message).toMatch(/at most 2 connections per client address/);
    // 127.0.0.2 is another loopback address of this machine, so another client for the server.
    await RawClient.established(port, { localAddress: "127.0.0.2" });
  });

  it("logs one line for a flood of refusals, not one per socket", async () => {
    const { logger, warnings } = recordingLogger();
    const { port } = await startServer({ maxConnectionsPerIp: 1, logger });
    await RawClient.established(port);
    for (let attempt = 0; attempt < 20; attempt += 1) await expectRefused(port, 4004);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]?.fields).toEqual({ address: "127.0.0.1", limit: 1 });
  });

  it("makes pusher-js give up instead of reconnecting", async () => {
    const { port } = await startServer({ maxConnections: 1 });
    await RawClient.established(port);
    const client = createClient(port);
    const errors: unknown[] = [];
    client.connection.bind("error", (error: unknown) => errors.push(error));
    await waitForState(client, "disconnected");
    expect(JSON.stringify(errors)).toContain("4004");
    const states: string[] = [];
    client.connection.bind("state_change", (change: { current: string }) => states.push(change.current));
    await pause(1_500); // pusher-js would retry after ~1 s for a 4100-range or network close
    expect(states).toEqual([]);
  });
});

describe("channels per connection", () => {
  it("refuses the subscription past the limit on that channel and keeps the socket open", async () => {
    const { logger, warnings } = recordingLogger();
    const { port } = await startServer({ maxChannelsPerConnection: 2, logger });
    const { client } = await RawClient.established(port);
    for (const channel of ["one", "two"]) {
      client.send({ event: "pusher:subscribe", data: { channel } });
      await client.next(isEvent("pusher_internal:subscription_succeeded", channel));
    }
    client.send({ event: "pusher:subscribe", data: { channel: "three" } });
    const refusal = await client.next();
    expect(refusal).toMatchObject({ event: "pusher:subscription_error", channel: "three" });
    expect(refusal.data).toEqual({ type: "LimitReached", error: expect.stringMatching(/at most 2 channels per connection/), status: 4300 });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]?.fields).toMatchObject({ channel: "three", address: "127.0.0.1", limit: 2 });

    client.send({ event: "pusher:unsubscribe", data: { channel: "one" } });
    client.send({ event: "pusher:subscribe", data: { channel: "three" } });
    await client.next(isEvent("pusher_internal:subscription_succeeded", "three"));
  });

  it("does not count the signed-in user's own channel, and pusher-js surfaces the refusal", async () => {
    const { port } = await startServer({ maxChannelsPerConnection: 1 });
    const client = createClient(port, { user: { id: "ada" } });
    await signedIn(client);
    await subscribed(client, "first");
    const refused = await nextEvent<{ type: string; status: number }>(client.subscribe("second"), "pusher:subscription_error");
    expect(refused.data).toMatchObject({ type: "LimitReached", status: 4300 });
    expect(client.connection.state).toBe("connected");
  });
});

describe("frames per second per connection", () => {
  it("drops frames past the limit with one pusher:error 4301 per second and keeps the socket", async () => {
    const { port } = await startServer({ maxFramesPerSecond: 5 });
    const { client } = await RawClient.established(port);
    for (let index = 0; index < 8; index += 1) client.send(PING);
    const error = await client.next(isEvent("pusher:error"));
    expect(error.data).toEqual({ code: 4301, message: expect.stringMatching(/at most 5 messages per second/) });

    await pause(1_100); // the next one-second window
    client.send(PING);
    await client.next(isEvent("pusher:pong"));
    // Five pongs from the first window, one from the second: frames 6 to 8 were never handled.
    expect(client.received(isEvent("pusher:pong"))).toHaveLength(6);
    expect(client.received(isEvent("pusher:error"))).toHaveLength(1);
  });

  it("counts every kind of frame, not only client events", async () => {
    const { port } = await startServer({ maxFramesPerSecond: 3 });
    const { client } = await RawClient.established(port);
    for (let index = 0; index < 4; index += 1) client.send({ event: "pusher:subscribe", data: { channel: `c${index}` } });
    await client.next(isEvent("pusher:error"));
    expect(client.received(isEvent("pusher_internal:subscription_succeeded")).map((frame) => frame.channel)).toEqual(["c0", "c1", "c2"]);
  });

  it("closes a socket that sends ten times the limit within a second with 4301", async () => {
    const { logger, warnings } = recordingLogger();
    const { port } = await startServer({ maxFramesPerSecond: 5, logger });
    const { client } = await RawClient.established(port);
    for (let index = 0; index < 60; index += 1) client.send(PING);
    const closed = await withTimeout(client.closed, 5_000, "close");
    expect(closed.code).toBe(4301);
    expect(closed.reason).toMatch(/too many messages/);
    expect(warnings.map((warning) => warning.message)).toEqual([
      expect.stringMatching(/messages dropped/),
      expect.stringMatching(/socket closed/),
    ]);
  });

  it("closes a socket that stays over the limit for three seconds in a row", async () => {
    const { port } = await startServer({ maxFramesPerSecond: 5 });
    const { client } = await RawClient.established(port);
    const flood = setInterval(() => {
      for (let index = 0; index < 3; index += 1) client.send(PING);
    }, 100); // 30 frames per second: six times the limit, under the instant cut-off
    try {
      const started = Date.now();
      const closed = await withTimeout(client.closed, 6_000, "close");
      expect(closed.code).toBe(4301);
      expect(Date.now() - started).toBeGreaterThanOrEqual(1_900);
    } finally {
      clearInterval(flood);
    }
  });

  it("leaves a flooding pusher-js client disconnected instead of reconnecting", async () => {
    const { port } = await startServer({ maxFramesPerSecond: 5 });
    const client = createClient(port);
    await waitForState(client, "connected");
    for (let index = 0; index < 60; index += 1) client.send_event("pusher:ping", {});
    await waitForState(client, "disconnected");
    const states: string[] = [];
    client.connection.bind("state_change", (change: { current: string }) => states.push(change.current));
    await pause(1_500);
    expect(states).toEqual([]);
  });
});

describe("origin allowlist", () => {
  it("accepts listed origins and closes others with 4009 before any socket id is given", async () => {
    const { logger, warnings } = recordingLogger();
    const { port } = await startServer({ allowedOrigins: ["http://localhost:3000", "https://app.example"], logger });
    await RawClient.established(port, { origin: "http://localhost:3000" });
    await RawClient.established(port, { origin: "https://app.example" });

    const foreign = await expectRefused(port, 4009, { origin: "https://evil.example" });
    expect(foreign.message).toBe('Origin not allowed: "https://evil.example"');
    // Exact match: another port or scheme is another origin.
    await expectRefused(port, 4009, { origin: "http://localhost:3001" });
    await expectRefused(port, 4009, { origin: "https://localhost:3000" });
    // Non-browser clients must name a listed origin too.
    expect((await expectRefused(port, 4009)).message).toMatch(/no Origin header/);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]?.fields).toEqual({ address: "127.0.0.1", origin: "https://evil.example" });
  });

  it("allows any origin when unset or *", async () => {
    for (const allowedOrigins of [undefined, ["*"]]) {
      const { port } = await startServer({ allowedOrigins });
      await RawClient.established(port, { origin: "https://anything.example" });
      await RawClient.established(port);
    }
  });
});

describe("limit options", () => {
  const base = { appId: APP_ID, key: KEY, secret: SECRET, port: 0, logger: silentLogger };

  it.each([
    [{ maxConnections: 0 }, /maxConnections/],
    [{ maxConnectionsPerIp: 1.5 }, /maxConnectionsPerIp/],
    [{ maxChannelsPerConnection: -1 }, /maxChannelsPerConnection/],
    [{ maxFramesPerSecond: Number.NaN }, /maxFramesPerSecond/],
    [{ allowedOrigins: [] }, /allowedOrigins.*at least one/],
    [{ allowedOrigins: ["http://localhost:3000/"] }, /allowedOrigins.*use "http:\/\/localhost:3000"/],
    [{ allowedOrigins: ["localhost:3000"] }, /allowedOrigins/],
    [{ allowedOrigins: ["*", "http://a.example"] }, /allowedOrigins.*cannot be combined/],
  ])("refuses %o", async (options, message) => {
    await expect(createServer({ ...base, ...options })).rejects.toThrow(message);
  });

  it("defaults are generous: no connection limit, 100 channels, 200 frames per second", async () => {
    const { Defaults } = await import("../../lib/realtime-server/index");
    expect(Defaults).toMatchObject({
      maxConnections: Infinity,
      maxConnectionsPerIp: Infinity,
      maxChannelsPerConnection: 100,
      maxFramesPerSecond: 200,
    });
  });
});

describe("ThrottledWarnings", () => {
  it("logs the first line of a kind, holds back the rest of the interval and reports their count", () => {
    const { logger, warnings } = recordingLogger();
    const throttled = new ThrottledWarnings(logger, 10_000);
    throttled.warn("origin", "refused", { n: 1 }, 0);
    throttled.warn("origin", "refused", { n: 2 }, 1_000);
    throttled.warn("origin", "refused", { n: 3 }, 2_000);
    throttled.warn("flood", "closed", { n: 4 }, 2_000);
    throttled.flush(5_000);
    expect(warnings).toEqual([
      { message: "refused", fields: { n: 1 } },
      { message: "closed", fields: { n: 4 } },
    ]);
    throttled.flush(10_000);
    expect(warnings.slice(2)).toEqual([{ message: "refused (repeated)", fields: { times: 2, withinMs: 10_000 } }]);
    throttled.warn("origin", "refused", { n: 5 }, 10_500);
    expect(warnings.at(-1)).toEqual({ message: "refused", fields: { n: 5 } });
  });
});
