/**
 * User authentication end to end, on the socket the websocket check opened: a throwaway user
 * (`doctor-{random}`, never a real account) signs in with a token the server SDK signs, exactly as
 * /pusher/user-auth signs the browser's; then sendToUser must reach it, its watchlist state must
 * arrive, and terminate_connections must close it with 4009 (so pusher-js does not reconnect).
 * Silence after pusher:signin is soketi with user authentication off: it answers nothing at all.
 */
import { randomBytes } from "node:crypto";

import { serverToUserChannel } from "../../pusher/channel-names";
import { userAuthenticationFix, watchlistFix } from "../advice";
import { networkCause, quote, result, seconds, type CheckContext } from "../check-context";
import type { ProbeSocket, PusherFrame } from "../probe-socket";
import type { CheckResult } from "../doctor-types";
import { refusalOf } from "./http-api-check";

export const USER_AUTH_CHECKS = ["user authentication", "send to user", "watchlist events", "terminate connections"] as const;

const PROBE_EVENT = "doctor-probe";
/** pusher:error codes that close the socket mean the sign-in itself was refused. */
const isSigninAnswer = (frame: PusherFrame) => frame.event === "pusher:signin_success" || frame.event === "pusher:error";

export function skippedUserAuthChecks(reason: string): CheckResult[] {
  return USER_AUTH_CHECKS.map((name) => result(name, "skip", reason));
}

/**
 * `apiRefused`: the credentials check failed, so the HTTP API half (sendToUser, terminate) is
 * skipped with that reason; the sign-in itself is still tried, it needs only the WebSocket.
 */
export async function checkUserAuthentication(
  ctx: CheckContext,
  socket: ProbeSocket,
  { apiRefused }: { apiRefused?: string } = {},
): Promise<CheckResult[]> {
  const { timeouts, sdk } = ctx;
  const kind = ctx.target.backend.kind;
  const userId = `doctor-${randomBytes(6).toString("hex")}`;
  const watched = `${userId}-peer`;
  const signin = sdk.authenticateUser(socket.socketId, { id: userId, user_info: { name: "Backend doctor" }, watchlist: [watched] });

  const startedAt = Date.now();
  socket.send("pusher:signin", signin);
  const answer = await socket.waitFor(isSigninAnswer, timeouts.signinMs);
  if (answer?.event !== "pusher:signin_success") {
    const checks = [signinFailure(ctx, socket, answer)];
    return [...checks, ...skippedUserAuthChecks("not checked: needs user authentication (above)").slice(1)];
  }
  const signedInAt = Date.now();
  const checks: CheckResult[] = [result("user authentication", "ok", `signed in as ${userId} in ${seconds(signedInAt - startedAt)}`)];

  const [delivery, watchlist] = await Promise.all([
    apiRefused ? result("send to user", "skip", apiRefused) : checkSendToUser(ctx, socket, userId),
    socket.waitFor((frame) => frame.event === "pusher_internal:watchlist_events", timeouts.watchlistMs - (Date.now() - signedInAt)),
  ]);
  checks.push(delivery);
  checks.push(
    watchlist
      ? result("watchlist events", "ok", `initial watchlist state received ${describeWatchlist(watchlist)}`)
      : result(
          "watchlist events",
          "warn",
          `no pusher_internal:watchlist_events within ${seconds(timeouts.watchlistMs)} of sign-in: contacts' online dots are unavailable (the page says so)`,
          watchlistFix(kind),
        ),
  );
  checks.push(apiRefused ? result("terminate connections", "skip", apiRefused) : await checkTerminate(ctx, socket, userId));
  return checks;
}

function signinFailure(ctx: CheckContext, socket: ProbeSocket, answer: PusherFrame | null): CheckResult {
  const kind = ctx.target.backend.kind;
  if (answer?.event === "pusher:error") {
    const { message = "", code } = (answer.data ?? {}) as { message?: string; code?: number };
    const said = `the backend refused pusher:signin with ${code ?? "an error"} ${quote(message)}`;
    if (/signature|auth/i.test(message))
      return result("user authentication", "fail", said, ["PUSHER_SECRET: the token was signed with it; see the credentials check"]);
    return result("user authentication", "fail", `${said}: this backend has no (working) user authentication`, userAuthenticationFix(kind));
  }
  const close = socket.closeState;
  if (close) {
    return result(
      "user authentication",
      "fail",
      `the backend closed the socket with ${close.code} ${quote(close.reason)} after pusher:signin`,
      userAuthenticationFix(kind),
    );
  }
  return result(
    "user authentication",
    "fail",
    `no answer to pusher:signin within ${seconds(ctx.timeouts.signinMs)}: the backend silently ignores sign-ins, so user authentication is off (the page would stay at "signing in…")`,
    userAuthenticationFix(kind),
  );
}

async function checkSendToUser(ctx: CheckContext, socket: ProbeSocket, userId: string): Promise<CheckResult> {
  const name = "send to user";
  const channel = serverToUserChannel(userId);
  // What pusher-js does after signin_success: join the user's own channel, with no auth.
  socket.send("pusher:subscribe", { channel, auth: "" });
  const joined = await socket.waitFor(
    (frame) => frame.channel === channel && /subscription_(succeeded|error)$/.test(frame.event),
    ctx.timeouts.deliveryMs,
  );
  if (joined?.event !== "pusher_internal:subscription_succeeded") {
    return result(name, "fail", `the backend did not confirm the subscription to ${channel} that pusher-js makes after signing in`, [
      "this backend does not implement server-to-user channels: use soketi ≥ 1.6, sockudo or hosted Pusher",
    ]);
  }
  const nonce = randomBytes(8).toString("hex");
  const sentAt = Date.now();
  const refused = await apiCallRefusal(() => ctx.sdk.sendToUser(userId, PROBE_EVENT, { nonce }));
  if (refused) return result(name, "fail", `sendToUser was refused: ${refused}`, ["see the credentials check"]);
  const received = await socket.waitFor(
    (frame) => frame.event === PROBE_EVENT && (frame.data as { nonce?: string } | null)?.nonce === nonce,
    ctx.timeouts.deliveryMs,
  );
  if (!received) {
    return result(
      name,
      "fail",
      `an event sent with sendToUser did not reach the signed-in socket within ${seconds(ctx.timeouts.deliveryMs)}`,
      [
        "the backend accepts sendToUser but does not deliver it: check it runs one node, or its nodes share an adapter (soketi: SOKETI_ADAPTER_DRIVER=redis on every node)",
      ],
    );
  }
  return result(name, "ok", `received on ${channel} in ${seconds(Date.now() - sentAt)}`);
}

async function checkTerminate(ctx: CheckContext, socket: ProbeSocket, userId: string): Promise<CheckResult> {
  const name = "terminate connections";
  const refused = await apiCallRefusal(() => ctx.sdk.terminateUserConnections(userId));
  if (refused) return result(name, "fail", `terminate_connections was refused: ${refused}`, ["see the credentials check"]);
  const close = await socket.closedWithin(ctx.timeouts.deliveryMs);
  if (!close) {
    return result(
      name,
      "fail",
      `the signed-in socket is still open ${seconds(ctx.timeouts.deliveryMs)} after terminate_connections: kick, ban and sign-out-everywhere would not disconnect anyone`,
      ["the backend must support terminate_connections (soketi ≥ 1.6 with user authentication on, sockudo, hosted Pusher)"],
    );
  }
  const error = socket.frames.find((frame) => frame.event === "pusher:error");
  const code = (error?.data as { code?: number } | undefined)?.code ?? close.code;
  if (code !== 4009 && close.code !== 4009) {
    return result(name, "fail", `closed with ${close.code}, not 4009: pusher-js would reconnect and sign in again`, [
      "the backend must close terminated sockets with 4009 (the Pusher protocol's code)",
    ]);
  }
  return result(name, "ok", `the socket was closed with 4009`);
}

/** Why an SDK call was refused (an error status, or soketi's HTTP 200 with an error body), or null. */
async function apiCallRefusal(call: () => Promise<{ status: number; text(): Promise<string> }>): Promise<string | null> {
  try {
    const response = await call();
    const refusal = refusalOf(response.status, await response.text());
    return refusal ? `${refusal.status} ${quote(refusal.message)}` : null;
  } catch (error) {
    const { status, body } = error as { status?: number; body?: string };
    return status ? `${status} ${quote(body ?? "")}` : networkCause(error);
  }
}

function describeWatchlist(frame: PusherFrame): string {
  const events = (frame.data as { events?: { name?: string; user_ids?: string[] }[] } | null)?.events;
  if (!Array.isArray(events)) return "";
  return `(${events.map((event) => `${event.name}: ${event.user_ids?.length ?? 0}`).join(", ")})`;
}
