/**
 * The embedded realtime server next to soketi 1.6, in the same run, on the same load: N raw
 * WebSocket clients connect (phase 1), then each signs in with `pusher:signin` carrying the
 * user_data the app signs (id, user_info with name and email, a watchlist of 100 user ids) and
 * joins #server-to-user-{id} as pusher-js does (phase 2). Server CPU per phase from /proc (soketi's
 * uWebSockets work happens in the same process), RSS from /proc after each phase has been idle for
 * 2 s. Neither server gets a forced GC: the figures are what a process monitor would show.
 */
import { join, resolve } from "node:path";
import { performance } from "node:perf_hooks";

import Pusher from "pusher";
import WebSocket from "ws";

import { serverToUserChannel } from "../../lib/pusher/channel-names";

import { freePort } from "../../tests/support/free-port";
import { BenchProcess, spawnRealtime, type AppCredentials } from "./app-process";
import { sleep, withTimeout } from "./timeouts";

export const SOKETI_DIR = resolve("tmp", "bench-soketi");

export interface BackendFigures {
  backend: string;
  variant: UserDataVariant;
  connections: number;
  freshRssBytes: number;
  connectedRssBytes: number;
  signedInRssBytes: number;
  /** (signed-in RSS − fresh RSS) / N. */
  rssPerSignedInConnectionBytes: number;
  /** (signed-in RSS − connected RSS) / N: what sign-in state adds per socket. */
  rssPerSigninBytes: number;
  connectCpuMicrosPerConnection: number;
  signinCpuMicrosPerSignin: number;
  connectMs: number;
  signinMs: number;
}

/** soketi 1.6.1 from tmp/bench-soketi (a copy of ../shared/peers/soketi), with that recipe's loopback-only start.sh. */
function spawnSoketi(credentials: AppCredentials, port: number): BenchProcess {
  // start.sh pins every listener (and cluster discovery) to 127.0.0.1 and execs node, so the PID is soketi's.
  const env = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    NODE_ENV: "production" as const,
    APP_ID: credentials.appId,
    APP_KEY: credentials.key,
    APP_SECRET: credentials.secret,
    USER_AUTHENTICATION: "true",
    SOKETI_SHUTDOWN_GRACE_PERIOD: "0",
  };
  return BenchProcess.spawnCommand("soketi", "bash", [resolve(SOKETI_DIR, "start.sh"), String(port)], env);
}

/**
 * The user_data the app's /pusher/user-auth signs: id, name and email, and (variant "watchlist")
 * 100 watched ids. soketi 1.6 ignores watchlists, so "plain" is the like-for-like comparison.
 */
export type UserDataVariant = "plain" | "watchlist";

function appUserData(index: number, users: number, variant: UserDataVariant): string {
  const id = (n: number) => `bench-user-${String(n % users).padStart(6, "0")}`;
  return JSON.stringify({
    id: id(index),
    user_info: { name: `Bench User ${String(index % users).padStart(6, "0")}`, email: `user${index % users}@bench.test` },
    ...(variant === "watchlist" ? { watchlist: Array.from({ length: 100 }, (_, k) => id(index + k + 1)) } : {}),
  });
}

interface RawClient {
  ws: WebSocket;
  socketId: string;
  index: number;
}

async function inBatches<T>(count: number, concurrency: number, task: (index: number) => Promise<T>): Promise<T[]> {
  const results = new Array<T>(count);
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const index = next++;
      results[index] = await task(index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  return results;
}

function connectOne(url: string, index: number): Promise<RawClient> {
  return new Promise((resolveClient, reject) => {
    const ws = new WebSocket(url, { perMessageDeflate: false, handshakeTimeout: 30_000 });
    const timer = setTimeout(() => reject(new Error(`client ${index}: no connection_established in 30 s`)), 30_000);
    ws.on("error", (error) => reject(new Error(`client ${index}: ${error.message}`)));
    ws.on("message", function first(data: Buffer) {
      const frame = JSON.parse(data.toString("utf8")) as { event: string; data: string };
      if (frame.event !== "pusher:connection_established") return;
      clearTimeout(timer);
      ws.off("message", first);
      // Answer pings so neither server drops an idle socket during the run.
      ws.on("message", (raw: Buffer) => {
        if (raw.toString("utf8").includes('"pusher:ping"')) ws.send('{"event":"pusher:pong","data":{}}');
      });
      resolveClient({ ws, socketId: (JSON.parse(frame.data) as { socket_id: string }).socket_id, index });
    });
  });
}

function signinOne(client: RawClient, pusher: Pusher, users: number, variant: UserDataVariant): Promise<void> {
  const userData = appUserData(client.index, users, variant);
  const userId = (JSON.parse(userData) as { id: string }).id;
  const auth = pusher.authenticateUser(client.socketId, JSON.parse(userData) as { id: string });
  return new Promise((resolveSignin, reject) => {
    const timer = setTimeout(() => reject(new Error(`client ${client.index}: no signin_success/subscription in 30 s`)), 30_000);
    const onMessage = (raw: Buffer) => {
      const text = raw.toString("utf8");
      if (text.includes('"pusher:signin_success"')) {
        client.ws.send(JSON.stringify({ event: "pusher:subscribe", data: { auth: "", channel: serverToUserChannel(userId) } }));
      } else if (text.includes("pusher_internal:subscription_succeeded")) {
        clearTimeout(timer);
        client.ws.off("message", onMessage);
        resolveSignin();
      } else if (text.includes('"pusher:error"') && !text.includes("4302")) {
        clearTimeout(timer);
        reject(new Error(`client ${client.index}: ${text.slice(0, 200)}`));
      }
    };
    client.ws.on("message", onMessage);
    client.ws.send(JSON.stringify({ event: "pusher:signin", data: { auth: auth.auth, user_data: auth.user_data } }));
  });
}

async function measure(
  backend: string,
  server: BenchProcess,
  port: number,
  credentials: AppCredentials,
  connections: number,
  variant: UserDataVariant,
): Promise<BackendFigures> {
  await sleep(2_000);
  const freshRssBytes = server.rssBytes();
  const url = `ws://127.0.0.1:${port}/app/${credentials.key}?protocol=7&client=js&version=8.6.0`;
  const pusher = new Pusher({
    appId: credentials.appId,
    key: credentials.key,
    secret: credentials.secret,
    host: "127.0.0.1",
    port: String(port),
    useTLS: false,
  });
  const users = Math.max(1, Math.ceil(connections / 5));

  let cpu = server.cpuMs();
  let startedAt = performance.now();
  const clients = await inBatches(connections, 200, (index) => connectOne(url, index));
  const connectMs = performance.now() - startedAt;
  const connectCpuMs = server.cpuMs() - cpu;
  await sleep(2_000);
  const connectedRssBytes = server.rssBytes();

  cpu = server.cpuMs();
  startedAt = performance.now();
  await inBatches(clients.length, 200, (index) => signinOne(clients[index]!, pusher, users, variant));
  const signinMs = performance.now() - startedAt;
  const signinCpuMs = server.cpuMs() - cpu;
  await sleep(2_000);
  const signedInRssBytes = server.rssBytes();

  for (const client of clients) client.ws.terminate();
  return {
    backend,
    variant,
    connections,
    freshRssBytes,
    connectedRssBytes,
    signedInRssBytes,
    rssPerSignedInConnectionBytes: (signedInRssBytes - freshRssBytes) / connections,
    rssPerSigninBytes: (signedInRssBytes - connectedRssBytes) / connections,
    connectCpuMicrosPerConnection: (connectCpuMs * 1000) / connections,
    signinCpuMicrosPerSignin: (signinCpuMs * 1000) / connections,
    connectMs,
    signinMs,
  };
}

/**
 * Embedded, soketi, then the bare-ws floor server (ws-floor-server.ts): one fresh process each, the
 * same N, the same load from this process.
 */
export async function compareWithSoketi(
  connections: number,
  credentials: AppCredentials,
  log: (line: string) => void,
  options: { variants?: UserDataVariant[]; embeddedNodeArgs?: string[] } = {},
): Promise<BackendFigures[]> {
  const results: BackendFigures[] = [];
  for (const variant of options.variants ?? (["plain", "watchlist"] as const)) {
    for (const backend of ["embedded", "soketi 1.6.1", "bare ws (floor)"] as const) {
      const port = await freePort();
      const server =
        backend === "embedded"
          ? // soketi has no authorized-connections timeout, and phase 1 holds unsigned sockets for its whole length.
            spawnRealtime(credentials, port, "", options.embeddedNodeArgs, { PUSHER_AUTHORIZED_CONNECTIONS_TIMEOUT_MS: "off" })
          : backend === "soketi 1.6.1"
            ? spawnSoketi(credentials, port)
            : BenchProcess.spawn(
                backend,
                ["--import", "tsx", join(__dirname, "ws-floor-server.ts"), String(port), credentials.key, credentials.secret],
                process.env,
              );
      try {
        await server.waitReady(port, 60_000);
        log(`${backend}, ${variant} user_data: ${connections} connections, then sign-ins`);
        results.push(
          await withTimeout(
            measure(backend, server, port, credentials, connections, variant),
            10 * 60_000,
            `${backend} sign-in comparison`,
          ),
        );
      } finally {
        await server.stop(10_000);
      }
    }
  }
  return results;
}
