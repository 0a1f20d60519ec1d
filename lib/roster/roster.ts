import "server-only";

import { db } from "@/lib/db/client";
import { confirmedConnectionWhere, liveConnectionWhere } from "@/lib/roster/liveness";
import { usersWithProvenConnections } from "@/lib/roster/reconcile";
import type { RosterEntry } from "@/lib/roster/types";

const nameCollator = new Intl.Collator("en", { sensitivity: "base", numeric: true });

/**
 * One entry per user with at least one live connection, sorted by name.
 *
 * Two constant-cost queries in one transaction (a grouped aggregate over connections and the
 * matching users), never one query per user, so 1,000+ signed-in users stay cheap. The
 * transaction keeps both reads on the same snapshot; a user missing from the aggregate is skipped
 * rather than shown with zero connections.
 */
export async function getRoster(now: Date = new Date()): Promise<RosterEntry[]> {
  const live = liveConnectionWhere(now);
  const [groups, users] = await db.$transaction([
    db.realtimeConnection.groupBy({
      by: ["userId"],
      where: live,
      orderBy: { userId: "asc" },
      _count: { _all: true },
      _min: { signedInAt: true },
      _max: { lastActivityAt: true },
    }),
    db.user.findMany({
      where: { connections: { some: live } },
      select: { id: true, name: true, email: true, role: true },
    }),
  ]);

  const byUser = new Map(groups.map((group) => [group.userId, group]));
  const entries: RosterEntry[] = [];
  for (const user of users) {
    const group = byUser.get(user.id);
    const count = group?._count;
    const connectionCount = typeof count === "object" && count ? (count._all ?? 0) : 0;
    if (!group || connectionCount === 0 || !group._min?.signedInAt || !group._max?.lastActivityAt) continue;
    entries.push({
      userId: user.id,
      name: user.name,
      email: user.email,
      role: user.role,
      connectionCount,
      signedInSince: group._min.signedInAt.toISOString(),
      lastActivityAt: group._max.lastActivityAt.toISOString(),
    });
  }
  // Sorted here rather than in SQL: SQLite and PostgreSQL collate differently, and the console
  // should order "alice" next to "Alice" on both.
  entries.sort((a, b) => nameCollator.compare(a.name, b.name) || a.email.localeCompare(b.email));
  return entries;
}

/**
 * How many of the user's connections are proven live right now (decides whether a message was
 * sent live). Stricter than the roster: a pending row counts only once Pusher reports its
 * connection channel occupied (see usersWithProvenConnections), so a socket id that was posted to
 * /pusher/user-auth but never connected can't make a message "delivered live".
 */
export async function countLiveConnections(userId: string, now: Date = new Date()): Promise<number> {
  await usersWithProvenConnections([userId], now);
  return db.realtimeConnection.count({ where: { userId, ...confirmedConnectionWhere } });
}
