import "server-only";

import { ADMIN_CHANNEL, AdminEvents } from "@/lib/pusher/channels";
import { pusherServer } from "@/lib/pusher/server";

/** What the live inspector shows. Keep `summary` human-readable; never put secrets in `detail`. */
export type ActivityKind =
  | "sign-in"
  | "sign-in-refused"
  | "connection-confirmed"
  | "disconnect"
  | "message-sent"
  | "message-delivered"
  | "message-read"
  | "broadcast"
  | "webhook"
  | "admin-action";

export interface Activity {
  kind: ActivityKind;
  /** ISO time the server observed it. */
  at: string;
  userId?: string | null;
  summary: string;
  detail?: Record<string, unknown>;
}

/**
 * Streams one activity line to every open inspector (admins on ADMIN_CHANNEL). Best-effort: the
 * action it describes already happened, so a failure here is logged and swallowed.
 */
export async function publishActivity(activity: Omit<Activity, "at">): Promise<void> {
  const payload: Activity = { ...activity, at: new Date().toISOString() };
  try {
    await pusherServer.trigger(ADMIN_CHANNEL, AdminEvents.activity, payload);
  } catch (error) {
    console.warn(`[inspector] could not publish ${activity.kind}:`, error instanceof Error ? error.message : String(error));
  }
}
