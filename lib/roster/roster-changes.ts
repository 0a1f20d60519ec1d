import "server-only";

import { randomBytes } from "node:crypto";

import { keepAliveAfterResponse } from "@/lib/background/after-response";
import { describeError } from "@/lib/errors/describe-error";
import { currentAdminSessions, publishToAdmins } from "@/lib/pusher/admin-feed";
import { AdminEvents } from "@/lib/pusher/channel-names";
import { getRosterChanges } from "@/lib/roster/entries";
import type { RosterChangedPayload, RosterChangeReason } from "@/lib/roster/roster-types";

/**
 * At most one roster-changed publish per this interval per app process, whatever the sign-in rate:
 * every publish is billed, and one delta per burst says as much as a thousand events.
 */
export const ROSTER_NOTIFY_INTERVAL_MS = 250;

/** Users listed in one delta at most; a larger burst is sent as "refetch your page" instead. */
export const ROSTER_DELTA_MAX_USERS = 100;

/**
 * A delta's JSON stays under this: Pusher refuses messages over 10 KB (data, channel and event
 * name together). Past it, the event is sent with `changes: null` and consoles refetch their page.
 */
export const ROSTER_DELTA_MAX_BYTES = 8_000;

/**
 * A publish that fails (the realtime server restarting, or timing out in a storm) is retried, with
 * the changes that came meanwhile merged in, after these delays; then given up on. Consoles notice
 * the lost version numbers and refetch, and their periodic resync repairs anything else.
 */
const RETRY_DELAYS_MS = [250, 500, 1_000, 2_000, 4_000] as const;

interface PendingBatch {
  reason: RosterChangeReason;
  /** The changed users, or null once more than ROSTER_DELTA_MAX_USERS changed (send a resync hint). */
  userIds: Set<string> | null;
}

interface NotifyState {
  /** This process's name in payloads, so consoles number each process's publishes separately. */
  source: string;
  /** The last version number used (each publish attempt takes the next one). */
  version: number;
  /** Changes waiting for the next publish. */
  pending: PendingBatch | null;
  /** The scheduled publish of `pending`, if any. */
  scheduled: Promise<void> | null;
  /** The publish under way, if any. */
  inFlight: Promise<void> | null;
  lastPublishAt: number;
  /** Failed attempts in a row (picks the retry delay). */
  failures: number;
}

// On globalThis so Next's dev-mode module reloads keep one schedule.
const globalForNotify = globalThis as unknown as { __rosterNotify?: NotifyState };
const state: NotifyState = (globalForNotify.__rosterNotify ??= {
  source: randomBytes(6).toString("base64url"),
  version: 0,
  pending: null,
  scheduled: null,
  inFlight: null,
  lastPublishAt: 0,
  failures: 0,
});

/** Adds changes to the next publish. `userIds` null: unknown users changed (consoles refetch). */
function addPending(reason: RosterChangeReason, userIds: readonly string[] | null): void {
  const pending = (state.pending ??= { reason, userIds: new Set() });
  pending.reason = reason;
  if (userIds === null) pending.userIds = null;
  if (!pending.userIds || userIds === null) return;
  for (const userId of userIds) pending.userIds.add(userId);
  if (pending.userIds.size > ROSTER_DELTA_MAX_USERS) pending.userIds = null;
}

/**
 * Tells every open admin console what changed on the roster: each changed user's state and the
 * totals, read from the database at publish time. Changes are coalesced: the first one after a
 * quiet period goes out at once, the ones that follow within ROSTER_NOTIFY_INTERVAL_MS share the
 * next publish. `userIds` null means "someone changed" (a resync hint).
 *
 * Returns at once and never throws: the caller's real work (a sign-in, a webhook, a kick) already
 * happened, and failing it because the admin channel is unreachable would be worse than a stale
 * console, which its periodic resync repairs anyway.
 */
export function notifyRosterChanged(reason: RosterChangeReason, userIds: string | readonly string[] | null): void {
  addPending(reason, typeof userIds === "string" ? [userIds] : userIds);
  schedule(state.failures === 0 ? ROSTER_NOTIFY_INTERVAL_MS : RETRY_DELAYS_MS[Math.min(state.failures, RETRY_DELAYS_MS.length) - 1]!);
}

function schedule(intervalMs: number): void {
  if (state.scheduled) return;
  const delay = Math.max(0, state.lastPublishAt + intervalMs - Date.now());
  state.scheduled = new Promise((resolve) => setTimeout(resolve, delay)).then(publishPending);
  keepAliveAfterResponse(state.scheduled);
}

/** The event for `batch`, its delta left out when it would not fit. */
async function buildPayload(batch: PendingBatch, version: number): Promise<RosterChangedPayload> {
  const ids = batch.userIds ? [...batch.userIds] : [];
  const { totals, changes } = await getRosterChanges(ids);
  const payload: RosterChangedPayload = {
    reason: batch.reason,
    userId: ids.length === 1 ? ids[0]! : null,
    source: state.source,
    version,
    totals,
    changes: batch.userIds ? changes : null,
  };
  if (payload.changes && Buffer.byteLength(JSON.stringify(payload)) > ROSTER_DELTA_MAX_BYTES)
    return { ...payload, userId: null, changes: null };
  return payload;
}

async function publishPending(): Promise<void> {
  const batch = state.pending;
  state.pending = null;
  state.scheduled = null;
  if (!batch) return;
  state.lastPublishAt = Date.now();
  const publish = (async () => {
    // Nobody to tell: skip the database reads (a publish to no channel is no publish either).
    if ((await currentAdminSessions()).length === 0) return;
    state.version += 1;
    await publishToAdmins(AdminEvents.rosterChanged, await buildPayload(batch, state.version));
  })().then(
    () => {
      state.failures = 0;
    },
    (error: unknown) => {
      state.failures += 1;
      const retry = state.failures <= RETRY_DELAYS_MS.length;
      console.warn(`[roster] could not notify admins (${batch.reason})${retry ? ", will retry" : ", gave up"}:`, describeError(error));
      if (!retry) {
        state.failures = 0;
        return;
      }
      // The failed batch goes out with whatever came meanwhile, after a growing delay.
      addPending(batch.reason, batch.userIds ? [...batch.userIds] : null);
      schedule(RETRY_DELAYS_MS[state.failures - 1]!);
    },
  );
  state.inFlight = publish;
  await publish;
  if (state.inFlight === publish) state.inFlight = null;
}

/** Resolves once every roster notification scheduled so far was published (or given up on). For tests. */
export async function flushRosterNotifications(): Promise<void> {
  while (state.scheduled || state.inFlight) await (state.scheduled ?? state.inFlight);
}
