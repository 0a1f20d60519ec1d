import "server-only";

import { isDatabaseUnavailable } from "@/lib/db/unavailable";
import { jsonResponse } from "@/lib/http/json-response";

/** What every endpoint says while the database is down; never the driver's or Prisma's text. */
export const DATABASE_UNAVAILABLE_MESSAGE = "The database is unavailable right now. Try again in a few seconds.";
/** Seconds a client should wait; Pusher's webhook retries and pusher-js's sign-in retry use their own backoff. */
export const DATABASE_RETRY_AFTER_SECONDS = 5;

export function databaseUnavailableResponse(): Response {
  return jsonResponse({ error: DATABASE_UNAVAILABLE_MESSAGE }, 503, { "Retry-After": String(DATABASE_RETRY_AFTER_SECONDS) });
}

/** One log line per failed request, without the query or the driver's full message. */
function logOutage(request: unknown, error: unknown): void {
  const path = request instanceof Request ? new URL(request.url).pathname : "?";
  const code = (error as { code?: unknown } | null)?.code;
  console.error(`[db] database unavailable: ${path} answered 503${typeof code === "string" ? ` (${code})` : ""}`);
}

/**
 * Wraps a route handler so a database outage answers 503 with Retry-After and a readable JSON
 * error instead of Next's empty 500 (and the browser-visible text stays ours). Applied in the
 * app/** route files, around the lib/ handler they delegate to, so every database-backed endpoint
 * gets the same answer and the handlers keep their own error handling. Other errors are rethrown
 * unchanged: they are bugs, and a 500 is the right answer.
 */
export function answeringDatabaseOutage<Args extends unknown[]>(
  handler: (...args: Args) => Promise<Response>,
): (...args: Args) => Promise<Response> {
  return async (...args: Args) => {
    try {
      return await handler(...args);
    } catch (error) {
      if (!isDatabaseUnavailable(error)) throw error;
      logOutage(args[0], error);
      return databaseUnavailableResponse();
    }
  };
}
