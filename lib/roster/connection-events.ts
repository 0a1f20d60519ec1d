import "server-only";

import { db } from "@/lib/db/client";
import { notifyRosterChanged } from "@/lib/roster/roster-changes";
import type { RosterChangeReason } from "@/lib/roster/roster-types";

/*
 * The roster's writes for the webhooks of a signed-in socket's private-connection-{socketId}
 * channel (lib/pusher/webhook.ts verifies and parses them, then calls these): channel_occupied
 * confirms the socket's row (proof the socket is live), channel_vacated deletes it. Webhooks are
 * retried, duplicated and reordered, so every write is idempotent: vacated deletes the row;
 * occupied only updates a row that still exists, so a late or duplicated occupied can never
 * resurrect a closed connection.
 */

export interface ConnectionChange {
  userId: string;
  /** For the inspector line; read in the same query as the row. */
  userName: string;
  socketId: string;
  reason: Extract<RosterChangeReason, "connection-confirmed" | "connection-closed">;
}

/**
 * channel_occupied: returns the change when this confirmed the row, null when nothing admins see
 * changed. A tab's first occupied, the usual case, is one conditional update (each Prisma call
 * costs 0.4–1 ms of CPU, BENCHMARKS.md): only a still-unconfirmed row of the socket gets
 * confirmedAt, so the rows it returns say whether this confirmed it, atomically (two concurrent
 * deliveries can't both report it), and carry the user for the notification.
 */
export async function confirmConnection(socketId: string, now: Date): Promise<ConnectionChange | null> {
  const [confirmed] = await db.realtimeConnection.updateManyAndReturn({
    where: { socketId, confirmedAt: null },
    data: { confirmedAt: now, lastActivityAt: now },
    select: { userId: true, user: { select: { name: true } } },
  });
  if (confirmed) return { userId: confirmed.userId, userName: confirmed.user.name, socketId, reason: "connection-confirmed" };
  // Not unconfirmed: a duplicate (a retried delivery, or twice in one batch) only refreshes the
  // confirmed row's activity; a row already deleted (vacated or kicked) matches nothing and stays so.
  await db.realtimeConnection.updateMany({ where: { socketId }, data: { lastActivityAt: now } });
  return null;
}

/** channel_vacated: returns the change when this deleted the row, null when it was already gone. */
export async function closeConnection(socketId: string): Promise<ConnectionChange | null> {
  const row = await db.realtimeConnection.findUnique({ where: { socketId }, select: { userId: true, user: { select: { name: true } } } });
  if (!row) return null;
  const { count } = await db.realtimeConnection.deleteMany({ where: { socketId } });
  return count > 0 ? { userId: row.userId, userName: row.user.name, socketId, reason: "connection-closed" } : null;
}

/** One roster notification for a delivery's changes ("connection-closed" if any connection closed). */
export function notifyConnectionChanges(changes: readonly ConnectionChange[]): void {
  if (changes.length === 0) return;
  const users = new Set(changes.map((change) => change.userId));
  const reason = changes.some((change) => change.reason === "connection-closed") ? "connection-closed" : "connection-confirmed";
  // Returns at once: lib/roster/roster-changes coalesces it with other changes into one admin publish.
  notifyRosterChanged(reason, [...users]);
}
