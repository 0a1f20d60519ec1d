import "server-only";

import { searchWhere } from "@/lib/admin/users-query";
import { db } from "@/lib/db/client";
import type { Prisma } from "@/lib/db/model-types";
import { liveConnectionWhere } from "@/lib/roster/liveness";
import type { RosterEntry, RosterRole, RosterTotals, RosterUserChange } from "@/lib/roster/roster-types";

/*
 * The roster's building blocks: which users are online, and a user's entry from their connections'
 * aggregate. Shared by the console's pages (roster.ts) and the roster-changed deltas (notify.ts).
 */

export const USER_SELECT = { id: true, name: true, email: true, role: true } satisfies Prisma.UserSelect;
export type RosterUser = { id: string; name: string; email: string; role: RosterRole };

/** A user's live connections, aggregated. */
export interface ConnectionGroup {
  userId: string;
  _count: { _all?: number } | true | undefined;
  _min?: { signedInAt?: Date | null } | null;
  _max?: { lastActivityAt?: Date | null } | null;
}

export const GROUP_AGGREGATES = { _count: { _all: true }, _min: { signedInAt: true }, _max: { lastActivityAt: true } } as const;

/** Users with at least one live connection, matching `q` if given. */
export function onlineUsersWhere(live: Prisma.RealtimeConnectionWhereInput, q: string | undefined): Prisma.UserWhereInput {
  const online: Prisma.UserWhereInput = { connections: { some: live } };
  return q ? { AND: [online, searchWhere(q)] } : online;
}

export function toEntry(user: RosterUser, group: ConnectionGroup | undefined): RosterEntry | null {
  const count = group?._count;
  const connectionCount = typeof count === "object" && count ? (count._all ?? 0) : 0;
  const since = group?._min?.signedInAt;
  const activity = group?._max?.lastActivityAt;
  // Gone between the two reads (the page is built from two queries): skipped, not shown with zero.
  if (connectionCount === 0 || !since || !activity) return null;
  return {
    userId: user.id,
    name: user.name,
    email: user.email,
    role: user.role,
    connectionCount,
    signedInSince: since.toISOString(),
    lastActivityAt: activity.toISOString(),
  };
}

/**
 * The current state of `userIds` (at most a delta's worth, see notify.ts) and the totals: what a
 * roster-changed event tells the consoles. Plain reads, not a transaction (which would cost two more
 * round trips on PostgreSQL and hold SQLite's lock against the sign-ins): a read that straddles a
 * change is harmless, since that change sends its own delta.
 */
export async function getRosterChanges(
  userIds: readonly string[],
  now: Date = new Date(),
): Promise<{ totals: RosterTotals; changes: RosterUserChange[] }> {
  const live = liveConnectionWhere(now);
  const ids = [...userIds];
  const [onlineUsers, connections, groups, users] = await Promise.all([
    db.user.count({ where: onlineUsersWhere(live, undefined) }),
    db.realtimeConnection.count({ where: live }),
    db.realtimeConnection.groupBy({
      by: ["userId"],
      where: { AND: [live, { userId: { in: ids } }] },
      orderBy: { userId: "asc" },
      ...GROUP_AGGREGATES,
    }),
    db.user.findMany({ where: { id: { in: ids } }, select: USER_SELECT }),
  ]);
  const byUser = new Map(groups.map((group) => [group.userId, group]));
  const usersById = new Map(users.map((user) => [user.id, user]));
  const changes = ids.map((userId): RosterUserChange => {
    const user = usersById.get(userId);
    const entry = user ? toEntry(user, byUser.get(userId)) : null;
    if (!entry) return { userId, connectionCount: 0 };
    return { ...entry, signedInSince: Date.parse(entry.signedInSince), lastActivityAt: Date.parse(entry.lastActivityAt) };
  });
  return { totals: { onlineUsers, connections }, changes };
}
