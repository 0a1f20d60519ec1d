import "server-only";

import { db } from "@/lib/db/client";
import { PENDING_CONNECTIONS_PER_USER } from "@/lib/roster/constants";
import { notifyRosterChanged } from "@/lib/roster/roster-changes";

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
  // Insert first: a new socket is the common case (one per tab), and this makes it two statements,
  // the insert and the trim, instead of an update that matches nothing before them (BENCHMARKS.md,
  // "Where the app's CPU per tab goes": each statement costs the app 0.4–1 ms of CPU).
  try {
    await db.realtimeConnection.create({ data: { socketId, userId, signedInAt: now, lastActivityAt: now, userAgent: agent } });
  } catch (error) {
    if ((error as { code?: unknown }).code !== "P2002") throw error;
    // The unique socketId exists: a sign-in again on the same socket refreshes the user's own row.
    const { count } = await db.realtimeConnection.updateMany({
      where: { socketId, userId },
      data: { lastActivityAt: now, userAgent: agent },
    });
    if (count === 0) throw new SocketOwnedByAnotherUserError(`socket ${socketId} belongs to another user`);
    notifyRosterChanged("sign-in", userId);
    return;
  }
  await dropExcessPendingRows(userId);
  notifyRosterChanged("sign-in", userId);
}

/**
 * Keeps the user's newest PENDING_CONNECTIONS_PER_USER unconfirmed rows, in one statement (a
 * read-then-delete would be two on every sign-in). Run after the insert, so concurrent sign-ins each
 * trim to the cap and the result converges on it. `confirmedAt IS NULL` in the outer delete too: a
 * row confirmed in between is a real tab and stays. Plain SQL with no dates or provider-specific
 * syntax, so the same text runs on SQLite and PostgreSQL (tests/roster cover both).
 */
async function dropExcessPendingRows(userId: string): Promise<void> {
  await db.$executeRaw`
    DELETE FROM "RealtimeConnection"
    WHERE "userId" = ${userId} AND "confirmedAt" IS NULL AND "id" NOT IN (
      SELECT "id" FROM "RealtimeConnection"
      WHERE "userId" = ${userId} AND "confirmedAt" IS NULL
      ORDER BY "signedInAt" DESC, "id" DESC
      LIMIT ${PENDING_CONNECTIONS_PER_USER}
    )`;
}
