/**
 * The realtime connection as the UI sees it, and the pure rules that turn pusher-js events into
 * it. No React and no pusher-js import, so tests exercise the rules directly.
 */
import type { MessageReadPayload } from "@/lib/messages/types";

export type RealtimeStatus = "connecting" | "signing-in" | "signed-in" | "signin-failed" | "disconnected" | "unavailable";

export interface RealtimeState {
  status: RealtimeStatus;
  /** The current socket's id while connected. */
  socketId: string | null;
  /** Why sign-in failed, when status is "signin-failed". */
  error: string | null;
  /** An administrator closed this user's connections; the client stays offline. */
  terminated: boolean;
}

export const INITIAL_REALTIME_STATE: RealtimeState = { status: "connecting", socketId: null, error: null, terminated: false };

export const TERMINATED_MESSAGE = "You were disconnected by an administrator";

/** The exact words shown in the `realtime-status` element. */
export function describeStatus(state: Pick<RealtimeState, "status" | "error">): string {
  switch (state.status) {
    case "connecting":
      return "Connecting…";
    case "signing-in":
      return "Connected (signing in…)";
    case "signed-in":
      return "Signed in";
    case "signin-failed":
      return `Sign-in failed: ${state.error ?? "unknown error"}`;
    case "disconnected":
      return "Disconnected";
    case "unavailable":
      return "Unavailable";
  }
}

/** pusher-js connection states → UI status. "connected" means the socket is up, not signed in yet. */
export function statusForConnectionState(state: string): RealtimeStatus {
  switch (state) {
    case "connected":
      return "signing-in";
    case "disconnected":
      return "disconnected";
    case "unavailable":
    case "failed":
      return "unavailable";
    default:
      return "connecting";
  }
}

/**
 * pusher-js's `pusher:signin_error` only carries a generic sentence with the HTTP status; the
 * status is what tells the user something, so it is translated here.
 */
export function signinErrorReason(event: unknown): string {
  const { status, error } = (event ?? {}) as { status?: unknown; error?: unknown };
  if (status === 401) return "your session has ended, sign in again";
  if (status === 403) return "this account is not allowed to connect";
  if (typeof status === "number") return `the server answered HTTP ${status}`;
  if (typeof error === "string" && error) return error;
  return "unknown error";
}

/**
 * Close code 4009 / pusher:error 4009 is "unauthorized": what terminate_connections sends. The
 * "authorized connections" timeout uses the same code, but with its own message, and is not an
 * administrator's doing.
 */
export function isAdminTermination(error: unknown): boolean {
  const data = (error as { data?: { code?: unknown; message?: unknown } } | null)?.data;
  if (!data || data.code !== 4009) return false;
  return !(typeof data.message === "string" && /not authori[sz]ed within timeout/i.test(data.message));
}

/** A message sent to the user with sendToUser(id, UserEvents.message, …). */
export interface ReceivedMessage {
  id: string;
  body: string;
  from: string | null;
  sentAt: string;
}

/** Server payloads are trusted but not blindly: anything malformed is dropped instead of crashing the UI. */
export function parseReceivedMessage(data: unknown): ReceivedMessage | null {
  if (!data || typeof data !== "object") return null;
  const { id, body, from, sentAt } = data as Record<string, unknown>;
  if (typeof body !== "string") return null;
  return {
    id: typeof id === "string" && id ? id : `local-${Date.now()}-${Math.random().toString(36).slice(2)}`,
    body,
    from: typeof from === "string" && from ? from : null,
    sentAt: typeof sentAt === "string" ? sentAt : new Date().toISOString(),
  };
}

/** UserEvents.messageRead: another tab of this user opened a message. Malformed payloads are dropped. */
export function parseMessageRead(data: unknown): MessageReadPayload | null {
  if (!data || typeof data !== "object") return null;
  const { messageId, readAt } = data as Record<string, unknown>;
  if (typeof messageId !== "string" || !messageId || typeof readAt !== "string") return null;
  return { messageId, readAt };
}
