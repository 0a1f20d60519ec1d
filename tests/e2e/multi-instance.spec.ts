import { expect, test } from "@playwright/test";

import {
  banFromRoster,
  expectBannedLoginRefused,
  kickFromRosterAndReconnect,
  messageFromRoster,
  newSignedInPage,
  rosterRow,
  signOutEverywhereFromUsers,
  userRow,
} from "./support";

/**
 * Two app instances on one database (playwright.multi.config.ts): users work on instance A, the
 * admin on instance B, and every flow crosses between them — on one realtime server, or on a
 * two-node soketi cluster joined by Redis (instance A on node A, instance B on node B).
 * Nothing may depend on which instance served a request or received a webhook.
 */
const URL_A = `http://localhost:${process.env.E2E_APP_PORT ?? 3100}`;
const URL_B = `http://127.0.0.1:${process.env.E2E_APP_B_PORT ?? 3101}`;

test("the user on instance A, the admin on instance B: roster, message, kick", async ({ browser }) => {
  const alice = await newSignedInPage(browser, "alice@example.com", URL_A);
  const admin = await newSignedInPage(browser, "admin@example.com", URL_B);

  await admin.page.goto("/admin");
  const aliceRow = rosterRow(admin.page, "alice@example.com");
  await expect(aliceRow.getByTestId("connection-count")).toHaveText("1");

  // A second tab on the other instance is a second connection of the same user.
  const aliceOnB = await newSignedInPage(browser, "alice@example.com", URL_B);
  await expect(aliceRow.getByTestId("connection-count")).toHaveText("2");
  await aliceOnB.context.close();
  await expect(aliceRow.getByTestId("connection-count")).toHaveText("1");

  await messageFromRoster(admin.page, aliceRow, alice.page, "Hello across instances");
  await kickFromRosterAndReconnect(admin.page, aliceRow, alice.page);
  await expect(aliceRow.getByTestId("connection-count")).toHaveText("1");

  await Promise.all([alice.context.close(), admin.context.close()]);
});

test("webhooks reaching either instance are handled: both users' connections are confirmed live", async ({ browser }) => {
  const admin = await newSignedInPage(browser, "admin@example.com", URL_B);
  await admin.page.goto("/admin/inspector");
  await expect(admin.page.getByTestId("inspector-log")).toBeVisible();
  // Subscribed: the channel_occupied webhook for this inspector tells instance A too that it is open.
  await expect(admin.page.getByTestId("inspector-live-state")).toHaveText("Live");

  // On the cluster, node A's webhooks go to instance B and node B's to instance A; on one realtime
  // server, every webhook goes to both. Either way a connection is confirmed by channel_occupied.
  const alice = await newSignedInPage(browser, "alice@example.com", URL_A);
  const bob = await newSignedInPage(browser, "bob@example.com", URL_B);
  const confirmed = (name: string) =>
    admin.page.locator('[data-testid="inspector-entry"][data-kind="connection-confirmed"]').filter({ hasText: `${name}'s connection` });
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
  const bob = await newSignedInPage(browser, "bob@example.com", URL_A);
  const admin = await newSignedInPage(browser, "admin@example.com", URL_B);

  await admin.page.goto("/admin");
  const bobRow = rosterRow(admin.page, "bob@example.com");
  await banFromRoster(admin.page, bobRow, "Bob", bob.page, "Banned across instances");

  for (const url of [URL_A, URL_B]) {
    const retry = await expectBannedLoginRefused(browser, "bob@example.com", url);
    await retry.context.close();
  }

  await admin.page.goto("/admin/users");
  const bobUser = userRow(admin.page, "bob@example.com");
  await bobUser.getByRole("button", { name: "Unban Bob" }).click();
  await expect(bobUser.getByTestId("user-status")).toContainText("Active");
  const back = await newSignedInPage(browser, "bob@example.com", URL_A);

  await Promise.all([bob.context.close(), back.context.close(), admin.context.close()]);
});

test("sign out everywhere on instance B reaches the user's devices on both instances", async ({ browser }) => {
  const laptop = await newSignedInPage(browser, "alice@example.com", URL_A);
  const phone = await newSignedInPage(browser, "alice@example.com", URL_B);
  const admin = await newSignedInPage(browser, "admin@example.com", URL_B);

  await admin.page.goto("/admin/users");
  await signOutEverywhereFromUsers(admin.page, "alice@example.com", [laptop.page, phone.page]);

  await Promise.all([laptop.context.close(), phone.context.close(), admin.context.close()]);
});
