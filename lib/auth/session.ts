import "server-only";

import { getServerSession } from "next-auth";
import { getToken } from "next-auth/jwt";
import { forbidden, redirect } from "next/navigation";
import { cache } from "react";

import { isBanned, type BanDetails } from "@/lib/auth/ban";
import { sessionCookieName } from "@/lib/auth/cookies";
import { authOptions } from "@/lib/auth/options";
import { db } from "@/lib/db/client";
import { env } from "@/lib/env";
import type { Role } from "@/lib/db/types";

/** The signed-in user as re-read from the database (never just the token's copy). */
export interface SessionUser {
  id: string;
  email: string;
  name: string;
  role: Role;
  sessionVersion: number;
}

export type SessionRejection = "unauthenticated" | "unknown-user" | "revoked" | "banned";

export type SessionCheck =
  | { ok: true; user: SessionUser }
  | { ok: false; reason: SessionRejection; ban?: BanDetails };

/** Claims the app relies on, from either a decoded JWT or a next-auth Session. */
export interface SessionClaims {
  id?: unknown;
  sessionVersion?: unknown;
}

/**
 * A JWT stays cryptographically valid until it expires, so every use is checked against the
 * database: the user must still exist, must not be banned, and the token must carry the current
 * sessionVersion (bumping it is how "sign out everywhere" and bans revoke existing tokens).
 */
export async function checkSessionClaims(claims: SessionClaims | null | undefined): Promise<SessionCheck> {
  if (!claims || typeof claims.id !== "string" || claims.id === "" || typeof claims.sessionVersion !== "number") {
    return { ok: false, reason: "unauthenticated" };
  }
  const user = await db.user.findUnique({
    where: { id: claims.id },
    select: { id: true, email: true, name: true, role: true, sessionVersion: true, bannedAt: true, banReason: true, banExpiresAt: true },
  });
  if (!user) return { ok: false, reason: "unknown-user" };
  if (isBanned(user)) {
    return { ok: false, reason: "banned", ban: { reason: user.banReason, expiresAt: user.banExpiresAt?.toISOString() ?? null } };
  }
  if (user.sessionVersion !== claims.sessionVersion) return { ok: false, reason: "revoked" };
  return { ok: true, user: { id: user.id, email: user.email, name: user.name, role: user.role, sessionVersion: user.sessionVersion } };
}

/** Human-readable reason for a rejected session, for `{ error }` bodies. */
export function describeRejection(check: Extract<SessionCheck, { ok: false }>): string {
  switch (check.reason) {
    case "unauthenticated":
      return "Not signed in.";
    case "unknown-user":
      return "The account for this session no longer exists.";
    case "revoked":
      return "This session was signed out. Sign in again.";
    case "banned":
      return check.ban?.reason ? `This account is banned: ${check.ban.reason}` : "This account is banned.";
  }
}

// ---------------------------------------------------------------------------------------------
// Pages and server components

/** Memoized per request: the layout and the page both ask, the database is read once. */
export const getCurrentSession = cache(async (): Promise<SessionCheck> => {
  const session = await getServerSession(authOptions);
  if (!session) return { ok: false, reason: "unauthenticated" };
  return checkSessionClaims({ id: session.user?.id, sessionVersion: session.sessionVersion });
});

export async function getCurrentUser(): Promise<SessionUser | null> {
  const check = await getCurrentSession();
  return check.ok ? check.user : null;
}

/**
 * For private pages: redirects to /login before anything renders. A token that exists but was
 * rejected (revoked, banned, deleted user) adds a reason so the login page can explain why.
 */
export async function requireUser(): Promise<SessionUser> {
  const check = await getCurrentSession();
  if (check.ok) return check.user;
  redirect(check.reason === "unauthenticated" ? "/login" : `/login?reason=${check.reason}`);
}

/**
 * For admin pages: anonymous visitors go to /login; signed-in non-admins get app/forbidden.tsx
 * with HTTP status 403 at the URL they asked for (Next's forbidden(), enabled by
 * experimental.authInterrupts in next.config.mjs). The admin layout calls this before anything
 * streams, so the status is a real 403, not a 200 with an error message.
 */
export async function requireAdmin(): Promise<SessionUser> {
  const user = await requireUser();
  if (user.role !== "ADMIN") forbidden();
  return user;
}

// ---------------------------------------------------------------------------------------------
// Route handlers

function parseCookieHeader(header: string | null): Record<string, string> {
  const cookies: Record<string, string> = {};
  if (!header) return cookies;
  for (const part of header.split(";")) {
    const index = part.indexOf("=");
    if (index <= 0) continue;
    const name = part.slice(0, index).trim();
    const raw = part.slice(index + 1).trim().replace(/^"(.*)"$/, "$1");
    if (name in cookies) continue;
    try {
      cookies[name] = decodeURIComponent(raw);
    } catch {
      cookies[name] = raw;
    }
  }
  return cookies;
}

/**
 * Decodes the next-auth session cookie of a plain `Request`. getToken wants a Next request object,
 * so the cookies are handed over as a record; chunked cookies (`…session-token.0`, `.1`) are
 * reassembled by next-auth. Headers are left out on purpose so that the session cookie is the
 * only accepted credential (getToken would otherwise also take an `Authorization: Bearer` JWT).
 */
export async function authenticateRequest(request: Request): Promise<SessionCheck> {
  const token = await getToken({
    req: { cookies: parseCookieHeader(request.headers.get("cookie")), headers: {} } as unknown as Parameters<typeof getToken>[0]["req"],
    secret: env.nextAuthSecret,
    // The name authOptions.cookies gives it (`__Host-` under https), not getToken's default.
    cookieName: sessionCookieName(env.nextAuthUrl),
  });
  return checkSessionClaims(token);
}

/** The request's user, or null when there is no valid session (any reason). */
export async function getSessionUserFromRequest(request: Request): Promise<SessionUser | null> {
  const check = await authenticateRequest(request);
  return check.ok ? check.user : null;
}
