/**
 * Real, migrated databases for integration tests.
 *
 *   const t = await createTestDatabase();            // SQLite file in its own temp dir
 *   t.url      "file:/tmp/…/test.db" — set process.env.DATABASE_URL = t.url *before* importing
 *              modules that use `db` from @/lib/db/client, so they share this database
 *   t.db       a Prisma client (same type as the app's `db`)
 *   await t.cleanup()                                  // disconnects and deletes everything
 *
 *   Options: { seed: true }            also create the demo accounts (password "demo-password")
 *            { seed: { password } }    … with that password
 *            { migrate: false }        an empty database (for migration tests)
 *
 * TEST_DATABASE_PROVIDER=postgresql makes createTestDatabase() hand out PostgreSQL databases
 * instead, so every integration suite runs unchanged against PostgreSQL (`npm test` does a second
 * pass that way when PostgreSQL is installed).
 *
 * PostgreSQL explicitly (see tests/support/postgres.ts for where the server comes from):
 *
 *   describe.skipIf(postgresSkipReason())("…", () => {
 *     let server: PostgresServer;
 *     beforeAll(async () => { server = await startPostgresServer(); });
 *     afterAll(() => server?.stop());
 *     it("…", async () => {
 *       const t = await createPostgresTestDatabase(server);   // fresh database on that server
 *       …
 *       await t.cleanup();                                     // drops it
 *     });
 *   });
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { DatabaseProvider } from "@/lib/db/database-config";
import { createDatabaseClient, type DatabaseClient } from "@/lib/db/create-client";
import { migrateDatabase } from "@/lib/db/migrate";
import { DEFAULT_DEMO_PASSWORD } from "@/lib/db/demo-accounts";
import { seedDemoAccounts } from "@/lib/db/seed";
import { postgresSkipReason, startPostgresServer, type PostgresServer } from "./postgres";

export { postgresSkipReason, startPostgresServer, type PostgresServer } from "./postgres";

export interface TestDatabase {
  provider: DatabaseProvider;
  url: string;
  db: DatabaseClient;
  cleanup(): Promise<void>;
}

export interface TestDatabaseOptions {
  /** Apply the committed migrations (default true). */
  migrate?: boolean;
  /** Create the demo accounts: `true` for the default password, or `{ password }`. */
  seed?: boolean | { password: string };
}

async function prepare(url: string, options: TestDatabaseOptions): Promise<DatabaseClient> {
  if (options.migrate !== false) await migrateDatabase(url);
  const db = createDatabaseClient(url);
  if (options.seed) {
    const password = typeof options.seed === "object" ? options.seed.password : DEFAULT_DEMO_PASSWORD;
    await seedDemoAccounts(db, { password });
  }
  return db;
}

/** The provider integration suites run against: SQLite unless TEST_DATABASE_PROVIDER says otherwise. */
export function testDatabaseProvider(): DatabaseProvider {
  const requested = process.env.TEST_DATABASE_PROVIDER ?? "sqlite";
  if (requested !== "sqlite" && requested !== "postgresql") {
    throw new Error(`TEST_DATABASE_PROVIDER must be "sqlite" or "postgresql", got "${requested}"`);
  }
  return requested;
}

let sharedPostgres: Promise<PostgresServer> | undefined;

export async function createTestDatabase(options: TestDatabaseOptions = {}): Promise<TestDatabase> {
  if (testDatabaseProvider() === "postgresql") {
    const skip = postgresSkipReason();
    if (skip) throw new Error(`TEST_DATABASE_PROVIDER=postgresql but ${skip}`);
    // One server per test process; with the Vitest globalSetup it is the run's shared cluster.
    sharedPostgres ??= startPostgresServer();
    return createPostgresTestDatabase(await sharedPostgres, options);
  }
  return createSqliteTestDatabase(options);
}

/** A SQLite file in its own temp dir, whatever TEST_DATABASE_PROVIDER says (SQLite-only tests). */
export async function createSqliteTestDatabase(options: TestDatabaseOptions = {}): Promise<TestDatabase> {
  const directory = mkdtempSync(path.join(tmpdir(), "test-db-"));
  const url = `file:${path.join(directory, "test.db")}`;
  try {
    const db = await prepare(url, options);
    return {
      provider: "sqlite",
      url,
      db,
      async cleanup() {
        await db.$disconnect();
        rmSync(directory, { recursive: true, force: true });
      },
    };
  } catch (error) {
    rmSync(directory, { recursive: true, force: true });
    throw error;
  }
}

export async function createPostgresTestDatabase(server: PostgresServer, options: TestDatabaseOptions = {}): Promise<TestDatabase> {
  const url = await server.createDatabase();
  try {
    const db = await prepare(url, options);
    return {
      provider: "postgresql",
      url,
      db,
      async cleanup() {
        await db.$disconnect();
        await server.dropDatabase(url);
      },
    };
  } catch (error) {
    await server.dropDatabase(url);
    throw error;
  }
}
