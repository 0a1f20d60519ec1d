import Database from "better-sqlite3";
import { Client } from "pg";
import { expect, test } from "@playwright/test";

import { newSignedInPage, rosterRow } from "./support";

/**
 * Issue 9: the admin console of the production build with 10,000 users online. The users and their
 * connections are written straight into the app's database (10,000 browsers can't run here; `npm
 * run bench:app` drives real tabs), then /admin must stay under 100 KB of HTML, page on the server,
 * and still show a new sign-in live. The rows are removed again afterwards.
 */

const ONLINE = 10_000;
const databaseUrl = process.env.E2E_DATABASE_URL ?? "file:./tmp/e2e/app.db";
const postgres = /^postgres(ql)?:/.test(databaseUrl);

/** Runs SQL against the app's database (SQLite file or PostgreSQL), closing the connection after. */
async function sql(statements: string[]): Promise<void> {
  if (postgres) {
    const client = new Client({ connectionString: databaseUrl });
    await client.connect();
    try {
      for (const statement of statements) await client.query(statement);
    } finally {
      await client.end();
    }
    return;
  }
  const db = new Database(databaseUrl.replace(/^file:/, ""), { timeout: 10_000 });
  try {
    for (const statement of statements) db.exec(statement);
  } finally {
    db.close();
  }
}

const numbers = postgres
  ? `generate_series(0, ${ONLINE - 1}) AS n(i)`
  : `(WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < ${ONLINE - 1}) SELECT i FROM n)`;
const padded = (value: string) => (postgres ? `lpad((${value})::text, 5, '0')` : `printf('%05d', ${value})`);
// Dates copied from rows the app wrote (the admin's account and its live connection), so they are
// stored the way the app stores them.
const adminUser = `(SELECT "id" FROM "User" WHERE "email" = 'admin@example.com')`;
const userDate = (column: string) => `(SELECT "${column}" FROM "User" WHERE "email" = 'admin@example.com')`;
const connectionDate = `(SELECT MAX("signedInAt") FROM "RealtimeConnection" WHERE "userId" = ${adminUser})`;

const seed = [
  `INSERT INTO "User" ("id", "email", "name", "passwordHash", "createdAt", "updatedAt")
   SELECT 'load' || ${padded("i")}, 'load' || ${padded("i")} || '@example.test', 'Load ' || ${padded("i")}, 'x', ${userDate("createdAt")}, ${userDate("updatedAt")} FROM ${numbers}`,
  `INSERT INTO "RealtimeConnection" ("id", "socketId", "userId", "signedInAt", "confirmedAt", "lastActivityAt")
   SELECT 'loadc' || ${padded("i")}, 'load.' || i, 'load' || ${padded("i")}, ${connectionDate}, ${connectionDate}, ${connectionDate} FROM ${numbers}`,
];
const cleanup = [
  `DELETE FROM "RealtimeConnection" WHERE "socketId" LIKE 'load.%'`,
  `DELETE FROM "User" WHERE "email" LIKE 'load%@example.test'`,
];

test.afterAll(async () => {
  await sql(cleanup);
});

test("/admin at 10,000 online: under 100 KB, paged, sorted and searched on the server, still live", async ({ browser }) => {
  test.setTimeout(120_000);
  const admin = await newSignedInPage(browser, "admin@example.com");
  await sql(seed);

  // The HTML the server sends for the console's first view.
  const started = Date.now();
  const response = await admin.page.request.get("/admin");
  const html = await response.text();
  const loadMs = Date.now() - started;
  expect(response.status()).toBe(200);
  const kb = Buffer.byteLength(html) / 1024;
  console.info(`GET /admin with ${ONLINE + 1} online: ${kb.toFixed(1)} KB of HTML in ${loadMs} ms`);
  expect(kb).toBeLessThan(100);

  await admin.page.goto("/admin");
  await expect(admin.page.getByTestId("roster-row")).toHaveCount(50);
  await expect(admin.page.getByTestId("roster-count")).toHaveText(`${ONLINE + 1} users online`);
  await expect(admin.page.getByTestId("roster-pagination")).toContainText("page 1 of 201");

  // A sign-in sorts onto the first page ("Alice" before "Load …") and shows up live.
  const table = admin.page.getByTestId("roster-table");
  const versionBefore = await table.getAttribute("data-roster-version");
  const alice = await newSignedInPage(browser, "alice@example.com");
  await expect(rosterRow(admin.page, "alice@example.com")).toHaveCount(1);
  await expect(admin.page.getByTestId("roster-count")).toHaveText(`${ONLINE + 2} users online`);
  expect(await table.getAttribute("data-roster-version")).not.toBe(versionBefore);

  // Sorted and searched by the server: links and a GET form that keep the realtime connection.
  await admin.page.getByTestId("roster-sort-signed-in").click();
  await expect(admin.page).toHaveURL(/\/admin\?sort=signed-in$/);
  await expect(admin.page.getByRole("columnheader", { name: /Signed in since/ })).toHaveAttribute("aria-sort", "descending");
  await admin.page.getByLabel("Search signed-in users").fill("load0999");
  await admin.page.getByRole("button", { name: "Search" }).click();
  await expect(admin.page).toHaveURL(/q=load0999/);
  await expect(admin.page.getByTestId("roster-row")).toHaveCount(10);
  await expect(admin.page.getByTestId("realtime-status")).toHaveText("Signed in");

  await alice.context.close();
  await admin.context.close();
});
