/**
 * Credentials and clock, from the app's side of the HTTP API. A signed GET /channels (the call the
 * roster's reconciliation makes) either passes or is refused with a reason, which names the wrong
 * variable. soketi answers every error with HTTP 200 and `{"error","code"}` in the body, so the
 * body is read before the status is believed. soketi also ignores auth_key on the HTTP API: a wrong
 * PUSHER_KEY shows up in the websocket check there (4001), not here.
 */
import Pusher from "pusher";

import { credentialsFix } from "../advice";
import { networkCause, quote, result, seconds, type CheckContext } from "../check-context";
import { DOCTOR_PROBE_CHANNEL_PREFIX } from "../probe-channel";
import type { CheckResult } from "../doctor-types";

/** The HTTP API refuses a signature whose auth_timestamp is further off than this (Pusher's rule). */
export const SIGNATURE_TIMESTAMP_TOLERANCE_S = 600;
export const CLOCK_SKEW_WARN_S = 30;

const NAME = "credentials";

export async function checkCredentials(ctx: CheckContext): Promise<CheckResult> {
  const { target } = ctx;
  const kind = target.backend.kind;
  const where = kind === "hosted" ? "PUSHER_CLUSTER" : "PUSHER_HOST, PUSHER_PORT and PUSHER_USE_TLS";
  let status: number;
  let text: string;
  try {
    const response = await ctx.sdk.get({ path: "/channels", params: { filter_by_prefix: DOCTOR_PROBE_CHANNEL_PREFIX } });
    status = response.status;
    text = await response.text();
  } catch (error) {
    if (error instanceof Pusher.RequestError && error.status !== undefined) {
      status = error.status;
      text = error.body ?? "";
    } else {
      return result(NAME, "fail", `the HTTP API at ${target.apiBaseUrl} can't be reached: ${networkCause(error)}`, [
        `check ${where} (the server SDK's address of the backend)`,
      ]);
    }
  }
  const refusal = refusalOf(status, text);
  if (!refusal) return result(NAME, "ok", `signed GET /apps/${target.backend.appId}/channels accepted by ${target.apiBaseUrl}`);
  return classify(refusal, ctx);
}

/** What the HTTP API refused, from the status or from a soketi-style `{"error","code"}` body; null when accepted. */
export function refusalOf(status: number, text: string): { status: number; message: string } | null {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  const error = (body as { error?: unknown; code?: unknown } | undefined)?.error;
  if (typeof error === "string") {
    const code = (body as { code?: unknown }).code;
    return { status: typeof code === "number" ? code : status >= 400 ? status : 400, message: error };
  }
  if (status >= 200 && status < 300) return null;
  return { status, message: text || `HTTP ${status}` };
}

function classify({ status, message }: { status: number; message: string }, ctx: CheckContext): CheckResult {
  const kind = ctx.target.backend.kind;
  const said = `${ctx.target.apiBaseUrl} answered ${status} ${quote(message)}`;
  const source = credentialsFix(kind);
  if (/signature|secret/i.test(message)) {
    return result(NAME, "fail", `wrong secret: ${said}`, [`PUSHER_SECRET: set the app's secret (${source})`]);
  }
  if (/timestamp|expired/i.test(message)) {
    return result(NAME, "fail", `the request's timestamp was refused: ${said}`, [
      "synchronise this machine's clock (NTP); see the clock skew check",
    ]);
  }
  if (/auth_key|\bkey\b/i.test(message)) {
    return result(NAME, "fail", `wrong key: ${said}`, [`PUSHER_KEY: set the app's key (${source})`]);
  }
  if (status === 404 || /\bapp\b/i.test(message)) {
    return result(NAME, "fail", `wrong app id "${ctx.target.backend.appId}": ${said}`, [`PUSHER_APP_ID: set the app's id (${source})`]);
  }
  if (status === 403) {
    return result(NAME, "fail", `the app is disabled or over its quota: ${said}`, [
      kind === "hosted" ? "dashboard: check the app's plan and status" : "enable the app on the backend",
    ]);
  }
  return result(NAME, "fail", said, [`check PUSHER_APP_ID, PUSHER_KEY and PUSHER_SECRET (${source})`]);
}

/**
 * The backend's clock, from the Date header of any HTTP API answer (signed or not, every server
 * sends one), against this machine's. Signatures older than 600 s are refused, webhooks older than
 * 10 minutes too (lib/pusher/webhook.ts).
 */
export async function checkClockSkew(ctx: CheckContext): Promise<CheckResult> {
  const name = "clock skew";
  const url = `${ctx.target.apiBaseUrl}/apps/${encodeURIComponent(ctx.target.backend.appId)}/channels`;
  const sentAt = Date.now();
  let date: string | null;
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(ctx.timeouts.httpMs) });
    date = response.headers.get("date");
    await response.body?.cancel();
  } catch (error) {
    return result(name, "warn", `not measured: ${url} can't be reached (${networkCause(error)})`);
  }
  const receivedAt = Date.now();
  const backendTime = date ? Date.parse(date) : NaN;
  if (Number.isNaN(backendTime)) return result(name, "warn", "not measured: the backend's answer has no Date header");
  // Date has whole seconds, cut off (on average half a second early): compare its middle with the
  // middle of the round trip, and allow one second either way.
  const skewMs = backendTime + 500 - (sentAt + receivedAt) / 2;
  const offS = Math.max(0, Math.abs(skewMs) / 1000 - 1 - (receivedAt - sentAt) / 2000);
  const direction = skewMs > 0 ? "ahead of" : "behind";
  const said = `the backend's clock is about ${seconds(Math.abs(skewMs))} ${direction} this machine's`;
  if (offS > SIGNATURE_TIMESTAMP_TOLERANCE_S) {
    return result(name, "fail", `${said}: signed requests more than ${SIGNATURE_TIMESTAMP_TOLERANCE_S} s off are refused`, [
      "synchronise the clocks of this machine and the backend (NTP)",
    ]);
  }
  if (offS > CLOCK_SKEW_WARN_S) {
    return result(name, "warn", `${said}: webhooks and signatures stop working beyond ${SIGNATURE_TIMESTAMP_TOLERANCE_S} s`, [
      "synchronise the clocks of this machine and the backend (NTP)",
    ]);
  }
  return result(name, "ok", `${said} (under ${CLOCK_SKEW_WARN_S} s)`);
}
