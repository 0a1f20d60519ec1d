"use client";

import { useState } from "react";

import { AccountActionDialogs, useAccountActions } from "@/components/admin/account-action-dialogs";
import { useAdminFeedChannels } from "@/components/admin/admin-feed-context";
import { CARD_TABLE } from "@/components/admin/card-table";
import { KickDialog } from "@/components/admin/kick-dialog";
import { Pagination } from "@/components/admin/pagination";
import { RosterRow, type RosterRowActions } from "@/components/admin/roster-row";
import { RosterSortHeader } from "@/components/admin/roster-sort-header";
import { useRoster } from "@/components/admin/use-roster";
import { useChannelLiveState, type ChannelLiveState } from "@/components/realtime";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Table, TableBody, TableCaption, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { useToast } from "@/components/ui/toast";
import { useHydrated } from "@/components/ui/use-hydrated";
import { rosterQueryString } from "@/lib/roster/query-string";
import type { RosterEntry, RosterPage, RosterQuery } from "@/lib/roster/roster-types";

const liveBadge: Record<ChannelLiveState, { label: string; variant: "success" | "warning" | "destructive" | "secondary" }> = {
  connecting: { label: "Connecting…", variant: "secondary" },
  live: { label: "Live", variant: "success" },
  offline: { label: "Offline: updates paused", variant: "warning" },
  error: { label: "Live updates unavailable", variant: "destructive" },
};

const plural = (count: number, one: string, other: string) => `${count} ${count === 1 ? one : other}`;

interface RosterTableProps {
  /** The page the server rendered. */
  initial: RosterPage;
  /** The view in the URL (search, page, sort); the table is keyed by it, so a new view starts afresh. */
  query: RosterQuery;
  /** When the server rendered the initial data (ms), so the first render matches the HTML exactly. */
  renderedAt: number;
  /** The signed-in admin: the server refuses self-bans, so the button isn't offered. */
  currentUserId: string;
}

/**
 * The live roster, one page of it: rows come from the server render, then stay current through
 * `roster-changed` deltas with a periodic resync (see useRoster). Sorting, search and paging are
 * links to /admin, answered by the server.
 */
export function RosterTable({ initial, query, renderedAt, currentUserId }: RosterTableProps) {
  const { toast } = useToast();
  const hydrated = useHydrated();
  const { feed } = useAdminFeedChannels();
  const liveState = useChannelLiveState(feed);
  const { view, visibleUsers, now, fetchError, sync, resync, removeUser, setKickPending } = useRoster({ initial, query, renderedAt, feed });
  const accountActions = useAccountActions<RosterEntry>();
  // Kick is the roster's own action (it needs the row's connection count); the others are shared.
  const [kickTarget, setKickTarget] = useState<RosterEntry | null>(null);

  function handleKicked(user: RosterEntry) {
    setKickTarget(null);
    removeUser(user.userId);
    setKickPending(user.userId, false);
    toast({ title: `${user.name} was disconnected`, variant: "success" });
  }

  const rowActions: RosterRowActions = {
    onMessage: (user) => accountActions.openAction("message", user),
    onKick: setKickTarget,
    onSignOutEverywhere: (user) => accountActions.openAction("sign-out-everywhere", user),
    onBan: (user) => accountActions.openAction("ban", user),
  };
  const live = liveBadge[liveState];
  const empty =
    query.q && view.total === 0
      ? `No one signed in matches “${query.q}”.`
      : view.total > 0
        ? "No one on this page."
        : "No one is signed in right now.";
  return (
    <section aria-labelledby="roster-heading" className="flex flex-col gap-4">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <div className="flex items-baseline gap-3">
          <h2 id="roster-heading" className="text-lg font-semibold">
            Signed-in users
          </h2>
          <p
            data-testid="roster-count"
            data-online-users={view.onlineUsers}
            data-connections={view.connections}
            aria-live="polite"
            className="text-sm text-zinc-600 dark:text-zinc-400"
          >
            {view.onlineUsers === 1 ? "1 user online" : `${view.onlineUsers} users online`}
          </p>
          <p data-testid="roster-connections" className="text-sm text-zinc-600 dark:text-zinc-400">
            {plural(view.connections, "connection", "connections")}
          </p>
        </div>
        <div className="flex items-center gap-2">
          <Badge variant={live.variant} data-testid="live-status" role="status">
            <span
              aria-hidden="true"
              className={
                liveState === "live"
                  ? "mr-1.5 inline-block h-2 w-2 rounded-full bg-emerald-500"
                  : "mr-1.5 inline-block h-2 w-2 rounded-full bg-zinc-400"
              }
            />
            {live.label}
          </Badge>
          <Button variant="outline" size="sm" onClick={() => void resync()}>
            Refresh
          </Button>
        </div>
      </div>

      {fetchError ? (
        <p role="alert" className="rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-900 dark:bg-amber-950 dark:text-amber-100">
          {fetchError}
        </p>
      ) : null}

      <Table
        className={CARD_TABLE}
        data-testid="roster-table"
        data-roster-version={sync.version ?? ""}
        data-roster-resyncs={sync.resyncs}
        data-roster-applied-at={sync.appliedAt}
      >
        <TableCaption className="sr-only">Users signed in to realtime right now, one row per user</TableCaption>
        <TableHeader>
          <TableRow>
            <RosterSortHeader sort="name" query={query}>
              Name
            </RosterSortHeader>
            <TableHead>Email</TableHead>
            <RosterSortHeader sort="connections" query={query} className="text-right">
              Connections
            </RosterSortHeader>
            <RosterSortHeader sort="signed-in" query={query}>
              Signed in since
            </RosterSortHeader>
            <RosterSortHeader sort="activity" query={query}>
              Last activity
            </RosterSortHeader>
            <TableHead>
              <span className="sr-only">Actions</span>
            </TableHead>
          </TableRow>
        </TableHeader>
        <TableBody>
          {visibleUsers.length === 0 ? (
            <TableRow>
              <TableCell colSpan={6} className="py-8 text-center text-zinc-500" data-testid="roster-empty">
                {empty}
              </TableCell>
            </TableRow>
          ) : (
            visibleUsers.map((user) => (
              <RosterRow key={user.userId} user={user} now={now} hydrated={hydrated} currentUserId={currentUserId} actions={rowActions} />
            ))
          )}
        </TableBody>
      </Table>

      {view.pageCount > 1 || view.page > 1 ? (
        <Pagination
          hrefFor={(page) => `/admin${rosterQueryString({ ...query, page })}`}
          page={view.page}
          pageCount={view.pageCount}
          total={view.total}
          noun={{ one: "user online", other: "users online" }}
          label="Roster pages"
          testId="roster-pagination"
        />
      ) : null}

      <KickDialog
        user={kickTarget}
        currentUserId={currentUserId}
        onClose={() => setKickTarget(null)}
        onKickStart={(user) => setKickPending(user.userId, true)}
        onKickFailed={(user) => setKickPending(user.userId, false)}
        onKicked={handleKicked}
      />
      <AccountActionDialogs
        open={accountActions.open}
        currentUserId={currentUserId}
        onClose={accountActions.close}
        // Signed out everywhere or banned: every connection closes, so the row goes now.
        onDone={(action, user) => {
          if (action !== "message") removeUser(user.userId);
        }}
        bannedHint="Lift the ban on the Users page."
      />
    </section>
  );
}
