"use client";

import { useRouter } from "next/navigation";
import { useCallback, useEffect, useRef, useState } from "react";

import { useAdminFeedChannels } from "@/components/admin/admin-feed-context";
import { CARD_TABLE } from "@/components/admin/card-table";
import { RelativeTime } from "@/components/admin/relative-time";
import { useChannelEvent } from "@/components/realtime";
import { Badge, type BadgeVariant } from "@/components/ui/badge";
import { Table, TableBody, TableCaption, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { useHydrated } from "@/components/ui/use-hydrated";
import {
  applyMessageStatus,
  messageStatusOf,
  parseMessageStatus,
  type AdminMessageRow,
  type MessageStatus,
} from "@/lib/messages/message-types";
import { AdminEvents } from "@/lib/pusher/channel-names";

const statusBadge: Record<MessageStatus, { label: string; variant: BadgeVariant }> = {
  sent: { label: "Sent", variant: "secondary" },
  delivered: { label: "Delivered", variant: "warning" },
  read: { label: "Read", variant: "success" },
};

/** Bursts of events for messages this page hasn't seen (a broadcast's receipts) cause one refresh. */
const REFRESH_DEBOUNCE_MS = 200;

type Receipts = Pick<AdminMessageRow, "deliveredAt" | "readAt">;

/**
 * Recent messages and their receipts. Rows come from the server render; `message-status` events
 * update known rows in place, and an event about a message not on the page (a new message, a
 * broadcast) re-renders the page's server data with router.refresh().
 */
export function MessageStatusTable({ messages, renderedAt }: { messages: AdminMessageRow[]; renderedAt: number }) {
  const router = useRouter();
  const { feed } = useAdminFeedChannels();
  const hydrated = useHydrated();
  const [now, setNow] = useState(renderedAt);
  // Live receipts by message id. Receipts only ever move forward (first timestamp wins), so they
  // can be folded over newer server data as well as older, and never need clearing.
  const [receipts, setReceipts] = useState<Record<string, Receipts>>({});
  const knownIds = useRef(new Set<string>());
  const refreshTimer = useRef<ReturnType<typeof setTimeout> | null>(null);

  useEffect(() => {
    knownIds.current = new Set(messages.map((message) => message.id));
  }, [messages]);

  const scheduleRefresh = useCallback(() => {
    if (refreshTimer.current) return;
    refreshTimer.current = setTimeout(() => {
      refreshTimer.current = null;
      router.refresh();
    }, REFRESH_DEBOUNCE_MS);
  }, [router]);

  useEffect(() => {
    const firstTick = setTimeout(() => setNow(Date.now()), 0);
    const tick = setInterval(() => setNow(Date.now()), 10_000);
    return () => {
      clearTimeout(firstTick);
      clearInterval(tick);
      if (refreshTimer.current) clearTimeout(refreshTimer.current);
    };
  }, []);

  useChannelEvent(
    feed,
    AdminEvents.messageStatus,
    (data) => {
      const event = parseMessageStatus(data);
      if (!event) return;
      if (!knownIds.current.has(event.messageId)) {
        scheduleRefresh();
        return;
      }
      setReceipts((current) => ({
        ...current,
        [event.messageId]: applyMessageStatus(current[event.messageId] ?? { deliveredAt: null, readAt: null }, event),
      }));
    },
    // Events sent between the server render and the subscription (or during an outage) were missed.
    scheduleRefresh,
  );

  const rows = messages.map((message) => {
    const live = receipts[message.id];
    if (!live) return message;
    let merged = message;
    if (live.deliveredAt) merged = applyMessageStatus(merged, { status: "delivered", at: live.deliveredAt });
    if (live.readAt) merged = applyMessageStatus(merged, { status: "read", at: live.readAt });
    return merged;
  });

  return (
    <Table data-testid="message-status-table" className={CARD_TABLE}>
      <TableCaption>
        {rows.length === 0 ? "No messages yet." : `The ${rows.length} most recent messages, newest first. Updates live.`}
      </TableCaption>
      <TableHeader>
        <TableRow>
          <TableHead>Recipient</TableHead>
          <TableHead>Message</TableHead>
          <TableHead>Sent</TableHead>
          <TableHead>Live</TableHead>
          <TableHead>Status</TableHead>
        </TableRow>
      </TableHeader>
      <TableBody>
        {rows.map((message) => {
          const status = messageStatusOf(message);
          return (
            <TableRow key={message.id} data-testid="message-row" data-message-id={message.id} data-status={status}>
              <TableCell data-label="Recipient">
                <div>
                  <div className="font-medium">{message.recipient.name}</div>
                  <div className="text-xs text-zinc-600 dark:text-zinc-400">{message.recipient.email}</div>
                </div>
              </TableCell>
              <TableCell data-label="Message" className="max-w-xs">
                <span className="line-clamp-2 break-words">{message.bodyExcerpt}</span>
                {message.broadcastId ? (
                  <Badge variant="outline" className="mt-1">
                    Broadcast
                  </Badge>
                ) : null}
              </TableCell>
              <TableCell data-label="Sent" className="whitespace-nowrap text-zinc-600 dark:text-zinc-300">
                <RelativeTime iso={message.sentAt} now={now} local={hydrated} />
              </TableCell>
              <TableCell data-label="Live" className="whitespace-nowrap text-xs">
                {message.sentLive ? "Sent live" : "Recipient offline"}
              </TableCell>
              <TableCell data-label="Status">
                <div className="flex flex-col items-start gap-1">
                  <Badge variant={statusBadge[status].variant} data-testid="message-status">
                    {statusBadge[status].label}
                  </Badge>
                  <span className="text-xs text-zinc-600 dark:text-zinc-400">
                    {message.deliveredAt ? (
                      <span className="block">
                        Delivered <RelativeTime iso={message.deliveredAt} now={now} local={hydrated} />
                      </span>
                    ) : null}
                    {message.readAt ? (
                      <span className="block">
                        Read <RelativeTime iso={message.readAt} now={now} local={hydrated} />
                      </span>
                    ) : null}
                  </span>
                </div>
              </TableCell>
            </TableRow>
          );
        })}
      </TableBody>
    </Table>
  );
}
