import { expect, test, type Page } from "@playwright/test";

import { signIn } from "./support";

/**
 * Security headers on a real page load of the production build (issue 8, item 8), and the page
 * still working under its CSP: scripts run, styles apply, pusher-js reaches the realtime server,
 * and the browser reports no CSP violation.
 */

/**
 * Records CSP violations from the first script on (Playwright's init scripts are not subject to the
 * page's CSP). zod's eval probe was one: see instrumentation-client.ts.
 */
async function watchViolations(page: Page): Promise<() => Promise<string[]>> {
  const consoleErrors: string[] = [];
  page.on("console", (message) => {
    if (message.type() === "error" && /Content Security Policy/i.test(message.text())) consoleErrors.push(message.text());
  });
  await page.addInitScript(() => {
    const violations: string[] = [];
    (window as unknown as { __cspViolations: string[] }).__cspViolations = violations;
    document.addEventListener("securitypolicyviolation", (event) => violations.push(`${event.violatedDirective} ${event.blockedURI}`));
  });
  return async () => [
    ...consoleErrors,
    ...(await page.evaluate(() => (window as unknown as { __cspViolations: string[] }).__cspViolations)),
  ];
}

test("pages carry the security headers with a fresh nonce", async ({ page, request }) => {
  const response = await page.goto("/login");
  expect(response?.status()).toBe(200);
  const headers = response!.headers();
  const csp = headers["content-security-policy"] ?? "";
  expect(csp).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9+/=]+' 'strict-dynamic'/);
  expect(csp).not.toContain("'unsafe-eval'");
  expect(csp).toContain("frame-ancestors 'none'");
  expect(csp).toContain("object-src 'none'");
  expect(csp).toMatch(/connect-src 'self' ws:\/\/127\.0\.0\.1:\d+/);
  expect(headers["x-content-type-options"]).toBe("nosniff");
  expect(headers["x-frame-options"]).toBe("DENY");
  expect(headers["referrer-policy"]).toBe("strict-origin-when-cross-origin");
  // NEXTAUTH_URL is http in this run: no HSTS.
  expect(headers["strict-transport-security"]).toBeUndefined();

  // Next put the response's nonce on its scripts.
  const nonce = /'nonce-([^']+)'/.exec(csp)![1]!;
  const scriptNonces = await page.locator("script").evaluateAll((scripts) => scripts.map((s) => (s as HTMLScriptElement).nonce));
  expect(scriptNonces.length).toBeGreaterThan(0);
  expect(new Set(scriptNonces)).toEqual(new Set([nonce]));

  // Another load, another nonce; routes get the headers too.
  const again = await request.get("/login");
  expect(again.headers()["content-security-policy"]).not.toContain(nonce);
  const route = await request.post("/pusher/user-auth", { form: { socket_id: "1.1" } });
  expect(route.headers()["x-content-type-options"]).toBe("nosniff");
  expect(route.headers()["content-security-policy"]).toContain("frame-ancestors 'none'");
});

test("the app works under its CSP: sign-in, styles, the realtime connection, no violations", async ({ page }) => {
  const violations = await watchViolations(page);
  await signIn(page, "alice@example.com");
  await expect(page.getByTestId("realtime-status")).toHaveText("Signed in");
  // Tailwind's stylesheet applied (the body is a flex column per app/layout.tsx).
  expect(await page.evaluate(() => getComputedStyle(document.body).display)).toBe("flex");
  // Another full load: signed in, /login redirects home, and the new nonce works as well.
  await page.goto("/login");
  await expect(page).not.toHaveURL(/\/login$/);
  await expect(page.getByTestId("realtime-status")).toHaveText("Signed in");
  expect(await violations()).toEqual([]);
});

test("the admin console works under its CSP too", async ({ page }) => {
  const violations = await watchViolations(page);
  await signIn(page, "admin@example.com");
  for (const path of ["/admin", "/admin/users", "/admin/inspector"]) {
    await page.goto(path);
    await expect(page.getByTestId("realtime-status")).toHaveText("Signed in");
  }
  expect(await violations()).toEqual([]);
});
