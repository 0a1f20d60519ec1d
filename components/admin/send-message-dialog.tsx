"use client";

import { useId, useState, type FormEvent } from "react";

import { ActionError } from "@/components/admin/action-error";
import { MessageField } from "@/components/admin/message-field";
import type { AccountTarget } from "@/components/admin/account-target";
import { useAdminAction } from "@/components/admin/use-admin-action";
import { Button } from "@/components/ui/button";
import { Dialog } from "@/components/ui/dialog";
import type { ToastInput } from "@/components/ui/toast";
import { sendMessageSchema } from "@/lib/validation/message";
import { firstIssueMessage } from "@/lib/validation/first-issue-message";

export interface SendMessageResult {
  deliveredLive: boolean;
}

/** What the admin is told after a send: delivered live, or stored for an offline user. */
export function sentMessageToast(user: AccountTarget, result: SendMessageResult): ToastInput {
  return result.deliveredLive
    ? { title: `Message sent to ${user.name}`, variant: "success" }
    : { title: `${user.name} is offline; message stored`, description: "They can read it when they are back." };
}

interface SendMessageDialogProps {
  user: AccountTarget | null;
  onClose: () => void;
  onSent: (user: AccountTarget, result: SendMessageResult) => void;
}

/** Rendered once for the whole table; `user` says who the message is for (null = closed). */
export function SendMessageDialog({ user, onClose, onSent }: SendMessageDialogProps) {
  return (
    <Dialog
      open={user !== null}
      onOpenChange={(open) => {
        if (!open) onClose();
      }}
      // Worded without "message": the form's field is labelled "Message", and a dialog is labelled
      // by its title, so `getByLabel("Message")` would otherwise find both.
      title={user ? `Write to ${user.name}` : "Write to a user"}
      description={user ? `Delivered to every tab ${user.name} has open, and stored for later.` : undefined}
    >
      {/* Keyed by user so each opening starts with an empty form and no stale error. */}
      {user ? <SendMessageForm key={user.userId} user={user} onCancel={onClose} onSent={onSent} /> : null}
    </Dialog>
  );
}

function SendMessageForm({
  user,
  onCancel,
  onSent,
}: {
  user: AccountTarget;
  onCancel: () => void;
  onSent: SendMessageDialogProps["onSent"];
}) {
  const [message, setMessage] = useState("");
  const { run, pending: sending, error, setError, reset } = useAdminAction<{ deliveredLive?: boolean }>();
  const errorId = useId();

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (sending) return;
    // Same schema as the server, so most mistakes never make a round trip.
    const parsed = sendMessageSchema.safeParse({ message });
    if (!parsed.success) {
      setError(firstIssueMessage(parsed.error));
      return;
    }
    const result = await run(`/api/admin/users/${encodeURIComponent(user.userId)}/messages`, parsed.data);
    if (result?.ok) onSent(user, { deliveredLive: result.body.deliveredLive === true });
  }

  return (
    <form onSubmit={submit} noValidate className="flex flex-col gap-4">
      <MessageField
        label="Message"
        rows={5}
        value={message}
        onChange={(value) => {
          setMessage(value);
          // An error about the previous text would be misleading once it changed.
          reset();
        }}
        errorId={error ? errorId : undefined}
        autoFocus
      />
      <ActionError error={error} id={errorId} />
      <div className="flex justify-end gap-2">
        <Button variant="outline" onClick={onCancel} disabled={sending}>
          Cancel
        </Button>
        <Button type="submit" disabled={sending} aria-busy={sending}>
          {sending ? "Sending…" : "Send"}
        </Button>
      </div>
    </form>
  );
}
