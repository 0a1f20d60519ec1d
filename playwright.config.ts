import { rmSync } from "node:fs";

import { defineConfig } from "@playwright/test";

/**
 * End-to-end tests against a production build started by the real launcher (scripts/start.ts):
 * fresh SQLite database, embedded realtime server, seeded demo accounts. `npm test` picks free ports;
 * run alone (`npx playwright test`, after `npm run build`) it uses 3100/6101.
 *
 * With PUSHER_HOST set (and PUSHER_PORT, PUSHER_APP_ID, PUSHER_KEY, PUSHER_SECRET) the app uses that
 * backend instead and the launcher starts no embedded server: `npm test` runs the suite this way on
 * soketi (tests/support/peers.ts), with E2E_BACKEND=soketi for the specs that assert where it differs.
 * Two app instances on one database: playwright.multi.config.ts.
 */
const appPort = Number(process.env.E2E_APP_PORT ?? 3100);
const pusherPort = Number(process.env.E2E_PUSHER_PORT ?? 6101);
const externalBackend = process.env.PUSHER_HOST
  ? {
      PUSHER_HOST: process.env.PUSHER_HOST,
      PUSHER_PORT: requiredEnv("PUSHER_PORT"),
      PUSHER_APP_ID: requiredEnv("PUSHER_APP_ID"),
      PUSHER_KEY: requiredEnv("PUSHER_KEY"),
      PUSHER_SECRET: requiredEnv("PUSHER_SECRET"),
    }
  : null;
const baseURL = `http://localhost:${appPort}`;
// `npm start` refuses the public default in production; tests/e2e/support.ts signs in with this.
const demoPassword = (process.env.DEMO_PASSWORD ??= "e2e-demo-password-0001");

// Every run starts from a fresh SQLite database: a second run must not find the first one's
// messages. Test workers load this file too, and must not touch the running server's database.
if (!process.env.E2E_DATABASE_URL && process.env.TEST_WORKER_INDEX === undefined) {
  rmSync("tmp/e2e", { recursive: true, force: true });
}

export default defineConfig({
  testDir: "tests/e2e",
  // Needs two app instances: playwright.multi.config.ts runs it.
  testIgnore: ["**/multi-instance.spec.ts"],
  fullyParallel: false,
  workers: 1,
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: process.env.CI ? [["list"]] : [["list"], ["html", { open: "never" }]],
  use: {
    baseURL,
    trace: "retain-on-failure",
    launchOptions: {
      // Playwright can't download its own browser offline; Debian's chromium is installed by .ci/run.
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: [
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--disable-gpu",
      ],
    },
  },
  webServer: {
    command: "node node_modules/tsx/dist/cli.mjs scripts/start.ts",
    url: `${baseURL}/login`,
    timeout: 120_000,
    reuseExistingServer: false,
    stdout: "pipe",
    stderr: "pipe",
    env: {
      NODE_ENV: "production",
      PORT: String(appPort),
      APP_BIND_HOST: "127.0.0.1",
      NEXTAUTH_URL: baseURL,
      NEXTAUTH_SECRET: "e2e-only-secret-e2e-only-secret-e2e-0001",
      // scripts/test.ts sets E2E_DATABASE_URL for its PostgreSQL pass.
      DATABASE_URL: process.env.E2E_DATABASE_URL ?? "file:./tmp/e2e/app.db",
      // The embedded server in production: opted in, with credentials of its own (parseEnv refuses
      // the public demo ones). Or the external backend given in the environment.
      ...(externalBackend ?? {
        PUSHER_ALLOW_EMBEDDED: "true",
        PUSHER_APP_ID: "e2e-app",
        PUSHER_KEY: "e2e-key",
        PUSHER_SECRET: "e2e-secret-e2e-secret-0001",
        PUSHER_PORT: String(pusherPort),
      }),
      SEED_DEMO_ACCOUNTS: "true",
      DEMO_PASSWORD: demoPassword,
    },
  },
});

function requiredEnv(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`playwright.config.ts: PUSHER_HOST is set, so ${name} must be set too (the external backend's)`);
  return value;
}
