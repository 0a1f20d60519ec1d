"use client";

import { useId } from "react";

import { Textarea } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { MESSAGE_MAX_CHARS } from "@/lib/validation/message";

interface MessageFieldProps {
  label: string;
  value: string;
  /** Called with the new text; callers clear their error there, since it described the old text. */
  onChange: (value: string) => void;
  /** The id of the form's error element while it shows one, so the field is described by it. */
  errorId?: string;
  rows?: number;
  autoFocus?: boolean;
}

/** A message textarea with a live character count against the limit the server enforces. */
export function MessageField({ label, value, onChange, errorId, rows = 3, autoFocus }: MessageFieldProps) {
  const fieldId = useId();
  const counterId = useId();
  const length = value.trim().length;
  return (
    <div className="flex flex-col gap-2">
      <Label htmlFor={fieldId}>{label}</Label>
      <Textarea
        id={fieldId}
        name="message"
        rows={rows}
        value={value}
        onChange={(event) => onChange(event.target.value)}
        aria-invalid={errorId ? true : undefined}
        aria-describedby={errorId ? `${errorId} ${counterId}` : counterId}
        autoFocus={autoFocus}
        required
      />
      <p id={counterId} className={length > MESSAGE_MAX_CHARS ? "text-xs text-red-600" : "text-xs text-zinc-500 dark:text-zinc-400"}>
        {length} / {MESSAGE_MAX_CHARS} characters
      </p>
    </div>
  );
}
