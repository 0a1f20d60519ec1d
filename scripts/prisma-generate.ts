/**
 * Generates both Prisma clients offline (the npm `postinstall`):
 *   prisma/schema.prisma                    → lib/generated/prisma             (SQLite)
 *   derived PostgreSQL copy of that schema  → lib/generated/prisma-postgresql  (PostgreSQL)
 *
 * The Prisma CLI insists that a native schema-engine binary exists before it runs any command,
 * and these machines cannot download one. `prisma generate` never executes it, so we point
 * PRISMA_SCHEMA_ENGINE_BINARY at a placeholder file. Migrations are applied by lib/db/migrate.ts.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import path from "node:path";
import { SCHEMA_PATH, deriveSchema, readSchema } from "./db-datamodel";

const root = process.cwd();
const require = createRequire(import.meta.url);

const placeholder = path.join(tmpdir(), "prisma-schema-engine-placeholder");
if (!existsSync(placeholder)) {
  mkdirSync(tmpdir(), { recursive: true });
  writeFileSync(placeholder, "#!/bin/sh\necho 'placeholder: migrations are applied by lib/db/migrate.ts' >&2\nexit 1\n", { mode: 0o755 });
}

// Generated, git-ignored (/lib/generated/). Kept outside the client's output folder because
// `prisma generate` empties that folder.
const postgresSchemaDirectory = path.join(root, "lib/generated/schema-postgresql");
mkdirSync(postgresSchemaDirectory, { recursive: true });
const postgresSchemaPath = path.join(postgresSchemaDirectory, "schema.prisma");
writeFileSync(postgresSchemaPath, deriveSchema(readSchema(root), "postgresql", { root, schemaDirectory: postgresSchemaDirectory }));

for (const schema of [SCHEMA_PATH, path.relative(root, postgresSchemaPath)]) {
  execFileSync(process.execPath, [require.resolve("prisma/build/index.js"), "generate", "--schema", schema], {
    stdio: "inherit",
    cwd: root,
    env: {
      ...process.env,
      PRISMA_SCHEMA_ENGINE_BINARY: process.env.PRISMA_SCHEMA_ENGINE_BINARY ?? placeholder,
      PRISMA_HIDE_UPDATE_MESSAGE: "1",
    },
  });
}
