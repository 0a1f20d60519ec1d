import { pagedQueryString } from "@/lib/admin/page-param";
import { DEFAULT_SORT_DIRECTION, type RosterQuery } from "@/lib/roster/roster-types";

/**
 * The query string of a roster view, for /admin links and GET /api/admin/roster: defaults left out
 * (sort by name A→Z, page 1), so the plain console is just `/admin`. No server imports: the
 * console's links and fetches build it in the browser.
 */
export function rosterQueryString({ q, page, sort, dir }: RosterQuery): string {
  return pagedQueryString(
    { q, sort: sort === "name" ? undefined : sort, dir: dir === DEFAULT_SORT_DIRECTION[sort] ? undefined : dir },
    page,
  );
}
