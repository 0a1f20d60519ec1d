/**
 * Makes X-Forwarded-For tell the truth about the last hop inside the Next server process.
 *
 * Next 16 only fills X-Forwarded-For from the socket when the request has none
 * (`req.headers["x-forwarded-for"] ??= socket.remoteAddress` in next/dist/server/base-server.js),
 * and route handlers never see the socket. So a client that sends its own X-Forwarded-For would
 * choose the address sign-in throttling counts against. Appending the socket address to every
 * incoming request, before Next reads the headers, gives the app what a reverse proxy gives it:
 * the last entry is the peer that connected, the ones before it are what that peer claimed.
 * lib/auth/client-address.ts reads the list with TRUST_PROXY_HOPS.
 *
 * Installed once per process from instrumentation.ts (`register()` runs in the server process
 * before it handles requests). Next gives no hook on its HTTP server, hence the patch of
 * `http.Server.prototype.emit` for "request" events; nothing else is touched.
 */
import { Server, type IncomingMessage } from "node:http";

const INSTALLED = Symbol.for("pusher-user-auth-reference.forwarded-for");

/** Appends `req.socket.remoteAddress` to the request's X-Forwarded-For (creating it if absent). */
export function appendSocketAddress(req: IncomingMessage): void {
  const peer = req.socket?.remoteAddress;
  if (!peer) return;
  const existing = req.headers["x-forwarded-for"];
  const claimed = (Array.isArray(existing) ? existing.join(", ") : (existing ?? "")).trim();
  req.headers["x-forwarded-for"] = claimed ? `${claimed}, ${peer}` : peer;
}

/** Idempotent: a second call (dev-server reloads) does nothing. */
export function appendSocketAddressToForwardedFor(): void {
  const proto = Server.prototype as Server & { [INSTALLED]?: true };
  if (proto[INSTALLED]) return;
  proto[INSTALLED] = true;
  const emit = proto.emit as (this: Server, event: string | symbol, ...args: unknown[]) => boolean;
  proto.emit = function (this: Server, event: string | symbol, ...args: unknown[]): boolean {
    if (event === "request") appendSocketAddress(args[0] as IncomingMessage);
    return emit.call(this, event, ...args);
  } as Server["emit"];
}
