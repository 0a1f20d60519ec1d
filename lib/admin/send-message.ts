import "server-only";

import { auditError, writeAudit } from "@/lib/admin/audit";
import { authorizeAdmin, jsonError, jsonResponse } from "@/lib/admin/http";
import {
  eventPayloadBytes,
  firstIssueMessage,
  PUSHER_EVENT_MAX_BYTES,
  sendMessageSchema,
  worstCaseMessagePayload,
  type UserMessagePayload,
} from "@/lib/admin/schemas";
import { db } from "@/lib/db/client";
import { UserEvents } from "@/lib/pusher/channels";
import { pusherServer } from "@/lib/pusher/server";
import { describeError } from "@/lib/roster/notify";
import { countLiveConnections } from "@/lib/roster/roster";

/** Bodies larger than this can't hold a valid message; refuse them before parsing. */
const MAX_REQUEST_BYTES = 64 * 1024;

/**
 * POST /api/admin/users/{userId}/messages with `{ "message": string }`.
 *
 * The message is stored first (so an offline user can read it later and the event can carry its
 * id), then pushed with sendToUser to every socket the user has signed in.
 */
export async function handleSendMessage(request: Request, userId: string): Promise<Response> {
  const auth = await authorizeAdmin(request);
  if ("response" in auth) return auth.response;
  const { admin } = auth;

  const contentType = request.headers.get("content-type") ?? "";
  if (!/^application\/json\b/i.test(contentType)) return jsonError(415, 'Send JSON: Content-Type must be "application/json".');
  const raw = await request.text();
  if (Buffer.byteLength(raw) > MAX_REQUEST_BYTES) return jsonError(413, "Request body is too large.");
  let input: unknown;
  try {
    input = JSON.parse(raw);
  } catch {
    return jsonError(400, 'Body must be JSON like { "message": "Hello" }.');
  }
  const parsed = sendMessageSchema.safeParse(input);
  if (!parsed.success) {
    return jsonError(400, firstIssueMessage(parsed.error), {
      issues: parsed.error.issues.map((issue) => ({ path: issue.path.join("."), message: issue.message })),
    });
  }
  const body = parsed.data.message;

  const target = await db.user.findUnique({ where: { id: userId }, select: { id: true, name: true, email: true } });
  if (!target) return jsonError(404, `No user with id "${userId}".`);

  // The schema checked a worst-case envelope; check the exact one (the admin's real name) too,
  // before anything is written, so an oversized message leaves no row behind.
  if (eventPayloadBytes(worstCaseMessagePayload(body, admin.name)) > PUSHER_EVENT_MAX_BYTES) {
    return jsonError(400, `Message is too large to send: the event would exceed Pusher's ${PUSHER_EVENT_MAX_BYTES / 1024} KB limit.`);
  }

  const live = (await countLiveConnections(target.id)) > 0;
  const message = await db.message.create({
    data: { recipientId: target.id, senderId: admin.id, event: UserEvents.message, body, sentLive: live },
    select: { id: true, createdAt: true },
  });
  const payload: UserMessagePayload = { id: message.id, body, from: admin.name, sentAt: message.createdAt.toISOString() };
  const summary = `Message to ${target.name} (${target.email}), ${body.length} characters${live ? "" : ", recipient offline"}`;

  try {
    // Sent even when no connection is live: the roster can lag a fresh tab by a webhook, and an
    // event to nobody costs nothing.
    await pusherServer.sendToUser(target.id, UserEvents.message, payload);
  } catch (error) {
    const reason = describeError(error);
    await writeAudit({ actorId: admin.id, action: "message", targetUserId: target.id, summary, result: auditError(reason) });
    return jsonError(502, `The message was saved but could not be delivered live (${reason}).`, { messageId: message.id });
  }

  await writeAudit({ actorId: admin.id, action: "message", targetUserId: target.id, summary, result: "ok" });
  return jsonResponse({ ok: true, messageId: message.id, deliveredLive: live });
}
