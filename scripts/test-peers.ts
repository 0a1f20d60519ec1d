/**
 * Only the peer steps of `npm test` (scripts/support/peer-steps.ts), against the existing production
 * build: `npm run build` first. PostgreSQL, soketi and redis-server as `npm test` finds them.
 */
import { findPostgresBinDir } from "../tests/support/postgres";
import { peerSteps } from "./support/peer-steps";
import { printSummary } from "./support/run-step";

process.env.NEXT_TELEMETRY_DISABLED ??= "1";

async function main(): Promise<number> {
  const postgresAvailable = Boolean(findPostgresBinDir() || process.env.TEST_POSTGRES_URL || process.env.REQUIRE_POSTGRES === "1");
  return printSummary(await peerSteps(postgresAvailable));
}

void main().then((code) => process.exit(code));
