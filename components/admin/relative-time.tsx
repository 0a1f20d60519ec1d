"use client";

import { formatExactTime, formatRelativeTime } from "@/lib/format/time";

/** A relative time ("2 min ago") with the exact time in its tooltip and machine-readable dateTime. */
export function RelativeTime({ iso, now, local }: { iso: string; now: number; local: boolean }) {
  return (
    <time dateTime={iso} title={formatExactTime(iso, local)}>
      {formatRelativeTime(iso, now)}
    </time>
  );
}
