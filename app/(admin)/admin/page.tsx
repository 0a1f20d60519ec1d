import type { Metadata } from "next";

import { RosterTable } from "@/components/admin/roster-table";
import { UsersSearchForm } from "@/components/admin/users-search";
import { loadRosterPage, parseRosterQuery } from "@/lib/admin/roster-endpoint";
import { requireAdmin } from "@/lib/auth/session";
import { rosterQueryString } from "@/lib/roster/query-string";
import { DEFAULT_SORT_DIRECTION, type RosterQuery } from "@/lib/roster/roster-types";

export const metadata: Metadata = { title: "Admin console" };

// Per-request data behind a session check: never prerender or cache this page.
export const dynamic = "force-dynamic";

/** One page only, whatever the number of users online: the HTML stays small at 10,000. */
async function loadRoster(query: RosterQuery) {
  const renderedAt = Date.now();
  return { initial: await loadRosterPage(query), renderedAt };
}

export default async function AdminPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  // First, before any private data is read: anonymous visitors and non-admins are redirected.
  const admin = await requireAdmin();
  const parsed = parseRosterQuery(await searchParams);
  const roster = parsed.ok ? await loadRoster(parsed.query) : null;

  return (
    // A <div>: the root layout already provides the page's one <main> landmark.
    <div className="flex flex-col gap-6">
      <header className="flex flex-col gap-1">
        <h1 className="text-2xl font-semibold tracking-tight">Admin console</h1>
        <p className="text-sm text-zinc-600 dark:text-zinc-400">
          Signed in as {admin.name}. Users appear here while at least one of their tabs is signed in to realtime.
        </p>
      </header>
      <UsersSearchForm
        q={parsed.ok ? parsed.query.q : undefined}
        action="/admin"
        label="Search signed-in users"
        formLabel="Find signed-in users"
        testId="roster-search"
        inputId="roster-q"
        keep={
          parsed.ok
            ? {
                sort: parsed.query.sort === "name" ? undefined : parsed.query.sort,
                dir: parsed.query.dir === DEFAULT_SORT_DIRECTION[parsed.query.sort] ? undefined : parsed.query.dir,
              }
            : {}
        }
      />
      {parsed.ok && roster ? (
        <RosterTable
          key={rosterQueryString(parsed.query)}
          initial={roster.initial}
          query={parsed.query}
          renderedAt={roster.renderedAt}
          currentUserId={admin.id}
        />
      ) : (
        <p role="alert" className="rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-900 dark:bg-amber-950 dark:text-amber-100">
          {parsed.ok ? null : parsed.error}
        </p>
      )}
    </div>
  );
}
