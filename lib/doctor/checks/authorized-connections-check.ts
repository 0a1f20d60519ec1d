/**
 * The authorized-connections timeout bounds how long a user-auth answer saved before a revocation
 * stays usable (README, "Revocation reaches every socket"). Verifying it means waiting the whole
 * timeout (30 s by default) with a socket that never signs in, so it runs only when asked
 * (--authorized-timeout); otherwise it is a warning that says how to run it.
 */
import { authorizedConnectionsFix } from "../advice";
import { result, seconds, type CheckContext } from "../check-context";
import { ProbeConnectError, ProbeSocket } from "../probe-socket";
import type { CheckResult } from "../doctor-types";

const NAME = "authorized connections";
/** Sweeps and network: how much later than the stated timeout a close still counts. */
const MARGIN_MS = 5_000;

export async function checkAuthorizedConnections(ctx: CheckContext): Promise<CheckResult> {
  const timeoutMs = ctx.options.env.authorizedConnectionsTimeoutMs;
  const kind = ctx.target.backend.kind;
  if (!ctx.options.verifyAuthorizedTimeout) {
    return result(
      NAME,
      "warn",
      `not verified: PUSHER_AUTHORIZED_CONNECTIONS_TIMEOUT_MS=${timeoutMs} is what the app assumes the backend enforces`,
      [
        `run npm run doctor -- --authorized-timeout to verify it (waits up to ${seconds(timeoutMs + MARGIN_MS)})`,
        ...authorizedConnectionsFix(kind, timeoutMs),
      ],
    );
  }
  let socket: ProbeSocket;
  try {
    socket = await ProbeSocket.open(ctx.target.socketUrl, { origin: ctx.target.origin, timeoutMs: ctx.timeouts.connectMs });
  } catch (error) {
    if (!(error instanceof ProbeConnectError)) throw error;
    return result(NAME, "skip", "not checked: needs the websocket (see the websocket check)");
  }
  const openedAt = Date.now();
  try {
    const close = await socket.closedWithin(timeoutMs + MARGIN_MS);
    if (!close) {
      return result(
        NAME,
        "fail",
        `a socket that never signed in is still open after ${seconds(timeoutMs + MARGIN_MS)}: revocation is not bounded by PUSHER_AUTHORIZED_CONNECTIONS_TIMEOUT_MS`,
        authorizedConnectionsFix(kind, timeoutMs),
      );
    }
    const after = Date.now() - openedAt;
    if (close.code !== 4009)
      return result(
        NAME,
        "fail",
        `the unauthorized socket was closed with ${close.code}, not 4009, after ${seconds(after)}`,
        authorizedConnectionsFix(kind, timeoutMs),
      );
    const sooner = after < timeoutMs - MARGIN_MS ? `, sooner than the ${timeoutMs} ms the app assumes (harmless)` : "";
    return result(
      NAME,
      "ok",
      `a socket that never signed in was closed with 4009 after ${seconds(after)} (PUSHER_AUTHORIZED_CONNECTIONS_TIMEOUT_MS=${timeoutMs}${sooner})`,
    );
  } finally {
    socket.close();
  }
}
