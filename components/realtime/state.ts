/**
 * The realtime connection as the UI sees it, and the pure rules that turn pusher-js events into
 * it. No React and no pusher-js import, so tests exercise the rules directly.
 */
import type { MessageReadPayload } from "@/lib/messages/message-types";

export type RealtimeStatus = "connecting" | "signing-in" | "signed-in" | "signin-failed" | "disconnected" | "unavailable";

export interface RealtimeState {
  status: RealtimeStatus;
  /** The current socket's id while connected. */
  socketId: string | null;
  /** Why sign-in failed, when status is "signin-failed". */
  error: string | null;
  /**
   * When a failed sign-in is tried again (epoch ms), while the failure is retryable (5xx, network);
   * null once it is final (401/403) or when nothing failed.
   */
  retryAt: number | null;
  /** An administrator closed this user's connections; the client stays offline. */
  terminated: boolean;
}

export const INITIAL_REALTIME_STATE: RealtimeState = {
  status: "connecting",
  socketId: null,
  error: null,
  retryAt: null,
  terminated: false,
};

export const TERMINATED_MESSAGE = "You were disconnected by an administrator";

/**
 * The exact words shown in the `realtime-status` element. `now` is only needed while a failed
 * sign-in waits for its retry ("…, retrying in 4 s").
 */
export function describeStatus(
  state: Pick<RealtimeState, "status" | "error"> & { retryAt?: number | null },
  now: number = Date.now(),
): string {
  switch (state.status) {
    case "connecting":
      return "Connecting…";
    case "signing-in":
      return "Connected (signing in…)";
    case "signed-in":
      return "Signed in";
    case "signin-failed": {
      const reason = state.error ?? "unknown error";
      if (state.retryAt == null) return `Sign-in failed: ${reason}`;
      // The retry first: the header truncates long status text.
      const seconds = Math.ceil((state.retryAt - now) / 1000);
      return `Sign-in failed, retrying ${seconds > 0 ? `in ${seconds} s` : "now"} (${reason})`;
    }
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
  // The ajax transport reports status 0 when nothing answered: the app is restarting or unreachable.
  if (status === 0) return "the app could not be reached";
  if (typeof status === "number") return `the server answered HTTP ${status}`;
  if (typeof error === "string" && error) return error;
  return "unknown error";
}

/**
 * Whether a failed sign-in is worth trying again on the same connection: the server's trouble
 * (5xx, 503 during a database outage), a timeout or throttling (408, 429), or no answer at all
 * (status 0 or none: the app is restarting or unreachable). 401 (session ended) and 403 (banned,
 * revoked) are final, as is any other 4xx: asking again would get the same answer.
 */
export function isRetryableSigninError(event: unknown): boolean {
  const { status } = (event ?? {}) as { status?: unknown };
  if (typeof status !== "number" || status === 0) return true;
  return status >= 500 || status === 408 || status === 429;
}

export const SIGNIN_RETRY_BASE_MS = 1_000;
export const SIGNIN_RETRY_MAX_MS = 30_000;

/**
 * Exponential backoff with jitter for the n-th retry (0-based): 1 s, 2 s, 4 s … capped at 30 s,
 * each drawn from [50 %, 100 %] of that, so thousands of tabs failing together (a database
 * outage, an app restart) don't all come back in the same instant.
 */
export function signinRetryDelayMs(attempt: number, random: () => number = Math.random): number {
  const ceiling = Math.min(SIGNIN_RETRY_MAX_MS, SIGNIN_RETRY_BASE_MS * 2 ** Math.min(attempt, 30));
  return Math.round(ceiling / 2 + (ceiling / 2) * random());
}

/**
 * The authorized-connections timeout (close 4009 "…not authorized within timeout"): the server
 * closed a socket that did not sign in in time, e.g. because the app was down. pusher-js treats
 * every 4000-4099 close as final, so the client reconnects by itself to sign in again.
 */
export function isAuthorizationTimeout(error: unknown): boolean {
  const data = (error as { data?: { code?: unknown; message?: unknown } } | null)?.data;
  return data?.code === 4009 && typeof data.message === "string" && /not authori[sz]ed within timeout/i.test(data.message);
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
