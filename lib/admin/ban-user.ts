import "server-only";

import { updateUnlessLastAdmin } from "@/lib/admin/admin-removal";
import { describeDisconnect, disconnectUser } from "@/lib/admin/account-revocation";
import { auditError, writeAudit } from "@/lib/admin/audit";
import { recordMetric } from "@/lib/metrics/record";
import { authorizeAdmin, findTargetUser, jsonError, parseJsonBody } from "@/lib/admin/http";
import { jsonResponse } from "@/lib/http/json-response";
import { bannedMessage } from "@/lib/admin/account-actions";
import { banSchema } from "@/lib/validation/ban";
import { formatExactTime } from "@/lib/format/time";

/** A reason of 500 characters plus an expiry fits many times over; refuse anything larger unread. */
const MAX_REQUEST_BYTES = 16 * 1024;

/**
 * POST /api/admin/users/{userId}/ban with `{ reason, expiresAt?: ISO datetime | null }`.
 *
 * One action does everything a ban needs: the ban fields make login and /pusher/user-auth refuse
 * the user, the sessionVersion bump revokes their existing JWTs (even after the ban expires, so
 * they must log in again), and the terminate closes their open sockets after telling them why.
 */
export async function handleBanUser(request: Request, userId: string): Promise<Response> {
  const auth = await authorizeAdmin(request);
  if ("response" in auth) return auth.response;
  const { admin } = auth;

  // Locking out the only admin would leave nobody able to unban.
  if (userId === admin.id) return jsonError(400, "You can't ban yourself.");

  const parsed = await parseJsonBody(request, banSchema, '{ "reason": "Spamming", "expiresAt": null }', { maxBytes: MAX_REQUEST_BYTES });
  if ("response" in parsed) return parsed.response;
  const reason = parsed.data.reason;
  const expiresAt = parsed.data.expiresAt ? new Date(parsed.data.expiresAt) : null;

  const found = await findTargetUser(userId);
  if ("response" in found) return found.response;
  const { target, who } = found;
  const until = expiresAt ? `until ${formatExactTime(expiresAt.toISOString(), false)}` : "permanently";
  const summary = `Banned ${who} ${until}: ${reason}`;

  // The caller is never the target, so this refuses only when the caller lost the role meanwhile:
  // another admin removed or banned them at the same moment (403).
  const refusal = await updateUnlessLastAdmin(
    admin.id,
    target.id,
    { bannedAt: new Date(), banReason: reason, banExpiresAt: expiresAt, sessionVersion: { increment: 1 } },
    `Banning ${target.name} would leave no active administrator.`,
  );
  if (refusal) return jsonError(refusal.status, refusal.error);

  recordMetric("bans");
  const outcome = await disconnectUser(target.id, "ban", { reason: "banned", message: bannedMessage(reason, expiresAt) });
  if (!outcome.ok) {
    await writeAudit({
      actorId: admin.id,
      action: "ban",
      targetUserId: target.id,
      summary: `${summary}; connections not closed`,
      result: auditError(outcome.error),
    });
    return jsonError(502, `${target.name} is banned and can't sign in, but their open connections could not be closed (${outcome.error}).`);
  }

  await writeAudit({
    actorId: admin.id,
    action: "ban",
    targetUserId: target.id,
    summary: `${summary}; ${describeDisconnect(outcome)}`,
    result: "ok",
  });
  return jsonResponse({ ok: true });
}
