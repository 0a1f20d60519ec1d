import type { Metadata } from "next";

import { BackendHealth } from "@/components/admin/health/backend-health";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { requireAdmin } from "@/lib/auth/session";
import { backendHealthTarget } from "@/lib/doctor/admin-health";

export const metadata: Metadata = { title: "Backend health" };

// Behind a session check and about the live configuration: never prerender or cache.
export const dynamic = "force-dynamic";

export default async function BackendHealthPage() {
  await requireAdmin();
  return (
    <div className="flex flex-col gap-6">
      <header className="flex flex-col gap-1">
        <h1 className="text-2xl font-semibold tracking-tight">Backend health</h1>
        <p className="text-sm text-zinc-600 dark:text-zinc-400">
          Checks the realtime backend this app instance is configured for, from the app&apos;s side, and says what to change. The same
          checks as <code>npm run doctor</code>.
        </p>
      </header>
      <Card>
        <CardHeader>
          <CardTitle>Checks</CardTitle>
          <CardDescription data-testid="health-target">{backendHealthTarget()}</CardDescription>
        </CardHeader>
        <CardContent>
          <BackendHealth />
        </CardContent>
      </Card>
    </div>
  );
}
