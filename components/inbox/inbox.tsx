"use client";

import { useRouter } from "next/navigation";
import { useEffect, useMemo, useState } from "react";

import { useRealtime } from "@/components/realtime";
import { postReceipt } from "@/components/realtime/post-receipt";
import { Badge } from "@/components/ui/badge";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { cn } from "@/components/ui/cn";
import { useHydrated } from "@/components/ui/use-hydrated";
import { formatExactTime } from "@/lib/format/time";
import type { Inbox as InboxData, InboxMessage } from "@/lib/messages/message-types";

/**
 * The user's stored messages: the server-rendered list (which includes whatever arrived while
 * they were away) plus messages received live since, from the realtime provider. Opening an item
 * marks it read on the server, and the user's other tabs hear of it (UserEvents.messageRead).
 */
export function Inbox({ initial }: { initial: InboxData }) {
  const router = useRouter();
  const { messages: live, readMessages, reconnects } = useRealtime();
  const hydrated = useHydrated();
  const [readIds, setReadIds] = useState<ReadonlySet<string>>(() => new Set());
  const [openId, setOpenId] = useState<string | null>(null);

  const items = useMemo(() => {
    const stored = new Set(initial.messages.map((message) => message.id));
    const arrived: InboxMessage[] = live
      .filter((message) => !stored.has(message.id))
      .map((message) => ({ ...message, deliveredAt: message.sentAt, readAt: null }));
    return [...arrived, ...initial.messages];
  }, [initial.messages, live]);

  const isUnread = (message: InboxMessage) => !message.readAt && !readIds.has(message.id) && !readMessages.has(message.id);
  const readHere = (message: InboxMessage) => readIds.has(message.id) || readMessages.has(message.id);

  // The server's count covers messages beyond the listed ones; adjust it by what changed here.
  const initialIds = useMemo(() => new Set(initial.messages.map((message) => message.id)), [initial.messages]);
  const unreadCount =
    initial.unreadCount -
    initial.messages.filter((message) => !message.readAt && readHere(message)).length +
    items.filter((message) => !initialIds.has(message.id) && isUnread(message)).length;

  // Messages stored while the user was offline reach the browser with this page, not through an
  // event: acknowledge their delivery now (the server keeps the first receipt).
  useEffect(() => {
    for (const message of initial.messages) if (!message.deliveredAt) void postReceipt(message.id, "delivered");
  }, [initial.messages]);

  // Messages sent while the socket was down were stored but never arrived as events: after each
  // reconnection, re-render the server part of the page, which brings the stored list up to date.
  useEffect(() => {
    if (reconnects > 0) router.refresh();
  }, [reconnects, router]);

  function open(message: InboxMessage) {
    setOpenId((current) => (current === message.id ? null : message.id));
    if (!isUnread(message)) return;
    setReadIds((ids) => new Set(ids).add(message.id));
    void postReceipt(message.id, "read").then((ok) => {
      // Show it unread again rather than claim a read the server never recorded.
      if (!ok)
        setReadIds((ids) => {
          const next = new Set(ids);
          next.delete(message.id);
          return next;
        });
    });
  }

  return (
    <Card>
      <CardHeader>
        <div className="flex items-center justify-between gap-2">
          <CardTitle>Inbox</CardTitle>
          <Badge variant={unreadCount > 0 ? "default" : "secondary"}>
            <span data-testid="unread-count">{unreadCount}</span>&nbsp;unread
          </Badge>
        </div>
        <CardDescription>
          Messages from administrators: delivered live to every tab you have open, and kept here for when you are away.
        </CardDescription>
      </CardHeader>
      <CardContent>
        {items.length === 0 ? (
          <p className="text-sm text-zinc-500 dark:text-zinc-400">
            No messages yet. Messages an administrator sends you appear here as they arrive.
          </p>
        ) : null}
        <ul data-testid="received-messages" aria-label="Inbox" aria-live="polite" className="flex flex-col gap-2">
          {items.map((message) => {
            const unread = isUnread(message);
            const expanded = openId === message.id;
            const bodyId = `inbox-body-${message.id}`;
            return (
              <li
                key={message.id}
                data-testid="inbox-item"
                data-unread={unread ? "true" : "false"}
                className={cn(
                  "rounded-lg border p-3",
                  unread ? "border-zinc-900 bg-zinc-50 dark:border-zinc-300 dark:bg-zinc-800/60" : "border-zinc-200 dark:border-zinc-800",
                )}
              >
                <button
                  type="button"
                  onClick={() => open(message)}
                  aria-expanded={expanded}
                  aria-controls={bodyId}
                  className="flex w-full flex-wrap items-center gap-2 text-left text-xs text-zinc-500 dark:text-zinc-400 focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-zinc-400"
                >
                  {unread ? (
                    <Badge variant="default" data-testid="unread-marker">
                      Unread
                    </Badge>
                  ) : null}
                  <span className={cn(unread && "font-semibold text-zinc-900 dark:text-zinc-100")}>
                    {message.from ? `From ${message.from}` : "From the app"}
                  </span>
                  <span aria-hidden>·</span>
                  <time dateTime={message.sentAt}>{formatExactTime(message.sentAt, hydrated)}</time>
                  <span className="ml-auto">{expanded ? "Close" : "Open"}</span>
                </button>
                {/* Always in the DOM (clamped while closed) so the text is visible and searchable. */}
                <p
                  id={bodyId}
                  onClick={() => open(message)}
                  className={cn("mt-2 cursor-pointer whitespace-pre-wrap break-words text-sm", !expanded && "line-clamp-2")}
                >
                  {message.body}
                </p>
                {expanded && message.readAt ? (
                  <p className="mt-1 text-xs text-zinc-500 dark:text-zinc-400">
                    Read <time dateTime={message.readAt}>{formatExactTime(message.readAt, hydrated)}</time>
                  </p>
                ) : null}
              </li>
            );
          })}
        </ul>
      </CardContent>
    </Card>
  );
}
