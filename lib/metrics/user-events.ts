import "server-only";

import { db } from "@/lib/db/client";
import { describeError } from "@/lib/errors/describe-error";

/** Kinds of entries in a user's sign-in timeline (the admin user page). */
export type UserEventKind = "sign-in" | "refused";

const DETAIL_MAX_CHARS = 200;

/**
 * Adds one entry to a user's timeline without making the caller wait or fail: the write runs in
 * the background and a failure is only logged. Only for known users (an id from the database), so
 * strangers can't grow the table; rows expire with USER_EVENTS_RETENTION_MS (lib/metrics/record.ts).
 */
export function recordUserEvent(userId: string, kind: UserEventKind, detail: string): void {
  void db.userEvent.create({ data: { userId, kind, detail: detail.slice(0, DETAIL_MAX_CHARS) } }).catch((error: unknown) => {
    console.error(`[metrics] recording a ${kind} event failed: ${describeError(error)}`);
  });
}

export interface UserEventEntry {
  id: string;
  kind: UserEventKind;
  detail: string;
  at: string;
}

export async function recentUserEvents(userId: string, take = 50): Promise<UserEventEntry[]> {
  const rows = await db.userEvent.findMany({ where: { userId }, orderBy: [{ createdAt: "desc" }, { id: "desc" }], take });
  return rows.map((row) => ({ id: row.id, kind: row.kind as UserEventKind, detail: row.detail, at: row.createdAt.toISOString() }));
}
