"use client";

import { useCallback, useRef, useState } from "react";

/** Every admin endpoint answers `{ ok: true, … }` or `{ ok: false, error }`. */
export type AdminActionResult<T> = { ok: true; body: T } | { ok: false; error: string };

/**
 * POSTs one admin action from the browser (a JSON body only when `json` is given). Failures come
 * back as the sentence to show the admin: the server's `{ error }` when there is one.
 */
export async function postAdminAction<T extends object = object>(path: string, json?: unknown): Promise<AdminActionResult<T>> {
  try {
    const response = await fetch(path, {
      method: "POST",
      ...(json === undefined ? {} : { headers: { "Content-Type": "application/json" }, body: JSON.stringify(json) }),
    });
    const body = (await response.json().catch(() => null)) as (T & { ok?: boolean; error?: string }) | null;
    if (response.ok && body?.ok) return { ok: true, body };
    return { ok: false, error: body?.error ?? `The server answered ${response.status}. Try again.` };
  } catch {
    return { ok: false, error: "Could not reach the server. Check your connection and try again." };
  }
}

/**
 * The pending flag and in-dialog error of one admin action. `run` resolves with the answer, or
 * null when a request is already running: a double click must not send the action twice.
 * `setError` is for client-side validation, which shows in the same place as server errors.
 */
export function useAdminAction<T extends object = object>() {
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | null>(null);
  // State updates land after the next render; a second click in the same tick must see the first.
  const inFlight = useRef(false);

  const run = useCallback(async (path: string, json?: unknown): Promise<AdminActionResult<T> | null> => {
    if (inFlight.current) return null;
    inFlight.current = true;
    setPending(true);
    setError(null);
    const result = await postAdminAction<T>(path, json);
    inFlight.current = false;
    setPending(false);
    if (!result.ok) setError(result.error);
    return result;
  }, []);

  const reset = useCallback(() => setError(null), []);

  return { run, pending, error, setError, reset };
}
