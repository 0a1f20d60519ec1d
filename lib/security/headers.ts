/**
 * The security headers every response carries (set by proxy.ts, per request). Pure functions of
 * the configuration, so tests can check the policy for each backend without a server.
 * No `server-only`: proxy.ts and Vitest import it; it holds no secret.
 */
import type { PusherClientConfig } from "@/lib/pusher/client-config";

export interface SecurityHeaderOptions {
  /** Fresh per request; Next puts it on its own scripts (it reads it from the request's CSP). */
  nonce: string;
  /** `next dev`: React's debugging needs eval, and dev CSS arrives in un-nonced <style> tags. */
  development: boolean;
  /** NEXTAUTH_URL: HSTS and upgrade-insecure-requests only when it is https. */
  appUrl: string;
  /** Where the browser's pusher-js connects (lib/pusher/client-config.ts), for connect-src. */
  realtime: PusherClientConfig;
}

/** Two years, the usual preload-list minimum; subdomains too (the app's cookies are `__Host-`). */
export const HSTS_VALUE = "max-age=63072000; includeSubDomains";

/** A host for a CSP source expression: IPv6 literals need their brackets. */
function sourceHost(host: string): string {
  return host.includes(":") && !host.startsWith("[") ? `[${host}]` : host;
}

/**
 * The WebSocket origins pusher-js may open. It uses wss when forceTLS is set or the page is https,
 * ws otherwise; the app enables only the ws/wss transports (components/realtime/pusher-client.ts), so no
 * sockjs/xhr fallback host is needed.
 */
export function realtimeConnectSources(realtime: PusherClientConfig): string[] {
  if (!realtime.wsHost) return [`wss://ws-${realtime.cluster}.pusher.com`];
  const host = sourceHost(realtime.wsHost);
  const secure = `wss://${host}:${realtime.wssPort ?? 443}`;
  return realtime.forceTLS ? [secure] : [`ws://${host}:${realtime.wsPort ?? 80}`, secure];
}

export function contentSecurityPolicy({ nonce, development, appUrl, realtime }: SecurityHeaderOptions): string {
  const https = new URL(appUrl).protocol === "https:";
  const directives: Array<[string, ...string[]]> = [
    ["default-src", "'self'"],
    // 'strict-dynamic': scripts Next's nonced scripts load are trusted, any other script is not.
    ["script-src", "'self'", `'nonce-${nonce}'`, "'strict-dynamic'", ...(development ? ["'unsafe-eval'"] : [])],
    ["style-src", "'self'", development ? "'unsafe-inline'" : `'nonce-${nonce}'`],
    ["img-src", "'self'", "data:"],
    ["font-src", "'self'"],
    // 'self' covers same-origin fetches and, in development, Next's HMR WebSocket.
    ["connect-src", "'self'", ...realtimeConnectSources(realtime)],
    ["object-src", "'none'"],
    ["base-uri", "'self'"],
    ["form-action", "'self'"],
    ["frame-ancestors", "'none'"],
  ];
  if (https) directives.push(["upgrade-insecure-requests"]);
  return directives.map((directive) => directive.join(" ")).join("; ");
}

export function securityHeaders(options: SecurityHeaderOptions): Record<string, string> {
  const headers: Record<string, string> = {
    "Content-Security-Policy": contentSecurityPolicy(options),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    // For browsers without frame-ancestors.
    "X-Frame-Options": "DENY",
  };
  // Over plain http the header is ignored by browsers and would only mislead.
  if (new URL(options.appUrl).protocol === "https:") headers["Strict-Transport-Security"] = HSTS_VALUE;
  return headers;
}

/** 128 random bits, base64: unguessable and unique per response. */
export function createNonce(): string {
  return Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString("base64");
}
