import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";

import { createUser, resetDatabase, startHarness, type Harness } from "@/tests/support/app-harness";

let harness: Harness;
let query: typeof import("@/lib/admin/users-query");

beforeAll(async () => {
  harness = await startHarness({ webhooks: false });
  query = await import("@/lib/admin/users-query");
});

afterAll(async () => {
  await harness?.close();
});

beforeEach(async () => {
  await resetDatabase(harness);
  await createUser(harness, { name: "Ada Admin", email: "ada@example.com", role: "ADMIN" });
  await createUser(harness, { name: "Alice Liddell", email: "alice@example.com" });
  await createUser(harness, { name: "Bob", email: "bob@example.org" });
  // The name says what the email doesn't, so a match here can only come from the name.
  await createUser(harness, { name: "Zoe Quartermaine", email: "zq@example.net" });
});

function parse(search: string) {
  const parsed = query.parseUsersQuery(new URLSearchParams(search));
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.query;
}

async function emails(search: string): Promise<string[]> {
  return (await query.getUsersPage(parse(search))).users.map((user) => user.email);
}

describe("parsing ?q= and ?page=", () => {
  it("empty fields mean everyone, page 1; the search is trimmed", () => {
    expect(query.parseUsersQuery(new URLSearchParams("q=&page="))).toEqual({ ok: true, query: { page: 1 } });
    expect(query.parseUsersQuery(new URLSearchParams("q=%20%20"))).toEqual({ ok: true, query: { page: 1 } });
    expect(query.parseUsersQuery(new URLSearchParams("q=%20Bob%20&page=2"))).toEqual({ ok: true, query: { q: "Bob", page: 2 } });
    // The page's searchParams: a repeated parameter uses its first value.
    expect(query.parseUsersQuery({ q: ["ali", "bob"], page: "3" })).toEqual({ ok: true, query: { q: "ali", page: 3 } });
    expect(query.parseUsersQuery({ q: "x".repeat(320) })).toEqual({ ok: true, query: { q: "x".repeat(320), page: 1 } });
  });

  it("invalid values are explained, with the audit page's messages for ?page=", () => {
    const errors: [string, RegExp][] = [
      [`q=${"x".repeat(321)}`, /^Search must be at most 320 characters$/],
      ["page=0", /^Page must be 1 or more$/],
      ["page=-2", /^Page must be 1 or more$/],
      ["page=two", /^Page must be a number$/],
      ["page=1.5", /^Page must be a whole number$/],
    ];
    for (const [search, error] of errors) {
      const parsed = query.parseUsersQuery(new URLSearchParams(search));
      expect(parsed.ok, search).toBe(false);
      if (!parsed.ok) expect(parsed.error).toMatch(error);
    }
  });

  it("round-trips through the query string the page links use", () => {
    const parsed = parse("q=a%26b%20c&page=3");
    expect(parsed).toEqual({ q: "a&b c", page: 3 });
    expect(query.usersQueryString(parsed.q, parsed.page)).toBe("?q=a%26b+c&page=3");
    expect(parse(query.usersQueryString(parsed.q, parsed.page).slice(1))).toEqual(parsed);
    expect(query.usersQueryString("bob")).toBe("?q=bob");
    expect(query.usersQueryString(undefined)).toBe("");
  });
});

describe("search", () => {
  it("matches part of the email, whatever the case typed", async () => {
    expect(await emails("q=EXAMPLE.ORG")).toEqual(["bob@example.org"]);
    expect(await emails("q=Alice@")).toEqual(["alice@example.com"]);
    expect(await emails("q=example.com")).toEqual(["ada@example.com", "alice@example.com"]);
  });

  it("matches part of the name, whatever the case typed, on both databases", async () => {
    expect(await emails("q=quarterMAINE")).toEqual(["zq@example.net"]);
    expect(await emails("q=zoe q")).toEqual(["zq@example.net"]);
    expect(await emails("q=LIDDELL")).toEqual(["alice@example.com"]);
    // "admin" is in Ada's name only (her email is ada@…).
    expect(await emails("q=Admin")).toEqual(["ada@example.com"]);
  });

  it("matches the name or the email, and says how many match", async () => {
    await createUser(harness, { name: "Example Person", email: "ep@test.dev" });
    const page = await query.getUsersPage(parse("q=Example"));
    expect(page.users.map((user) => user.email)).toEqual([
      "ada@example.com",
      "alice@example.com",
      "bob@example.org",
      "ep@test.dev",
      "zq@example.net",
    ]);
    expect(page).toMatchObject({ total: 5, accountTotal: 5, pageCount: 1, page: 1 });
  });

  it("no match: no rows, one empty page, the whole table still counted", async () => {
    expect(await query.getUsersPage(parse("q=nobody-here"))).toEqual({
      users: [],
      page: 1,
      pageCount: 1,
      total: 0,
      accountTotal: 4,
      bannedTotal: 0,
    });
  });
});

describe("pages", () => {
  /** 120 more accounts, inserted out of order, names zero-padded so both databases sort them alike. */
  async function createBulk() {
    const numbers = Array.from({ length: 120 }, (_, index) => (index * 7) % 120);
    await harness.db.user.createMany({
      data: numbers.map((n) => ({
        name: `Bulk ${String(n).padStart(3, "0")}`,
        email: `bulk${String(n).padStart(3, "0")}@example.com`,
        passwordHash: "not-a-real-hash",
      })),
    });
  }

  it("50 per page, by name, without overlap; the last page holds the rest", async () => {
    await createBulk();
    expect(query.USERS_PAGE_SIZE).toBe(50);
    const pages = await Promise.all([1, 2, 3].map((page) => query.getUsersPage({ page })));
    expect(pages.map((page) => page.users.length)).toEqual([50, 50, 24]);
    for (const page of pages) expect(page).toMatchObject({ total: 124, accountTotal: 124, pageCount: 3 });
    const names = pages.flatMap((page) => page.users.map((user) => user.name));
    expect(new Set(names).size).toBe(124);
    expect(names.slice(0, 3)).toEqual(["Ada Admin", "Alice Liddell", "Bob"]);
    expect(names.slice(3, 6)).toEqual(["Bulk 000", "Bulk 001", "Bulk 002"]);
    expect(names[49]).toBe("Bulk 046");
    expect(names[50]).toBe("Bulk 047");
    expect(names.slice(-2)).toEqual(["Bulk 119", "Zoe Quartermaine"]);
  });

  it("a search is paginated too, and keeps the same order", async () => {
    await createBulk();
    const pages = await Promise.all([1, 2, 3].map((page) => query.getUsersPage({ q: "BULK", page })));
    expect(pages.map((page) => page.users.length)).toEqual([50, 50, 20]);
    for (const page of pages) expect(page).toMatchObject({ total: 120, accountTotal: 124, pageCount: 3 });
    const names = pages.flatMap((page) => page.users.map((user) => user.name));
    expect(names).toEqual(Array.from({ length: 120 }, (_, n) => `Bulk ${String(n).padStart(3, "0")}`));
  });

  it("exactly one full page has no second page", async () => {
    await harness.db.user.createMany({
      data: Array.from({ length: 46 }, (_, n) => ({
        name: `Filler ${String(n).padStart(2, "0")}`,
        email: `filler${n}@example.com`,
        passwordHash: "x",
      })),
    });
    const first = await query.getUsersPage({ page: 1 });
    expect(first).toMatchObject({ total: 50, pageCount: 1 });
    expect(first.users).toHaveLength(50);
  });

  it("the same name is ordered by email, the same way every time", async () => {
    for (const email of ["sam.c@example.com", "sam.a@example.com", "sam.b@example.com"])
      await createUser(harness, { name: "Sam Same", email });
    const page = await query.getUsersPage({ q: "sam same", page: 1 });
    expect(page.users.map((user) => user.email)).toEqual(["sam.a@example.com", "sam.b@example.com", "sam.c@example.com"]);
    const ids = page.users.map((user) => user.userId);
    for (let run = 0; run < 3; run += 1)
      expect((await query.getUsersPage({ q: "sam same", page: 1 })).users.map((user) => user.userId)).toEqual(ids);
  });

  it("a page past the end has no rows but the right total and page count", async () => {
    await createBulk();
    expect(await query.getUsersPage({ page: 4 })).toMatchObject({ users: [], page: 4, total: 124, pageCount: 3 });
    expect(await query.getUsersPage({ q: "zoe", page: 2 })).toMatchObject({ users: [], page: 2, total: 1, pageCount: 1 });
  });
});

describe("bannedTotal", () => {
  it("counts bans in force across the whole table, not the page or the search", async () => {
    const hour = 60 * 60 * 1000;
    const bannedAt = new Date(Date.now() - 2 * hour);
    await createUser(harness, { name: "Perm Banned", email: "perm@example.com", bannedAt, banReason: "spam" });
    await createUser(harness, {
      name: "Until Tomorrow",
      email: "later@example.com",
      bannedAt,
      banReason: "cool off",
      banExpiresAt: new Date(Date.now() + 24 * hour),
    });
    await createUser(harness, {
      name: "Expired Ban",
      email: "expired@example.com",
      bannedAt,
      banReason: "old",
      banExpiresAt: new Date(Date.now() - hour),
    });
    // Not how the app writes bans, but an expiry alone is not a ban.
    await createUser(harness, { name: "Expiry Only", email: "expiry-only@example.com", banExpiresAt: new Date(Date.now() + hour) });

    const everyone = await query.getUsersPage({ page: 1 });
    expect(everyone).toMatchObject({ total: 8, accountTotal: 8, bannedTotal: 2 });
    const status = Object.fromEntries(everyone.users.map((user) => [user.email, user.ban ? "banned" : "active"]));
    expect(status).toMatchObject({
      "perm@example.com": "banned",
      "later@example.com": "banned",
      "expired@example.com": "active",
      "expiry-only@example.com": "active",
    });

    // A search that finds none of the banned, and a page with none of them: still 2.
    expect(await query.getUsersPage({ q: "bob", page: 1 })).toMatchObject({ total: 1, bannedTotal: 2 });
    expect(await query.getUsersPage({ page: 2 }, 2)).toMatchObject({ bannedTotal: 2 });
    expect(await query.getUsersPage({ page: 9 })).toMatchObject({ users: [], bannedTotal: 2 });
  });
});

describe("page markup", () => {
  async function pagination(props: { page: number; pageCount: number; total: number; users?: boolean }) {
    const { Pagination } = await import("@/components/admin/pagination");
    const noun = props.users ? { one: "account", other: "accounts" } : { one: "entry", other: "entries" };
    const testId = props.users ? "users-pagination" : "audit-pagination";
    return renderToStaticMarkup(
      createElement(Pagination, {
        ...props,
        hrefFor: (page: number) => `/admin/users${query.usersQueryString("bo b", page)}`,
        noun,
        label: "Pages",
        testId,
      }),
    );
  }

  it("the shared pagination keeps the audit page's words and says accounts on the users page", async () => {
    const audit = await pagination({ page: 1, pageCount: 3, total: 121 });
    expect(audit).toContain('data-testid="audit-pagination"');
    expect(audit).toContain(">121 entries · page 1 of 3<");
    expect(audit).toMatch(/<span aria-disabled="true"[^>]*>Previous<\/span>/);
    expect(audit).toMatch(/<a rel="next"[^>]*href="\/admin\/users\?q=bo\+b&amp;page=2">Next<\/a>/);
    expect(await pagination({ page: 1, pageCount: 1, total: 1 })).toContain(">1 entry · page 1 of 1<");

    const users = await pagination({ page: 2, pageCount: 3, total: 124, users: true });
    expect(users).toContain('data-testid="users-pagination"');
    expect(users).toContain(">124 accounts · page 2 of 3<");
    // Page 1 has no page parameter.
    expect(users).toMatch(/<a rel="prev"[^>]*href="\/admin\/users\?q=bo\+b">Previous<\/a>/);
    expect(await pagination({ page: 1, pageCount: 1, total: 1, users: true })).toContain(">1 account · page 1 of 1<");
  });

  it("past the last page, Previous leads to the last page and Next is disabled", async () => {
    const html = await pagination({ page: 9, pageCount: 3, total: 124, users: true });
    expect(html).toMatch(/<a rel="prev"[^>]*href="\/admin\/users\?q=bo\+b&amp;page=3">Previous<\/a>/);
    expect(html).toMatch(/<span aria-disabled="true"[^>]*>Next<\/span>/);
  });

  it("the search form: a labelled q field, Search, and Clear only while searching", async () => {
    const { UsersSearchForm } = await import("@/components/admin/users-search");
    const idle = renderToStaticMarkup(createElement(UsersSearchForm, {}));
    expect(idle).toMatch(/<form [^>]*action="\/admin\/users"/);
    expect(idle).toContain(
      '<label class="text-sm font-medium leading-none text-zinc-800 dark:text-zinc-200" for="users-q">Search users</label>',
    );
    expect(idle).toMatch(/<input [^>]*id="users-q"[^>]*name="q"/);
    expect(idle).toMatch(/<button type="submit"[^>]*>Search<\/button>/);
    expect(idle).not.toContain("Clear");
    const searching = renderToStaticMarkup(createElement(UsersSearchForm, { q: "bob" }));
    expect(searching).toContain('value="bob"');
    expect(searching).toMatch(/<a [^>]*href="\/admin\/users"[^>]*>Clear<\/a>/);
  });
});
