/**
 * Brings up everything the app needs around Next.js, in order: environment (validated first, so an
 * unsafe production configuration stops here), database (migrated, demo accounts seeded), the
 * embedded realtime server (unless a real Pusher backend is configured), then Next itself. Shared
 * by `npm run dev` and `npm start`.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";

import { parseEnv, type AppEnv, type PusherBackend } from "../../lib/config/env-schema";
import { createDatabaseClient } from "../../lib/db/create-client";
import { redactUrl } from "../../lib/db/database-config";
import { migrateDatabase } from "../../lib/db/migrate";
import { seedDemoAccounts } from "../../lib/db/seed";
import { createServer, type RealtimeServer, type RealtimeServerOptions } from "../../lib/realtime-server";
import { limitsFromEnvironment, type LimitOptions } from "../../lib/realtime-server/server-env";
import { prepareAppEnvironment, type LaunchMode } from "./app-environment";
import { nextStartArgs } from "./next-start-args";

function log(message: string) {
  console.log(`[launch] ${message}`);
}

export interface LaunchOptions {
  mode: LaunchMode;
}

/**
 * The embedded server as the launcher runs it: webhooks to the app, and the authorized-connections
 * timeout on, so a socket that doesn't sign in within env.authorizedConnectionsTimeoutMs is closed
 * (4009). Only a sign-in counts, not a private subscription: every socket of this app signs in, and
 * one holding a user-auth answer from before a revocation must not stay open unsigned.
 */
export function embeddedServerOptions(
  env: AppEnv & { pusher: Extract<PusherBackend, { kind: "embedded" }> },
  appPort: number,
  /** PUSHER_MAX_* and PUSHER_ALLOWED_ORIGINS, read the way `npm run realtime` reads them. */
  limits: LimitOptions = {},
): RealtimeServerOptions {
  const { appId, key, secret, host, port } = env.pusher;
  return {
    ...limits,
    appId,
    key,
    secret,
    host,
    port,
    webhooks: [{ url: `http://127.0.0.1:${appPort}/api/pusher/webhook` }],
    authorizedConnectionsTimeoutMs: env.authorizedConnectionsTimeoutMs,
    authorizedConnectionsRequireSignIn: true,
  };
}

export async function launch({ mode }: LaunchOptions): Promise<void> {
  prepareAppEnvironment(mode, log);
  // These machines (and many CI runners) are offline: don't let Next phone home.
  process.env.NEXT_TELEMETRY_DISABLED ??= "1";

  let env: AppEnv;
  let limits: LimitOptions;
  try {
    env = parseEnv(process.env);
    limits = limitsFromEnvironment(process.env);
  } catch (error) {
    console.error((error as Error).message);
    process.exit(1);
  }
  if (mode === "production" && !existsSync(join(".next", "BUILD_ID"))) {
    console.error("No production build found. Run `npm run build` first (or `npm run dev` for development).");
    process.exit(1);
  }
  const appPort = Number(process.env.PORT ?? 3000);
  // Not HOSTNAME: shells set that to the machine name, and we bind loopback unless told otherwise.
  const appHost = process.env.APP_BIND_HOST ?? "127.0.0.1";

  const startedAt = Date.now();
  const { applied } = await migrateDatabase(env.databaseUrl);
  log(`database ${redactUrl(env.databaseUrl)}: ${applied.length ? `applied ${applied.join(", ")}` : "up to date"}`);

  if (env.seedDemoAccounts) {
    const db = createDatabaseClient(env.databaseUrl);
    try {
      const seeded = await seedDemoAccounts(db, { password: env.demoPassword });
      if (seeded.created) log(`seeded demo accounts ${seeded.accounts.map((account) => account.email).join(", ")}`);
    } finally {
      await db.$disconnect();
    }
  }

  let realtime: RealtimeServer | undefined;
  if (env.pusher.kind === "embedded") {
    realtime = await createServer(embeddedServerOptions({ ...env, pusher: env.pusher }, appPort, limits));
    log(
      `embedded realtime server on ws://${realtime.host}:${realtime.port} (app key "${env.pusher.key}"; sockets that don't sign in within ${env.authorizedConnectionsTimeoutMs} ms are closed)`,
    );
  } else {
    log(
      `using ${env.pusher.kind} Pusher backend (${env.pusher.kind === "hosted" ? `cluster ${env.pusher.cluster}` : env.pusher.host}); no embedded server`,
    );
  }
  log(`ready for Next in ${Date.now() - startedAt} ms`);

  const nextBin = join("node_modules", "next", "dist", "bin", "next");
  const args = mode === "development" ? ["dev", "-p", String(appPort), "-H", appHost] : nextStartArgs(appPort, appHost);
  const next: ChildProcess = spawn(process.execPath, [nextBin, ...args], { stdio: "inherit", env: process.env });
  log(`app on ${env.nextAuthUrl}`);

  installShutdown(next, realtime);
}

export interface ShutdownHooks {
  /** Where SIGINT/SIGTERM arrive; the process itself unless a test passes its own emitter. */
  signals?: Pick<NodeJS.EventEmitter, "on">;
  exit?: (code: number) => void;
}

/**
 * One shutdown, whoever starts it: a signal to this process, or Next exiting (it gets the same
 * signal when the whole process group is signalled, and may exit first; the webhooks then fail and
 * reconciliation cleans the roster up on the next start). The embedded server closes first, while
 * Next can still take its webhooks, then Next is stopped. The process exits only from Next's exit
 * handler, after awaiting that one shutdown, so every socket has been closed with 4200 and the
 * pending webhooks (channel_vacated…) delivered; an earlier version returned at once to the second
 * caller and exited mid-shutdown.
 */
export function installShutdown(
  next: ChildProcess,
  realtime: RealtimeServer | undefined,
  { signals = process, exit = (code) => process.exit(code) }: ShutdownHooks = {},
) {
  let stopping: Promise<void> | undefined;
  const stop = (signal: NodeJS.Signals) =>
    (stopping ??= (async () => {
      await realtime
        ?.close()
        .catch((error: unknown) =>
          console.error(`[launch] realtime shutdown failed: ${error instanceof Error ? error.message : String(error)}`),
        );
      if (next.exitCode === null && next.signalCode === null) next.kill(signal);
    })());
  signals.on("SIGINT", () => void stop("SIGINT"));
  signals.on("SIGTERM", () => void stop("SIGTERM"));
  next.on("exit", (code, signal) => {
    void stop("SIGTERM").then(() => exit(code ?? (signal ? 0 : 1)));
  });
  return { stop };
}
