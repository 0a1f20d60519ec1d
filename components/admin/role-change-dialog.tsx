"use client";

import { ConfirmDialog } from "@/components/admin/confirm-dialog";
import type { ToastInput } from "@/components/ui/toast";
import { accountActionPath } from "@/lib/admin/account-actions";

export interface RoleChangeTarget {
  userId: string;
  name: string;
  role: "USER" | "ADMIN";
}

/** The toast after a role change; `target.role` is the role the user had before it. */
export function roleChangedToast(target: RoleChangeTarget): ToastInput {
  return { title: target.role === "ADMIN" ? `${target.name} is no longer an admin` : `${target.name} is now an admin`, variant: "success" };
}

interface RoleChangeDialogProps {
  /** The user whose role flips (ADMIN → USER, USER → ADMIN); null = closed. */
  target: RoleChangeTarget | null;
  currentUserId: string;
  onClose: () => void;
  onDone: (target: RoleChangeTarget) => void;
}

/** Confirms Make admin / Remove admin; the server refuses the last admin removing themselves (400, shown here). */
export function RoleChangeDialog({ target, currentUserId, onClose, onDone }: RoleChangeDialogProps) {
  const promoting = target?.role !== "ADMIN";
  return (
    <ConfirmDialog
      target={target}
      title={promoting ? "Make admin" : "Remove admin"}
      description={promoting ? "Give this account the ADMIN role." : "Take the ADMIN role away from this account."}
      message={(user) =>
        promoting
          ? `${user.name} will be able to see the admin console and act on every account. Their open tabs update at once.`
          : user.userId === currentUserId
            ? "You will lose access to the admin console at once, in every tab."
            : `${user.name} loses the admin console at once: their open consoles stop receiving admin events.`
      }
      confirmLabel={promoting ? "Make admin" : "Remove admin"}
      pendingLabel={promoting ? "Making admin…" : "Removing admin…"}
      actionPath={(user) => accountActionPath(user.userId, "role")}
      actionBody={(user) => ({ role: user.role === "ADMIN" ? "USER" : "ADMIN" })}
      onClose={onClose}
      onDone={onDone}
    />
  );
}
