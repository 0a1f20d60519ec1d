/**
 * One line about a caught error for a server log, shared by every module that logs a failure it
 * survives (roster, messages, inspector, admin, metrics). Never empty: an Error without a message
 * (some driver errors) is named by its class and code instead.
 */
export function describeError(error: unknown): string {
  if (error instanceof Error) {
    // pusher's RequestError carries the HTTP status and body, which say far more than its message;
    // Prisma's and the drivers' errors carry a code (P1001, ECONNREFUSED).
    const { status, body, code } = error as Error & { status?: number; body?: string; code?: unknown };
    const detail = [
      typeof code === "string" ? code : null,
      status !== undefined ? `HTTP ${status}` : null,
      body ? body.trim().slice(0, 200) : null,
    ]
      .filter(Boolean)
      .join(" ");
    const message = error.message || error.name;
    return detail ? `${message} (${detail})` : message;
  }
  return String(error);
}
