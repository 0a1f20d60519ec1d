/**
 * The rules for reading PUSHER_* values, shared by the realtime server's own environment parser
 * (server-env.ts) and the app's (lib/config/env-schema.ts), so a value means the same to both. It lives
 * here because the realtime server imports nothing from the app; the app may import from it.
 */
import { z } from "zod";

/** Unset and blank are the same thing; surrounding whitespace is not part of a value. */
export function normalizeEnvValue(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed === "" ? undefined : trimmed;
}

export const optionalText = z.string().optional().transform(normalizeEnvValue);

/** A whole number from min to max; unset: undefined. */
export const wholeNumberText = (min: number, max: number) =>
  optionalText.pipe(
    z.string().regex(/^\d+$/, "must be a whole number").transform(Number).pipe(z.number().int().min(min).max(max)).optional(),
  );

export const MAX_TIMEOUT_MS = 24 * 60 * 60 * 1000;

/** Milliseconds from 1 to MAX_TIMEOUT_MS; unset: `defaultMs`; with `allowOff`, "0" or "off" disable it (undefined). */
function timeoutMs(defaultMs: number, allowOff: boolean) {
  const message = `must be a whole number of milliseconds from 1 to ${MAX_TIMEOUT_MS}${allowOff ? ", or 0 / off to disable" : ""}`;
  return optionalText.transform((value, context): number | undefined => {
    if (value === undefined) return defaultMs;
    if (allowOff && (value === "0" || value.toLowerCase() === "off")) return undefined;
    const ms = /^\d+$/.test(value) ? Number(value) : NaN;
    if (ms >= 1 && ms <= MAX_TIMEOUT_MS) return ms;
    context.addIssue({ code: "custom", message });
    return z.NEVER;
  });
}

export const timeoutMsText = (defaultMs: number) => timeoutMs(defaultMs, false) as z.ZodType<number, string | undefined>;

export const optionalTimeoutMsText = (defaultMs: number) => timeoutMs(defaultMs, true);
