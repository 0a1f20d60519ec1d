import "server-only";

import { db } from "@/lib/db/client";

export type AuditAction = "kick" | "message";

export interface AuditEntry {
  actorId: string;
  action: AuditAction;
  targetUserId: string;
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
