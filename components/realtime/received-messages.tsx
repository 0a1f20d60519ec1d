"use client";

import { useRealtime } from "./realtime-provider";

function formatTime(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? "" : date.toLocaleTimeString();
}

/** Messages sent to this user while the page is open. */
export function ReceivedMessages() {
  const { messages } = useRealtime();
  return (
    <div>
      {messages.length === 0 ? (
        <p className="text-sm text-zinc-500">No messages yet. Messages an administrator sends you appear here as they arrive.</p>
      ) : null}
      <ul data-testid="received-messages" aria-label="Received messages" aria-live="polite" className="flex flex-col gap-2">
        {messages.map((message) => (
          <li key={message.id} className="rounded-lg border border-zinc-200 p-3 dark:border-zinc-800">
            <p className="whitespace-pre-wrap break-words text-sm">{message.body}</p>
            <p className="mt-1 text-xs text-zinc-500">
              {message.from ? `From ${message.from}` : "From the app"}
              {formatTime(message.sentAt) ? (
                <>
                  {" · "}
                  <time dateTime={message.sentAt}>{formatTime(message.sentAt)}</time>
                </>
              ) : null}
            </p>
          </li>
        ))}
      </ul>
    </div>
  );
}
