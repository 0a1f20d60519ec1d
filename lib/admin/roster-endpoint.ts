import "server-only";

import { z } from "zod";

import { authorizeAdmin, jsonError } from "@/lib/admin/http";
import { jsonResponse } from "@/lib/http/json-response";
import { firstParam, pageParam, type SearchParams } from "@/lib/admin/page-param";
import { USERS_SEARCH_MAX_CHARS } from "@/lib/admin/users-query";
import { maybeReconcileRoster } from "@/lib/roster/reconcile";
import { getRosterPage } from "@/lib/roster/roster-page";
import { DEFAULT_SORT_DIRECTION, ROSTER_SORTS, type RosterPage, type RosterQuery } from "@/lib/roster/roster-types";

/** An empty field (a form left blank) means the default. */
const blankAsDefault = (value: unknown) => (typeof value === "string" && value.trim() === "" ? undefined : value);

const rosterQuerySchema = z.object({
  q: z.preprocess(
    blankAsDefault,
    z.string().trim().max(USERS_SEARCH_MAX_CHARS, `Search must be at most ${USERS_SEARCH_MAX_CHARS} characters`).optional(),
  ),
  page: pageParam,
  sort: z.preprocess(blankAsDefault, z.enum(ROSTER_SORTS, { error: `Sort must be one of: ${ROSTER_SORTS.join(", ")}` }).optional()),
  dir: z.preprocess(blankAsDefault, z.enum(["asc", "desc"], { error: "Direction must be asc or desc" }).optional()),
});

export type ParsedRosterQuery = { ok: true; query: RosterQuery } | { ok: false; error: string };

/** `?q=&page=&sort=&dir=` of /admin and GET /api/admin/roster, read the same way for both. */
export function parseRosterQuery(params: SearchParams): ParsedRosterQuery {
  const parsed = rosterQuerySchema.safeParse({
    q: firstParam(params, "q"),
    page: firstParam(params, "page"),
    sort: firstParam(params, "sort"),
    dir: firstParam(params, "dir"),
  });
  if (!parsed.success) return { ok: false, error: parsed.error.issues[0]?.message ?? "Invalid roster query" };
  const { q, page, sort = "name", dir = DEFAULT_SORT_DIRECTION[sort] } = parsed.data;
  return { ok: true, query: { ...(q === undefined ? {} : { q }), page: page ?? 1, sort, dir } };
}

/**
 * The page the console shows. Reconciliation runs first, lazily and throttled per process (consoles
 * resync every 30 s, the HTTP API should be asked rarely), so the first view after a restart
 * already drops rows whose webhooks were missed while the app was down.
 */
export async function loadRosterPage(query: RosterQuery): Promise<RosterPage> {
  await maybeReconcileRoster();
  return getRosterPage(query);
}

/** GET /api/admin/roster?q=&page=&sort=name|signed-in|activity|connections&dir=asc|desc */
export async function handleGetRoster(request: Request): Promise<Response> {
  const auth = await authorizeAdmin(request);
  if ("response" in auth) return auth.response;
  const parsed = parseRosterQuery(new URL(request.url).searchParams);
  if (!parsed.ok) return jsonError(400, parsed.error);
  const body: RosterPage = await loadRosterPage(parsed.query);
  return jsonResponse(body);
}
