import "server-only";

import { z } from "zod";

import { firstParam, pageCountOf, pagedQueryString, pageParam, type SearchParams } from "@/lib/admin/page-param";
import { toUserListEntry, type UserListEntry } from "@/lib/admin/account-actions";
import { db } from "@/lib/db/client";
import { databaseProviderOf, databaseUrlFromEnv } from "@/lib/db/database-config";
import type { Prisma } from "@/lib/db/model-types";

export const USERS_PAGE_SIZE = 50;
export const USERS_SEARCH_MAX_CHARS = 320;

/** The users page's view, as it appears in its URL. */
export interface UsersQuery {
  /** Part of the name or the email, any case. */
  q?: string;
  page: number;
}

const usersQuerySchema = z.object({
  // An empty search box arrives as "": it means "everyone", not an invalid search.
  q: z.preprocess(
    (value) => (typeof value === "string" && value.trim() === "" ? undefined : value),
    z.string().trim().max(USERS_SEARCH_MAX_CHARS, `Search must be at most ${USERS_SEARCH_MAX_CHARS} characters`).optional(),
  ),
  page: pageParam,
});

export type UsersSearchParams = SearchParams;

export type ParsedUsersQuery = { ok: true; query: UsersQuery } | { ok: false; error: string };

export function parseUsersQuery(params: UsersSearchParams): ParsedUsersQuery {
  const parsed = usersQuerySchema.safeParse({ q: firstParam(params, "q"), page: firstParam(params, "page") });
  if (!parsed.success) return { ok: false, error: parsed.error.issues[0]?.message ?? "Invalid search" };
  const { q, page } = parsed.data;
  return { ok: true, query: q === undefined ? { page: page ?? 1 } : { q, page: page ?? 1 } };
}

/** The query string for a search (and page, if > 1), for links that keep the current view. */
export function usersQueryString(q: string | undefined, page = 1): string {
  return pagedQueryString({ q }, page);
}

// The same URL lib/db/client.ts builds `db` from, read when it is: this is the provider behind `db`.
const provider = databaseProviderOf(databaseUrlFromEnv());

/** Name or email contains `q`, ignoring case on SQLite and PostgreSQL alike (the roster searches the same way). */
export function searchWhere(q: string): Prisma.UserWhereInput {
  // SQLite's LIKE already ignores case (ASCII letters only); PostgreSQL's doesn't, and only its
  // client knows `mode` (the app's types are SQLite's, see lib/db/create-client.ts): hence the cast.
  const name = (provider === "postgresql" ? { contains: q, mode: "insensitive" } : { contains: q }) as Prisma.StringFilter;
  // Emails are stored lower-cased, so a lower-cased search matches them on both databases.
  // `%` and `_` in q still act as LIKE wildcards (Prisma doesn't escape them, and SQLite's LIKE has
  // no escape character without an ESCAPE clause), so such a search may find a few extra rows.
  return { OR: [{ email: { contains: q.toLowerCase() } }, { name }] };
}

/** Name, then email; the id makes the order total so pages never overlap. */
const BY_NAME = [{ name: "asc" }, { email: "asc" }, { id: "asc" }] satisfies Prisma.UserOrderByWithRelationInput[];

const ENTRY_SELECT = {
  id: true,
  name: true,
  email: true,
  role: true,
  createdAt: true,
  bannedAt: true,
  banReason: true,
  banExpiresAt: true,
} satisfies Prisma.UserSelect;

export interface UsersPage {
  users: UserListEntry[];
  page: number;
  pageCount: number;
  /** Accounts matching the search (every account without one). */
  total: number;
  /** Every account, whatever the search. */
  accountTotal: number;
  /** Accounts whose ban is in force, whatever the search or page. */
  bannedTotal: number;
}

export async function getUsersPage({ q, page }: UsersQuery, pageSize = USERS_PAGE_SIZE): Promise<UsersPage> {
  const now = new Date();
  const where = q ? searchWhere(q) : {};
  // Same rule as isBanned (lib/auth/ban-status.ts): an expired ban no longer counts.
  const inForce: Prisma.UserWhereInput = { bannedAt: { not: null }, OR: [{ banExpiresAt: null }, { banExpiresAt: { gt: now } }] };
  const [total, accountTotal, bannedTotal, rows] = await db.$transaction([
    db.user.count({ where }),
    db.user.count(),
    db.user.count({ where: inForce }),
    db.user.findMany({ where, orderBy: BY_NAME, skip: (page - 1) * pageSize, take: pageSize, select: ENTRY_SELECT }),
  ]);
  return {
    users: rows.map((row) => toUserListEntry(row, now)),
    page,
    pageCount: pageCountOf(total, pageSize),
    total,
    accountTotal,
    bannedTotal,
  };
}
