import "server-only";

import { ADMIN_CHANNEL, AdminEvents } from "@/lib/pusher/channels";
import { pusherServer } from "@/lib/pusher/server";
import type { RosterChangedPayload, RosterChangeReason } from "@/lib/roster/types";

/**
 * Tells every open admin console to refetch the roster. The payload is only a hint: consoles
 * refetch from the database, so a lost or reordered event can't leave them inconsistent.
 *
 * Best-effort by design: the caller's real work (a sign-in, a webhook, a kick) already happened,
 * and failing it because the admin channel is unreachable would be worse than a stale console,
 * which its periodic poll repairs anyway.
 */
export async function notifyRosterChanged(reason: RosterChangeReason, userId: string | null): Promise<void> {
  const payload: RosterChangedPayload = { reason, userId };
  try {
    await pusherServer.trigger(ADMIN_CHANNEL, AdminEvents.rosterChanged, payload);
  } catch (error) {
    console.warn(`[roster] could not notify admins (${reason}):`, describeError(error));
  }
}

export function describeError(error: unknown): string {
  if (error instanceof Error) {
    // pusher's RequestError carries the HTTP status and body, which say far more than its message.
    const { status, body } = error as Error & { status?: number; body?: string };
    const detail = [status !== undefined ? `HTTP ${status}` : null, body ? body.trim().slice(0, 200) : null].filter(Boolean).join(" ");
    return detail ? `${error.message} (${detail})` : error.message;
  }
  return String(error);
}
