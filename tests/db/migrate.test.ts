/**
 * lib/db/migrate.ts against real databases: bookkeeping identical to Prisma Migrate's, idempotence,
 * refusal of edited or failed history, atomic failures, concurrent starts.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from "node:fs";
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import pg from "pg";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { DatabaseProvider } from "@/lib/db/database-config";
import { MigrationError, migrateDatabase, migrationsDirectoryFor, readMigrations } from "@/lib/db/migrate";
import { postgresSkipReason, startPostgresServer, type PostgresServer } from "@/tests/support/postgres";
import { diagnoseHistory } from "@/scripts/db-schema-engine";

const tsxCli = createRequire(import.meta.url).resolve("tsx/cli");
const temps: string[] = [];
function tempDir(prefix: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  temps.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of temps.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A private copy of the committed migrations that a test may edit. */
function copyMigrations(provider: DatabaseProvider): string {
  const dir = path.join(tempDir("migrations-"), "migrations");
  cpSync(migrationsDirectoryFor(provider), dir, { recursive: true });
  return dir;
}

function addMigration(dir: string, name: string, sql: string) {
  mkdirSync(path.join(dir, name), { recursive: true });
  writeFileSync(path.join(dir, name, "migration.sql"), sql);
}

interface Row {
  id: string;
  checksum: string;
  finished_at: unknown;
  migration_name: string;
  logs: unknown;
  rolled_back_at: unknown;
  started_at: unknown;
  applied_steps_count: number;
}

/** Raw access to the database under test, independent of the code under test. */
interface Probe {
  url: string;
  rows(): Promise<Row[]>;
  tables(): Promise<string[]>;
  columns(table: string): Promise<string[]>;
  exec(sql: string): Promise<void>;
  close(): Promise<void>;
}

function sqliteProbe(): Probe {
  const file = path.join(tempDir("migrate-sqlite-"), "db.sqlite");
  const url = `file:${file}`;
  const open = () => new Database(file);
  const query = <T>(fn: (db: ReturnType<typeof open>) => T): T => {
    const db = open();
    try {
      return fn(db);
    } finally {
      db.close();
    }
  };
  return {
    url,
    rows: async () => query((db) => db.prepare(`SELECT * FROM _prisma_migrations ORDER BY migration_name`).all() as Row[]),
    tables: async () =>
      query((db) =>
        (db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name`).all() as { name: string }[]).map((r) => r.name),
      ),
    columns: async (table) =>
      query((db) => (db.prepare(`SELECT name FROM pragma_table_info(?)`).all(table) as { name: string }[]).map((r) => r.name)),
    exec: async (sql) => void query((db) => db.exec(sql)),
    close: async () => {},
  };
}

async function postgresProbe(server: PostgresServer): Promise<Probe> {
  const url = await server.createDatabase("migrate");
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  return {
    url,
    rows: async () => (await client.query<Row>(`SELECT * FROM _prisma_migrations ORDER BY migration_name`)).rows,
    tables: async () =>
      (
        await client.query<{ tablename: string }>(`SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename`)
      ).rows.map((r) => r.tablename),
    columns: async (table) =>
      (
        await client.query<{ column_name: string }>(
          `SELECT column_name FROM information_schema.columns WHERE table_name = $1 ORDER BY ordinal_position`,
          [table],
        )
      ).rows.map((r) => r.column_name),
    exec: async (sql) => void (await client.query(sql)),
    close: async () => {
      await client.end();
      await server.dropDatabase(url);
    },
  };
}

function migrationSuite(provider: DatabaseProvider, makeProbe: () => Promise<Probe>) {
  let probe: Probe;
  const fresh = async () => {
    probe = await makeProbe();
    return probe;
  };
  afterEach(async () => {
    await probe?.close();
  });

  it("migrates an empty database and records it exactly as Prisma Migrate does", async () => {
    const { url, rows, tables, columns } = await fresh();
    const committed = readMigrations(provider);
    expect(committed.length).toBeGreaterThan(0);

    const result = await migrateDatabase(url);
    expect(result).toEqual({ provider, applied: committed.map((m) => m.name), alreadyApplied: [] });

    expect(await tables()).toEqual(expect.arrayContaining(["User", "RealtimeConnection", "Message", "AuditLog", "_prisma_migrations"]));
    expect(await columns("_prisma_migrations")).toEqual([
      "id",
      "checksum",
      "finished_at",
      "migration_name",
      "logs",
      "rolled_back_at",
      "started_at",
      "applied_steps_count",
    ]);
    const recorded = await rows();
    expect(recorded.map((r) => r.migration_name)).toEqual(committed.map((m) => m.name));
    for (const [i, row] of recorded.entries()) {
      const file = readFileSync(path.join(migrationsDirectoryFor(provider), row.migration_name, "migration.sql"));
      expect(row.checksum).toBe(createHash("sha256").update(file).digest("hex"));
      expect(row.checksum).toBe(committed[i]?.checksum);
      expect(row.id).toMatch(/^[0-9a-f-]{36}$/);
      expect(row.finished_at).not.toBeNull();
      expect(row.rolled_back_at).toBeNull();
      expect(row.logs).toBeNull();
      expect(Number(row.applied_steps_count)).toBe(1);
      // SQLite: Unix milliseconds like Prisma writes them; PostgreSQL: timestamptz.
      if (provider === "sqlite") expect(typeof row.started_at).toBe("number");
      else expect(row.started_at).toBeInstanceOf(Date);
    }
  });

  it("leaves a history that Prisma Migrate's own engine reads as up to date", async () => {
    const { url } = await fresh();
    const dir = copyMigrations(provider);
    await migrateDatabase(url, { migrationsDirectory: dir });
    expect(await diagnoseHistory(url, dir)).toEqual({
      editedMigrationNames: [],
      failedMigrationNames: [],
      hasMigrationsTable: true,
      history: null,
    });
    // …and Prisma agrees on checksums: it flags the same edit migrateDatabase refuses.
    const [first] = readMigrations(provider, dir);
    writeFileSync(path.join(dir, first!.name, "migration.sql"), `${first!.sql}\n-- edited\n`);
    expect((await diagnoseHistory(url, dir)).editedMigrationNames).toEqual([first!.name]);
  });

  it("is a no-op when run again", async () => {
    const { url, rows } = await fresh();
    await migrateDatabase(url);
    const before = await rows();
    const again = await migrateDatabase(url);
    expect(again.applied).toEqual([]);
    expect(again.alreadyApplied).toEqual(before.map((r) => r.migration_name));
    expect(await rows()).toEqual(before);
  });

  it("applies only the new migration when one is added", async () => {
    const { url, rows, columns } = await fresh();
    const dir = copyMigrations(provider);
    await migrateDatabase(url, { migrationsDirectory: dir });
    addMigration(dir, "29990101000000_add_nickname", `ALTER TABLE "User" ADD COLUMN "nickname" TEXT;\n`);
    const result = await migrateDatabase(url, { migrationsDirectory: dir });
    expect(result.applied).toEqual(["29990101000000_add_nickname"]);
    expect(await columns("User")).toContain("nickname");
    expect((await rows()).map((r) => r.migration_name).at(-1)).toBe("29990101000000_add_nickname");
  });

  it("refuses to run when an applied migration was edited", async () => {
    const { url } = await fresh();
    const dir = copyMigrations(provider);
    await migrateDatabase(url, { migrationsDirectory: dir });
    const [first] = readMigrations(provider, dir);
    writeFileSync(path.join(dir, first!.name, "migration.sql"), `${first!.sql}\n-- an innocent-looking edit\n`);
    const error = await migrateDatabase(url, { migrationsDirectory: dir }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MigrationError);
    expect((error as Error).message).toMatch(new RegExp(`${first!.name} was modified after it was applied`));
  });

  it("accepts a checksum computed with the other line ending (git autocrlf)", async () => {
    const { url } = await fresh();
    const dir = copyMigrations(provider);
    await migrateDatabase(url, { migrationsDirectory: dir });
    const [first] = readMigrations(provider, dir);
    writeFileSync(path.join(dir, first!.name, "migration.sql"), first!.sql.replace(/\n/g, "\r\n"));
    await expect(migrateDatabase(url, { migrationsDirectory: dir })).resolves.toMatchObject({ applied: [] });
  });

  it("rolls a failing migration back completely and records nothing", async () => {
    const { url, rows, tables } = await fresh();
    const dir = copyMigrations(provider);
    await migrateDatabase(url, { migrationsDirectory: dir });
    const before = await rows();
    addMigration(dir, "29990101000000_broken", `CREATE TABLE "Half" ("id" TEXT PRIMARY KEY);\nTHIS IS NOT SQL;\n`);
    await expect(migrateDatabase(url, { migrationsDirectory: dir })).rejects.toThrow(/29990101000000_broken failed and was rolled back/);
    expect(await tables()).not.toContain("Half");
    expect(await rows()).toEqual(before);
  });

  it("refuses a history with a failed (unfinished) migration, as prisma migrate deploy does", async () => {
    const { url, exec } = await fresh();
    await migrateDatabase(url);
    await exec(
      `INSERT INTO _prisma_migrations (id, checksum, migration_name, started_at, applied_steps_count) VALUES ('x', 'y', '29990101000000_failed', ${provider === "sqlite" ? "0" : "now()"}, 0)`,
    );
    await expect(migrateDatabase(url)).rejects.toThrow(/29990101000000_failed failed earlier/);
  });

  it("refuses migrations written for the other provider", async () => {
    const { url } = await fresh();
    const other: DatabaseProvider = provider === "sqlite" ? "postgresql" : "sqlite";
    await expect(migrateDatabase(url, { migrationsDirectory: migrationsDirectoryFor(other) })).rejects.toThrow(
      /migration_lock\.toml is for provider/,
    );
  });

  if (provider === "postgresql") {
    it("applies each migration once when several clients migrate together", async () => {
      const { url, rows } = await fresh();
      const results = await Promise.all([migrateDatabase(url), migrateDatabase(url), migrateDatabase(url)]);
      const committed = readMigrations(provider).map((m) => m.name);
      expect(results.flatMap((r) => r.applied).sort()).toEqual([...committed].sort());
      expect((await rows()).map((r) => r.migration_name).sort()).toEqual([...committed].sort());
    });
  }
}

describe("SQLite", () => {
  migrationSuite("sqlite", async () => sqliteProbe());

  it("keeps child rows when a migration redefines a referenced table (no cascading DROP)", async () => {
    // Prisma's SQLite migrations change columns by copying the table, dropping the old one and
    // renaming; with foreign keys enforced that DROP would cascade to Message and delete it all.
    const probe = sqliteProbe();
    const dir = copyMigrations("sqlite");
    await migrateDatabase(probe.url, { migrationsDirectory: dir });
    await probe.exec(`
      INSERT INTO "User" (id, email, name, passwordHash, updatedAt) VALUES ('u1', 'u@example.com', 'U', 'x', 0);
      INSERT INTO "Message" (id, recipientId, event, body) VALUES ('m1', 'u1', 'e', 'b');`);
    addMigration(
      dir,
      "29990101000000_redefine_user",
      `PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_User" ("id" TEXT NOT NULL PRIMARY KEY, "email" TEXT NOT NULL, "name" TEXT NOT NULL, "role" TEXT NOT NULL DEFAULT 'USER',
  "passwordHash" TEXT NOT NULL, "sessionVersion" INTEGER NOT NULL DEFAULT 0, "bannedAt" DATETIME, "banReason" TEXT, "banExpiresAt" DATETIME,
  "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP, "updatedAt" DATETIME NOT NULL, "nickname" TEXT);
INSERT INTO "new_User" ("id", "email", "name", "role", "passwordHash", "sessionVersion", "bannedAt", "banReason", "banExpiresAt", "createdAt", "updatedAt")
  SELECT "id", "email", "name", "role", "passwordHash", "sessionVersion", "bannedAt", "banReason", "banExpiresAt", "createdAt", "updatedAt" FROM "User";
DROP TABLE "User";
ALTER TABLE "new_User" RENAME TO "User";
CREATE UNIQUE INDEX "User_email_key" ON "User"("email");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;
`,
    );
    await migrateDatabase(probe.url, { migrationsDirectory: dir });
    const db = new Database(probe.url.slice("file:".length));
    try {
      expect(db.prepare(`SELECT COUNT(*) AS n FROM "Message"`).get()).toEqual({ n: 1 });
      expect(db.pragma("foreign_keys", { simple: true })).toBe(1);
    } finally {
      db.close();
    }
  });

  it("applies each migration once when several processes start together", async () => {
    // better-sqlite3 is synchronous, so real contention needs separate processes (the app and the
    // realtime server starting at once).
    const probe = sqliteProbe();
    const run = () =>
      new Promise<string>((resolve, reject) => {
        execFile(
          process.execPath,
          [tsxCli, "scripts/db-migrate.ts"],
          { env: { ...process.env, DATABASE_URL: probe.url } },
          (error, stdout, stderr) => (error ? reject(new Error(`${error.message}\n${stderr}`)) : resolve(stdout)),
        );
      });
    const outputs = await Promise.all([run(), run(), run()]);
    const committed = readMigrations("sqlite").map((m) => m.name);
    const appliedCounts = outputs.map((out) => Number(/(\d+) migration\(s\) applied/.exec(out)?.[1]));
    expect(appliedCounts.reduce((a, b) => a + b, 0)).toBe(committed.length);
    expect((await probe.rows()).map((r) => r.migration_name)).toEqual(committed);
  }, 60_000);

  it("rejects a migration that leaves dangling foreign keys", async () => {
    const probe = sqliteProbe();
    const dir = copyMigrations("sqlite");
    await migrateDatabase(probe.url, { migrationsDirectory: dir });
    addMigration(
      dir,
      "29990101000000_dangling",
      `INSERT INTO "Message" (id, recipientId, event, body) VALUES ('m1', 'nobody', 'e', 'b');\n`,
    );
    await expect(migrateDatabase(probe.url, { migrationsDirectory: dir })).rejects.toThrow(/foreign_key_check/);
  });
});

const skip = postgresSkipReason();
describe.skipIf(skip)(`PostgreSQL${skip ? ` — skipped: ${skip}` : ""}`, () => {
  let server: PostgresServer;
  beforeAll(async () => {
    server = await startPostgresServer();
  });
  afterAll(async () => {
    await server?.stop();
  });
  migrationSuite("postgresql", () => postgresProbe(server));

  it("honours ?schema= like Prisma does", async () => {
    const url = await server.createDatabase("schema");
    try {
      const result = await migrateDatabase(`${url}?schema=app`);
      expect(result.applied.length).toBeGreaterThan(0);
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      const tables = await client.query(`SELECT table_schema FROM information_schema.tables WHERE table_name = 'User'`);
      await client.end();
      expect(tables.rows).toEqual([{ table_schema: "app" }]);
    } finally {
      await server.dropDatabase(url);
    }
  });
});
