import "server-only";

import { keepAliveAfterResponse } from "@/lib/background/after-response";
import type { Activity, ActivityBatch } from "@/lib/inspector/activity";
import { publishToOpenInspectors } from "@/lib/pusher/admin-feed";
import { AdminEvents } from "@/lib/pusher/channel-names";
import { describeError } from "@/lib/errors/describe-error";

export { ACTIVITY_KINDS, type Activity, type ActivityKind } from "@/lib/inspector/activity";

/*
 * Activity lines describe requests (sign-ins, webhooks, messages) that must not wait for, or fail
 * because of, the admin channel. So publishActivity only queues the line, and one drain loop per
 * process sends the queue to the open inspectors, in order, several lines per event.
 *
 * Every publish is billed against the hosted quota, so the loop is frugal by design:
 * - nothing is published while no inspector is open (lib/pusher/admin-feed.ts asks the HTTP API
 *   which inspector channels are occupied, at most once per few seconds);
 * - at most one publish per MIN_PUBLISH_INTERVAL_MS: lines that arrive meanwhile share the next one;
 * - a bounded queue: when lines come faster than that, the oldest are dropped and the next batch
 *   says how many, so the inspector shows that its view is incomplete instead of losing them silently.
 */

/** ≤ 4 publishes per second per app process, whatever the request rate. */
export const MIN_PUBLISH_INTERVAL_MS = 250;
const MAX_QUEUED = 1_000;
/** Pusher refuses event data over 10 KB; leave room for the JSON envelope. */
const MAX_BATCH_CHARS = 9_000;
/** A single line may take at most this much of a batch; bigger ones lose their detail. */
const MAX_LINE_CHARS = 2_000;

interface PublisherState {
  queue: Activity[];
  draining: Promise<void> | null;
  /** Lines lost since the last batch that reached the inspectors (queue overflow or failed publish). */
  dropped: number;
  lastPublishAt: number;
}

// On globalThis so Next's dev-mode module reloads keep one queue and one drain loop.
const globalForInspector = globalThis as unknown as { __inspectorPublisher?: PublisherState };
const state: PublisherState = (globalForInspector.__inspectorPublisher ??= { queue: [], draining: null, dropped: 0, lastPublishAt: 0 });

/** A line too big for its share of an event loses its detail rather than the whole line. */
function fitLine(activity: Activity): Activity {
  if (JSON.stringify(activity).length <= MAX_LINE_CHARS) return activity;
  return { ...activity, summary: activity.summary.slice(0, 500), detail: { truncated: true } };
}

/** Takes the oldest lines that fit in one event. */
function takeBatch(): Activity[] {
  const batch: Activity[] = [];
  let size = 0;
  while (state.queue.length > 0) {
    const length = JSON.stringify(state.queue[0]).length + 1;
    if (batch.length > 0 && size + length > MAX_BATCH_CHARS) break;
    batch.push(state.queue.shift()!);
    size += length;
  }
  return batch;
}

const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function drain(): Promise<void> {
  try {
    while (state.queue.length > 0) {
      const sinceLast = Date.now() - state.lastPublishAt;
      if (sinceLast < MIN_PUBLISH_INTERVAL_MS) await wait(MIN_PUBLISH_INTERVAL_MS - sinceLast);
      const lines = takeBatch();
      const payload: ActivityBatch = { lines, dropped: state.dropped };
      state.lastPublishAt = Date.now();
      try {
        const published = await publishToOpenInspectors(AdminEvents.activity, payload);
        // Nobody watching: these lines (and the queue behind them) have no audience.
        if (!published) {
          state.queue.length = 0;
          state.dropped = 0;
          return;
        }
        state.dropped = 0;
      } catch (error) {
        state.dropped += lines.length;
        console.warn(`[inspector] could not publish ${lines.length} activity line(s):`, describeError(error));
      }
    }
  } finally {
    state.draining = null;
  }
}

/**
 * Streams one activity line to every open inspector. Resolves as soon as the line is queued and
 * never rejects, so callers may await it or not: the request it describes is neither slowed nor
 * failed by it.
 */
export async function publishActivity(activity: Omit<Activity, "at">): Promise<void> {
  state.queue.push(fitLine({ ...activity, at: new Date().toISOString() }));
  if (state.queue.length > MAX_QUEUED) state.dropped += state.queue.splice(0, state.queue.length - MAX_QUEUED).length;
  state.draining ??= drain();
  keepAliveAfterResponse(state.draining);
}

/** Resolves once every line queued so far was sent (or given up on). For tests and shutdown. */
export async function flushActivity(): Promise<void> {
  while (state.draining) await state.draining;
}
