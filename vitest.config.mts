import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

export default defineConfig({
  resolve: {
    alias: {
      "@": fileURLToPath(new URL(".", import.meta.url)),
      // `server-only` throws outside Next's server bundle; tests import server modules directly.
      "server-only": fileURLToPath(new URL("./tests/support/server-only.ts", import.meta.url)),
    },
  },
  test: {
    include: ["tests/**/*.test.ts"],
    // "**/node_modules/**": tests/peers/soketi gets soketi (and its dependencies' own test files) at test time.
    exclude: ["tests/e2e/**", "**/node_modules/**"],
    environment: "node",
    // One throwaway PostgreSQL cluster for the whole run (when PostgreSQL is installed); see the file.
    globalSetup: ["tests/support/postgres.ts"],
    testTimeout: 20_000,
    hookTimeout: 30_000,
    // SQLite files and ports are per-test, so files can run in parallel on the 2 cores.
    pool: "forks",
  },
});
