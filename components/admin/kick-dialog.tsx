"use client";

import { ConfirmDialog } from "@/components/admin/confirm-dialog";
import { accountActionPath } from "@/lib/admin/account-actions";
import type { RosterEntry } from "@/lib/roster/roster-types";

interface KickDialogProps {
  user: RosterEntry | null;
  /** The signed-in admin: kicking yourself disconnects this console too, which the dialog says. */
  currentUserId: string;
  onClose: () => void;
  /** The request is on its way: the table hides the row at once instead of after the round trip. */
  onKickStart: (user: RosterEntry) => void;
  /** The kick failed: the row comes back (the error shows in the dialog). */
  onKickFailed: (user: RosterEntry) => void;
  onKicked: (user: RosterEntry) => void;
}

/** Confirmation before disconnecting every tab of a user. Rendered once for the whole table. */
export function KickDialog({ user, currentUserId, onClose, onKickStart, onKickFailed, onKicked }: KickDialogProps) {
  return (
    <ConfirmDialog
      target={user}
      title={user ? `Kick ${user.name}?` : "Kick?"}
      description="Their tabs will be disconnected."
      message={(target) => (
        <>
          {target.name} ({target.email}) has {target.connectionCount} open connection{target.connectionCount === 1 ? "" : "s"}. They can
          sign in again afterwards; a kick is not a ban.
          {target.userId === currentUserId ? (
            <strong className="mt-2 block">This is you: this console disconnects too, until you reconnect.</strong>
          ) : null}
        </>
      )}
      confirmLabel="Kick"
      pendingLabel="Kicking…"
      actionPath={(target) => accountActionPath(target.userId, "kick")}
      onClose={onClose}
      onStart={onKickStart}
      onFailed={onKickFailed}
      onDone={onKicked}
    />
  );
}
