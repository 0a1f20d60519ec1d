import "server-only";

import { after } from "next/server";

import type { Activity } from "@/lib/inspector/activity";
import { ADMIN_CHANNEL, AdminEvents } from "@/lib/pusher/channels";
import { pusherServer } from "@/lib/pusher/server";
import { describeError } from "@/lib/roster/notify";

export { ACTIVITY_KINDS, type Activity, type ActivityKind } from "@/lib/inspector/activity";

/*
 * Activity lines describe requests (sign-ins, webhooks, messages) that must not wait for, or fail
 * because of, the admin channel. So publishActivity only queues the line; one drain loop per
 * process sends the queue to Pusher in order, up to 10 lines per HTTP call (the batch_events
 * limit), which keeps lines in the order they happened and costs one call per burst instead of
 * one per line. If Pusher is slow or down the queue is bounded and the oldest lines are dropped.
 */

/** Pusher's batch_events accepts at most 10 events per call. */
const BATCH_SIZE = 10;
const MAX_QUEUED = 1_000;
/** The SDK has no request timeout: a hung call must not stall every later line. */
const PUBLISH_TIMEOUT_MS = 5_000;
/** Pusher refuses event data over 10 KB; leave room for the JSON envelope. */
const MAX_PAYLOAD_CHARS = 9_000;

interface PublisherState {
  queue: Activity[];
  draining: Promise<void> | null;
  dropped: number;
}

// On globalThis so Next's dev-mode module reloads keep one queue and one drain loop.
const globalForInspector = globalThis as unknown as { __inspectorPublisher?: PublisherState };
const state: PublisherState = (globalForInspector.__inspectorPublisher ??= { queue: [], draining: null, dropped: 0 });

/** A line too big for one Pusher event loses its detail rather than the whole line. */
function fitToEventSize(activity: Activity): Activity {
  if (JSON.stringify(activity).length <= MAX_PAYLOAD_CHARS) return activity;
  return { ...activity, summary: activity.summary.slice(0, 500), detail: { truncated: true } };
}

function withTimeout<T>(promise: Promise<T>): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${PUBLISH_TIMEOUT_MS} ms`)), PUBLISH_TIMEOUT_MS);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

async function sendBatch(batch: Activity[]): Promise<void> {
  if (batch.length === 1) {
    await pusherServer.trigger(ADMIN_CHANNEL, AdminEvents.activity, batch[0]);
    return;
  }
  await pusherServer.triggerBatch(batch.map((data) => ({ channel: ADMIN_CHANNEL, name: AdminEvents.activity, data })));
}

async function drain(): Promise<void> {
  try {
    while (state.queue.length > 0) {
      if (state.dropped > 0) {
        console.warn(`[inspector] dropped ${state.dropped} activity line(s): the admin channel could not keep up`);
        state.dropped = 0;
      }
      const batch = state.queue.splice(0, BATCH_SIZE);
      try {
        await withTimeout(sendBatch(batch));
      } catch (error) {
        console.warn(`[inspector] could not publish ${batch.map((line) => line.kind).join(", ")}:`, describeError(error));
      }
    }
  } finally {
    state.draining = null;
  }
}

/**
 * Streams one activity line to every open inspector (admins on ADMIN_CHANNEL). Resolves as soon as
 * the line is queued and never rejects, so callers may await it or not: the request it describes
 * is neither slowed nor failed by it.
 */
export async function publishActivity(activity: Omit<Activity, "at">): Promise<void> {
  state.queue.push(fitToEventSize({ ...activity, at: new Date().toISOString() }));
  if (state.queue.length > MAX_QUEUED) state.dropped += state.queue.splice(0, state.queue.length - MAX_QUEUED).length;
  state.draining ??= drain();
  keepAliveAfterResponse(state.draining);
}

/**
 * On serverless hosts the function may be frozen once the response is sent; after() asks Next to
 * keep it alive until the queued lines are out. Outside a request (tests, scripts) after() throws,
 * and there the Node process outlives the call anyway.
 */
function keepAliveAfterResponse(task: Promise<void>): void {
  try {
    after(task);
  } catch {
    // Not in a request scope.
  }
}

/** Resolves once every line queued so far was sent (or given up on). For tests and shutdown. */
export async function flushActivity(): Promise<void> {
  while (state.draining) await state.draining;
}
