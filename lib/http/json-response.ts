import "server-only";

/**
 * Every JSON answer of the app's endpoints: auth answers are per socket and per session, admin
 * answers are private to the session that asked, so no cache or proxy may keep one.
 * `headers` adds to (or overrides) the defaults, e.g. Retry-After.
 */
export function jsonResponse(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return Response.json(body, { status, headers: { "Cache-Control": "no-store", ...headers } });
}
