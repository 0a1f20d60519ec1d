/**
 * Shared set-up for the auth endpoint tests: a migrated temp SQLite database, the embedded
 * Pusher-protocol server on port 0 (so the SDK's HTTP calls — roster notifications, sendToUser,
 * terminate — reach something real), real next-auth JWT cookies and form-encoded requests shaped
 * like pusher-js's.
 *
 * App modules read process.env when first imported, so callers import them dynamically after
 * startAuthHarness() has set the variables. Vitest runs each file in its own process.
 */
import { vi } from "vitest";

export const APP = { appId: "auth-test-app", key: "auth-test-key", secret: "auth-test-secret-0123456789" } as const;
export const NEXTAUTH_SECRET = "auth-tests-only-secret-auth-tests-only-000001";
export const APP_URL = "http://127.0.0.1:3000";

type TestDatabase = Awaited<ReturnType<typeof import("@/tests/support/database").createTestDatabase>>;

export interface AuthHarness {
  db: TestDatabase["db"];
  realtimePort: number;
  close(): Promise<void>;
}

export async function startAuthHarness(): Promise<AuthHarness> {
  const { createTestDatabase } = await import("@/tests/support/database");
  const database = await createTestDatabase();
  const { createServer, silentLogger } = await import("@/lib/realtime-server");
  const realtime = await createServer({ ...APP, host: "127.0.0.1", port: 0, logger: silentLogger });

  const variables: Record<string, string> = {
    NODE_ENV: "test",
    DATABASE_URL: database.url,
    NEXTAUTH_SECRET,
    NEXTAUTH_URL: APP_URL,
    PUSHER_APP_ID: APP.appId,
    PUSHER_KEY: APP.key,
    PUSHER_SECRET: APP.secret,
    PUSHER_HOST: "127.0.0.1",
    PUSHER_PORT: String(realtime.port),
  };
  for (const [name, value] of Object.entries(variables)) vi.stubEnv(name, value);

  return {
    db: database.db,
    realtimePort: realtime.port,
    async close() {
      await realtime.close();
      await database.cleanup();
      vi.unstubAllEnvs();
    },
  };
}

let userSeq = 0;

export async function createUser(
  harness: AuthHarness,
  fields: { name?: string; role?: "USER" | "ADMIN"; passwordHash?: string; bannedAt?: Date | null; banReason?: string | null; banExpiresAt?: Date | null } = {},
) {
  userSeq += 1;
  const name = fields.name ?? `User ${userSeq}`;
  return harness.db.user.create({
    data: {
      name,
      email: `${name.toLowerCase().replace(/\W+/g, ".")}.${userSeq}@example.com`,
      role: fields.role ?? "USER",
      passwordHash: fields.passwordHash ?? "not-a-real-hash",
      bannedAt: fields.bannedAt ?? null,
      banReason: fields.banReason ?? null,
      banExpiresAt: fields.banExpiresAt ?? null,
    },
  });
}

export interface CookieUser {
  id: string;
  name: string;
  email: string;
  role: "USER" | "ADMIN";
  sessionVersion: number;
}

/** The next-auth session cookie the browser holds after signing in (same claims as the jwt callback). */
export async function sessionCookie(user: CookieUser, secret: string = NEXTAUTH_SECRET): Promise<string> {
  const { encode } = await import("next-auth/jwt");
  const token = await encode({
    token: { sub: user.id, id: user.id, name: user.name, email: user.email, role: user.role, sessionVersion: user.sessionVersion },
    secret,
  });
  return `next-auth.session-token=${token}`;
}

/** A POST like pusher-js's ajax auth transport sends. */
export function formRequest(path: string, fields: Record<string, string>, headers: Record<string, string> = {}): Request {
  return new Request(`${APP_URL}${path}`, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded", ...headers },
    body: new URLSearchParams(fields).toString(),
  });
}

/** Polls until `check` returns truthy. */
export async function waitFor<T>(check: () => T | Promise<T>, { timeoutMs = 5_000, message = "condition" } = {}): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${message}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
