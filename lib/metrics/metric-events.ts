import "server-only";

import { recordMetric } from "@/lib/metrics/record";
import { recordUserEvent } from "@/lib/metrics/user-events";

/*
 * One-line call sites for the places where things happen (sign-in, messages). Each only tallies in
 * memory or starts a background write: none waits, none throws.
 */

/** A password sign-in succeeded. */
export function noteSignIn(userId: string): void {
  recordMetric("password-sign-ins");
  recordUserEvent(userId, "sign-in", "Signed in with email and password");
}

/** A password sign-in was refused; `userId` when the email belongs to an account. */
export function noteRefusedSignIn(userId: string | null, why: string): void {
  recordMetric("password-refusals");
  if (userId) recordUserEvent(userId, "refused", why);
}

/** Messages stored by one send: how many, and how many of them went out to a live connection. */
export function noteMessagesSent(stored: number, live: number): void {
  recordMetric("messages-sent", stored);
  recordMetric("messages-live", live);
  recordMetric("messages-stored", stored - live);
}
