import "server-only";

import { auditWhere, iterateAuditRows, parseAuditQuery, type AuditRow } from "@/lib/admin/audit-query";
import { authorizeAdmin, jsonError } from "@/lib/admin/http";

/**
 * Spreadsheet apps run a cell that starts with one of these as a formula (CSV injection): a
 * summary typed by an admin, a ban reason or a user's name could otherwise carry `=HYPERLINK(…)`.
 * Tab and carriage return are on OWASP's list too.
 */
const FORMULA_TRIGGER = /^[=+\-@\t\r]/;

/** One RFC 4180 field, defused against formula injection. */
export function csvCell(value: string | null | undefined): string {
  let text = value ?? "";
  if (FORMULA_TRIGGER.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function csvLine(values: (string | null | undefined)[]): string {
  // CRLF, as RFC 4180 asks and as spreadsheet apps expect.
  return `${values.map(csvCell).join(",")}\r\n`;
}

export const AUDIT_CSV_HEADER = ["time", "action", "actor_email", "actor_name", "actor_id", "target_email", "target_name", "target_id", "summary", "result"];

export function auditCsvLine(row: AuditRow): string {
  return csvLine([
    row.createdAt,
    row.action,
    row.actor?.email,
    row.actor?.name,
    row.actorId,
    row.target?.email,
    row.target?.name,
    row.targetUserId,
    row.summary,
    row.result,
  ]);
}

/**
 * GET /api/admin/audit/export?<the audit page's filters>: every matching row as CSV, newest first,
 * streamed in batches so a long log doesn't have to fit in memory.
 */
export async function handleAuditExport(request: Request): Promise<Response> {
  const auth = await authorizeAdmin(request);
  if ("response" in auth) return auth.response;

  const query = parseAuditQuery(new URL(request.url).searchParams);
  if (!query.ok) return jsonError(400, query.error);
  const where = await auditWhere(query.filters);
  if (!where.ok) return jsonError(400, where.error);

  const rows = iterateAuditRows(where.where);
  const encoder = new TextEncoder();
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(encoder.encode(csvLine(AUDIT_CSV_HEADER)));
    },
    async pull(controller) {
      const next = await rows.next();
      if (next.done) controller.close();
      else controller.enqueue(encoder.encode(auditCsvLine(next.value)));
    },
    async cancel() {
      await rows.return(undefined);
    },
  });

  const date = new Date().toISOString().slice(0, 10);
  return new Response(body, {
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="audit-${date}.csv"`,
      "Cache-Control": "no-store",
      // The file is data, never something to sniff and render.
      "X-Content-Type-Options": "nosniff",
    },
  });
}
