/**
 * prisma/schema.prisma and the committed migrations must describe the same database, for both
 * providers: apply the migrations to a fresh database with the app's own runner, then ask Prisma's
 * (wasm) schema engine what it would still have to change to reach the datamodel. Anything but
 * "nothing" means someone edited the schema without running scripts/db-migration-create.ts (or
 * hand-edited a migration).
 */
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DatabaseProvider } from "@/lib/db/database-config";
import { migrateDatabase, migrationsDirectoryFor } from "@/lib/db/migrate";
import { postgresSkipReason, startPostgresServer, type PostgresServer } from "@/tests/support/postgres";
import { deriveSchema, readDatamodel, readSchema } from "@/scripts/db-datamodel";
import { driftScript } from "@/scripts/db-schema-engine";

const FIX = "Run `npx tsx scripts/db-migration-create.ts <name>` and commit the new migration folders.";

/** The datamodel with one extra column, to prove the check can fail. */
function withExtraColumn(datamodel: string): string {
  const changed = datamodel.replace(/(model User \{\n)/, "$1  driftProbeColumn String?\n");
  expect(changed).not.toBe(datamodel);
  return changed;
}

function driftSuite(provider: DatabaseProvider, freshUrl: () => Promise<{ url: string; dispose: () => Promise<void> }>) {
  let url: string;
  let dispose: () => Promise<void>;
  beforeAll(async () => {
    ({ url, dispose } = await freshUrl());
    await migrateDatabase(url);
  });
  afterAll(async () => {
    await dispose?.();
  });

  it("the committed migrations produce exactly the schema.prisma datamodel", async () => {
    const drift = await driftScript(url, readDatamodel(provider));
    expect(drift, `${provider} migrations and prisma/schema.prisma disagree; pending SQL:\n${drift}\n${FIX}`).toBe("");
  });

  it("detects a datamodel change that has no migration", async () => {
    const drift = await driftScript(url, withExtraColumn(readDatamodel(provider)));
    expect(drift).toMatch(/ALTER TABLE "User" ADD COLUMN\s+"driftProbeColumn" TEXT/);
  });
}

describe("SQLite drift", () => {
  driftSuite("sqlite", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "drift-"));
    return { url: `file:${path.join(dir, "drift.db")}`, dispose: async () => rmSync(dir, { recursive: true, force: true }) };
  });
});

const skip = postgresSkipReason();
describe.skipIf(skip)(`PostgreSQL drift${skip ? ` — skipped: ${skip}` : ""}`, () => {
  let server: PostgresServer;
  beforeAll(async () => {
    server = await startPostgresServer();
  });
  afterAll(async () => {
    await server?.stop();
  });
  driftSuite("postgresql", async () => {
    const url = await server.createDatabase("drift");
    return { url, dispose: () => server.dropDatabase(url) };
  });
});

describe("migration history", () => {
  it("has the same migration folders for both providers", () => {
    const names = (provider: DatabaseProvider) =>
      readdirSync(migrationsDirectoryFor(provider), { withFileTypes: true })
        .filter((entry) => entry.isDirectory())
        .map((entry) => entry.name)
        .sort();
    expect(names("postgresql")).toEqual(names("sqlite"));
  });

  it("derives the PostgreSQL schema by changing only the provider", () => {
    const sqlite = readSchema();
    const postgres = deriveSchema(sqlite, "postgresql");
    expect(postgres).toContain('provider = "postgresql"');
    const [header, ...rest] = postgres.split("\n");
    expect(header).toMatch(/^\/\/ GENERATED from prisma\/schema\.prisma/);
    expect(rest.join("\n").replace('provider = "postgresql"', 'provider = "sqlite"')).toBe(sqlite);
  });

  it("refuses provider-specific native types in schema.prisma", () => {
    expect(() => deriveSchema(readSchema().replace("email          String", "email          String @db.Text"), "postgresql")).toThrow(
      /native types/,
    );
  });
});
