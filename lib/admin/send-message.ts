import "server-only";

import { auditError, writeAudit } from "@/lib/admin/audit";
import { authorizeAdmin, findTargetUser, jsonError, parseJsonBody } from "@/lib/admin/http";
import { jsonResponse } from "@/lib/http/json-response";
import { sendMessageSchema } from "@/lib/validation/message";
import { publishActivity } from "@/lib/inspector/publish";
import { notifyMessageStatus } from "@/lib/messages/message-notifications";
import { oversizeProblem, sendMessages } from "@/lib/messages/send";
import { offlineNotice } from "@/lib/messages/message-types";
import { countLiveConnections } from "@/lib/roster/roster-page";

/**
 * POST /api/admin/users/{userId}/messages with `{ "message": string }`.
 *
 * Answers `{ ok, messageId, deliveredLive }`, plus `notice` ("Alice is offline; message stored")
 * when the recipient had no live connection, so API callers get the same words as the console.
 */
export async function handleSendMessage(request: Request, userId: string): Promise<Response> {
  const auth = await authorizeAdmin(request);
  if ("response" in auth) return auth.response;
  const { admin } = auth;

  const parsed = await parseJsonBody(request, sendMessageSchema, '{ "message": "Hello" }');
  if ("response" in parsed) return parsed.response;
  const body = parsed.data.message;

  const found = await findTargetUser(userId);
  if ("response" in found) return found.response;
  const { target } = found;

  const tooLarge = oversizeProblem(body, admin.name);
  if (tooLarge) return jsonError(400, tooLarge);

  const online = (await countLiveConnections(target.id)) > 0;
  const result = await sendMessages({
    sender: admin,
    recipients: [target],
    body,
    liveRecipientIds: new Set(online ? [target.id] : []),
  });
  const message = result.messages[0]!;
  const summary = `Message to ${target.name} (${target.email}), ${body.length} characters${online ? "" : ", recipient offline"}`;

  if (result.errors.length > 0) {
    const reason = result.errors.join("; ");
    await writeAudit({ actorId: admin.id, action: "message", targetUserId: target.id, summary, result: auditError(reason) });
    return jsonError(502, `The message was saved but could not be delivered live (${reason}).`, { messageId: message.id });
  }

  await Promise.all([
    writeAudit({ actorId: admin.id, action: "message", targetUserId: target.id, summary, result: "ok" }),
    notifyMessageStatus({ messageId: message.id, recipientId: target.id, status: "sent", at: message.createdAt.toISOString() }),
    publishActivity({ kind: "message-sent", userId: target.id, summary, detail: { messageId: message.id, sentLive: message.sentLive } }),
  ]);
  return jsonResponse({
    ok: true,
    messageId: message.id,
    deliveredLive: message.sentLive,
    ...(message.sentLive ? {} : { notice: offlineNotice(target.name) }),
  });
}
