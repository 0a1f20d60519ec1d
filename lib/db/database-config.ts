/**
 * Facts about the database that the app, the launcher scripts, the tests and docs/database.md
 * must agree on. No `server-only` here: standalone scripts and Vitest import it too.
 */
import path from "node:path";

/** Used when DATABASE_URL is unset. Relative `file:` paths resolve against process.cwd(). */
export const DEFAULT_DATABASE_URL = "file:./data/dev.db";

export type DatabaseProvider = "sqlite" | "postgresql";

/**
 * Migration folders per provider, relative to the project root. Prisma's layout
 * (`<timestamp>_<name>/migration.sql` + `migration_lock.toml`) so the Prisma CLI can read them too.
 */
export const MIGRATIONS_DIRECTORIES: Record<DatabaseProvider, string> = {
  sqlite: "prisma/migrations",
  postgresql: "prisma/postgresql/migrations",
};

export function databaseUrlFromEnv(env: Record<string, string | undefined> = process.env): string {
  const url = env.DATABASE_URL?.trim();
  return url ? url : DEFAULT_DATABASE_URL;
}

export function databaseProviderOf(url: string): DatabaseProvider {
  if (url.startsWith("file:")) return "sqlite";
  if (/^postgres(ql)?:\/\//.test(url)) return "postgresql";
  // Fail loudly rather than guess: a typo here would otherwise silently create a SQLite file.
  throw new Error(`Unsupported DATABASE_URL "${redactUrl(url)}": use file:<path> for SQLite or postgresql://… for PostgreSQL.`);
}

/** Absolute path of the SQLite file behind a `file:` URL (relative paths: against process.cwd()). */
export function sqliteFilePath(url: string, cwd: string = process.cwd()): string {
  if (!url.startsWith("file:")) throw new Error(`Not a SQLite file: URL: ${redactUrl(url)}`);
  // Query parameters (e.g. ?connection_limit=1 from Prisma examples) mean nothing to better-sqlite3.
  let file = url.slice("file:".length).replace(/\?.*$/, "");
  // file:///abs/path and file://localhost/abs/path are valid URL spellings of an absolute path.
  if (file.startsWith("//")) file = file.replace(/^\/\/[^/]*/, "");
  if (file === "" || file === ":memory:")
    throw new Error("SQLite DATABASE_URL needs a file path (in-memory databases are per-connection).");
  return path.resolve(cwd, decodeURIComponent(file));
}

/** The URL with its password replaced, for error messages and logs. */
export function redactUrl(url: string): string {
  return url.replace(/(\/\/[^:/@]*:)[^@]*@/, "$1***@");
}
