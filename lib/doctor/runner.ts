/**
 * Runs every check against the configured backend and collects one result per check, in a fixed
 * order. Independent groups run at the same time (the webhook probe and the authorized-connections
 * wait take seconds); every socket the doctor opens is closed before it returns.
 */
import { checkAuthorizedConnections } from "./checks/authorized-connections-check";
import { checkClientEvents } from "./checks/client-events-check";
import { checkEnvironment } from "./checks/environment-check";
import { checkClockSkew, checkCredentials } from "./checks/http-api-check";
import { checkUserAuthentication, skippedUserAuthChecks } from "./checks/user-authentication-check";
import { checkWebhooks } from "./checks/webhooks-check";
import { checkWebSocket } from "./checks/websocket-check";
import { createContext } from "./check-context";
import { describeTarget } from "./target";
import type { DoctorOptions, DoctorReport } from "./doctor-types";

export async function runDoctor(options: DoctorOptions): Promise<DoctorReport> {
  const ctx = createContext(options);
  // First, alone: without accepted credentials, sendToUser and terminate can't say anything.
  const credentials = await checkCredentials(ctx);
  const apiRefused =
    credentials.status === "fail" ? "not checked: the HTTP API refuses this app's credentials (see credentials)" : undefined;
  const userAuth = (async () => {
    const { check, socket } = await checkWebSocket(ctx);
    if (!socket) return [check, ...skippedUserAuthChecks("not checked: needs the websocket (above)")];
    try {
      return [check, ...(await checkUserAuthentication(ctx, socket, { apiRefused }))];
    } finally {
      socket.close();
    }
  })();
  const [clock, realtime, webhooks, authorized] = await Promise.all([
    checkClockSkew(ctx),
    userAuth,
    checkWebhooks(ctx),
    checkAuthorizedConnections(ctx),
  ]);
  const checks = [checkEnvironment(options.env), credentials, clock, ...realtime, checkClientEvents(), ...webhooks, authorized];
  return { target: describeTarget(ctx.target), checks, passed: checks.every((check) => check.status !== "fail") };
}
