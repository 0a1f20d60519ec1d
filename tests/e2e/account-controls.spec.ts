import { expect, test } from "@playwright/test";

import { newSignedInPage, PASSWORD, rosterRow } from "./support";

/**
 * Ban / unban and sign out everywhere, end to end: the admin acts, the user's open tabs say why,
 * the user can't come back until allowed, and every action lands in the audit log.
 */

test("ban: the tab says why, login is refused, unban restores access, the audit log has both", async ({ browser }) => {
  const bob = await newSignedInPage(browser, "bob@example.com");
  const admin = await newSignedInPage(browser, "admin@example.com");

  await admin.page.goto("/admin");
  const bobRow = rosterRow(admin.page, "bob@example.com");
  await bobRow.getByRole("button", { name: "Ban Bob" }).click();
  const dialog = admin.page.getByRole("dialog");
  await dialog.getByLabel("Reason").fill("Spamming the chat");
  await dialog.getByRole("button", { name: "Ban", exact: true }).click();

  await expect(bob.page.getByTestId("account-revoked")).toContainText("Spamming the chat");
  await expect(bobRow).toHaveCount(0);
  // One notice with one way forward: signing in again, not the kick's "reconnect".
  await expect(bob.page.getByRole("link", { name: "Sign in again" })).toBeVisible();
  await expect(bob.page.getByRole("button", { name: "Reconnect" })).toHaveCount(0);

  // A fresh login is refused with the reason.
  const retry = await browser.newContext();
  const retryPage = await retry.newPage();
  await retryPage.goto("/login");
  await retryPage.getByLabel("Email").fill("bob@example.com");
  await retryPage.getByLabel("Password").fill(PASSWORD);
  await retryPage.getByRole("button", { name: "Sign in" }).click();
  await expect(retryPage.locator("form").getByRole("alert")).toContainText("banned");
  await expect(retryPage).toHaveURL(/\/login/);

  await admin.page.goto("/admin/users");
  const bobUser = admin.page.locator('[data-testid="user-row"][data-user-email="bob@example.com"]');
  await expect(bobUser.getByTestId("user-status")).toContainText("Banned");
  await bobUser.getByRole("button", { name: "Unban Bob" }).click();
  await expect(bobUser.getByTestId("user-status")).toContainText("Active");

  await admin.page.goto("/admin/audit");
  await expect(admin.page.locator('[data-testid="audit-row"][data-action="ban"]').first()).toContainText("bob@example.com");
  await expect(admin.page.locator('[data-testid="audit-row"][data-action="unban"]').first()).toBeVisible();

  // Unbanned: Bob signs in again, realtime included.
  const back = await newSignedInPage(browser, "bob@example.com");

  await Promise.all([bob.context.close(), retry.close(), back.context.close(), admin.context.close()]);
});

test("sign out everywhere: every device is told and its session stops working", async ({ browser }) => {
  const laptop = await newSignedInPage(browser, "alice@example.com");
  const phone = await newSignedInPage(browser, "alice@example.com");
  const admin = await newSignedInPage(browser, "admin@example.com");

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
