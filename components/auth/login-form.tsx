"use client";

import { signIn } from "next-auth/react";
import { useId, useRef, useState, type FormEvent } from "react";

import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { banMessage, decodeBanError } from "@/lib/auth/ban-status";
import { decodeThrottleError, throttleMessage } from "@/lib/auth/login-throttle-message";
import { SIGNIN_FAILED_MESSAGE, SIGNIN_UNAVAILABLE_ERROR, SIGNIN_UNAVAILABLE_MESSAGE } from "@/lib/auth/signin-unavailable";
import { loginFieldErrors, loginSchema, type LoginInput } from "@/lib/validation/auth";

export const INVALID_CREDENTIALS_MESSAGE = "Invalid email or password.";

/** next-auth's error string → a sentence for the user. */
export function loginErrorMessage(error: string): string {
  const ban = decodeBanError(error);
  if (ban) return banMessage(ban);
  const throttle = decodeThrottleError(error);
  if (throttle) return throttleMessage(throttle);
  if (error === "CredentialsSignin") return INVALID_CREDENTIALS_MESSAGE;
  if (error === SIGNIN_UNAVAILABLE_ERROR) return SIGNIN_UNAVAILABLE_MESSAGE;
  // Never echo an unknown error string: it is the server's text, not a sentence for the user.
  return SIGNIN_FAILED_MESSAGE;
}

export interface LoginFormProps {
  /** Where to go after signing in; already checked to be a local path. */
  callbackUrl: string;
  /** Shown above the form, e.g. why the previous session ended. */
  notice?: string | null;
}

export function LoginForm({ callbackUrl, notice }: LoginFormProps) {
  const [pending, setPending] = useState(false);
  const [formError, setFormError] = useState<string | null>(null);
  const [fieldErrors, setFieldErrors] = useState<Partial<Record<keyof LoginInput, string>>>({});
  const emailErrorId = useId();
  const passwordErrorId = useId();
  const formErrorId = useId();
  const passwordRef = useRef<HTMLInputElement>(null);

  /** The disabled submit button drops focus; put it back where the user will type again. */
  function refocusPassword() {
    requestAnimationFrame(() => {
      passwordRef.current?.focus();
      passwordRef.current?.select();
    });
  }

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const parsed = loginSchema.safeParse({ email: form.get("email") ?? "", password: form.get("password") ?? "" });
    if (!parsed.success) {
      setFieldErrors(loginFieldErrors(parsed.error));
      setFormError(null);
      return;
    }
    setFieldErrors({});
    setFormError(null);
    setPending(true);
    try {
      // redirect:false keeps the user on the page on failure, so the error can be shown in place.
      const result = await signIn("credentials", {
        email: parsed.data.email,
        password: parsed.data.password,
        redirect: false,
        callbackUrl,
      });
      if (!result || result.error || !result.ok) {
        setFormError(loginErrorMessage(result?.error ?? "unknown"));
        setPending(false);
        refocusPassword();
        return;
      }
      // A full page load (not router.push) so the root layout renders again with the session and
      // mounts the realtime provider.
      window.location.assign(callbackUrl);
    } catch {
      setFormError("Could not reach the server. Check your connection and try again.");
      setPending(false);
      refocusPassword();
    }
  }

  return (
    <form onSubmit={onSubmit} noValidate className="flex flex-col gap-4" aria-label="Sign in">
      {notice && !formError ? (
        <p className="rounded-md border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-900">{notice}</p>
      ) : null}
      {formError ? (
        <p
          id={formErrorId}
          role="alert"
          className="rounded-md border border-red-300 bg-red-50 px-3 py-2 text-sm text-red-900 dark:border-red-800 dark:bg-red-950 dark:text-red-100"
        >
          {formError}
        </p>
      ) : null}
      <div className="flex flex-col gap-2">
        <Label htmlFor="email">Email</Label>
        <Input
          id="email"
          name="email"
          type="email"
          autoComplete="username"
          autoFocus
          required
          aria-invalid={fieldErrors.email ? true : undefined}
          aria-describedby={fieldErrors.email ? emailErrorId : undefined}
        />
        {fieldErrors.email ? (
          <p id={emailErrorId} className="text-sm text-red-700">
            {fieldErrors.email}
          </p>
        ) : null}
      </div>
      <div className="flex flex-col gap-2">
        <Label htmlFor="password">Password</Label>
        <Input
          id="password"
          name="password"
          type="password"
          autoComplete="current-password"
          required
          ref={passwordRef}
          aria-invalid={fieldErrors.password || formError ? true : undefined}
          aria-describedby={fieldErrors.password ? passwordErrorId : formError ? formErrorId : undefined}
        />
        {fieldErrors.password ? (
          <p id={passwordErrorId} className="text-sm text-red-700">
            {fieldErrors.password}
          </p>
        ) : null}
      </div>
      <Button type="submit" disabled={pending} aria-busy={pending || undefined}>
        {pending ? "Signing in…" : "Sign in"}
      </Button>
    </form>
  );
}
