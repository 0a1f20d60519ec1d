import "server-only";

import { publishActivity } from "@/lib/inspector/publish";
import { recordMetric } from "@/lib/metrics/record";

/*
 * Refused requests (anonymous, cross-site, badly signed, banned, malformed) are the ones an attacker
 * can make for free, so none of them may cost a Pusher publish (billed) or a log line each. They
 * are counted here instead, and each interval with refusals ends in ONE log line and ONE inspector
 * line (which itself is only published while an inspector is open).
 */

export const REFUSAL_REPORT_INTERVAL_MS = 10_000;
/** Distinct (endpoint, status, reason) rows kept per interval; the rest are summed as "other". */
const MAX_DISTINCT = 50;
/** Reasons can quote request headers; keep the report small whatever was sent. */
const MAX_REASON_CHARS = 120;

export type RefusedEndpoint = "/pusher/user-auth" | "/pusher/auth" | "/api/pusher/webhook" | "admin API";

export interface RefusalCount {
  endpoint: RefusedEndpoint | "other";
  status: number;
  reason: string;
  count: number;
}

interface RefusalState {
  counts: Map<string, RefusalCount>;
  since: number;
  timer: ReturnType<typeof setTimeout> | null;
}

// On globalThis so Next's dev-mode module reloads keep one counter.
const globalForRefusals = globalThis as unknown as { __refusals?: RefusalState };
const state: RefusalState = (globalForRefusals.__refusals ??= { counts: new Map(), since: Date.now(), timer: null });

/** Counts one refused request. Synchronous and allocation-light: it is on the attacker's path. */
export function countRefusal(endpoint: RefusedEndpoint, status: number, reason: string): void {
  // The metrics page charts refused realtime sign-ins (an in-memory tally too, flushed in batches).
  if (endpoint === "/pusher/user-auth") recordMetric("realtime-refusals");
  if (state.counts.size === 0) state.since = Date.now();
  const shortReason = reason.length > MAX_REASON_CHARS ? `${reason.slice(0, MAX_REASON_CHARS)}…` : reason;
  let key = `${endpoint} ${status} ${shortReason}`;
  let row = state.counts.get(key);
  if (!row && state.counts.size >= MAX_DISTINCT) {
    key = "other";
    row = state.counts.get(key) ?? { endpoint: "other", status: 0, reason: "other reasons", count: 0 };
  }
  if (!row) row = { endpoint, status, reason: shortReason, count: 0 };
  row.count += 1;
  state.counts.set(key, row);
  if (!state.timer) {
    state.timer = setTimeout(reportRefusals, REFUSAL_REPORT_INTERVAL_MS);
    // A pending report must not keep a script or test process alive.
    state.timer.unref?.();
  }
}

/** Emits the interval's one aggregated line (log + inspector) and starts a new interval. */
export function reportRefusals(): RefusalCount[] {
  if (state.timer) clearTimeout(state.timer);
  state.timer = null;
  const counts = [...state.counts.values()].sort((a, b) => b.count - a.count);
  state.counts = new Map();
  if (counts.length === 0) return counts;

  const total = counts.reduce((sum, row) => sum + row.count, 0);
  const seconds = Math.max(1, Math.round((Date.now() - state.since) / 1000));
  const top = counts.slice(0, 5).map((row) => `${row.count} × ${row.endpoint}${row.status ? ` ${row.status}` : ""} (${row.reason})`);
  const more =
    counts.length > top.length ? `, and ${counts.length - top.length} more kind${counts.length - top.length === 1 ? "" : "s"}` : "";
  const summary = `Refused ${total} request${total === 1 ? "" : "s"} in the last ${seconds} s: ${top.join("; ")}${more}`;
  console.warn(`[refused] ${summary}`);
  void publishActivity({ kind: "refused", userId: null, summary, detail: { total, seconds, counts: counts.slice(0, 20) } });
  return counts;
}
