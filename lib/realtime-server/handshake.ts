/**
 * What a WebSocket upgrade request must carry before it becomes a connection: the /app/{key}
 * path with this server's key and protocol 7. Refusals are sent as `pusher:error` plus the same
 * close code, which pusher-js reads as "refused" (no reconnect).
 */
import type { IncomingMessage } from "node:http";
import { CloseCodes, PROTOCOL_VERSION, quoted, type ProtocolError } from "./protocol";

const APP_PATH = /^\/app\/([^/]+)$/;

export function handshakeProblem(request: IncomingMessage, key: string): ProtocolError | undefined {
  let url: URL;
  try {
    url = new URL(request.url ?? "/", "http://localhost");
  } catch {
    return CloseCodes.pathNotFound;
  }
  const match = APP_PATH.exec(url.pathname);
  if (!match) return CloseCodes.pathNotFound;
  let requestedKey: string;
  try {
    requestedKey = decodeURIComponent(match[1] ?? "");
  } catch {
    return CloseCodes.appNotFound;
  }
  if (requestedKey !== key) return { code: CloseCodes.appNotFound.code, message: `App key ${quoted(requestedKey)} does not exist` };
  const protocol = url.searchParams.get("protocol");
  if (protocol === null || protocol === "") return CloseCodes.noProtocol;
  if (Number(protocol) !== PROTOCOL_VERSION) {
    return {
      code: CloseCodes.unsupportedProtocol.code,
      message: `Unsupported protocol version ${quoted(protocol, 10)} (supported: ${PROTOCOL_VERSION})`,
    };
  }
  return undefined;
}

/**
 * The TCP peer of the upgrade. X-Forwarded-For is deliberately not read: this is a development
 * server bound to loopback by default, and a forwarded header is whatever the client claims.
 * IPv4 peers of a dual-stack socket are reported as ::ffff:a.b.c.d; they count as a.b.c.d.
 */
export function clientAddress(request: IncomingMessage): string {
  const address = request.socket.remoteAddress ?? "unknown";
  return address.startsWith("::ffff:") ? address.slice("::ffff:".length) : address;
}
