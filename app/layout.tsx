import type { Metadata } from "next";
import { GeistMono } from "geist/font/mono";
import { GeistSans } from "geist/font/sans";
import Link from "next/link";
import type { ReactNode } from "react";

import { RoleChangeListener } from "@/components/auth/role-change-listener";
import { SignOutButton } from "@/components/auth/sign-out-button";
import { DisconnectionNotice, RealtimeIndicator, RealtimeProvider } from "@/components/realtime";
import { Badge } from "@/components/ui/badge";
import { NavLink } from "@/components/ui/nav-link";
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

// Every page is rendered per request: the CSP nonce proxy.ts sets is per request (Next adds it to
// its scripts while rendering), and so is the session. Nothing is prerendered by `next build`,
// which therefore needs none of the runtime environment.
export const dynamic = "force-dynamic";

export default async function RootLayout({ children }: { children: ReactNode }) {
  // Root layout, not the (app) group's: the one socket per tab must survive navigating between the
  // user's pages and the admin console, which live in different route groups.
  const user = await getCurrentUser();

  const page = (
    <>
      <header className="border-b border-zinc-200 bg-white dark:border-zinc-800 dark:bg-zinc-900">
        {/* Wraps into two rows on narrow screens instead of pushing "Sign out" off the edge. */}
        <div className="mx-auto flex min-h-14 max-w-5xl flex-wrap items-center justify-between gap-x-4 gap-y-2 px-4 py-2">
          <div className="flex items-center gap-6">
            <Link href="/" className="whitespace-nowrap font-semibold tracking-tight">
              Pusher User Auth
            </Link>
            {user ? (
              <nav aria-label="Main" className="flex items-center gap-4 text-sm text-zinc-600 dark:text-zinc-300">
                <NavLink
                  href="/"
                  exact
                  className="hover:text-zinc-900 dark:hover:text-white"
                  activeClassName="font-medium text-zinc-900 dark:text-white"
                >
                  Home
                </NavLink>
                {user.role === "ADMIN" ? (
                  <NavLink
                    href="/admin"
                    className="hover:text-zinc-900 dark:hover:text-white"
                    activeClassName="font-medium text-zinc-900 dark:text-white"
                  >
                    Admin
                  </NavLink>
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
      {user ? <DisconnectionNotice /> : null}
      {user ? <RoleChangeListener /> : null}
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
