import "server-only";

import { eventPayloadBytes, PUSHER_EVENT_MAX_BYTES, worstCaseMessagePayload, type UserMessagePayload } from "@/lib/validation/message";
import { db } from "@/lib/db/client";
import { noteMessagesSent } from "@/lib/metrics/metric-events";
import { serverToUserChannel, UserEvents } from "@/lib/pusher/channel-names";
import { pusherServer } from "@/lib/pusher/server";
import { describeError } from "@/lib/errors/describe-error";
import { usersWithProvenConnections } from "@/lib/roster/reconcile";

/** POST /batch_events takes at most 10 events (hosted limit; the embedded server enforces it too). */
export const BATCH_MAX_EVENTS = 10;
/** Batch requests in flight at once: fast for large broadcasts without flooding the HTTP API. */
const BATCH_CONCURRENCY = 4;

export interface Recipient {
  id: string;
  name: string;
}

export interface Sender {
  id: string;
  name: string;
}

export interface SendMessagesInput {
  sender: Sender;
  recipients: readonly Recipient[];
  body: string;
  /** Shared by every message of one broadcast. */
  broadcastId?: string;
  /**
   * Recipients the caller found live (roster liveness). Only those of them with a proven-live
   * connection (usersWithProvenConnections) are marked sentLive.
   */
  liveRecipientIds: ReadonlySet<string>;
}

export interface StoredMessage {
  id: string;
  recipientId: string;
  createdAt: Date;
  sentLive: boolean;
}

export interface SendMessagesResult {
  messages: StoredMessage[];
  /** Recipients whose event the HTTP API refused; their messages are stored all the same. */
  failedRecipientIds: string[];
  /** What went wrong, one entry per failed request. */
  errors: string[];
}

/** Why this body can't be sent by this sender, or null. Checked before anything is written. */
export function oversizeProblem(body: string, senderName: string): string | null {
  // The schema checked a worst-case envelope; this checks the exact one (the sender's real name).
  if (eventPayloadBytes(worstCaseMessagePayload(body, senderName)) <= PUSHER_EVENT_MAX_BYTES) return null;
  return `Message is too large to send: the event would exceed Pusher's ${PUSHER_EVENT_MAX_BYTES / 1024} KB limit.`;
}

function chunk<T>(items: readonly T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let i = 0; i < items.length; i += size) chunks.push(items.slice(i, i + size));
  return chunks;
}

async function forEachLimited<T>(items: readonly T[], limit: number, run: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await run(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

interface OutgoingEvent {
  userId: string;
  payload: UserMessagePayload;
}

/**
 * Pushes each payload to its user's `#server-to-user-{id}` channel. Returns the user ids whose
 * request failed and why.
 *
 * One user: the SDK's sendToUser. Several: POST /batch_events, ≤ 10 events per request, one
 * server-to-user channel per event. Not `trigger` with up to 100 channels: the SDK's trigger()
 * rejects `#` in channel names, and Pusher documents server-to-user channels only as the single
 * channel of sendToUser, so mixing several in one event isn't portable. Batching also lets each
 * recipient's event carry their own message id.
 */
async function pushToUsers(events: readonly OutgoingEvent[]): Promise<{ failedUserIds: string[]; errors: string[] }> {
  const failedUserIds: string[] = [];
  const errors: string[] = [];
  if (events.length === 1) {
    const [only] = events as [OutgoingEvent];
    try {
      await pusherServer.sendToUser(only.userId, UserEvents.message, only.payload);
    } catch (error) {
      failedUserIds.push(only.userId);
      errors.push(describeError(error));
    }
    return { failedUserIds, errors };
  }
  await forEachLimited(chunk(events, BATCH_MAX_EVENTS), BATCH_CONCURRENCY, async (batch) => {
    try {
      await pusherServer.triggerBatch(
        batch.map(({ userId, payload }) => ({ channel: serverToUserChannel(userId), name: UserEvents.message, data: payload })),
      );
    } catch (error) {
      failedUserIds.push(...batch.map((event) => event.userId));
      errors.push(describeError(error));
    }
  });
  return { failedUserIds, errors };
}

/**
 * The one send path, for single messages and broadcasts: store a Message per recipient (so an
 * offline user finds it in their inbox and the event can carry its id), push it, then mark the
 * ones that went out to a live connection.
 *
 * sentLive is written only after the push succeeded: a message whose event the HTTP API refused
 * was not sent live, whatever the roster said; nor was one whose recipient had only unconfirmed
 * (possibly ghost) connections.
 */
export async function sendMessages({
  sender,
  recipients,
  body,
  broadcastId,
  liveRecipientIds,
}: SendMessagesInput): Promise<SendMessagesResult> {
  if (recipients.length === 0) return { messages: [], failedRecipientIds: [], errors: [] };
  const rows = await db.message.createManyAndReturn({
    data: recipients.map((recipient) => ({
      recipientId: recipient.id,
      senderId: sender.id,
      event: UserEvents.message,
      body,
      broadcastId: broadcastId ?? null,
    })),
    select: { id: true, recipientId: true, createdAt: true },
  });

  // Events go even to recipients the roster calls offline: it can lag a fresh tab by a webhook,
  // and an event to nobody costs nothing.
  const { failedUserIds, errors } = await pushToUsers(
    rows.map((row) => ({ userId: row.recipientId, payload: { id: row.id, body, from: sender.name, sentAt: row.createdAt.toISOString() } })),
  );

  // Sent live = the push succeeded and the recipient has a connection Pusher confirmed (or reports
  // occupied now). The caller's roster-based set alone would count a pending row, which may be a
  // socket id posted to /pusher/user-auth that never connected.
  const failed = new Set(failedUserIds);
  const candidates = [...new Set(rows.map((row) => row.recipientId))].filter((id) => liveRecipientIds.has(id) && !failed.has(id));
  const proven = await usersWithProvenConnections(candidates);
  const liveIds = rows.filter((row) => proven.has(row.recipientId)).map((row) => row.id);
  if (liveIds.length > 0) await db.message.updateMany({ where: { id: { in: liveIds } }, data: { sentLive: true } });
  const live = new Set(liveIds);
  noteMessagesSent(rows.length, liveIds.length);

  return {
    messages: rows.map((row) => ({ ...row, sentLive: live.has(row.id) })),
    failedRecipientIds: failedUserIds,
    errors,
  };
}
