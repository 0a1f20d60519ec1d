"use client";

import { useEffect, useState } from "react";

import { CARD_TABLE } from "@/components/admin/card-table";
import { RelativeTime } from "@/components/admin/relative-time";
import { Badge } from "@/components/ui/badge";
import { Table, TableBody, TableCaption, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { useHydrated } from "@/components/ui/use-hydrated";
import type { UserConnection } from "@/lib/admin/user-detail";

/**
 * The user's live sockets. No per-socket "Close": Pusher's HTTP API (hosted, soketi and the
 * embedded server alike) closes a user's connections only all together (terminate_connections),
 * which is the Kick action above; the caption says so.
 */
export function ConnectionsTable({ connections, renderedAt }: { connections: UserConnection[]; renderedAt: number }) {
  const hydrated = useHydrated();
  const [now, setNow] = useState(renderedAt);
  useEffect(() => {
    const first = setTimeout(() => setNow(Date.now()), 0);
    const tick = setInterval(() => setNow(Date.now()), 10_000);
    return () => {
      clearTimeout(first);
      clearInterval(tick);
    };
  }, []);

  return (
    <Table data-testid="user-connections" className={CARD_TABLE}>
      <TableCaption className="text-left">
        {connections.length === 0
          ? "Not connected right now."
          : "Connections close together: Pusher's HTTP API can only terminate all of a user's connections at once (Kick), not one socket."}
      </TableCaption>
      <TableHeader>
        <TableRow>
          <TableHead>Socket</TableHead>
          <TableHead>Browser</TableHead>
          <TableHead>Since</TableHead>
          <TableHead>Last activity</TableHead>
          <TableHead>State</TableHead>
        </TableRow>
      </TableHeader>
      <TableBody>
        {connections.map((connection) => (
          <TableRow key={connection.socketId} data-testid="user-connection" data-socket-id={connection.socketId}>
            <TableCell data-label="Socket" className="font-mono text-xs">
              {connection.socketId}
            </TableCell>
            <TableCell data-label="Browser" className="max-w-xs break-words text-xs">
              {connection.userAgent ?? "Unknown"}
            </TableCell>
            <TableCell data-label="Since" className="whitespace-nowrap">
              <RelativeTime iso={connection.signedInAt} now={now} local={hydrated} />
            </TableCell>
            <TableCell data-label="Last activity" className="whitespace-nowrap">
              <RelativeTime iso={connection.lastActivityAt} now={now} local={hydrated} />
            </TableCell>
            <TableCell data-label="State">
              {connection.confirmed ? <Badge variant="success">Live</Badge> : <Badge variant="secondary">Connecting</Badge>}
            </TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}
