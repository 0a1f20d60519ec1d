/**
 * The sign-in throttle's error as it travels through next-auth, and the sentence the login page
 * makes of it. No server imports (the login form uses it), same pattern as lib/auth/ban-status.ts: an
 * Error thrown in `authorize` reaches the client as the `error` string, so the retry time travels
 * encoded behind a prefix.
 */

export const THROTTLED_ERROR_PREFIX = "LoginThrottled:";

export interface ThrottleDetails {
  /** ISO time from which a new attempt is accepted. */
  retryAt: string;
}

export function encodeThrottleError(retryAt: Date): string {
  const details: ThrottleDetails = { retryAt: retryAt.toISOString() };
  return THROTTLED_ERROR_PREFIX + JSON.stringify(details);
}

export function decodeThrottleError(error: string | null | undefined): ThrottleDetails | null {
  if (!error?.startsWith(THROTTLED_ERROR_PREFIX)) return null;
  try {
    const parsed = JSON.parse(error.slice(THROTTLED_ERROR_PREFIX.length)) as Partial<ThrottleDetails>;
    if (typeof parsed.retryAt === "string" && !Number.isNaN(new Date(parsed.retryAt).getTime())) return { retryAt: parsed.retryAt };
  } catch {
    // fall through: still a throttle error, just without a usable time
  }
  return { retryAt: "" };
}

/**
 * "Too many failed sign-in attempts. Try again in 14 minutes (at 10:05)." The clock time is the
 * viewer's local time (the form runs in the browser); `formatTime` is replaceable for tests.
 */
export function throttleMessage(
  details: ThrottleDetails,
  now: Date = new Date(),
  formatTime: (time: Date) => string = (time) => time.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" }),
): string {
  const base = "Too many failed sign-in attempts.";
  const retryAt = new Date(details.retryAt);
  if (Number.isNaN(retryAt.getTime())) return `${base} Please try again later.`;
  const minutes = Math.max(1, Math.ceil((retryAt.getTime() - now.getTime()) / 60_000));
  return `${base} Try again in ${minutes} minute${minutes === 1 ? "" : "s"} (at ${formatTime(retryAt)}).`;
}
