import "server-only";

import { db } from "@/lib/db/client";
import { publishActivity } from "@/lib/inspector/publish";

/** Every admin action, in the order the audit page's filter lists them. */
export const AUDIT_ACTIONS = ["message", "broadcast", "kick", "sign-out-everywhere", "ban", "unban", "role-change"] as const;

export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export interface AuditEntry {
  actorId: string;
  action: AuditAction;
  /** null for actions without one user as target (a broadcast). */
  targetUserId: string | null;
  summary: string;
  /** "ok", or "error: <what went wrong>". */
  result: string;
}

/**
 * Append-only: admin actions are recorded whether or not they succeeded. Every recorded action is
 * also a line in the live inspector, so operators watching it see what admins do as it happens;
 * publishActivity only queues the line, so the action neither waits for nor fails on Pusher.
 */
export async function writeAudit(entry: AuditEntry): Promise<void> {
  const { actorId, action, targetUserId, summary, result } = entry;
  await Promise.all([
    db.auditLog.create({ data: entry }),
    publishActivity({ kind: "admin-action", userId: targetUserId, summary, detail: { action, result, actorId } }),
  ]);
}

/** Keeps audit results short enough to read in a table. */
export function auditError(message: string): string {
  return `error: ${message}`.slice(0, 500);
}
