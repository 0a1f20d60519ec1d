/**
 * The backend doctor's vocabulary: one result per check, each with what to change when it is not
 * ok. Shared by the CLI (`npm run doctor`) and the admin page (Backend health). No secrets ever go
 * into a result: they are printed and sent to the browser.
 */
import type { AppEnv } from "../config/env-schema";

/** `skip`: not run, because a check it depends on already failed (that one names the cause). */
export type CheckStatus = "ok" | "warn" | "fail" | "skip";

export interface CheckResult {
  /** Stable, printed name of the check (tests and docs refer to it). */
  name: string;
  status: CheckStatus;
  /** One line: what was seen. */
  summary: string;
  /** What to change, one setting per line (a soketi variable, a dashboard switch, an app variable). */
  fix?: string[];
}

export interface DoctorReport {
  /** One line describing what was checked (backend, browser URL, app URL); no secret. */
  target: string;
  checks: CheckResult[];
  /** True when no check failed: the CLI's exit code is 0 exactly then. */
  passed: boolean;
}

export interface DoctorTimeouts {
  /** Unsigned HTTP API calls (the clock's Date header). */
  httpMs: number;
  /** The app's webhook endpoint: longer, since `next dev` compiles a route on its first request. */
  appMs: number;
  /** WebSocket open until pusher:connection_established. */
  connectMs: number;
  /** pusher:signin until pusher:signin_success ("silence" beyond this is a fail). */
  signinMs: number;
  /** sendToUser until the event reaches the socket; terminate until the close. */
  deliveryMs: number;
  /** pusher:signin_success until the first pusher_internal:watchlist_events. */
  watchlistMs: number;
  /** Subscription of the probe channel until the app's acknowledgement of its webhook. */
  webhookMs: number;
}

export interface DoctorOptions {
  env: AppEnv;
  /** Where the running app is served; its webhook endpoint is `${appUrl}/api/pusher/webhook`. */
  appUrl: string;
  /** Also wait for the backend to close a socket that never authorizes (takes the whole timeout). */
  verifyAuthorizedTimeout?: boolean;
  timeouts?: Partial<DoctorTimeouts>;
}
