import "server-only";

import type { MessageReadPayload, MessageStatusPayload } from "@/lib/messages/message-types";
import { publishToAdmins } from "@/lib/pusher/admin-feed";
import { AdminEvents, UserEvents } from "@/lib/pusher/channel-names";
import { pusherServer } from "@/lib/pusher/server";
import { describeError } from "@/lib/errors/describe-error";

/**
 * Tells open admin consoles that a message changed state. Best-effort, like roster notifications:
 * the receipt is already stored, and a console that missed the event catches up on its next
 * page refresh.
 */
export async function notifyMessageStatus(payload: MessageStatusPayload): Promise<void> {
  try {
    await publishToAdmins(AdminEvents.messageStatus, payload);
  } catch (error) {
    console.warn(`[messages] could not notify admins (${payload.status} ${payload.messageId}):`, describeError(error));
  }
}

/**
 * Tells the reader's other tabs that a message was read, so their unread counts agree. Best-effort:
 * a tab that misses it shows the message unread until it reloads or reconnects (which refetches).
 */
export async function notifyReaderTabs(userId: string, payload: MessageReadPayload): Promise<void> {
  try {
    await pusherServer.sendToUser(userId, UserEvents.messageRead, payload);
  } catch (error) {
    console.warn(`[messages] could not tell ${userId}'s tabs that ${payload.messageId} was read:`, describeError(error));
  }
}
