import { defineConfig } from "@playwright/test";

import base from "./playwright.config";

/**
 * Several stateless app instances, as "Deployment" in the README describes them: instance A and
 * instance B (two ports, two host names so the browser keeps their cookies apart) on one PostgreSQL
 * database, both started by the real launcher from the same production build.
 *
 * The realtime backend is either
 *   - one standalone realtime server (`npm run realtime`'s script) both instances use, its webhooks
 *     delivered to both instances (each event twice: handlers must be idempotent across instances);
 *   - or, with PUSHER_HOST set, two nodes of a soketi cluster joined by Redis, started by the caller
 *     (scripts/test.ts, tests/support/peers.ts): instance A on node A (PUSHER_PORT), instance B on
 *     node B (E2E_PUSHER_B_PORT). The caller points node A's webhooks at instance B and node B's at
 *     instance A, so each instance handles webhooks for the other's sockets.
 *
 *   E2E_DATABASE_URL=postgresql://… npx playwright test -c playwright.multi.config.ts
 */
const databaseUrl = process.env.E2E_DATABASE_URL;
if (!databaseUrl?.startsWith("postgres")) {
  throw new Error(
    "playwright.multi.config.ts: set E2E_DATABASE_URL to an empty PostgreSQL database (postgresql://…): the instances share it",
  );
}
const portA = Number(process.env.E2E_APP_PORT ?? 3100);
const portB = Number((process.env.E2E_APP_B_PORT ??= "3101"));
const realtimePort = Number(process.env.E2E_PUSHER_PORT ?? 6101);
const urlA = `http://localhost:${portA}`;
const urlB = `http://127.0.0.1:${portB}`;
const webhookPath = "/api/pusher/webhook";

const cluster = process.env.PUSHER_HOST
  ? {
      host: process.env.PUSHER_HOST,
      portA: required("PUSHER_PORT"),
      portB: required("E2E_PUSHER_B_PORT"),
      appId: required("PUSHER_APP_ID"),
      key: required("PUSHER_KEY"),
      secret: required("PUSHER_SECRET"),
    }
  : null;
const app = cluster ?? { appId: "e2e-multi-app", key: "e2e-multi-key", secret: "e2e-multi-secret-0001" };

const baseServer = Array.isArray(base.webServer) ? base.webServer[0]! : base.webServer!;

function instance(port: number, url: string, pusherPort: string | number) {
  return {
    ...baseServer,
    url: `${url}/login`,
    env: {
      ...baseServer.env,
      PORT: String(port),
      NEXTAUTH_URL: url,
      DATABASE_URL: databaseUrl!,
      PUSHER_HOST: cluster?.host ?? "127.0.0.1",
      PUSHER_PORT: String(pusherPort),
      PUSHER_APP_ID: app.appId,
      PUSHER_KEY: app.key,
      PUSHER_SECRET: app.secret,
      PUSHER_ALLOW_EMBEDDED: "",
    },
  };
}

// Instances start one after the other (Playwright starts web servers in order), so only A migrates
// and seeds; B finds the database ready.
const realtimeServer = {
  command: "node node_modules/tsx/dist/cli.mjs scripts/realtime.ts",
  port: realtimePort,
  timeout: 30_000,
  reuseExistingServer: false,
  stdout: "pipe" as const,
  stderr: "pipe" as const,
  env: {
    PUSHER_APP_ID: app.appId,
    PUSHER_KEY: app.key,
    PUSHER_SECRET: app.secret,
    PUSHER_PORT: String(realtimePort),
    PUSHER_BIND_HOST: "127.0.0.1",
    // 127.0.0.1 for both: "localhost" may resolve to ::1 first, where the instances don't listen.
    PUSHER_WEBHOOK_URLS: `http://127.0.0.1:${portA}${webhookPath},http://127.0.0.1:${portB}${webhookPath}`,
  },
};

export default defineConfig({
  ...base,
  testIgnore: [],
  testMatch: ["multi-instance.spec.ts"],
  use: { ...base.use, baseURL: urlA },
  webServer: cluster
    ? [instance(portA, urlA, cluster.portA), instance(portB, urlB, cluster.portB)]
    : [realtimeServer, instance(portA, urlA, realtimePort), instance(portB, urlB, realtimePort)],
});

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`playwright.multi.config.ts: PUSHER_HOST is set (a soketi cluster), so ${name} must be set too`);
  return value;
}
