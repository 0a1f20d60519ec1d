/**
 * A real PostgreSQL outage: the app's database server is stopped (a cluster of this file's own,
 * never the run's shared one) and started again. Meanwhile every database-backed endpoint answers
 * 503 with Retry-After and a readable reason, never Prisma's text; a login says sign-in is
 * temporarily unavailable (not "wrong password"); a tab keeps retrying its sign-in. Once the
 * server is back everything works again by itself: same app modules, same Prisma client.
 *
 * The endpoints are called through their app/** route files, where the 503 wrapper sits.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import type { RealtimeClient } from "@/components/realtime/pusher-client";
import {
  createCast,
  createUser,
  realtimeConfig,
  request,
  signedWebhook,
  formRequest,
  startHarness,
  waitFor,
  webhookBody,
  type Harness,
} from "@/tests/support/app-harness";
import { postgresSkipReason, startRestartablePostgres } from "@/tests/support/postgres";
import { startAppEndpoints } from "@/tests/realtime/app-endpoints";
import { startSignInServer, type SignInServer } from "@/tests/auth/support/sign-in-server";

const MESSAGE = "The database is unavailable right now. Try again in a few seconds.";
/** Anything of Prisma's or the driver's that must never reach a client. */
const LEAKS = /prisma|invocation|can't reach|127\.0\.0\.1|ECONNREFUSED|P10\d\d|postgres/i;

describe.skipIf(postgresSkipReason() !== null)("the database stopped and started again (PostgreSQL)", () => {
  let postgres: Awaited<ReturnType<typeof startRestartablePostgres>>;
  let harness: Harness;
  let cast: Awaited<ReturnType<typeof createCast>>;
  let endpoints: Awaited<ReturnType<typeof startAppEndpoints>>;
  let signInServer: SignInServer;
  let routes: {
    userAuth: typeof import("@/app/pusher/user-auth/route");
    channelAuth: typeof import("@/app/pusher/auth/route");
    webhook: typeof import("@/app/api/pusher/webhook/route");
    roster: typeof import("@/app/api/admin/roster/route");
  };
  let authorizeCredentials: typeof import("@/lib/auth/authorize-credentials").authorizeCredentials;
  let loginErrorMessage: typeof import("@/components/auth/login-form").loginErrorMessage;
  const PASSWORD = "correct horse battery staple";
  let carolEmail: string;
  const clients: RealtimeClient[] = [];
  const saved = { provider: process.env.TEST_DATABASE_PROVIDER, url: process.env.TEST_POSTGRES_URL };

  beforeAll(async () => {
    postgres = await startRestartablePostgres();
    process.env.TEST_DATABASE_PROVIDER = "postgresql";
    process.env.TEST_POSTGRES_URL = postgres.adminUrl;
    harness = await startHarness({ webhooks: false });
    cast = await createCast(harness);
    const { hashPassword } = await import("@/lib/auth/password");
    const carol = await createUser(harness, { name: "Carol", passwordHash: await hashPassword(PASSWORD) });
    carolEmail = carol.email;
    endpoints = await startAppEndpoints();
    routes = {
      userAuth: await import("@/app/pusher/user-auth/route"),
      channelAuth: await import("@/app/pusher/auth/route"),
      webhook: await import("@/app/api/pusher/webhook/route"),
      roster: await import("@/app/api/admin/roster/route"),
    };
    ({ authorizeCredentials } = await import("@/lib/auth/authorize-credentials"));
    signInServer = await startSignInServer((await import("@/lib/auth/nextauth-options")).authOptions);
    ({ loginErrorMessage } = await import("@/components/auth/login-form"));
  }, 60_000);

  afterAll(async () => {
    for (const client of clients) client.stop();
    await endpoints?.close();
    await signInServer?.close();
    await postgres?.restart().catch(() => {});
    await harness?.close();
    await postgres?.stop();
    process.env.TEST_DATABASE_PROVIDER = saved.provider;
    process.env.TEST_POSTGRES_URL = saved.url;
    if (saved.provider === undefined) delete process.env.TEST_DATABASE_PROVIDER;
    if (saved.url === undefined) delete process.env.TEST_POSTGRES_URL;
  }, 60_000);

  const socketId = "1234.5678";
  const calls = () => ({
    userAuth: () => routes.userAuth.POST(formRequest("/pusher/user-auth", { socket_id: socketId }, { cookie: cast.aliceCookie })),
    channelAuth: () =>
      routes.channelAuth.POST(
        formRequest("/pusher/auth", { socket_id: socketId, channel_name: `private-connection-${socketId}` }, { cookie: cast.aliceCookie }),
      ),
    webhook: () => {
      const body = webhookBody([{ name: "channel_vacated", channel: `private-connection-${socketId}` }]);
      return routes.webhook.POST(
        new Request("http://127.0.0.1:3000/api/pusher/webhook", { method: "POST", headers: signedWebhook(body), body }),
      );
    },
    roster: () => routes.roster.GET(request("/api/admin/roster", { method: "GET", cookie: cast.adminCookie })),
  });
  const login = (password = PASSWORD) =>
    authorizeCredentials({ email: carolEmail, password }, { "x-forwarded-for": "127.0.0.1" }).then(
      (user) => ({ user, error: null as string | null }),
      (error: Error) => ({ user: null, error: error.message }),
    );

  it("answers 503 + Retry-After with a readable reason while the server is down, and recovers by itself", async () => {
    // Up: everything works, and the Prisma client holds pooled connections to the server.
    for (const [name, call] of Object.entries(calls())) expect({ name, status: (await call()).status }).toEqual({ name, status: 200 });
    expect((await login()).user).toMatchObject({ email: carolEmail });

    await postgres.halt();

    for (const [name, call] of Object.entries(calls())) {
      const response = await call();
      const text = await response.text();
      expect({ name, status: response.status, retryAfter: response.headers.get("retry-after") }).toEqual({
        name,
        status: 503,
        retryAfter: "5",
      });
      expect(JSON.parse(text)).toEqual({ error: MESSAGE });
      expect(text).not.toMatch(LEAKS);
    }

    // A login: its own code, which the form turns into words; no Prisma text, no "wrong password".
    const during = await login();
    expect(during.user).toBeNull();
    expect(during.error).toBe("SignInUnavailable");
    expect(loginErrorMessage(during.error!)).toBe("Sign-in is temporarily unavailable. Try again shortly.");
    // The same through next-auth's real handler, as the browser's signIn() sees it: the error in
    // next-auth's answer URL is the code, not Prisma's message (which it was before).
    const viaNextAuth = await signInServer.signIn({ email: carolEmail, password: PASSWORD });
    expect(viaNextAuth).toMatchObject({ error: "SignInUnavailable", sessionCookie: null });

    // A tab opened during the outage: its sign-in gets 503 and waits to retry.
    const { createRealtimeClient } = await import("@/components/realtime/pusher-client");
    const tab = createRealtimeClient({
      config: realtimeConfig(harness),
      signinRetryDelayMs: (attempt) => Math.min(300, 50 * 2 ** attempt),
      ...endpoints.clientOptions(cast.bobCookie),
    });
    clients.push(tab);
    await waitFor(() => tab.getState().status === "signin-failed" && tab.getState().retryAt !== null, {
      message: "failed sign-in waiting to retry",
    });
    expect(tab.getState().error).toBe("the server answered HTTP 503");

    await postgres.restart();

    // No app restart: the same route modules and Prisma client reconnect on the next query.
    for (const [name, call] of Object.entries(calls())) {
      await waitFor(async () => (await call()).status === 200, { timeoutMs: 10_000, message: `${name} answering 200 again` });
    }
    expect((await login()).user).toMatchObject({ email: carolEmail });
    expect((await login("wrong password")).error).toBeNull();
    expect((await signInServer.signIn({ email: carolEmail, password: PASSWORD })).sessionCookie).toMatch(/^next-auth\.session-token=/);
    await waitFor(() => tab.getState().status === "signed-in", { timeoutMs: 10_000, message: "the tab signed in by itself" });
    const bobSocket = tab.getState().socketId!;
    expect(
      endpoints.calls
        .filter((call) => call.path === "/pusher/user-auth" && call.socketId === bobSocket)
        .map((call) => call.status)
        .slice(-1),
    ).toEqual([200]);
    expect(endpoints.calls.some((call) => call.status === 503)).toBe(true);
  }, 60_000);
});
