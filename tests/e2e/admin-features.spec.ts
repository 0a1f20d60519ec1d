import { expect, test } from "@playwright/test";

import { newSignedInPage, rosterRow } from "./support";

/**
 * The console's extras in a real browser: receipts, broadcast, the live inspector and the
 * contacts watchlist, against the embedded realtime server.
 */

test("a message to an offline user waits in their inbox with an unread count", async ({ browser }) => {
  const admin = await newSignedInPage(browser, "admin@example.com");
  await admin.page.goto("/admin/users");
  const bobUser = admin.page.locator('[data-testid="user-row"][data-user-email="bob@example.com"]');
  await bobUser.getByRole("button", { name: "Send message to Bob" }).click();
  const dialog = admin.page.getByRole("dialog");
  await dialog.getByLabel("Message").fill("Read this when you are back");
  await dialog.getByRole("button", { name: "Send" }).click();
  await expect(admin.page.getByText("Bob is offline; message stored")).toBeVisible();

  const bob = await newSignedInPage(browser, "bob@example.com");
  const item = bob.page.getByTestId("inbox-item").filter({ hasText: "Read this when you are back" });
  await expect(item).toHaveAttribute("data-unread", "true");
  await expect(bob.page.getByTestId("unread-count")).not.toHaveText("0");

  await Promise.all([admin.context.close(), bob.context.close()]);
});

test("a message's receipts reach the admin live: sent, delivered, read", async ({ browser }) => {
  const alice = await newSignedInPage(browser, "alice@example.com");
  const admin = await newSignedInPage(browser, "admin@example.com");

  await admin.page.goto("/admin");
  const row = rosterRow(admin.page, "alice@example.com");
  await row.getByRole("button", { name: "Send message" }).click();
  const dialog = admin.page.getByRole("dialog");
  await dialog.getByLabel("Message").fill("Receipt check");
  await dialog.getByRole("button", { name: "Send" }).click();
  await expect(dialog).toBeHidden();

  const item = alice.page.getByTestId("inbox-item").filter({ hasText: "Receipt check" });
  await expect(item).toHaveAttribute("data-unread", "true");

  await admin.page.goto("/admin/messages");
  const messageRow = admin.page.getByTestId("message-row").filter({ hasText: "Receipt check" }).first();
  await expect(messageRow).toHaveAttribute("data-status", "delivered");

  await item.getByRole("button").first().click();
  await expect(item).toHaveAttribute("data-unread", "false");
  await expect(messageRow).toHaveAttribute("data-status", "read");

  await alice.context.close();
  await admin.context.close();
});

test("reading a message in one tab marks it read in the user's other tabs", async ({ browser }) => {
  const alice = await newSignedInPage(browser, "alice@example.com");
  // A second tab of the same browser: same session, its own socket.
  const secondTab = await alice.context.newPage();
  await secondTab.goto("/");
  await expect(secondTab.getByTestId("realtime-status")).toHaveText("Signed in");

  const admin = await newSignedInPage(browser, "admin@example.com");
  await admin.page.goto("/admin");
  await rosterRow(admin.page, "alice@example.com").getByRole("button", { name: "Send message" }).click();
  const dialog = admin.page.getByRole("dialog");
  await dialog.getByLabel("Message").fill("Open me in one tab only");
  await dialog.getByRole("button", { name: "Send" }).click();
  await expect(dialog).toBeHidden();

  const itemIn = (page: typeof secondTab) => page.getByTestId("inbox-item").filter({ hasText: "Open me in one tab only" });
  await expect(itemIn(alice.page)).toHaveAttribute("data-unread", "true");
  await expect(itemIn(secondTab)).toHaveAttribute("data-unread", "true");
  const unreadBefore = Number(await secondTab.getByTestId("unread-count").textContent());
  expect(unreadBefore).toBeGreaterThan(0);

  await itemIn(alice.page).getByRole("button").first().click();
  await expect(itemIn(alice.page)).toHaveAttribute("data-unread", "false");
  await expect(itemIn(secondTab)).toHaveAttribute("data-unread", "false");
  await expect(secondTab.getByTestId("unread-count")).toHaveText(String(unreadBefore - 1));
  await expect(alice.page.getByTestId("unread-count")).toHaveText(String(unreadBefore - 1));

  await Promise.all([alice.context.close(), admin.context.close()]);
});

test("a broadcast reaches every signed-in user once and reports the count", async ({ browser }) => {
  const alice = await newSignedInPage(browser, "alice@example.com");
  const bob = await newSignedInPage(browser, "bob@example.com");
  const admin = await newSignedInPage(browser, "admin@example.com");

  await admin.page.goto("/admin/messages");
  await admin.page.getByLabel("Broadcast message").fill("Maintenance at noon");
  await admin.page.getByLabel("Recipients").selectOption({ label: "Users only" });
  await admin.page.getByRole("button", { name: "Send broadcast" }).click();
  await expect(admin.page.getByTestId("broadcast-result")).toHaveText(/Sent to 2 users/);

  for (const user of [alice, bob]) {
    await expect(user.page.getByTestId("inbox-item").filter({ hasText: "Maintenance at noon" })).toHaveCount(1);
  }

  await Promise.all([alice.context.close(), bob.context.close(), admin.context.close()]);
});

test("the inspector streams sign-ins as they happen", async ({ browser }) => {
  const admin = await newSignedInPage(browser, "admin@example.com");
  await admin.page.goto("/admin/inspector");
  await expect(admin.page.getByTestId("inspector-log")).toBeVisible();

  const bob = await newSignedInPage(browser, "bob@example.com");
  await expect(admin.page.getByTestId("inspector-entry").filter({ hasText: "Bob signed in" }).first()).toBeVisible();
  await expect(admin.page.locator('[data-testid="inspector-entry"][data-kind="connection-confirmed"]').first()).toBeVisible();

  await Promise.all([bob.context.close(), admin.context.close()]);
});

test("contacts show who is online through the watchlist", async ({ browser }) => {
  // soketi has no watchlist: soketi-differences.spec.ts asserts the notice shown instead.
  test.skip(process.env.E2E_BACKEND === "soketi", "soketi has no watchlist");
  const alice = await newSignedInPage(browser, "alice@example.com");
  const bobContact = alice.page.getByTestId("contact").filter({ hasText: "Bob" });
  await expect(bobContact).toHaveAttribute("data-online", "false");

  const bob = await newSignedInPage(browser, "bob@example.com");
  await expect(bobContact).toHaveAttribute("data-online", "true");

  await bob.context.close();
  await expect(bobContact).toHaveAttribute("data-online", "false");

  await alice.context.close();
});

test("the users page finds accounts by part of a name or email", async ({ browser }) => {
  const admin = await newSignedInPage(browser, "admin@example.com");
  await admin.page.goto("/admin/users");
  // Searching navigates client-side: the page (and its realtime connection) is not reloaded.
  await admin.page.evaluate(() => Object.assign(window, { __sameDocument: true }));
  await admin.page.getByLabel("Search users").fill("BO");
  await admin.page.getByRole("button", { name: "Search" }).click();
  await admin.page.waitForURL(/[?&]q=BO/);
  const rows = admin.page.getByTestId("user-row");
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toHaveAttribute("data-user-email", "bob@example.com");
  expect(await admin.page.evaluate(() => (window as { __sameDocument?: boolean }).__sameDocument)).toBe(true);
  await expect(admin.page.getByTestId("realtime-status")).toHaveText("Signed in");

  await admin.page.getByRole("link", { name: "Clear" }).click();
  await expect(rows).toHaveCount(3);
  await admin.context.close();
});

test("kicking or signing out yourself is allowed, with a warning in the dialog", async ({ browser }) => {
  const admin = await newSignedInPage(browser, "admin@example.com");
  await admin.page.goto("/admin");
  const ownRow = rosterRow(admin.page, "admin@example.com");
  await ownRow.getByRole("button", { name: "Kick" }).click();
  await expect(admin.page.getByRole("dialog")).toContainText("This is you: this console disconnects too");
  await admin.page.getByRole("button", { name: "Cancel" }).click();
  await ownRow.getByRole("button", { name: "Sign out everywhere" }).click();
  await expect(admin.page.getByRole("dialog")).toContainText("This is you: this browser is signed out too.");
  await admin.page.getByRole("button", { name: "Cancel" }).click();
  await expect(admin.page.getByRole("dialog")).toBeHidden();
  await expect(admin.page.getByTestId("realtime-status")).toHaveText("Signed in");
  await admin.context.close();
});
