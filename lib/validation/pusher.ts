/**
 * The bodies pusher-js posts to the auth endpoints (application/x-www-form-urlencoded).
 */
import { z } from "zod";

import { readCappedBody } from "@/lib/http/read-capped-body";
import { SOCKET_ID_PATTERN } from "@/lib/pusher/channel-names";

export const socketIdSchema = z
  .string({ error: "socket_id is required" })
  .min(1, "socket_id is required")
  .max(64, "socket_id is too long")
  .regex(SOCKET_ID_PATTERN, "socket_id must look like 123.456");

/** The protocol's channel-name alphabet and length limit. */
export const channelNameSchema = z
  .string({ error: "channel_name is required" })
  .min(1, "channel_name is required")
  .max(164, "channel_name is longer than 164 characters")
  .regex(/^[A-Za-z0-9_\-=@,.;]+$/, "channel_name contains characters outside [A-Za-z0-9_-=@,.;]");

export const userAuthBodySchema = z.object({ socket_id: socketIdSchema });
export const channelAuthBodySchema = z.object({ socket_id: socketIdSchema, channel_name: channelNameSchema });

/**
 * Largest body /pusher/user-auth and /pusher/auth read. pusher-js sends socket_id (≤ 64 chars) and
 * channel_name (≤ 164), plus any params the app configures (none): 4 KiB is ample, and anything
 * larger is refused with 413 before it is buffered.
 */
export const PUSHER_AUTH_MAX_BODY_BYTES = 4 * 1024;

export type FormFields = { ok: true; fields: Record<string, string> } | { ok: false; status: 400 | 413; error: string };

/**
 * Reads pusher-js's form body (application/x-www-form-urlencoded) into plain strings, first value
 * per key, stopping at PUSHER_AUTH_MAX_BODY_BYTES. Another content type reads as no fields (and
 * then fails validation with the missing field's message).
 */
export async function readFormFields(request: Request): Promise<FormFields> {
  const body = await readCappedBody(request, PUSHER_AUTH_MAX_BODY_BYTES);
  if (!body.ok) return body;
  const fields: Record<string, string> = {};
  if (!/^application\/x-www-form-urlencoded\b/i.test(request.headers.get("content-type") ?? "")) return { ok: true, fields };
  for (const [key, value] of new URLSearchParams(body.bytes.toString("utf8"))) {
    if (!(key in fields)) fields[key] = value;
  }
  return { ok: true, fields };
}
