/**
 * The optional Origin allowlist of the WebSocket upgrade. It stops a page on another site from
 * opening sockets to this server from a visitor's browser (browsers always send Origin on a
 * WebSocket upgrade and scripts cannot change it). Non-browser clients can send any Origin, so
 * it is no substitute for authentication; with an allowlist they must send a listed one too.
 */
import { quoted } from "./protocol";

export const ANY_ORIGIN = "*";

/**
 * Entries are compared exactly with the header, so each must be an origin as browsers serialise
 * it: lower-case scheme and host, port only when not the default, no path or trailing slash.
 */
export function originEntryProblem(entry: string): string | undefined {
  if (entry === ANY_ORIGIN) return undefined;
  let origin: string;
  try {
    origin = new URL(entry).origin;
  } catch {
    return `${quoted(entry)} is not an origin (expected scheme://host[:port], e.g. http://localhost:3000)`;
  }
  if (origin === "null") return `${quoted(entry)} has no origin a browser would send (expected scheme://host[:port])`;
  if (origin !== entry) return `${quoted(entry)} is not written as browsers send it (use ${quoted(origin)})`;
  return undefined;
}

/** The problem with a whole list, naming the entry; "*" means any origin and must stand alone. */
export function allowlistProblem(entries: readonly string[]): string | undefined {
  if (entries.length === 0) return "must list at least one origin (omit it to allow any)";
  if (entries.includes(ANY_ORIGIN) && entries.length > 1)
    return `${quoted(ANY_ORIGIN)} allows any origin and cannot be combined with others`;
  for (const [index, entry] of entries.entries()) {
    const problem = originEntryProblem(entry);
    if (problem !== undefined) return `entry ${index}: ${problem}`;
  }
  return undefined;
}

/** undefined means any origin. Call allowlistProblem first. */
export function toAllowlist(entries: readonly string[] | undefined): ReadonlySet<string> | undefined {
  if (entries === undefined || entries.includes(ANY_ORIGIN)) return undefined;
  return new Set(entries);
}

/** A missing header is not listed either: with an allowlist, every client must name its origin. */
export function isOriginAllowed(allowlist: ReadonlySet<string> | undefined, origin: string | undefined): boolean {
  return allowlist === undefined || (origin !== undefined && allowlist.has(origin));
}
