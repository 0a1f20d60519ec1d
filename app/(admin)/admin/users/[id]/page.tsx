import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";

import { AuditTable } from "@/components/admin/audit-table";
import { FeedRefresh } from "@/components/admin/feed-refresh";
import { MessageStatusTable } from "@/components/admin/message-status-table";
import { ConnectionsTable } from "@/components/admin/user-detail/connections-table";
import { SignInTimeline } from "@/components/admin/user-detail/sign-in-timeline";
import { UserActions } from "@/components/admin/user-detail/user-actions";
import { Badge } from "@/components/ui/badge";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { auditQueryString } from "@/lib/admin/audit-query";
import { formatExactTime } from "@/lib/format/time";
import { getUserDetail } from "@/lib/admin/user-detail";
import { requireAdmin } from "@/lib/auth/session";
import { db } from "@/lib/db/client";

// Per-request data behind a session check: never prerender or cache this page.
export const dynamic = "force-dynamic";

type Params = Promise<{ id: string }>;

export async function generateMetadata({ params }: { params: Params }): Promise<Metadata> {
  // The title names the user for admins only: anyone else gets the generic title (and a 403).
  await requireAdmin();
  const user = await db.user.findUnique({ where: { id: (await params).id }, select: { name: true } });
  // An unknown id shows the not-found page. (Its status is 200, not 404: the admin group's
  // loading.tsx streams the response before the page, or its metadata, knows.)
  if (!user) notFound();
  return { title: `${user.name} · Users` };
}

export default async function UserPage({ params }: { params: Params }) {
  // The layout checks too, but layouts don't re-run on client-side navigation; pages do.
  const admin = await requireAdmin();
  const { id } = await params;
  const detail = await getUserDetail(id);
  if (!detail) notFound();
  const { user, connections, messages, audit, auditTotal, timeline, renderedAt } = detail;

  return (
    <div className="flex flex-col gap-6" data-testid="user-detail" data-user-id={user.userId}>
      <header className="flex flex-col gap-3">
        <p className="text-sm">
          <Link href="/admin/users" className="text-zinc-700 underline-offset-2 hover:underline dark:text-zinc-300">
            ← All users
          </Link>
        </p>
        <div className="flex flex-wrap items-center gap-3">
          <h1 className="text-2xl font-semibold tracking-tight">{user.name}</h1>
          <Badge variant={user.role === "ADMIN" ? "default" : "secondary"} data-testid="user-role">
            {user.role === "ADMIN" ? "Admin" : "User"}
          </Badge>
          {user.ban ? <Badge variant="destructive">Banned</Badge> : <Badge variant="success">Active</Badge>}
        </div>
        <p className="break-all text-sm text-zinc-600 dark:text-zinc-400">
          {user.email} · account created {formatExactTime(user.createdAt, false)}
          {user.ban
            ? ` · banned: ${user.ban.reason ?? "no reason given"} (${user.ban.expiresAt ? `until ${formatExactTime(user.ban.expiresAt, false)}` : "permanent"})`
            : ""}
        </p>
        <UserActions user={user} connectionCount={connections.length} currentUserId={admin.id} />
      </header>

      <Card>
        <CardHeader>
          <CardTitle>Live connections</CardTitle>
          <CardDescription>
            {connections.length === 1 ? "1 connection" : `${connections.length} connections`}, by the roster&apos;s rule (confirmed by
            Pusher, or signed in moments ago).
          </CardDescription>
        </CardHeader>
        <CardContent>
          <ConnectionsTable connections={connections} renderedAt={renderedAt} />
        </CardContent>
      </Card>

      <Card>
        <CardHeader>
          <CardTitle>Recent messages</CardTitle>
          <CardDescription>
            The {messages.length === 1 ? "latest message" : `latest ${messages.length} messages`} to {user.name}, with receipts.
          </CardDescription>
        </CardHeader>
        <CardContent>
          <MessageStatusTable messages={messages} renderedAt={renderedAt} />
        </CardContent>
      </Card>

      <Card>
        <CardHeader>
          <CardTitle>Sign-ins and refusals</CardTitle>
          <CardDescription>Password sign-ins and refused attempts for this account, newest first.</CardDescription>
        </CardHeader>
        <CardContent>
          <SignInTimeline events={timeline} />
        </CardContent>
      </Card>

      <Card>
        <CardHeader>
          <CardTitle>Audit history</CardTitle>
          <CardDescription>
            Actions on or by {user.name}: {auditTotal === 1 ? "1 entry" : `${auditTotal} entries`}
            {auditTotal > audit.length ? (
              <>
                {", the latest shown. "}
                <Link href={`/admin/audit${auditQueryString({ target: user.userId })}`} className="underline underline-offset-2">
                  All actions on {user.name}
                </Link>
              </>
            ) : null}
            .
          </CardDescription>
        </CardHeader>
        <CardContent>
          <AuditTable rows={audit} />
        </CardContent>
      </Card>
      <FeedRefresh />
    </div>
  );
}
