import "server-only";

import { getServerSession } from "next-auth";
import { getToken, type JWT } from "next-auth/jwt";
import { forbidden, redirect } from "next/navigation";
import { cache } from "react";

import { isBanned, type BanDetails } from "@/lib/auth/ban-status";
import { sessionCookieName } from "@/lib/auth/cookies";
import { authOptions } from "@/lib/auth/nextauth-options";
import { db } from "@/lib/db/client";
import { env } from "@/lib/env";
import type { Role } from "@/lib/db/model-types";

/** The signed-in user as re-read from the database (never just the token's copy). */
export interface SessionUser {
  id: string;
  email: string;
  name: string;
  role: Role;
  sessionVersion: number;
}

export type SessionRejection = "unauthenticated" | "unknown-user" | "revoked" | "banned";

export type SessionCheck = { ok: true; user: SessionUser } | { ok: false; reason: SessionRejection; ban?: BanDetails };

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
  if (!hasSessionClaims(claims)) return { ok: false, reason: "unauthenticated" };
  const user = await db.user.findUnique({ where: { id: claims.id }, select: SESSION_USER_SELECT });
  return checkLoadedSessionUser(user, claims);
}

/** The columns checkLoadedSessionUser needs, for callers that load the user in a query of their own. */
export const SESSION_USER_SELECT = {
  id: true,
  email: true,
  name: true,
  role: true,
  sessionVersion: true,
  bannedAt: true,
  banReason: true,
  banExpiresAt: true,
} as const;

export interface SessionUserRow {
  id: string;
  email: string;
  name: string;
  role: Role;
  sessionVersion: number;
  bannedAt: Date | null;
  banReason: string | null;
  banExpiresAt: Date | null;
}

function hasSessionClaims(claims: SessionClaims | null | undefined): claims is { id: string; sessionVersion: number } {
  return !!claims && typeof claims.id === "string" && claims.id !== "" && typeof claims.sessionVersion === "number";
}

/**
 * checkSessionClaims' verdict for a user row already read (null: no such user), so a route that
 * needs another row joined to the user (the connection channel's) makes one query instead of two.
 */
export function checkLoadedSessionUser(user: SessionUserRow | null, claims: SessionClaims | null | undefined): SessionCheck {
  if (!hasSessionClaims(claims)) return { ok: false, reason: "unauthenticated" };
  if (!user || user.id !== claims.id) return { ok: false, reason: "unknown-user" };
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
    const raw = part
      .slice(index + 1)
      .trim()
      .replace(/^"(.*)"$/, "$1");
    if (name in cookies) continue;
    try {
      cookies[name] = decodeURIComponent(raw);
    } catch {
      cookies[name] = raw;
    }
  }
  return cookies;
}

type DecodedToken = JWT | null;

/**
 * Recently decoded session tokens, by cookie value. A tab's sign-in posts the same cookie to
 * /pusher/user-auth and /pusher/auth within milliseconds, and decoding is a JWE decryption with a
 * fresh HKDF key derivation each time. Only what decoding would return again is kept: successfully
 * decoded tokens (a garbage cookie never takes a slot), until their own `exp`, at most
 * DECODED_TOKEN_CACHE_SIZE of them, least recently used out first. It saves the decoding only:
 * every request still checks the claims against the database (checkSessionClaims), so revocation
 * and bans take effect exactly as before.
 */
export const DECODED_TOKEN_CACHE_SIZE = 5_000;
const DECODED_TOKEN_MAX_AGE_MS = 5 * 60_000;
const decodedTokens = new Map<string, { token: NonNullable<DecodedToken>; until: number }>();

function cachedToken(key: string, now: number): DecodedToken | undefined {
  const entry = decodedTokens.get(key);
  if (!entry) return undefined;
  decodedTokens.delete(key);
  if (entry.until <= now) return undefined;
  decodedTokens.set(key, entry);
  return entry.token;
}

function rememberToken(key: string, token: NonNullable<DecodedToken>, now: number): void {
  const exp = typeof token.exp === "number" ? token.exp * 1000 : now;
  const until = Math.min(exp, now + DECODED_TOKEN_MAX_AGE_MS);
  if (until <= now) return;
  decodedTokens.set(key, { token, until });
  if (decodedTokens.size > DECODED_TOKEN_CACHE_SIZE) decodedTokens.delete(decodedTokens.keys().next().value!);
}

/** The session cookie's value, chunks (`name.0`, `name.1`, …) joined in order; "" when absent. */
function sessionCookieValue(cookies: Record<string, string>, cookieName: string): string {
  if (cookies[cookieName]) return cookies[cookieName];
  const chunks = Object.keys(cookies)
    .filter((name) => name.startsWith(`${cookieName}.`))
    .sort((a, b) => Number(a.slice(cookieName.length + 1)) - Number(b.slice(cookieName.length + 1)));
  return chunks.map((name) => cookies[name]).join("");
}

/**
 * Decodes the next-auth session cookie of a plain `Request`. getToken wants a Next request object,
 * so the cookies are handed over as a record; chunked cookies (`…session-token.0`, `.1`) are
 * reassembled by next-auth. Headers are left out on purpose so that the session cookie is the
 * only accepted credential (getToken would otherwise also take an `Authorization: Bearer` JWT).
 */
export async function authenticateRequest(request: Request): Promise<SessionCheck> {
  return checkSessionClaims(await decodeSessionCookie(request));
}

/**
 * The request's session token claims, decoded but NOT yet checked against the database: callers
 * must pass them to checkSessionClaims or checkLoadedSessionUser before trusting them.
 */
export async function decodeSessionCookie(request: Request): Promise<DecodedToken> {
  const cookies = parseCookieHeader(request.headers.get("cookie"));
  // The name authOptions.cookies gives it (`__Host-` under https), not getToken's default.
  const cookieName = sessionCookieName(env.nextAuthUrl);
  const key = sessionCookieValue(cookies, cookieName);
  if (key === "") return null;
  const now = Date.now();
  let token = cachedToken(key, now);
  if (token === undefined) {
    token = await getToken({
      req: { cookies, headers: {} } as unknown as Parameters<typeof getToken>[0]["req"],
      secret: env.nextAuthSecret,
      cookieName,
    });
    if (token) rememberToken(key, token, now);
  }
  return token;
}
