"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";

import type { AccountTarget } from "@/components/admin/account-target";
import { BanDialog } from "@/components/admin/ban-dialog";
import { CARD_ACTIONS, CARD_TABLE } from "@/components/admin/card-table";
import { RevokeButtons } from "@/components/admin/revoke-buttons";
import { RoleChangeDialog, type RoleChangeTarget } from "@/components/admin/role-change-dialog";
import { SendMessageDialog, sentMessageToast } from "@/components/admin/send-message-dialog";
import { SignOutEverywhereDialog } from "@/components/admin/sign-out-everywhere-dialog";
import { useAdminAction } from "@/components/admin/use-admin-action";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Table, TableBody, TableCaption, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { useToast } from "@/components/ui/toast";
import { formatExactTime } from "@/lib/admin/format";
import { accountActionPath, userPagePath, type UserListEntry } from "@/lib/admin/users";

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
  const [signOutTarget, setSignOutTarget] = useState<AccountTarget | null>(null);
  const [banTarget, setBanTarget] = useState<AccountTarget | null>(null);
  // The roster only lists connected users; here an admin can also message someone offline, and
  // the message waits in their inbox.
  const [messageTarget, setMessageTarget] = useState<AccountTarget | null>(null);
  const [roleTarget, setRoleTarget] = useState<RoleChangeTarget | null>(null);
  const unbanAction = useAdminAction();
  // Which row's Unban is running: every Unban is disabled meanwhile, only that one says so.
  const [unbanningId, setUnbanningId] = useState<string | null>(null);

  const refresh = () => startRefresh(() => router.refresh());

  async function unban(user: UserListEntry) {
    if (unbanAction.pending) return;
    setUnbanningId(user.userId);
    const result = await unbanAction.run(accountActionPath(user.userId, "unban"));
    if (result === null) return;
    setUnbanningId(null);
    if (result.ok) {
      toast({ title: `${user.name} was unbanned`, description: "They can sign in again.", variant: "success" });
      refresh();
    } else {
      toast({ title: `Could not unban ${user.name}`, description: result.error, variant: "destructive" });
    }
  }

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
                    <Button size="sm" variant="outline" onClick={() => setMessageTarget(user)}>
                      Send message
                      <span className="sr-only"> to {user.name}</span>
                    </Button>
                    {user.ban ? (
                      <Button
                        size="sm"
                        variant="outline"
                        onClick={() => void unban(user)}
                        disabled={unbanAction.pending}
                        aria-busy={unbanAction.pending && unbanningId === user.userId}
                      >
                        {unbanAction.pending && unbanningId === user.userId ? "Unbanning…" : "Unban"}
                        <span className="sr-only"> {user.name}</span>
                      </Button>
                    ) : (
                      <RevokeButtons user={user} currentUserId={currentUserId} onSignOutEverywhere={setSignOutTarget} onBan={setBanTarget} />
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

      <SendMessageDialog
        user={messageTarget}
        onClose={() => setMessageTarget(null)}
        onSent={(user, result) => {
          setMessageTarget(null);
          toast(sentMessageToast(user, result));
        }}
      />
      <SignOutEverywhereDialog
        user={signOutTarget}
        currentUserId={currentUserId}
        onClose={() => setSignOutTarget(null)}
        onDone={(user) => {
          setSignOutTarget(null);
          toast({ title: `${user.name} was signed out everywhere`, variant: "success" });
          // Signing yourself out ends this page's session too: the next request goes to /login.
          refresh();
        }}
      />
      <RoleChangeDialog
        target={roleTarget}
        currentUserId={currentUserId}
        onClose={() => setRoleTarget(null)}
        onDone={(user) => {
          setRoleTarget(null);
          toast({ title: user.role === "ADMIN" ? `${user.name} is no longer an admin` : `${user.name} is now an admin`, variant: "success" });
          // Removing your own role: the refresh renders the 403 page.
          refresh();
        }}
      />
      <BanDialog
        user={banTarget}
        onClose={() => setBanTarget(null)}
        onBanned={(user) => {
          setBanTarget(null);
          toast({ title: `${user.name} was banned`, variant: "success" });
          refresh();
        }}
      />
    </>
  );
}
