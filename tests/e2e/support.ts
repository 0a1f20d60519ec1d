import { expect, type Browser, type Locator, type Page } from "@playwright/test";

export const PASSWORD = process.env.DEMO_PASSWORD ?? "demo-password";

export async function signIn(page: Page, email: string, password = PASSWORD) {
  await page.goto("/login");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL((url) => !url.pathname.startsWith("/login"));
}

/**
 * A separate browser (own cookies) signed in as `email`, its realtime connection signed in too.
 * `baseURL` picks the app instance (multi-instance runs); by default the config's.
 */
export async function newSignedInPage(browser: Browser, email: string, baseURL?: string) {
  const context = await browser.newContext(baseURL ? { baseURL } : {});
  const page = await context.newPage();
  await signIn(page, email);
  await expect(page.getByTestId("realtime-status")).toHaveText("Signed in");
  return { context, page };
}

export const rosterRow = (admin: Page, email: string) => admin.getByTestId("roster-row").filter({ hasText: email });

/** The account's row on /admin/users. */
export const userRow = (admin: Page, email: string) => admin.locator(`[data-testid="user-row"][data-user-email="${email}"]`);

/** From a roster row: send `text`, the dialog closes and the user's tab shows it. */
export async function messageFromRoster(admin: Page, row: Locator, user: Page, text: string) {
  await row.getByRole("button", { name: "Send message" }).click();
  // Page-level locators on purpose: while the dialog is open its "Message" field and "Send" button
  // must be the only matches (the rows' "Send message" buttons are hidden behind the modal).
  await admin.getByLabel("Message").fill(text);
  await admin.getByRole("button", { name: "Send" }).click();
  await expect(admin.getByRole("dialog")).toBeHidden();
  await expect(user.getByTestId("received-messages")).toContainText(text);
}

/**
 * From a roster row: kick, the user's tab says so and the row goes; the kicked tab must not
 * silently reconnect, the user reconnects on purpose and is signed in again.
 */
export async function kickFromRosterAndReconnect(admin: Page, row: Locator, user: Page) {
  await row.getByRole("button", { name: "Kick" }).click();
  await admin.getByRole("button", { name: "Kick" }).click();
  await expect(user.getByText("You were disconnected by an administrator")).toBeVisible();
  await expect(row).toHaveCount(0);
  await expect(user.getByTestId("realtime-status")).not.toHaveText("Signed in");
  await user.getByRole("button", { name: "Reconnect" }).click();
  await expect(user.getByTestId("realtime-status")).toHaveText("Signed in");
}

/** From a roster row: ban with `reason`; the user's tab shows the reason and the row goes. */
export async function banFromRoster(admin: Page, row: Locator, name: string, user: Page, reason: string) {
  await row.getByRole("button", { name: `Ban ${name}` }).click();
  const dialog = admin.getByRole("dialog");
  await dialog.getByLabel("Reason").fill(reason);
  await dialog.getByRole("button", { name: "Ban", exact: true }).click();
  await expect(user.getByTestId("account-revoked")).toContainText(reason);
  await expect(row).toHaveCount(0);
}

/** A fresh browser's login as a banned user is refused with the reason; the caller closes it. */
export async function expectBannedLoginRefused(browser: Browser, email: string, baseURL?: string) {
  const context = await browser.newContext(baseURL ? { baseURL } : {});
  const page = await context.newPage();
  await page.goto("/login");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.locator("form").getByRole("alert")).toContainText("banned");
  return { context, page };
}

/** On /admin/users (already open): sign `email` out everywhere; every device is told and loses its session. */
export async function signOutEverywhereFromUsers(admin: Page, email: string, devices: Page[]) {
  await userRow(admin, email).getByRole("button", { name: "Sign out everywhere" }).click();
  await admin.getByRole("dialog").getByRole("button", { name: "Sign out everywhere" }).click();
  for (const device of devices) {
    await expect(device.getByTestId("account-revoked")).toContainText("signed you out");
    await device.reload();
    await expect(device).toHaveURL(/\/login/);
  }
}
