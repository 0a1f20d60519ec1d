import "server-only";

import { z } from "zod";

import { updateUnlessLastAdmin } from "@/lib/admin/admin-removal";
import { writeAudit } from "@/lib/admin/audit";
import { authorizeAdmin, findTargetUser, jsonError, parseJsonBody } from "@/lib/admin/http";
import { jsonResponse } from "@/lib/http/json-response";
import { db } from "@/lib/db/client";
import { forgetAdminFeedCache } from "@/lib/pusher/admin-feed";
import { UserEvents, type RoleChangedPayload } from "@/lib/pusher/channel-names";
import { pusherServer } from "@/lib/pusher/server";
import { describeError } from "@/lib/errors/describe-error";

export const roleChangeSchema = z.object({
  role: z.enum(["USER", "ADMIN"], { error: 'Role must be "USER" or "ADMIN"' }),
});

export const LAST_ADMIN_MESSAGE = "You are the last administrator: make someone else an admin before removing your own admin role.";

/**
 * POST /api/admin/users/{userId}/role with `{ "role": "ADMIN" | "USER" }` (Make admin / Remove
 * admin). The role is re-read from the database on every request (checkSessionClaims), so the
 * change takes effect at each of the user's sessions' next request; no session is revoked.
 *
 * Removal also takes the admin feed away at once, the way a revocation does: admin events are
 * published only to current admins' channels (lib/pusher/admin-feed.ts), so forgetting the cached
 * admin list is enough for this process (others follow within ADMINS_TTL_MS). Then the user's tabs
 * are told (role-changed) and refresh their server data: a demoted console re-renders as 403.
 */
export async function handleChangeRole(request: Request, userId: string): Promise<Response> {
  const auth = await authorizeAdmin(request);
  if ("response" in auth) return auth.response;
  const { admin } = auth;
  const parsed = await parseJsonBody(request, roleChangeSchema, '{ "role": "ADMIN" }', { maxBytes: 1024 });
  if ("response" in parsed) return parsed.response;
  const { role } = parsed.data;
  const found = await findTargetUser(userId);
  if ("response" in found) return found.response;
  const { target, who } = found;

  const current = await db.user.findUnique({ where: { id: target.id }, select: { role: true } });
  if (current?.role === role)
    return jsonError(409, role === "ADMIN" ? `${target.name} is already an admin.` : `${target.name} is not an admin.`);

  if (role === "USER") {
    // The only admin who could be the last is the caller (a target admin who is the last would be
    // the caller too), so this is exactly "the last admin can't remove themselves".
    const refusal = await updateUnlessLastAdmin(admin.id, target.id, { role }, LAST_ADMIN_MESSAGE);
    if (refusal) return jsonError(refusal.status, refusal.error);
  } else {
    await db.user.update({ where: { id: target.id }, data: { role } });
  }
  forgetAdminFeedCache();

  let noticeError: string | null = null;
  try {
    await pusherServer.sendToUser(target.id, UserEvents.roleChanged, { role } satisfies RoleChangedPayload);
  } catch (error) {
    // The role changed all the same; the tabs follow at their next request.
    noticeError = describeError(error);
  }
  const summary = role === "ADMIN" ? `Made ${who} an admin` : `Removed the admin role from ${who}`;
  await writeAudit({
    actorId: admin.id,
    action: "role-change",
    targetUserId: target.id,
    summary: noticeError ? `${summary}; their open tabs were not told (${noticeError})` : summary,
    result: "ok",
  });
  return jsonResponse({ ok: true, role });
}
