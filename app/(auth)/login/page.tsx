import type { Metadata } from "next";
import { redirect } from "next/navigation";

import { LoginForm } from "@/components/auth/login-form";
import { Card, CardContent, CardDescription, CardHeader } from "@/components/ui/card";
import { safeCallbackPath } from "@/lib/auth/redirect";
import { getCurrentUser, type SessionRejection } from "@/lib/auth/session";
import { DEMO_ACCOUNTS } from "@/lib/db/demo-accounts";
import { env } from "@/lib/env";

export const metadata: Metadata = { title: "Sign in" };

/** Why requireUser() sent the visitor here (see lib/auth/session.ts). */
const REASON_NOTICES: Partial<Record<SessionRejection, string>> = {
  revoked: "Your session was signed out. Please sign in again.",
  "unknown-user": "The account of your previous session no longer exists.",
  banned: "Your account is banned, so your session has ended.",
};

function first(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

export default async function LoginPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const params = await searchParams;
  const callbackUrl = safeCallbackPath(first(params.callbackUrl));
  // The database-checked user, not just a decodable cookie: a revoked or banned session must be
  // able to sign in again here instead of bouncing between / and /login.
  if (await getCurrentUser()) redirect(callbackUrl);

  const reason = first(params.reason) as SessionRejection | undefined;
  const notice = reason ? (REASON_NOTICES[reason] ?? null) : null;
  const showDemoAccounts = env.nodeEnv === "development";

  return (
    <div className="mx-auto flex w-full max-w-sm flex-col gap-6 pt-8">
      <Card>
        <CardHeader>
          {/* The page's one h1 (CardTitle is an h2). */}
          <h1 className="text-xl font-semibold leading-none tracking-tight">Sign in</h1>
          <CardDescription>Use your email and password. Your browser then signs in to Pusher as you.</CardDescription>
        </CardHeader>
        <CardContent>
          <LoginForm callbackUrl={callbackUrl} notice={notice} />
        </CardContent>
      </Card>
      {showDemoAccounts ? (
        <aside
          aria-labelledby="demo-accounts-heading"
          className="rounded-lg border border-dashed border-zinc-300 p-4 text-sm text-zinc-600 dark:border-zinc-700 dark:text-zinc-400"
        >
          <h2 id="demo-accounts-heading" className="font-medium text-zinc-800 dark:text-zinc-200">
            Demo accounts (development only)
          </h2>
          <p className="mt-1">
            Password: <code className="font-mono">{env.demoPassword}</code>
          </p>
          <ul className="mt-2 flex flex-col gap-1">
            {DEMO_ACCOUNTS.map((account) => (
              <li key={account.email}>
                <code className="font-mono">{account.email}</code> — {account.role === "ADMIN" ? "admin" : "user"}
              </li>
            ))}
          </ul>
        </aside>
      ) : null}
    </div>
  );
}
