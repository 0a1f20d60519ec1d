import "server-only";

import { db } from "@/lib/db/client";
import { PENDING_CONNECTIONS_PER_USER } from "@/lib/roster/constants";
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
 * grace window after the *first* sign-in, until the connection channel's channel_occupied webhook
 * confirms it.
 *
 * pusher-js signs in again on the same socket in some flows (and the route may be retried), so the
 * same user's row is updated — without resetting its confirmation (no second channel_occupied
 * would come) and without moving signedInAt: re-posting a socket id that never connects must not
 * keep a ghost on the roster. Another user posting that socket id (socket ids travel in frames and
 * logs) must not take the row over: that would move a live connection, and its private-connection
 * channel, to them. It throws SocketOwnedByAnotherUserError instead.
 *
 * A new row may push the user over PENDING_CONNECTIONS_PER_USER; their oldest pending rows go.
 */
export async function recordSignIn({ userId, socketId, userAgent }: RecordSignInInput): Promise<void> {
  const now = new Date();
  // User agents are unbounded client input; the roster only needs enough to tell browsers apart.
  const agent = userAgent ? userAgent.slice(0, 512) : null;
  const { count } = await db.realtimeConnection.updateMany({ where: { socketId, userId }, data: { lastActivityAt: now, userAgent: agent } });
  if (count === 0) {
    try {
      await db.realtimeConnection.create({ data: { socketId, userId, signedInAt: now, lastActivityAt: now, userAgent: agent } });
    } catch (error) {
      // P2002: the unique socketId exists, and (per the update above) not for this user.
      if ((error as { code?: unknown }).code === "P2002") throw new SocketOwnedByAnotherUserError(`socket ${socketId} belongs to another user`);
      throw error;
    }
    await dropExcessPendingRows(userId);
  }
  await notifyRosterChanged("sign-in", userId);
}

/**
 * Keeps the user's newest PENDING_CONNECTIONS_PER_USER unconfirmed rows. Run after the insert, so
 * concurrent sign-ins each trim to the cap and the result converges on it. `confirmedAt: null` in
 * the delete too: a row confirmed in between is a real tab and stays.
 */
async function dropExcessPendingRows(userId: string): Promise<void> {
  const excess = await db.realtimeConnection.findMany({
    where: { userId, confirmedAt: null },
    orderBy: [{ signedInAt: "desc" }, { id: "desc" }],
    skip: PENDING_CONNECTIONS_PER_USER,
    select: { id: true },
  });
  if (excess.length > 0) await db.realtimeConnection.deleteMany({ where: { id: { in: excess.map((row) => row.id) }, confirmedAt: null } });
}
