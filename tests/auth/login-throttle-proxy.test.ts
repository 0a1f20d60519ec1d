/**
 * TRUST_PROXY_HOPS=1: the app sits behind one reverse proxy, so the client is the X-Forwarded-For
 * entry that proxy appended (second from the right once the socket peer is appended). Here the
 * test plays the proxy: it sends "<whatever the client claimed>, <client>" from 127.0.0.1.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";

import { decodeThrottleError } from "@/lib/auth/login-throttle-message";
import { createUser, startHarness, type Harness } from "@/tests/support/app-harness";
import { startSignInServer, type SignInServer } from "@/tests/auth/support/sign-in-server";

const PASSWORD = "correct horse battery staple";
let harness: Harness;
let server: SignInServer;
let passwordHash: string;

beforeAll(async () => {
  harness = await startHarness({ webhooks: false });
  vi.stubEnv("TRUST_PROXY_HOPS", "1");
  const { authOptions } = await import("@/lib/auth/nextauth-options");
  server = await startSignInServer(authOptions);
  passwordHash = await (await import("@/lib/auth/password")).hashPassword(PASSWORD);
});

afterAll(async () => {
  await server?.close();
  await harness?.close();
});

beforeEach(async () => {
  await harness.db.loginThrottle.deleteMany();
});

const viaProxy = (client: string, claimed?: string) => ({ "X-Forwarded-For": claimed ? `${claimed}, ${client}` : client });
const wrong = (email: string, headers: Record<string, string>) => server.signIn({ email, password: "not the password" }, headers);

describe("behind one trusted proxy", () => {
  it("counts per forwarded client: one client's lockout leaves another's sign-in alone", async () => {
    const alice = await createUser(harness, { name: "Alice", passwordHash });
    for (let i = 1; i <= 19; i++) {
      // What the client itself put in the header (left of the proxy's entry) is rotated and ignored.
      expect(await wrong(`spray-${i}@example.com`, viaProxy("198.51.100.7", `6.6.6.${i}`))).toMatchObject({ error: "CredentialsSignin" });
    }
    expect(decodeThrottleError((await wrong("spray-20@example.com", viaProxy("198.51.100.7", "6.6.6.20"))).error)).not.toBeNull();
    expect(
      decodeThrottleError((await server.signIn({ email: alice.email, password: PASSWORD }, viaProxy("198.51.100.7"))).error),
    ).not.toBeNull();

    const other = await server.signIn({ email: alice.email, password: PASSWORD }, viaProxy("198.51.100.8"));
    expect(other.error).toBeNull();
    expect(other.sessionCookie).not.toBeNull();
  });

  it("still throttles per account across forwarded clients", async () => {
    const bob = await createUser(harness, { name: "Bob", passwordHash });
    for (let i = 1; i <= 4; i++) expect(await wrong(bob.email, viaProxy(`203.0.113.${i}`))).toMatchObject({ error: "CredentialsSignin" });
    expect(decodeThrottleError((await wrong(bob.email, viaProxy("203.0.113.5"))).error)).not.toBeNull();
  });
});
