import type { Metadata } from "next";
import Link from "next/link";

import { AuditFiltersForm } from "@/components/admin/audit-filters";
import { AuditTable } from "@/components/admin/audit-table";
import { buttonClassName } from "@/components/ui/button";
import { auditQueryString, auditWhere, getAuditPage, parseAuditQuery, type AuditFilters } from "@/lib/admin/audit-query";
import { requireAdmin } from "@/lib/auth/session";

export const metadata: Metadata = { title: "Audit log" };

// Per-request data behind a session check: never prerender or cache this page.
export const dynamic = "force-dynamic";

function Pagination({ filters, page, pageCount, total }: { filters: AuditFilters; page: number; pageCount: number; total: number }) {
  const link = (target: number, label: string, rel: "prev" | "next") =>
    target >= 1 && target <= pageCount ? (
      <Link href={`/admin/audit${auditQueryString(filters, target)}`} rel={rel} className={buttonClassName({ variant: "outline", size: "sm" })}>
        {label}
      </Link>
    ) : (
      <span aria-disabled="true" className={buttonClassName({ variant: "outline", size: "sm", className: "pointer-events-none opacity-50" })}>
        {label}
      </span>
    );
  return (
    <nav aria-label="Audit log pages" data-testid="audit-pagination" className="flex flex-wrap items-center justify-between gap-3 text-sm">
      <p className="text-zinc-600 dark:text-zinc-400">
        {total === 1 ? "1 entry" : `${total} entries`} · page {page} of {pageCount}
      </p>
      <div className="flex gap-2">
        {/* Past the last page (a stale link), "Previous" leads back to the last one that has rows. */}
        {link(Math.min(page - 1, pageCount), "Previous", "prev")}
        {link(page + 1, "Next", "next")}
      </div>
    </nav>
  );
}

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
          <p className="text-sm text-zinc-600 dark:text-zinc-400">Every administrator action, whether it succeeded or not. Entries are never edited or deleted.</p>
        </div>
        {/* A plain link: the export is a file download from an API route, with the same filters. */}
        <a href={`/api/admin/audit/export${auditQueryString(filters)}`} className={buttonClassName({ variant: "outline" })} data-testid="audit-export">
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
          <Pagination filters={filters} page={result.page} pageCount={result.pageCount} total={result.total} />
        </>
      ) : null}
    </div>
  );
}
