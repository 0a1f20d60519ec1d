import "server-only";

import { after } from "next/server";

/**
 * Work a request started but must not wait for (admin notifications, inspector lines). On
 * serverless hosts the function may be frozen once the response is sent; after() asks Next to keep
 * it alive until the task settles. Outside a request (tests, scripts, timers) after() throws, and
 * there the Node process outlives the task anyway.
 */
export function keepAliveAfterResponse(task: Promise<unknown>): void {
  try {
    after(task);
  } catch {
    // Not in a request scope.
  }
}
