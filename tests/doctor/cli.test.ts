/**
 * `npm run doctor` as a user runs it: `tsx scripts/doctor.ts` in its own process, configured only
 * through its environment, against the embedded realtime server whose webhooks reach the app's real
 * handler (the harness). Run from an empty directory so no developer's .env leaks in.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { APP, NEXTAUTH_SECRET, startHarness, type Harness } from "@/tests/support/app-harness";

const ROOT = join(import.meta.dirname, "..", "..");
const TSX = join(ROOT, "node_modules", ".bin", "tsx");

let harness: Harness;
let cwd: string;

beforeAll(async () => {
  harness = await startHarness();
  cwd = mkdtempSync(join(tmpdir(), "doctor-cli-"));
});
afterAll(async () => {
  await harness.close();
  rmSync(cwd, { recursive: true, force: true });
});

function runDoctorCli(overrides: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH ?? "",
    NODE_ENV: "test",
    NEXTAUTH_SECRET,
    NEXTAUTH_URL: new URL(harness.webhookUrl!).origin,
    PUSHER_APP_ID: APP.appId,
    PUSHER_KEY: APP.key,
    PUSHER_SECRET: APP.secret,
    PUSHER_HOST: "127.0.0.1",
    PUSHER_PORT: String(harness.realtimePort),
    ...overrides,
  };
  return new Promise((resolve, reject) => {
    const child = spawn(TSX, [join(ROOT, "scripts", "doctor.ts")], { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("error", reject);
    child.on("exit", (code) => resolve({ code, stdout, stderr }));
  });
}

describe("npm run doctor", () => {
  it("exits 0 against a correctly configured embedded server and prints an ok line per check", async () => {
    const { code, stdout, stderr } = await runDoctorCli({});
    expect(stderr).toBe("");
    for (const name of [
      "credentials",
      "clock skew",
      "websocket",
      "user authentication",
      "send to user",
      "watchlist events",
      "terminate connections",
      "client events",
      "app webhook endpoint",
      "webhooks",
    ]) {
      expect(stdout).toMatch(new RegExp(`^ok {4}${name} `, "m"));
    }
    expect(stdout).toMatch(/^warn  authorized connections /m);
    expect(stdout).not.toMatch(/^fail /m);
    expect(code).toBe(0);
  }, 30_000);

  it("exits 1 with a wrong secret, naming PUSHER_SECRET", async () => {
    const { code, stdout } = await runDoctorCli({ PUSHER_SECRET: "not-the-secret-0123456789" });
    expect(stdout).toMatch(/^fail  credentials +wrong secret/m);
    expect(stdout).toMatch(/→ PUSHER_SECRET: /);
    expect(code).toBe(1);
  }, 30_000);

  it("exits 1 naming the variable when the environment itself is invalid", async () => {
    const { code, stdout } = await runDoctorCli({ PUSHER_PORT: "not-a-port" });
    expect(stdout).toMatch(/^fail  environment /m);
    expect(stdout).toMatch(/PUSHER_PORT/);
    expect(code).toBe(1);
  }, 30_000);
});
