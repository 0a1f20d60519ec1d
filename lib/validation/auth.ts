/**
 * Login form validation, shared by the browser form (instant feedback) and the Credentials
 * provider (the only check that counts). No server imports.
 */
import { z } from "zod";

export const loginSchema = z.object({
  email: z
    .string({ error: "Enter your email address." })
    .trim()
    .min(1, "Enter your email address.")
    .max(320, "That email address is too long.")
    .pipe(z.email({ error: "Enter a valid email address." }))
    // Emails are stored lower-cased; compare the same way.
    .transform((email) => email.toLowerCase()),
  password: z
    .string({ error: "Enter your password." })
    .min(1, "Enter your password.")
    // Keeps the cost of hashing one attempt bounded (lib/auth/password.ts MAX_PASSWORD_BYTES covers it).
    .max(200, "That password is too long."),
});

export type LoginInput = z.input<typeof loginSchema>;
export type LoginValues = z.output<typeof loginSchema>;

/** Per-field messages for the form, from a failed parse. */
export function loginFieldErrors(error: z.ZodError<LoginInput>): Partial<Record<keyof LoginInput, string>> {
  const fields: Partial<Record<keyof LoginInput, string>> = {};
  for (const issue of error.issues) {
    const key = issue.path[0];
    if ((key === "email" || key === "password") && !fields[key]) fields[key] = issue.message;
  }
  return fields;
}
