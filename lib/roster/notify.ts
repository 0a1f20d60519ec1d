import "server-only";

import { keepAliveAfterResponse } from "@/lib/background/after-response";
import { publishToAdmins } from "@/lib/pusher/admin-feed";
import { AdminEvents } from "@/lib/pusher/channels";
import type { RosterChangedPayload, RosterChangeReason } from "@/lib/roster/types";

/**
 * At most one roster-changed publish per this interval per app process, whatever the sign-in rate:
 * every publish is billed, and consoles refetch on the event anyway, so one event per burst says
 * as much as a thousand.
 */
export const ROSTER_NOTIFY_INTERVAL_MS = 250;

interface NotifyState {
  /** Changes waiting for the next publish. */
  pending: { reason: RosterChangeReason; userIds: Set<string | null> } | null;
  /** The scheduled publish of `pending`, if any. */
  scheduled: Promise<void> | null;
  /** The publish under way, if any. */
  inFlight: Promise<void> | null;
  lastPublishAt: number;
}

// On globalThis so Next's dev-mode module reloads keep one schedule.
const globalForNotify = globalThis as unknown as { __rosterNotify?: NotifyState };
const state: NotifyState = (globalForNotify.__rosterNotify ??= { pending: null, scheduled: null, inFlight: null, lastPublishAt: 0 });

/**
 * Tells every open admin console to refetch the roster. The payload is only a hint: consoles
 * refetch from the database, so a lost, merged or reordered event can't leave them inconsistent.
 * Changes are coalesced: the first one after a quiet period goes out at once, the ones that follow
 * within ROSTER_NOTIFY_INTERVAL_MS share the next publish (userId is null when several users changed).
 *
 * Returns at once and never throws: the caller's real work (a sign-in, a webhook, a kick) already
 * happened, and failing it because the admin channel is unreachable would be worse than a stale
 * console, which its periodic poll repairs anyway.
 */
export function notifyRosterChanged(reason: RosterChangeReason, userId: string | null): void {
  const pending = (state.pending ??= { reason, userIds: new Set() });
  pending.reason = reason;
  pending.userIds.add(userId);
  if (state.scheduled) return;
  const delay = Math.max(0, state.lastPublishAt + ROSTER_NOTIFY_INTERVAL_MS - Date.now());
  state.scheduled = new Promise((resolve) => setTimeout(resolve, delay)).then(publishPending);
  keepAliveAfterResponse(state.scheduled);
}

async function publishPending(): Promise<void> {
  const batch = state.pending;
  state.pending = null;
  state.scheduled = null;
  if (!batch) return;
  state.lastPublishAt = Date.now();
  const ids = [...batch.userIds];
  const payload: RosterChangedPayload = { reason: batch.reason, userId: ids.length === 1 ? ids[0]! : null };
  const publish = publishToAdmins(AdminEvents.rosterChanged, payload).catch((error: unknown) => {
    console.warn(`[roster] could not notify admins (${batch.reason}):`, describeError(error));
  });
  state.inFlight = publish;
  await publish;
  if (state.inFlight === publish) state.inFlight = null;
}

/** Resolves once every roster notification scheduled so far was published (or given up on). For tests. */
export async function flushRosterNotifications(): Promise<void> {
  while (state.scheduled || state.inFlight) await (state.scheduled ?? state.inFlight);
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
