import "server-only";

import NextAuth from "next-auth";
import { NextRequest } from "next/server";

import { authOptions } from "@/lib/auth/nextauth-options";
import { jsonResponse } from "@/lib/http/json-response";
import { readCappedBody } from "@/lib/http/read-capped-body";

/*
 * /api/auth/[...nextauth]. next-auth reads POST bodies with request.text() / .json(), which buffer
 * whatever a client sends; the sign-in form (csrfToken, email ≤ 320, password ≤ 200, callbackUrl)
 * is well under 1 KiB, so POST bodies are read here first, capped, and handed on buffered.
 */

/** Largest body of a next-auth POST (sign-in, sign-out, CSRF-bound actions). */
export const NEXTAUTH_MAX_BODY_BYTES = 16 * 1024;

type RouteContext = { params: Promise<{ nextauth: string[] }> };

const handler = NextAuth(authOptions) as (request: NextRequest, context: RouteContext) => Promise<Response>;

export function GET(request: NextRequest, context: RouteContext): Promise<Response> {
  return handler(request, context);
}

export async function POST(request: NextRequest, context: RouteContext): Promise<Response> {
  const body = await readCappedBody(request, NEXTAUTH_MAX_BODY_BYTES);
  if (!body.ok) return jsonResponse({ error: body.error }, body.status);
  // The same request with its (now read) body buffered; next-auth reads nextUrl, headers and body.
  const buffered = new NextRequest(request.url, { method: request.method, headers: request.headers, body: new Uint8Array(body.bytes) });
  return handler(buffered, context);
}
