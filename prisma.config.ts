import { defineConfig } from "prisma/config";

/**
 * Only `prisma generate` runs here day to day (scripts/prisma-generate.ts, which passes --schema
 * for each provider); migrations are applied by lib/db/migrate.ts. The rest is for someone with a
 * native schema engine who wants `prisma migrate status` / `prisma studio` on DATABASE_URL: it
 * points the CLI at the provider's schema and migration folder.
 *
 * DATABASE_URL is read from process.env (not env(), which throws when unset) so that
 * `prisma generate` works without it.
 */
const url = process.env.DATABASE_URL;
const postgres = !!url && /^postgres(ql)?:\/\//.test(url);

export default defineConfig({
  schema: postgres ? "lib/generated/schema-postgresql/schema.prisma" : "prisma/schema.prisma",
  migrations: { path: postgres ? "prisma/postgresql/migrations" : "prisma/migrations" },
  ...(url ? { datasource: { url } } : {}),
});
