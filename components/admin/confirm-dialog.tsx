"use client";

import type { ReactNode } from "react";

import { ActionError } from "@/components/admin/action-error";
import { useAdminAction } from "@/components/admin/use-admin-action";
import { Button } from "@/components/ui/button";
import { Dialog } from "@/components/ui/dialog";

interface ConfirmDialogProps<T extends { userId: string }> {
  /** Who the action is for; null = closed. */
  target: T | null;
  title: string;
  description: string;
  /** What will happen, spelled out for this target. */
  message: (target: T) => ReactNode;
  confirmLabel: string;
  pendingLabel: string;
  /** The endpoint to POST to. */
  actionPath: (target: T) => string;
  /** A JSON body for the POST, when the endpoint takes one (none by default). */
  actionBody?: (target: T) => unknown;
  onClose: () => void;
  onStart?: (target: T) => void;
  /** The error is already showing in the dialog. */
  onFailed?: (target: T) => void;
  onDone: (target: T) => void;
}

/** A yes/no confirmation for a destructive admin action. Rendered once per table. */
export function ConfirmDialog<T extends { userId: string }>({ target, title, description, onClose, ...confirm }: ConfirmDialogProps<T>) {
  return (
    <Dialog
      open={target !== null}
      onOpenChange={(open) => {
        if (!open) onClose();
      }}
      title={title}
      description={description}
    >
      {/* Keyed by target so each opening starts without a stale error. */}
      {target ? <ConfirmBody key={target.userId} target={target} onCancel={onClose} {...confirm} /> : null}
    </Dialog>
  );
}

type ConfirmBodyProps<T extends { userId: string }> = Omit<ConfirmDialogProps<T>, "target" | "title" | "description" | "onClose"> & {
  target: T;
  onCancel: () => void;
};

function ConfirmBody<T extends { userId: string }>({
  target,
  message,
  confirmLabel,
  pendingLabel,
  actionPath,
  actionBody,
  onCancel,
  onStart,
  onFailed,
  onDone,
}: ConfirmBodyProps<T>) {
  const { run, pending, error } = useAdminAction();

  async function confirm() {
    if (pending) return;
    onStart?.(target);
    const result = await run(actionPath(target), actionBody?.(target));
    if (result === null) return;
    if (result.ok) onDone(target);
    else onFailed?.(target);
  }

  return (
    <div className="flex flex-col gap-4">
      <p className="text-sm">{message(target)}</p>
      <ActionError error={error} />
      <div className="flex justify-end gap-2">
        <Button variant="outline" onClick={onCancel} disabled={pending} autoFocus>
          Cancel
        </Button>
        <Button variant="destructive" onClick={confirm} disabled={pending} aria-busy={pending}>
          {pending ? pendingLabel : confirmLabel}
        </Button>
      </div>
    </div>
  );
}
