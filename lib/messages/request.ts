import "server-only";

import type { z } from "zod";

import { jsonError } from "@/lib/admin/http";
import { firstIssueMessage } from "@/lib/admin/schemas";

/** Bodies larger than this can't hold a valid message; refuse them before parsing. */
const MAX_REQUEST_BYTES = 64 * 1024;

/**
 * Reads a JSON request body and validates it, answering 415/413/400 the same way for every
 * message-sending endpoint. Requiring JSON also keeps plain cross-site form posts out.
 */
export async function parseJsonBody<S extends z.ZodType>(request: Request, schema: S, example: string): Promise<{ data: z.output<S> } | { response: Response }> {
  const contentType = request.headers.get("content-type") ?? "";
  if (!/^application\/json\b/i.test(contentType)) return { response: jsonError(415, 'Send JSON: Content-Type must be "application/json".') };
  const raw = await request.text();
  if (Buffer.byteLength(raw) > MAX_REQUEST_BYTES) return { response: jsonError(413, "Request body is too large.") };
  let input: unknown;
  try {
    input = JSON.parse(raw);
  } catch {
    return { response: jsonError(400, `Body must be JSON like ${example}.`) };
  }
  const parsed = schema.safeParse(input);
  if (!parsed.success) {
    return {
      response: jsonError(400, firstIssueMessage(parsed.error), {
        issues: parsed.error.issues.map((issue) => ({ path: issue.path.join("."), message: issue.message })),
      }),
    };
  }
  return { data: parsed.data };
}
