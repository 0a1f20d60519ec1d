"use client";

import { useDeferredValue, useEffect, useMemo, useReducer, useState } from "react";

import { useAdminFeedChannels } from "@/components/admin/admin-feed-context";
import { RelativeTime } from "@/components/admin/relative-time";
import { useChannelEvent, useChannelLiveState, type ChannelLiveState } from "@/components/realtime";
import { Badge, type BadgeVariant } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/input";
import {
  ACTIVITY_KIND_LABELS,
  ACTIVITY_KINDS,
  createInspectorLog,
  INSPECTOR_BUFFER_LIMIT,
  inspectorReducer,
  matchesFilter,
  parseActivityBatch,
  type ActivityKind,
  type InspectorEntry,
} from "@/lib/inspector/activity";
import { AdminEvents } from "@/lib/pusher/channel-names";

const LIVE_TEXT: Record<ChannelLiveState, string> = {
  connecting: "Connecting…",
  live: "Live",
  offline: "Offline: lines sent meanwhile are lost",
  error: "Could not join the admin channel",
};

const KIND_VARIANT: Record<ActivityKind, BadgeVariant> = {
  "sign-in": "success",
  refused: "destructive",
  "connection-confirmed": "success",
  disconnect: "secondary",
  "message-sent": "outline",
  "message-delivered": "outline",
  "message-read": "outline",
  broadcast: "outline",
  webhook: "secondary",
  "admin-action": "warning",
};

/** A webhook line's verdict decides its colour; a rejected delivery is what an operator looks for. */
function variantOf(entry: InspectorEntry): BadgeVariant {
  if (entry.kind === "webhook" && entry.detail?.verdict === "rejected") return "destructive";
  return KIND_VARIANT[entry.kind];
}

/**
 * The live inspector: every `activity` line published on the admin channel, as it happens. Lines
 * exist only in this tab (nothing is stored server-side), so the buffer is bounded and pausing
 * holds new lines aside instead of dropping them.
 */
export function LiveInspector() {
  const [log, dispatch] = useReducer(inspectorReducer, undefined, () => createInspectorLog());
  const { inspector: channel } = useAdminFeedChannels();
  const liveState = useChannelLiveState(channel);
  const [kinds, setKinds] = useState<ReadonlySet<ActivityKind>>(() => new Set(ACTIVITY_KINDS));
  const [text, setText] = useState("");
  const deferredText = useDeferredValue(text);
  const [now, setNow] = useState(() => Date.now());

  useEffect(() => {
    const tick = setInterval(() => setNow(Date.now()), 5_000);
    return () => clearInterval(tick);
  }, []);

  useChannelEvent(channel, AdminEvents.activity, (data) => {
    const batch = parseActivityBatch(data);
    if (!batch) return;
    dispatch({ type: "lost", count: batch.dropped });
    for (const activity of batch.lines) dispatch({ type: "receive", activity });
  });

  const visible = useMemo(
    () => log.entries.filter((entry) => matchesFilter(entry, { kinds, text: deferredText })),
    [log.entries, kinds, deferredText],
  );

  function toggleKind(kind: ActivityKind) {
    setKinds((current) => {
      const next = new Set(current);
      if (next.has(kind)) next.delete(kind);
      else next.add(kind);
      return next;
    });
  }

  const allKinds = kinds.size === ACTIVITY_KINDS.length;

  return (
    <div className="flex flex-col gap-4">
      <div className="flex flex-wrap items-center gap-2">
        <Button
          type="button"
          variant={log.paused ? "default" : "outline"}
          size="sm"
          aria-pressed={log.paused}
          data-testid="inspector-pause"
          onClick={() => dispatch({ type: log.paused ? "resume" : "pause" })}
        >
          {log.paused ? "Resume" : "Pause"}
        </Button>
        {log.paused ? (
          <Badge variant="warning" data-testid="inspector-pending" aria-live="polite">
            {log.pending.length} new
          </Badge>
        ) : null}
        <Button type="button" variant="ghost" size="sm" data-testid="inspector-clear" onClick={() => dispatch({ type: "clear" })}>
          Clear
        </Button>
        <Input
          type="search"
          aria-label="Filter by user or summary"
          placeholder="Filter by user or summary"
          data-testid="inspector-text-filter"
          value={text}
          onChange={(event) => setText(event.target.value)}
          className="h-8 max-w-xs"
        />
        <span className="ml-auto text-xs text-zinc-500 dark:text-zinc-400" data-testid="inspector-live-state" role="status">
          {LIVE_TEXT[liveState]}
        </span>
      </div>

      <fieldset className="flex flex-wrap items-center gap-x-4 gap-y-2 text-sm" data-testid="inspector-kind-filter">
        <legend className="sr-only">Kinds to show</legend>
        <label className="flex items-center gap-1.5 font-medium">
          <input type="checkbox" checked={allKinds} onChange={() => setKinds(allKinds ? new Set() : new Set(ACTIVITY_KINDS))} />
          All
        </label>
        {ACTIVITY_KINDS.map((kind) => (
          <label key={kind} className="flex items-center gap-1.5">
            <input type="checkbox" value={kind} checked={kinds.has(kind)} onChange={() => toggleKind(kind)} />
            {ACTIVITY_KIND_LABELS[kind]}
          </label>
        ))}
      </fieldset>

      <p className="text-xs text-zinc-500 dark:text-zinc-400">
        Showing {visible.length} of {log.entries.length} line{log.entries.length === 1 ? "" : "s"}, newest first. This tab keeps the last{" "}
        {INSPECTOR_BUFFER_LIMIT}
        {log.dropped > 0 ? `; ${log.dropped} older line${log.dropped === 1 ? " was" : "s were"} dropped` : ""}.
      </p>
      {log.lostOnServer > 0 ? (
        <p role="status" data-testid="inspector-lost" className="text-xs text-amber-800 dark:text-amber-300">
          {log.lostOnServer} line{log.lostOnServer === 1 ? " was" : "s were"} not delivered: the server publishes at a bounded rate and
          dropped them under load.
        </p>
      ) : null}

      <ol
        data-testid="inspector-log"
        aria-label="Activity"
        className="flex flex-col divide-y divide-zinc-200 rounded-lg border border-zinc-200 dark:divide-zinc-800 dark:border-zinc-800"
      >
        {visible.length === 0 ? (
          <li className="p-4 text-sm text-zinc-500 dark:text-zinc-400">
            {log.entries.length === 0
              ? "Nothing yet. Activity appears here as it happens: sign-ins, connections, webhooks, messages."
              : "No line matches the filters."}
          </li>
        ) : null}
        {visible.map((entry) => (
          <li key={entry.seq} data-testid="inspector-entry" data-kind={entry.kind} className="flex flex-col gap-1 p-3 text-sm">
            <div className="flex flex-wrap items-baseline gap-2">
              <Badge variant={variantOf(entry)}>{ACTIVITY_KIND_LABELS[entry.kind]}</Badge>
              <span className="min-w-0 flex-1 break-words">{entry.summary}</span>
              <span className="text-xs text-zinc-500 dark:text-zinc-400">
                <RelativeTime iso={entry.at} now={now} local />
              </span>
            </div>
            {entry.userId || entry.detail ? (
              <div className="flex flex-wrap items-baseline gap-2 text-xs text-zinc-500 dark:text-zinc-400">
                {entry.userId ? <span className="font-mono">user {entry.userId}</span> : null}
                {entry.detail ? (
                  <details>
                    <summary className="cursor-pointer select-none">details</summary>
                    <pre className="mt-1 max-h-64 overflow-auto whitespace-pre-wrap break-all rounded bg-zinc-50 p-2 font-mono dark:bg-zinc-950">
                      {JSON.stringify(entry.detail, null, 2)}
                    </pre>
                  </details>
                ) : null}
              </div>
            ) : null}
          </li>
        ))}
      </ol>
    </div>
  );
}
