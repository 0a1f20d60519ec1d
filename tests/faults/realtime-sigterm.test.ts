/**
 * SIGTERM to the standalone realtime server started the way an operator starts it, `npm run
 * realtime` (npm → sh → the script), with sockets open and channels occupied: every socket must
 * see close 4200 (pusher-js reconnects to the next server) and every channel_vacated webhook must
 * reach the webhook receiver before the process exits. The signal goes to npm's PID (what a
 * process manager or `kill <pid>` does) and, separately, to the whole process group (what a
 * terminal's Ctrl-C or systemd's KillMode=control-group does). Three runs each: under `tsx`'s
 * signal relay the process was SIGKILLed mid-shutdown in two runs of three.
 */
import { spawn } from "node:child_process";
import { resolve } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import WebSocket from "ws";

import { cleanup, WebhookReceiver, withTimeout } from "@/tests/realtime/helpers";

const ROOT = resolve(__dirname, "../..");
const SOCKETS = 200;
const RUNS = 3;
const KEY = "sigterm-key";
const started: number[] = [];

afterEach(async () => {
  for (const pid of started.splice(0)) {
    try {
      process.kill(-pid, "SIGKILL");
    } catch {
      // Already gone, as it should be.
    }
  }
  await cleanup();
});

function startNpmRealtime(webhookUrl: string) {
  const env: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(process.env)) if (!name.startsWith("PUSHER_") && !name.startsWith("npm_")) env[name] = value;
  Object.assign(env, {
    PUSHER_APP_ID: "sigterm",
    PUSHER_KEY: KEY,
    PUSHER_SECRET: "sigterm-secret",
    PUSHER_PORT: "0",
    PUSHER_WEBHOOK_URLS: webhookUrl,
    PUSHER_AUTHORIZED_CONNECTIONS_TIMEOUT_MS: "off",
  });
  // detached: its own process group (pgid = npm's pid), as under a process manager.
  const child = spawn("npm", ["run", "--silent", "realtime"], {
    cwd: ROOT,
    env: env as NodeJS.ProcessEnv,
    detached: true,
    stdio: ["ignore", "ignore", "pipe"],
  });
  started.push(child.pid!);
  let stderr = "";
  const port = new Promise<number>((resolvePort, reject) => {
    child.stderr!.on("data", (chunk: Buffer) => {
      stderr += chunk.toString("utf8");
      const line = stderr.split("\n").find((entry) => entry.includes('"realtime server listening"'));
      if (line) resolvePort((JSON.parse(line) as { port: number }).port);
    });
    child.once("exit", (code) => reject(new Error(`exited with ${code} before listening: ${stderr}`)));
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolveExit) =>
    child.once("exit", (code, signal) => resolveExit({ code, signal })),
  );
  return { pid: child.pid!, port, exited, stderr: () => stderr };
}

/** A raw socket subscribed to its own public channel; resolves once subscribed, with its close code to come. */
function openSubscribed(port: number, channel: string): Promise<{ closed: Promise<number> }> {
  const ws = new WebSocket(`ws://127.0.0.1:${port}/app/${KEY}?protocol=7&client=js&version=8.6.0`, { perMessageDeflate: false });
  const closed = new Promise<number>((resolveClose) => ws.once("close", (code) => resolveClose(code)));
  return new Promise((resolveOpen, reject) => {
    ws.once("error", reject);
    ws.on("message", (data: Buffer) => {
      const frame = JSON.parse(data.toString("utf8")) as { event: string };
      if (frame.event === "pusher:connection_established") ws.send(JSON.stringify({ event: "pusher:subscribe", data: { channel } }));
      if (frame.event === "pusher_internal:subscription_succeeded") resolveOpen({ closed });
    });
  });
}

async function shutdownRun(target: "pid" | "group", run: number) {
  const receiver = await WebhookReceiver.start();
  const server = startNpmRealtime(receiver.url);
  const port = await withTimeout(server.port, 30_000, "listening");
  const channels = Array.from({ length: SOCKETS }, (_, i) => `sigterm-${run}-${i}`);
  const closes: Promise<number>[] = [];
  for (let start = 0; start < SOCKETS; start += 50)
    closes.push(
      ...(await Promise.all(channels.slice(start, start + 50).map((channel) => openSubscribed(port, channel)))).map(({ closed }) => closed),
    );
  const occupied = () =>
    new Set(
      receiver
        .events()
        .filter((e) => e.name === "channel_occupied")
        .map((e) => e.channel),
    ).size;
  await withTimeout(
    (async () => {
      while (occupied() < SOCKETS) await new Promise((r) => setTimeout(r, 20));
    })(),
    10_000,
    "channel_occupied webhooks",
  );

  process.kill(target === "group" ? -server.pid : server.pid, "SIGTERM");
  const exit = await withTimeout(server.exited, 15_000, "exit");
  // Read at the moment npm exited: the deliveries must have been made by then.
  const vacated = new Set(
    receiver
      .events()
      .filter((e) => e.name === "channel_vacated")
      .map((e) => e.channel),
  );
  const codes = await withTimeout(Promise.all(closes), 5_000, "socket closes");
  const byCode = codes.reduce<Record<number, number>>((counts, code) => ({ ...counts, [code]: (counts[code] ?? 0) + 1 }), {});
  return { exit, byCode, vacated: vacated.size, stderr: server.stderr() };
}

describe("SIGTERM to `npm run realtime`", () => {
  it.each(["pid", "group"] as const)(
    `closes all ${SOCKETS} sockets with 4200 and delivers every channel_vacated before exiting (signal to the %s, ${RUNS} runs)`,
    async (target) => {
      for (let run = 0; run < RUNS; run += 1) {
        const result = await shutdownRun(target, run);
        expect({ run, byCode: result.byCode, vacated: result.vacated }, result.stderr.slice(-2_000)).toEqual({
          run,
          byCode: { 4200: SOCKETS },
          vacated: SOCKETS,
        });
        expect(result.stderr).toContain('"realtime server stopped"');
        await cleanup();
      }
    },
    120_000,
  );
});
