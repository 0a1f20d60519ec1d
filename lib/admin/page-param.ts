import { z } from "zod";

/** A page's searchParams, or a route's URLSearchParams: the paginated admin views read either. */
export type SearchParams = URLSearchParams | Record<string, string | string[] | undefined>;

/** One parameter; a repeated one uses its first value, as URLSearchParams.get() does. */
export function firstParam(params: SearchParams, key: string): string | undefined {
  const value = params instanceof URLSearchParams ? params.get(key) : params[key];
  return (Array.isArray(value) ? value[0] : value) ?? undefined;
}

/** The query string for a view (empty fields left out) and its page (if > 1), for links that keep it. */
export function pagedQueryString(fields: Record<string, string | undefined>, page = 1): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(fields)) if (value) params.set(key, value);
  if (page > 1) params.set("page", String(page));
  const query = params.toString();
  return query ? `?${query}` : "";
}

/**
 * `?page=` of the paginated admin pages (audit log, users): one schema so they accept and explain
 * it the same way. An empty value (a form field left blank) means page 1.
 */
export const pageParam = z.preprocess(
  (value) => (value === "" ? undefined : value),
  z.coerce
    .number({ error: "Page must be a number" })
    .int("Page must be a whole number")
    .min(1, "Page must be 1 or more")
    .max(1_000_000)
    .optional(),
);

/** At least 1: an empty result still has one (empty) page to show. */
export function pageCountOf(total: number, pageSize: number): number {
  return Math.max(1, Math.ceil(total / pageSize));
}
