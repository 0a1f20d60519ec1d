import "server-only";

import { z } from "zod";

import { AUDIT_ACTIONS, type AuditAction } from "@/lib/admin/audit";
import { firstParam, pageCountOf, pagedQueryString, pageParam, type SearchParams } from "@/lib/admin/page-param";
import { db } from "@/lib/db/client";
import type { Prisma } from "@/lib/db/model-types";

export const AUDIT_PAGE_SIZE = 50;
/** A target filter that matches more accounts than this is too vague to turn into an id list. */
export const MAX_TARGET_MATCHES = 1000;

/** The audit page's filters, as they appear in its URL and the CSV export's. */
export interface AuditFilters {
  action?: AuditAction;
  /** Part of the actor's email. */
  actor?: string;
  /** A user id, or part of the target's email. */
  target?: string;
  /** YYYY-MM-DD, a UTC day, inclusive. */
  from?: string;
  /** YYYY-MM-DD, a UTC day, inclusive. */
  to?: string;
}

export const AUDIT_FILTER_KEYS = ["action", "actor", "target", "from", "to"] as const satisfies readonly (keyof AuditFilters)[];

const DAY_MS = 24 * 60 * 60 * 1000;

/** Midnight UTC of a YYYY-MM-DD day, or null for anything else (including 2025-02-30). */
function utcDay(value: string): Date | null {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return null;
  const date = new Date(`${value}T00:00:00.000Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(value) ? date : null;
}

// An empty form field arrives as "": it means "no filter", not an invalid one.
const optionalText = (label: string) =>
  z.preprocess(
    (value) => (typeof value === "string" && value.trim() === "" ? undefined : value),
    z.string().trim().max(320, `${label} is too long`).optional(),
  );
const optionalDay = (label: string) =>
  z.preprocess(
    (value) => (value === "" ? undefined : value),
    z
      .string()
      .refine((value) => utcDay(value) !== null, `${label} must be a date like 2026-01-31`)
      .optional(),
  );

const auditFiltersSchema = z
  .object({
    action: z.preprocess(
      (value) => (value === "" ? undefined : value),
      z.enum(AUDIT_ACTIONS, { error: `Action must be one of: ${AUDIT_ACTIONS.join(", ")}` }).optional(),
    ),
    actor: optionalText("Actor email").transform((value) => value?.toLowerCase()),
    target: optionalText("Target"),
    from: optionalDay("From"),
    to: optionalDay("To"),
    page: pageParam,
  })
  .refine((value) => !value.from || !value.to || value.from <= value.to, { message: "From must not be after To", path: ["to"] });

export type AuditSearchParams = SearchParams;

function paramsRecord(params: AuditSearchParams): Record<string, string | undefined> {
  return Object.fromEntries([...AUDIT_FILTER_KEYS, "page"].map((key) => [key, firstParam(params, key)]));
}

export type ParsedAuditQuery = { ok: true; filters: AuditFilters; page: number } | { ok: false; error: string };

/** Filters and page from a URL's query: the page's searchParams and the export's URL both come here. */
export function parseAuditQuery(params: AuditSearchParams): ParsedAuditQuery {
  const parsed = auditFiltersSchema.safeParse(paramsRecord(params));
  if (!parsed.success) return { ok: false, error: parsed.error.issues[0]?.message ?? "Invalid filter" };
  const { page, ...rest } = parsed.data;
  const filters: AuditFilters = {};
  for (const key of AUDIT_FILTER_KEYS) if (rest[key] !== undefined) Object.assign(filters, { [key]: rest[key] });
  return { ok: true, filters, page: page ?? 1 };
}

/** The query string for these filters (and page, if > 1), for links that keep the current view. */
export function auditQueryString(filters: AuditFilters, page = 1): string {
  return pagedQueryString(Object.fromEntries(AUDIT_FILTER_KEYS.map((key) => [key, filters[key]])), page);
}

export type AuditWhere = { ok: true; where: Prisma.AuditLogWhereInput } | { ok: false; error: string };

/**
 * AuditLog.targetUserId has no relation (the row must outlive the user and need not name one),
 * so a target given by email is first resolved to the matching accounts' ids.
 */
export async function auditWhere(filters: AuditFilters): Promise<AuditWhere> {
  const and: Prisma.AuditLogWhereInput[] = [];
  if (filters.action) and.push({ action: filters.action });
  // Emails are stored lower-cased and the filter is lower-cased, so this matches case-insensitively on both databases.
  if (filters.actor) and.push({ actor: { is: { email: { contains: filters.actor } } } });
  if (filters.target) {
    const matches = await db.user.findMany({
      where: { email: { contains: filters.target.toLowerCase() } },
      select: { id: true },
      take: MAX_TARGET_MATCHES + 1,
    });
    if (matches.length > MAX_TARGET_MATCHES) {
      return { ok: false, error: `The target filter matches more than ${MAX_TARGET_MATCHES} accounts; type more of the email.` };
    }
    and.push({ OR: [{ targetUserId: filters.target }, { targetUserId: { in: matches.map((user) => user.id) } }] });
  }
  const from = filters.from ? utcDay(filters.from) : null;
  const to = filters.to ? utcDay(filters.to) : null;
  if (from) and.push({ createdAt: { gte: from } });
  if (to) and.push({ createdAt: { lt: new Date(to.getTime() + DAY_MS) } });
  return { ok: true, where: and.length ? { AND: and } : {} };
}

interface AuditPerson {
  id: string;
  name: string;
  email: string;
}

/** One audit row with its people resolved, dates as ISO strings (it crosses to the page and the CSV). */
export interface AuditRow {
  id: string;
  createdAt: string;
  action: string;
  actorId: string | null;
  /** null when the row has no actor or the actor's account was deleted. */
  actor: AuditPerson | null;
  targetUserId: string | null;
  target: AuditPerson | null;
  summary: string;
  result: string;
}

/** Newest first; the id breaks ties between rows written in the same millisecond, so pages never overlap. */
const NEWEST_FIRST = [{ createdAt: "desc" }, { id: "desc" }] satisfies Prisma.AuditLogOrderByWithRelationInput[];

const ROW_SELECT = {
  id: true,
  createdAt: true,
  action: true,
  actorId: true,
  actor: { select: { id: true, name: true, email: true } },
  targetUserId: true,
  summary: true,
  result: true,
} satisfies Prisma.AuditLogSelect;

type SelectedRow = Prisma.AuditLogGetPayload<{ select: typeof ROW_SELECT }>;

/** One query for all targets of a batch, never one per row. */
async function withTargets(rows: SelectedRow[]): Promise<AuditRow[]> {
  const ids = [...new Set(rows.map((row) => row.targetUserId).filter((id): id is string => id !== null))];
  const users = ids.length ? await db.user.findMany({ where: { id: { in: ids } }, select: { id: true, name: true, email: true } }) : [];
  const byId = new Map(users.map((user) => [user.id, user]));
  return rows.map((row) => ({
    id: row.id,
    createdAt: row.createdAt.toISOString(),
    action: row.action,
    actorId: row.actorId,
    actor: row.actor,
    targetUserId: row.targetUserId,
    target: row.targetUserId ? (byId.get(row.targetUserId) ?? null) : null,
    summary: row.summary,
    result: row.result,
  }));
}

export interface AuditPage {
  rows: AuditRow[];
  page: number;
  pageCount: number;
  total: number;
}

export async function getAuditPage(where: Prisma.AuditLogWhereInput, page: number, pageSize = AUDIT_PAGE_SIZE): Promise<AuditPage> {
  const [total, rows] = await db.$transaction([
    db.auditLog.count({ where }),
    db.auditLog.findMany({ where, orderBy: NEWEST_FIRST, skip: (page - 1) * pageSize, take: pageSize, select: ROW_SELECT }),
  ]);
  return { rows: await withTargets(rows), page, pageCount: pageCountOf(total, pageSize), total };
}

/**
 * Every matching row, newest first, in batches: the export never holds the whole log in memory.
 * Cursor pagination on the id keeps batches consecutive even while new rows are appended.
 */
export async function* iterateAuditRows(where: Prisma.AuditLogWhereInput, batchSize = 500): AsyncGenerator<AuditRow> {
  let cursor: string | null = null;
  for (;;) {
    const batch: SelectedRow[] = await db.auditLog.findMany({
      where,
      orderBy: NEWEST_FIRST,
      take: batchSize,
      ...(cursor ? { cursor: { id: cursor }, skip: 1 } : {}),
      select: ROW_SELECT,
    });
    yield* await withTargets(batch);
    if (batch.length < batchSize) return;
    cursor = batch[batch.length - 1]!.id;
  }
}
