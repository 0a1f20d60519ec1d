"use client";

import { useState } from "react";

import type { AccountTarget } from "@/components/admin/account-target";
import { BanDialog } from "@/components/admin/ban-dialog";
import { SendMessageDialog, sentMessageToast } from "@/components/admin/send-message-dialog";
import { SignOutEverywhereDialog } from "@/components/admin/sign-out-everywhere-dialog";
import { useToast, type ToastInput } from "@/components/ui/toast";

/** The account actions every admin table offers, each behind its dialog. */
export type AccountAction = "message" | "sign-out-everywhere" | "ban";

export interface OpenAccountAction<T extends AccountTarget = AccountTarget> {
  action: AccountAction;
  user: T;
}

/** Which account dialog is open, and for whom: at most one at a time. */
export function useAccountActions<T extends AccountTarget = AccountTarget>() {
  const [open, setOpen] = useState<OpenAccountAction<T> | null>(null);
  return {
    open,
    openAction: (action: AccountAction, user: T) => setOpen({ action, user }),
    close: () => setOpen(null),
  };
}

interface AccountActionDialogsProps {
  open: OpenAccountAction | null;
  /** The signed-in admin: signing yourself out ends this session too, which the dialog says. */
  currentUserId: string;
  onClose: () => void;
  /** After the dialog closed and the toast showed: the table drops the row or re-renders. */
  onDone?: (action: AccountAction, user: AccountTarget) => void;
  /** A second line for the "was banned" toast (the roster points to the Users page). */
  bannedHint?: string;
}

/**
 * The message, sign-out-everywhere and ban dialogs, rendered once per table (roster, users,
 * user page), with the same toasts everywhere.
 */
export function AccountActionDialogs({ open, currentUserId, onClose, onDone, bannedHint }: AccountActionDialogsProps) {
  const { toast } = useToast();
  const userFor = (action: AccountAction) => (open?.action === action ? open.user : null);

  function done(action: AccountAction, user: AccountTarget, message: ToastInput) {
    onClose();
    toast(message);
    onDone?.(action, user);
  }

  return (
    <>
      <SendMessageDialog
        user={userFor("message")}
        onClose={onClose}
        onSent={(user, result) => done("message", user, sentMessageToast(user, result))}
      />
      <SignOutEverywhereDialog
        user={userFor("sign-out-everywhere")}
        currentUserId={currentUserId}
        onClose={onClose}
        onDone={(user) => done("sign-out-everywhere", user, { title: `${user.name} was signed out everywhere`, variant: "success" })}
      />
      <BanDialog
        user={userFor("ban")}
        onClose={onClose}
        onBanned={(user) =>
          done("ban", user, { title: `${user.name} was banned`, ...(bannedHint ? { description: bannedHint } : {}), variant: "success" })
        }
      />
    </>
  );
}
