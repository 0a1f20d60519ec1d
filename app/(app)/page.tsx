import type { Metadata } from "next";
import Link from "next/link";

import { Inbox } from "@/components/inbox";
import { RealtimeStatusLine } from "@/components/realtime";
import { Badge } from "@/components/ui/badge";
import { buttonClassName } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { requireUser } from "@/lib/auth/session";
import { getInbox } from "@/lib/messages/queries";

export const metadata: Metadata = { title: "Home" };

export default async function HomePage() {
  // Also checked here, not only in the layout: Next renders a page in parallel with its layouts,
  // so a layout redirect alone would not stop this page's own server code from running.
  const user = await requireUser();
  const isAdmin = user.role === "ADMIN";
  const inbox = await getInbox(user.id);

  return (
    <div className="flex flex-col gap-6">
      <section className="flex flex-wrap items-center justify-between gap-4">
        <div>
          <h1 className="text-2xl font-semibold tracking-tight">Hello, {user.name}</h1>
          <p className="mt-1 flex items-center gap-2 text-sm text-zinc-600 dark:text-zinc-400">
            Signed in as {user.email} <Badge variant={isAdmin ? "default" : "secondary"}>{isAdmin ? "Admin" : "User"}</Badge>
          </p>
        </div>
        {isAdmin ? (
          <Link href="/admin" className={buttonClassName()}>
            Open the admin console
          </Link>
        ) : null}
      </section>

      <Card>
        <CardHeader>
          <CardTitle>Realtime connection</CardTitle>
          <CardDescription>
            This tab keeps one Pusher connection and signs it in as you with <code className="font-mono">pusher.signin()</code>. Messages
            sent to you reach every tab where you are signed in.
          </CardDescription>
        </CardHeader>
        <CardContent>
          <RealtimeStatusLine />
        </CardContent>
      </Card>

      <Inbox initial={inbox} />
    </div>
  );
}
