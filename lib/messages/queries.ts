import "server-only";

import { db } from "@/lib/db/client";
import type { Role } from "@/lib/db/model-types";
import { excerpt, type AdminMessageRow, type Inbox } from "@/lib/messages/message-types";
import { liveConnectionWhere } from "@/lib/roster/liveness";

export const INBOX_LIMIT = 50;
export const ADMIN_MESSAGES_LIMIT = 100;

const iso = (date: Date | null) => date?.toISOString() ?? null;

/** The user's stored messages, newest first, and how many are unread overall. */
export async function getInbox(userId: string, limit = INBOX_LIMIT): Promise<Inbox> {
  const [rows, unreadCount] = await db.$transaction([
    db.message.findMany({
      where: { recipientId: userId },
      // id breaks ties between messages stored in the same millisecond (a broadcast's rows).
      orderBy: [{ createdAt: "desc" }, { id: "desc" }],
      take: limit,
      select: { id: true, body: true, createdAt: true, deliveredAt: true, readAt: true, sender: { select: { name: true } } },
    }),
    db.message.count({ where: { recipientId: userId, readAt: null } }),
  ]);
  return {
    messages: rows.map((row) => ({
      id: row.id,
      body: row.body,
      from: row.sender?.name ?? null,
      sentAt: row.createdAt.toISOString(),
      deliveredAt: iso(row.deliveredAt),
      readAt: iso(row.readAt),
    })),
    unreadCount,
  };
}

/** The most recent messages to anyone, for the admin's status table. */
/** `recipientId`: only that user's messages (the admin user page). */
export async function getRecentMessages(
  limit = ADMIN_MESSAGES_LIMIT,
  { recipientId }: { recipientId?: string } = {},
): Promise<AdminMessageRow[]> {
  const rows = await db.message.findMany({
    where: recipientId ? { recipientId } : {},
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: limit,
    select: {
      id: true,
      body: true,
      createdAt: true,
      sentLive: true,
      broadcastId: true,
      deliveredAt: true,
      readAt: true,
      recipient: { select: { id: true, name: true, email: true } },
      sender: { select: { name: true } },
    },
  });
  return rows.map((row) => ({
    id: row.id,
    recipient: row.recipient,
    from: row.sender?.name ?? null,
    bodyExcerpt: excerpt(row.body),
    sentAt: row.createdAt.toISOString(),
    sentLive: row.sentLive,
    broadcastId: row.broadcastId,
    deliveredAt: iso(row.deliveredAt),
    readAt: iso(row.readAt),
  }));
}

/**
 * Every user with a live connection right now, by the roster's own liveness rule (so a broadcast
 * reaches exactly the people the admin console lists), optionally only one role.
 */
export async function getSignedInUsers(role?: Role, now: Date = new Date()): Promise<{ id: string; name: string; email: string }[]> {
  return db.user.findMany({
    where: { ...(role ? { role } : {}), connections: { some: liveConnectionWhere(now) } },
    select: { id: true, name: true, email: true },
    orderBy: { id: "asc" },
  });
}
