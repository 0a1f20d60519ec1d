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

/** channel_occupied: returns the change when this confirmed the row, null when nothing admins see changed. */
export async function confirmConnection(socketId: string, now: Date): Promise<ConnectionChange | null> {
  const row = await db.realtimeConnection.findUnique({ where: { socketId }, select: { userId: true, confirmedAt: true, user: { select: { name: true } } } });
  if (!row) return null;
  // updateMany, not update: the row may be deleted by a concurrent vacated/kick in between.
  const { count } = await db.realtimeConnection.updateMany({
    where: { socketId },
    data: { confirmedAt: row.confirmedAt ?? now, lastActivityAt: now },
  });
  // A duplicate only refreshes activity; admins only need to refetch on the first confirmation.
  return count > 0 && !row.confirmedAt ? { userId: row.userId, userName: row.user.name, socketId, reason: "connection-confirmed" } : null;
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
