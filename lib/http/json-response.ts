import "server-only";

/**
 * Every JSON answer of the app's endpoints: auth answers are per socket and per session, admin
 * answers are private to the session that asked, so no cache or proxy may keep one.
 * `headers` adds to it (e.g. Retry-After); Cache-Control stays no-store whatever a caller passes.
 */
export function jsonResponse(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return Response.json(body, { status, headers: { ...headers, "Cache-Control": "no-store" } });
}
