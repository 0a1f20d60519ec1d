"use client";

import { useCallback, useEffect, useRef, useState } from "react";

import { fetchRosterPageOver, RosterSync, type RosterSnapshot } from "@/components/admin/roster-sync";
import { useChannelEvent } from "@/components/realtime";
import { AdminEvents } from "@/lib/pusher/channel-names";
import { rosterQueryString } from "@/lib/roster/query-string";
import type { RosterPage, RosterQuery } from "@/lib/roster/roster-types";

const fetchRosterPage = fetchRosterPageOver(
  (input, init) => fetch(input, init),
  (query) => `/api/admin/roster${rosterQueryString(query)}`,
);

/**
 * The roster page the console shows, kept live by RosterSync (deltas, throttled refetches, the
 * periodic resync), minus the rows whose kick is on its way (`visibleUsers`). The caller keys its component by the query, so `initial` and `query` are
 * fixed for this hook's life.
 */
export function useRoster({
  initial,
  query,
  renderedAt,
  feed,
}: {
  initial: RosterPage;
  query: RosterQuery;
  renderedAt: number;
  feed: string;
}) {
  const [snapshot, setSnapshot] = useState<RosterSnapshot>({
    view: initial,
    fetchError: null,
    version: null,
    resyncs: 0,
    appliedAt: renderedAt,
  });
  const [now, setNow] = useState(renderedAt);
  const sync = useRef<RosterSync | null>(null);
  // Rows hidden while their kick request runs, so the row goes away the moment the admin confirms.
  const [kickPendingIds, setKickPendingIds] = useState<ReadonlySet<string>>(() => new Set());

  useEffect(() => {
    const roster = new RosterSync(
      initial,
      query,
      fetchRosterPage,
      (next) => {
        setSnapshot(next);
        if (next.fetchError === null) setNow(Date.now());
      },
      renderedAt,
    );
    sync.current = roster;
    const firstTick = setTimeout(() => setNow(Date.now()), 0);
    // Keeps "2 min ago" honest between updates.
    const tick = setInterval(() => setNow(Date.now()), 10_000);
    return () => {
      roster.dispose();
      sync.current = null;
      clearTimeout(firstTick);
      clearInterval(tick);
    };
  }, [initial, query, renderedAt]);

  const handleEvent = useCallback((data: unknown) => sync.current?.handleEvent(data), []);
  // Whatever happened between the server render and the subscription (or while the socket was
  // down) produced events nobody heard: refetch once subscribed.
  const handleSubscribed = useCallback(() => sync.current?.scheduleResync(), []);
  useChannelEvent(feed, AdminEvents.rosterChanged, handleEvent, handleSubscribed);

  const resync = useCallback(() => sync.current?.resync() ?? Promise.resolve(), []);
  const removeUser = useCallback((userId: string) => sync.current?.removeUser(userId), []);

  const setKickPending = useCallback((userId: string, pending: boolean) => {
    setKickPendingIds((ids) => {
      const next = new Set(ids);
      if (pending) next.add(userId);
      else next.delete(userId);
      return next;
    });
  }, []);

  const view = snapshot.view;
  const visibleUsers = kickPendingIds.size ? view.users.filter((user) => !kickPendingIds.has(user.userId)) : view.users;
  return { view, visibleUsers, now, fetchError: snapshot.fetchError, sync: snapshot, resync, removeUser, setKickPending };
}
