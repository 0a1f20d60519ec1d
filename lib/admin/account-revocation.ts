import "server-only";

import type { AccountRevokedPayload } from "@/lib/admin/account-actions";
import { guardAgainstLateSignIn } from "@/lib/admin/late-sign-in-guard";
import { db } from "@/lib/db/client";
import { forgetAdminFeedCache } from "@/lib/pusher/admin-feed";
import { UserEvents } from "@/lib/pusher/channel-names";
import { pusherServer } from "@/lib/pusher/server";
import { describeError } from "@/lib/errors/describe-error";
import { notifyRosterChanged } from "@/lib/roster/roster-changes";
import type { RosterChangeReason } from "@/lib/roster/roster-types";

export type DisconnectOutcome =
  /** `noticeError`: the account-revoked event could not be sent (the disconnect still happened). */
  { ok: true; closed: number; noticeError: string | null } | { ok: false; error: string; noticeError: string | null };

/**
 * Closes every socket signed in as the user (terminate → close code 4009, so pusher-js does not
 * reconnect), optionally telling their tabs why first. Shared by kick, sign-out-everywhere and ban;
 * `action` is which one, for the roster-changed event admins receive.
 *
 * Revocation itself (sessionVersion, ban fields) is the caller's job and must happen before this:
 * pusher-js signs in again only after a reconnect, but a tab that reloads right after the
 * terminate must already find its session rejected by /pusher/user-auth.
 */
export async function disconnectUser(
  userId: string,
  action: Extract<RosterChangeReason, "kick" | "ban" | "sign-out-everywhere">,
  notice?: AccountRevokedPayload,
): Promise<DisconnectOutcome> {
  const revocation = action !== "kick";
  // The old session's admin feed channels stop receiving at once in this process (the others
  // follow within the admin list's cache time), whatever happens to the sockets below.
  if (revocation) forgetAdminFeedCache();
  let noticeError: string | null = null;
  if (notice) {
    // Awaited so the event is published before the sockets close; a failure must not stop the
    // terminate, which is what actually protects the account.
    try {
      await pusherServer.sendToUser(userId, UserEvents.accountRevoked, notice);
    } catch (error) {
      noticeError = describeError(error);
    }
  }

  // Read before the terminate: its channel_vacated webhooks may delete the rows before we do.
  const rows = await db.realtimeConnection.findMany({ where: { userId }, select: { socketId: true } });
  try {
    await pusherServer.terminateUserConnections(userId);
  } catch (error) {
    return { ok: false, error: describeError(error), noticeError };
  }
  if (revocation)
    guardAgainstLateSignIn(
      userId,
      rows.map((row) => row.socketId),
    );

  // Remove the rows now rather than waiting for channel_vacated webhooks, so the roster (and every
  // admin console) drops the user at once; late vacated webhooks then find nothing, harmlessly.
  await db.realtimeConnection.deleteMany({ where: { userId } });
  notifyRosterChanged(action, userId);
  return { ok: true, closed: rows.length, noticeError };
}

/** "2 connections closed", plus a note when the tabs could not be told why. For audit summaries. */
export function describeDisconnect(outcome: Extract<DisconnectOutcome, { ok: true }>): string {
  const closed = `${outcome.closed} connection${outcome.closed === 1 ? "" : "s"} closed`;
  return outcome.noticeError ? `${closed}; the account-revoked notice was not delivered (${outcome.noticeError})` : closed;
}
