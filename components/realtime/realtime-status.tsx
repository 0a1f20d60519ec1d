"use client";

import { cn } from "@/components/ui/cn";

import { useRealtime } from "./realtime-provider";
import { TERMINATED_MESSAGE, type RealtimeStatus } from "./state";

const dotClass: Record<RealtimeStatus, string> = {
  connecting: "bg-amber-400 animate-pulse",
  "signing-in": "bg-amber-400 animate-pulse",
  "signed-in": "bg-emerald-500",
  "signin-failed": "bg-red-500",
  disconnected: "bg-zinc-400",
  unavailable: "bg-red-500",
};

/** The status line; `data-testid="realtime-status"` holds exactly the status words. */
export function RealtimeStatusLine({ className }: { className?: string }) {
  const { status, statusText, socketId } = useRealtime();
  return (
    <div className={cn("flex flex-wrap items-center gap-2 text-sm", className)}>
      <span aria-hidden className={cn("inline-block h-2.5 w-2.5 rounded-full", dotClass[status])} />
      <span data-testid="realtime-status" role="status" className="font-medium">
        {statusText}
      </span>
      {socketId ? <span className="font-mono text-xs text-zinc-500">socket {socketId}</span> : null}
    </div>
  );
}

/** Compact header indicator; its words live in aria-label/title so they don't duplicate the status line. */
export function RealtimeIndicator() {
  const { status, statusText } = useRealtime();
  return (
    <span
      className="inline-flex items-center gap-1.5 text-xs text-zinc-500"
      title={`Realtime: ${statusText}`}
      aria-label={`Realtime: ${statusText}`}
      role="img"
    >
      <span aria-hidden className={cn("inline-block h-2 w-2 rounded-full", dotClass[status])} />
      <span aria-hidden>Live</span>
    </span>
  );
}

/** Shown on every page once an administrator terminated this user's connections. */
export function TerminatedBanner() {
  const { terminated } = useRealtime();
  if (!terminated) return null;
  return (
    <div role="alert" className="border-b border-red-200 bg-red-50 px-4 py-3 text-sm text-red-900 dark:border-red-900 dark:bg-red-950 dark:text-red-100">
      <div className="mx-auto flex max-w-5xl flex-wrap items-baseline gap-x-2">
        <p data-testid="realtime-terminated" className="font-semibold">
          {TERMINATED_MESSAGE}
        </p>
        <p>The live connection stays closed. Reload the page to connect again.</p>
      </div>
    </div>
  );
}
