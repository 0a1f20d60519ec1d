import { expect, test } from "@playwright/test";

import { banFromRoster, expectBannedLoginRefused, newSignedInPage, rosterRow, signOutEverywhereFromUsers, userRow } from "./support";

/**
 * Ban / unban and sign out everywhere, end to end: the admin acts, the user's open tabs say why,
 * the user can't come back until allowed, and every action lands in the audit log.
 */

test("ban: the tab says why, login is refused, unban restores access, the audit log has both", async ({ browser }) => {
  const bob = await newSignedInPage(browser, "bob@example.com");
  const admin = await newSignedInPage(browser, "admin@example.com");

  await admin.page.goto("/admin");
  const bobRow = rosterRow(admin.page, "bob@example.com");
  await banFromRoster(admin.page, bobRow, "Bob", bob.page, "Spamming the chat");
  // One notice with one way forward: signing in again, not the kick's "reconnect".
  await expect(bob.page.getByRole("link", { name: "Sign in again" })).toBeVisible();
  await expect(bob.page.getByRole("button", { name: "Reconnect" })).toHaveCount(0);

  // A fresh login is refused with the reason.
  const { context: retry, page: retryPage } = await expectBannedLoginRefused(browser, "bob@example.com");
  await expect(retryPage).toHaveURL(/\/login/);

  await admin.page.goto("/admin/users");
  const bobUser = userRow(admin.page, "bob@example.com");
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
  await signOutEverywhereFromUsers(admin.page, "alice@example.com", [laptop.page, phone.page]);

  await Promise.all([laptop.context.close(), phone.context.close(), admin.context.close()]);
});
