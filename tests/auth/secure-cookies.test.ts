/**
 * Under an https NEXTAUTH_URL, next-auth's real handler sets `__Host-` session and CSRF cookies
 * (Secure, Path=/, no Domain), and authenticateRequest reads exactly that cookie: not the
 * unprefixed one (which plain http could set) nor next-auth's default `__Secure-` one (which a
 * sibling subdomain could plant with Domain=).
 */
import NextAuth from "next-auth";
import { encode } from "next-auth/jwt";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";

import { createUser, NEXTAUTH_SECRET, startHarness, type Harness } from "@/tests/support/app-harness";

const APP_URL = "https://chat.example.com";
const PASSWORD = "correct horse battery staple";

let harness: Harness;
let authOptions: typeof import("@/lib/auth/nextauth-options").authOptions;
let session: typeof import("@/lib/auth/session");

beforeAll(async () => {
  harness = await startHarness({ webhooks: false });
  // Before any app module reads the environment (it is parsed on first use).
  vi.stubEnv("NEXTAUTH_URL", APP_URL);
  ({ authOptions } = await import("@/lib/auth/nextauth-options"));
  session = await import("@/lib/auth/session");
});

afterAll(async () => {
  await harness?.close();
});

interface Captured {
  status: number;
  body: unknown;
  setCookies: string[];
}

/** next-auth's own handler, driven through its Node (req, res) interface: no Next server needed. */
async function nextAuth(
  action: string[],
  init: { method: "GET" | "POST"; cookies?: Record<string, string>; body?: Record<string, string> },
): Promise<Captured> {
  const captured: Captured = { status: 200, body: undefined, setCookies: [] };
  const headerStore = new Map<string, unknown>();
  const res = {
    status(code: number) {
      captured.status = code;
      return res;
    },
    setHeader(name: string, value: unknown) {
      headerStore.set(name.toLowerCase(), value);
      if (name.toLowerCase() === "set-cookie") captured.setCookies = value as string[];
      return res;
    },
    getHeader: (name: string) => headerStore.get(name.toLowerCase()),
    send: (body: unknown) => void (captured.body = body),
    json: (body: unknown) => void (captured.body = body),
    end: () => undefined,
  };
  const req = {
    query: { nextauth: action },
    method: init.method,
    headers: { host: "chat.example.com", "content-type": "application/x-www-form-urlencoded", "x-forwarded-for": "203.0.113.7" },
    cookies: init.cookies ?? {},
    body: init.body ?? {},
  };
  await (NextAuth as unknown as (req: unknown, res: unknown, options: unknown) => Promise<void>)(req, res, authOptions);
  return captured;
}

function cookieNamed(setCookies: string[], name: string): { value: string; attributes: string[] } {
  const header = setCookies.find((cookie) => cookie.startsWith(`${name}=`));
  if (!header) throw new Error(`no ${name} cookie in ${JSON.stringify(setCookies)}`);
  const [pair, ...attributes] = header.split(/;\s*/);
  return { value: decodeURIComponent(pair!.slice(name.length + 1)), attributes: attributes.map((a) => a.toLowerCase()) };
}

function requestWithCookie(cookie: string): Request {
  return new Request(`${APP_URL}/pusher/user-auth`, { method: "POST", headers: { cookie } });
}

describe("session cookies under https", () => {
  it("next-auth signs in with __Host- cookies, and authenticateRequest reads the same cookie", async () => {
    const { hashPassword } = await import("@/lib/auth/password");
    const alice = await createUser(harness, { name: "Alice", passwordHash: await hashPassword(PASSWORD) });

    const csrf = await nextAuth(["csrf"], { method: "GET" });
    const csrfCookie = cookieNamed(csrf.setCookies, "__Host-next-auth.csrf-token");
    expect(csrfCookie.attributes).toEqual(expect.arrayContaining(["path=/", "httponly", "secure", "samesite=lax"]));
    expect(csrfCookie.attributes.some((a) => a.startsWith("domain="))).toBe(false);

    const signIn = await nextAuth(["callback", "credentials"], {
      method: "POST",
      cookies: { "__Host-next-auth.csrf-token": csrfCookie.value },
      body: { csrfToken: (csrf.body as { csrfToken: string }).csrfToken, email: alice.email, password: PASSWORD, json: "true" },
    });
    const sessionToken = cookieNamed(signIn.setCookies, "__Host-next-auth.session-token");
    expect(sessionToken.attributes).toEqual(expect.arrayContaining(["path=/", "httponly", "secure", "samesite=lax"]));
    expect(sessionToken.attributes.some((a) => a.startsWith("domain="))).toBe(false);

    const check = await session.authenticateRequest(requestWithCookie(`__Host-next-auth.session-token=${sessionToken.value}`));
    expect(check).toMatchObject({ ok: true, user: { id: alice.id } });
  });

  it("a valid token under the unprefixed or __Secure- name is not a session", async () => {
    const bob = await createUser(harness, { name: "Bob" });
    const token = await encode({
      token: { sub: bob.id, id: bob.id, name: bob.name, email: bob.email, role: bob.role, sessionVersion: bob.sessionVersion },
      secret: NEXTAUTH_SECRET,
    });
    expect(await session.authenticateRequest(requestWithCookie(`__Host-next-auth.session-token=${token}`))).toMatchObject({ ok: true });
    for (const name of ["next-auth.session-token", "__Secure-next-auth.session-token"]) {
      expect(await session.authenticateRequest(requestWithCookie(`${name}=${token}`))).toEqual({ ok: false, reason: "unauthenticated" });
    }
  });

  it("authOptions states it explicitly", () => {
    expect(authOptions.useSecureCookies).toBe(true);
    expect(authOptions.cookies?.sessionToken).toEqual({
      name: "__Host-next-auth.session-token",
      options: { httpOnly: true, sameSite: "lax", path: "/", secure: true },
    });
  });
});
