import { z } from "zod";

/**
 * `?page=` of the paginated admin pages (audit log, users): one schema so they accept and explain
 * it the same way. An empty value (a form field left blank) means page 1.
 */
export const pageParam = z.preprocess(
  (value) => (value === "" ? undefined : value),
  z.coerce.number({ error: "Page must be a number" }).int("Page must be a whole number").min(1, "Page must be 1 or more").max(1_000_000).optional(),
);

/** At least 1: an empty result still has one (empty) page to show. */
export function pageCountOf(total: number, pageSize: number): number {
  return Math.max(1, Math.ceil(total / pageSize));
}
