import "server-only";

import { jsonError } from "@/lib/admin/http";
import { jsonResponse } from "@/lib/http/json-response";
import { crossSiteRefusal } from "@/lib/auth/same-origin";
import { authenticateRequest, describeRejection } from "@/lib/auth/session";
import { db } from "@/lib/db/client";
import { recordMetric } from "@/lib/metrics/record";
import { publishActivity } from "@/lib/inspector/publish";
import { notifyMessageStatus, notifyReaderTabs } from "@/lib/messages/message-notifications";
import { messageStatusOf, type MessageStatus, type ReceiptKind } from "@/lib/messages/message-types";

export interface ReceiptResult {
  messageId: string;
  status: MessageStatus;
  deliveredAt: string | null;
  readAt: string | null;
  /** False when the receipt had already been recorded (nothing was written or announced). */
  changed: boolean;
}

/**
 * Records a receipt for one of the user's own messages; null when the message isn't theirs (or
 * doesn't exist), so callers can't tell the two apart.
 *
 * Idempotent, first timestamp wins: every tab of the user acknowledges the same event, and the
 * conditional update (`… IS NULL`) makes concurrent acknowledgements race safely. A read also
 * fills a missing delivery, since a message that was read was evidently delivered.
 */
export async function recordReceipt(
  userId: string,
  messageId: string,
  kind: ReceiptKind,
  now: Date = new Date(),
): Promise<ReceiptResult | null> {
  const where = { id: messageId, recipientId: userId };
  const { count } =
    kind === "read"
      ? await db.message.updateMany({ where: { ...where, readAt: null }, data: { readAt: now } })
      : await db.message.updateMany({ where: { ...where, deliveredAt: null }, data: { deliveredAt: now } });
  if (count > 0 && kind === "read") await db.message.updateMany({ where: { ...where, deliveredAt: null }, data: { deliveredAt: now } });

  const message = await db.message.findFirst({ where, select: { id: true, recipientId: true, deliveredAt: true, readAt: true } });
  if (!message) return null;
  const deliveredAt = message.deliveredAt?.toISOString() ?? null;
  const readAt = message.readAt?.toISOString() ?? null;
  const result: ReceiptResult = {
    messageId: message.id,
    status: messageStatusOf({ deliveredAt, readAt }),
    deliveredAt,
    readAt,
    changed: count > 0,
  };

  if (result.changed && kind === "read") recordMetric("messages-read");
  if (result.changed) {
    const at = (kind === "read" ? readAt : deliveredAt) ?? now.toISOString();
    await Promise.all([
      notifyMessageStatus({ messageId: message.id, recipientId: message.recipientId, status: kind, at }),
      publishActivity({
        kind: kind === "read" ? "message-read" : "message-delivered",
        userId,
        summary: `Message ${message.id} ${kind === "read" ? "read" : "delivered"}`,
        detail: { messageId: message.id, at },
      }),
      kind === "read" ? notifyReaderTabs(message.recipientId, { messageId: message.id, readAt: at }) : undefined,
    ]);
  }
  return result;
}

/**
 * POST /api/messages/{id}/delivered and /read: the recipient's browser acknowledges a message.
 * Only the session's own messages; anyone else's answer 404, exactly like a missing one.
 */
export async function handleReceipt(request: Request, messageId: string, kind: ReceiptKind): Promise<Response> {
  const crossSite = crossSiteRefusal(request);
  if (crossSite) return jsonError(403, crossSite);
  const check = await authenticateRequest(request);
  if (!check.ok) return jsonError(401, describeRejection(check));
  const result = await recordReceipt(check.user.id, messageId, kind);
  if (!result) return jsonError(404, "No such message.");
  return jsonResponse({ ok: true, ...result });
}
