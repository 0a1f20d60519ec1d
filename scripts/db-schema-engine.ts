/**
 * Drives Prisma's WebAssembly schema engine (@prisma/schema-engine-wasm) directly, because the
 * Prisma CLI needs a native schema-engine binary that cannot be downloaded on these machines.
 *
 * Only `diff` is used (datamodel/database/empty → datamodel): it is the one command without the
 * wasm engine's known defects (missing _prisma_migrations on fresh DBs, shadow DB handling,
 * adapter-pg quirks). Applying migrations is lib/db/migrate.ts's job, in plain SQL.
 *
 * Development tooling only (migration authoring, drift test): the app never loads this.
 */
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { PrismaBetterSqlite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { bindMigrationAwareSqlAdapterFactory, mockMigrationAwareAdapterFactory } from "@prisma/driver-adapter-utils";
import type { SqlDriverAdapter, SqlMigrationAwareDriverAdapterFactory } from "@prisma/driver-adapter-utils";
import type {
  DiagnoseMigrationHistoryOutput,
  DiffTarget,
  MigrationList,
  SchemaEngine as SchemaEngineInstance,
} from "@prisma/schema-engine-wasm";
import { databaseProviderOf, sqliteFilePath, type DatabaseProvider } from "../lib/db/database-config";
import { migrationsDirectoryFor, readMigrations } from "../lib/db/migrate";
import { postgresConnection } from "../lib/db/postgres-url";

type SchemaEngineModule = typeof import("@prisma/schema-engine-wasm");

let engineModule: Promise<SchemaEngineModule> | undefined;

/**
 * The package's entry does `import * as wasm from "./x.wasm"` (bundler-style), which Node 20
 * cannot load, so instantiate the module by hand and hand it to the wasm-bindgen glue.
 */
function loadEngineModule(): Promise<SchemaEngineModule> {
  engineModule ??= (async () => {
    const require = createRequire(import.meta.url);
    const gluePath = require.resolve("@prisma/schema-engine-wasm/schema_engine_bg");
    const glue = (await import(gluePath)) as SchemaEngineModule & { __wbg_set_wasm(exports: WebAssembly.Exports): void };
    const wasmPath = gluePath.replace(/schema_engine_bg\.js$/, "schema_engine_bg.wasm");
    const { instance } = await WebAssembly.instantiate(readFileSync(wasmPath), {
      "./schema_engine_bg.js": glue as unknown as WebAssembly.ModuleImports,
    });
    glue.__wbg_set_wasm(instance.exports);
    (instance.exports.__wbindgen_start as () => void)();
    return glue;
  })();
  return engineModule;
}

/**
 * A migration-aware adapter factory that remembers every connection the engine opens, so they can
 * be closed afterwards (the engine never disposes them, which would keep pg pools and file
 * handles alive).
 */
function trackingFactory({ factory: inner, close }: { factory: SqlMigrationAwareDriverAdapterFactory; close: () => Promise<void> }) {
  const opened: SqlDriverAdapter[] = [];
  const factory: SqlMigrationAwareDriverAdapterFactory = {
    provider: inner.provider,
    adapterName: inner.adapterName,
    connect: async () => {
      const adapter = await inner.connect();
      opened.push(adapter);
      return adapter;
    },
    connectToShadowDb: async () => {
      const adapter = await inner.connectToShadowDb();
      opened.push(adapter);
      return adapter;
    },
  };
  return {
    factory,
    dispose: async () => {
      await Promise.allSettled(opened.map((adapter) => adapter.dispose()));
      await close();
    },
  };
}

function adapterFactoryFor(
  provider: DatabaseProvider,
  url: string,
): { factory: SqlMigrationAwareDriverAdapterFactory; close: () => Promise<void> } {
  if (provider === "sqlite") return { factory: new PrismaBetterSqlite3({ url: sqliteFilePath(url) }), close: async () => {} };
  const { connectionString, schema } = postgresConnection(url);
  const pool = charAsTextPool(connectionString);
  return { factory: new PrismaPg(pool, schema ? { schema } : undefined), close: () => pool.end() };
}

const PG_CHAR_OID = 18;
const PG_TEXT_OID = 25;

/**
 * adapter-pg rejects PostgreSQL's internal one-byte `"char"` type (pg_constraint.contype and
 * friends, which the engine's introspection reads) as unsupported. Its text form is an ordinary
 * string, so report those columns as `text`.
 */
function charAsTextPool(connectionString: string): pg.Pool {
  const pool = new pg.Pool({ connectionString, max: 2 });
  const fix = (value: pg.QueryResult | undefined) => {
    for (const field of value?.fields ?? []) if (field.dataTypeID === PG_CHAR_OID) field.dataTypeID = PG_TEXT_OID;
    return value;
  };
  pool.on("connect", (client) => {
    const query = client.query.bind(client) as (...args: unknown[]) => unknown;
    (client as { query: unknown }).query = (...args: unknown[]) => {
      // pg.Pool calls client.query with a callback; direct callers get a promise.
      const callback = args.at(-1);
      if (typeof callback === "function") {
        args[args.length - 1] = (error: unknown, value: pg.QueryResult) => callback(error, fix(value));
        return query(...args);
      }
      const result = query(...args);
      return result instanceof Promise ? result.then(fix) : result;
    };
  });
  return pool;
}

/**
 * Runs `fn` with a schema engine for `provider`. `url` is the database the engine may connect to
 * (needed only for `{ tag: "url" }` diff targets).
 */
export async function withSchemaEngine<T>(
  provider: DatabaseProvider,
  url: string | undefined,
  fn: (engine: SchemaEngineInstance) => Promise<T>,
): Promise<T> {
  if (url && databaseProviderOf(url) !== provider) throw new Error(`URL does not match provider ${provider}`);
  const { SchemaEngine } = await loadEngineModule();
  // Without a URL the engine only compares datamodels: Prisma's mock adapter (what the CLI uses
  // offline) lets it start without a database server.
  const tracked = url
    ? trackingFactory(adapterFactoryFor(provider, url))
    : { factory: mockMigrationAwareAdapterFactory(provider === "sqlite" ? "sqlite" : "postgres"), dispose: async () => {} };
  const logs: string[] = [];
  const engine = await SchemaEngine.new(
    { datamodels: undefined },
    (line: string) => logs.push(line),
    bindMigrationAwareSqlAdapterFactory(tracked.factory),
  );
  try {
    return await fn(engine);
  } catch (error) {
    throw new Error(
      `Schema engine failed: ${describeEngineError(error)}${logs.length ? `\nEngine log:\n${logs.slice(-20).join("\n")}` : ""}`,
      { cause: error },
    );
  } finally {
    engine.free();
    await tracked.dispose();
  }
}

function describeEngineError(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (typeof error === "string") return error;
  try {
    return JSON.stringify(error);
  } catch {
    return String(error);
  }
}

const noFilters = { externalTables: [], externalEnums: [] };

export function datamodelTarget(datamodel: string): DiffTarget {
  return { tag: "schemaDatamodel", files: [{ path: "schema.prisma", content: datamodel }] };
}

/** The SQL script that turns `from` into `to` ("" when they agree). */
export async function diffScript(provider: DatabaseProvider, from: DiffTarget, to: DiffTarget, url?: string): Promise<string> {
  return withSchemaEngine(provider, url, async (engine) => {
    const result = await engine.diff({ from, to, script: true, exitCode: null, filters: noFilters });
    return normalizeScript(result.stdout ?? "");
  });
}

/** The SQL that creates `datamodel` from an empty database. */
export function createScript(provider: DatabaseProvider, datamodel: string): Promise<string> {
  return diffScript(provider, { tag: "empty" }, datamodelTarget(datamodel));
}

/**
 * The SQL that would bring the live database at `url` to `datamodel` ("" when in sync).
 * The wasm engine has no `url` diff source; `schemaDatasource` means "the database the engine's
 * adapter is connected to", which is `url`.
 */
export function driftScript(url: string, datamodel: string): Promise<string> {
  const live: DiffTarget = { tag: "schemaDatasource", configDir: process.cwd(), files: [{ path: "schema.prisma", content: datamodel }] };
  return diffScript(databaseProviderOf(url), live, datamodelTarget(datamodel), url);
}

/** An "empty migration" from the engine is a comment-only script; treat it as empty. */
function normalizeScript(script: string): string {
  const meaningful = script.split("\n").some((line) => line.trim() !== "" && !line.trim().startsWith("--"));
  return meaningful ? script : "";
}

/**
 * What Prisma Migrate itself thinks of the database's migration history (`prisma migrate status`):
 * used to check that lib/db/migrate.ts keeps `_prisma_migrations` the way Prisma expects.
 */
export async function diagnoseHistory(url: string, migrationsDirectory?: string): Promise<DiagnoseMigrationHistoryOutput> {
  const provider = databaseProviderOf(url);
  const directory = migrationsDirectory ?? migrationsDirectoryFor(provider);
  const lockfile = path.join(directory, "migration_lock.toml");
  const migrationsList: MigrationList = {
    baseDir: directory,
    lockfile: { path: "migration_lock.toml", content: existsSync(lockfile) ? readFileSync(lockfile, "utf8") : null },
    shadowDbInitScript: "",
    migrationDirectories: readMigrations(provider, directory).map((migration) => ({
      path: migration.name,
      migrationFile: { path: "migration.sql", content: { tag: "ok", value: migration.sql } },
    })),
  };
  return withSchemaEngine(provider, url, (engine) =>
    engine.diagnoseMigrationHistory({ migrationsList, optInToShadowDatabase: false, filters: noFilters }),
  );
}
