import "server-only";

import type { CookiesOptions } from "next-auth";

const SESSION_COOKIE = "next-auth.session-token";

/** Cookies are Secure (and prefixed) exactly when the app's public URL is https. */
export function usesSecureCookies(appUrl: string): boolean {
  return new URL(appUrl).protocol === "https:";
}

/**
 * `__Host-` under https: the browser only accepts such a cookie when it is Secure, has Path=/ and
 * no Domain, so neither plain http nor a sibling subdomain can set or overwrite the session (a
 * `__Secure-` cookie, next-auth's default, could still be planted with Domain=.example.com).
 */
function prefixFor(appUrl: string): string {
  return usesSecureCookies(appUrl) ? "__Host-" : "";
}

/** The session cookie's name; authenticateRequest must read the very cookie next-auth sets. */
export function sessionCookieName(appUrl: string): string {
  return `${prefixFor(appUrl)}${SESSION_COOKIE}`;
}

/** next-auth's cookies the app uses (Credentials + JWT); OAuth-only ones keep next-auth's defaults. */
export function authCookies(appUrl: string): Partial<CookiesOptions> {
  const options = { httpOnly: true, sameSite: "lax" as const, path: "/", secure: usesSecureCookies(appUrl) };
  const prefix = prefixFor(appUrl);
  return {
    sessionToken: { name: sessionCookieName(appUrl), options },
    callbackUrl: { name: `${prefix}next-auth.callback-url`, options },
    csrfToken: { name: `${prefix}next-auth.csrf-token`, options },
  };
}
