"use client";

import { useCallback, useEffect, useRef, useState } from "react";

import { useAdminFeedChannels } from "@/components/admin/admin-feed-context";
import { BanDialog } from "@/components/admin/ban-dialog";
import { RevokeButtons } from "@/components/admin/revoke-buttons";
import { KickDialog } from "@/components/admin/kick-dialog";
import { RelativeTime } from "@/components/admin/relative-time";
import { SendMessageDialog, sentMessageToast, type SendMessageResult } from "@/components/admin/send-message-dialog";
import { SignOutEverywhereDialog, type AccountTarget } from "@/components/admin/sign-out-everywhere-dialog";
import { useChannelEvent, useChannelLiveState, type ChannelLiveState } from "@/components/realtime";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Table, TableBody, TableCaption, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { useToast } from "@/components/ui/toast";
import { useHydrated } from "@/components/ui/use-hydrated";
import { AdminEvents } from "@/lib/pusher/channels";
import { ROSTER_POLL_INTERVAL_MS, ROSTER_REFETCH_DEBOUNCE_MS } from "@/lib/roster/constants";
import type { RosterEntry, RosterResponse } from "@/lib/roster/types";

const liveBadge: Record<ChannelLiveState, { label: string; variant: "success" | "warning" | "destructive" | "secondary" }> = {
  connecting: { label: "Connecting…", variant: "secondary" },
  live: { label: "Live", variant: "success" },
  offline: { label: "Offline: updates paused", variant: "warning" },
  error: { label: "Live updates unavailable", variant: "destructive" },
};


interface RosterTableProps {
  initialUsers: RosterEntry[];
  /** When the server rendered the initial data (ms), so the first render matches the HTML exactly. */
  renderedAt: number;
  /** The signed-in admin: the server refuses self-bans, so the button isn't offered. */
  currentUserId: string;
}

/**
 * The live roster. Initial rows come from the server render; afterwards `roster-changed` events
 * on the admin channel trigger a refetch of /api/admin/roster. The event carries no roster data on
 * purpose: refetching the database's state makes lost, duplicated or reordered events harmless.
 */
export function RosterTable({ initialUsers, renderedAt, currentUserId }: RosterTableProps) {
  const { toast } = useToast();
  const [users, setUsers] = useState<RosterEntry[]>(initialUsers);
  const [now, setNow] = useState(renderedAt);
  const hydrated = useHydrated();
  const { feed } = useAdminFeedChannels();
  const liveState = useChannelLiveState(feed);
  const [fetchError, setFetchError] = useState<string | null>(null);
  const [messageTarget, setMessageTarget] = useState<RosterEntry | null>(null);
  const [kickTarget, setKickTarget] = useState<RosterEntry | null>(null);
  const [signOutTarget, setSignOutTarget] = useState<RosterEntry | null>(null);
  const [banTarget, setBanTarget] = useState<RosterEntry | null>(null);
  // Rows hidden while their kick request runs, so the row goes away the moment the admin confirms.
  const [kickPendingIds, setKickPendingIds] = useState<ReadonlySet<string>>(() => new Set());

  // Only the newest request may write state: an older response finishing last would otherwise
  // bring back a row that was just kicked.
  const requestSeq = useRef(0);
  const debounceTimer = useRef<ReturnType<typeof setTimeout> | null>(null);

  const refetch = useCallback(async () => {
    const seq = ++requestSeq.current;
    try {
      const response = await fetch("/api/admin/roster", { cache: "no-store", headers: { Accept: "application/json" } });
      const body = (await response.json().catch(() => null)) as (RosterResponse & { error?: string }) | null;
      if (seq !== requestSeq.current) return;
      if (!response.ok || !body || !Array.isArray(body.users)) {
        setFetchError(body?.error ?? `Could not refresh the roster (HTTP ${response.status}).`);
        return;
      }
      setUsers(body.users);
      setFetchError(null);
      setNow(Date.now());
    } catch {
      if (seq === requestSeq.current) setFetchError("Could not refresh the roster: the server is unreachable.");
    }
  }, []);

  const scheduleRefetch = useCallback(() => {
    if (debounceTimer.current) clearTimeout(debounceTimer.current);
    debounceTimer.current = setTimeout(() => {
      debounceTimer.current = null;
      void refetch();
    }, ROSTER_REFETCH_DEBOUNCE_MS);
  }, [refetch]);

  useEffect(() => {
    // Expired grace windows and lazy reconciliation produce no event; polling also keeps
    // "2 min ago" honest.
    const poll = setInterval(() => void refetch(), ROSTER_POLL_INTERVAL_MS);
    const firstTick = setTimeout(() => setNow(Date.now()), 0);
    const tick = setInterval(() => setNow(Date.now()), 10_000);
    return () => {
      clearInterval(poll);
      clearTimeout(firstTick);
      clearInterval(tick);
      if (debounceTimer.current) clearTimeout(debounceTimer.current);
    };
  }, [refetch]);

  // Whatever happened between the server render and the subscription (or while the socket was
  // down) produced events nobody heard: refetch once subscribed.
  useChannelEvent(feed, AdminEvents.rosterChanged, scheduleRefetch, scheduleRefetch);

  function handleSent(user: AccountTarget, result: SendMessageResult) {
    setMessageTarget(null);
    toast(sentMessageToast(user, result));
  }

  function setKickPending(userId: string, pending: boolean) {
    setKickPendingIds((ids) => {
      const next = new Set(ids);
      if (pending) next.add(userId);
      else next.delete(userId);
      return next;
    });
  }

  /** Kick, sign-out-everywhere and ban all close every connection: the row goes at once. */
  function removeDisconnected(user: AccountTarget) {
    // A roster response already in flight may predate the disconnect: discard it, then refetch.
    requestSeq.current += 1;
    setUsers((list) => list.filter((entry) => entry.userId !== user.userId));
    scheduleRefetch();
  }

  function handleKicked(user: RosterEntry) {
    setKickTarget(null);
    removeDisconnected(user);
    setKickPending(user.userId, false);
    toast({ title: `${user.name} was disconnected`, variant: "success" });
  }

  function handleSignedOut(user: AccountTarget) {
    setSignOutTarget(null);
    removeDisconnected(user);
    toast({ title: `${user.name} was signed out everywhere`, variant: "success" });
  }

  function handleBanned(user: AccountTarget) {
    setBanTarget(null);
    removeDisconnected(user);
    toast({ title: `${user.name} was banned`, description: "Lift the ban on the Users page.", variant: "success" });
  }

  const live = liveBadge[liveState];
  const visibleUsers = kickPendingIds.size ? users.filter((user) => !kickPendingIds.has(user.userId)) : users;
  const count = visibleUsers.length;
  return (
    <section aria-labelledby="roster-heading" className="flex flex-col gap-4">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <div className="flex items-baseline gap-3">
          <h2 id="roster-heading" className="text-lg font-semibold">
            Signed-in users
          </h2>
          <p data-testid="roster-count" aria-live="polite" className="text-sm text-zinc-600 dark:text-zinc-400">
            {count === 1 ? "1 user online" : `${count} users online`}
          </p>
        </div>
        <div className="flex items-center gap-2">
          <Badge variant={live.variant} data-testid="live-status" role="status">
            <span aria-hidden="true" className={liveState === "live" ? "mr-1.5 inline-block h-2 w-2 rounded-full bg-emerald-500" : "mr-1.5 inline-block h-2 w-2 rounded-full bg-zinc-400"} />
            {live.label}
          </Badge>
          <Button variant="outline" size="sm" onClick={() => void refetch()}>
            Refresh
          </Button>
        </div>
      </div>

      {fetchError ? (
        <p role="alert" className="rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-900 dark:bg-amber-950 dark:text-amber-100">
          {fetchError}
        </p>
      ) : null}

      <Table data-testid="roster-table">
        <TableCaption className="sr-only">Users signed in to realtime right now, one row per user</TableCaption>
        <TableHeader>
          <TableRow>
            <TableHead>Name</TableHead>
            <TableHead>Email</TableHead>
            <TableHead className="text-right">Connections</TableHead>
            <TableHead>Signed in since</TableHead>
            <TableHead>Last activity</TableHead>
            <TableHead>
              <span className="sr-only">Actions</span>
            </TableHead>
          </TableRow>
        </TableHeader>
        <TableBody>
          {count === 0 ? (
            <TableRow>
              <TableCell colSpan={6} className="py-8 text-center text-zinc-500" data-testid="roster-empty">
                No one is signed in right now.
              </TableCell>
            </TableRow>
          ) : (
            visibleUsers.map((user) => (
              <TableRow key={user.userId} data-testid="roster-row" data-user-email={user.email} data-user-id={user.userId}>
                <TableCell className="font-medium">
                  {user.name}
                  {user.role === "ADMIN" ? (
                    <Badge variant="outline" className="ml-2">
                      Admin
                    </Badge>
                  ) : null}
                </TableCell>
                <TableCell>{user.email}</TableCell>
                <TableCell className="text-right tabular-nums" data-testid="connection-count">
                  {user.connectionCount}
                </TableCell>
                <TableCell data-testid="signed-in-since">
                  <RelativeTime iso={user.signedInSince} now={now} local={hydrated} />
                </TableCell>
                <TableCell data-testid="last-activity">
                  <RelativeTime iso={user.lastActivityAt} now={now} local={hydrated} />
                </TableCell>
                <TableCell>
                  <div className="flex justify-end gap-2">
                    <Button size="sm" variant="outline" onClick={() => setMessageTarget(user)}>
                      Send message
                      <span className="sr-only"> to {user.name}</span>
                    </Button>
                    <Button size="sm" variant="destructive" onClick={() => setKickTarget(user)}>
                      Kick
                      <span className="sr-only"> {user.name}</span>
                    </Button>
                    <RevokeButtons user={user} currentUserId={currentUserId} onSignOutEverywhere={setSignOutTarget} onBan={setBanTarget} />
                  </div>
                </TableCell>
              </TableRow>
            ))
          )}
        </TableBody>
      </Table>

      <SendMessageDialog user={messageTarget} onClose={() => setMessageTarget(null)} onSent={handleSent} />
      <KickDialog
        user={kickTarget}
        currentUserId={currentUserId}
        onClose={() => setKickTarget(null)}
        onKickStart={(user) => setKickPending(user.userId, true)}
        onKickFailed={(user) => setKickPending(user.userId, false)}
        onKicked={handleKicked}
      />
      <SignOutEverywhereDialog user={signOutTarget} currentUserId={currentUserId} onClose={() => setSignOutTarget(null)} onDone={handleSignedOut} />
      <BanDialog user={banTarget} onClose={() => setBanTarget(null)} onBanned={handleBanned} />
    </section>
  );
}
