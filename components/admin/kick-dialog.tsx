"use client";

import { useState } from "react";

import { Button } from "@/components/ui/button";
import { Dialog } from "@/components/ui/dialog";
import type { RosterEntry } from "@/lib/roster/types";

interface KickDialogProps {
  user: RosterEntry | null;
  onClose: () => void;
  /** The request is on its way: the table hides the row at once instead of after the round trip. */
  onKickStart: (user: RosterEntry) => void;
  /** The kick failed: the row comes back (the error shows in the dialog). */
  onKickFailed: (user: RosterEntry) => void;
  onKicked: (user: RosterEntry) => void;
}

/** Confirmation before disconnecting every tab of a user. Rendered once for the whole table. */
export function KickDialog({ user, onClose, onKickStart, onKickFailed, onKicked }: KickDialogProps) {
  return (
    <Dialog
      open={user !== null}
      onOpenChange={(open) => {
        if (!open) onClose();
      }}
      title={user ? `Kick ${user.name}?` : "Kick?"}
      description="Their tabs will be disconnected."
    >
      {user ? (
        <KickConfirm key={user.userId} user={user} onCancel={onClose} onKickStart={onKickStart} onKickFailed={onKickFailed} onKicked={onKicked} />
      ) : null}
    </Dialog>
  );
}

type KickConfirmProps = Pick<KickDialogProps, "onKickStart" | "onKickFailed" | "onKicked"> & { user: RosterEntry; onCancel: () => void };

function KickConfirm({ user, onCancel, onKickStart, onKickFailed, onKicked }: KickConfirmProps) {
  const [error, setError] = useState<string | null>(null);
  const [kicking, setKicking] = useState(false);

  async function kick() {
    if (kicking) return;
    setKicking(true);
    setError(null);
    onKickStart(user);
    let failure: string | null = null;
    try {
      const response = await fetch(`/api/admin/users/${encodeURIComponent(user.userId)}/kick`, { method: "POST" });
      const body = (await response.json().catch(() => null)) as { ok?: boolean; error?: string } | null;
      if (!response.ok || !body?.ok) failure = body?.error ?? `The server answered ${response.status}. Try again.`;
    } catch {
      failure = "Could not reach the server. Check your connection and try again.";
    }
    setKicking(false);
    if (failure === null) {
      onKicked(user);
    } else {
      setError(failure);
      onKickFailed(user);
    }
  }

  return (
    <div className="flex flex-col gap-4">
      <p className="text-sm">
        {user.name} ({user.email}) has {user.connectionCount} open connection{user.connectionCount === 1 ? "" : "s"}. They can sign in again
        afterwards; a kick is not a ban.
      </p>
      {error ? (
        <p role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-800 dark:bg-red-950 dark:text-red-200">
          {error}
        </p>
      ) : null}
      <div className="flex justify-end gap-2">
        <Button variant="outline" onClick={onCancel} disabled={kicking} autoFocus>
          Cancel
        </Button>
        <Button variant="destructive" onClick={kick} disabled={kicking} aria-busy={kicking}>
          {kicking ? "Kicking…" : "Kick"}
        </Button>
      </div>
    </div>
  );
}
