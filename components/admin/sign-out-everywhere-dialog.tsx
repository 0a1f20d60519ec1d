"use client";

import { useState } from "react";

import { Button } from "@/components/ui/button";
import { Dialog } from "@/components/ui/dialog";
import { accountActionPath, postAccountAction } from "@/lib/admin/users";

/** Who an account action is for: a roster row and a users-table row both fit. */
export interface AccountTarget {
  userId: string;
  name: string;
  email: string;
}

interface SignOutEverywhereDialogProps {
  user: AccountTarget | null;
  onClose: () => void;
  onDone: (user: AccountTarget) => void;
}

/** Confirmation before revoking every session of a user. Rendered once per table. */
export function SignOutEverywhereDialog({ user, onClose, onDone }: SignOutEverywhereDialogProps) {
  return (
    <Dialog
      open={user !== null}
      onOpenChange={(open) => {
        if (!open) onClose();
      }}
      title={user ? `Sign out ${user.name} everywhere?` : "Sign out everywhere?"}
      description="Every session on every device ends, and their open tabs are disconnected."
    >
      {/* Keyed by user so each opening starts without a stale error. */}
      {user ? <SignOutConfirm key={user.userId} user={user} onCancel={onClose} onDone={onDone} /> : null}
    </Dialog>
  );
}

function SignOutConfirm({ user, onCancel, onDone }: { user: AccountTarget; onCancel: () => void; onDone: (user: AccountTarget) => void }) {
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function confirm() {
    if (busy) return;
    setBusy(true);
    setError(null);
    const failure = await postAccountAction(accountActionPath(user.userId, "sign-out-everywhere"));
    setBusy(false);
    if (failure === null) onDone(user);
    else setError(failure);
  }

  return (
    <div className="flex flex-col gap-4">
      <p className="text-sm">
        {user.name} ({user.email}) will have to sign in again on every device. Their tabs are told why before they are disconnected. This is not a
        ban: they can sign in again right away.
      </p>
      {error ? (
        <p role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-800 dark:bg-red-950 dark:text-red-200">
          {error}
        </p>
      ) : null}
      <div className="flex justify-end gap-2">
        <Button variant="outline" onClick={onCancel} disabled={busy} autoFocus>
          Cancel
        </Button>
        <Button variant="destructive" onClick={confirm} disabled={busy} aria-busy={busy}>
          {busy ? "Signing out…" : "Sign out everywhere"}
        </Button>
      </div>
    </div>
  );
}
