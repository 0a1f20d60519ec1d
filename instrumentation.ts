/**
 * Next runs `register()` once in each server process before it serves requests.
 */
export async function register(): Promise<void> {
  // The Node server only: the edge runtime has no sockets (and no node:http).
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  // Sign-in throttling needs the real peer address in X-Forwarded-For; see lib/auth/forwarded-for.ts.
  const { appendSocketAddressToForwardedFor } = await import("@/lib/auth/forwarded-for");
  appendSocketAddressToForwardedFor();
}
