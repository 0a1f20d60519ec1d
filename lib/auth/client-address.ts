/**
 * The client address that sign-in throttling counts against, from X-Forwarded-For and
 * TRUST_PROXY_HOPS. No `server-only`: pure functions, unit-tested directly.
 *
 * What the app gets: next-auth v4's App Router handler passes `Object.fromEntries(await headers())`
 * to authorize() as `req.headers`; there is no socket address anywhere in it. Next 16's own server
 * (base-server.js) only does `req.headers["x-forwarded-for"] ??= socket.remoteAddress`: it neither
 * overwrites nor appends, so a header the client sent reaches the app unchanged and the socket
 * address is lost. That is why instrumentation.ts installs `appendSocketAddressToForwardedFor`
 * (lib/auth/forwarded-for.ts) in the Next server process: it appends the socket address to every
 * request's X-Forwarded-For, as a reverse proxy does, so the LAST entry is always the peer that
 * actually connected to Next.
 *
 * TRUST_PROXY_HOPS = N is the number of reverse proxies in front of the app that append to
 * X-Forwarded-For. The client is the entry N places left of the last one:
 *   0 (default): the last entry = the socket peer; anything the client wrote is ignored.
 *   1: one proxy (its address is the socket peer), the client is the entry it appended.
 * Entries further left were written by whoever sent the request and are never trusted.
 */

/** Where requests with no usable address are counted (all together, so it fails closed). */
export const UNKNOWN_CLIENT_ADDRESS = "unknown";

type HeaderBag = Headers | Record<string, string | string[] | undefined>;

function headerValues(headers: HeaderBag, name: string): string[] {
  if (headers instanceof Headers) {
    const value = headers.get(name);
    return value === null ? [] : [value];
  }
  const value = headers[name] ?? headers[name.toLowerCase()];
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

/** X-Forwarded-For entries, left to right (several headers count as one list, as RFC 7230 says). */
export function forwardedForEntries(headers: HeaderBag): string[] {
  return headerValues(headers, "x-forwarded-for")
    .flatMap((value) => value.split(","))
    .map((entry) => entry.trim())
    .filter((entry) => entry.length > 0);
}

/** The entry TRUST_PROXY_HOPS designates, normalised (see `throttleAddress`). */
export function clientAddress(headers: HeaderBag, trustProxyHops: number): string {
  const entries = forwardedForEntries(headers);
  if (entries.length === 0) return UNKNOWN_CLIENT_ADDRESS;
  // Fewer entries than hops means fewer proxies than configured; the leftmost is the best guess
  // (what Express's `trust proxy = N` does too).
  const index = Math.max(0, entries.length - 1 - trustProxyHops);
  return throttleAddress(entries[index]!);
}

/**
 * One key per client: IPv4 as is (IPv4-mapped IPv6 unwrapped, a ":port" dropped), IPv6 reduced to
 * its /64, because one subscriber usually gets a whole /64 and could otherwise rotate through 2^64
 * addresses. Anything that is not an IP address is kept verbatim (capped), so it still counts.
 */
export function throttleAddress(entry: string): string {
  let value = entry.trim().toLowerCase();
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(value);
  if (bracketed) value = bracketed[1]!;
  else if (/^\d{1,3}(\.\d{1,3}){3}:\d+$/.test(value)) value = value.slice(0, value.lastIndexOf(":"));
  value = value.replace(/%.*$/, ""); // IPv6 zone id
  const mapped = /^::ffff:(\d{1,3}(\.\d{1,3}){3})$/.exec(value);
  if (mapped) value = mapped[1]!;
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(value)) return value;
  const groups = expandIpv6(value);
  if (groups) return `${groups.slice(0, 4).join(":")}::/64`;
  return value.slice(0, 100) || UNKNOWN_CLIENT_ADDRESS;
}

/** The 8 hextets of an IPv6 address (without leading zeros), or null when it is not one. */
function expandIpv6(value: string): string[] | null {
  if (!value.includes(":") || !/^[0-9a-f:.]+$/.test(value)) return null;
  const halves = value.split("::");
  if (halves.length > 2) return null;
  const parse = (part: string) => (part === "" ? [] : part.split(":"));
  const head = parse(halves[0]!);
  const tail = halves.length === 2 ? parse(halves[1]!) : [];
  // An embedded IPv4 tail (::1.2.3.4) takes two hextets.
  const last = tail.length ? tail[tail.length - 1]! : head[head.length - 1];
  const v4 = last !== undefined && last.includes(".") ? 1 : 0;
  const missing = 8 - head.length - tail.length - v4;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return null;
  const groups = [...head, ...Array<string>(halves.length === 2 ? missing : 0).fill("0"), ...tail];
  if (v4) groups.pop();
  if (!groups.every((group) => /^[0-9a-f]{1,4}$/.test(group))) return null;
  return groups.map((group) => group.replace(/^0+(?=.)/, ""));
}
