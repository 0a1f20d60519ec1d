import "server-only";

import { randomUUID } from "node:crypto";

import { auditError, writeAudit } from "@/lib/admin/audit";
import { authorizeAdmin, jsonError, parseJsonBody } from "@/lib/admin/http";
import { jsonResponse } from "@/lib/http/json-response";
import { broadcastSchema } from "@/lib/validation/message";
import { publishActivity } from "@/lib/inspector/publish";
import { getSignedInUsers } from "@/lib/messages/queries";
import { oversizeProblem, sendMessages } from "@/lib/messages/send";

/**
 * POST /api/admin/broadcast with `{ "message": string, "role"?: "USER" | "ADMIN", "includeSelf"?: boolean }`:
 * one stored Message per currently signed-in user (of that role), sharing a broadcastId, each
 * pushed to that user's own server-to-user channel in batches (see sendMessages for why batches).
 * The sending admin is left out unless includeSelf is true: they wrote it, and it would otherwise
 * land in their own inbox as unread.
 *
 * Answers `{ ok, broadcastId, recipients }`. When some batches fail the messages are still stored
 * (recipients see them in their inbox) and the answer is 502 with the failed count.
 *
 * No per-message "sent" status events to the admin channel: that would double the HTTP API calls
 * of a large broadcast. Consoles learn about the new rows from the recipients' delivery receipts
 * (an unknown message id makes them refresh), and the sending console refreshes itself.
 */
export async function handleBroadcast(request: Request): Promise<Response> {
  const auth = await authorizeAdmin(request);
  if ("response" in auth) return auth.response;
  const { admin } = auth;

  const parsed = await parseJsonBody(request, broadcastSchema, '{ "message": "Hello everyone", "role": "USER" }');
  if ("response" in parsed) return parsed.response;
  const { message: body, role, includeSelf } = parsed.data;

  const tooLarge = oversizeProblem(body, admin.name);
  if (tooLarge) return jsonError(400, tooLarge);

  const recipients = (await getSignedInUsers(role)).filter((recipient) => includeSelf || recipient.id !== admin.id);
  const broadcastId = randomUUID();
  const result = await sendMessages({
    sender: admin,
    recipients,
    body,
    broadcastId,
    // The recipients are exactly the users the roster calls live.
    liveRecipientIds: new Set(recipients.map((recipient) => recipient.id)),
  });
  const audience = role ? `signed-in ${role} users` : "signed-in users";
  const summary = `Broadcast ${broadcastId} to ${recipients.length} ${audience}, ${body.length} characters`;

  if (result.errors.length > 0) {
    const failed = result.failedRecipientIds.length;
    const reason = `${failed} of ${recipients.length} not delivered live: ${result.errors.join("; ")}`;
    await writeAudit({ actorId: admin.id, action: "broadcast", targetUserId: null, summary, result: auditError(reason) });
    return jsonError(502, `The broadcast was saved but ${failed} of ${recipients.length} users could not be reached live.`, {
      broadcastId,
      recipients: recipients.length,
      failed,
    });
  }

  await Promise.all([
    writeAudit({ actorId: admin.id, action: "broadcast", targetUserId: null, summary, result: "ok" }),
    publishActivity({
      kind: "broadcast",
      userId: admin.id,
      summary,
      detail: { broadcastId, recipients: recipients.length, role: role ?? null },
    }),
  ]);
  return jsonResponse({ ok: true, broadcastId, recipients: recipients.length });
}
