import "server-only";

import { describeDisconnect, disconnectUser } from "@/lib/admin/account-revocation";
import { auditError, writeAudit } from "@/lib/admin/audit";
import { authorizeAdminAction, jsonError } from "@/lib/admin/http";
import { jsonResponse } from "@/lib/http/json-response";
import { SIGNED_OUT_EVERYWHERE_MESSAGE } from "@/lib/admin/account-actions";
import { db } from "@/lib/db/client";
import { recordMetric } from "@/lib/metrics/record";

/**
 * POST /api/admin/users/{userId}/sign-out-everywhere: revokes every session of the user and
 * closes their realtime connections. Unlike a kick, their tabs can't simply sign in to Pusher
 * again: /pusher/user-auth rejects the old JWT, so each device has to log in anew.
 */
export async function handleSignOutEverywhere(request: Request, userId: string): Promise<Response> {
  const action = await authorizeAdminAction(request, userId);
  if ("response" in action) return action.response;
  const { admin, target, who } = action;

  // Every JWT carries the sessionVersion it was issued with; authenticateRequest rejects any
  // other value, so this one write revokes all of them on their next request.
  await db.user.update({ where: { id: target.id }, data: { sessionVersion: { increment: 1 } } });

  recordMetric("sign-outs-everywhere");
  const outcome = await disconnectUser(target.id, "sign-out-everywhere", { reason: "signed-out", message: SIGNED_OUT_EVERYWHERE_MESSAGE });
  if (!outcome.ok) {
    await writeAudit({
      actorId: admin.id,
      action: "sign-out-everywhere",
      targetUserId: target.id,
      summary: `Signed out ${who} on all devices; sessions revoked, connections not closed`,
      result: auditError(outcome.error),
    });
    return jsonError(502, `${target.name}'s sessions were revoked, but their open connections could not be closed (${outcome.error}).`);
  }

  await writeAudit({
    actorId: admin.id,
    action: "sign-out-everywhere",
    targetUserId: target.id,
    summary: `Signed out ${who} on all devices; ${describeDisconnect(outcome)}`,
    result: "ok",
  });
  return jsonResponse({ ok: true });
}
