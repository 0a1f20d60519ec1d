import Form from "next/form";
import Link from "next/link";

import { buttonClassName } from "@/components/ui/button";
import { cn } from "@/components/ui/cn";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { AUDIT_ACTIONS } from "@/lib/admin/audit";
import { auditActionLabel } from "@/lib/admin/audit-labels";
import type { AuditFilters } from "@/lib/admin/audit-query";

/**
 * A GET form: applying the filters puts them in the URL, so a filtered view can be shared,
 * bookmarked and exported with exactly the same query string. Works without JavaScript; with it,
 * next/form navigates client-side and the tab keeps its realtime connection. Keyed by the filters
 * so the fields show the URL's values after "Reset" or back/forward.
 */
export function AuditFiltersForm({ filters, action = "/admin/audit" }: { filters: AuditFilters; action?: string }) {
  return (
    <Form
      key={JSON.stringify(filters)}
      action={action}
      role="search"
      aria-label="Filter the audit log"
      data-testid="audit-filters"
      className="grid gap-3 sm:grid-cols-2 lg:grid-cols-[repeat(5,minmax(0,1fr))_auto] lg:items-end"
    >
      <div className="flex flex-col gap-1.5">
        <Label htmlFor="audit-action">Action</Label>
        <select
          id="audit-action"
          name="action"
          defaultValue={filters.action ?? ""}
          className={cn(
            "h-9 w-full rounded-md border border-zinc-300 bg-white px-2 text-sm shadow-sm focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-zinc-400",
            "dark:border-zinc-700 dark:bg-zinc-950",
          )}
        >
          <option value="">All actions</option>
          {AUDIT_ACTIONS.map((name) => (
            <option key={name} value={name}>
              {auditActionLabel(name)}
            </option>
          ))}
        </select>
      </div>
      <div className="flex flex-col gap-1.5">
        <Label htmlFor="audit-actor">Actor email</Label>
        <Input id="audit-actor" name="actor" type="search" defaultValue={filters.actor ?? ""} placeholder="admin@" autoComplete="off" />
      </div>
      <div className="flex flex-col gap-1.5">
        <Label htmlFor="audit-target">Target email or id</Label>
        <Input id="audit-target" name="target" type="search" defaultValue={filters.target ?? ""} autoComplete="off" />
      </div>
      <div className="flex flex-col gap-1.5">
        <Label htmlFor="audit-from">From (UTC)</Label>
        <Input id="audit-from" name="from" type="date" defaultValue={filters.from ?? ""} />
      </div>
      <div className="flex flex-col gap-1.5">
        <Label htmlFor="audit-to">To (UTC)</Label>
        <Input id="audit-to" name="to" type="date" defaultValue={filters.to ?? ""} />
      </div>
      <div className="flex gap-2">
        <button type="submit" className={buttonClassName({ size: "default" })}>
          Apply filters
        </button>
        <Link href={action} className={buttonClassName({ variant: "ghost" })}>
          Reset
        </Link>
      </div>
    </Form>
  );
}
