"use client";

import { useEffect } from "react";

import { Button } from "@/components/ui/button";

/**
 * What a route group shows when its page failed to render (error.tsx). The message is generic on
 * purpose: in production Next replaces server error messages with a digest, which is logged on the
 * server; the digest is shown so an operator can find that log line.
 */
export function PageError({ error, reset, what }: { error: Error & { digest?: string }; reset: () => void; what: string }) {
  useEffect(() => {
    console.error(error);
  }, [error]);
  return (
    <section role="alert" className="mx-auto flex max-w-md flex-col items-start gap-4 pt-8" data-testid="page-error">
      <h1 className="text-2xl font-semibold tracking-tight">Something went wrong</h1>
      <p className="text-zinc-700 dark:text-zinc-300">
        {what} could not be loaded. It may be a passing problem with the database or the realtime service: try again.
      </p>
      {error.digest ? <p className="font-mono text-xs text-zinc-600 dark:text-zinc-400">Reference: {error.digest}</p> : null}
      <Button variant="outline" onClick={reset}>
        Try again
      </Button>
    </section>
  );
}
