import "server-only";

import { db } from "@/lib/db/client";
import { describeError } from "@/lib/errors/describe-error";
import { Prisma } from "@/lib/db/model-types";
import type { CounterMetric, GaugeMetric } from "@/lib/metrics/metric-names";
import { liveConnectionWhere } from "@/lib/roster/liveness";

/*
 * Metrics are recorded where things happen, but never on the request's time or at its risk:
 * recordMetric() only adds to an in-memory tally (synchronous, no I/O, can't throw), and a timer
 * flushes the tally as one upsert per (metric, minute) a moment later. A failed flush is logged and
 * dropped: losing a few counts is better than failing or slowing a sign-in. Gauges (users online,
 * connections) are sampled from the roster table at most once a minute, by a timer while the
 * process runs, after each flush (a flush follows sign-ins and kicks: roster changes) and on a page
 * view when the last sample is a few seconds old. Old minutes are deleted once an hour.
 */

export const METRICS_FLUSH_DELAY_MS = 1_000;
export const GAUGE_SAMPLE_INTERVAL_MS = 60_000;
/** A page view re-samples when the last sample is older than this (a closed tab publishes no count). */
export const GAUGE_FRESH_MS = 5_000;
/** Minutes kept: the week range plus a day. */
export const METRICS_RETENTION_MS = 8 * 24 * 60 * 60_000;
/** Sign-in/refusal timeline rows kept per user (by age; the login throttle bounds the rate). */
export const USER_EVENTS_RETENTION_MS = 30 * 24 * 60 * 60_000;
const PRUNE_INTERVAL_MS = 60 * 60_000;

interface RecorderState {
  /** `${metric} ${minuteMs}` → count not yet written. */
  pending: Map<string, number>;
  flushTimer: ReturnType<typeof setTimeout> | null;
  flushing: Promise<void> | null;
  sampleTimer: ReturnType<typeof setInterval> | null;
  lastSampleAt: number;
  lastPruneAt: number;
}

// On globalThis so Next's dev-mode module reloads keep one tally.
const globalForMetrics = globalThis as unknown as { __metricsRecorder?: RecorderState };
const state: RecorderState = (globalForMetrics.__metricsRecorder ??= {
  pending: new Map(),
  flushTimer: null,
  flushing: null,
  sampleTimer: null,
  lastSampleAt: 0,
  lastPruneAt: 0,
});

/** The start of the UTC minute `at` falls in. */
export function minuteOf(at: number): number {
  return at - (at % 60_000);
}

/** Counts `count` occurrences of `metric` now. Never throws, never waits. */
export function recordMetric(metric: CounterMetric, count = 1, at: number = Date.now()): void {
  if (!(count > 0)) return;
  const key = `${metric} ${minuteOf(at)}`;
  state.pending.set(key, (state.pending.get(key) ?? 0) + count);
  startSampler();
  if (!state.flushTimer) {
    state.flushTimer = setTimeout(() => void flushMetrics(), METRICS_FLUSH_DELAY_MS);
    // A pending flush must not keep a script or test process alive.
    state.flushTimer.unref?.();
  }
}

function logFailure(what: string, error: unknown): void {
  console.error(`[metrics] ${what} failed: ${describeError(error)}`);
}

/** Adds to a minute's row, creating it; a concurrent create by another instance is retried as an update. */
async function addToMinute(metric: string, minute: Date, count: number): Promise<void> {
  const where = { metric_minute: { metric, minute } };
  try {
    await db.metricMinute.upsert({ where, create: { metric, minute, value: count }, update: { value: { increment: count } } });
  } catch (error) {
    if (!(error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002")) throw error;
    await db.metricMinute.update({ where, data: { value: { increment: count } } });
  }
}

/** Sets a gauge's value for the minute (its latest sample wins). */
async function setMinute(metric: GaugeMetric, minute: Date, value: number): Promise<void> {
  const where = { metric_minute: { metric, minute } };
  try {
    await db.metricMinute.upsert({ where, create: { metric, minute, value }, update: { value } });
  } catch (error) {
    if (!(error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002")) throw error;
    await db.metricMinute.update({ where, data: { value } });
  }
}

/**
 * Writes the tally (one flush at a time; counts added meanwhile wait for the next), then samples
 * the gauges and prunes when due. Resolves when done; never rejects. Tests await it.
 */
export async function flushMetrics(): Promise<void> {
  if (state.flushTimer) clearTimeout(state.flushTimer);
  state.flushTimer = null;
  while (state.flushing) await state.flushing;
  const batch = state.pending;
  state.pending = new Map();
  state.flushing = (async () => {
    for (const [key, count] of batch) {
      const [metric, minuteMs] = key.split(" ") as [string, string];
      try {
        await addToMinute(metric, new Date(Number(minuteMs)), count);
      } catch (error) {
        logFailure(`writing ${count} × ${metric}`, error);
      }
    }
    // The events behind a flush (realtime sign-ins, kicks, bans) are what changes the roster.
    if (batch.size > 0) await sampleGauges();
    await pruneIfDue();
  })();
  try {
    await state.flushing;
  } finally {
    state.flushing = null;
  }
}

/**
 * Samples users online and connections (the roster's liveness rule) into the current minute.
 * `force` samples even if this process sampled less than a minute ago (after a roster change).
 */
export async function sampleGauges(now: number = Date.now()): Promise<void> {
  state.lastSampleAt = now;
  try {
    const where = liveConnectionWhere(new Date(now));
    const [connections, users] = await Promise.all([
      db.realtimeConnection.count({ where }),
      db.realtimeConnection.groupBy({ by: ["userId"], where, orderBy: { userId: "asc" } }),
    ]);
    const minute = new Date(minuteOf(now));
    await setMinute("connections", minute, connections);
    await setMinute("users-online", minute, users.length);
  } catch (error) {
    logFailure("sampling users online", error);
  }
}

/** Samples unless this process sampled in the last `freshMs` (the timer: a minute; a page view: 5 s). */
export async function sampleGaugesIfDue(now: number = Date.now(), freshMs: number = GAUGE_SAMPLE_INTERVAL_MS): Promise<void> {
  if (now - state.lastSampleAt < freshMs && minuteOf(now) === minuteOf(state.lastSampleAt)) return;
  await sampleGauges(now);
}

/** Once a minute while the process runs, so quiet hours still have a line. Unref'd. */
function startSampler(): void {
  if (state.sampleTimer) return;
  state.sampleTimer = setInterval(() => void sampleGaugesIfDue(), GAUGE_SAMPLE_INTERVAL_MS);
  state.sampleTimer.unref?.();
}

/** For tests: stops the timers (pending counts stay until the next flush). */
export function stopMetricsRecorder(): void {
  if (state.sampleTimer) clearInterval(state.sampleTimer);
  if (state.flushTimer) clearTimeout(state.flushTimer);
  state.sampleTimer = null;
  state.flushTimer = null;
  state.lastSampleAt = 0;
  state.lastPruneAt = 0;
}

/** Deletes minutes and timeline events past their retention; once an hour per process. */
export async function pruneIfDue(now: number = Date.now()): Promise<void> {
  if (now - state.lastPruneAt < PRUNE_INTERVAL_MS) return;
  state.lastPruneAt = now;
  try {
    await db.metricMinute.deleteMany({ where: { minute: { lt: new Date(now - METRICS_RETENTION_MS) } } });
    await db.userEvent.deleteMany({ where: { createdAt: { lt: new Date(now - USER_EVENTS_RETENTION_MS) } } });
  } catch (error) {
    logFailure("pruning old metrics", error);
  }
}

/** Starts the sampler when a page or API first needs metrics (the recorder may not have run yet). */
export function ensureMetricsSampler(): void {
  startSampler();
}
