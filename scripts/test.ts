/**
 * `npm test`: the whole suite, the same on a laptop and in CI.
 *   0. ESLint, the Prettier check (`npm run format` fixes it), the TypeScript compiler, and the lock
 *      file check (`npm run check:lock`).
 *   1. Vitest: unit and integration tests (real SQLite/PostgreSQL, real realtime server, official SDKs).
 *   2. A production build of the app, then Playwright end-to-end tests in Chromium against it.
 * When PostgreSQL is installed, the integration suites and the browser tests run a second time
 * with the app on PostgreSQL.
 *   3. On independent peers (tests/support/peers.ts): the browser suite on soketi 1.6.1, the doctor
 *      against soketi (passing, and failing with user authentication off), two app instances on one
 *      PostgreSQL, and two app instances on a two-node soketi cluster joined by Redis. soketi is
 *      installed at test time into tests/peers/soketi/node_modules. Locally a peer that can't be
 *      installed (soketi, redis-server, PostgreSQL) skips its steps with the reason; with CI=true or
 *      REQUIRE_PEERS=1 it is a failure.
 * Arguments after `--` go to Vitest, e.g. `npm test -- tests/realtime`; `--skip-e2e` skips steps 2-3.
 */
import { rmSync } from "node:fs";
import { join } from "node:path";

import { freePort } from "../tests/support/free-port";
import { findPostgresBinDir, startPostgresServer } from "../tests/support/postgres";
import { peerSteps } from "./support/peer-steps";
import { printSummary, runStep, type StepResult } from "./support/run-step";

const args = process.argv.slice(2);
// Offline machines and CI: keep Next's build and server from trying to send telemetry.
process.env.NEXT_TELEMETRY_DISABLED ??= "1";
const skipE2e = args.includes("--skip-e2e") || process.env.SKIP_E2E === "true";
const vitestArgs = args.filter((a) => a !== "--skip-e2e");

const bin = (pkg: string, path: string) => join("node_modules", pkg, path);

// A function, not top-level await: tsx runs this file as CommonJS.
async function main(): Promise<number> {
  const results: StepResult[] = [];

  const wholeSuite = vitestArgs.length === 0;
  if (wholeSuite) {
    results.push(await runStep("lint (eslint)", [bin("eslint", "bin/eslint.js"), "."]));
    results.push(await runStep("format (prettier --check)", [bin("prettier", "bin/prettier.cjs"), "--check", "."]));
    results.push(await runStep("types (tsc)", [bin("typescript", "bin/tsc"), "--noEmit", "-p", "."]));
    results.push(await runStep("lock file (check:lock)", [bin("tsx", "dist/cli.mjs"), join("scripts", "check-lock.ts")]));
  }

  const vitest = [bin("vitest", "vitest.mjs"), "run"];
  results.push(await runStep("unit + integration on SQLite (vitest)", [...vitest, ...vitestArgs]));

  // The same integration suites again on PostgreSQL (tests/db covers both providers itself, and the
  // realtime server has no database), whenever PostgreSQL is installed — CI always installs it.
  const postgresAvailable = Boolean(findPostgresBinDir() || process.env.TEST_POSTGRES_URL || process.env.REQUIRE_POSTGRES === "1");
  if (wholeSuite) {
    if (postgresAvailable) {
      const pgEnv = { ...process.env, TEST_DATABASE_PROVIDER: "postgresql" };
      const pgArgs = [...vitest, "--exclude", "tests/db/**", "--exclude", "tests/realtime/**"];
      results.push(await runStep("integration on PostgreSQL (vitest)", pgArgs, pgEnv));
    } else {
      console.warn("\n[test] PostgreSQL is not installed: skipping the PostgreSQL pass (apt-get install -y postgresql).");
    }
  }

  if (!skipE2e && wholeSuite) {
    // The build needs no runtime secret (the app reads its environment at request time, see
    // lib/env.ts): build without one, so that a module reading it at import fails here.
    const buildEnv = { ...process.env, NODE_ENV: "production" as const, NEXTAUTH_SECRET: undefined };
    const build = await runStep("next build", [bin("next", "dist/bin/next"), "build"], buildEnv);
    results.push(build);
    if (build.status === 0) {
      // Fresh database and free ports for every run, so a developer's running app never collides.
      rmSync(join("tmp", "e2e"), { recursive: true, force: true });
      const playwright = [bin("@playwright/test", "cli.js"), "test"];
      const e2eEnv = async () => ({ ...process.env, E2E_APP_PORT: String(await freePort()), E2E_PUSHER_PORT: String(await freePort()) });
      results.push(await runStep("end-to-end on SQLite (playwright)", playwright, await e2eEnv()));

      // The browser flows once more with the app on PostgreSQL, on a throwaway cluster.
      if (postgresAvailable) {
        const server = await startPostgresServer();
        try {
          const env = { ...(await e2eEnv()), E2E_DATABASE_URL: await server.createDatabase("e2e") };
          results.push(await runStep("end-to-end on PostgreSQL (playwright)", playwright, env));
        } finally {
          await server.stop();
        }
      }

      results.push(...(await peerSteps(postgresAvailable)));
    }
  }

  return printSummary(results);
}

void main().then((code) => process.exit(code));
