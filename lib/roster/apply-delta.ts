/**
 * How the admin console applies a `roster-changed` delta to the page it shows, without asking the
 * server: rows on the page are updated in place (or removed when they went offline) and the
 * counts follow the event's totals. When a change may move users onto or off the page (someone
 * new who sorts into it, a removal that shifts it, a search that may match) the answer is
 * "resync": the console refetches its one page, throttled. No server imports: runs in the browser.
 */
import type { RosterChangedPayload, RosterEntry, RosterPage, RosterQuery, RosterUserChange } from "@/lib/roster/roster-types";

export interface AppliedDelta {
  view: RosterPage;
  /** The page may now hold other users than it shows: refetch it. */
  resync: boolean;
}

type OnlineChange = Extract<RosterUserChange, { name: string }>;

const isOnline = (change: RosterUserChange): change is OnlineChange => change.connectionCount > 0 && "name" in change;

/** Server payloads are trusted but not blindly: anything malformed is null (the console then refetches). */
export function parseRosterChanged(data: unknown): RosterChangedPayload | null {
  if (!data || typeof data !== "object") return null;
  const payload = data as Partial<RosterChangedPayload>;
  const totals = payload.totals as Partial<RosterChangedPayload["totals"]> | undefined;
  if (typeof payload.source !== "string" || !Number.isSafeInteger(payload.version)) return null;
  if (!totals || !Number.isSafeInteger(totals.onlineUsers) || !Number.isSafeInteger(totals.connections)) return null;
  if (payload.changes !== null && !Array.isArray(payload.changes)) return null;
  for (const change of payload.changes ?? []) {
    if (!change || typeof change.userId !== "string" || !Number.isSafeInteger(change.connectionCount) || change.connectionCount < 0)
      return null;
    if (change.connectionCount > 0) {
      const entry = change as Partial<OnlineChange>;
      if (typeof entry.name !== "string" || typeof entry.email !== "string" || (entry.role !== "USER" && entry.role !== "ADMIN"))
        return null;
      if (!Number.isFinite(entry.signedInSince) || !Number.isFinite(entry.lastActivityAt)) return null;
    }
  }
  return payload as RosterChangedPayload;
}

/** Could `q` match this user on the server? Errs on "yes": a false yes costs one refetch. */
function mayMatch(q: string | undefined, change: OnlineChange): boolean {
  if (!q) return true;
  // LIKE wildcards in the search match more than the text says.
  if (/[%_]/.test(q)) return true;
  const needle = q.toLowerCase();
  return change.name.toLowerCase().includes(needle) || change.email.includes(needle);
}

const folded = (text: string) => text.toLowerCase();
const lettersOnly = (text: string) => text.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, "");
const binary = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * -1/1 when `a` sorts before/after `b` under every collation the database may use for names (SQLite
 * and PostgreSQL's "C": code points; PostgreSQL's linguistic collations: case, then punctuation,
 * ignored at first), 0 when they might disagree.
 */
function compareNamesSafely(a: string, b: string): number {
  const votes = [binary(a, b), binary(folded(a), folded(b)), binary(lettersOnly(a), lettersOnly(b))];
  return votes.every((vote) => vote === votes[0]) ? votes[0]! : 0;
}

/** Where `change` sorts relative to `row` in the page's order: -1 before, 1 after, 0 unsure. */
function compareToRow(change: OnlineChange, row: RosterEntry, { sort, dir }: RosterQuery): number {
  const sign = dir === "asc" ? 1 : -1;
  if (sort === "name") return sign * (compareNamesSafely(change.name, row.name) || compareNamesSafely(change.email, row.email));
  const key = (entry: { connectionCount: number; signedInSince: number; lastActivityAt: number }) =>
    sort === "connections" ? entry.connectionCount : sort === "signed-in" ? entry.signedInSince : entry.lastActivityAt;
  const rowKey = key({
    connectionCount: row.connectionCount,
    signedInSince: Date.parse(row.signedInSince),
    lastActivityAt: Date.parse(row.lastActivityAt),
  });
  // Ties are broken by user id in SQL; treated as unsure rather than re-deriving the collation.
  return sign * Math.sign(key(change) - rowKey);
}

function toEntry(change: OnlineChange): RosterEntry {
  return {
    userId: change.userId,
    name: change.name,
    email: change.email,
    role: change.role,
    connectionCount: change.connectionCount,
    signedInSince: new Date(change.signedInSince).toISOString(),
    lastActivityAt: new Date(change.lastActivityAt).toISOString(),
  };
}

/** Applies one delta to the page `view` of `query` (see the file comment). */
export function applyRosterDelta(view: RosterPage, payload: RosterChangedPayload, query: RosterQuery): AppliedDelta {
  const { onlineUsers, connections } = payload.totals;
  if (!payload.changes) return { view: { ...view, onlineUsers, connections }, resync: true };

  let users = view.users;
  let resync = false;
  const lastPage = view.page >= view.pageCount;
  for (const change of payload.changes) {
    const index = users.findIndex((row) => row.userId === change.userId);
    if (index >= 0) {
      if (!isOnline(change)) {
        users = users.filter((row) => row.userId !== change.userId);
        // Rows from the next page move up into the gap.
        if (!lastPage) resync = true;
        continue;
      }
      const updated = toEntry(change);
      users = users.map((row) => (row.userId === change.userId ? updated : row));
      // A new sort key may move the row past its neighbours, or off the page.
      if (query.sort !== "name" && !stillInPlace(users, index, query, change)) resync = true;
      continue;
    }
    if (!isOnline(change)) {
      // Not on this page: on an earlier page its removal shifts this one; on a later one it doesn't.
      if (view.page > 1) resync = true;
      continue;
    }
    if (!mayMatch(query.q, change)) continue;
    // Someone not on the page is online (new, or changed). It leaves this page alone only if it
    // surely sorts after the page's last row while there are more pages (and, for the aggregate
    // sorts, it can't have come from an earlier page).
    const last = users.at(-1);
    const afterPage = !lastPage && last !== undefined && users.length >= view.pageSize && compareToRow(change, last, query) > 0;
    if (!afterPage || (query.sort !== "name" && view.page > 1)) resync = true;
  }

  // Without a search every online user matches: the count is exact. With one, the refetch says.
  const total = query.q ? view.total : onlineUsers;
  const pageCount = query.q ? view.pageCount : Math.max(1, Math.ceil(total / view.pageSize));
  return { view: { ...view, users, onlineUsers, connections, total, pageCount }, resync };
}

/** Whether the row at `index` still sorts strictly between its neighbours, and not at a page edge another page could claim. */
function stillInPlace(users: RosterEntry[], index: number, query: RosterQuery, change: OnlineChange): boolean {
  const before = users[index - 1];
  const after = users[index + 1];
  if (!before || !after) return false;
  return compareToRow(change, before, query) > 0 && compareToRow(change, after, query) < 0;
}
