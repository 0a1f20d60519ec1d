/**
 * The WebSocket at the address, port and TLS the browser uses (PUSHER_PUBLIC_HOST/PORT, else
 * PUSHER_HOST/PORT; wss on an https page whatever PUSHER_USE_TLS says, as pusher-js does), with the
 * app's Origin. The socket it opens is handed on to the user-authentication checks.
 */
import { result, type CheckContext } from "../check-context";
import { ProbeConnectError, ProbeSocket } from "../probe-socket";
import { socketAddress } from "../target";
import type { CheckResult } from "../doctor-types";

const NAME = "websocket";

export async function checkWebSocket(ctx: CheckContext): Promise<{ check: CheckResult; socket?: ProbeSocket }> {
  const { target } = ctx;
  const address = socketAddress(target.socketUrl);
  try {
    const socket = await ProbeSocket.open(target.socketUrl, { origin: target.origin, timeoutMs: ctx.timeouts.connectMs });
    return { check: result(NAME, "ok", `connected to ${address} as the browser would (socket ${socket.socketId})`), socket };
  } catch (error) {
    if (!(error instanceof ProbeConnectError)) throw error;
    return { check: result(NAME, "fail", `${address}: ${error.message}`, socketFix(ctx, error)) };
  }
}

function socketFix(ctx: CheckContext, error: ProbeConnectError): string[] {
  const { backend } = ctx.target;
  const publicVars =
    backend.kind === "hosted" ? "PUSHER_CLUSTER" : "PUSHER_PUBLIC_HOST / PUSHER_PUBLIC_PORT (else PUSHER_HOST / PUSHER_PORT)";
  switch (error.code) {
    case 4001:
      return ["PUSHER_KEY: the backend knows no app with this key (soketi: SOKETI_DEFAULT_APP_KEY; hosted: App Keys)"];
    case 4003:
      return ["the app is disabled on the backend: enable it"];
    case 4004:
      return [
        "the backend is over its connection quota (hosted: plan limits; embedded: PUSHER_MAX_CONNECTIONS / PUSHER_MAX_CONNECTIONS_PER_IP)",
      ];
    case 4009:
      return [
        `the backend refused the app's Origin ${ctx.target.origin}: add it to the backend's allowed origins (embedded: PUSHER_ALLOWED_ORIGINS)`,
      ];
  }
  if (/TLS/.test(error.message)) {
    return [
      `the browser uses ${ctx.target.socketUrl.startsWith("wss:") ? "wss" : "ws"} here: PUSHER_USE_TLS=true needs a TLS listener (a proxy in front of the backend) on the public port; an https app page always makes pusher-js use wss`,
    ];
  }
  if (backend.kind === "embedded") {
    return [
      `the embedded server runs inside the app's launcher: start the app (npm run dev / npm start) or check PUSHER_PORT (${backend.port})`,
    ];
  }
  return [`${publicVars}: where browsers reach the backend's WebSocket`];
}
