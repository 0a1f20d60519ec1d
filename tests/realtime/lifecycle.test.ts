import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import type { Socket } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { createServer, LISTEN_BACKLOG, silentLogger } from "../../lib/realtime-server/index";
import { APP_ID, cleanup, createClient, isEvent, KEY, nextEvent, RawClient, SECRET, signedIn, startServer, subscribed } from "./helpers";

afterEach(cleanup);

describe("startup and shutdown", () => {
  it("starts well under a second on a free port bound to 127.0.0.1", async () => {
    const started = Date.now();
    const { server } = await startServer();
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(server.host).toBe("127.0.0.1");
    expect(server.port).toBeGreaterThan(0);
  });

  it("refuses invalid options", async () => {
    await expect(createServer({ appId: "", key: KEY, secret: SECRET, port: 0, logger: silentLogger })).rejects.toThrow(/appId/);
    await expect(
      createServer({ appId: APP_ID, key: KEY, secret: SECRET, port: 0, activityTimeoutSeconds: 0, logger: silentLogger }),
    ).rejects.toThrow(/activityTimeoutSeconds/);
  });

  it("close() sends 4200 to every socket and pusher-js comes back when the server does", async () => {
    const first = await startServer();
    const port = first.port;
    const raw = await RawClient.established(port);
    const client = createClient(port, { user: { id: "returning" } });
    await signedIn(client);
    const { channel } = await subscribed(client, "comeback");
    const states: string[] = [];
    client.connection.bind("state_change", (change: { current: string }) => states.push(change.current));
    const resubscribed = nextEvent(channel, "pusher:subscription_succeeded", 20_000);

    const closing = first.server.close();
    // The replacement binds the port before pusher-js's immediate retry arrives (a restart).
    const second = await startServer({ port });
    expect(await raw.client.closed).toEqual({ code: 4200, reason: "Server is restarting, please reconnect" });
    expect(raw.client.received(isEvent("pusher:error")).at(-1)?.data).toMatchObject({ code: 4200 });
    await closing;

    await resubscribed;
    expect(states.slice(0, 2)).toEqual(["connecting", "connected"]);
    const received = nextEvent(channel, "after-restart");
    await second.sdk.trigger("comeback", "after-restart", { ok: true });
    expect((await received).data).toEqual({ ok: true });
    await client.user.signinDonePromise;
    expect(client.user.user_data).toEqual({ id: "returning" });
  }, 30_000);

  it("close() is idempotent and resolves with no sockets", async () => {
    const { server } = await startServer();
    await Promise.all([server.close(), server.close()]);
  });
});

describe("backpressure", () => {
  it("drops a socket that stops reading instead of buffering without bound", async () => {
    const { port, sdk } = await startServer({ maxBufferedBytesPerSocket: 64 * 1024 });
    const stalled = await RawClient.established(port);
    const healthy = await RawClient.established(port);
    for (const { client } of [stalled, healthy]) {
      client.send({ event: "pusher:subscribe", data: { channel: "firehose" } });
      await client.next(isEvent("pusher_internal:subscription_succeeded"));
    }
    const socket = (stalled.client.ws as unknown as { _socket: Socket })._socket;
    socket.pause();

    let stalledClosed = false;
    void stalled.client.closed.then(() => {
      stalledClosed = true;
    });
    const chunk = "x".repeat(10 * 1024 - 2);
    let batches = 0;
    // Loopback socket buffers absorb a few MB before the server-side buffer starts to grow.
    while (batches < 400) {
      batches += 1;
      await sdk.triggerBatch(Array.from({ length: 10 }, () => ({ channel: "firehose", name: "blob", data: chunk })));
      const info = (await (await sdk.get({ path: "/channels/firehose", params: { info: "subscription_count" } })).json()) as {
        subscription_count: number;
      };
      if (info.subscription_count === 1) break;
    }
    expect(batches).toBeLessThan(400);
    socket.resume();
    await stalled.client.closed;
    expect(stalledClosed).toBe(true);

    healthy.client.send({ event: "pusher:ping", data: {} });
    await healthy.client.next(isEvent("pusher:pong"), 10_000);
    await sdk.trigger("firehose", "small", "ok");
    await healthy.client.next(isEvent("small"), 10_000);
  }, 30_000);
});

/** Opens `count` TCP connections to the port and prints how many completed within `windowMs`. */
const CONNECTOR = `
const net = require("node:net");
const [port, count, windowMs] = process.argv.slice(1).map(Number);
let connected = 0;
const sockets = [];
console.log("connecting");
for (let i = 0; i < count; i++) {
  const socket = net.connect(port, "127.0.0.1", () => connected++);
  socket.on("error", () => {});
  sockets.push(socket);
}
setTimeout(() => { console.log("connected " + connected); process.exit(0); }, windowMs);
`;

/** Linux's cap on any accept queue; 0 elsewhere, where the test is skipped. */
const somaxconn = (() => {
  try {
    return Number(readFileSync("/proc/sys/net/core/somaxconn", "utf8"));
  } catch {
    return 0;
  }
})();
const STORM = 1_000;

describe("reconnect storms", () => {
  it.skipIf(somaxconn < STORM)(
    `queues ${STORM} handshakes while its event loop is busy (Node's default backlog, 511, drops the rest)`,
    async () => {
      expect(LISTEN_BACKLOG).toBeGreaterThanOrEqual(STORM);
      const { port } = await startServer();
      const child = spawn(process.execPath, ["-e", CONNECTOR, String(port), String(STORM), "1500"], {
        stdio: ["ignore", "pipe", "inherit"],
      });
      let output = "";
      const exited = new Promise<void>((resolve) => child.on("exit", () => resolve()));
      await new Promise<void>((resolve) =>
        child.stdout.on("data", (chunk: Buffer) => {
          output += chunk.toString();
          if (output.includes("connecting")) resolve();
        }),
      );
      // The server's event loop is this one: block it while the handshakes arrive, as a burst of
      // work would, so only the kernel's accept queue can hold them.
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 2_500);
      await exited;
      expect(output).toContain(`connected ${STORM}`);
    },
    20_000,
  );
});
