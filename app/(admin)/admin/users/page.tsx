import type { Metadata } from "next";

import { UsersTable } from "@/components/admin/users-table";
import { toUserListEntry } from "@/lib/admin/users";
import { requireAdmin } from "@/lib/auth/session";
import { db } from "@/lib/db/client";

export const metadata: Metadata = { title: "Users" };

// Per-request data behind a session check: never prerender or cache this page.
export const dynamic = "force-dynamic";

export default async function UsersPage() {
  // The layout checks too, but layouts don't re-run on client-side navigation; pages do.
  const admin = await requireAdmin();
  const now = new Date();
  const rows = await db.user.findMany({
    select: { id: true, name: true, email: true, role: true, createdAt: true, bannedAt: true, banReason: true, banExpiresAt: true },
    orderBy: [{ name: "asc" }, { email: "asc" }],
  });
  const users = rows.map((row) => toUserListEntry(row, now));
  const banned = users.filter((user) => user.ban).length;

  return (
    <div className="flex flex-col gap-6">
      <header className="flex flex-col gap-1">
        <h1 className="text-2xl font-semibold tracking-tight">Users</h1>
        <p className="text-sm text-zinc-600 dark:text-zinc-400" data-testid="users-count">
          {users.length === 1 ? "1 account" : `${users.length} accounts`}, {banned} banned. Banned users can&apos;t sign in and never appear on the roster.
        </p>
      </header>
      <UsersTable users={users} currentUserId={admin.id} />
    </div>
  );
}
