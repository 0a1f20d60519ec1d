/**
 * What every check gets: the options, where to look, the timeouts and one server SDK instance
 * built exactly as the app builds its own (lib/pusher/server-options.ts).
 */
import Pusher from "pusher";

import { pusherServerOptions } from "../pusher/server-options";
import { doctorTarget, type DoctorTarget } from "./target";
import type { CheckResult, CheckStatus, DoctorOptions, DoctorTimeouts } from "./doctor-types";

export const DEFAULT_TIMEOUTS: DoctorTimeouts = {
  httpMs: 5_000,
  appMs: 30_000,
  connectMs: 5_000,
  signinMs: 5_000,
  deliveryMs: 5_000,
  // The app's own patience for the initial watchlist state (lib/contacts/watchlist-state.ts).
  watchlistMs: 4_000,
  webhookMs: 10_000,
};

export interface CheckContext {
  options: DoctorOptions;
  target: DoctorTarget;
  timeouts: DoctorTimeouts;
  sdk: Pusher;
}

export function createContext(options: DoctorOptions): CheckContext {
  const { env } = options;
  return {
    options,
    target: doctorTarget(env.pusher, env.pusherPublic, options.appUrl),
    timeouts: { ...DEFAULT_TIMEOUTS, ...options.timeouts },
    sdk: new Pusher(pusherServerOptions(env.pusher)),
  };
}

export function result(name: string, status: CheckStatus, summary: string, fix?: string[]): CheckResult {
  return fix && fix.length > 0 ? { name, status, summary, fix } : { name, status, summary };
}

/** A duration for messages: milliseconds below a second, else seconds with one decimal. */
export const seconds = (ms: number) => (ms < 1000 ? `${Math.round(ms)} ms` : `${Math.round(ms / 100) / 10} s`);

/** Backends' error texts are quoted in results; keep them short (and they never hold a secret). */
export function quote(text: string, max = 160): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return JSON.stringify(flat.length > max ? `${flat.slice(0, max)}…` : flat);
}

/** The cause of a failed fetch (node-fetch inside the SDK, or global fetch), in a few words. */
export function networkCause(error: unknown): string {
  const cause = (error as { error?: unknown; cause?: unknown }).error ?? (error as { cause?: unknown }).cause ?? error;
  const code = (cause as { code?: string }).code;
  const type = (cause as { type?: string; name?: string }).type ?? (cause as { name?: string }).name;
  if (code === "ECONNREFUSED") return "connection refused (nothing listens there)";
  if (code === "ENOTFOUND" || code === "EAI_AGAIN") return "the host name does not resolve";
  if (type === "aborted" || type === "AbortError" || type === "TimeoutError") return "no answer in time";
  return (cause as Error).message ?? String(cause);
}
