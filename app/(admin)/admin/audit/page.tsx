import type { Metadata } from "next";

import { AuditFiltersForm } from "@/components/admin/audit-filters";
import { AuditTable } from "@/components/admin/audit-table";
import { Pagination } from "@/components/admin/pagination";
import { buttonClassName } from "@/components/ui/button";
import { auditQueryString, auditWhere, getAuditPage, parseAuditQuery } from "@/lib/admin/audit-query";
import { requireAdmin } from "@/lib/auth/session";

export const metadata: Metadata = { title: "Audit log" };

// Per-request data behind a session check: never prerender or cache this page.
export const dynamic = "force-dynamic";

export default async function AuditPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  // The layout checks too, but layouts don't re-run on client-side navigation; pages do.
  await requireAdmin();
  const query = parseAuditQuery(await searchParams);
  const filters = query.ok ? query.filters : {};
  const where = query.ok ? await auditWhere(query.filters) : query;
  const result = where.ok && query.ok ? await getAuditPage(where.where, query.page) : null;

  return (
    <div className="flex flex-col gap-6">
      <header className="flex flex-wrap items-end justify-between gap-3">
        <div className="flex flex-col gap-1">
          <h1 className="text-2xl font-semibold tracking-tight">Audit log</h1>
          <p className="text-sm text-zinc-600 dark:text-zinc-400">
            Every administrator action, whether it succeeded or not. Entries are never edited or deleted.
          </p>
        </div>
        {/* A plain link: the export is a file download from an API route, with the same filters. */}
        <a
          href={`/api/admin/audit/export${auditQueryString(filters)}`}
          className={buttonClassName({ variant: "outline" })}
          data-testid="audit-export"
        >
          Export CSV
        </a>
      </header>
      <AuditFiltersForm filters={filters} />
      {!where.ok ? (
        <p role="alert" className="rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-900 dark:bg-amber-950 dark:text-amber-100">
          {where.error}
        </p>
      ) : null}
      {result ? (
        <>
          <AuditTable rows={result.rows} />
          <Pagination
            hrefFor={(page) => `/admin/audit${auditQueryString(filters, page)}`}
            page={result.page}
            pageCount={result.pageCount}
            total={result.total}
            noun={{ one: "entry", other: "entries" }}
            label="Audit log pages"
            testId="audit-pagination"
          />
        </>
      ) : null}
    </div>
  );
}
