/**
 * Generates the Prisma client offline.
 *
 * The Prisma CLI insists that a native schema-engine binary exists before it runs any command,
 * and these machines cannot download one. `prisma generate` never executes it, so we point
 * PRISMA_SCHEMA_ENGINE_BINARY at a placeholder file. Migrations are applied by lib/db/migrate.ts.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync, existsSync } from "node:fs";
import { join } from "node:path";
import { tmpdir } from "node:os";

const placeholder = join(tmpdir(), "prisma-schema-engine-placeholder");
if (!existsSync(placeholder)) {
  mkdirSync(tmpdir(), { recursive: true });
  writeFileSync(placeholder, "#!/bin/sh\necho 'placeholder: migrations are applied by lib/db/migrate.ts' >&2\nexit 1\n", { mode: 0o755 });
}

execFileSync(process.execPath, [require.resolve("prisma/build/index.js"), "generate"], {
  stdio: "inherit",
  env: { ...process.env, PRISMA_SCHEMA_ENGINE_BINARY: process.env.PRISMA_SCHEMA_ENGINE_BINARY ?? placeholder, PRISMA_HIDE_UPDATE_MESSAGE: "1" },
});
