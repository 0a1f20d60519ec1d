/**
 * Throwaway PostgreSQL servers for tests and migration authoring.
 *
 *   postgresSkipReason(): string | null      why PostgreSQL tests must be skipped (null: they can run)
 *   startPostgresServer(): PostgresServer    a server to create databases on:
 *     - TEST_POSTGRES_URL set (e.g. by the global setup below or CI): that server
 *       (a superuser URL, e.g. postgresql://postgres@127.0.0.1:5432/postgres); stop() is a no-op;
 *     - otherwise a fresh cluster (initdb) in a temp dir on 127.0.0.1 and a free port, stopped by
 *       its PID and deleted by stop().
 *   server.createDatabase(): Promise<string>  URL of a new empty database
 *   server.dropDatabase(url)
 *
 * Binaries are looked up in POSTGRES_BIN_DIR, PATH, then /usr/lib/postgresql/<newest>/bin (where
 * Debian's `apt-get install -y postgresql` puts them). Set REQUIRE_POSTGRES=1 (CI) to make a
 * missing PostgreSQL a failure instead of a skip, SKIP_POSTGRES_TESTS=1 to skip on purpose.
 *
 * As a Vitest globalSetup (`globalSetup: ["tests/support/postgres.ts"]`) the `setup`/`teardown`
 * exports start one cluster for the whole run and publish it as TEST_POSTGRES_URL; without it,
 * each test file that needs PostgreSQL starts its own (≈ 1–2 s).
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";

import { freePort } from "./free-port";

export interface PostgresServer {
  /** Superuser URL of the maintenance database. */
  adminUrl: string;
  createDatabase(prefix?: string): Promise<string>;
  dropDatabase(url: string): Promise<void>;
  stop(): Promise<void>;
}

export function findPostgresBinDir(): string | null {
  const has = (dir: string) => existsSync(path.join(dir, "initdb")) && existsSync(path.join(dir, "postgres"));
  const candidates = [process.env.POSTGRES_BIN_DIR, ...(process.env.PATH ?? "").split(path.delimiter)];
  const debian = "/usr/lib/postgresql";
  if (existsSync(debian)) {
    const versions = readdirSync(debian)
      .filter((v) => /^\d+/.test(v))
      .sort((a, b) => Number.parseFloat(b) - Number.parseFloat(a));
    candidates.push(...versions.map((v) => path.join(debian, v, "bin")));
  }
  return candidates.find((dir): dir is string => !!dir && has(dir)) ?? null;
}

/** Why PostgreSQL tests cannot run here, or null when they can. */
export function postgresSkipReason(): string | null {
  if (process.env.SKIP_POSTGRES_TESTS === "1") return announceSkip("SKIP_POSTGRES_TESTS=1");
  if (process.env.TEST_POSTGRES_URL) return null;
  if (findPostgresBinDir()) return null;
  const reason = "no PostgreSQL found (set TEST_POSTGRES_URL, or install it: apt-get install -y postgresql, or set POSTGRES_BIN_DIR)";
  if (process.env.REQUIRE_POSTGRES === "1") throw new Error(`REQUIRE_POSTGRES=1 but ${reason}`);
  return announceSkip(reason);
}

let announced = false;
/** A skipped describe block is easy to miss in the summary; say why once per test process. */
function announceSkip(reason: string): string {
  if (!announced) console.warn(`[postgres] skipping PostgreSQL tests: ${reason}`);
  announced = true;
  return reason;
}

export async function startPostgresServer(): Promise<PostgresServer> {
  const external = process.env.TEST_POSTGRES_URL;
  if (external) return serverFor(external, async () => {});
  const cluster = await startCluster();
  return serverFor(cluster.adminUrl, cluster.stop);
}

function serverFor(adminUrl: string, stop: () => Promise<void>): PostgresServer {
  const admin = async <T>(fn: (client: pg.Client) => Promise<T>): Promise<T> => {
    const client = new pg.Client({ connectionString: adminUrl });
    await client.connect();
    try {
      return await fn(client);
    } finally {
      await client.end();
    }
  };
  return {
    adminUrl,
    async createDatabase(prefix = "test") {
      const name = `${prefix}_${process.pid}_${Math.random().toString(36).slice(2, 10)}`.toLowerCase().replace(/[^a-z0-9_]/g, "_");
      await admin((c) => c.query(`CREATE DATABASE "${name}"`));
      const url = new URL(adminUrl);
      url.pathname = `/${name}`;
      return url.toString();
    },
    async dropDatabase(url) {
      const name = decodeURIComponent(new URL(url).pathname.slice(1));
      await admin((c) => c.query(`DROP DATABASE IF EXISTS "${name.replace(/"/g, '""')}" WITH (FORCE)`));
    },
    stop,
  };
}

/** initdb and postgres refuse to run as root; run them as the `postgres` user (or nobody) then. */
function unprivilegedIds(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  for (const name of ["postgres", "nobody"]) {
    const result = spawnSync("id", ["-u", name], { encoding: "utf8" });
    if (result.status === 0) {
      const gid = spawnSync("id", ["-g", name], { encoding: "utf8" });
      return { uid: Number(result.stdout.trim()), gid: Number(gid.stdout.trim()) };
    }
  }
  throw new Error("Running as root and neither a `postgres` nor a `nobody` user exists to run PostgreSQL as.");
}

interface Cluster {
  adminUrl: string;
  stop: () => Promise<void>;
  /** Stops the server ("fast" shutdown: clients are disconnected), keeping its data. */
  halt: () => Promise<void>;
  /** Starts it again on the same port and data after halt(). */
  restart: () => Promise<void>;
}

function spawnPostgres(
  bin: string,
  dataDir: string,
  base: string,
  port: number,
  env: NodeJS.ProcessEnv,
  ids: { uid: number; gid: number } | undefined,
) {
  const child = spawn(
    path.join(bin, "postgres"),
    [
      "-D",
      dataDir,
      "-p",
      String(port),
      "-c",
      "listen_addresses=127.0.0.1",
      "-c",
      `unix_socket_directories=${base}`,
      // Throwaway data: durability buys nothing and costs seconds.
      "-c",
      "fsync=off",
      "-c",
      "synchronous_commit=off",
      "-c",
      "full_page_writes=off",
    ],
    { env, stdio: ["ignore", "ignore", "pipe"], ...ids },
  );
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  return { child, stderr: () => stderr };
}

/**
 * A cluster of its own (never the shared TEST_POSTGRES_URL one) that a test can stop and start
 * again: a real database outage, for tests of what the app does meanwhile and afterwards.
 */
export async function startRestartablePostgres(): Promise<PostgresServer & Pick<Cluster, "halt" | "restart">> {
  const cluster = await startCluster();
  return { ...serverFor(cluster.adminUrl, cluster.stop), halt: cluster.halt, restart: cluster.restart };
}

async function startCluster(): Promise<Cluster> {
  const bin = findPostgresBinDir();
  if (!bin) throw new Error(postgresSkipReason() ?? "no PostgreSQL binaries");
  const ids = unprivilegedIds();
  const base = mkdtempSync(path.join(tmpdir(), "pg-test-"));
  if (ids) chownSync(base, ids.uid, ids.gid);
  const dataDir = path.join(base, "data");
  const env = { ...process.env, LC_ALL: "C", LANG: "C", ...(ids ? { HOME: base } : {}) };

  const init = spawnSync(
    path.join(bin, "initdb"),
    ["-D", dataDir, "-U", "postgres", "--auth=trust", "--encoding=UTF8", "--locale=C", "--no-sync"],
    { encoding: "utf8", env, ...ids },
  );
  if (init.status !== 0) {
    rmSync(base, { recursive: true, force: true });
    throw new Error(`initdb failed (${init.status}): ${init.stderr || init.stdout || init.error?.message}`);
  }

  let lastError = "";
  // The free port may be taken between probing and binding; try a few.
  for (let attempt = 0; attempt < 5; attempt++) {
    const port = await freePort();
    const { child, stderr } = spawnPostgres(bin, dataDir, base, port, env, ids);
    const adminUrl = `postgresql://postgres@127.0.0.1:${port}/postgres`;
    const ready = await waitForServer(adminUrl, child);
    if (ready) {
      // The current server process: restart() replaces it (same data directory and port).
      let current = child;
      const stop = async () => {
        await stopper(current, null)();
        rmSync(base, { recursive: true, force: true });
      };
      // Safety net if the test process exits without calling stop(): signals are synchronous.
      process.once("exit", () => current.exitCode === null && current.pid && process.kill(current.pid, "SIGQUIT"));
      return {
        adminUrl,
        stop,
        halt: () => stopper(current, null)(),
        async restart() {
          const next = spawnPostgres(bin, dataDir, base, port, env, ids);
          current = next.child;
          if (!(await waitForServer(adminUrl, current)))
            throw new Error(`PostgreSQL did not start again: ${next.stderr().trim().split("\n").slice(-5).join("\n")}`);
        },
      };
    }
    lastError = stderr();
    if (child.exitCode === null) await stopper(child, null)();
  }
  rmSync(base, { recursive: true, force: true });
  throw new Error(`PostgreSQL did not start: ${lastError.trim().split("\n").slice(-5).join("\n")}`);
}

async function waitForServer(url: string, child: ChildProcess, timeoutMs = 30_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) return false;
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1000 });
    try {
      await client.connect();
      await client.end();
      return true;
    } catch {
      await client.end().catch(() => {});
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  return false;
}

function stopper(child: ChildProcess, base: string | null): () => Promise<void> {
  let stopped: Promise<void> | undefined;
  return () =>
    (stopped ??= (async () => {
      if (child.exitCode === null && child.signalCode === null && child.pid) {
        const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
        process.kill(child.pid, "SIGINT"); // "fast" shutdown: disconnect clients, stop.
        const timer = setTimeout(() => child.pid && child.exitCode === null && process.kill(child.pid, "SIGQUIT"), 10_000);
        await exited;
        clearTimeout(timer);
      }
      if (base) rmSync(base, { recursive: true, force: true });
    })());
}

// --- Vitest globalSetup -------------------------------------------------------------------------

let globalServer: PostgresServer | undefined;

export async function setup(): Promise<void> {
  if (process.env.TEST_POSTGRES_URL || postgresSkipReason()) return;
  globalServer = await startPostgresServer();
  process.env.TEST_POSTGRES_URL = globalServer.adminUrl;
}

export async function teardown(): Promise<void> {
  if (!globalServer) return;
  await globalServer.stop();
  delete process.env.TEST_POSTGRES_URL;
  globalServer = undefined;
}
