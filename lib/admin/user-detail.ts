import "server-only";

import { getAuditPage, type AuditRow } from "@/lib/admin/audit-query";
import { toUserListEntry, type UserListEntry } from "@/lib/admin/account-actions";
import { db } from "@/lib/db/client";
import { recentUserEvents, type UserEventEntry } from "@/lib/metrics/user-events";
import { getRecentMessages } from "@/lib/messages/queries";
import type { AdminMessageRow } from "@/lib/messages/message-types";
import { liveConnectionWhere } from "@/lib/roster/liveness";

export const USER_DETAIL_MESSAGES = 20;
export const USER_DETAIL_AUDIT_ROWS = 20;
export const USER_DETAIL_EVENTS = 30;

/** One socket signed in as the user. */
export interface UserConnection {
  socketId: string;
  userAgent: string | null;
  signedInAt: string;
  lastActivityAt: string;
  /** Pusher confirmed the socket (channel_occupied); false: still inside the grace window. */
  confirmed: boolean;
}

export interface UserDetail {
  user: UserListEntry;
  connections: UserConnection[];
  messages: AdminMessageRow[];
  /** Actions on or by the user, newest first. */
  audit: AuditRow[];
  auditTotal: number;
  /** Sign-ins and refusals, newest first. */
  timeline: UserEventEntry[];
  /** When this was read, for the relative times' first render. */
  renderedAt: number;
}

/** Everything the admin user page shows, or null for an unknown id. Bounded queries only. */
export async function getUserDetail(userId: string, now: Date = new Date()): Promise<UserDetail | null> {
  const user = await db.user.findUnique({
    where: { id: userId },
    select: { id: true, name: true, email: true, role: true, createdAt: true, bannedAt: true, banReason: true, banExpiresAt: true },
  });
  if (!user) return null;
  const [connections, messages, audit, timeline] = await Promise.all([
    db.realtimeConnection.findMany({
      // The roster's liveness rule, so this page and the roster agree on who is connected.
      where: { AND: [{ userId }, liveConnectionWhere(now)] },
      orderBy: [{ signedInAt: "asc" }, { socketId: "asc" }],
      select: { socketId: true, userAgent: true, signedInAt: true, lastActivityAt: true, confirmedAt: true },
    }),
    getRecentMessages(USER_DETAIL_MESSAGES, { recipientId: userId }),
    getAuditPage({ OR: [{ targetUserId: userId }, { actorId: userId }] }, 1, USER_DETAIL_AUDIT_ROWS),
    recentUserEvents(userId, USER_DETAIL_EVENTS),
  ]);
  return {
    user: toUserListEntry(user, now),
    connections: connections.map((row) => ({
      socketId: row.socketId,
      userAgent: row.userAgent,
      signedInAt: row.signedInAt.toISOString(),
      lastActivityAt: row.lastActivityAt.toISOString(),
      confirmed: row.confirmedAt !== null,
    })),
    messages,
    audit: audit.rows,
    auditTotal: audit.total,
    timeline,
    renderedAt: now.getTime(),
  };
}
