import "server-only";
import { databaseUrlFromEnv } from "./database-config";
import { createDatabaseClient, type DatabaseClient } from "./create-client";

/**
 * The app's one database client. Cached on globalThis so that Next's dev-mode module reloads
 * reuse it instead of opening a new connection (pool) on every edit.
 */
const globalForDb = globalThis as unknown as { __database?: { url: string; client: DatabaseClient } };

function getClient(): DatabaseClient {
  const url = databaseUrlFromEnv();
  // Keyed by URL so a changed DATABASE_URL (tests, launcher) never gets a client for the old one.
  if (globalForDb.__database?.url !== url) {
    globalForDb.__database = { url, client: createDatabaseClient(url) };
  }
  return globalForDb.__database.client;
}

export const db: DatabaseClient = getClient();
