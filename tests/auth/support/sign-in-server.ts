/**
 * next-auth's real request handler on a real HTTP server on 127.0.0.1:0, so sign-in tests go
 * through sockets, headers, CSRF and next-auth's error redirect exactly as the browser's signIn()
 * does. Vitest has no Next server (the App Router handler needs Next's request scope for
 * `next/headers`), so this uses next-auth's other entry point, `NextAuth(req, res, options)`, which
 * runs the same core with `req.headers` taken from the request. The server process gets the
 * X-Forwarded-For hook that instrumentation.ts installs in Next.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

import type { NextAuthOptions } from "next-auth";

async function readForm(req: IncomingMessage): Promise<Record<string, string>> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Object.fromEntries(new URLSearchParams(Buffer.concat(chunks).toString("utf8")));
}

function parseCookies(header: string | undefined): Record<string, string> {
  const cookies: Record<string, string> = {};
  for (const part of (header ?? "").split(";")) {
    const index = part.indexOf("=");
    if (index > 0) cookies[part.slice(0, index).trim()] = decodeURIComponent(part.slice(index + 1).trim());
  }
  return cookies;
}

/** The bits of Next's API response helpers that next-auth calls. */
function apiResponse(res: ServerResponse) {
  return Object.assign(res, {
    status(code: number) {
      res.statusCode = code;
      return res;
    },
    json(body: unknown) {
      res.setHeader("Content-Type", "application/json");
      res.end(JSON.stringify(body));
    },
    send(body: unknown) {
      if (typeof body === "string") res.end(body);
      else this.json(body);
    },
  });
}

export interface SignInServer {
  url: string;
  /** POSTs the credentials like next-auth/react's signIn(..., { redirect: false }). */
  signIn(credentials: { email: string; password: string }, headers?: Record<string, string>): Promise<SignInResult>;
  close(): Promise<void>;
}

export interface SignInResult {
  status: number;
  /** What signIn() returns as `error`: the `error` query parameter of next-auth's answer URL. */
  error: string | null;
  sessionCookie: string | null;
}

export async function startSignInServer(authOptions: NextAuthOptions): Promise<SignInServer> {
  const { appendSocketAddressToForwardedFor } = await import("@/lib/auth/forwarded-for");
  appendSocketAddressToForwardedFor();
  const { default: NextAuth } = await import("next-auth");

  const server: Server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? "/", "http://127.0.0.1");
      const nextauth = url.pathname
        .replace(/^\/api\/auth\/?/, "")
        .split("/")
        .filter(Boolean);
      const request = Object.assign(req, {
        query: { ...Object.fromEntries(url.searchParams), nextauth },
        cookies: parseCookies(req.headers.cookie),
        body: req.method === "POST" ? await readForm(req) : {},
      });
      await (NextAuth as unknown as (req: unknown, res: unknown, options: NextAuthOptions) => Promise<void>)(
        request,
        apiResponse(res),
        authOptions,
      );
    })().catch((error: unknown) => {
      res.statusCode = 500;
      res.end(String(error));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url: base,
    async signIn(credentials, headers = {}) {
      const csrf = await fetch(`${base}/api/auth/csrf`, { headers });
      const { csrfToken } = (await csrf.json()) as { csrfToken: string };
      const csrfCookie = csrf.headers
        .getSetCookie()
        .map((cookie) => cookie.split(";")[0])
        .join("; ");
      const response = await fetch(`${base}/api/auth/callback/credentials`, {
        method: "POST",
        headers: { ...headers, "Content-Type": "application/x-www-form-urlencoded", cookie: csrfCookie },
        body: new URLSearchParams({ ...credentials, csrfToken, callbackUrl: "/", json: "true" }).toString(),
      });
      const { url } = (await response.json()) as { url: string };
      const session = response.headers.getSetCookie().find((cookie) => cookie.startsWith("next-auth.session-token="));
      return { status: response.status, error: new URL(url).searchParams.get("error"), sessionCookie: session?.split(";")[0] ?? null };
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
