/**
 * Applies pending migrations to DATABASE_URL (default: file:./data/dev.db).
 *
 *   npx tsx scripts/db-migrate.ts            migrate
 *   npx tsx scripts/db-migrate.ts --seed     migrate, then create the demo accounts if there are
 *                                            no users (password: DEMO_PASSWORD or demo-password)
 */
import { databaseUrlFromEnv, redactUrl } from "../lib/db/database-config";
import { createDatabaseClient } from "../lib/db/create-client";
import { migrateDatabase } from "../lib/db/migrate";
import { demoPasswordFromEnv, seedDemoAccounts } from "../lib/db/seed";

async function main() {
  const url = databaseUrlFromEnv();
  const result = await migrateDatabase(url, { log: (line) => console.log(line) });
  console.log(
    `${redactUrl(url)} (${result.provider}): ${result.applied.length} migration(s) applied, ${result.alreadyApplied.length} already applied.`,
  );
  if (process.argv.includes("--seed")) {
    const db = createDatabaseClient(url);
    try {
      const seed = await seedDemoAccounts(db, { password: demoPasswordFromEnv() });
      console.log(seed.created ? `Seeded ${seed.accounts.map((a) => a.email).join(", ")}.` : "Users exist: demo accounts not seeded.");
    } finally {
      await db.$disconnect();
    }
  }
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
