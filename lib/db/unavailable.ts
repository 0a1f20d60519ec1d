/**
 * Recognises "the database is unavailable right now" among the errors a query can throw: the
 * server is down, restarting, unreachable, out of connections, or (SQLite) the file is locked or
 * unreadable. These are worth answering 503 + Retry-After (the caller may try again and will
 * succeed once the database is back: Prisma reconnects by itself); anything else is a bug or bad
 * data and stays a 500.
 *
 * Errors arrive in several shapes, so every layer is looked at: Prisma's own codes (P1001 can't
 * reach, P1002 timed out, P1017 server closed the connection, P2024 pool timeout), the driver
 * adapter's error kind in `meta.driverAdapterError.cause` (DatabaseNotReachable, ConnectionClosed,
 * SocketTimeout, TooManyConnections, or a PostgreSQL / SQLite code), node's socket codes
 * (ECONNREFUSED, ECONNRESET, ...), PostgreSQL SQLSTATEs (57P01-57P03 shutting down / starting up,
 * 53300 too many connections, 08xxx connection exceptions) and SQLite's busy / locked / can't open.
 * Nothing here imports Prisma or the driver, so it works with either generated client.
 */

const PRISMA_CODES = new Set(["P1001", "P1002", "P1008", "P1017", "P2024"]);
const ADAPTER_KINDS = new Set(["DatabaseNotReachable", "ConnectionClosed", "SocketTimeout", "TooManyConnections", "TlsConnectionError"]);
const NODE_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EPIPE", "EHOSTUNREACH", "ENETUNREACH", "EAI_AGAIN", "ENOTFOUND"]);
const SQLITE_CODES = new Set(["SQLITE_BUSY", "SQLITE_LOCKED", "SQLITE_CANTOPEN", "SQLITE_IOERR", "SQLITE_PROTOCOL", "SQLITE_READONLY"]);
/** SQLSTATE: admin shutdown, crash shutdown, cannot connect now; too many connections. */
const POSTGRES_CODES = new Set(["57P01", "57P02", "57P03", "53300"]);

const MESSAGES = [
  /can't reach database server/i,
  /database is locked/i,
  /database server .* closed the connection/i,
  /server closed the connection unexpectedly/i,
  /connection terminated/i,
  /terminating connection due to administrator command/i,
  /the database system is (starting up|shutting down|in recovery mode)/i,
  /timed out fetching a new connection from the connection pool/i,
  /unable to open database file/i,
];

function codeMatches(code: unknown): boolean {
  if (typeof code !== "string") return false;
  if (PRISMA_CODES.has(code) || NODE_CODES.has(code) || POSTGRES_CODES.has(code)) return true;
  // SQLSTATE class 08: connection exceptions.
  if (/^08[0-9A-Z]{3}$/.test(code)) return true;
  // better-sqlite3 codes come extended too: SQLITE_BUSY_SNAPSHOT, SQLITE_IOERR_READ, ...
  return [...SQLITE_CODES].some((sqlite) => code === sqlite || code.startsWith(`${sqlite}_`));
}

/** Whether `error`, or anything it wraps, says the database cannot be used at the moment. */
export function isDatabaseUnavailable(error: unknown): boolean {
  const seen = new Set<unknown>();
  const pending: unknown[] = [error];
  while (pending.length > 0) {
    const current = pending.pop();
    if (!current || typeof current !== "object" || seen.has(current)) continue;
    seen.add(current);
    const value = current as {
      code?: unknown;
      kind?: unknown;
      message?: unknown;
      cause?: unknown;
      meta?: { driverAdapterError?: unknown };
      errors?: unknown;
    };
    if (codeMatches(value.code)) return true;
    if (typeof value.kind === "string" && ADAPTER_KINDS.has(value.kind)) return true;
    // The adapter's database codes ride on { kind: "postgres" | "sqlite", code } (checked above).
    if (typeof value.message === "string" && MESSAGES.some((pattern) => pattern.test(value.message as string))) return true;
    pending.push(value.cause, value.meta?.driverAdapterError);
    if (Array.isArray(value.errors)) pending.push(...value.errors);
  }
  return false;
}
