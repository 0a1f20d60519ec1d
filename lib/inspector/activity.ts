/**
 * The live inspector's data: what one activity line is, and the pure rules of the admin's log view
 * (bounded buffer, pause/resume, filters). No server or React imports, so the browser component,
 * the server publisher and unit tests share one definition.
 */

export const ACTIVITY_KINDS = [
  "sign-in",
  "refused",
  "connection-confirmed",
  "disconnect",
  "message-sent",
  "message-delivered",
  "message-read",
  "broadcast",
  "webhook",
  "admin-action",
] as const;

export type ActivityKind = (typeof ACTIVITY_KINDS)[number];

export const ACTIVITY_KIND_LABELS: Record<ActivityKind, string> = {
  "sign-in": "Sign-in",
  refused: "Refused requests",
  "connection-confirmed": "Connection confirmed",
  disconnect: "Disconnect",
  "message-sent": "Message sent",
  "message-delivered": "Message delivered",
  "message-read": "Message read",
  broadcast: "Broadcast",
  webhook: "Webhook",
  "admin-action": "Admin action",
};

/** What the live inspector shows. Keep `summary` human-readable; never put secrets in `detail`. */
export interface Activity {
  kind: ActivityKind;
  /** ISO time the server observed it. */
  at: string;
  userId?: string | null;
  summary: string;
  detail?: Record<string, unknown>;
}

export function isActivityKind(value: unknown): value is ActivityKind {
  return typeof value === "string" && (ACTIVITY_KINDS as readonly string[]).includes(value);
}

/** Channel payloads are checked, not trusted: a malformed line is dropped rather than crashing the log. */
export function parseActivity(data: unknown): Activity | null {
  if (!data || typeof data !== "object") return null;
  const { kind, at, userId, summary, detail } = data as Record<string, unknown>;
  if (!isActivityKind(kind) || typeof summary !== "string" || typeof at !== "string" || Number.isNaN(Date.parse(at))) return null;
  return {
    kind,
    at,
    userId: typeof userId === "string" && userId ? userId : null,
    summary,
    detail: detail && typeof detail === "object" && !Array.isArray(detail) ? (detail as Record<string, unknown>) : undefined,
  };
}

/**
 * Payload of one `activity` event: lines in the order they happened, and how many lines the server
 * had to drop since the previous event (publishing is rate-limited and its queue bounded).
 */
export interface ActivityBatch {
  lines: Activity[];
  dropped: number;
}

export function parseActivityBatch(data: unknown): ActivityBatch | null {
  if (!data || typeof data !== "object") return null;
  const { lines, dropped } = data as Record<string, unknown>;
  if (!Array.isArray(lines)) return null;
  return {
    lines: lines.map(parseActivity).filter((line): line is Activity => line !== null),
    dropped: typeof dropped === "number" && Number.isInteger(dropped) && dropped > 0 ? dropped : 0,
  };
}

// ------------------------------------------------------------------------------------------------
// The admin's log view

export interface InspectorEntry extends Activity {
  /** Local sequence number: a stable React key, since two lines may share every other field. */
  seq: number;
}

export interface InspectorLog {
  /** Shown, newest first, at most `limit`. */
  entries: InspectorEntry[];
  /** Received while paused, newest first, at most `limit`; shown on resume. */
  pending: InspectorEntry[];
  paused: boolean;
  /** Lines that fell off the end of a full buffer, so the admin knows the view is not complete. */
  dropped: number;
  /** Lines the server dropped before they reached this tab (it publishes at a bounded rate). */
  lostOnServer: number;
  nextSeq: number;
  limit: number;
}

export const INSPECTOR_BUFFER_LIMIT = 500;

export function createInspectorLog(limit: number = INSPECTOR_BUFFER_LIMIT): InspectorLog {
  return { entries: [], pending: [], paused: false, dropped: 0, lostOnServer: 0, nextSeq: 1, limit };
}

export type InspectorAction =
  { type: "receive"; activity: Activity } | { type: "lost"; count: number } | { type: "pause" } | { type: "resume" } | { type: "clear" };

function prepend(list: InspectorEntry[], items: InspectorEntry[], limit: number): { list: InspectorEntry[]; dropped: number } {
  const merged = [...items, ...list];
  return { list: merged.slice(0, limit), dropped: Math.max(0, merged.length - limit) };
}

export function inspectorReducer(log: InspectorLog, action: InspectorAction): InspectorLog {
  switch (action.type) {
    case "receive": {
      const entry: InspectorEntry = { ...action.activity, seq: log.nextSeq };
      // Paused lines wait in their own buffer so the list the admin is reading does not move.
      const target = log.paused ? log.pending : log.entries;
      const { list, dropped } = prepend(target, [entry], log.limit);
      return {
        ...log,
        nextSeq: log.nextSeq + 1,
        dropped: log.dropped + dropped,
        ...(log.paused ? { pending: list } : { entries: list }),
      };
    }
    case "lost":
      return action.count > 0 ? { ...log, lostOnServer: log.lostOnServer + action.count } : log;
    case "pause":
      return log.paused ? log : { ...log, paused: true };
    case "resume": {
      if (!log.paused) return log;
      const { list, dropped } = prepend(log.entries, log.pending, log.limit);
      return { ...log, paused: false, entries: list, pending: [], dropped: log.dropped + dropped };
    }
    case "clear":
      return { ...log, entries: [], pending: [], dropped: 0, lostOnServer: 0 };
  }
}

export interface InspectorFilter {
  /** Kinds to show (an empty set shows nothing). */
  kinds: ReadonlySet<ActivityKind>;
  /** Case-insensitive substring of the summary or the user id. */
  text: string;
}

export function matchesFilter(entry: Activity, filter: InspectorFilter): boolean {
  if (!filter.kinds.has(entry.kind)) return false;
  const needle = filter.text.trim().toLowerCase();
  if (!needle) return true;
  return entry.summary.toLowerCase().includes(needle) || (entry.userId ?? "").toLowerCase().includes(needle);
}
