/**
 * The Prisma datamodel per provider, derived mechanically from prisma/schema.prisma (SQLite).
 *
 * Prisma allows one provider per schema and its generated client and migrations are
 * provider-specific, so the PostgreSQL variant is produced by swapping the datasource provider and
 * the generator output. Anything provider-specific (`@db.*` native types, `mode: insensitive`
 * indexes…) would make the two diverge, so the derivation refuses such schemas.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import type { DatabaseProvider } from "../lib/db/database-config";

export const SCHEMA_PATH = "prisma/schema.prisma";

/** Where each provider's client is generated, relative to the project root (git-ignored). */
export const GENERATED_CLIENT_DIRECTORIES: Record<DatabaseProvider, string> = {
  sqlite: "lib/generated/prisma",
  postgresql: "lib/generated/prisma-postgresql",
};

export function readSchema(root: string = process.cwd()): string {
  return readFileSync(path.join(root, SCHEMA_PATH), "utf8");
}

/**
 * Returns the schema text for `provider`. `schemaDirectory` is the folder the returned text will be
 * written to (generator `output` is relative to it); omit it when only the datamodel matters.
 */
export function deriveSchema(
  sqliteSchema: string,
  provider: DatabaseProvider,
  options: { root?: string; schemaDirectory?: string } = {},
): string {
  const datasource = /(datasource\s+\w+\s*\{[^}]*?provider\s*=\s*)"sqlite"/g;
  const matches = sqliteSchema.match(datasource) ?? [];
  if (matches.length !== 1) {
    throw new Error(`${SCHEMA_PATH} must contain exactly one datasource block with provider = "sqlite".`);
  }
  const nativeType = /@db\.\w+/.exec(sqliteSchema);
  if (nativeType) {
    throw new Error(
      `${SCHEMA_PATH} uses ${nativeType[0]}: native types are provider-specific and would make the SQLite and PostgreSQL schemas differ.`,
    );
  }
  if (provider === "sqlite") return sqliteSchema;

  let schema = sqliteSchema.replace(datasource, `$1"${provider}"`);
  if (options.schemaDirectory) {
    const root = options.root ?? process.cwd();
    const output = path.relative(options.schemaDirectory, path.join(root, GENERATED_CLIENT_DIRECTORIES[provider]));
    const generatorOutput = /(generator\s+client\s*\{[^}]*?output\s*=\s*)"[^"]*"/;
    if (!generatorOutput.test(schema)) throw new Error(`${SCHEMA_PATH}: generator client has no output to redirect.`);
    schema = schema.replace(generatorOutput, `$1"${output.split(path.sep).join("/")}"`);
  }
  return `// GENERATED from ${SCHEMA_PATH} by scripts/db-datamodel.ts: do not edit.\n${schema}`;
}

export function readDatamodel(provider: DatabaseProvider, root: string = process.cwd()): string {
  return deriveSchema(readSchema(root), provider);
}
