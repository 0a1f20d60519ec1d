import "server-only";

import { env } from "@/lib/env";

/** Methods that cannot change anything; cross-site GETs are harmless and links must keep working. */
const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

export const CROSS_SITE_MESSAGE = "Cross-site request refused: this endpoint only accepts requests from this app's own pages.";

/**
 * Cross-site request forgery guard for the app's state-changing endpoints (Pusher auth, admin
 * actions, receipts). The session cookie is SameSite=Lax, which already keeps it off cross-site
 * POSTs in current browsers; this is the second, explicit line that does not depend on cookie
 * defaults, an older browser or a sibling subdomain (same-site is not same-origin).
 *
 * Browsers label every request with `Sec-Fetch-Site`; older ones at least send `Origin` on POSTs.
 * A request with neither is not from a browser (curl, a server, a test) and cannot carry a victim's
 * cookies, so it passes here and still needs a valid session.
 *
 * Returns null when the request may proceed, or the reason to refuse it with 403.
 */
export function crossSiteRefusal(request: Request): string | null {
  if (SAFE_METHODS.has(request.method.toUpperCase())) return null;

  const fetchSite = request.headers.get("sec-fetch-site");
  if (fetchSite !== null) {
    // "none" is a user-initiated navigation (typed URL, bookmark); it carries no attacker's intent.
    return fetchSite === "same-origin" || fetchSite === "none" ? null : CROSS_SITE_MESSAGE;
  }

  const origin = request.headers.get("origin");
  if (origin === null) return null;
  return allowedOrigins(request).has(origin) ? null : CROSS_SITE_MESSAGE;
}

/** The public URL the app is configured with, and the origin this request was addressed to. */
function allowedOrigins(request: Request): Set<string> {
  const origins = new Set<string>();
  for (const url of [env.nextAuthUrl, request.url]) {
    try {
      origins.add(new URL(url).origin);
    } catch {
      // A malformed URL adds nothing; the other one still counts.
    }
  }
  return origins;
}
