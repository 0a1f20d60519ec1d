/** The roster's wire shape: shared by getRoster(), GET /api/admin/roster and the admin UI. */
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

export interface RosterResponse {
  users: RosterEntry[];
}

/** Why admins were told to refetch (diagnostics only; the console refetches on any reason). */
export type RosterChangeReason =
  | "sign-in"
  | "connection-confirmed"
  | "connection-closed"
  | "kick"
  | "ban"
  | "sign-out-everywhere"
  | "reconcile";

export interface RosterChangedPayload {
  reason: RosterChangeReason;
  userId: string | null;
}
