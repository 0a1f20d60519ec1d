import type { Metadata } from "next";

import { Pagination } from "@/components/admin/pagination";
import { UsersSearchForm } from "@/components/admin/users-search";
import { UsersTable } from "@/components/admin/users-table";
import { getUsersPage, parseUsersQuery, usersQueryString, type UsersPage } from "@/lib/admin/users-query";
import { requireAdmin } from "@/lib/auth/session";

export const metadata: Metadata = { title: "Users" };

// Per-request data behind a session check: never prerender or cache this page.
export const dynamic = "force-dynamic";

const accounts = (count: number) => (count === 1 ? "1 account" : `${count} accounts`);

/** Counts for the whole table, then the search's matches. */
function summary(result: UsersPage, q: string | undefined): string {
  let text = `${accounts(result.accountTotal)}, ${result.bannedTotal} banned.`;
  if (q) text += ` ${result.total === 1 ? "1 matches" : `${result.total} match`} “${q}”.`;
  return text;
}

export default async function UsersPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  // The layout checks too, but layouts don't re-run on client-side navigation; pages do.
  const admin = await requireAdmin();
  const parsed = parseUsersQuery(await searchParams);
  const q = parsed.ok ? parsed.query.q : undefined;
  const result = parsed.ok ? await getUsersPage(parsed.query) : null;

  return (
    <div className="flex flex-col gap-6">
      <header className="flex flex-col gap-1">
        <h1 className="text-2xl font-semibold tracking-tight">Users</h1>
        <p className="text-sm text-zinc-600 dark:text-zinc-400" data-testid="users-count">
          {result ? `${summary(result, q)} ` : null}Banned users can&apos;t sign in and never appear on the roster.
        </p>
      </header>
      <UsersSearchForm q={q} />
      {!parsed.ok ? (
        <p role="alert" className="rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-900 dark:bg-amber-950 dark:text-amber-100">
          {parsed.error}
        </p>
      ) : null}
      {result && q && result.total === 0 ? (
        <p className="py-8 text-center text-sm text-zinc-500 dark:text-zinc-400" data-testid="users-no-match">
          No accounts match “{q}”.
        </p>
      ) : result ? (
        <>
          {/* Past the last page (a stale link) the table would claim there are no accounts at all. */}
          {result.users.length === 0 && result.total > 0 ? (
            <p className="py-8 text-center text-sm text-zinc-500 dark:text-zinc-400">No accounts on this page.</p>
          ) : (
            <UsersTable users={result.users} currentUserId={admin.id} />
          )}
          <Pagination
            hrefFor={(page) => `/admin/users${usersQueryString(q, page)}`}
            page={result.page}
            pageCount={result.pageCount}
            total={result.total}
            noun={{ one: "account", other: "accounts" }}
            label="User list pages"
            testId="users-pagination"
          />
        </>
      ) : null}
    </div>
  );
}
