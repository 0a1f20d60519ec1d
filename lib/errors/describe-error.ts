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
    const message = oneLine(error.message) || error.name;
    return detail ? `${message} (${detail})` : message;
  }
  return oneLine(String(error)) || "unknown error";
}

/** Prisma's messages start with a newline and span many lines; a log line must not. */
function oneLine(text: string): string {
  const line = text.replace(/\s+/g, " ").trim();
  return line.length > 300 ? `${line.slice(0, 299)}…` : line;
}
