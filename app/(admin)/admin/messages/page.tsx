import type { Metadata } from "next";

import { BroadcastForm } from "@/components/admin/broadcast-form";
import { MessageStatusTable } from "@/components/admin/message-status-table";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { requireAdmin } from "@/lib/auth/session";
import { getRecentMessages } from "@/lib/messages/queries";

export const metadata: Metadata = { title: "Messages" };

// Per-request data behind a session check: never prerender or cache this page.
export const dynamic = "force-dynamic";

async function loadMessages() {
  return { messages: await getRecentMessages(), renderedAt: Date.now() };
}

export default async function AdminMessagesPage() {
  // First, before any private data is read: anonymous visitors and non-admins are redirected.
  await requireAdmin();
  const { messages, renderedAt } = await loadMessages();

  return (
    <div className="flex flex-col gap-6">
      <header className="flex flex-col gap-1">
        <h1 className="text-2xl font-semibold tracking-tight">Messages</h1>
        <p className="text-sm text-zinc-600 dark:text-zinc-400">
          Every message is stored. Recipients&apos; browsers report delivery when it arrives and read when they open it.
        </p>
      </header>

      <Card>
        <CardHeader>
          <CardTitle>Broadcast</CardTitle>
          <CardDescription>
            One message to everyone signed in right now, or only to one role. People who are offline don&apos;t get it.
          </CardDescription>
        </CardHeader>
        <CardContent>
          <BroadcastForm />
        </CardContent>
      </Card>

      <Card>
        <CardHeader>
          <CardTitle>Recent messages</CardTitle>
        </CardHeader>
        <CardContent>
          <MessageStatusTable messages={messages} renderedAt={renderedAt} />
        </CardContent>
      </Card>
    </div>
  );
}
