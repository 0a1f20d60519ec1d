import "server-only";

import { db } from "@/lib/db/client";
import { CONNECTION_CHANNEL_PREFIX, socketIdFromConnectionChannel } from "@/lib/pusher/channels";
import { pusherServer } from "@/lib/pusher/server";
import { CONNECTION_GRACE_MS, RECONCILE_INTERVAL_MS } from "@/lib/roster/constants";

/** How long a roster request waits for a reconciliation it triggered. */
const RECONCILE_MAX_WAIT_MS = 2_000;
import { describeError, notifyRosterChanged } from "@/lib/roster/notify";

/*
 * Why reconciliation exists: the roster is built from webhooks, and webhooks get lost. A browser
 * that crashes is vacated eventually, but if the app was down (or the webhook URL misconfigured)
 * when channel_vacated was sent, its row would claim the user is online forever. Hosted Pusher
 * has no "list connections" API, but it does answer "which connection channels are occupied
 * right now", which is the same fact the webhooks carry. So the roster's truth is periodically
 * re-derived from that answer.
 */

export interface ReconcileResult {
  /** The number of occupied connection channels Pusher reported. */
  occupiedChannels: number;
  /** Rows removed because their channel was not occupied (and they were past the grace window). */
  removed: number;
  /** Pending rows whose channel was occupied: their channel_occupied webhook was missed. */
  confirmed: number;
}

async function fetchOccupiedSocketIds(): Promise<Set<string>> {
  const response = await pusherServer.get({ path: "/channels", params: { filter_by_prefix: CONNECTION_CHANNEL_PREFIX } });
  if (!response.ok) throw new Error(`GET /channels answered HTTP ${response.status}`);
  const body = (await response.json()) as { channels?: Record<string, unknown> };
  if (!body || typeof body.channels !== "object" || body.channels === null) {
    throw new Error("GET /channels answered without a `channels` object");
  }
  const socketIds = new Set<string>();
  for (const channel of Object.keys(body.channels)) {
    const socketId = socketIdFromConnectionChannel(channel);
    if (socketId) socketIds.add(socketId);
  }
  return socketIds;
}

/**
 * Deletes connection rows whose channel Pusher does not report as occupied, and confirms pending
 * rows whose channel is occupied. Rows younger than the grace window are never deleted: their
 * browser may not have subscribed yet. The cutoff is taken before asking Pusher, so a row that
 * signs in while the request is in flight is always younger than it.
 *
 * Throws if Pusher can't be asked: deleting on a failed answer would empty the roster.
 */
export async function reconcileRoster(now: Date = new Date()): Promise<ReconcileResult> {
  const cutoff = new Date(now.getTime() - CONNECTION_GRACE_MS);
  const occupied = await fetchOccupiedSocketIds();
  const occupiedIds = [...occupied];

  const stale = await db.realtimeConnection.findMany({
    where: { signedInAt: { lt: cutoff }, socketId: { notIn: occupiedIds } },
    select: { id: true, userId: true },
  });
  const removed = stale.length
    ? (await db.realtimeConnection.deleteMany({ where: { id: { in: stale.map((row) => row.id) }, signedInAt: { lt: cutoff } } })).count
    : 0;

  // A channel_occupied webhook can arrive before /pusher/user-auth wrote the row (or be lost while
  // the app was down); the occupied channel is the same proof, so confirm instead of dropping a
  // user who is really online.
  const confirmed = occupiedIds.length
    ? (await db.realtimeConnection.updateMany({ where: { socketId: { in: occupiedIds }, confirmedAt: null }, data: { confirmedAt: now } })).count
    : 0;

  if (removed > 0 || confirmed > 0) {
    const users = new Set(stale.map((row) => row.userId));
    await notifyRosterChanged("reconcile", users.size === 1 ? [...users][0]! : null);
  }
  return { occupiedChannels: occupied.size, removed, confirmed };
}

interface ReconcileThrottle {
  lastStartedAt: number;
  running: Promise<ReconcileResult | null> | null;
}

const globalForReconcile = globalThis as unknown as { rosterReconcile?: ReconcileThrottle };
const throttle: ReconcileThrottle = (globalForReconcile.rosterReconcile ??= { lastStartedAt: 0, running: null });

/**
 * Runs reconcileRoster() at most once per RECONCILE_INTERVAL_MS per process, and lets concurrent
 * roster requests share one run. Several app instances each reconcile on their own schedule;
 * that is safe because reconciliation is idempotent.
 *
 * Never throws: a failed reconciliation is logged and the roster is served from the database as is.
 */
export async function maybeReconcileRoster(now: Date = new Date(), { maxWaitMs = RECONCILE_MAX_WAIT_MS } = {}): Promise<ReconcileResult | null> {
  if (!throttle.running) {
    if (now.getTime() - throttle.lastStartedAt < RECONCILE_INTERVAL_MS) return null;
    throttle.lastStartedAt = now.getTime();
    throttle.running = reconcileRoster(now)
      .catch((error: unknown) => {
        console.warn("[roster] reconciliation skipped:", describeError(error));
        return null;
      })
      .finally(() => {
        throttle.running = null;
      });
  }
  // The SDK has no request timeout by default: a slow HTTP API must not hold the admin page or
  // the roster API hostage. Past the wait, reconciliation finishes in the background and its
  // roster-changed event refreshes the consoles.
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<null>((resolve) => {
    timer = setTimeout(() => resolve(null), maxWaitMs);
  });
  try {
    return await Promise.race([throttle.running, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Test hook: forget when reconciliation last ran. */
export function resetReconcileThrottle(): void {
  throttle.lastStartedAt = 0;
}
