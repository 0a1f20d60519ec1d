/**
 * Validation shared by the admin forms ("Send message", "Broadcast") and their API routes, so the
 * browser shows the same errors the server would return. No server imports.
 */
import { z } from "zod";

export const MESSAGE_MAX_CHARS = 2000;
/** Pusher rejects an event whose `data` string exceeds 10 KB (hosted limit; the embedded server matches). */
export const PUSHER_EVENT_MAX_BYTES = 10 * 1024;

/** What the recipient's browser receives through `pusher.user.bind("message", …)`. */
export interface UserMessagePayload {
  id: string;
  body: string;
  /** The sending admin's name. */
  from: string;
  /** ISO 8601. */
  sentAt: string;
}

const utf8 = new TextEncoder();

/** Bytes of the `data` string Pusher will measure: the JSON-serialized payload, UTF-8 encoded. */
export function eventPayloadBytes(payload: unknown): number {
  return utf8.encode(JSON.stringify(payload)).length;
}

/**
 * A stand-in envelope for checking size before the real one exists (the form has no message id
 * and the server checks before it writes the row). Generous sizes so the real payload is never
 * larger: ids are cuids (25 chars), names are bounded well below 200 characters.
 */
export function worstCaseMessagePayload(body: string, from = "x".repeat(200)): UserMessagePayload {
  return { id: "x".repeat(40), body, from, sentAt: new Date(0).toISOString() };
}

const messageField = z
  .string({ error: "Message must be text" })
  .trim()
  .min(1, "Message can't be empty")
  .max(MESSAGE_MAX_CHARS, `Message must be at most ${MESSAGE_MAX_CHARS} characters`)
  // Characters and bytes differ: JSON escapes control characters to six bytes and non-ASCII text
  // takes up to four, so 2,000 characters can exceed Pusher's 10 KB event limit.
  .refine((message) => eventPayloadBytes(worstCaseMessagePayload(message)) <= PUSHER_EVENT_MAX_BYTES, {
    message: `Message is too large to send: the event would exceed Pusher's ${PUSHER_EVENT_MAX_BYTES / 1024} KB limit (use fewer special characters)`,
  });

export const sendMessageSchema = z.object({ message: messageField });

export const BROADCAST_ROLES = ["USER", "ADMIN"] as const;
export type BroadcastRole = (typeof BROADCAST_ROLES)[number];

/** POST /api/admin/broadcast: no role means every signed-in user. */
export const broadcastSchema = z.object({
  message: messageField,
  role: z.enum(BROADCAST_ROLES, { error: 'Role must be "USER" or "ADMIN"' }).optional(),
  /** The sending admin gets their own broadcast only when asked (they wrote it). */
  includeSelf: z.boolean({ error: "includeSelf must be true or false" }).optional(),
});

export type BroadcastInput = z.infer<typeof broadcastSchema>;

export type SendMessageInput = z.infer<typeof sendMessageSchema>;
