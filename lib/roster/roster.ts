import "server-only";

import { pageCountOf } from "@/lib/admin/page-param";
import { searchWhere } from "@/lib/admin/users-query";
import { db } from "@/lib/db/client";
import type { Prisma } from "@/lib/db/types";
import { GROUP_AGGREGATES, onlineUsersWhere, toEntry, USER_SELECT, type ConnectionGroup, type RosterUser } from "@/lib/roster/entries";
import { confirmedConnectionWhere, liveConnectionWhere } from "@/lib/roster/liveness";
import { usersWithProvenConnections } from "@/lib/roster/reconcile";
import type { RosterPage, RosterQuery } from "@/lib/roster/types";

/** Rows per roster page: at 10,000 online the console still renders (and ships) one page. */
export const ROSTER_PAGE_SIZE = 50;

/** The live-connection aggregates of the given users (a page's worth). */
async function groupsOf(live: Prisma.RealtimeConnectionWhereInput, userIds: string[]): Promise<ConnectionGroup[]> {
  if (userIds.length === 0) return [];
  const groups = await db.realtimeConnection.groupBy({ by: ["userId"], where: { AND: [live, { userId: { in: userIds } }] }, orderBy: { userId: "asc" }, ...GROUP_AGGREGATES });
  return groups;
}

/** The aggregate sorts, as groupBy orderings; the user id makes the order total so pages never overlap. */
function groupOrder({ sort, dir }: RosterQuery): Prisma.RealtimeConnectionOrderByWithAggregationInput[] {
  const key: Prisma.RealtimeConnectionOrderByWithAggregationInput =
    sort === "connections" ? { _count: { id: dir } } : sort === "signed-in" ? { _min: { signedInAt: dir } } : { _max: { lastActivityAt: dir } };
  return [key, { userId: "asc" }];
}

/**
 * One page of the users with a live connection: searched by name or email like /admin/users, and
 * sorted in SQL by name (like /admin/users), by when they signed in, by last activity or by number
 * of connections. A constant number of queries whatever the roster's size: counts, then the page's
 * users (name order) or the page's connection groups (aggregate orders), then the other half for
 * those ≤ pageSize users only. Nothing is ever loaded for users off the page.
 */
export async function getRosterPage(query: RosterQuery, now: Date = new Date(), pageSize = ROSTER_PAGE_SIZE): Promise<RosterPage> {
  const live = liveConnectionWhere(now);
  const matching = onlineUsersWhere(live, query.q);
  const skip = (query.page - 1) * pageSize;

  const counts = [db.user.count({ where: onlineUsersWhere(live, undefined) }), db.realtimeConnection.count({ where: live }), db.user.count({ where: matching })] as const;
  let users: RosterUser[];
  let groups: ConnectionGroup[];
  let onlineUsers: number;
  let connections: number;
  let total: number;
  if (query.sort === "name") {
    const order: Prisma.UserOrderByWithRelationInput[] = [{ name: query.dir }, { email: query.dir }, { id: query.dir }];
    [onlineUsers, connections, total, users] = await db.$transaction([...counts, db.user.findMany({ where: matching, orderBy: order, skip, take: pageSize, select: USER_SELECT })]);
    groups = await groupsOf(live, users.map((user) => user.id));
  } else {
    const connectionWhere: Prisma.RealtimeConnectionWhereInput = query.q ? { AND: [live, { user: searchWhere(query.q) }] } : live;
    [onlineUsers, connections, total, groups] = await db.$transaction([
      ...counts,
      db.realtimeConnection.groupBy({ by: ["userId"], where: connectionWhere, orderBy: groupOrder(query), skip, take: pageSize, ...GROUP_AGGREGATES }),
    ]);
    users = groups.length ? await db.user.findMany({ where: { id: { in: groups.map((group) => group.userId) } }, select: USER_SELECT }) : [];
  }

  const byUser = new Map(groups.map((group) => [group.userId, group]));
  const usersById = new Map(users.map((user) => [user.id, user]));
  // The page's order is the order of whichever query paged.
  const ordered = query.sort === "name" ? users : groups.flatMap((group) => usersById.get(group.userId) ?? []);
  const entries = ordered.flatMap((user) => toEntry(user, byUser.get(user.id)) ?? []);
  return { users: entries, page: query.page, pageCount: pageCountOf(total, pageSize), pageSize, total, onlineUsers, connections };
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
