import "server-only";

import { auditError, writeAudit } from "@/lib/admin/audit";
import { authorizeAdmin, jsonError, jsonResponse } from "@/lib/admin/http";
import { db } from "@/lib/db/client";
import { pusherServer } from "@/lib/pusher/server";
import { describeError, notifyRosterChanged } from "@/lib/roster/notify";

/**
 * POST /api/admin/users/{userId}/kick: closes every socket signed in as the user (close code 4009,
 * so pusher-js does not reconnect). A kick is not a ban: the user may sign in again.
 */
export async function handleKickUser(request: Request, userId: string): Promise<Response> {
  const auth = await authorizeAdmin(request);
  if ("response" in auth) return auth.response;
  const { admin } = auth;

  const target = await db.user.findUnique({ where: { id: userId }, select: { id: true, name: true, email: true } });
  if (!target) return jsonError(404, `No user with id "${userId}".`);
  const who = `${target.name} (${target.email})`;

  try {
    await pusherServer.terminateUserConnections(target.id);
  } catch (error) {
    const reason = describeError(error);
    await writeAudit({ actorId: admin.id, action: "kick", targetUserId: target.id, summary: `Kick ${who}`, result: auditError(reason) });
    return jsonError(502, `Could not disconnect ${target.name}: the realtime service refused (${reason}).`);
  }

  // Remove the rows now rather than waiting for channel_vacated webhooks, so the roster (and every
  // admin console) drops the user at once; late vacated webhooks then find nothing, harmlessly.
  const { count } = await db.realtimeConnection.deleteMany({ where: { userId: target.id } });
  await notifyRosterChanged("kick", target.id);
  await writeAudit({
    actorId: admin.id,
    action: "kick",
    targetUserId: target.id,
    summary: `Kicked ${who}; ${count} connection${count === 1 ? "" : "s"} closed`,
    result: "ok",
  });
  return jsonResponse({ ok: true });
}
