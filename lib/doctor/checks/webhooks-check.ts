/**
 * Webhooks, from both ends. First the app's endpoint: a delivery the doctor signs with this
 * environment's key and secret (no events) must be accepted, which proves the app runs at appUrl
 * and shares the credentials. Then the backend: a probe socket occupies a private-doctor-probe-*
 * channel, and the app instance that receives the channel_occupied webhook acknowledges it on that
 * channel (see ../probe-channel.ts) — configured, delivered, correctly signed and in time.
 */
import { createHmac, randomBytes } from "node:crypto";

import { webhookFix } from "../advice";
import { networkCause, quote, result, seconds, type CheckContext } from "../check-context";
import { DOCTOR_PROBE_RECEIVED_EVENT, doctorProbeChannel } from "../probe-channel";
import { ProbeConnectError, ProbeSocket } from "../probe-socket";
import type { CheckResult } from "../doctor-types";

export const WEBHOOK_PATH = "/api/pusher/webhook";
/** Slower than this still works, but the roster lags (hosted Pusher usually needs under a second). */
export const WEBHOOK_SLOW_MS = 5_000;

export async function checkWebhooks(ctx: CheckContext): Promise<CheckResult[]> {
  const endpoint = await checkAppEndpoint(ctx);
  if (endpoint.status === "fail") return [endpoint, result("webhooks", "skip", "not checked: needs the app's webhook endpoint (above)")];
  return [endpoint, await checkDelivery(ctx)];
}

async function checkAppEndpoint(ctx: CheckContext): Promise<CheckResult> {
  const name = "app webhook endpoint";
  const url = `${ctx.target.appUrl}${WEBHOOK_PATH}`;
  const { key, secret } = ctx.target.backend;
  const body = JSON.stringify({ time_ms: Date.now(), events: [] });
  let response: Response;
  try {
    response = await fetch(url, {
      method: "POST",
      headers: {
        "Content-Type": "application/json",
        "X-Pusher-Key": key,
        "X-Pusher-Signature": createHmac("sha256", secret).update(body).digest("hex"),
      },
      body,
      signal: AbortSignal.timeout(ctx.timeouts.appMs),
    });
  } catch (error) {
    return result(name, "fail", `the app is not reachable at ${url}: ${networkCause(error)}`, [
      "start the app or pass --app-url (default NEXTAUTH_URL) with the URL it is served at",
    ]);
  }
  const text = await response.text();
  if (response.ok) return result(name, "ok", `${url} accepts deliveries signed with this PUSHER_KEY and PUSHER_SECRET`);
  const error = errorOf(text);
  if (response.status === 401) {
    return result(name, "fail", `${url} refused a delivery signed with this environment's credentials: ${quote(error)}`, [
      "run the app with the same PUSHER_KEY and PUSHER_SECRET as this environment (the backend signs with them)",
    ]);
  }
  return result(name, "fail", `${url} answered ${response.status} ${quote(error)}: is this the app?`, [
    "pass --app-url with the URL this app is served at",
  ]);
}

async function checkDelivery(ctx: CheckContext): Promise<CheckResult> {
  const name = "webhooks";
  const webhookUrl = `${ctx.target.appUrl}${WEBHOOK_PATH}`;
  let socket: ProbeSocket;
  try {
    socket = await ProbeSocket.open(ctx.target.socketUrl, { origin: ctx.target.origin, timeoutMs: ctx.timeouts.connectMs });
  } catch (error) {
    if (!(error instanceof ProbeConnectError)) throw error;
    return result(name, "skip", "not checked: needs the websocket (see the websocket check)");
  }
  try {
    const channel = doctorProbeChannel(randomBytes(12).toString("hex"));
    // The doctor holds the secret, so it authorizes its own probe channel (browsers never can).
    socket.send("pusher:subscribe", { channel, auth: ctx.sdk.authorizeChannel(socket.socketId, channel).auth });
    const joined = await socket.waitFor(
      (frame) => frame.channel === channel && /subscription_(succeeded|error)$/.test(frame.event),
      ctx.timeouts.deliveryMs,
    );
    if (!joined)
      return result(
        name,
        "fail",
        `the backend did not answer the probe's private channel subscription within ${seconds(ctx.timeouts.deliveryMs)}`,
      );
    if (joined.event !== "pusher_internal:subscription_succeeded") {
      return result(name, "fail", "the backend refused the probe's private channel subscription", [
        "PUSHER_SECRET: private channels are signed with it; see the credentials check",
      ]);
    }
    const subscribedAt = Date.now();
    const ack = await socket.waitFor(
      (frame) => frame.channel === channel && frame.event === DOCTOR_PROBE_RECEIVED_EVENT,
      ctx.timeouts.webhookMs,
    );
    if (!ack) {
      return result(
        name,
        "fail",
        `no channel_occupied webhook reached the app within ${seconds(ctx.timeouts.webhookMs)} (the app acknowledges every correctly signed one)`,
        [
          ...webhookFix(ctx.target.backend.kind, webhookUrl),
          "if deliveries do arrive, the admin inspector shows why they were refused (a different PUSHER_SECRET, a clock off by minutes)",
        ],
      );
    }
    const tookMs = Date.now() - subscribedAt;
    if (tookMs > WEBHOOK_SLOW_MS) {
      return result(
        name,
        "warn",
        `channel_occupied reached the app, correctly signed, but only after ${seconds(tookMs)}: the roster lags`,
        ["check the network between the backend and the app, and any queue in front of the app"],
      );
    }
    return result(name, "ok", `channel_occupied reached the app, correctly signed, and was acknowledged in ${seconds(tookMs)}`);
  } finally {
    socket.close();
  }
}

function errorOf(text: string): string {
  try {
    const error = (JSON.parse(text) as { error?: unknown }).error;
    if (typeof error === "string") return error;
  } catch {
    // not JSON
  }
  return text.slice(0, 200);
}
