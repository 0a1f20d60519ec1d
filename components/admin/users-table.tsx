"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";

import { AccountActionDialogs, useAccountActions } from "@/components/admin/account-action-dialogs";
import { CARD_ACTIONS, CARD_TABLE } from "@/components/admin/card-table";
import { RevokeButtons } from "@/components/admin/revoke-buttons";
import { roleChangedToast, RoleChangeDialog, type RoleChangeTarget } from "@/components/admin/role-change-dialog";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Table, TableBody, TableCaption, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { useToast } from "@/components/ui/toast";
import { useUnban } from "@/components/admin/use-unban";
import { formatExactTime } from "@/lib/format/time";
import { userPagePath, type UserListEntry } from "@/lib/admin/account-actions";

interface UsersTableProps {
  users: UserListEntry[];
  /** The signed-in admin: the server refuses self-bans, so the button isn't offered. */
  currentUserId: string;
}

/**
 * Every account, banned or not. The roster only shows connected users, and a banned user is never
 * connected, so this is where bans are reviewed and lifted. After each action the server
 * component re-renders (router.refresh), so the rows always show the database's state.
 */
export function UsersTable({ users, currentUserId }: UsersTableProps) {
  const router = useRouter();
  const { toast } = useToast();
  const [refreshing, startRefresh] = useTransition();
  // The roster only lists connected users; here an admin can also message someone offline, and
  // the message waits in their inbox.
  const accountActions = useAccountActions();
  const [roleTarget, setRoleTarget] = useState<RoleChangeTarget | null>(null);

  const refresh = () => startRefresh(() => router.refresh());
  const unban = useUnban(refresh);

  return (
    <>
      <Table data-testid="users-table" aria-busy={refreshing} className={CARD_TABLE}>
        <TableCaption className="sr-only">All user accounts, one row per user</TableCaption>
        <TableHeader>
          <TableRow>
            <TableHead>Name</TableHead>
            <TableHead>Email</TableHead>
            <TableHead>Role</TableHead>
            <TableHead>Status</TableHead>
            <TableHead>
              <span className="sr-only">Actions</span>
            </TableHead>
          </TableRow>
        </TableHeader>
        <TableBody>
          {users.length === 0 ? (
            <TableRow>
              <TableCell colSpan={5} className="py-8 text-center text-zinc-500 dark:text-zinc-400">
                No accounts yet.
              </TableCell>
            </TableRow>
          ) : (
            users.map((user) => (
              <TableRow key={user.userId} data-testid="user-row" data-user-email={user.email} data-user-id={user.userId}>
                <TableCell data-label="Name" className="font-medium">
                  {/* The user's page: connections, messages, audit history, timeline and every action. */}
                  <Link id={`user-name-${user.userId}`} href={userPagePath(user.userId)} className="underline-offset-2 hover:underline">
                    {user.name}
                  </Link>
                </TableCell>
                <TableCell data-label="Email" className="break-all">
                  {user.email}
                </TableCell>
                <TableCell data-label="Role" data-testid="user-role">
                  {user.role === "ADMIN" ? "Admin" : "User"}
                </TableCell>
                <TableCell data-label="Status" data-testid="user-status">
                  {user.ban ? (
                    <div className="flex flex-col gap-1">
                      <Badge variant="destructive" className="w-fit">
                        Banned
                      </Badge>
                      <span className="text-xs text-zinc-600 dark:text-zinc-400">
                        {user.ban.reason ?? "No reason given"}
                        {" · "}
                        {/* UTC: the same text on the server and in the browser. */}
                        {user.ban.expiresAt ? `until ${formatExactTime(user.ban.expiresAt, false)}` : "permanent"}
                      </span>
                    </div>
                  ) : (
                    <Badge variant="success">Active</Badge>
                  )}
                </TableCell>
                <TableCell>
                  <div className={`flex justify-end gap-2 ${CARD_ACTIONS}`}>
                    <Button size="sm" variant="outline" onClick={() => accountActions.openAction("message", user)}>
                      Send message
                      <span className="sr-only"> to {user.name}</span>
                    </Button>
                    {user.ban ? (
                      <Button
                        size="sm"
                        variant="outline"
                        onClick={() => void unban.unban(user)}
                        disabled={unban.pending}
                        aria-busy={unban.isUnbanning(user.userId)}
                      >
                        {unban.isUnbanning(user.userId) ? "Unbanning…" : "Unban"}
                        <span className="sr-only"> {user.name}</span>
                      </Button>
                    ) : (
                      <RevokeButtons
                        user={user}
                        currentUserId={currentUserId}
                        onSignOutEverywhere={(target) => accountActions.openAction("sign-out-everywhere", target)}
                        onBan={(target) => accountActions.openAction("ban", target)}
                      />
                    )}
                    {/* Named exactly "Make admin" / "Remove admin"; the row's name link describes whose. */}
                    <Button size="sm" variant="outline" aria-describedby={`user-name-${user.userId}`} onClick={() => setRoleTarget(user)}>
                      {user.role === "ADMIN" ? "Remove admin" : "Make admin"}
                    </Button>
                  </div>
                </TableCell>
              </TableRow>
            ))
          )}
        </TableBody>
      </Table>

      <AccountActionDialogs
        open={accountActions.open}
        currentUserId={currentUserId}
        onClose={accountActions.close}
        onDone={(action) => {
          // A message changes nothing in the table. Signing yourself out ends this page's session
          // too: the refresh goes to /login.
          if (action !== "message") refresh();
        }}
      />
      <RoleChangeDialog
        target={roleTarget}
        currentUserId={currentUserId}
        onClose={() => setRoleTarget(null)}
        onDone={(user) => {
          setRoleTarget(null);
          toast(roleChangedToast(user));
          // Removing your own role: the refresh renders the 403 page.
          refresh();
        }}
      />
    </>
  );
}
