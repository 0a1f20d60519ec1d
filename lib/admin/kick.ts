import "server-only";

import { describeDisconnect, disconnectUser } from "@/lib/admin/account-revocation";
import { auditError, writeAudit } from "@/lib/admin/audit";
import { authorizeAdminAction, jsonError } from "@/lib/admin/http";
import { jsonResponse } from "@/lib/http/json-response";
import { recordMetric } from "@/lib/metrics/record";

/**
 * POST /api/admin/users/{userId}/kick: closes every socket signed in as the user (close code 4009,
 * so pusher-js does not reconnect). A kick is not a ban: the user may sign in again.
 */
export async function handleKickUser(request: Request, userId: string): Promise<Response> {
  const action = await authorizeAdminAction(request, userId);
  if ("response" in action) return action.response;
  const { admin, target, who } = action;

  // No account-revoked notice: the session stays valid, and the tab's terminated banner says enough.
  const outcome = await disconnectUser(target.id, "kick");
  if (!outcome.ok) {
    await writeAudit({
      actorId: admin.id,
      action: "kick",
      targetUserId: target.id,
      summary: `Kick ${who}`,
      result: auditError(outcome.error),
    });
    return jsonError(502, `Could not disconnect ${target.name}: the realtime service refused (${outcome.error}).`);
  }

  recordMetric("kicks");
  await writeAudit({
    actorId: admin.id,
    action: "kick",
    targetUserId: target.id,
    summary: `Kicked ${who}; ${describeDisconnect(outcome)}`,
    result: "ok",
  });
  return jsonResponse({ ok: true });
}
