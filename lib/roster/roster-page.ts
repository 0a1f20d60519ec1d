import "server-only";

import { pageCountOf } from "@/lib/admin/page-param";
import { searchWhere } from "@/lib/admin/users-query";
import { db } from "@/lib/db/client";
import type { Prisma } from "@/lib/db/model-types";
import { GROUP_AGGREGATES, onlineUsersWhere, toEntry, USER_SELECT, type ConnectionGroup, type RosterUser } from "@/lib/roster/entries";
import { confirmedConnectionWhere, liveConnectionWhere } from "@/lib/roster/liveness";
import { usersWithProvenConnections } from "@/lib/roster/reconcile";
import type { RosterPage, RosterQuery } from "@/lib/roster/roster-types";

/** Rows per roster page: at 10,000 online the console still renders (and ships) one page. */
export const ROSTER_PAGE_SIZE = 50;

/** The live-connection aggregates of the given users (a page's worth). */
async function groupsOf(live: Prisma.RealtimeConnectionWhereInput, userIds: string[]): Promise<ConnectionGroup[]> {
  if (userIds.length === 0) return [];
  const groups = await db.realtimeConnection.groupBy({
    by: ["userId"],
    where: { AND: [live, { userId: { in: userIds } }] },
    orderBy: { userId: "asc" },
    ...GROUP_AGGREGATES,
  });
  return groups;
}

/** One page of the users' connection groups in an aggregate order (connections, sign-in, activity). */
async function pagedGroups(
  live: Prisma.RealtimeConnectionWhereInput,
  query: RosterQuery,
  skip: number,
  take: number,
): Promise<ConnectionGroup[]> {
  const where: Prisma.RealtimeConnectionWhereInput = query.q ? { AND: [live, { user: searchWhere(query.q) }] } : live;
  const groups = await db.realtimeConnection.groupBy({
    by: ["userId"],
    where,
    orderBy: groupOrder(query),
    skip,
    take,
    ...GROUP_AGGREGATES,
  });
  return groups;
}

/** The aggregate sorts, as groupBy orderings; the user id makes the order total so pages never overlap. */
type GroupOrder = Pick<Prisma.RealtimeConnectionOrderByWithAggregationInput, "_count" | "_min" | "_max" | "userId">;
function groupOrder({ sort, dir }: RosterQuery): GroupOrder[] {
  const key: GroupOrder =
    sort === "connections"
      ? { _count: { id: dir } }
      : sort === "signed-in"
        ? { _min: { signedInAt: dir } }
        : { _max: { lastActivityAt: dir } };
  return [key, { userId: "asc" }];
}

/**
 * One page of the users with a live connection: searched by name or email like /admin/users, and
 * sorted in SQL by name (like /admin/users), by when they signed in, by last activity or by number
 * of connections. A constant number of queries whatever the roster's size: counts, then the page's
 * users (name order) or the page's connection groups (aggregate orders), then the other half for
 * those ≤ pageSize users only. Nothing is ever loaded for users off the page. No transaction, for
 * the reason given at getRosterChanges: a count may be a moment apart from the rows, which the
 * next delta or resync corrects.
 */
export async function getRosterPage(query: RosterQuery, now: Date = new Date(), pageSize = ROSTER_PAGE_SIZE): Promise<RosterPage> {
  const live = liveConnectionWhere(now);
  const matching = onlineUsersWhere(live, query.q);
  const skip = (query.page - 1) * pageSize;

  // Without a search, the matching users are the online users: one count fewer.
  const counting = Promise.all([
    db.user.count({ where: onlineUsersWhere(live, undefined) }),
    db.realtimeConnection.count({ where: live }),
    query.q ? db.user.count({ where: matching }) : null,
  ]);
  let users: RosterUser[];
  let groups: ConnectionGroup[];
  if (query.sort === "name") {
    const order: Prisma.UserOrderByWithRelationInput[] = [{ name: query.dir }, { email: query.dir }, { id: query.dir }];
    users = await db.user.findMany({ where: matching, orderBy: order, skip, take: pageSize, select: USER_SELECT });
    groups = await groupsOf(
      live,
      users.map((user) => user.id),
    );
  } else {
    groups = await pagedGroups(live, query, skip, pageSize);
    users = groups.length
      ? await db.user.findMany({ where: { id: { in: groups.map((group) => group.userId) } }, select: USER_SELECT })
      : [];
  }
  const [onlineUsers, connections, matchingCount] = await counting;
  const total = matchingCount ?? onlineUsers;

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
