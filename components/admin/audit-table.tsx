import Link from "next/link";

import { CARD_TABLE } from "@/components/admin/card-table";
import { Badge } from "@/components/ui/badge";
import { Table, TableBody, TableCaption, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { auditActionLabel } from "@/lib/admin/audit-labels";
import type { AuditRow } from "@/lib/admin/audit-query";
import { formatExactTime } from "@/lib/format/time";
import { userPagePath } from "@/lib/admin/account-actions";

function Person({ person, id, missing }: { person: AuditRow["actor"]; id: string | null; missing: string }) {
  if (person && id) {
    // The person's page: their connections, messages, audit history and actions.
    return (
      <Link href={userPagePath(id)} className="flex flex-col underline-offset-2 hover:underline">
        <span>{person.name}</span>
        <span className="text-xs text-zinc-600 dark:text-zinc-400">{person.email}</span>
      </Link>
    );
  }
  // The row outlives the account: keep the id so the action can still be traced.
  return id ? (
    <span className="font-mono text-xs text-zinc-600 dark:text-zinc-400">{`${id} (deleted)`}</span>
  ) : (
    <span className="text-zinc-600 dark:text-zinc-400">{missing}</span>
  );
}

/** The audit log, newest first, as the server read it. Read-only: audit rows are never edited. */
export function AuditTable({ rows }: { rows: AuditRow[] }) {
  return (
    <Table data-testid="audit-table" className={CARD_TABLE}>
      <TableCaption className="sr-only">Administrator actions, newest first</TableCaption>
      <TableHeader>
        <TableRow>
          <TableHead>Time</TableHead>
          <TableHead>Action</TableHead>
          <TableHead>Actor</TableHead>
          <TableHead>Target</TableHead>
          <TableHead>Summary</TableHead>
          <TableHead>Result</TableHead>
        </TableRow>
      </TableHeader>
      <TableBody>
        {rows.length === 0 ? (
          <TableRow>
            <TableCell colSpan={6} className="py-8 text-center text-zinc-500 dark:text-zinc-400" data-testid="audit-empty">
              No audit entries match.
            </TableCell>
          </TableRow>
        ) : (
          rows.map((row) => (
            <TableRow key={row.id} data-testid="audit-row" data-action={row.action} className="align-top">
              <TableCell data-label="Time" className="whitespace-nowrap tabular-nums">
                <time dateTime={row.createdAt}>{formatExactTime(row.createdAt, false)}</time>
              </TableCell>
              <TableCell data-label="Action">
                <Badge variant="outline" title={row.action}>
                  {auditActionLabel(row.action)}
                </Badge>
              </TableCell>
              <TableCell data-label="Actor">
                <Person person={row.actor} id={row.actorId} missing="—" />
              </TableCell>
              <TableCell data-label="Target">
                <Person person={row.target} id={row.targetUserId} missing="—" />
              </TableCell>
              <TableCell data-label="Summary" className="max-w-md break-words">
                {row.summary}
              </TableCell>
              <TableCell data-label="Result" data-testid="audit-result">
                {row.result === "ok" ? (
                  <Badge variant="success">ok</Badge>
                ) : (
                  <span className="text-sm text-red-700 dark:text-red-300">{row.result}</span>
                )}
              </TableCell>
            </TableRow>
          ))
        )}
      </TableBody>
    </Table>
  );
}
