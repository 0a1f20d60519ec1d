import "server-only";

import type { User as SessionUser } from "next-auth";

import { BANNED_ERROR_PREFIX, encodeBanError, isBanned } from "@/lib/auth/ban-status";
import { clientAddress } from "@/lib/auth/client-address";
import { loginThrottleKeys, recordLoginFailure, recordLoginSuccess, reserveLoginAttempt } from "@/lib/auth/login-throttle";
import { encodeThrottleError, THROTTLED_ERROR_PREFIX } from "@/lib/auth/login-throttle-message";
import { hashPassword, passwordNeedsRehash, verifyPassword } from "@/lib/auth/password";
import { SIGNIN_FAILED_ERROR, SIGNIN_UNAVAILABLE_ERROR } from "@/lib/auth/signin-unavailable";
import { db } from "@/lib/db/client";
import type { DatabaseClient } from "@/lib/db/model-types";
import { isDatabaseUnavailable } from "@/lib/db/unavailable";
import { env } from "@/lib/env";
import { noteRefusedSignIn, noteSignIn } from "@/lib/metrics/metric-events";
import { loginSchema } from "@/lib/validation/auth";

let dummyHash: Promise<string> | undefined;

/**
 * Verifying against a throwaway hash (same algorithm and parameters as real ones) when the email is
 * unknown makes "no such user" take as long as "wrong password", so response times don't reveal
 * which emails have accounts.
 */
async function verifyAgainstDummy(password: string): Promise<false> {
  dummyHash ??= hashPassword("not-the-password-of-any-account");
  await verifyPassword(password, await dummyHash);
  return false;
}

/**
 * Replaces a legacy (bcrypt) or outdated argon2 hash once the password is known to be right. Only
 * if the stored hash is still the one just verified, so a password change in between wins.
 */
async function upgradeHash(database: DatabaseClient, userId: string, oldHash: string, password: string): Promise<void> {
  if (!passwordNeedsRehash(oldHash)) return;
  try {
    const newHash = await hashPassword(password);
    await database.user.updateMany({ where: { id: userId, passwordHash: oldHash }, data: { passwordHash: newHash } });
  } catch (error) {
    // The sign-in itself is valid; the next one tries again.
    console.error(`[auth] could not upgrade the password hash of user ${userId}: ${(error as Error).message}`);
  }
}

export interface AuthorizeDependencies {
  db: DatabaseClient;
  trustProxyHops: number;
  now?: () => Date;
}

/**
 * The Credentials provider's `authorize`. `headers` is next-auth's `req.headers`: in the App Router
 * `Object.fromEntries(await headers())` of the sign-in POST. Returns the session user, or null
 * (next-auth: "CredentialsSignin", the same for an unknown email and a wrong password); throws an
 * encoded error for a throttled attempt (any email, known or not) and for a banned account.
 */
export async function authorizeCredentials(
  credentials: Record<string, unknown> | undefined,
  headers: Record<string, string | string[] | undefined> | undefined,
  deps: AuthorizeDependencies = { db, trustProxyHops: env.trustProxyHops },
): Promise<SessionUser | null> {
  try {
    return await checkCredentials(credentials, headers, deps);
  } catch (error) {
    // next-auth sends a thrown error's message to the browser (the `error` of the sign-in answer
    // and URL). Only our encoded ban/throttle errors may travel; a database outage becomes its
    // own code (the form says to try again shortly, not "wrong password"), anything else a
    // generic one. Prisma's text ("Invalid `prisma.user.findUnique()` invocation … Can't reach
    // database server at host:port") never leaves the server.
    if (error instanceof Error && (error.message.startsWith(BANNED_ERROR_PREFIX) || error.message.startsWith(THROTTLED_ERROR_PREFIX)))
      throw error;
    if (isDatabaseUnavailable(error)) {
      console.error(`[auth] sign-in refused: the database is unavailable (${(error as { code?: string }).code ?? "no code"})`);
      throw new Error(SIGNIN_UNAVAILABLE_ERROR);
    }
    console.error(`[auth] sign-in failed: ${error instanceof Error ? error.name : typeof error}`);
    throw new Error(SIGNIN_FAILED_ERROR);
  }
}

async function checkCredentials(
  credentials: Record<string, unknown> | undefined,
  headers: Record<string, string | string[] | undefined> | undefined,
  deps: AuthorizeDependencies,
): Promise<SessionUser | null> {
  const parsed = loginSchema.safeParse(credentials ?? {});
  if (!parsed.success) return null;
  const { email, password } = parsed.data;
  const database = deps.db;
  const now = deps.now ?? (() => new Date());

  // Counted before any hashing: a refused attempt costs two small queries and no CPU.
  const reservation = await reserveLoginAttempt(
    database,
    loginThrottleKeys(email, clientAddress(headers ?? {}, deps.trustProxyHops)),
    now(),
  );
  if (!reservation.ok) noteRefusedSignIn(null, "throttled");
  if (!reservation.ok) throw new Error(encodeThrottleError(reservation.retryAt));

  const user = await database.user.findUnique({ where: { email } });
  const passwordOk = user ? await verifyPassword(password, user.passwordHash) : await verifyAgainstDummy(password);
  if (!user || !passwordOk) {
    noteRefusedSignIn(user?.id ?? null, "Wrong password");
    const lockedUntil = await recordLoginFailure(database, reservation, now());
    // The failure that reaches the limit already says so, instead of one more "Invalid email or password."
    if (lockedUntil) throw new Error(encodeThrottleError(lockedUntil));
    return null;
  }

  await recordLoginSuccess(database, reservation);
  // Only after the password matched: telling a stranger that an account is banned would leak
  // that it exists.
  if (isBanned(user)) noteRefusedSignIn(user.id, "Refused: the account is banned");
  if (isBanned(user)) throw new Error(encodeBanError(user));

  await upgradeHash(database, user.id, user.passwordHash, password);
  noteSignIn(user.id);
  return { id: user.id, email: user.email, name: user.name, role: user.role, sessionVersion: user.sessionVersion };
}
