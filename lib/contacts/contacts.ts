import "server-only";

import { db } from "@/lib/db/client";

/** Pusher watches at most 100 user ids per signed-in user (more are dropped with error 4302). */
export const WATCHLIST_LIMIT = 100;

export interface Contact {
  id: string;
  name: string;
}

/**
 * How long the shared contact list is reused. Every tab's sign-in (/pusher/user-auth) needs the
 * user's watchlist, and in a sign-in storm that was one 100-row query per tab; the list is the same
 * for everybody (all users, minus the viewer), so one query serves every sign-in for a few seconds.
 * A user added or renamed meanwhile shows up in others' watchlists at their next sign-in after this.
 */
const CONTACTS_TTL_MS = 5_000;

let cached: { at: number; users: Promise<Contact[]> } | null = null;

/** The first WATCHLIST_LIMIT + 1 users by name: enough for any viewer once they drop themselves. */
function firstUsersByName(): Promise<Contact[]> {
  const now = Date.now();
  if (cached && now - cached.at < CONTACTS_TTL_MS) return cached.users;
  const users = db.user.findMany({
    select: { id: true, name: true },
    orderBy: [{ name: "asc" }, { id: "asc" }],
    take: WATCHLIST_LIMIT + 1,
  });
  const entry = { at: now, users };
  cached = entry;
  // A failed query is not reused: the next sign-in asks the database again.
  users.catch(() => {
    if (cached === entry) cached = null;
  });
  return users;
}

/**
 * A user's contacts: every other user of the app, since this reference app has no friends list.
 * Capped at the watchlist limit so that the list the page shows and the ids the user-auth token
 * watches are the same set — a contact beyond the cap would show a dot that never changes.
 *
 * First 100 by name (then id, for ties) because that is the order the list is shown in and it is
 * stable between sign-ins, so the watchlist does not churn. An app with more users needs a real
 * contact relation (friends, recent conversations) to pick whom to watch.
 */
export async function listContacts(userId: string): Promise<Contact[]> {
  const users = await firstUsersByName();
  return users.filter((user) => user.id !== userId).slice(0, WATCHLIST_LIMIT);
}
