import "server-only";

import { writeAudit } from "@/lib/admin/audit";
import { authorizeAdminAction, jsonError } from "@/lib/admin/http";
import { jsonResponse } from "@/lib/http/json-response";
import { db } from "@/lib/db/client";

/**
 * POST /api/admin/users/{userId}/unban: lifts the ban so the user can log in again. Their old
 * sessions stay revoked (the ban bumped sessionVersion), so nothing resumes without a fresh login.
 */
export async function handleUnbanUser(request: Request, userId: string): Promise<Response> {
  const action = await authorizeAdminAction(request, userId);
  if ("response" in action) return action.response;
  const { admin, target } = action;
  // An expired ban still has its fields set; clearing them is harmless, so only "never banned" is refused.
  if (!target.bannedAt) return jsonError(400, `${target.name} is not banned.`);

  await db.user.update({ where: { id: target.id }, data: { bannedAt: null, banReason: null, banExpiresAt: null } });
  await writeAudit({
    actorId: admin.id,
    action: "unban",
    targetUserId: target.id,
    summary: `Unbanned ${target.name} (${target.email})${target.banReason ? `; the ban's reason was: ${target.banReason}` : ""}`,
    result: "ok",
  });
  return jsonResponse({ ok: true });
}
