/**
 * Independent Pusher-protocol peers for the interop runs (scripts/test.ts, tests/e2e on soketi):
 * soketi 1.6.1 nodes and a redis-server to join them, each on free ports bound to 127.0.0.1,
 * started by PID and stopped by PID. See ../shared/docs/peers.md for soketi's pitfalls.
 *
 *   peersRequired()          CI=true or REQUIRE_PEERS=1: a missing peer is a failure, not a skip
 *   ensureSoketi()           installs tests/peers/soketi (npm ci, ~300 MB, ~35 s) if missing;
 *                            returns why it can't, or null
 *   startSoketi(options)     one node (webhooks to the app, user authentication on unless told)
 *   findRedisServer()        redis-server's path (apt-get install -y redis-server), or null
 *   startRedis()             a throwaway redis-server: no persistence, loopback only
 *
 * soketi is test-only (AGPL, unmaintained since 2024): it lives in its own folder with its own lock
 * file, never in the app's dependencies, and is installed at test time into its git-ignored
 * node_modules.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

import { freePort } from "./free-port";

const ROOT = path.join(__dirname, "..", "..");
export const SOKETI_DIR = path.join(ROOT, "tests", "peers", "soketi");
export const SOKETI_VERSION = "1.6.1";
const READY_TIMEOUT_MS = 30_000;

export interface PusherApp {
  appId: string;
  key: string;
  secret: string;
}

/** Not the public demo credentials: the app refuses those with NODE_ENV=production. */
export const SOKETI_TEST_APP: PusherApp = { appId: "soketi-e2e-app", key: "soketi-e2e-key", secret: "soketi-e2e-secret-0001" };

export function peersRequired(env: NodeJS.ProcessEnv = process.env): boolean {
  return env.CI === "true" || env.CI === "1" || env.REQUIRE_PEERS === "1";
}

export function soketiInstalled(): boolean {
  return existsSync(path.join(SOKETI_DIR, "node_modules", "@soketi", "soketi", "bin", "server.js"));
}

/** Installs soketi from its own lock file unless it is there already. Returns why it failed, or null. */
export function ensureSoketi(log: (line: string) => void = console.log): string | null {
  if (soketiInstalled()) return null;
  log(`[peers] installing soketi ${SOKETI_VERSION} into ${path.relative(ROOT, SOKETI_DIR)}/node_modules (npm ci, about 300 MB)`);
  const startedAt = Date.now();
  // Its install scripts (aws-sdk, msgpackr-extract, bufferutil, utf-8-validate) are optional: soketi runs without them.
  const npm = spawnSync("npm", ["ci", "--no-audit", "--no-fund", "--ignore-scripts"], {
    cwd: SOKETI_DIR,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
  });
  if (npm.error) return `could not run npm: ${npm.error.message}`;
  if (npm.status !== 0 || !soketiInstalled())
    return `npm ci in ${SOKETI_DIR} failed (exit ${npm.status}):\n${(npm.stderr || npm.stdout).trim().split("\n").slice(-15).join("\n")}`;
  log(`[peers] soketi installed in ${((Date.now() - startedAt) / 1000).toFixed(1)} s`);
  return null;
}

export interface SoketiOptions {
  app?: PusherApp;
  /** The app's /api/pusher/webhook: channel_occupied and channel_vacated go there. */
  webhookUrl?: string;
  /** false reproduces soketi's default: pusher:signin silently ignored. */
  userAuthentication?: boolean;
  /** A cluster node: the Redis adapter on redis-server at 127.0.0.1:redisPort. */
  redisPort?: number;
  /** Keeps clusters on one Redis apart (every node of one cluster uses the same). */
  redisPrefix?: string;
  /** Extra SOKETI_* settings. */
  env?: Record<string, string>;
}

export interface SoketiNode {
  host: "127.0.0.1";
  port: number;
  app: PusherApp;
  pid: number;
  /** Everything it printed so far (for failure messages). */
  output(): string;
  stop(): Promise<void>;
}

export async function startSoketi(options: SoketiOptions = {}): Promise<SoketiNode> {
  const app = options.app ?? SOKETI_TEST_APP;
  const [port, metricsPort, clusterPort] = [await freePort(), await freePort(), await freePort()];
  // Only what soketi needs: it reads every SOKETI_* variable, so none leaks in from the caller.
  const env: NodeJS.ProcessEnv = {
    NODE_ENV: "production",
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    ...options.env,
    APP_ID: app.appId,
    APP_KEY: app.key,
    APP_SECRET: app.secret,
    USER_AUTHENTICATION: String(options.userAuthentication ?? true),
    METRICS_PORT: String(metricsPort),
    CLUSTER_PORT: String(clusterPort),
    // Tests stop nodes on purpose; soketi's default waits 3 s before closing its listeners.
    SOKETI_SHUTDOWN_GRACE_PERIOD: "0",
    ...(options.webhookUrl ? { WEBHOOK_URL: options.webhookUrl } : {}),
    ...(options.redisPort ? { REDIS_PORT: String(options.redisPort), REDIS_PREFIX: options.redisPrefix ?? `soketi-${port}` } : {}),
  };
  const child = spawn("bash", [path.join(SOKETI_DIR, "start.sh"), String(port)], { env, stdio: ["ignore", "pipe", "pipe"] });
  const output = collectOutput(child);
  await waitUntil(child, output, "soketi", (text) => text.includes("Server is up and running"));
  // The banner is printed even when the port was taken in between: ask the node itself.
  const ready = await fetch(`http://127.0.0.1:${port}/ready`).then(
    (r) => r.ok,
    () => false,
  );
  if (!ready) {
    await stopChild(child);
    throw new Error(`soketi printed its banner but answers nothing on 127.0.0.1:${port}:\n${output.text()}`);
  }
  return { host: "127.0.0.1", port, app, pid: child.pid!, output: output.text, stop: () => stopChild(child) };
}

export function findRedisServer(): string | null {
  for (const dir of [...(process.env.PATH ?? "").split(path.delimiter), "/usr/bin", "/usr/sbin"]) {
    if (dir && existsSync(path.join(dir, "redis-server"))) return path.join(dir, "redis-server");
  }
  return null;
}

export interface RedisServer {
  port: number;
  pid: number;
  stop(): Promise<void>;
}

export async function startRedis(): Promise<RedisServer> {
  const binary = findRedisServer();
  if (!binary) throw new Error("redis-server is not installed (apt-get install -y redis-server)");
  const port = await freePort();
  // Its own empty working directory: with --save '' and no AOF it writes nothing, but never the repo.
  const dir = mkdtempSync(path.join(tmpdir(), "redis-peer-"));
  const child = spawn(binary, ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  const output = collectOutput(child);
  await waitUntil(child, output, "redis-server", (text) => text.includes("Ready to accept connections"));
  return {
    port,
    pid: child.pid!,
    async stop() {
      await stopChild(child);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function collectOutput(child: ChildProcess) {
  let text = "";
  const append = (chunk: Buffer) => {
    // Bounded: a chatty peer must not grow the test process without limit.
    text = (text + chunk.toString()).slice(-64 * 1024);
  };
  child.stdout?.on("data", append);
  child.stderr?.on("data", append);
  return { text: () => text, child };
}

function waitUntil(
  child: ChildProcess,
  output: ReturnType<typeof collectOutput>,
  name: string,
  isReady: (text: string) => boolean,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => finish(new Error(`${name} was not ready within ${READY_TIMEOUT_MS / 1000} s:\n${output.text()}`)),
      READY_TIMEOUT_MS,
    );
    const check = () => {
      if (isReady(output.text())) finish();
    };
    const onExit = (code: number | null) => finish(new Error(`${name} exited (${code}) before it was ready:\n${output.text()}`));
    function finish(error?: Error) {
      clearTimeout(timer);
      child.stdout?.off("data", check);
      child.stderr?.off("data", check);
      child.off("exit", onExit);
      if (error) void stopChild(child).then(() => reject(error));
      else resolve();
    }
    child.stdout?.on("data", check);
    child.stderr?.on("data", check);
    child.once("exit", onExit);
    check();
  });
}

/** SIGTERM by PID, SIGKILL after 5 s. */
function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const kill = setTimeout(() => child.kill("SIGKILL"), 5_000);
    child.once("exit", () => {
      clearTimeout(kill);
      resolve();
    });
    child.kill("SIGTERM");
  });
}
