"use client";

import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";

import { BanDialog } from "@/components/admin/ban-dialog";
import { ConfirmDialog } from "@/components/admin/confirm-dialog";
import { RoleChangeDialog, type RoleChangeTarget } from "@/components/admin/role-change-dialog";
import { SendMessageDialog, sentMessageToast } from "@/components/admin/send-message-dialog";
import { SignOutEverywhereDialog } from "@/components/admin/sign-out-everywhere-dialog";
import { useAdminAction } from "@/components/admin/use-admin-action";
import { Button } from "@/components/ui/button";
import { useToast } from "@/components/ui/toast";
import { accountActionPath, type UserListEntry } from "@/lib/admin/users";

type Open = "message" | "kick" | "sign-out" | "ban" | "role" | null;

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
  const unban = useAdminAction();
  const refresh = () => startRefresh(() => router.refresh());
  const close = () => setOpen(null);
  const self = user.userId === currentUserId;

  async function runUnban() {
    const result = await unban.run(accountActionPath(user.userId, "unban"));
    if (result === null) return;
    if (result.ok) {
      toast({ title: `${user.name} was unbanned`, description: "They can sign in again.", variant: "success" });
      refresh();
    } else {
      toast({ title: `Could not unban ${user.name}`, description: result.error, variant: "destructive" });
    }
  }

  return (
    <>
      <div className="flex flex-wrap gap-2" data-testid="user-actions">
        <Button size="sm" variant="outline" onClick={() => setOpen("message")}>
          Send message
        </Button>
        <Button size="sm" variant="outline" onClick={() => setOpen("kick")} disabled={connectionCount === 0} title={connectionCount === 0 ? "Not connected" : undefined}>
          Kick
        </Button>
        <Button size="sm" variant="outline" onClick={() => setOpen("sign-out")}>
          Sign out everywhere
        </Button>
        {user.ban ? (
          <Button size="sm" variant="outline" onClick={() => void runUnban()} disabled={unban.pending} aria-busy={unban.pending}>
            {unban.pending ? "Unbanning…" : "Unban"}
          </Button>
        ) : self ? null : (
          <Button size="sm" variant="destructive" onClick={() => setOpen("ban")}>
            Ban
          </Button>
        )}
        <Button size="sm" variant="outline" onClick={() => setOpen("role")}>
          {user.role === "ADMIN" ? "Remove admin" : "Make admin"}
        </Button>
      </div>

      <SendMessageDialog
        user={open === "message" ? user : null}
        onClose={close}
        onSent={(target, result) => {
          close();
          toast(sentMessageToast(target, result));
          refresh();
        }}
      />
      <ConfirmDialog
        target={open === "kick" ? user : null}
        title={`Kick ${user.name}?`}
        description="Their tabs will be disconnected."
        message={(target) => (
          <>
            {target.name} has {connectionCount} open connection{connectionCount === 1 ? "" : "s"}; all of them close. They can sign in again afterwards; a
            kick is not a ban.
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
      <SignOutEverywhereDialog
        user={open === "sign-out" ? user : null}
        currentUserId={currentUserId}
        onClose={close}
        onDone={(target) => {
          close();
          toast({ title: `${target.name} was signed out everywhere`, variant: "success" });
          refresh();
        }}
      />
      <BanDialog
        user={open === "ban" ? user : null}
        onClose={close}
        onBanned={(target) => {
          close();
          toast({ title: `${target.name} was banned`, variant: "success" });
          refresh();
        }}
      />
      <RoleChangeDialog
        target={open === "role" ? (user satisfies RoleChangeTarget) : null}
        currentUserId={currentUserId}
        onClose={close}
        onDone={(target) => {
          close();
          toast({ title: target.role === "ADMIN" ? `${target.name} is no longer an admin` : `${target.name} is now an admin`, variant: "success" });
          refresh();
        }}
      />
    </>
  );
}
