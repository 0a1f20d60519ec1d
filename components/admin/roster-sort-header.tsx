import Link from "next/link";

import { TableHead } from "@/components/ui/table";
import { rosterQueryString } from "@/lib/roster/query-string";
import { DEFAULT_SORT_DIRECTION, type RosterQuery, type RosterSort } from "@/lib/roster/roster-types";

/**
 * A roster column header that sorts on the server: a link to /admin with that order (page 1,
 * search kept). The current column links to the opposite direction and carries aria-sort.
 */
export function RosterSortHeader({
  sort,
  query,
  children,
  className,
}: {
  sort: RosterSort;
  query: RosterQuery;
  children: string;
  className?: string;
}) {
  const active = query.sort === sort;
  const dir = active ? (query.dir === "asc" ? "desc" : "asc") : DEFAULT_SORT_DIRECTION[sort];
  const href = `/admin${rosterQueryString({ ...query, sort, dir, page: 1 })}`;
  return (
    <TableHead className={className} aria-sort={active ? (query.dir === "asc" ? "ascending" : "descending") : undefined}>
      <Link href={href} className="hover:underline" data-testid={`roster-sort-${sort}`}>
        {children}
        {active ? <span aria-hidden="true">{query.dir === "asc" ? " ↑" : " ↓"}</span> : null}
      </Link>
    </TableHead>
  );
}
