import { expect, test, type Browser, type Page } from "@playwright/test";

import { rosterRow, signIn } from "./support";

/**
 * Issue 11, phones: every admin and user page at 390 px wide (an iPhone 14's CSS width). Nothing
 * scrolls sideways, table rows are cards with their actions on screen, dialogs fit, and the main
 * flows (sign in → live on the roster → message → kick; ban and unban; sign out everywhere) work
 * in the phone viewport.
 */

const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 } as const;

async function newPhonePage(browser: Browser, email: string) {
  const context = await browser.newContext(PHONE);
  const page = await context.newPage();
  await signIn(page, email);
  await expect(page.getByTestId("realtime-status")).toHaveText("Signed in");
  return { context, page };
}

/** The page is no wider than the screen: nothing needs sideways scrolling. */
async function expectNoSidewaysScroll(page: Page) {
  const { scrollWidth, clientWidth } = await page.evaluate(() => ({
    scrollWidth: document.documentElement.scrollWidth,
    clientWidth: document.documentElement.clientWidth,
  }));
  expect(scrollWidth, `${page.url()} is ${scrollWidth} px wide in a ${clientWidth} px viewport`).toBeLessThanOrEqual(clientWidth);
}

/** Fully on screen horizontally, without scrolling any container. */
async function expectWithinWidth(page: Page, locator: ReturnType<Page["locator"]>) {
  // On screen first: streamed content is inserted hidden, and hidden elements have no box.
  await expect(locator).toBeVisible();
  const box = await locator.boundingBox();
  expect(box, "element is rendered").not.toBeNull();
  expect(box!.x).toBeGreaterThanOrEqual(0);
  expect(box!.x + box!.width).toBeLessThanOrEqual(PHONE.viewport.width + 0.5);
}

test("every admin and user page fits a 390 px screen; user and audit rows are cards with their actions on screen", async ({ browser }) => {
  const alice = await newPhonePage(browser, "alice@example.com");
  await expectNoSidewaysScroll(alice.page);
  const admin = await newPhonePage(browser, "admin@example.com");
  const adminId = await (async () => {
    await admin.page.goto("/admin/users");
    return admin.page
      .locator('[data-testid="user-row"][data-user-email="alice@example.com"]')
      .filter({ visible: true })
      .getAttribute("data-user-id");
  })();

  for (const path of [
    "/",
    "/admin",
    "/admin/users",
    "/admin/audit",
    "/admin/messages",
    "/admin/inspector",
    "/admin/metrics",
    "/admin/health",
    `/admin/users/${adminId}`,
  ]) {
    await admin.page.goto(path);
    await expect(admin.page.locator("main h1").first()).toBeVisible();
    await expectNoSidewaysScroll(admin.page);
  }

  await admin.page.goto("/admin/users");
  const row = admin.page.locator('[data-testid="user-row"][data-user-email="alice@example.com"]').filter({ visible: true });
  // A card: its cells stack, so the row is about as wide as the screen and taller than one line.
  const rowBox = await row.boundingBox();
  expect(rowBox!.width).toBeLessThanOrEqual(PHONE.viewport.width);
  expect(rowBox!.height).toBeGreaterThan(100);
  for (const name of ["Send message", "Sign out everywhere", "Make admin"])
    await expectWithinWidth(admin.page, row.getByRole("button", { name }));

  // Dialogs fit the screen.
  await row.getByRole("button", { name: "Make admin" }).click();
  const dialog = admin.page.getByRole("dialog");
  await expectWithinWidth(admin.page, dialog);
  await expectWithinWidth(admin.page, dialog.getByRole("button", { name: "Make admin" }));
  await dialog.getByRole("button", { name: "Cancel" }).click();

  await admin.page.goto("/admin/audit");
  // Wait for the streamed table to be on screen: React first inserts streamed content hidden, so a
  // row can exist before it has a box (seen on a loaded machine).
  await expect(admin.page.getByTestId("audit-table")).toBeVisible();
  const auditRow = admin.page.getByTestId("audit-row").first();
  if (await auditRow.count()) await expectWithinWidth(admin.page, auditRow);

  await Promise.all([alice.context.close(), admin.context.close()]);
});

test("phone: sign in, see the user live, message them, kick them", async ({ browser }) => {
  const alice = await newPhonePage(browser, "alice@example.com");
  const admin = await newPhonePage(browser, "admin@example.com");
  await admin.page.goto("/admin");
  const aliceRow = rosterRow(admin.page, "alice@example.com");
  await expect(aliceRow).toHaveCount(1);
  // The roster's rows are cards on a phone: every action is on screen, none scrolled out of view.
  for (const name of ["Send message", "Kick"]) await expectWithinWidth(admin.page, aliceRow.getByRole("button", { name }));

  await aliceRow.getByRole("button", { name: "Send message" }).click();
  await expectWithinWidth(admin.page, admin.page.getByRole("dialog"));
  await admin.page.getByLabel("Message").fill("Hello, phone");
  await admin.page.getByRole("button", { name: "Send", exact: true }).click();
  await expect(admin.page.getByRole("dialog")).toBeHidden();
  await expect(alice.page.getByTestId("received-messages")).toContainText("Hello, phone");

  await aliceRow.getByRole("button", { name: "Kick" }).click();
  await admin.page.getByRole("dialog").getByRole("button", { name: "Kick" }).click();
  await expect(alice.page.getByText("You were disconnected by an administrator")).toBeVisible();
  await expect(aliceRow).toHaveCount(0);
  await alice.page.getByRole("button", { name: "Reconnect" }).click();
  await expect(alice.page.getByTestId("realtime-status")).toHaveText("Signed in");

  await Promise.all([alice.context.close(), admin.context.close()]);
});

test("phone: ban and unban from the users page, sign out everywhere", async ({ browser }) => {
  const bob = await newPhonePage(browser, "bob@example.com");
  const admin = await newPhonePage(browser, "admin@example.com");
  await admin.page.goto("/admin/users");
  const bobRow = admin.page.locator('[data-testid="user-row"][data-user-email="bob@example.com"]');

  await bobRow.getByRole("button", { name: "Ban Bob" }).click();
  const dialog = admin.page.getByRole("dialog");
  await expectWithinWidth(admin.page, dialog);
  await dialog.getByLabel("Reason").fill("Phone test");
  await dialog.getByRole("button", { name: "Ban", exact: true }).click();
  await expect(bob.page.getByTestId("account-revoked")).toContainText("Phone test");
  await expect(bobRow.getByTestId("user-status")).toContainText("Banned");
  await bobRow.getByRole("button", { name: "Unban Bob" }).click();
  await expect(bobRow.getByTestId("user-status")).toContainText("Active");

  const back = await newPhonePage(browser, "bob@example.com");
  await bobRow.getByRole("button", { name: "Sign out everywhere" }).click();
  await dialog.getByRole("button", { name: "Sign out everywhere" }).click();
  await expect(back.page.getByTestId("account-revoked")).toContainText("signed you out");

  await Promise.all([bob.context.close(), back.context.close(), admin.context.close()]);
});
