/**
 * scripts/realtime.ts as a separate process: environment handling, graceful SIGTERM, and the
 * memory cost of idle connections measured on the server process alone.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { withTimeout } from "./helpers";

const ROOT = resolve(__dirname, "../..");
const children: ChildProcess[] = [];
const sockets: WebSocket[] = [];

afterEach(() => {
  for (const socket of sockets.splice(0)) socket.terminate();
  for (const child of children.splice(0)) if (child.exitCode === null && child.pid !== undefined) child.kill("SIGKILL");
});

function startScript(env: Record<string, string>) {
  // The runner's own PUSHER_* settings must not leak into the scenario under test.
  const childEnv: NodeJS.ProcessEnv = { ...process.env };
  for (const name of Object.keys(childEnv)) if (name.startsWith("PUSHER_")) delete childEnv[name];
  Object.assign(childEnv, env);
  const child = spawn(process.execPath, ["--import", "tsx", "scripts/realtime.ts"], {
    cwd: ROOT,
    env: childEnv,
    stdio: ["ignore", "ignore", "pipe"],
  });
  children.push(child);
  let stderr = "";
  const listeningLine = new Promise<ListeningLine>((resolveLine, reject) => {
    child.stderr?.on("data", (chunk: Buffer) => {
      stderr += chunk.toString("utf8");
      const line = stderr.split("\n").find((entry) => entry.includes('"realtime server listening"'));
      if (line) resolveLine(JSON.parse(line) as ListeningLine);
    });
    child.once("exit", (code) => reject(new Error(`exited with ${code}: ${stderr}`)));
  });
  const listening = listeningLine.then((line) => line.port);
  // Only the tests that wait for the port care; the others await `exited`.
  listeningLine.catch(() => {});
  listening.catch(() => {});
  const exited = new Promise<number | null>((resolveExit) => child.once("exit", (code) => resolveExit(code)));
  return { child, listening, listeningLine, exited, stderr: () => stderr };
}

interface ListeningLine {
  port: number;
  authorizedConnectionsTimeoutMs: number | null;
  maxConnections: number | null;
  maxConnectionsPerIp: number | null;
  allowedOrigins: string[] | null;
}

function rssBytes(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const match = /VmRSS:\s+(\d+) kB/.exec(status);
  return Number(match?.[1] ?? 0) * 1024;
}

async function openIdle(port: number, count: number, concurrency = 100): Promise<WebSocket[]> {
  const opened: WebSocket[] = [];
  for (let start = 0; start < count; start += concurrency) {
    const batch = Array.from({ length: Math.min(concurrency, count - start) }, () => {
      const ws = new WebSocket(`ws://127.0.0.1:${port}/app/standalone-key?protocol=7&client=js&version=8.6.0`, {
        perMessageDeflate: false,
      });
      sockets.push(ws);
      return new Promise<WebSocket>((resolveSocket, reject) => {
        ws.once("message", () => resolveSocket(ws));
        ws.once("error", reject);
      });
    });
    opened.push(...(await Promise.all(batch)));
  }
  return opened;
}

const CREDENTIALS = { PUSHER_APP_ID: "standalone", PUSHER_KEY: "standalone-key", PUSHER_SECRET: "standalone-secret", PUSHER_PORT: "0" };

describe("scripts/realtime.ts", () => {
  it("fails fast naming the missing variable", async () => {
    const script = startScript({ PUSHER_KEY: "only-key" });
    expect(await withTimeout(script.exited, 15_000, "exit")).toBe(1);
    expect(script.stderr()).toMatch(/missing required environment variable PUSHER_APP_ID, PUSHER_SECRET/);
  }, 20_000);

  it("turns on the authorized-connections timeout (30 s) and applies the limit variables", async () => {
    const defaults = startScript(CREDENTIALS);
    expect(await withTimeout(defaults.listeningLine, 15_000, "listening")).toMatchObject({
      authorizedConnectionsTimeoutMs: 30_000,
      maxConnections: null,
      maxConnectionsPerIp: null,
      allowedOrigins: null,
    });
    defaults.child.kill("SIGTERM");

    const limited = startScript({ ...CREDENTIALS, PUSHER_MAX_CONNECTIONS_PER_IP: "1", PUSHER_AUTHORIZED_CONNECTIONS_TIMEOUT_MS: "off" });
    const line = await withTimeout(limited.listeningLine, 15_000, "listening");
    expect(line).toMatchObject({ authorizedConnectionsTimeoutMs: null, maxConnectionsPerIp: 1 });
    await openIdle(line.port, 1);
    const refused = new WebSocket(`ws://127.0.0.1:${line.port}/app/standalone-key?protocol=7`);
    sockets.push(refused);
    expect(await new Promise<number>((resolveClose) => refused.once("close", (code) => resolveClose(code)))).toBe(4004);
    await withTimeout(
      new Promise<void>((resolveLog) => {
        const check = () => limited.stderr().includes("connection refused") && resolveLog();
        check();
        limited.child.stderr?.on("data", check);
      }),
      5_000,
      "refusal log line",
    );
  }, 40_000);

  it("serves idle connections cheaply and shuts down gracefully on SIGTERM with 4200", async () => {
    // Idle sockets never sign in; without this the 30 s authorized-connections default could
    // close them with 4009 on a slow machine before SIGTERM is sent.
    const script = startScript({ ...CREDENTIALS, PUSHER_AUTHORIZED_CONNECTIONS_TIMEOUT_MS: "off" });
    const port = await withTimeout(script.listening, 15_000, "listening");
    const pid = script.child.pid ?? 0;

    await openIdle(port, 200); // warm-up: JIT, buffers and pools that every server allocates once
    const before = rssBytes(pid);
    const count = 2_000;
    const idle = await openIdle(port, count);
    const perConnection = (rssBytes(pid) - before) / count;
    console.info(`realtime server RSS per idle connection: ${(perConnection / 1024).toFixed(1)} KiB`);
    expect(perConnection).toBeLessThan(16 * 1024);

    const closes = idle.slice(0, 50).map((ws) => new Promise<number>((resolveClose) => ws.once("close", (code) => resolveClose(code))));
    script.child.kill("SIGTERM");
    expect(await withTimeout(script.exited, 10_000, "exit")).toBe(0);
    expect(new Set(await Promise.all(closes))).toEqual(new Set([4200]));
    expect(script.stderr()).not.toContain("standalone-secret");
  }, 40_000);
});
