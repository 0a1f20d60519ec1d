import type { Metadata } from "next";

import { RosterTable } from "@/components/admin/roster-table";
import { requireAdmin } from "@/lib/auth/session";
import { maybeReconcileRoster } from "@/lib/roster/reconcile";
import { getRoster } from "@/lib/roster/roster";

export const metadata: Metadata = { title: "Admin console" };

// Per-request data behind a session check: never prerender or cache this page.
export const dynamic = "force-dynamic";

async function loadRoster() {
  // Lazy and throttled, like the roster API: the first page view after a restart cleans up rows
  // whose webhooks were missed while the app was down.
  await maybeReconcileRoster();
  const now = new Date();
  return { users: await getRoster(now), renderedAt: now.getTime() };
}

export default async function AdminPage() {
  // First, before any private data is read: anonymous visitors and non-admins are redirected.
  const admin = await requireAdmin();
  const { users, renderedAt } = await loadRoster();

  return (
    // A <div>: the root layout already provides the page's one <main> landmark.
    <div className="flex flex-col gap-6">
      <header className="flex flex-col gap-1">
        <h1 className="text-2xl font-semibold tracking-tight">Admin console</h1>
        <p className="text-sm text-zinc-600 dark:text-zinc-400">
          Signed in as {admin.name}. Users appear here while at least one of their tabs is signed in to realtime.
        </p>
      </header>
      <RosterTable initialUsers={users} renderedAt={renderedAt} currentUserId={admin.id} />
    </div>
  );
}
