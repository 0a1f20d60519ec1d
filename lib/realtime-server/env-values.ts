/**
 * The rules for reading PUSHER_* values, shared by the realtime server's own environment parser
 * (env.ts) and the app's (lib/config/env-schema.ts), so a value means the same to both. It lives
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

function parseTimeoutMs(value: string): number | undefined {
  const ms = /^\d+$/.test(value) ? Number(value) : NaN;
  return ms >= 1 && ms <= MAX_TIMEOUT_MS ? ms : undefined;
}

/** Milliseconds from 1 to MAX_TIMEOUT_MS; unset: `defaultMs`. */
export const timeoutMsText = (defaultMs: number) =>
  optionalText.transform((value, context): number => {
    if (value === undefined) return defaultMs;
    const ms = parseTimeoutMs(value);
    if (ms !== undefined) return ms;
    context.addIssue({ code: "custom", message: `must be a whole number of milliseconds from 1 to ${MAX_TIMEOUT_MS}` });
    return z.NEVER;
  });

/** As timeoutMsText, and "0" or "off" disable the timeout (undefined). */
export const optionalTimeoutMsText = (defaultMs: number) =>
  optionalText.transform((value, context): number | undefined => {
    if (value === undefined) return defaultMs;
    if (value === "0" || value.toLowerCase() === "off") return undefined;
    const ms = parseTimeoutMs(value);
    if (ms !== undefined) return ms;
    context.addIssue({
      code: "custom",
      message: `must be a whole number of milliseconds from 1 to ${MAX_TIMEOUT_MS}, or 0 / off to disable`,
    });
    return z.NEVER;
  });
