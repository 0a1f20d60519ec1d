/**
 * Next runs proxy.ts (formerly middleware) before a matched route and, for a request with a body,
 * first copies the body for it (up to proxyClientMaxBodySize, 10 MB by default) and waits for the
 * *whole* upload to end before the route handler starts (next-server.js: body.finalize()). A
 * never-ending body then never reaches the app's capped reader: no 413, the request just hangs.
 * Checked under `next dev`: an endless POST to a route the proxy matches got no answer in 15 s;
 * with the route excluded from the matcher it got 413 in 14 ms.
 *
 * So the proxy must not match the endpoints that take bodies. This evaluates proxy.ts's matcher the
 * way Next does (its own matcher compiler) against every POST endpoint of the app.
 */
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";

import { describe, expect, it } from "vitest";

type Matcher = { regexp: string; has?: unknown; missing?: unknown };
const require = createRequire(import.meta.url);
const { getMiddlewareMatchers } = require("next/dist/build/analysis/get-page-static-info") as {
  getMiddlewareMatchers: (matcher: unknown, nextConfig: { i18n?: undefined; basePath?: string }) => Matcher[];
};
const { getMiddlewareRouteMatcher } = require("next/dist/shared/lib/router/utils/middleware-route-matcher") as {
  getMiddlewareRouteMatcher: (matchers: Matcher[]) => (pathname: string, req: unknown, query: unknown) => boolean;
};

/** Every route that accepts a POST (bodies are read, capped, by the app itself). */
const BODY_ROUTES = [
  "/pusher/user-auth",
  "/pusher/auth",
  "/api/pusher/webhook",
  "/api/auth/callback/credentials",
  "/api/auth/signout",
  "/api/admin/broadcast",
  "/api/admin/users/u1/messages",
  "/api/admin/users/u1/ban",
  "/api/admin/users/u1/unban",
  "/api/admin/users/u1/kick",
  "/api/admin/users/u1/sign-out-everywhere",
  "/api/messages/m1/delivered",
  "/api/messages/m1/read",
];

const proxyPath = join(process.cwd(), "proxy.ts");

describe("proxy.ts and request bodies", () => {
  it.skipIf(!existsSync(proxyPath))("does not run on the endpoints that read a body", async () => {
    const proxyModule = (await import(/* @vite-ignore */ proxyPath)) as { config?: { matcher?: unknown } };
    const matcher = proxyModule.config?.matcher;
    // No matcher: the proxy runs on every path.
    const matches = matcher === undefined ? () => true : getMiddlewareRouteMatcher(getMiddlewareMatchers(matcher, {}));
    const headers = { "content-type": "application/json", cookie: "", host: "localhost" };
    const proxied = BODY_ROUTES.filter((pathname) => matches(pathname, { headers, cookies: {} }, {}));
    expect(proxied, "routes the proxy would buffer bodies for (exclude them in proxy.ts config.matcher)").toEqual([]);
  });
});
