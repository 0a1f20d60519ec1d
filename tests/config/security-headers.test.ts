/**
 * Security headers (issue 8, item 8): the CSP per realtime backend, HSTS only under https, and the
 * real proxy.ts putting a fresh nonce on every response and on the request Next renders from.
 */
import { NextRequest } from "next/server";
import { afterEach, describe, expect, it, vi } from "vitest";

import { parseEnv } from "@/lib/config/env-schema";
import { pusherClientConfig } from "@/lib/pusher/client-config";
import { contentSecurityPolicy, HSTS_VALUE, securityHeaders } from "@/lib/security/headers";

const SECRET = "headers-test-secret-headers-test-0001";

function directives(policy: string): Record<string, string[]> {
  return Object.fromEntries(
    policy.split(";").map((part) => {
      const [name, ...values] = part.trim().split(/\s+/);
      return [name!, values];
    }),
  );
}

function headersFor(source: Record<string, string>, { development = false, nonce = "bm9uY2U=" } = {}) {
  const env = parseEnv({ NEXTAUTH_SECRET: SECRET, ...source });
  return securityHeaders({ nonce, development, appUrl: env.nextAuthUrl, realtime: pusherClientConfig(env.pusher, env.pusherPublic) });
}

describe("Content-Security-Policy", () => {
  it("allows only nonced scripts, and the embedded server's WebSocket the browser uses", () => {
    const csp = directives(headersFor({})["Content-Security-Policy"]!);
    expect(csp["script-src"]).toEqual(["'self'", "'nonce-bm9uY2U='", "'strict-dynamic'"]);
    expect(csp["style-src"]).toEqual(["'self'", "'nonce-bm9uY2U='"]);
    expect(csp["connect-src"]).toEqual(["'self'", "ws://127.0.0.1:6001", "wss://127.0.0.1:6001"]);
    expect(csp["img-src"]).toEqual(["'self'", "data:"]);
    expect(csp["frame-ancestors"]).toEqual(["'none'"]);
    expect(csp["object-src"]).toEqual(["'none'"]);
    expect(csp["base-uri"]).toEqual(["'self'"]);
    expect(csp["form-action"]).toEqual(["'self'"]);
    expect(csp["default-src"]).toEqual(["'self'"]);
    expect(csp).not.toHaveProperty("upgrade-insecure-requests");
  });

  it("hosted Pusher: wss to the cluster's host only", () => {
    const csp = directives(
      headersFor({
        NEXTAUTH_URL: "https://chat.example.com",
        PUSHER_APP_ID: "1",
        PUSHER_KEY: "k",
        PUSHER_SECRET: "s",
        PUSHER_CLUSTER: "eu",
      })["Content-Security-Policy"]!,
    );
    expect(csp["connect-src"]).toEqual(["'self'", "wss://ws-eu.pusher.com"]);
    expect(csp).toHaveProperty("upgrade-insecure-requests");
  });

  it("self-hosted: the public host/port browsers reach, wss only with TLS", () => {
    const selfHosted = { PUSHER_APP_ID: "1", PUSHER_KEY: "k", PUSHER_SECRET: "s", PUSHER_HOST: "soketi.internal", PUSHER_PORT: "6001" };
    const plain = directives(headersFor(selfHosted)["Content-Security-Policy"]!);
    expect(plain["connect-src"]).toEqual(["'self'", "ws://soketi.internal:6001", "wss://soketi.internal:6001"]);
    const behindTls = directives(
      headersFor({ ...selfHosted, PUSHER_USE_TLS: "true", PUSHER_PUBLIC_HOST: "ws.example.com", PUSHER_PUBLIC_PORT: "443" })[
        "Content-Security-Policy"
      ]!,
    );
    expect(behindTls["connect-src"]).toEqual(["'self'", "wss://ws.example.com:443"]);
  });

  it("relaxes only in development: eval for React's debugging, inline dev styles", () => {
    const csp = directives(headersFor({}, { development: true })["Content-Security-Policy"]!);
    expect(csp["script-src"]).toEqual(["'self'", "'nonce-bm9uY2U='", "'strict-dynamic'", "'unsafe-eval'"]);
    expect(csp["style-src"]).toEqual(["'self'", "'unsafe-inline'"]);
    expect(csp["frame-ancestors"]).toEqual(["'none'"]);
  });

  it("brackets an IPv6 WebSocket host", () => {
    const policy = contentSecurityPolicy({
      nonce: "n",
      development: false,
      appUrl: "http://localhost:3000",
      realtime: { key: "k", cluster: "", wsHost: "::1", wsPort: 6001, wssPort: 6001, forceTLS: false },
    });
    expect(directives(policy)["connect-src"]).toEqual(["'self'", "ws://[::1]:6001", "wss://[::1]:6001"]);
  });
});

describe("the other headers", () => {
  it("nosniff, referrer policy and frame denial everywhere; HSTS only when NEXTAUTH_URL is https", () => {
    const http = headersFor({ NEXTAUTH_URL: "http://localhost:3000" });
    expect(http).toMatchObject({
      "X-Content-Type-Options": "nosniff",
      "Referrer-Policy": "strict-origin-when-cross-origin",
      "X-Frame-Options": "DENY",
    });
    expect(http).not.toHaveProperty("Strict-Transport-Security");
    const https = headersFor({ NEXTAUTH_URL: "https://chat.example.com" });
    expect(https["Strict-Transport-Security"]).toBe(HSTS_VALUE);
    expect(HSTS_VALUE).toMatch(/^max-age=\d{8,}/);
  });
});

describe("proxy.ts", () => {
  afterEach(() => {
    vi.unstubAllEnvs();
    vi.resetModules();
  });

  async function loadProxy(variables: Record<string, string>) {
    vi.resetModules();
    for (const [name, value] of Object.entries({ NODE_ENV: "production", NEXTAUTH_SECRET: SECRET, ...variables })) vi.stubEnv(name, value);
    return (await import("@/proxy")).proxy;
  }

  const HOSTED = {
    NEXTAUTH_URL: "https://chat.example.com",
    PUSHER_APP_ID: "1234",
    PUSHER_KEY: "key-1234",
    PUSHER_SECRET: "secret-1234",
    PUSHER_CLUSTER: "mt1",
  };

  it("sets the headers with a fresh nonce per response, and hands the same CSP to Next's renderer", async () => {
    const proxy = await loadProxy(HOSTED);
    const first = proxy(new NextRequest("https://chat.example.com/login"));
    const second = proxy(new NextRequest("https://chat.example.com/api/admin/roster"));

    const csp = first.headers.get("content-security-policy")!;
    const nonce = /'nonce-([^']+)'/.exec(csp)?.[1];
    expect(nonce).toMatch(/^[A-Za-z0-9+/]{22}==$/);
    expect(directives(csp)["connect-src"]).toEqual(["'self'", "wss://ws-mt1.pusher.com"]);
    expect(first.headers.get("strict-transport-security")).toBe(HSTS_VALUE);
    expect(first.headers.get("x-frame-options")).toBe("DENY");
    expect(first.headers.get("x-content-type-options")).toBe("nosniff");
    // NextResponse.next({ request }) forwards overridden request headers this way.
    expect(first.headers.get("x-middleware-request-x-nonce")).toBe(nonce);
    expect(first.headers.get("x-middleware-request-content-security-policy")).toBe(csp);

    expect(second.headers.get("x-content-type-options")).toBe("nosniff");
    expect(second.headers.get("content-security-policy")).not.toContain(`'nonce-${nonce}'`);
  });

  it("overwrites a nonce or policy the client sent", async () => {
    const proxy = await loadProxy(HOSTED);
    const response = proxy(
      new NextRequest("https://chat.example.com/", {
        headers: { "x-nonce": "attacker", "content-security-policy": "script-src 'nonce-attacker'" },
      }),
    );
    expect(response.headers.get("x-middleware-request-x-nonce")).not.toBe("attacker");
    expect(response.headers.get("x-middleware-request-content-security-policy")).not.toContain("attacker");
  });

  it("sends no HSTS for an http NEXTAUTH_URL", async () => {
    const proxy = await loadProxy({ ...HOSTED, NEXTAUTH_URL: "http://localhost:3000" });
    expect(proxy(new NextRequest("http://localhost:3000/")).headers.get("strict-transport-security")).toBeNull();
  });
});
