/**
 * Demo accounts for a fresh database. No `server-only`: the launcher and tests call it directly.
 */
import { hashPassword } from "@/lib/auth/password";
import type { Role } from "@/lib/generated/prisma/enums";
import type { DatabaseClient } from "./create-client";
import { DEFAULT_DEMO_PASSWORD, DEMO_ACCOUNTS } from "./demo-accounts";

export function demoPasswordFromEnv(env: Record<string, string | undefined> = process.env): string {
  return env.DEMO_PASSWORD || DEFAULT_DEMO_PASSWORD;
}

export interface SeedResult {
  /** False when the database already had users (nothing was touched). */
  created: boolean;
  /** The accounts this call created (empty when `created` is false). */
  accounts: { email: string; name: string; role: Role }[];
}

/**
 * Creates the demo accounts, all with `password`, only when there are no users at all, so a
 * database someone has used is never touched. Safe to call at every start.
 */
export async function seedDemoAccounts(db: DatabaseClient, { password }: { password: string }): Promise<SeedResult> {
  if ((await db.user.count()) > 0) return { created: false, accounts: [] };
  // A hash (and so a salt) per account, as real sign-ups get: code copied from here stays correct.
  const hashes = await Promise.all(DEMO_ACCOUNTS.map(() => hashPassword(password)));
  try {
    await db.$transaction(DEMO_ACCOUNTS.map((account, i) => db.user.create({ data: { ...account, passwordHash: hashes[i]! } })));
  } catch (error) {
    // Another process (the realtime server, a second dev server) seeded at the same moment.
    // (Checked by code, not instanceof, to keep this module free of the Prisma runtime.)
    if ((error as { code?: unknown }).code === "P2002") return { created: false, accounts: [] };
    throw error;
  }
  return { created: true, accounts: DEMO_ACCOUNTS.map(({ email, name, role }) => ({ email, name, role })) };
}
