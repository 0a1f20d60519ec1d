import type { Metadata } from "next";
import { GeistMono } from "geist/font/mono";
import { GeistSans } from "geist/font/sans";
import Link from "next/link";
import type { ReactNode } from "react";

import { SignOutButton } from "@/components/auth/sign-out-button";
import { RealtimeIndicator, RealtimeProvider, TerminatedBanner } from "@/components/realtime";
import { RevocationNotice } from "@/components/realtime/revocation-notice";
import { Badge } from "@/components/ui/badge";
import { ToastProvider } from "@/components/ui/toast";
import { getCurrentUser } from "@/lib/auth/session";
import { env } from "@/lib/env";
import { pusherClientConfig } from "@/lib/pusher/client-config";

import "./globals.css";

export const metadata: Metadata = {
  title: { default: "Pusher User Auth", template: "%s · Pusher User Auth" },
  description: "Reference app for Pusher Channels user authentication.",
  icons: { icon: "/favicon.svg" },
};

export default async function RootLayout({ children }: { children: ReactNode }) {
  // Root layout, not the (app) group's: the one socket per tab must survive navigating between the
  // user's pages and the admin console, which live in different route groups.
  const user = await getCurrentUser();

  const page = (
    <>
      <header className="border-b border-zinc-200 bg-white dark:border-zinc-800 dark:bg-zinc-900">
        <div className="mx-auto flex h-14 max-w-5xl items-center justify-between gap-4 px-4">
          <div className="flex items-center gap-6">
            <Link href="/" className="font-semibold tracking-tight">
              Pusher User Auth
            </Link>
            {user ? (
              <nav aria-label="Main" className="flex items-center gap-4 text-sm text-zinc-600 dark:text-zinc-300">
                <Link href="/" className="hover:text-zinc-900 dark:hover:text-white">
                  Home
                </Link>
                {user.role === "ADMIN" ? (
                  <Link href="/admin" className="hover:text-zinc-900 dark:hover:text-white">
                    Admin
                  </Link>
                ) : null}
              </nav>
            ) : null}
          </div>
          {user ? (
            <div className="flex items-center gap-3">
              <RealtimeIndicator />
              <span className="hidden text-sm sm:inline" data-testid="current-user">
                {user.name}
              </span>
              <Badge variant={user.role === "ADMIN" ? "default" : "secondary"}>{user.role === "ADMIN" ? "Admin" : "User"}</Badge>
              <SignOutButton />
            </div>
          ) : null}
        </div>
      </header>
      {user ? <RevocationNotice /> : null}
      {user ? <TerminatedBanner /> : null}
      <main className="mx-auto w-full max-w-5xl flex-1 px-4 py-8">{children}</main>
    </>
  );

  return (
    <html lang="en" className={`${GeistSans.variable} ${GeistMono.variable}`}>
      <body className="flex min-h-screen flex-col font-sans">
        <ToastProvider>
          {user ? (
            // Only the browser-safe settings cross to the client: key and host, never the secret.
            <RealtimeProvider config={pusherClientConfig(env.pusher, env.pusherPublic)}>{page}</RealtimeProvider>
          ) : (
            page
          )}
        </ToastProvider>
      </body>
    </html>
  );
}
