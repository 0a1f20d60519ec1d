import "server-only";

import type { AccountRevokedPayload } from "@/lib/admin/users";
import { db } from "@/lib/db/client";
import { env } from "@/lib/env";
import { forgetAdminFeedCache } from "@/lib/pusher/admin-feed";
import { UserEvents } from "@/lib/pusher/channels";
import { pusherServer } from "@/lib/pusher/server";
import { describeError, notifyRosterChanged } from "@/lib/roster/notify";
import type { RosterChangeReason } from "@/lib/roster/types";

export type DisconnectOutcome =
  /** `noticeError`: the account-revoked event could not be sent (the disconnect still happened). */
  | { ok: true; closed: number; noticeError: string | null }
  | { ok: false; error: string; noticeError: string | null };

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

  // Counted before the terminate: its channel_vacated webhooks may delete the rows before we do.
  const connected = await db.realtimeConnection.count({ where: { userId } });
  try {
    await pusherServer.terminateUserConnections(userId);
  } catch (error) {
    return { ok: false, error: describeError(error), noticeError };
  }
  if (revocation) scheduleSecondTerminate(userId);

  // Remove the rows now rather than waiting for channel_vacated webhooks, so the roster (and every
  // admin console) drops the user at once; late vacated webhooks then find nothing, harmlessly.
  await db.realtimeConnection.deleteMany({ where: { userId } });
  notifyRosterChanged(action, userId);
  return { ok: true, closed: connected, noticeError };
}

/** Slack after the backend's authorized-connections timeout, for timers and clocks. */
export const SECOND_TERMINATE_MARGIN_MS = 2_000;

/**
 * terminate_connections only closes sockets signed in *now*. A socket that fetched a user-auth
 * token before the revocation, but sends `pusher:signin` only afterwards, would slip past it. The
 * backend's authorized-connections timeout bounds how long such a socket can stay open unsigned
 * (PUSHER_AUTHORIZED_CONNECTIONS_TIMEOUT_MS), so a second terminate once that window has passed
 * closes whatever signed in late with an old token. docs/security.md explains the window.
 *
 * In-process timer: an instance that stops within the window skips it (the README says so).
 */
function scheduleSecondTerminate(userId: string): void {
  const timer = setTimeout(() => {
    pusherServer.terminateUserConnections(userId).catch((error: unknown) => {
      console.warn(`[revocation] second terminate for ${userId} failed:`, describeError(error));
    });
  }, env.authorizedConnectionsTimeoutMs + SECOND_TERMINATE_MARGIN_MS);
  timer.unref?.();
}

/** "2 connections closed", plus a note when the tabs could not be told why. For audit summaries. */
export function describeDisconnect(outcome: Extract<DisconnectOutcome, { ok: true }>): string {
  const closed = `${outcome.closed} connection${outcome.closed === 1 ? "" : "s"} closed`;
  return outcome.noticeError ? `${closed}; the account-revoked notice was not delivered (${outcome.noticeError})` : closed;
}
