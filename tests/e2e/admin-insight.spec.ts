import { expect, test, type Page } from "@playwright/test";

import { newSignedInPage, rosterRow } from "./support";

/**
 * Issue 11 in a real browser: the metrics page's charts draw recorded data and follow live events,
 * the user page shows a user's connections, messages, timeline and audit history and can act on
 * them, role changes reach the changed user's open tab at once, the audit log speaks plainly, and
 * the 404 page has a title.
 */

const userRow = (page: Page, email: string) => page.locator(`[data-testid="user-row"][data-user-email="${email}"]`);

/** The number after "<label>: " in a chart's summary caption. */
async function summaryValue(page: Page, chartId: string, label: string): Promise<number> {
  const text = (await page.getByTestId(`metrics-chart-${chartId}`).getByTestId("metrics-summary").textContent()) ?? "";
  const match = new RegExp(`${label}: (\\d+)`).exec(text);
  return match ? Number(match[1]) : Number.NaN;
}

test("the metrics page charts recorded data, offers three ranges and updates live", async ({ browser }) => {
  const alice = await newSignedInPage(browser, "alice@example.com");
  const admin = await newSignedInPage(browser, "admin@example.com");
  await admin.page.goto("/admin");
  await admin.page.getByRole("navigation", { name: "Admin" }).getByRole("link", { name: "Metrics" }).click();
  await expect(admin.page).toHaveURL(/\/admin\/metrics$/);
  await expect(admin.page.getByRole("heading", { name: "Metrics", level: 1 })).toBeVisible();
  await expect(admin.page).toHaveTitle(/^Metrics · /);

  const online = admin.page.getByTestId("metrics-chart-online");
  await expect(online).toBeVisible();
  // uPlot drew its canvas, hidden from screen readers; the caption and table are the text alternative.
  await expect(online.locator("canvas").first()).toHaveAttribute("aria-hidden", "true");
  // The gauge is sampled at most every 5 s per page view (lib/metrics/record.ts); on a slow machine
  // the first view can predate the admin's own sign-in, so a fresh view is taken until both count.
  await expect
    .poll(
      async () => {
        const value = await summaryValue(admin.page, "online", "Users online");
        if (value < 2) await admin.page.reload();
        return value;
      },
      { timeout: 30_000, intervals: [1_000, 2_000, 5_000] },
    )
    .toBeGreaterThanOrEqual(2);
  expect(await summaryValue(admin.page, "sign-ins", "Realtime sign-ins")).toBeGreaterThanOrEqual(2);
  expect(await summaryValue(admin.page, "sign-ins", "Sign-ins \\(password\\)")).toBeGreaterThanOrEqual(2);
  await online.getByText("Show the data as a table").click();
  await expect(online.getByTestId("metrics-table").locator("tbody tr")).toHaveCount(60);

  // Live: Bob signing in is a roster change; the open page re-reads its data (coalesced) and shows him.
  const before = await summaryValue(admin.page, "online", "Users online");
  const bob = await newSignedInPage(browser, "bob@example.com");
  await expect.poll(() => summaryValue(admin.page, "online", "Users online"), { timeout: 20_000 }).toBeGreaterThan(before);

  await admin.page.getByRole("link", { name: "Last day" }).click();
  await expect(admin.page).toHaveURL(/range=day/);
  await expect(admin.page.getByRole("link", { name: "Last day" })).toHaveAttribute("aria-current", "page");
  await expect(online.getByTestId("metrics-table").locator("tbody tr")).toHaveCount(144);
  await admin.page.getByRole("link", { name: "Last week" }).click();
  await expect(admin.page).toHaveURL(/range=week/);
  expect(await summaryValue(admin.page, "sign-ins", "Realtime sign-ins")).toBeGreaterThanOrEqual(3);

  await Promise.all([alice.context.close(), bob.context.close(), admin.context.close()]);
});

test("the user page: connections, timeline, messages with receipts, audit history and actions", async ({ browser }) => {
  const alice = await newSignedInPage(browser, "alice@example.com");
  const admin = await newSignedInPage(browser, "admin@example.com");
  await admin.page.goto("/admin/users");
  await userRow(admin.page, "alice@example.com").getByRole("link", { name: "Alice" }).click();
  await expect(admin.page).toHaveURL(/\/admin\/users\/[^/]+$/);
  const detail = admin.page.getByTestId("user-detail");
  await expect(detail.getByRole("heading", { name: "Alice", level: 1 })).toBeVisible();

  const connections = admin.page.getByTestId("user-connections");
  await expect(connections.getByTestId("user-connection")).toHaveCount(1);
  await expect(connections.getByTestId("user-connection").first()).toContainText(/Chrome/);
  await expect(admin.page.getByTestId("user-timeline").locator('[data-kind="sign-in"]').first()).toContainText("Signed in");

  // Message from this page: the receipt comes back live into its messages table.
  await detail.getByRole("button", { name: "Send message" }).click();
  await admin.page.getByLabel("Message").fill("Hello from your user page");
  await admin.page.getByRole("button", { name: "Send", exact: true }).click();
  await expect(admin.page.getByRole("dialog")).toBeHidden();
  await expect(alice.page.getByTestId("received-messages")).toContainText("Hello from your user page");
  const row = admin.page.getByTestId("message-row").filter({ hasText: "Hello from your user page" });
  await expect(row.getByTestId("message-status")).toHaveText(/Delivered|Read/);
  await expect(admin.page.getByTestId("audit-row").filter({ hasText: "Message sent" }).first()).toBeVisible();

  // Kick from this page: the connection goes.
  await detail.getByRole("button", { name: "Kick" }).click();
  await admin.page.getByRole("dialog").getByRole("button", { name: "Kick" }).click();
  await expect(alice.page.getByText("You were disconnected by an administrator")).toBeVisible();
  await expect(connections.getByTestId("user-connection")).toHaveCount(0);

  // Unknown ids get the not-found page (status 200: the admin group's loading.tsx streams the page).
  await admin.page.goto("/admin/users/no-such-user");
  await expect(admin.page.getByRole("heading", { name: "Page not found" })).toBeVisible();
  await Promise.all([alice.context.close(), admin.context.close()]);
});

test("Make admin / Remove admin: confirmed, audited, the user's open tab follows at once; the last admin can't remove themselves", async ({
  browser,
}) => {
  const bob = await newSignedInPage(browser, "bob@example.com");
  const admin = await newSignedInPage(browser, "admin@example.com");
  await expect(bob.page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Admin" })).toHaveCount(0);

  await admin.page.goto("/admin/users");
  await userRow(admin.page, "bob@example.com").getByRole("button", { name: "Make admin" }).click();
  const dialog = admin.page.getByRole("dialog");
  await expect(dialog).toContainText("Bob will be able to see the admin console");
  await dialog.getByRole("button", { name: "Make admin" }).click();
  await expect(dialog).toBeHidden();
  await expect(userRow(admin.page, "bob@example.com").getByTestId("user-role")).toHaveText("Admin");

  // Bob's tab, without a reload: the Admin link appears, and the console opens.
  await expect(bob.page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Admin" })).toBeVisible();
  await bob.page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Admin" }).click();
  await expect(bob.page.getByRole("navigation", { name: "Admin" })).toBeVisible();

  // Removal: Bob's open console turns into the 403 page by itself.
  await userRow(admin.page, "bob@example.com").getByRole("button", { name: "Remove admin" }).click();
  await dialog.getByRole("button", { name: "Remove admin" }).click();
  await expect(dialog).toBeHidden();
  await expect(bob.page.getByRole("heading", { name: "You don't have access to this page" })).toBeVisible();
  const reload = await bob.page.reload();
  expect(reload?.status()).toBe(403);

  // The only admin left can't remove themselves: the dialog says why.
  await userRow(admin.page, "admin@example.com").getByRole("button", { name: "Remove admin" }).click();
  await dialog.getByRole("button", { name: "Remove admin" }).click();
  await expect(dialog.getByRole("alert")).toContainText("You are the last administrator");
  await dialog.getByRole("button", { name: "Cancel" }).click();

  await admin.page.goto("/admin/audit?action=role-change");
  await expect(admin.page.getByTestId("audit-row")).toHaveCount(2);
  await expect(admin.page.getByTestId("audit-row").first()).toContainText("Role changed");
  await expect(admin.page.getByTestId("audit-row").first()).toContainText("Removed the admin role from Bob");
  // Rows link to the people they name.
  await admin.page.getByTestId("audit-row").first().getByRole("link", { name: /Bob/ }).click();
  await expect(admin.page.getByTestId("user-detail")).toHaveAttribute("data-user-id", /.+/);
  await expect(admin.page.getByRole("heading", { name: "Bob", level: 1 })).toBeVisible();

  await Promise.all([bob.context.close(), admin.context.close()]);
});

test("a roster row's name leads to that user's page", async ({ browser }) => {
  const alice = await newSignedInPage(browser, "alice@example.com");
  const admin = await newSignedInPage(browser, "admin@example.com");
  await admin.page.goto("/admin");
  await rosterRow(admin.page, "alice@example.com").getByRole("link", { name: "Alice" }).click();
  await expect(admin.page).toHaveURL(/\/admin\/users\/[^/]+$/);
  await expect(admin.page.getByTestId("user-detail").getByRole("heading", { name: "Alice", level: 1 })).toBeVisible();
  await expect(admin.page.getByTestId("user-connections").getByTestId("user-connection")).toHaveCount(1);
  await Promise.all([alice.context.close(), admin.context.close()]);
});

test("the 404 page has a title", async ({ page }) => {
  const response = await page.goto("/no-such-page");
  expect(response?.status()).toBe(404);
  await expect(page).toHaveTitle("Page not found · Pusher User Auth");
});
