import "server-only";

import { db } from "@/lib/db/client";
import { CONNECTION_CHANNEL_PREFIX, socketIdFromConnectionChannel } from "@/lib/pusher/channel-names";
import { pusherServer } from "@/lib/pusher/server";
import { CONNECTION_GRACE_MS, RECONCILE_INTERVAL_MS } from "@/lib/roster/constants";
import { describeError } from "@/lib/errors/describe-error";
import { notifyRosterChanged } from "@/lib/roster/roster-changes";

/** How long a roster request waits for a reconciliation it triggered. */
const RECONCILE_MAX_WAIT_MS = 2_000;

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

/** The socket ids whose private-connection channel is occupied right now, per the HTTP API. */
export async function fetchOccupiedSocketIds(): Promise<Set<string>> {
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

/** Rows read per page while reconciling: bounds memory whatever the number of connections. */
export const RECONCILE_PAGE_ROWS = 5_000;
/**
 * Ids per delete/update statement, one bind parameter each. Prisma's SQLite adapter refuses a query
 * with 1,000 or more parameters (measured: a `notIn` of 1,000 socket ids fails; PostgreSQL's limit
 * is 65,535), and only reads get their `in` lists split, so writes stay under 999 with room to spare.
 */
export const RECONCILE_WRITE_CHUNK = 900;

/** Splits `items` into arrays of at most `size`. */
export function chunked<T>(items: readonly T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let start = 0; start < items.length; start += size) chunks.push(items.slice(start, start + size));
  return chunks;
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
  const occupied = await fetchOccupiedSocketIds();
  return reconcileWithOccupied(occupied, now);
}

/**
 * The database half of reconcileRoster, given the occupied socket ids. Never one bind parameter per
 * socket: the candidates (rows past the grace window, and pending rows) are read in pages of
 * RECONCILE_PAGE_ROWS by id, diffed against the Set in memory, and written back by id in chunks of
 * RECONCILE_WRITE_CHUNK. Time and memory grow linearly with the table, 100,000 rows included.
 */
export async function reconcileWithOccupied(occupied: ReadonlySet<string>, now: Date = new Date()): Promise<ReconcileResult> {
  const cutoff = new Date(now.getTime() - CONNECTION_GRACE_MS);
  const changedUsers = new Set<string>();
  let removed = 0;
  let confirmed = 0;
  let after: string | undefined;
  for (;;) {
    const rows = await db.realtimeConnection.findMany({
      where: {
        ...(after === undefined ? {} : { id: { gt: after } }),
        // Old rows may be stale; pending rows of any age may need confirming.
        OR: [{ signedInAt: { lt: cutoff } }, { confirmedAt: null }],
      },
      orderBy: { id: "asc" },
      take: RECONCILE_PAGE_ROWS,
      select: { id: true, socketId: true, userId: true, signedInAt: true, confirmedAt: true },
    });
    if (rows.length === 0) break;
    after = rows[rows.length - 1]!.id;

    const stale = rows.filter((row) => row.signedInAt < cutoff && !occupied.has(row.socketId));
    for (const ids of chunked(
      stale.map((row) => row.id),
      RECONCILE_WRITE_CHUNK,
    )) {
      // signedInAt again in the delete: it never moves, so this only guards against a clock mix-up.
      removed += (await db.realtimeConnection.deleteMany({ where: { id: { in: ids }, signedInAt: { lt: cutoff } } })).count;
    }
    // A channel_occupied webhook can arrive before /pusher/user-auth wrote the row (or be lost while
    // the app was down); the occupied channel is the same proof, so confirm instead of dropping a
    // user who is really online.
    const missed = rows.filter((row) => row.confirmedAt === null && occupied.has(row.socketId));
    for (const ids of chunked(
      missed.map((row) => row.id),
      RECONCILE_WRITE_CHUNK,
    )) {
      confirmed += (await db.realtimeConnection.updateMany({ where: { id: { in: ids }, confirmedAt: null }, data: { confirmedAt: now } }))
        .count;
    }
    for (const row of stale) changedUsers.add(row.userId);
    for (const row of missed) changedUsers.add(row.userId);
    if (rows.length < RECONCILE_PAGE_ROWS) break;
  }

  if (removed > 0 || confirmed > 0) notifyRosterChanged("reconcile", [...changedUsers]);
  return { occupiedChannels: occupied.size, removed, confirmed };
}

/** How long deciding "delivered live" waits for the HTTP API before calling pending rows unproven. */
const PROVE_MAX_WAIT_MS = 2_000;

/**
 * Which of `userIds` have a connection proven live: a confirmed row, or a pending row whose
 * connection channel the HTTP API reports occupied right now (its channel_occupied webhook is late
 * or was lost). Those pending rows are confirmed on the way, as reconciliation would. The HTTP API
 * is asked once, and only when some user has nothing but pending rows; if it fails or is slow
 * they count as not proven, so a ghost row is never mistaken for a live connection.
 */
export async function usersWithProvenConnections(userIds: readonly string[], now: Date = new Date()): Promise<Set<string>> {
  if (userIds.length === 0) return new Set();
  const confirmed = await db.realtimeConnection.findMany({
    where: { userId: { in: [...userIds] }, confirmedAt: { not: null } },
    distinct: ["userId"],
    select: { userId: true },
  });
  const proven = new Set(confirmed.map((row) => row.userId));
  const pending = await db.realtimeConnection.findMany({
    where: { userId: { in: userIds.filter((id) => !proven.has(id)) }, confirmedAt: null },
    select: { socketId: true, userId: true },
  });
  if (pending.length === 0) return proven;

  const occupied = await withTimeout(fetchOccupiedSocketIds(), PROVE_MAX_WAIT_MS).catch((error: unknown) => {
    console.warn("[roster] could not ask which connections are occupied:", describeError(error));
    return null;
  });
  if (!occupied) return proven;
  const live = pending.filter((row) => occupied.has(row.socketId));
  if (live.length > 0) {
    for (const socketIds of chunked(
      live.map((row) => row.socketId),
      RECONCILE_WRITE_CHUNK,
    )) {
      await db.realtimeConnection.updateMany({ where: { socketId: { in: socketIds }, confirmedAt: null }, data: { confirmedAt: now } });
    }
    for (const row of live) proven.add(row.userId);
  }
  return proven;
}

/** Resolves like `promise`, or null once `ms` have passed (the promise keeps running). */
async function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T | null> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<null>((resolve) => {
    timer = setTimeout(() => resolve(null), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
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
export async function maybeReconcileRoster(
  now: Date = new Date(),
  { maxWaitMs = RECONCILE_MAX_WAIT_MS } = {},
): Promise<ReconcileResult | null> {
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
  // A slow HTTP API must not hold the admin page or the roster API hostage. Past the wait,
  // reconciliation finishes in the background and its roster-changed event refreshes the consoles.
  return withTimeout(throttle.running, maxWaitMs);
}

/** Test hook: forget when reconciliation last ran. */
export function resetReconcileThrottle(): void {
  throttle.lastStartedAt = 0;
}
