import "server-only";

import { authorizeAdmin, jsonError } from "@/lib/admin/http";
import { jsonResponse } from "@/lib/http/json-response";
import { runDoctor } from "@/lib/doctor/runner";
import { describeTarget, doctorTarget } from "@/lib/doctor/target";
import type { DoctorReport } from "@/lib/doctor/doctor-types";
import { env } from "@/lib/env";

/** The Backend health page's answer: the report, and when this server finished it. */
export interface BackendHealthAnswer {
  ok: true;
  report: DoctorReport;
  finishedAt: string;
}

/**
 * One run at a time per app process: a run holds two sockets and a probe channel for up to ~10 s,
 * and repeated clicks must not multiply that (nor the backend's message count).
 */
let running: Promise<DoctorReport> | null = null;

/** What the page shows before any run: where the checks will look (no secret). */
export function backendHealthTarget(): string {
  return describeTarget(doctorTarget(env.pusher, env.pusherPublic, env.nextAuthUrl));
}

/**
 * POST /api/admin/health: runs the doctor's checks from this app instance, against the backend
 * this instance is configured for, and its webhooks at NEXTAUTH_URL. Admins only. The
 * authorized-connections wait is not run here (it takes the whole timeout): the page says so.
 */
export async function handleRunBackendHealth(request: Request): Promise<Response> {
  const auth = await authorizeAdmin(request);
  if ("response" in auth) return auth.response;
  if (running)
    return jsonError(409, "The checks are already running (started from another tab or by another admin). Try again in a few seconds.");
  running = runDoctor({ env, appUrl: env.nextAuthUrl });
  try {
    const report = await running;
    const answer: BackendHealthAnswer = { ok: true, report, finishedAt: new Date().toISOString() };
    return jsonResponse(answer);
  } finally {
    running = null;
  }
}
