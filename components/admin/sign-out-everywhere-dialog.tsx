"use client";

import type { AccountTarget } from "@/components/admin/account-target";
import { ConfirmDialog } from "@/components/admin/confirm-dialog";
import { accountActionPath } from "@/lib/admin/account-actions";

interface SignOutEverywhereDialogProps {
  user: AccountTarget | null;
  /** The signed-in admin: signing yourself out ends this session too, which the dialog says. */
  currentUserId: string;
  onClose: () => void;
  onDone: (user: AccountTarget) => void;
}

/** Confirmation before revoking every session of a user. Rendered once per table. */
export function SignOutEverywhereDialog({ user, currentUserId, onClose, onDone }: SignOutEverywhereDialogProps) {
  return (
    <ConfirmDialog
      target={user}
      title={user ? `Sign out ${user.name} everywhere?` : "Sign out everywhere?"}
      description="Every session on every device ends, and their open tabs are disconnected."
      message={(target) => (
        <>
          {target.name} ({target.email}) will have to sign in again on every device. Their tabs are told why before they are disconnected.
          This is not a ban: they can sign in again right away.
          {target.userId === currentUserId ? <strong className="mt-2 block">This is you: this browser is signed out too.</strong> : null}
        </>
      )}
      confirmLabel="Sign out everywhere"
      pendingLabel="Signing out…"
      actionPath={(target) => accountActionPath(target.userId, "sign-out-everywhere")}
      onClose={onClose}
      onDone={onDone}
    />
  );
}
