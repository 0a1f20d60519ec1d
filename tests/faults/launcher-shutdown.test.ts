/**
 * The launcher's shutdown (scripts/support/launch.ts installShutdown) with its real parts: the
 * embedded realtime server with subscribed sockets and a webhook receiver, and a child process in
 * Next's place that exits on SIGTERM at once, as `next start` does. Signalled as a process group,
 * the child exits first; the launcher must still close every socket with 4200 and deliver every
 * channel_vacated before it exits.
 */
import { spawn } from "node:child_process";
import { EventEmitter } from "node:events";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";

import { installShutdown } from "@/scripts/support/launch";
import { cleanup, RawClient, startServer, withTimeout } from "@/tests/realtime/helpers";

afterEach(cleanup);

/**
 * A webhook receiver that takes RESPONSE_DELAY_MS to answer, like an app busy with its own
 * shutdown: the realtime server's close() then outlasts Next's exit, which is the race the old
 * launcher lost (it exited as soon as Next did).
 */
const RESPONSE_DELAY_MS = 300;
async function startSlowReceiver() {
  const events: { name: string; channel: string }[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () =>
      setTimeout(() => {
        events.push(...(JSON.parse(Buffer.concat(chunks).toString("utf8")) as { events: { name: string; channel: string }[] }).events);
        res.writeHead(200).end();
      }, RESPONSE_DELAY_MS),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/pusher/webhook`,
    events: () => events,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const SOCKETS = 50;

function startFakeNext() {
  const child = spawn(
    process.execPath,
    ["-e", "process.on('SIGTERM', () => process.exit(0)); setInterval(() => {}, 1000); console.log('up')"],
    { stdio: ["ignore", "pipe", "ignore"] },
  );
  const up = new Promise<void>((resolve) => child.stdout!.once("data", () => resolve()));
  return { child, up };
}

describe("the launcher's shutdown", () => {
  it.each(["group", "launcher only"] as const)(
    "closes every socket with 4200 and delivers the webhooks before exiting (signal to the %s)",
    async (target) => {
      const receiver = await startSlowReceiver();
      const { server, port } = await startServer({ webhooks: [{ url: receiver.url }] });
      const clients = await Promise.all(Array.from({ length: SOCKETS }, async () => (await RawClient.established(port)).client));
      await Promise.all(
        clients.map(async (client, i) => {
          client.send({ event: "pusher:subscribe", data: { channel: `launch-${i}` } });
          await client.next((frame) => frame.event === "pusher_internal:subscription_succeeded");
        }),
      );
      await withTimeout(
        (async () => {
          while (receiver.events().filter((e) => e.name === "channel_occupied").length < SOCKETS)
            await new Promise((r) => setTimeout(r, 20));
        })(),
        10_000,
        "channel_occupied",
      );

      const next = startFakeNext();
      await next.up;
      const signals = new EventEmitter();
      let vacatedAtExit = -1;
      const exited = new Promise<number>((resolve) =>
        installShutdown(next.child, server, {
          signals,
          exit: (code) => {
            vacatedAtExit = receiver.events().filter((e) => e.name === "channel_vacated").length;
            resolve(code);
          },
        }),
      );

      // The launcher's handler runs, then (group signal) Next gets the same signal and exits at once;
      // "launcher only" is a kill <launcher pid>, and the launcher stops Next itself.
      signals.emit("SIGTERM");
      if (target === "group") next.child.kill("SIGTERM");
      expect(await withTimeout(exited, 10_000, "launcher exit")).toBe(0);
      expect(vacatedAtExit).toBe(SOCKETS);
      const codes = await Promise.all(clients.map((client) => client.closed));
      expect(new Set(codes.map((close) => close.code))).toEqual(new Set([4200]));
      expect(next.child.exitCode ?? next.child.signalCode).not.toBeNull();
      await receiver.close();
    },
  );
});
