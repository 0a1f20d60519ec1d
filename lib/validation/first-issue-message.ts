/**
 * The first problem of a failed zod parse, phrased for a person: the `error` of an API answer and
 * the message a form shows before posting. No server imports (the admin forms use it too).
 */
import type { z } from "zod";

export function firstIssueMessage(error: z.ZodError): string {
  return error.issues[0]?.message ?? "Invalid input";
}
