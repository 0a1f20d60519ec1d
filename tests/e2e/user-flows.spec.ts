import { expect, test } from "@playwright/test";

import { kickFromRosterAndReconnect, messageFromRoster, newSignedInPage, rosterRow } from "./support";

/**
 * The product's three flows, end to end in Chromium against the real app, embedded realtime server
 * and database: a user signs in (browser signs in to Pusher), an admin sees them live and messages
 * them, an admin kicks them.
 */

test("sign in, see the user live, message them, kick them", async ({ browser }) => {
  const alice = await newSignedInPage(browser, "alice@example.com");

  const admin = await newSignedInPage(browser, "admin@example.com");
  await admin.page.goto("/admin");
  // The status lives in the header, so every page shows it (one pusher-js connection per tab).
  await expect(admin.page.getByTestId("realtime-status")).toHaveText("Signed in");
  const aliceRow = rosterRow(admin.page, "alice@example.com");
  await expect(aliceRow).toHaveCount(1);
  await expect(aliceRow.getByTestId("connection-count")).toHaveText("1");

  // A second tab of the same browser session is a second connection of the same user.
  const aliceSecondTab = await alice.context.newPage();
  await aliceSecondTab.goto("/");
  await expect(aliceSecondTab.getByTestId("realtime-status")).toHaveText("Signed in");
  await expect(aliceRow.getByTestId("connection-count")).toHaveText("2");

  // Closing one tab keeps Alice listed with one connection.
  await aliceSecondTab.close();
  await expect(aliceRow.getByTestId("connection-count")).toHaveText("1");

  await messageFromRoster(admin.page, aliceRow, alice.page, "Hello from the admin console");
  await kickFromRosterAndReconnect(admin.page, aliceRow, alice.page);
  await expect(alice.page.getByTestId("realtime-terminated")).toHaveCount(0);

  await alice.context.close();
  await admin.context.close();
});

test("a non-admin is refused at /admin", async ({ browser }) => {
  const bob = await newSignedInPage(browser, "bob@example.com");
  const response = await bob.page.goto("/admin");
  // Non-admins get a real 403 (forbidden()) before anything of the console renders.
  expect(response?.status()).toBe(403);
  await expect(bob.page.getByRole("heading", { name: "You don't have access to this page" })).toBeVisible();
  await expect(bob.page.getByTestId("roster-table")).toHaveCount(0);
  await bob.context.close();
});

test("an anonymous visitor is sent to /login", async ({ page }) => {
  await page.goto("/admin");
  await expect(page).toHaveURL(/\/login/);
  await page.goto("/");
  await expect(page).toHaveURL(/\/login/);
});

test("wrong credentials give a clear message", async ({ page }) => {
  await page.goto("/login");
  await page.getByLabel("Email").fill("alice@example.com");
  await page.getByLabel("Password").fill("not-the-password");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.locator("form").getByRole("alert")).toContainText("Invalid email or password");
  await expect(page).toHaveURL(/\/login/);
});
