/**
 * Password hashing with bcrypt (bcryptjs: pure JavaScript, so nothing to compile or download).
 * No `server-only` import: the seed script and tests use it outside Next.
 */
import bcrypt from "bcryptjs";

/**
 * Cost 10 (2^10 rounds) is bcrypt's long-standing default and the OWASP minimum. bcryptjs is
 * pure JS and several times slower than native bcrypt: on these 2-core machines cost 10 takes
 * roughly 50–100 ms per hash, cost 12 four times that, which would make every sign-in (and every
 * test that seeds users) slow and turn the login endpoint into a cheap CPU-exhaustion target.
 */
export const BCRYPT_COST = 10;

/** bcrypt only looks at the first 72 bytes; longer passwords would be silently truncated. */
export const MAX_PASSWORD_BYTES = 72;

export async function hashPassword(password: string): Promise<string> {
  if (password.length === 0) throw new Error("Password must not be empty.");
  if (Buffer.byteLength(password, "utf8") > MAX_PASSWORD_BYTES) {
    throw new Error(`Password must be at most ${MAX_PASSWORD_BYTES} bytes (bcrypt ignores the rest).`);
  }
  return bcrypt.hash(password, BCRYPT_COST);
}

/** False (never an exception) for a wrong password or a hash that is not a bcrypt hash. */
export async function verifyPassword(password: string, passwordHash: string): Promise<boolean> {
  try {
    return await bcrypt.compare(password, passwordHash);
  } catch {
    return false;
  }
}
