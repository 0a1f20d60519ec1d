/** The roster's wire shape: shared by getRosterPage(), GET /api/admin/roster and the admin UI. */
export type RosterRole = "USER" | "ADMIN";

export interface RosterEntry {
  userId: string;
  name: string;
  email: string;
  role: RosterRole;
  connectionCount: number;
  /** ISO 8601: the earliest signedInAt among the user's live connections. */
  signedInSince: string;
  /** ISO 8601: the latest activity among the user's live connections. */
  lastActivityAt: string;
}

/** The roster's sort orders, as they appear in `?sort=`. */
export const ROSTER_SORTS = ["name", "signed-in", "activity", "connections"] as const;
export type RosterSort = (typeof ROSTER_SORTS)[number];
export type SortDirection = "asc" | "desc";

/** Each sort's direction when none is given: A→Z, newest and busiest first. */
export const DEFAULT_SORT_DIRECTION: Record<RosterSort, SortDirection> = {
  name: "asc",
  "signed-in": "desc",
  activity: "desc",
  connections: "desc",
};

/** The console's view, as it appears in its URL and in GET /api/admin/roster's query string. */
export interface RosterQuery {
  /** Part of the name or the email, any case. */
  q?: string;
  page: number;
  sort: RosterSort;
  dir: SortDirection;
}

/** Everyone online right now, whatever the search. */
export interface RosterTotals {
  /** Users with at least one live connection. */
  onlineUsers: number;
  /** Live connections. */
  connections: number;
}

/** One page of the roster: GET /api/admin/roster's body, and the console's first render. */
export interface RosterPage extends RosterTotals {
  users: RosterEntry[];
  page: number;
  pageCount: number;
  pageSize: number;
  /** Online users matching the search (onlineUsers without one). */
  total: number;
}

/** Why admins were told the roster changed (diagnostics only). */
export type RosterChangeReason =
  "sign-in" | "connection-confirmed" | "connection-closed" | "kick" | "ban" | "sign-out-everywhere" | "reconcile";

/** A user's state after the change: offline, or their roster entry (times as epoch ms, to stay small). */
export type RosterUserChange =
  | { userId: string; connectionCount: 0 }
  | {
      userId: string;
      connectionCount: number;
      name: string;
      email: string;
      role: RosterRole;
      signedInSince: number;
      lastActivityAt: number;
    };

/**
 * The `roster-changed` event. Each app process numbers its publishes (`source` names the process,
 * `version` counts from 1), so a console that sees a gap knows it missed one and refetches.
 * `changes` holds every changed user's state as read at publish time (absolute, not increments, so
 * applying one twice or late is harmless), or is null when the burst was too large to list: then
 * consoles refetch their page. Always under Pusher's 10 KB message limit.
 */
export interface RosterChangedPayload {
  reason: RosterChangeReason;
  /** The one user who changed, or null when several did (or the delta was left out). */
  userId: string | null;
  source: string;
  version: number;
  totals: RosterTotals;
  changes: RosterUserChange[] | null;
}
