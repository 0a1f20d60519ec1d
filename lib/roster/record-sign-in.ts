import "server-only";

import { db } from "@/lib/db/client";
import { notifyRosterChanged } from "@/lib/roster/notify";

export interface RecordSignInInput {
  userId: string;
  socketId: string;
  userAgent?: string | null;
}

/**
 * Called by /pusher/user-auth after it signed a token for `socketId`. The row starts unconfirmed:
 * signing a token proves nothing about the socket's future, so the roster only trusts it for the
 * grace window until the connection channel's channel_occupied webhook confirms it.
 *
 * Upsert because pusher-js signs in again on the same socket in some flows (and the route may be
 * retried); a re-sign-in must not reset an already-confirmed row to pending, since no second
 * channel_occupied webhook would come to confirm it again.
 */
export async function recordSignIn({ userId, socketId, userAgent }: RecordSignInInput): Promise<void> {
  const now = new Date();
  // User agents are unbounded client input; the roster only needs enough to tell browsers apart.
  const agent = userAgent ? userAgent.slice(0, 512) : null;
  await db.realtimeConnection.upsert({
    where: { socketId },
    create: { socketId, userId, signedInAt: now, lastActivityAt: now, userAgent: agent },
    update: { userId, signedInAt: now, lastActivityAt: now, userAgent: agent },
  });
  await notifyRosterChanged("sign-in", userId);
}
