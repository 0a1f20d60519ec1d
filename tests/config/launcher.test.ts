/**
 * `npm start` (scripts/start.ts) refuses unsafe production configuration before anything else
 * runs (no build, database or server needed), and the embedded server the launcher starts has the
 * authorized-connections timeout on.
 */
import { spawn } from "node:child_process";
import { createHmac } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

import { afterAll, describe, expect, it } from "vitest";
import WebSocket from "ws";

import { parseEnv } from "@/lib/config/env-schema";
import { createServer, silentLogger } from "@/lib/realtime-server";
import { embeddedServerOptions } from "@/scripts/support/launch";

const ROOT = resolve(__dirname, "../..");
const SECRET = "launcher-test-secret-launcher-test-0001";
// An empty working directory: no .env to load, no .next build, no data/ to write.
const cwd = mkdtempSync(join(tmpdir(), "launcher-test-"));

afterAll(() => {
  rmSync(cwd, { recursive: true, force: true });
});

/** parseEnv's result for an environment that selects the embedded server. */
function embeddedEnv(source: Record<string, string>) {
  const env = parseEnv(source);
  if (env.pusher.kind !== "embedded") throw new Error(`expected the embedded backend, got ${env.pusher.kind}`);
  return { ...env, pusher: env.pusher };
}

function start(env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(
      process.execPath,
      [join(ROOT, "node_modules/tsx/dist/cli.mjs"), "--tsconfig", join(ROOT, "tsconfig.json"), join(ROOT, "scripts/start.ts")],
      {
        cwd,
        env: { PATH: process.env.PATH ?? "", NODE_ENV: "production", ...env },
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.once("error", reject);
    child.once("exit", (code) => resolvePromise({ code, output }));
  });
}

describe("npm start with NODE_ENV=production", () => {
  it("exits 1 naming every unsafe variable, before looking for a build", async () => {
    const { code, output } = await start({ NODE_ENV: "production", NEXTAUTH_SECRET: SECRET, SEED_DEMO_ACCOUNTS: "true" });
    expect(code).toBe(1);
    expect(output).toMatch(/NEXTAUTH_URL is required in production/);
    expect(output).toMatch(/PUSHER_ALLOW_EMBEDDED /);
    expect(output).toMatch(/PUSHER_SECRET .*"app-secret"/);
    expect(output).toMatch(/DEMO_PASSWORD /);
    expect(output).not.toMatch(/No production build/);
  });

  it("with a safe environment gets past the checks (and only then wants the build)", async () => {
    const { code, output } = await start({
      NODE_ENV: "production",
      NEXTAUTH_SECRET: SECRET,
      NEXTAUTH_URL: "https://chat.example.com",
      PUSHER_APP_ID: "1234567",
      PUSHER_KEY: "0123456789abcdef0123",
      PUSHER_SECRET: "fedcba9876543210fedc",
      PUSHER_CLUSTER: "eu",
    });
    expect(code).toBe(1);
    expect(output).toMatch(/No production build found/);
    expect(output).not.toMatch(/Invalid environment/);
  });
});

describe("the launcher's embedded realtime server", () => {
  it("has the authorized-connections timeout on by default (30 s), counting only a sign-in", () => {
    const options = embeddedServerOptions(embeddedEnv({ NEXTAUTH_SECRET: SECRET }), 3000);
    expect(options.authorizedConnectionsTimeoutMs).toBe(30_000);
    expect(options.authorizedConnectionsRequireSignIn).toBe(true);
    expect(options.webhooks).toEqual([{ url: "http://127.0.0.1:3000/api/pusher/webhook" }]);
  });

  it("takes the limit variables the way npm run realtime does", async () => {
    const { limitsFromEnvironment } = await import("@/lib/realtime-server/server-env");
    const limits = limitsFromEnvironment({ PUSHER_MAX_CONNECTIONS_PER_IP: "2", PUSHER_ALLOWED_ORIGINS: "http://localhost:3000" });
    const options = embeddedServerOptions(embeddedEnv({ NEXTAUTH_SECRET: SECRET }), 3000, limits);
    expect(options).toMatchObject({ maxConnectionsPerIp: 2, allowedOrigins: ["http://localhost:3000"] });
    expect(() => limitsFromEnvironment({ PUSHER_MAX_FRAMES_PER_SECOND: "lots" })).toThrow(/PUSHER_MAX_FRAMES_PER_SECOND/);
  });

  it("closes sockets that never sign in (even one on a private channel) with 4009 once PUSHER_AUTHORIZED_CONNECTIONS_TIMEOUT_MS has passed", async () => {
    const env = embeddedEnv({ NEXTAUTH_SECRET: SECRET, PUSHER_AUTHORIZED_CONNECTIONS_TIMEOUT_MS: "300" });
    const server = await createServer({ ...embeddedServerOptions(env, 3000), port: 0, webhooks: [], logger: silentLogger });
    try {
      const url = `ws://127.0.0.1:${server.port}/app/${env.pusher.key}?protocol=7&client=js&version=8.6.0`;
      const idle = new WebSocket(url);
      // Joins a private channel with a valid signature but never signs in: closed all the same.
      const subscribed = new WebSocket(url);
      const events: string[] = [];
      subscribed.on("message", (raw) => {
        const frame = JSON.parse(String(raw)) as { event: string; data: string };
        events.push(frame.event);
        if (frame.event !== "pusher:connection_established") return;
        const { socket_id: socketId } = JSON.parse(frame.data) as { socket_id: string };
        const channel = "private-connection-test";
        const signature = createHmac("sha256", env.pusher.secret).update(`${socketId}:${channel}`).digest("hex");
        subscribed.send(JSON.stringify({ event: "pusher:subscribe", data: { channel, auth: `${env.pusher.key}:${signature}` } }));
      });
      const openedAt = Date.now();
      const closeCode = (ws: WebSocket) => new Promise<number>((resolveCode) => ws.once("close", (code) => resolveCode(code)));
      expect(await Promise.all([closeCode(idle), closeCode(subscribed)])).toEqual([4009, 4009]);
      expect(events).toContain("pusher_internal:subscription_succeeded");
      expect(Date.now() - openedAt).toBeGreaterThanOrEqual(250);
    } finally {
      await server.close();
    }
  });
});
