"use client";

import { useId, useState, type FormEvent } from "react";

import { ActionError } from "@/components/admin/action-error";
import type { AccountTarget } from "@/components/admin/account-target";
import { useAdminAction } from "@/components/admin/use-admin-action";
import { Button } from "@/components/ui/button";
import { Dialog } from "@/components/ui/dialog";
import { Input, Textarea } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { accountActionPath } from "@/lib/admin/account-actions";
import { BAN_REASON_MAX_CHARS, banSchema } from "@/lib/validation/ban";
import { firstIssueMessage } from "@/lib/validation/first-issue-message";

interface BanDialogProps {
  user: AccountTarget | null;
  onClose: () => void;
  onBanned: (user: AccountTarget) => void;
}

/** Reason and optional expiry for a ban. Rendered once per table; `user` null = closed. */
export function BanDialog({ user, onClose, onBanned }: BanDialogProps) {
  return (
    <Dialog
      open={user !== null}
      onOpenChange={(open) => {
        if (!open) onClose();
      }}
      title={user ? `Ban ${user.name}?` : "Ban?"}
      description="They are signed out everywhere, disconnected, and can't sign in until the ban ends or is lifted."
    >
      {user ? <BanForm key={user.userId} user={user} onCancel={onClose} onBanned={onBanned} /> : null}
    </Dialog>
  );
}

/** `datetime-local` values carry no time zone: they mean the admin's local time. */
function localInputToIso(value: string): string | null {
  if (!value) return null;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? "invalid" : date.toISOString();
}

function localInputValue(date: Date): string {
  const local = new Date(date.getTime() - date.getTimezoneOffset() * 60_000);
  return local.toISOString().slice(0, 16);
}

function BanForm({ user, onCancel, onBanned }: { user: AccountTarget; onCancel: () => void; onBanned: BanDialogProps["onBanned"] }) {
  const [reason, setReason] = useState("");
  const [expires, setExpires] = useState("");
  const { run, pending: banning, error, setError, reset } = useAdminAction();
  // Only rendered in the browser (the dialog's body mounts when opened), so local time is safe here.
  const [minExpiry] = useState(() => localInputValue(new Date()));
  const reasonId = useId();
  const expiresId = useId();
  const expiresHintId = useId();
  const errorId = useId();

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (banning) return;
    // Same schema as the server, so most mistakes never make a round trip.
    const parsed = banSchema.safeParse({ reason, expiresAt: localInputToIso(expires) });
    if (!parsed.success) {
      setError(firstIssueMessage(parsed.error));
      return;
    }
    const result = await run(accountActionPath(user.userId, "ban"), {
      reason: parsed.data.reason,
      expiresAt: parsed.data.expiresAt ?? null,
    });
    if (result?.ok) onBanned(user);
  }

  return (
    <form onSubmit={submit} noValidate className="flex flex-col gap-4">
      <div className="flex flex-col gap-2">
        <Label htmlFor={reasonId}>Reason</Label>
        <Textarea
          id={reasonId}
          name="reason"
          rows={3}
          maxLength={BAN_REASON_MAX_CHARS}
          value={reason}
          onChange={(event) => {
            setReason(event.target.value);
            reset();
          }}
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? errorId : undefined}
          autoFocus
          required
        />
        <p className="text-xs text-zinc-500 dark:text-zinc-400">
          Shown to {user.name} when they are disconnected and when they try to sign in.
        </p>
      </div>
      <div className="flex flex-col gap-2">
        <Label htmlFor={expiresId}>Ban expires</Label>
        <Input
          id={expiresId}
          name="expiresAt"
          type="datetime-local"
          min={minExpiry}
          value={expires}
          onChange={(event) => {
            setExpires(event.target.value);
            reset();
          }}
          aria-describedby={expiresHintId}
        />
        <p id={expiresHintId} className="text-xs text-zinc-500 dark:text-zinc-400">
          Optional, in your local time. Leave empty for a permanent ban.
        </p>
      </div>
      <p className="text-sm">
        {user.name} ({user.email}) is signed out on every device at once.
      </p>
      <ActionError error={error} id={errorId} />
      <div className="flex justify-end gap-2">
        <Button variant="outline" onClick={onCancel} disabled={banning}>
          Cancel
        </Button>
        <Button type="submit" variant="destructive" disabled={banning} aria-busy={banning}>
          {banning ? "Banning…" : "Ban"}
        </Button>
      </div>
    </form>
  );
}
