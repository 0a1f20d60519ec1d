import { expect, type Browser, type Page } from "@playwright/test";

export const PASSWORD = process.env.DEMO_PASSWORD ?? "demo-password";

export async function signIn(page: Page, email: string, password = PASSWORD) {
  await page.goto("/login");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL((url) => !url.pathname.startsWith("/login"));
}

/** A separate browser (own cookies) signed in as `email`, its realtime connection signed in too. */
export async function newSignedInPage(browser: Browser, email: string) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await signIn(page, email);
  await expect(page.getByTestId("realtime-status")).toHaveText("Signed in");
  return { context, page };
}

export const rosterRow = (admin: Page, email: string) => admin.getByTestId("roster-row").filter({ hasText: email });
