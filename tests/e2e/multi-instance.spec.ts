import { expect, test, type Browser } from "@playwright/test";

import { PASSWORD, rosterRow, signIn } from "./support";

/**
 * Two app instances on one database (playwright.multi.config.ts): users work on instance A, the
 * admin on instance B, and every flow crosses between them — on one realtime server, or on a
 * two-node soketi cluster joined by Redis (instance A on node A, instance B on node B).
 * Nothing may depend on which instance served a request or received a webhook.
 */
const URL_A = `http://localhost:${process.env.E2E_APP_PORT ?? 3100}`;
const URL_B = `http://127.0.0.1:${process.env.E2E_APP_B_PORT ?? 3101}`;

/** A separate browser signed in on one instance (own cookies), its realtime connection signed in. */
async function signedInOn(browser: Browser, baseURL: string, email: string) {
  const context = await browser.newContext({ baseURL });
  const page = await context.newPage();
  await signIn(page, email);
  await expect(page.getByTestId("realtime-status")).toHaveText("Signed in");
  return { context, page };
}

test("the user on instance A, the admin on instance B: roster, message, kick", async ({ browser }) => {
  const alice = await signedInOn(browser, URL_A, "alice@example.com");
  const admin = await signedInOn(browser, URL_B, "admin@example.com");

  await admin.page.goto("/admin");
  const aliceRow = rosterRow(admin.page, "alice@example.com");
  await expect(aliceRow.getByTestId("connection-count")).toHaveText("1");

  // A second tab on the other instance is a second connection of the same user.
  const aliceOnB = await signedInOn(browser, URL_B, "alice@example.com");
  await expect(aliceRow.getByTestId("connection-count")).toHaveText("2");
  await aliceOnB.context.close();
  await expect(aliceRow.getByTestId("connection-count")).toHaveText("1");

  await aliceRow.getByRole("button", { name: "Send message" }).click();
  await admin.page.getByLabel("Message").fill("Hello across instances");
  await admin.page.getByRole("button", { name: "Send" }).click();
  await expect(admin.page.getByRole("dialog")).toBeHidden();
  await expect(alice.page.getByTestId("received-messages")).toContainText("Hello across instances");

  await aliceRow.getByRole("button", { name: "Kick" }).click();
  await admin.page.getByRole("button", { name: "Kick" }).click();
  await expect(alice.page.getByText("You were disconnected by an administrator")).toBeVisible();
  await expect(aliceRow).toHaveCount(0);
  await expect(alice.page.getByTestId("realtime-status")).not.toHaveText("Signed in");
  await alice.page.getByRole("button", { name: "Reconnect" }).click();
  await expect(alice.page.getByTestId("realtime-status")).toHaveText("Signed in");
  await expect(aliceRow.getByTestId("connection-count")).toHaveText("1");

  await Promise.all([alice.context.close(), admin.context.close()]);
});

test("webhooks reaching either instance are handled: both users' connections are confirmed live", async ({ browser }) => {
  const admin = await signedInOn(browser, URL_B, "admin@example.com");
  await admin.page.goto("/admin/inspector");
  await expect(admin.page.getByTestId("inspector-log")).toBeVisible();

  // On the cluster, node A's webhooks go to instance B and node B's to instance A; on one realtime
  // server, every webhook goes to both. Either way a connection is confirmed by channel_occupied.
  const alice = await signedInOn(browser, URL_A, "alice@example.com");
  const bob = await signedInOn(browser, URL_B, "bob@example.com");
  const confirmed = (name: string) => admin.page.locator('[data-testid="inspector-entry"][data-kind="connection-confirmed"]').filter({ hasText: `${name}'s connection` });
  await expect(confirmed("Alice").first()).toBeVisible();
  await expect(confirmed("Bob").first()).toBeVisible();

  // channel_vacated, wherever it lands, takes the connection off the roster.
  await admin.page.goto("/admin");
  await expect(rosterRow(admin.page, "bob@example.com")).toHaveCount(1);
  await bob.context.close();
  await expect(rosterRow(admin.page, "bob@example.com")).toHaveCount(0);

  await Promise.all([alice.context.close(), admin.context.close()]);
});

test("ban on instance B: the tab on A says why, both instances refuse the login, unban restores it", async ({ browser }) => {
  const bob = await signedInOn(browser, URL_A, "bob@example.com");
  const admin = await signedInOn(browser, URL_B, "admin@example.com");

  await admin.page.goto("/admin");
  const bobRow = rosterRow(admin.page, "bob@example.com");
  await bobRow.getByRole("button", { name: "Ban Bob" }).click();
  const dialog = admin.page.getByRole("dialog");
  await dialog.getByLabel("Reason").fill("Banned across instances");
  await dialog.getByRole("button", { name: "Ban", exact: true }).click();
  await expect(bob.page.getByTestId("account-revoked")).toContainText("Banned across instances");
  await expect(bobRow).toHaveCount(0);

  for (const url of [URL_A, URL_B]) {
    const retry = await browser.newContext({ baseURL: url });
    const page = await retry.newPage();
    await page.goto("/login");
    await page.getByLabel("Email").fill("bob@example.com");
    await page.getByLabel("Password").fill(PASSWORD);
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page.locator("form").getByRole("alert")).toContainText("banned");
    await retry.close();
  }

  await admin.page.goto("/admin/users");
  const bobUser = admin.page.locator('[data-testid="user-row"][data-user-email="bob@example.com"]');
  await bobUser.getByRole("button", { name: "Unban Bob" }).click();
  await expect(bobUser.getByTestId("user-status")).toContainText("Active");
  const back = await signedInOn(browser, URL_A, "bob@example.com");

  await Promise.all([bob.context.close(), back.context.close(), admin.context.close()]);
});

test("sign out everywhere on instance B reaches the user's devices on both instances", async ({ browser }) => {
  const laptop = await signedInOn(browser, URL_A, "alice@example.com");
  const phone = await signedInOn(browser, URL_B, "alice@example.com");
  const admin = await signedInOn(browser, URL_B, "admin@example.com");

  await admin.page.goto("/admin/users");
  const aliceUser = admin.page.locator('[data-testid="user-row"][data-user-email="alice@example.com"]');
  await aliceUser.getByRole("button", { name: "Sign out everywhere" }).click();
  await admin.page.getByRole("dialog").getByRole("button", { name: "Sign out everywhere" }).click();

  for (const device of [laptop, phone]) {
    await expect(device.page.getByTestId("account-revoked")).toContainText("signed you out");
    await device.page.reload();
    await expect(device.page).toHaveURL(/\/login/);
  }

  await Promise.all([laptop.context.close(), phone.context.close(), admin.context.close()]);
});
