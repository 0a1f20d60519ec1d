/**
 * Only same-site paths are followed after sign-in: an absolute or protocol-relative URL in
 * ?callbackUrl= would turn the login page into an open redirect.
 */
export function safeCallbackPath(value: unknown, fallback = "/"): string {
  if (typeof value !== "string" || value === "") return fallback;
  if (!value.startsWith("/") || value.startsWith("//") || value.startsWith("/\\")) return fallback;
  // Control characters and backslashes are how browsers get tricked into leaving the origin.
  if (/[\u0000-\u001f\\]/.test(value)) return fallback;
  // Back to the login page would be a loop.
  if (value === "/login" || value.startsWith("/login?") || value.startsWith("/api/auth")) return fallback;
  return value;
}
