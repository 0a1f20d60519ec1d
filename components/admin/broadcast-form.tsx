"use client";

import { useRouter } from "next/navigation";
import { useId, useState, type FormEvent } from "react";

import { ActionError } from "@/components/admin/action-error";
import { MessageField } from "@/components/admin/message-field";
import { useAdminAction } from "@/components/admin/use-admin-action";
import { Button } from "@/components/ui/button";
import { cn } from "@/components/ui/cn";
import { Label } from "@/components/ui/label";
import { broadcastSchema, type BroadcastRole } from "@/lib/validation/message";
import { firstIssueMessage } from "@/lib/validation/first-issue-message";

const roleOptions: { value: "" | BroadcastRole; label: string }[] = [
  { value: "", label: "Everyone signed in" },
  { value: "USER", label: "Users only" },
  { value: "ADMIN", label: "Admins only" },
];

/** "Sent to 3 users" */
export function describeBroadcastResult(recipients: number): string {
  return `Sent to ${recipients} ${recipients === 1 ? "user" : "users"}`;
}

/** Sends one message to every signed-in user (optionally one role) through POST /api/admin/broadcast. */
export function BroadcastForm() {
  const router = useRouter();
  const [message, setMessage] = useState("");
  const [role, setRole] = useState<"" | BroadcastRole>("");
  const [includeSelf, setIncludeSelf] = useState(false);
  const [result, setResult] = useState<string | null>(null);
  const { run, pending: sending, error, setError, reset } = useAdminAction<{ recipients?: number }>();
  const roleId = useId();
  const errorId = useId();

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (sending) return;
    // Same schema as the server, so most mistakes never make a round trip.
    const parsed = broadcastSchema.safeParse({ message, role: role || undefined, includeSelf });
    if (!parsed.success) {
      setError(firstIssueMessage(parsed.error));
      setResult(null);
      return;
    }
    setResult(null);
    const answer = await run("/api/admin/broadcast", parsed.data);
    if (!answer?.ok) return;
    setResult(describeBroadcastResult(answer.body.recipients ?? 0));
    setMessage("");
    // The new rows come from the server; other consoles find out through delivery receipts.
    router.refresh();
  }

  return (
    <form onSubmit={submit} noValidate className="flex flex-col gap-4" aria-label="Broadcast">
      <MessageField
        label="Broadcast message"
        value={message}
        onChange={(value) => {
          setMessage(value);
          reset();
        }}
        errorId={error ? errorId : undefined}
      />
      <div className="flex flex-wrap items-end gap-3">
        <div className="flex flex-col gap-2">
          <Label htmlFor={roleId}>Recipients</Label>
          <select
            id={roleId}
            name="role"
            value={role}
            onChange={(event) => setRole(event.target.value as "" | BroadcastRole)}
            className={cn(
              "h-9 rounded-md border border-zinc-300 bg-white px-3 text-sm shadow-sm focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-zinc-400",
              "dark:border-zinc-700 dark:bg-zinc-950",
            )}
          >
            {roleOptions.map((option) => (
              <option key={option.value} value={option.value}>
                {option.label}
              </option>
            ))}
          </select>
        </div>
        <label className="flex h-9 items-center gap-2 text-sm">
          <input type="checkbox" checked={includeSelf} onChange={(event) => setIncludeSelf(event.target.checked)} className="size-4" />
          Send to me too
        </label>
        <Button type="submit" disabled={sending} aria-busy={sending}>
          {sending ? "Sending…" : "Send broadcast"}
        </Button>
      </div>
      <ActionError error={error} id={errorId} />
      <p role="status" data-testid="broadcast-result" className="text-sm text-emerald-700 dark:text-emerald-300">
        {result}
      </p>
    </form>
  );
}
