/**
 * How the console applies a roster-changed delta to its page (lib/roster/apply-delta.ts): in
 * place when it can, "resync" (refetch the page) when the page's membership may have changed.
 * Pure functions, no database: the end-to-end path is tests/roster/console-scale.test.ts.
 */
import { describe, expect, it } from "vitest";

import { applyRosterDelta, parseRosterChanged } from "@/lib/roster/apply-delta";
import type { RosterChangedPayload, RosterEntry, RosterPage, RosterQuery, RosterUserChange } from "@/lib/roster/roster-types";

const T = Date.parse("2026-12-01T10:00:00Z");
const entry = (n: number, connections = 1): RosterEntry => ({
  userId: `u${n}`,
  name: `User ${String(n).padStart(3, "0")}`,
  email: `u${n}@example.com`,
  role: "USER",
  connectionCount: connections,
  signedInSince: new Date(T - n * 1_000).toISOString(),
  lastActivityAt: new Date(T).toISOString(),
});
const online = (n: number, connections = 1, name = `User ${String(n).padStart(3, "0")}`): RosterUserChange => ({
  userId: `u${n}`,
  name,
  email: `u${n}@example.com`,
  role: "USER",
  connectionCount: connections,
  signedInSince: T - n * 1_000,
  lastActivityAt: T,
});
const offline = (n: number): RosterUserChange => ({ userId: `u${n}`, connectionCount: 0 });

/** Page `page` of `total` users numbered from 1 in name order, `size` per page. */
function pageOf(page: number, total: number, size = 5): RosterPage {
  const first = (page - 1) * size + 1;
  const users = Array.from({ length: Math.max(0, Math.min(size, total - first + 1)) }, (_, i) => entry(first + i));
  return { users, page, pageCount: Math.max(1, Math.ceil(total / size)), pageSize: size, total, onlineUsers: total, connections: total };
}
const BY_NAME: RosterQuery = { page: 1, sort: "name", dir: "asc" };
const delta = (changes: RosterUserChange[] | null, totals = { onlineUsers: 20, connections: 21 }): RosterChangedPayload => ({
  reason: "sign-in",
  userId: null,
  source: "s",
  version: 1,
  totals,
  changes,
});

describe("applyRosterDelta", () => {
  it("updates a visible row in place and takes the totals, without a refetch", () => {
    const { view, resync } = applyRosterDelta(pageOf(1, 20), delta([online(3, 2)]), BY_NAME);
    expect(resync).toBe(false);
    expect(view.users.map((user) => user.connectionCount)).toEqual([1, 1, 2, 1, 1]);
    expect(view).toMatchObject({ onlineUsers: 20, connections: 21, total: 20, pageCount: 4 });
  });

  it("removes a visible row that went offline; refetches only when later pages must move up", () => {
    const last = applyRosterDelta(pageOf(1, 5), delta([offline(2)], { onlineUsers: 4, connections: 4 }), BY_NAME);
    expect(last.resync).toBe(false);
    expect(last.view.users.map((user) => user.userId)).toEqual(["u1", "u3", "u4", "u5"]);
    expect(last.view).toMatchObject({ total: 4, pageCount: 1 });
    expect(applyRosterDelta(pageOf(1, 20), delta([offline(2)]), BY_NAME).resync).toBe(true);
  });

  it("ignores someone who sorts after a full page's last row, refetches for someone who sorts into it", () => {
    expect(applyRosterDelta(pageOf(1, 20), delta([online(17)]), BY_NAME).resync).toBe(false);
    expect(applyRosterDelta(pageOf(1, 20), delta([online(30, 1, "User 002b")]), BY_NAME).resync).toBe(true);
    // Case and punctuation may sort differently on PostgreSQL's collations: unsure means refetch.
    expect(applyRosterDelta(pageOf(1, 20), delta([online(31, 1, "user 001a")]), BY_NAME).resync).toBe(true);
    // A page that isn't full holds everyone from here on: a newcomer belongs on it.
    expect(applyRosterDelta(pageOf(1, 4), delta([online(9)]), BY_NAME).resync).toBe(true);
  });

  it("on later pages, refetches for any change that may shift them", () => {
    expect(applyRosterDelta(pageOf(2, 20), delta([offline(1)]), { ...BY_NAME, page: 2 }).resync).toBe(true);
    expect(applyRosterDelta(pageOf(2, 20), delta([online(17)]), { ...BY_NAME, page: 2 }).resync).toBe(false);
    expect(applyRosterDelta(pageOf(2, 20), delta([online(17)]), { page: 2, sort: "connections", dir: "desc" }).resync).toBe(true);
  });

  it("with a search, skips users the search can't match and keeps the search's total for the refetch", () => {
    const query: RosterQuery = { ...BY_NAME, q: "nobody" };
    const { view, resync } = applyRosterDelta(pageOf(1, 4), delta([online(9)]), query);
    expect(resync).toBe(false);
    expect(view.total).toBe(4);
    // LIKE wildcards match more than the text says.
    expect(applyRosterDelta(pageOf(1, 4), delta([online(9)]), { ...BY_NAME, q: "U_er" }).resync).toBe(true);
  });

  it("in an aggregate order, refetches when a row's new key may move it", () => {
    const query: RosterQuery = { page: 1, sort: "connections", dir: "desc" };
    const page = { ...pageOf(1, 5), users: [entry(1, 5), entry(2, 4), entry(3, 3), entry(4, 2), entry(5, 1)] };
    expect(applyRosterDelta(page, delta([online(3, 3)]), query).resync).toBe(false);
    expect(applyRosterDelta(page, delta([online(3, 9)]), query).resync).toBe(true);
  });

  it("a resync hint (changes: null) refetches, with the totals applied meanwhile", () => {
    const { view, resync } = applyRosterDelta(pageOf(1, 20), delta(null, { onlineUsers: 500, connections: 600 }), BY_NAME);
    expect(resync).toBe(true);
    expect(view).toMatchObject({ onlineUsers: 500, connections: 600 });
  });
});

describe("parseRosterChanged", () => {
  it("accepts the server's payload and refuses anything malformed", () => {
    expect(parseRosterChanged(delta([online(1), offline(2)]))).not.toBeNull();
    expect(parseRosterChanged(delta(null))).not.toBeNull();
    for (const bad of [
      null,
      "x",
      { ...delta([]), version: "1" },
      { ...delta([]), totals: {} },
      delta([{ userId: "u1", connectionCount: 2 } as RosterUserChange]),
      delta([{ ...online(1), role: "ROOT" } as unknown as RosterUserChange]),
    ]) {
      expect(parseRosterChanged(bad)).toBeNull();
    }
  });
});
