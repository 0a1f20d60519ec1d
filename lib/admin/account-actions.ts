/**
 * Account controls' shared contracts: the `account-revoked` event the user's tab receives, and the
 * users list's wire shape (the ban form's schema is in lib/validation/ban.ts). No server imports, so
 * client components can use all of it.
 */

import { isBanned, type BanFields } from "@/lib/auth/ban-status";
import { formatExactTime } from "@/lib/format/time";

/** What `pusher.user.bind(UserEvents.accountRevoked, …)` receives, just before the socket is closed. */
export interface AccountRevokedPayload {
  reason: "signed-out" | "banned";
  message: string;
}

export const SIGNED_OUT_EVERYWHERE_MESSAGE = "An administrator signed you out on all devices.";

/** "Your account was banned: spamming (until 2030-01-31 12:00:00 UTC)". UTC: the server writes it. */
export function bannedMessage(reason: string, expiresAt: Date | null): string {
  const until = expiresAt ? ` (until ${formatExactTime(expiresAt.toISOString(), false)})` : "";
  return `Your account was banned: ${reason}${until}`;
}

/** Server payloads are trusted but not blindly: anything malformed is ignored instead of crashing the UI. */
export function parseAccountRevoked(data: unknown): AccountRevokedPayload | null {
  if (!data || typeof data !== "object") return null;
  const { reason, message } = data as Record<string, unknown>;
  if ((reason !== "signed-out" && reason !== "banned") || typeof message !== "string" || message === "") return null;
  return { reason, message };
}

/** One row of /admin/users. Dates are ISO 8601 strings so the list crosses to client components. */
export interface UserListEntry {
  userId: string;
  name: string;
  email: string;
  role: "USER" | "ADMIN";
  createdAt: string;
  /** Only while the ban is in force: an expired ban shows as Active. */
  ban: { reason: string | null; bannedAt: string; expiresAt: string | null } | null;
}

export function toUserListEntry(
  user: BanFields & { id: string; name: string; email: string; role: "USER" | "ADMIN"; createdAt: Date },
  now: Date = new Date(),
): UserListEntry {
  return {
    userId: user.id,
    name: user.name,
    email: user.email,
    role: user.role,
    createdAt: user.createdAt.toISOString(),
    ban:
      user.bannedAt && isBanned(user, now)
        ? { reason: user.banReason, bannedAt: user.bannedAt.toISOString(), expiresAt: user.banExpiresAt?.toISOString() ?? null }
        : null,
  };
}

/** The account-control endpoints, by action, for the dialogs that call them. */
export function accountActionPath(userId: string, action: "kick" | "ban" | "unban" | "sign-out-everywhere" | "role"): string {
  return `/api/admin/users/${encodeURIComponent(userId)}/${action}`;
}

/** The admin page about one user (/admin/users/[id]): where a click on a roster, users or audit row goes. */
export function userPagePath(userId: string): string {
  return `/admin/users/${encodeURIComponent(userId)}`;
}
