import "server-only";

import { auditCsvStream } from "@/lib/admin/audit-csv";
import { auditWhere, iterateAuditRows, parseAuditQuery } from "@/lib/admin/audit-query";
import { authorizeAdmin, jsonError } from "@/lib/admin/http";

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

  const date = new Date().toISOString().slice(0, 10);
  return new Response(auditCsvStream(iterateAuditRows(where.where)), {
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="audit-${date}.csv"`,
      "Cache-Control": "no-store",
      // The file is data, never something to sniff and render.
      "X-Content-Type-Options": "nosniff",
    },
  });
}
