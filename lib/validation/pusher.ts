/**
 * The bodies pusher-js posts to the auth endpoints (application/x-www-form-urlencoded).
 */
import { z } from "zod";

import { SOCKET_ID_PATTERN } from "@/lib/pusher/channels";

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

/** Reads a form body into plain strings; a malformed body reads as empty (and then fails validation). */
export async function readFormFields(request: Request): Promise<Record<string, string>> {
  try {
    const form = await request.formData();
    const fields: Record<string, string> = {};
    for (const [key, value] of form.entries()) {
      if (typeof value === "string" && !(key in fields)) fields[key] = value;
    }
    return fields;
  } catch {
    return {};
  }
}

/** The first issue's message, for a `{ error }` response body. */
export function firstIssue(error: z.ZodError): string {
  return error.issues[0]?.message ?? "invalid request";
}
