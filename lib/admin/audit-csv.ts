import "server-only";

import type { AuditRow } from "@/lib/admin/audit-query";

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

export const AUDIT_CSV_HEADER = [
  "time",
  "action",
  "actor_email",
  "actor_name",
  "actor_id",
  "target_email",
  "target_name",
  "target_id",
  "summary",
  "result",
];

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
 * The whole CSV file of `rows` (header first), as a stream pulled one row at a time, so a long
 * log never has to fit in memory. Cancelling the stream (the download stopped) ends the query.
 */
export function auditCsvStream(rows: AsyncGenerator<AuditRow>): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  return new ReadableStream<Uint8Array>({
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
}
