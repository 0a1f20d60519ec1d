import "server-only";

import { db } from "@/lib/db/client";

/** Pusher watches at most 100 user ids per signed-in user (more are dropped with error 4302). */
export const WATCHLIST_LIMIT = 100;

export interface Contact {
  id: string;
  name: string;
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
  return db.user.findMany({
    where: { id: { not: userId } },
    select: { id: true, name: true },
    orderBy: [{ name: "asc" }, { id: "asc" }],
    take: WATCHLIST_LIMIT,
  });
}
