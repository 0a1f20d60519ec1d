/**
 * Password hashing with argon2id (the `argon2` package: native code, prebuilt binaries shipped in
 * its npm tarball, so nothing is compiled or downloaded at install). No `server-only` import: the
 * seed script and tests use it outside Next.
 *
 * Why native: argon2's hash and verify run on libuv's threadpool, not on the JavaScript thread, so a
 * flood of sign-ins no longer stalls every other request, and concurrent sign-ins use both cores
 * (the JS thread's work on one, argon2 on the others: MAX_CONCURRENT_PASSWORD_HASHES).
 * bcryptjs (pure JS) held the only JS thread for ~85 ms per compare; it stays only to verify hashes
 * made before the switch, and those are replaced by argon2id at the user's next successful sign-in.
 */
import { availableParallelism } from "node:os";

import * as argon2 from "argon2";
import bcrypt from "bcryptjs";

/**
 * OWASP's first recommended argon2id setting (m = 19 MiB, t = 2, p = 1). Measured on this 2-core
 * machine: ~30 ms per verify off the JS thread, 10 concurrent verifies in ~140 ms (both cores).
 * Changing these makes `passwordNeedsRehash` true for older hashes, which are upgraded at sign-in.
 */
export const ARGON2_OPTIONS = { type: argon2.argon2id, memoryCost: 19 * 1024, timeCost: 2, parallelism: 1 } as const;

/**
 * argon2 has no length limit of its own (bcrypt read only 72 bytes); this cap keeps the hashing cost
 * of one request bounded. Matches the login form's 200-character limit in UTF-8's worst case.
 */
export const MAX_PASSWORD_BYTES = 800;

const LEGACY_BCRYPT_HASH = /^\$2[aby]\$\d{2}\$/;

/**
 * At most this many argon2 hashes or verifies run at once; the rest wait their turn. Each one holds
 * a libuv threadpool thread (4 by default) at full speed for ~30 ms. With as many of them as cores
 * or more, a flood of logins takes every core from the JS thread, and every other request (the
 * admin console's roster polls, tabs' user-auth) waits behind it. One core stays the JS thread's;
 * the queue costs a waiting login nothing but time. It also bounds argon2's memory (19 MiB each).
 */
export const MAX_CONCURRENT_PASSWORD_HASHES = Math.max(1, availableParallelism() - 1);

let hashesRunning = 0;
const waitingForHash: (() => void)[] = [];

async function withHashSlot<T>(work: () => Promise<T>): Promise<T> {
  if (hashesRunning < MAX_CONCURRENT_PASSWORD_HASHES) hashesRunning++;
  else await new Promise<void>((resolve) => waitingForHash.push(resolve)); // the releaser hands its slot over
  try {
    return await work();
  } finally {
    const next = waitingForHash.shift();
    if (next) next();
    else hashesRunning--;
  }
}

/** How many argon2 operations run and wait right now (for tests and diagnostics). */
export function passwordHashingLoad(): { running: number; waiting: number } {
  return { running: hashesRunning, waiting: waitingForHash.length };
}

export async function hashPassword(password: string): Promise<string> {
  if (password.length === 0) throw new Error("Password must not be empty.");
  if (Buffer.byteLength(password, "utf8") > MAX_PASSWORD_BYTES) {
    throw new Error(`Password must be at most ${MAX_PASSWORD_BYTES} bytes.`);
  }
  return withHashSlot(() => argon2.hash(password, ARGON2_OPTIONS));
}

/** False (never an exception) for a wrong password or a hash that is neither argon2 nor bcrypt. */
export async function verifyPassword(password: string, passwordHash: string): Promise<boolean> {
  try {
    if (LEGACY_BCRYPT_HASH.test(passwordHash)) return await bcrypt.compare(password, passwordHash);
    if (!passwordHash.startsWith("$argon2")) return false;
    return await withHashSlot(() => argon2.verify(passwordHash, password));
  } catch {
    return false;
  }
}

/** True for a legacy bcrypt hash, or an argon2 hash made with other parameters than ARGON2_OPTIONS. */
export function passwordNeedsRehash(passwordHash: string): boolean {
  if (!passwordHash.startsWith("$argon2id$")) return true;
  try {
    return argon2.needsRehash(passwordHash, ARGON2_OPTIONS);
  } catch {
    return true;
  }
}
