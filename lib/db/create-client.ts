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
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "@/lib/generated/prisma/client";
import { PrismaClient as PostgresPrismaClient } from "@/lib/generated/prisma-postgresql/client";
import { databaseProviderOf, sqliteFilePath } from "./database-config";
import { postgresConnection } from "./postgres-url";
import { PrismaBetterSqlite3ForServers } from "./sqlite-adapter";

export type DatabaseClient = PrismaClient;

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
    const adapter = new PrismaBetterSqlite3ForServers({ url: file, timeout: 10_000 });
    return new PrismaClient({ adapter, log: options.log });
  }
  const { connectionString, schema } = postgresConnection(url);
  const adapter = new PrismaPg({ connectionString }, schema ? { schema } : undefined);
  // Same schema, same model API: only the provider-specific extras differ (see the file comment).
  return new PostgresPrismaClient({ adapter, log: options.log }) as unknown as DatabaseClient;
}
