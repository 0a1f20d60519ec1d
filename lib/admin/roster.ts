import "server-only";

import { authorizeAdmin, jsonResponse } from "@/lib/admin/http";
import { maybeReconcileRoster } from "@/lib/roster/reconcile";
import { getRoster } from "@/lib/roster/roster";
import type { RosterResponse } from "@/lib/roster/types";

/** GET /api/admin/roster */
export async function handleGetRoster(request: Request): Promise<Response> {
  const auth = await authorizeAdmin(request);
  if ("response" in auth) return auth.response;
  // Lazily, and throttled per process: consoles refetch often, the HTTP API should be asked rarely.
  await maybeReconcileRoster();
  const body: RosterResponse = { users: await getRoster() };
  return jsonResponse(body);
}
