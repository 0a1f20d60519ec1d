/**
 * Step 3 of `npm test` (scripts/test.ts), also runnable alone after a build with
 * `npx tsx scripts/test-peers.ts`: the production build on independent peers. Each step gets fresh
 * ports and a fresh database; peers are started here (tests/support/peers.ts), stopped by PID, and a
 * missing one is a skip locally, a failure with CI=true or REQUIRE_PEERS=1.
 *   - end-to-end on soketi: the whole browser suite, the app on one soketi node (no embedded server)
 *   - doctor against soketi: passes there, fails with user authentication off (tests/e2e/doctor-on-soketi.spec.ts)
 *   - multi-instance on PostgreSQL: two app instances, one database, one standalone realtime server
 *   - multi-instance on a soketi Redis cluster: the same on two soketi nodes joined by redis-server
 */
import { rmSync } from "node:fs";
import { join } from "node:path";

import { freePort } from "../../tests/support/free-port";
import {
  ensureSoketi,
  findRedisServer,
  peersRequired,
  SOKETI_TEST_APP,
  startRedis,
  startSoketi,
  type SoketiNode,
} from "../../tests/support/peers";
import { startPostgresServer, type PostgresServer } from "../../tests/support/postgres";
import { failedStep, runStep, type StepResult } from "./run-step";

const bin = (pkg: string, path: string) => join("node_modules", pkg, path);

export async function peerSteps(postgresAvailable: boolean): Promise<StepResult[]> {
  const steps: StepResult[] = [];
  const required = peersRequired();
  const playwright = [bin("@playwright/test", "cli.js"), "test"];
  const missing = (labels: string[], reason: string) => {
    for (const label of labels) {
      if (required) {
        console.error(`\n[test] ${label}: ${reason} (required: CI=true or REQUIRE_PEERS=1)`);
        steps.push(failedStep(label, reason));
      } else {
        console.warn(`\n[test] skipping ${label}: ${reason}`);
      }
    }
  };
  const soketiLabels = ["end-to-end on soketi (playwright)", "doctor against soketi with user auth off"];
  const multiLabel = "multi-instance on PostgreSQL";
  const clusterLabel = "multi-instance on a soketi Redis cluster";
  const backendEnv = (node: SoketiNode) => ({
    PUSHER_HOST: node.host,
    PUSHER_PORT: String(node.port),
    PUSHER_APP_ID: node.app.appId,
    PUSHER_KEY: node.app.key,
    PUSHER_SECRET: node.app.secret,
  });

  const soketiProblem = ensureSoketi((line) => console.log(line));
  if (soketiProblem) {
    missing([...soketiLabels, clusterLabel], `soketi could not be installed: ${soketiProblem}`);
  } else {
    // The whole browser suite, the app on soketi (no embedded server); its webhooks reach the app.
    // A 10 s authorized-connections timeout on both sides (default 30 s): on any backend but the
    // embedded one, the app terminates a revoked user's connections once more one window after the
    // revocation (lib/admin/late-sign-in-guard.ts), which also cuts off a new session opened within
    // that window, and the suite signs the same demo users in again within seconds.
    const authorizedTimeoutMs = "10000";
    const appPort = await freePort();
    const node = await startSoketi({
      app: SOKETI_TEST_APP,
      webhookUrl: `http://127.0.0.1:${appPort}/api/pusher/webhook`,
      env: { SOKETI_USER_AUTHENTICATION_TIMEOUT: authorizedTimeoutMs },
    });
    try {
      const env = {
        ...process.env,
        ...backendEnv(node),
        PUSHER_AUTHORIZED_CONNECTIONS_TIMEOUT_MS: authorizedTimeoutMs,
        E2E_BACKEND: "soketi",
        E2E_APP_PORT: String(appPort),
      };
      rmSync(join("tmp", "e2e"), { recursive: true, force: true });
      steps.push(await runStep(soketiLabels[0]!, [...playwright, "--grep-invert", "@doctor"], env));
      rmSync(join("tmp", "e2e"), { recursive: true, force: true });
      steps.push(await runStep(soketiLabels[1]!, [...playwright, "--grep", "@doctor"], env));
    } finally {
      await node.stop();
    }
  }

  if (!postgresAvailable) {
    missing(soketiProblem ? [multiLabel] : [multiLabel, clusterLabel], "PostgreSQL is not installed (apt-get install -y postgresql)");
    return steps;
  }
  const postgres: PostgresServer = await startPostgresServer();
  try {
    const multi = [...playwright, "-c", "playwright.multi.config.ts"];
    const ports = async () => ({
      E2E_APP_PORT: String(await freePort()),
      E2E_APP_B_PORT: String(await freePort()),
      E2E_PUSHER_PORT: String(await freePort()),
    });

    // Two instances, one database, one realtime server (the standalone embedded one).
    steps.push(
      await runStep(multiLabel, multi, { ...process.env, ...(await ports()), E2E_DATABASE_URL: await postgres.createDatabase("multi") }),
    );

    if (soketiProblem) return steps;
    if (!findRedisServer()) {
      missing([clusterLabel], "redis-server is not installed (apt-get install -y redis-server)");
      return steps;
    }
    // Two soketi nodes joined by Redis; instance A on node A, instance B on node B, each node's
    // webhooks to the other instance.
    const redis = await startRedis();
    const nodes: SoketiNode[] = [];
    try {
      const appPorts = await ports();
      const webhookOf = (port: string) => `http://127.0.0.1:${port}/api/pusher/webhook`;
      const redisPrefix = `e2e-${process.pid}`;
      nodes.push(
        await startSoketi({ app: SOKETI_TEST_APP, redisPort: redis.port, redisPrefix, webhookUrl: webhookOf(appPorts.E2E_APP_B_PORT) }),
      );
      nodes.push(
        await startSoketi({ app: SOKETI_TEST_APP, redisPort: redis.port, redisPrefix, webhookUrl: webhookOf(appPorts.E2E_APP_PORT) }),
      );
      const env = {
        ...process.env,
        ...appPorts,
        ...backendEnv(nodes[0]!),
        E2E_PUSHER_B_PORT: String(nodes[1]!.port),
        E2E_BACKEND: "soketi",
        E2E_DATABASE_URL: await postgres.createDatabase("cluster"),
      };
      steps.push(await runStep(clusterLabel, multi, env));
    } finally {
      for (const node of nodes) await node.stop();
      await redis.stop();
    }
  } finally {
    await postgres.stop();
  }
  return steps;
}
