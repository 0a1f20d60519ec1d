import type { ReactNode } from "react";

import { AdminFeedProvider } from "@/components/admin/admin-feed-context";
import { NavLink } from "@/components/ui/nav-link";

import { requireAdmin } from "@/lib/auth/session";
import { adminFeedChannels } from "@/lib/pusher/channel-names";

const ADMIN_LINKS = [
  { href: "/admin", label: "Roster" },
  { href: "/admin/users", label: "Users" },
  { href: "/admin/audit", label: "Audit log" },
  { href: "/admin/messages", label: "Messages" },
  { href: "/admin/inspector", label: "Inspector" },
  { href: "/admin/metrics", label: "Metrics" },
  { href: "/admin/health", label: "Backend health" },
] as const;

/**
 * Every admin page is behind this check, including ones added later. Layouts are not re-rendered
 * on client-side navigation between their pages, though, so pages keep their own requireAdmin()
 * and every API handler checks the role itself.
 */
export default async function AdminLayout({ children }: { children: ReactNode }) {
  const admin = await requireAdmin();
  return (
    <div className="flex flex-col gap-6">
      <nav aria-label="Admin" className="border-b border-zinc-200 dark:border-zinc-800">
        <ul className="-mb-px flex flex-wrap gap-x-5 gap-y-1 text-sm">
          {ADMIN_LINKS.map((link) => (
            <li key={link.href}>
              <NavLink
                href={link.href}
                exact={link.href === "/admin"}
                className="inline-block border-b-2 border-transparent pb-2 text-zinc-600 hover:border-zinc-400 hover:text-zinc-900 dark:text-zinc-400 dark:hover:text-white"
                activeClassName="border-zinc-900 font-medium text-zinc-900 dark:border-white dark:text-white"
              >
                {link.label}
              </NavLink>
            </li>
          ))}
        </ul>
      </nav>
      <AdminFeedProvider channels={adminFeedChannels(admin)}>{children}</AdminFeedProvider>
    </div>
  );
}
