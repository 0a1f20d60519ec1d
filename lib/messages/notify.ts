import "server-only";

import type { MessageStatusPayload } from "@/lib/messages/types";
import { ADMIN_CHANNEL, AdminEvents } from "@/lib/pusher/channels";
import { pusherServer } from "@/lib/pusher/server";
import { describeError } from "@/lib/roster/notify";

/**
 * Tells open admin consoles that a message changed state. Best-effort, like roster notifications:
 * the receipt is already stored, and a console that missed the event catches up on its next
 * page refresh.
 */
export async function notifyMessageStatus(payload: MessageStatusPayload): Promise<void> {
  try {
    await pusherServer.trigger(ADMIN_CHANNEL, AdminEvents.messageStatus, payload);
  } catch (error) {
    console.warn(`[messages] could not notify admins (${payload.status} ${payload.messageId}):`, describeError(error));
  }
}
