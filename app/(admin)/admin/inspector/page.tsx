import type { Metadata } from "next";

import { LiveInspector } from "@/components/admin/inspector/live-inspector";
import { requireAdmin } from "@/lib/auth/session";

export const metadata: Metadata = { title: "Live inspector" };

// Behind a session check: never prerender or cache this page.
export const dynamic = "force-dynamic";

export default async function InspectorPage() {
  // First: anonymous visitors and non-admins are redirected before anything renders.
  await requireAdmin();

  return (
    <div className="flex flex-col gap-6">
      <header className="flex flex-col gap-1">
        <h1 className="text-2xl font-semibold tracking-tight">Live inspector</h1>
        <p className="text-sm text-zinc-600 dark:text-zinc-400">
          What the app sees as it happens: sign-ins and refusals, connections confirmed and closed, every webhook with its signature
          verdict, messages and admin actions. Nothing here is stored; lines from before this page opened are not shown.
        </p>
      </header>
      <LiveInspector />
    </div>
  );
}
