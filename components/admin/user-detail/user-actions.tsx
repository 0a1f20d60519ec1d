"use client";

import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";

import { AccountActionDialogs, useAccountActions } from "@/components/admin/account-action-dialogs";
import { ConfirmDialog } from "@/components/admin/confirm-dialog";
import { roleChangedToast, RoleChangeDialog, type RoleChangeTarget } from "@/components/admin/role-change-dialog";
import { useUnban } from "@/components/admin/use-unban";
import { Button } from "@/components/ui/button";
import { useToast } from "@/components/ui/toast";
import { accountActionPath, type UserListEntry } from "@/lib/admin/account-actions";

/** The user page's own dialogs; message, sign-out-everywhere and ban are the shared ones. */
type Open = "kick" | "role" | null;

interface UserActionsProps {
  user: UserListEntry;
  connectionCount: number;
  currentUserId: string;
}

/**
 * Every action on one account, with the same dialogs (and endpoints) as the roster and users
 * tables. After each one the server data re-renders, so the page shows the database's state.
 */
export function UserActions({ user, connectionCount, currentUserId }: UserActionsProps) {
  const router = useRouter();
  const { toast } = useToast();
  const [open, setOpen] = useState<Open>(null);
  const [, startRefresh] = useTransition();
  const refresh = () => startRefresh(() => router.refresh());
  const accountActions = useAccountActions();
  const unban = useUnban(refresh);
  const close = () => setOpen(null);
  const self = user.userId === currentUserId;

  return (
    <>
      <div className="flex flex-wrap gap-2" data-testid="user-actions">
        <Button size="sm" variant="outline" onClick={() => accountActions.openAction("message", user)}>
          Send message
        </Button>
        <Button
          size="sm"
          variant="outline"
          onClick={() => setOpen("kick")}
          disabled={connectionCount === 0}
          title={connectionCount === 0 ? "Not connected" : undefined}
        >
          Kick
        </Button>
        <Button size="sm" variant="outline" onClick={() => accountActions.openAction("sign-out-everywhere", user)}>
          Sign out everywhere
        </Button>
        {user.ban ? (
          <Button size="sm" variant="outline" onClick={() => void unban.unban(user)} disabled={unban.pending} aria-busy={unban.pending}>
            {unban.pending ? "Unbanning…" : "Unban"}
          </Button>
        ) : self ? null : (
          <Button size="sm" variant="destructive" onClick={() => accountActions.openAction("ban", user)}>
            Ban
          </Button>
        )}
        <Button size="sm" variant="outline" onClick={() => setOpen("role")}>
          {user.role === "ADMIN" ? "Remove admin" : "Make admin"}
        </Button>
      </div>

      {/* Every action re-renders the page: a sent message shows in its messages list. */}
      <AccountActionDialogs open={accountActions.open} currentUserId={currentUserId} onClose={accountActions.close} onDone={refresh} />
      <ConfirmDialog
        target={open === "kick" ? user : null}
        title={`Kick ${user.name}?`}
        description="Their tabs will be disconnected."
        message={(target) => (
          <>
            {target.name} has {connectionCount} open connection{connectionCount === 1 ? "" : "s"}; all of them close. They can sign in again
            afterwards; a kick is not a ban.
            {self ? <strong className="mt-2 block">This is you: this console disconnects too, until you reconnect.</strong> : null}
          </>
        )}
        confirmLabel="Kick"
        pendingLabel="Kicking…"
        actionPath={(target) => accountActionPath(target.userId, "kick")}
        onClose={close}
        onDone={(target) => {
          close();
          toast({ title: `${target.name} was kicked`, variant: "success" });
          refresh();
        }}
      />
      <RoleChangeDialog
        target={open === "role" ? (user satisfies RoleChangeTarget) : null}
        currentUserId={currentUserId}
        onClose={close}
        onDone={(target) => {
          close();
          toast(roleChangedToast(target));
          refresh();
        }}
      />
    </>
  );
}
