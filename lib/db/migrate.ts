/**
 * Applies the committed SQL migrations at run time, offline, without Prisma's schema engine.
 *
 * Bookkeeping follows Prisma Migrate exactly (`_prisma_migrations`, same columns, sha256 checksums,
 * migration folder names), so `prisma migrate status/deploy` and this runner can take turns on one
 * database. It runs at every app start, so the common "nothing to do" path is one SELECT.
 *
 * No `server-only`: the launcher scripts and Vitest call it directly.
 */
import { createHash, randomUUID } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import pg from "pg";
import { MIGRATIONS_DIRECTORIES, databaseProviderOf, redactUrl, sqliteFilePath, type DatabaseProvider } from "./database-config";
import { postgresConnection } from "./postgres-url";

export interface Migration {
  /** Folder name, e.g. `20250101000000_init`; also `_prisma_migrations.migration_name`. */
  name: string;
  sql: string;
  /** sha256 hex of migration.sql's bytes, as Prisma computes it. */
  checksum: string;
}

export interface MigrateOptions {
  /** Defaults to MIGRATIONS_DIRECTORIES[provider] under process.cwd(). */
  migrationsDirectory?: string;
  /** Progress lines ("Applied 2025…_init"). Silent by default. */
  log?: (line: string) => void;
}

export interface MigrateResult {
  provider: DatabaseProvider;
  /** Migrations applied by this call, in order. */
  applied: string[];
  /** Migrations that were already applied before this call. */
  alreadyApplied: string[];
}

/** Any refusal to migrate: edited or failed migrations, wrong provider, broken SQL. */
export class MigrationError extends Error {
  override name = "MigrationError";
}

const PRISMA_ADVISORY_LOCK_KEY = 72707369; // The key Prisma Migrate locks, so the two exclude each other.
const SQLITE_BUSY_TIMEOUT_MS = 15_000;

export function migrationsDirectoryFor(provider: DatabaseProvider, cwd: string = process.cwd()): string {
  return path.resolve(cwd, MIGRATIONS_DIRECTORIES[provider]);
}

export function migrationChecksum(sql: string | Buffer): string {
  return createHash("sha256").update(sql).digest("hex");
}

/**
 * Prisma accepts a stored checksum that matches the script with either line ending (git may
 * convert them on checkout) and in its legacy rendering without zero-padded bytes.
 */
function checksumMatches(sql: Buffer, stored: string): boolean {
  const variants = [
    sql,
    Buffer.from(sql.toString("utf8").replace(/\r\n/g, "\n")),
    Buffer.from(sql.toString("utf8").replace(/\r?\n/g, "\r\n")),
  ];
  return variants.some((bytes) => {
    const digest = createHash("sha256").update(bytes).digest();
    return stored === digest.toString("hex") || stored === [...digest].map((b) => b.toString(16)).join("");
  });
}

interface MigrationFile extends Migration {
  bytes: Buffer;
}

/** Reads `<dir>/<name>/migration.sql` in Prisma's order (folder names sorted) and checks the lock file. */
export function readMigrations(provider: DatabaseProvider, directory: string = migrationsDirectoryFor(provider)): Migration[] {
  return readMigrationFiles(provider, directory).map(({ name, sql, checksum }) => ({ name, sql, checksum }));
}

function readMigrationFiles(provider: DatabaseProvider, directory: string): MigrationFile[] {
  if (!existsSync(directory)) throw new MigrationError(`No migrations folder at ${directory} (the app must run from the project root).`);
  const lock = path.join(directory, "migration_lock.toml");
  if (existsSync(lock)) {
    const lockedProvider = /^\s*provider\s*=\s*"([^"]+)"/m.exec(readFileSync(lock, "utf8"))?.[1];
    if (lockedProvider && lockedProvider !== provider) {
      throw new MigrationError(`${lock} is for provider "${lockedProvider}", but the database is ${provider}.`);
    }
  }
  return readdirSync(directory, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(path.join(directory, entry.name, "migration.sql")))
    .map((entry) => entry.name)
    .sort()
    .map((name) => {
      const bytes = readFileSync(path.join(directory, name, "migration.sql"));
      return { name, bytes, sql: bytes.toString("utf8"), checksum: migrationChecksum(bytes) };
    });
}

interface AppliedRow {
  migration_name: string;
  checksum: string;
  finished_at: unknown;
  rolled_back_at: unknown;
}

/**
 * What must be applied, or a MigrationError when the history forbids going on (the same checks
 * Prisma's `migrate deploy` makes).
 */
function plan(files: MigrationFile[], rows: AppliedRow[]): { pending: MigrationFile[]; applied: string[] } {
  const live = rows.filter((row) => row.rolled_back_at === null);
  const failed = live.filter((row) => row.finished_at === null);
  if (failed.length > 0) {
    throw new MigrationError(
      `Migration ${failed.map((r) => r.migration_name).join(", ")} failed earlier and is recorded as unfinished in _prisma_migrations. ` +
        `Fix the database by hand, then mark it rolled back (UPDATE _prisma_migrations SET rolled_back_at = now() …) or delete its row.`,
    );
  }
  const byName = new Map(live.map((row) => [row.migration_name, row]));
  const pending: MigrationFile[] = [];
  const applied: string[] = [];
  for (const file of files) {
    const row = byName.get(file.name);
    if (!row) {
      pending.push(file);
      continue;
    }
    if (!checksumMatches(file.bytes, row.checksum)) {
      throw new MigrationError(
        `Migration ${file.name} was modified after it was applied (checksum ${row.checksum} in _prisma_migrations, ${file.checksum} on disk). ` +
          `Applied migrations must not change: restore the file and put the change in a new migration (scripts/db-migration-create.ts).`,
      );
    }
    applied.push(file.name);
  }
  return { pending, applied };
}

/**
 * Brings the database at `url` up to date with the committed migrations for its provider.
 * Idempotent; concurrent callers serialize on a database lock and apply each migration once.
 */
export async function migrateDatabase(url: string, options: MigrateOptions = {}): Promise<MigrateResult> {
  const provider = databaseProviderOf(url);
  const files = readMigrationFiles(provider, options.migrationsDirectory ?? migrationsDirectoryFor(provider));
  const log = options.log ?? (() => {});
  const result = provider === "sqlite" ? migrateSqlite(sqliteFilePath(url), files, log) : await migratePostgres(url, files, log);
  return { provider, ...result };
}

// --- SQLite -------------------------------------------------------------------------------------

const SQLITE_MIGRATIONS_TABLE = `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    TEXT PRIMARY KEY NOT NULL,
    "checksum"              TEXT NOT NULL,
    "finished_at"           DATETIME,
    "migration_name"        TEXT NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        DATETIME,
    "started_at"            DATETIME NOT NULL DEFAULT current_timestamp,
    "applied_steps_count"   INTEGER UNSIGNED NOT NULL DEFAULT 0
)`;

function migrateSqlite(file: string, files: MigrationFile[], log: (line: string) => void) {
  mkdirSync(path.dirname(file), { recursive: true });
  const db = new Database(file, { timeout: SQLITE_BUSY_TIMEOUT_MS });
  try {
    const readRows = (): AppliedRow[] =>
      db.prepare(`SELECT migration_name, checksum, finished_at, rolled_back_at FROM "_prisma_migrations"`).all() as AppliedRow[];
    const hasTable = () =>
      db.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '_prisma_migrations'`).get() !== undefined;

    // Fast path without taking the write lock: everything applied already.
    const first = plan(files, hasTable() ? readRows() : []);
    if (first.pending.length === 0) return { applied: [], alreadyApplied: first.applied };

    const applied: string[] = [];
    // SQLite ignores `PRAGMA foreign_keys` inside a transaction, and Prisma's table-redefinition
    // migrations DROP tables that others reference: with enforcement on, that DROP would run the
    // ON DELETE CASCADE actions and delete child rows. So enforcement is off while migrating and
    // integrity is checked with foreign_key_check before each commit instead.
    const foreignKeys = db.pragma("foreign_keys", { simple: true }) as number;
    db.pragma("foreign_keys = OFF");
    try {
      for (;;) {
        // BEGIN IMMEDIATE takes the write lock up front, so a concurrent migrator waits here and
        // then sees this one's rows instead of applying the same migration twice.
        db.exec("BEGIN IMMEDIATE");
        let migration: MigrationFile | undefined;
        try {
          db.exec(SQLITE_MIGRATIONS_TABLE);
          migration = plan(files, readRows()).pending[0];
          if (!migration) {
            db.exec("COMMIT");
            break;
          }
          const startedAt = Date.now();
          db.exec(migration.sql);
          const violations = db.pragma("foreign_key_check") as unknown[];
          if (violations.length > 0)
            throw new Error(`foreign_key_check found ${violations.length} violation(s): ${JSON.stringify(violations.slice(0, 5))}`);
          // Prisma stores SQLite timestamps as Unix milliseconds.
          db.prepare(
            `INSERT INTO "_prisma_migrations" (id, checksum, finished_at, migration_name, logs, rolled_back_at, started_at, applied_steps_count) VALUES (?, ?, ?, ?, NULL, NULL, ?, 1)`,
          ).run(randomUUID(), migration.checksum, Date.now(), migration.name, startedAt);
          db.exec("COMMIT");
        } catch (error) {
          if (db.inTransaction) db.exec("ROLLBACK");
          if (error instanceof MigrationError || !migration) throw error;
          throw new MigrationError(`Migration ${migration.name} failed and was rolled back: ${(error as Error).message}`, { cause: error });
        }
        applied.push(migration.name);
        log(`Applied migration ${migration.name}`);
      }
    } finally {
      db.pragma(`foreign_keys = ${foreignKeys ? "ON" : "OFF"}`);
    }
    const done = new Set(applied);
    return { applied, alreadyApplied: files.map((f) => f.name).filter((name) => !done.has(name)) };
  } finally {
    db.close();
  }
}

// --- PostgreSQL ---------------------------------------------------------------------------------

const POSTGRES_MIGRATIONS_TABLE = `CREATE TABLE IF NOT EXISTS _prisma_migrations (
    id                      VARCHAR(36) PRIMARY KEY NOT NULL,
    checksum                VARCHAR(64) NOT NULL,
    finished_at             TIMESTAMPTZ,
    migration_name          VARCHAR(255) NOT NULL,
    logs                    TEXT,
    rolled_back_at          TIMESTAMPTZ,
    started_at              TIMESTAMPTZ NOT NULL DEFAULT now(),
    applied_steps_count     INTEGER NOT NULL DEFAULT 0
)`;

async function migratePostgres(url: string, files: MigrationFile[], log: (line: string) => void) {
  const { connectionString, schema } = postgresConnection(url);
  const client = new pg.Client({ connectionString });
  try {
    await client.connect();
  } catch (error) {
    throw new MigrationError(`Cannot connect to PostgreSQL at ${redactUrl(url)}: ${(error as Error).message}`, { cause: error });
  }
  try {
    if (schema) await client.query(`SET search_path TO ${quoteIdentifier(schema)}`);
    const readRows = async (): Promise<AppliedRow[]> => {
      const exists = await client.query(`SELECT to_regclass('_prisma_migrations') IS NOT NULL AS present`);
      if (!exists.rows[0]?.present) return [];
      return (await client.query<AppliedRow>(`SELECT migration_name, checksum, finished_at, rolled_back_at FROM _prisma_migrations`)).rows;
    };

    const first = plan(files, await readRows());
    if (first.pending.length === 0) return { applied: [], alreadyApplied: first.applied };

    const applied: string[] = [];
    await client.query(`SELECT pg_advisory_lock(${PRISMA_ADVISORY_LOCK_KEY})`);
    try {
      if (schema) await client.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdentifier(schema)}`);
      await client.query(POSTGRES_MIGRATIONS_TABLE);
      // Re-plan under the lock: another process may have migrated meanwhile.
      for (const migration of plan(files, await readRows()).pending) {
        await client.query("BEGIN");
        try {
          const id = randomUUID();
          await client.query(
            `INSERT INTO _prisma_migrations (id, checksum, migration_name, started_at, applied_steps_count) VALUES ($1, $2, $3, now(), 0)`,
            [id, migration.checksum, migration.name],
          );
          // Simple-query protocol: the whole file runs as one multi-statement script, like Prisma does.
          await client.query(migration.sql);
          await client.query(`UPDATE _prisma_migrations SET finished_at = clock_timestamp(), applied_steps_count = 1 WHERE id = $1`, [id]);
          await client.query("COMMIT");
        } catch (error) {
          await client.query("ROLLBACK").catch(() => {});
          throw new MigrationError(`Migration ${migration.name} failed and was rolled back: ${(error as Error).message}`, { cause: error });
        }
        applied.push(migration.name);
        log(`Applied migration ${migration.name}`);
      }
    } finally {
      await client.query(`SELECT pg_advisory_unlock(${PRISMA_ADVISORY_LOCK_KEY})`).catch(() => {});
    }
    const done = new Set(applied);
    return { applied, alreadyApplied: files.map((f) => f.name).filter((name) => !done.has(name)) };
  } finally {
    await client.end().catch(() => {});
  }
}

function quoteIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
