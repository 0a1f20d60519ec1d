import "server-only";

import { db } from "@/lib/db/client";

/** Every admin action, in the order the audit page's filter lists them. */
export const AUDIT_ACTIONS = ["message", "broadcast", "kick", "sign-out-everywhere", "ban", "unban"] as const;

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

/** Append-only: admin actions are recorded whether or not they succeeded. */
export async function writeAudit(entry: AuditEntry): Promise<void> {
  await db.auditLog.create({ data: entry });
}

/** Keeps audit results short enough to read in a table. */
export function auditError(message: string): string {
  return `error: ${message}`.slice(0, 500);
}
