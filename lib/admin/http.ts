import "server-only";

import { authenticateRequest, describeRejection, type SessionUser } from "@/lib/auth/session";

/** Every admin API answer is JSON and private to the session that asked. */
export function jsonResponse(body: unknown, status = 200): Response {
  return Response.json(body, { status, headers: { "Cache-Control": "no-store" } });
}

export function jsonError(status: number, error: string, extra: Record<string, unknown> = {}): Response {
  return jsonResponse({ ok: false, error, ...extra }, status);
}

export type AdminUser = SessionUser;

/**
 * Server-side role check for every admin endpoint: the UI hiding buttons protects nothing.
 * Returns the admin, or the 401/403 response to send back. Uses authenticateRequest (what
 * getSessionUserFromRequest wraps) to tell a revoked or banned session apart from no session.
 *
 * Cross-site requests: next-auth's session cookie is SameSite=Lax, so a third-party page can't
 * make these POSTs with the admin's session; the message endpoint also requires a JSON body.
 */
export async function authorizeAdmin(request: Request): Promise<{ admin: AdminUser } | { response: Response }> {
  const check = await authenticateRequest(request);
  if (!check.ok) return { response: jsonError(401, `${describeRejection(check)} Sign in as an administrator.`) };
  if (check.user.role !== "ADMIN") return { response: jsonError(403, "Forbidden: this action needs the ADMIN role.") };
  return { admin: check.user };
}
