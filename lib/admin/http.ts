import "server-only";

import type { z } from "zod";

import { crossSiteRefusal } from "@/lib/auth/same-origin";
import { countRefusal } from "@/lib/inspector/refusals";
import { authenticateRequest, describeRejection, type SessionUser } from "@/lib/auth/session";
import { db } from "@/lib/db/client";
import { jsonResponse } from "@/lib/http/json-response";
import { readCappedBody } from "@/lib/http/read-capped-body";
import { firstIssueMessage } from "@/lib/validation/first-issue-message";

export function jsonError(status: number, error: string, extra: Record<string, unknown> = {}): Response {
  return jsonResponse({ ok: false, error, ...extra }, status);
}

export type AdminUser = SessionUser;

export const NOT_ADMIN_MESSAGE = "Forbidden: this action needs the ADMIN role.";

/**
 * Server-side role check for every admin endpoint: the UI hiding buttons protects nothing.
 * Returns the admin, or the 401/403 response to send back. authenticateRequest tells a revoked
 * or banned session apart from no session.
 * A POST from another site's page is refused (403) before the session is even looked at.
 */
export async function authorizeAdmin(request: Request): Promise<{ admin: AdminUser } | { response: Response }> {
  const crossSite = crossSiteRefusal(request);
  if (crossSite) return refuse(403, crossSite, "cross-site");
  const check = await authenticateRequest(request);
  if (!check.ok) return refuse(401, `${describeRejection(check)} Sign in as an administrator.`, check.reason);
  if (check.user.role !== "ADMIN") return refuse(403, NOT_ADMIN_MESSAGE, "not-admin");
  return { admin: check.user };
}

/** Counted for the inspector's aggregated line, never published one by one. */
function refuse(status: 401 | 403, error: string, reason: string): { response: Response } {
  countRefusal("admin API", status, reason);
  return { response: jsonError(status, error) };
}

/** Bodies larger than this can't hold a valid message; refuse them (413) at that many bytes read. */
const DEFAULT_MAX_REQUEST_BYTES = 64 * 1024;

/**
 * Reads a JSON request body and validates it, answering 415/413/400 the same way for every admin
 * endpoint. Requiring JSON also keeps plain cross-site form posts out. `example` completes the
 * "Body must be JSON like …" hint.
 */
export async function parseJsonBody<S extends z.ZodType>(
  request: Request,
  schema: S,
  example: string,
  { maxBytes = DEFAULT_MAX_REQUEST_BYTES }: { maxBytes?: number } = {},
): Promise<{ data: z.output<S> } | { response: Response }> {
  const contentType = request.headers.get("content-type") ?? "";
  if (!/^application\/json\b/i.test(contentType))
    return { response: jsonError(415, 'Send JSON: Content-Type must be "application/json".') };
  // Capped while reading: a body over maxBytes is refused at the limit, never buffered whole.
  const body = await readCappedBody(request, maxBytes);
  if (!body.ok) return { response: jsonError(body.status, body.error) };
  let input: unknown;
  try {
    input = JSON.parse(body.bytes.toString("utf8"));
  } catch {
    return { response: jsonError(400, `Body must be JSON like ${example}.`) };
  }
  const parsed = schema.safeParse(input);
  if (!parsed.success) {
    return {
      response: jsonError(400, firstIssueMessage(parsed.error), {
        issues: parsed.error.issues.map((issue) => ({ path: issue.path.join("."), message: issue.message })),
      }),
    };
  }
  return { data: parsed.data };
}

/** The account an admin action is about. */
export interface TargetUser {
  id: string;
  name: string;
  email: string;
  bannedAt: Date | null;
  banReason: string | null;
}

/** Loads the action's target, or the 404 to send back; `who` is how audit summaries name it. */
export async function findTargetUser(userId: string): Promise<{ target: TargetUser; who: string } | { response: Response }> {
  const target = await db.user.findUnique({
    where: { id: userId },
    select: { id: true, name: true, email: true, bannedAt: true, banReason: true },
  });
  if (!target) return { response: jsonError(404, `No user with id "${userId}".`) };
  return { target, who: `${target.name} (${target.email})` };
}

/**
 * The start of every admin action on one account that takes no request body (kick, sign out
 * everywhere, unban): the caller must be an admin and the target must exist. Actions with a body
 * validate it between the two checks, so they call authorizeAdmin and findTargetUser themselves.
 */
export async function authorizeAdminAction(
  request: Request,
  userId: string,
): Promise<{ admin: AdminUser; target: TargetUser; who: string } | { response: Response }> {
  const auth = await authorizeAdmin(request);
  if ("response" in auth) return auth;
  const found = await findTargetUser(userId);
  if ("response" in found) return found;
  return { admin: auth.admin, ...found };
}
