/**
 * Runs before every request (Next 16's proxy, formerly middleware): gives each response the
 * security headers of lib/security/headers.ts with a fresh CSP nonce. The CSP also goes on the
 * request, where Next reads the nonce and adds it to the scripts it renders (pages are dynamic:
 * see app/layout.tsx). A client-sent `x-nonce` or CSP request header is overwritten, never trusted.
 *
 * Not for the endpoints that take a body (/api/*, /pusher/*): for a matched request Next copies the
 * body for the proxy and waits for the whole upload before the route runs, so a never-ending body
 * would never reach the route's capped reader (lib/http/read-capped-body.ts). Those routes render
 * no HTML; next.config.mjs gives them static headers instead.
 */
import { NextResponse, type NextRequest } from "next/server";

import { env } from "@/lib/env";
import { pusherClientConfig } from "@/lib/pusher/client-config";
import { createNonce, securityHeaders } from "@/lib/security/headers";

export function proxy(request: NextRequest): NextResponse {
  const nonce = createNonce();
  const headers = securityHeaders({
    nonce,
    development: process.env.NODE_ENV === "development",
    appUrl: env.nextAuthUrl,
    realtime: pusherClientConfig(env.pusher, env.pusherPublic),
  });

  const requestHeaders = new Headers(request.headers);
  requestHeaders.set("x-nonce", nonce);
  requestHeaders.set("Content-Security-Policy", headers["Content-Security-Policy"]!);
  const response = NextResponse.next({ request: { headers: requestHeaders } });
  for (const [name, value] of Object.entries(headers)) response.headers.set(name, value);
  return response;
}

export const config = {
  matcher: ["/((?!api/|pusher/|_next/static|_next/image|favicon.ico).*)"],
};
