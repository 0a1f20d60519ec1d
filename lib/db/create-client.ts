/**
 * Builds a Prisma client for a database URL: SQLite (`file:`) through better-sqlite3, PostgreSQL
 * (`postgres://`, `postgresql://`) through node-postgres.
 *
 * Prisma generates provider-specific clients, so there are two (lib/generated/prisma and
 * lib/generated/prisma-postgresql, generated from the same prisma/schema.prisma). They expose the
 * same models and API; the rest of the app sees the SQLite client's types (`DatabaseClient`), which
 * is the common subset. PostgreSQL-only query options (e.g. `mode: "insensitive"`) are therefore
 * not in the types, which keeps queries portable. The deliberate exceptions: the users search
 * (lib/admin/users-query.ts) adds `mode` on PostgreSQL only, behind a cast; and the pending-rows
 * trim in lib/roster/record-sign-in.ts is one raw SQL statement written to run on both.
 *
 * No `server-only` here: tsx scripts and Vitest use it directly. App code imports `db` from
 * lib/db/client.ts instead.
 */
import { mkdirSync } from "node:fs";
import path from "node:path";
import { PrismaBetterSqlite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "@/lib/generated/prisma/client";
import { PrismaClient as PostgresPrismaClient } from "@/lib/generated/prisma-postgresql/client";
import { databaseProviderOf, sqliteFilePath } from "./database-config";
import { postgresConnection } from "./postgres-url";

export type DatabaseClient = PrismaClient;

/**
 * Run on every SQLite connection the app opens. better-sqlite3 runs statements, their commits and
 * its busy waits synchronously on the app's only JS thread, so what SQLite waits for, every request
 * waits for:
 * - `journal_mode = WAL`: in the default rollback-journal mode each commit creates, syncs and
 *   deletes a journal file (≈ 1.4 ms of blocked thread per commit on the bench machine, 0.02 ms in
 *   WAL), and a reader in another connection (a second instance, a script) blocks every writer
 *   until it finishes. In WAL, readers and the writer don't block each other. The mode is stored in
 *   the file, so this is a no-op after the first connection.
 * - `synchronous = NORMAL`: WAL's recommended level; the database stays consistent after a crash
 *   or power loss, and a power loss (not a process crash) may undo the last commits.
 */
const SQLITE_CONNECTION_PRAGMAS = "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;";

class PrismaBetterSqlite3WithPragmas extends PrismaBetterSqlite3 {
  override async connect() {
    const connection = await super.connect();
    await connection.executeScript(SQLITE_CONNECTION_PRAGMAS);
    return connection;
  }
}

export interface CreateDatabaseClientOptions {
  /** Prisma log levels, e.g. ["query"] while debugging. */
  log?: ("query" | "info" | "warn" | "error")[];
}

export function createDatabaseClient(url: string, options: CreateDatabaseClientOptions = {}): DatabaseClient {
  const provider = databaseProviderOf(url);
  if (provider === "sqlite") {
    const file = sqliteFilePath(url);
    mkdirSync(path.dirname(file), { recursive: true });
    // better-sqlite3 waits this long for a lock held by another connection (another app
    // instance, a migration, a script) instead of failing at once with SQLITE_BUSY.
    const adapter = new PrismaBetterSqlite3WithPragmas({ url: file, timeout: 10_000 });
    return new PrismaClient({ adapter, log: options.log });
  }
  const { connectionString, schema } = postgresConnection(url);
  const adapter = new PrismaPg({ connectionString }, schema ? { schema } : undefined);
  // Same schema, same model API: only the provider-specific extras differ (see the file comment).
  return new PostgresPrismaClient({ adapter, log: options.log }) as unknown as DatabaseClient;
}
