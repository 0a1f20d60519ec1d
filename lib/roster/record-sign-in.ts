import "server-only";

import { db } from "@/lib/db/client";
import { notifyRosterChanged } from "@/lib/roster/notify";

export interface RecordSignInInput {
  userId: string;
  socketId: string;
  userAgent?: string | null;
}

/** The socket id is already recorded for a different user. */
export class SocketOwnedByAnotherUserError extends Error {
  override name = "SocketOwnedByAnotherUserError";
}

/**
 * Called by /pusher/user-auth after it signed a token for `socketId`. The row starts unconfirmed:
 * signing a token proves nothing about the socket's future, so the roster only trusts it for the
 * grace window until the connection channel's channel_occupied webhook confirms it.
 *
 * pusher-js signs in again on the same socket in some flows (and the route may be retried), so the
 * same user's row is refreshed — without resetting its confirmation, since no second
 * channel_occupied webhook would come. Another user posting that socket id (socket ids travel in
 * frames and logs) must not take the row over: that would move a live connection, and its
 * private-connection channel, to them. It throws SocketOwnedByAnotherUserError instead.
 */
export async function recordSignIn({ userId, socketId, userAgent }: RecordSignInInput): Promise<void> {
  const now = new Date();
  // User agents are unbounded client input; the roster only needs enough to tell browsers apart.
  const agent = userAgent ? userAgent.slice(0, 512) : null;
  const refresh = { signedInAt: now, lastActivityAt: now, userAgent: agent };
  const { count } = await db.realtimeConnection.updateMany({ where: { socketId, userId }, data: refresh });
  if (count === 0) {
    try {
      await db.realtimeConnection.create({ data: { socketId, userId, ...refresh } });
    } catch (error) {
      // P2002: the unique socketId exists, and (per the update above) not for this user.
      if ((error as { code?: unknown }).code === "P2002") throw new SocketOwnedByAnotherUserError(`socket ${socketId} belongs to another user`);
      throw error;
    }
  }
  await notifyRosterChanged("sign-in", userId);
}
