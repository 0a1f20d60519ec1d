"use client";

import { cn } from "@/components/ui/cn";

import { useRealtime } from "./realtime-provider";
import type { RealtimeStatus } from "./state";

const dotClass: Record<RealtimeStatus, string> = {
  connecting: "bg-amber-400 animate-pulse",
  "signing-in": "bg-amber-400 animate-pulse",
  "signed-in": "bg-emerald-500",
  "signin-failed": "bg-red-500",
  disconnected: "bg-zinc-400",
  unavailable: "bg-red-500",
};

/** The home page's detailed line (status and socket id); the header holds the live status element. */
export function RealtimeStatusLine({ className }: { className?: string }) {
  const { status, statusText, socketId } = useRealtime();
  return (
    <div className={cn("flex flex-wrap items-center gap-2 text-sm", className)}>
      <span aria-hidden className={cn("inline-block h-2.5 w-2.5 rounded-full", dotClass[status])} />
      <span className="font-medium">{statusText}</span>
      {socketId ? <span className="font-mono text-xs text-zinc-500 dark:text-zinc-400">socket {socketId}</span> : null}
    </div>
  );
}

/**
 * The header's status, on every page: `data-testid="realtime-status"` holds exactly the status
 * words ("Signed in", "Connecting…", …) and is a polite live region, so changes are announced.
 */
export function RealtimeIndicator() {
  const { status, statusText } = useRealtime();
  return (
    <span className="inline-flex min-w-0 items-center gap-1.5 text-xs text-zinc-500 dark:text-zinc-400" title={`Realtime: ${statusText}`}>
      <span aria-hidden className={cn("inline-block h-2 w-2 shrink-0 rounded-full", dotClass[status])} />
      <span data-testid="realtime-status" role="status" className="max-w-[18rem] truncate">
        {statusText}
      </span>
    </span>
  );
}
