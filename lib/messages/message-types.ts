/**
 * Message wire shapes shared by the server, the user's inbox and the admin console. No server
 * imports: client components read these too.
 */

export type MessageStatus = "sent" | "delivered" | "read";

/** The two acknowledgements a recipient's browser sends. */
export type ReceiptKind = Exclude<MessageStatus, "sent">;

/** Payload of AdminEvents.messageStatus on the admin feed channels. */
export interface MessageStatusPayload {
  messageId: string;
  recipientId: string;
  status: MessageStatus;
  /** ISO 8601: when the message reached this status (the stored timestamp, not the event's). */
  at: string;
}

/** Payload of UserEvents.messageRead, sent to the reader's own tabs. */
export interface MessageReadPayload {
  messageId: string;
  /** ISO 8601, the stored read time. */
  readAt: string;
}

/** One entry of the user's inbox. Times are ISO 8601. */
export interface InboxMessage {
  id: string;
  body: string;
  /** The sender's name; null when the sender was deleted. */
  from: string | null;
  sentAt: string;
  deliveredAt: string | null;
  readAt: string | null;
}

export interface Inbox {
  /** Newest first. */
  messages: InboxMessage[];
  /** Over every stored message of the user, not only the ones in `messages`. */
  unreadCount: number;
}

/** One row of the admin's message table. Times are ISO 8601. */
export interface AdminMessageRow {
  id: string;
  recipient: { id: string; name: string; email: string };
  from: string | null;
  bodyExcerpt: string;
  sentAt: string;
  sentLive: boolean;
  broadcastId: string | null;
  deliveredAt: string | null;
  readAt: string | null;
}

/** Receipts are monotonic (read implies delivered), so the status follows from the timestamps. */
export function messageStatusOf(message: { deliveredAt: string | null; readAt: string | null }): MessageStatus {
  if (message.readAt) return "read";
  if (message.deliveredAt) return "delivered";
  return "sent";
}

/**
 * Folds a status event into a row's timestamps. The first timestamp wins, as on the server, so
 * duplicated or reordered events change nothing; a read receipt also fills a missing delivery.
 */
export function applyMessageStatus<T extends { deliveredAt: string | null; readAt: string | null }>(
  message: T,
  event: Pick<MessageStatusPayload, "status" | "at">,
): T {
  if (event.status === "delivered") return message.deliveredAt ? message : { ...message, deliveredAt: event.at };
  if (event.status === "read") {
    if (message.readAt && message.deliveredAt) return message;
    return { ...message, deliveredAt: message.deliveredAt ?? event.at, readAt: message.readAt ?? event.at };
  }
  return message;
}

/** Where the recipient's browser POSTs a receipt. */
export function receiptPath(messageId: string, kind: ReceiptKind): string {
  return `/api/messages/${encodeURIComponent(messageId)}/${kind}`;
}

/** The admin's words for a message stored for someone with no live connection (API and toast agree). */
export function offlineNotice(recipientName: string): string {
  return `${recipientName} is offline; message stored`;
}

/** A short single-line preview for tables; whole bodies stay in the recipient's inbox. */
export function excerpt(body: string, max = 120): string {
  const line = body.replace(/\s+/g, " ").trim();
  return line.length <= max ? line : `${line.slice(0, max - 1)}…`;
}

const STATUSES: readonly MessageStatus[] = ["sent", "delivered", "read"];

/** Admin-channel payloads are trusted but checked: a malformed one is ignored, not rendered. */
export function parseMessageStatus(data: unknown): MessageStatusPayload | null {
  if (!data || typeof data !== "object") return null;
  const { messageId, recipientId, status, at } = data as Record<string, unknown>;
  if (typeof messageId !== "string" || typeof recipientId !== "string" || typeof at !== "string") return null;
  if (!STATUSES.includes(status as MessageStatus)) return null;
  return { messageId, recipientId, status: status as MessageStatus, at };
}
