"use client";

import { useRouter } from "next/navigation";
import { useEffect, useRef } from "react";

import { useAdminFeedChannels } from "@/components/admin/admin-feed-context";
import { useChannelEvent } from "@/components/realtime";
import { AdminEvents } from "@/lib/pusher/channel-names";

/** Events within this window cause one refresh: a broadcast's receipts must not re-render per receipt. */
export const FEED_REFRESH_COALESCE_MS = 3_000;
/** Refusals and password sign-ins publish nothing, so pages also re-read this often. */
export const FEED_REFRESH_POLL_MS = 30_000;

/**
 * Keeps a server-rendered admin page (metrics, a user's page) current while it is open: roster
 * changes and message status events on the admin feed schedule one re-render of the server data
 * (coalesced), and a slow poll covers what has no event. Renders nothing.
 */
export function FeedRefresh() {
  const router = useRouter();
  const { feed } = useAdminFeedChannels();
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);

  const schedule = () => {
    if (timer.current) return;
    timer.current = setTimeout(() => {
      timer.current = null;
      router.refresh();
    }, FEED_REFRESH_COALESCE_MS);
  };

  useChannelEvent(feed, AdminEvents.rosterChanged, schedule);
  useChannelEvent(feed, AdminEvents.messageStatus, schedule);

  useEffect(() => {
    const poll = setInterval(() => router.refresh(), FEED_REFRESH_POLL_MS);
    return () => {
      clearInterval(poll);
      if (timer.current) clearTimeout(timer.current);
    };
  }, [router]);

  return null;
}
