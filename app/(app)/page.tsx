import type { Metadata } from "next";
import Link from "next/link";

import { ReceivedMessages, RealtimeStatusLine } from "@/components/realtime";
import { Badge } from "@/components/ui/badge";
import { buttonClassName } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { requireUser } from "@/lib/auth/session";

export const metadata: Metadata = { title: "Home" };

export default async function HomePage() {
  // Also checked here, not only in the layout: Next renders a page in parallel with its layouts,
  // so a layout redirect alone would not stop this page's own server code from running.
  const user = await requireUser();
  const isAdmin = user.role === "ADMIN";

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
            This tab keeps one Pusher connection and signs it in as you with <code className="font-mono">pusher.signin()</code>. Messages sent to you
            reach every tab where you are signed in.
          </CardDescription>
        </CardHeader>
        <CardContent>
          <RealtimeStatusLine />
        </CardContent>
      </Card>

      <Card>
        <CardHeader>
          <CardTitle>Received messages</CardTitle>
          <CardDescription>Delivered live to your signed-in connections.</CardDescription>
        </CardHeader>
        <CardContent>
          <ReceivedMessages />
        </CardContent>
      </Card>
    </div>
  );
}
