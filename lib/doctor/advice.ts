/**
 * What to change, per backend, for each setting the app relies on. One place, so the CLI, the
 * admin page and docs/production-backends.md say the same thing. Self-hosted servers are named
 * individually: the doctor can't tell soketi from sockudo, so it lists both.
 */
import type { PusherBackend } from "../config/env-schema";

type Kind = PusherBackend["kind"];

const PEERS_DOC = "docs/production-backends.md";

export function userAuthenticationFix(kind: Kind): string[] {
  switch (kind) {
    case "self-hosted":
      return [
        "soketi: set SOKETI_DEFAULT_APP_USER_AUTHENTICATION=true (or enableUserAuthentication: true in the app's config) and restart it",
        "sockudo: enable user authentication for the app",
        "Laravel Reverb has no user authentication: use another backend",
        `see ${PEERS_DOC}`,
      ];
    case "hosted":
      return ["hosted Pusher always has user authentication on: check PUSHER_KEY and PUSHER_CLUSTER (the socket may reach another app)"];
    case "embedded":
      return ["the embedded server always signs users in: is another server listening on PUSHER_PORT / PUSHER_PUBLIC_PORT?"];
  }
}

export function webhookFix(kind: Kind, webhookUrl: string): string[] {
  switch (kind) {
    case "self-hosted":
      return [
        `soketi: SOKETI_DEFAULT_APP_WEBHOOKS='[{"url":"${webhookUrl}","event_types":["channel_occupied","channel_vacated"]}]'`,
        `sockudo: add a webhook to ${webhookUrl} for channel_occupied and channel_vacated`,
        `this project's npm run realtime: PUSHER_WEBHOOK_URLS=${webhookUrl}`,
      ];
    case "hosted":
      return [`dashboard: App Settings → Webhooks → add ${webhookUrl} with "Channel existence" enabled`];
    case "embedded":
      return [
        `the launcher points the embedded server's webhooks at http://127.0.0.1:$PORT/api/pusher/webhook: run the app with npm run dev / npm start, or check PORT`,
      ];
  }
}

export function watchlistFix(kind: Kind): string[] {
  switch (kind) {
    case "self-hosted":
      return [
        "soketi has no watchlist; sockudo's events use a shape pusher-js ignores: the contacts panel says online status is unavailable",
      ];
    case "hosted":
      return ['dashboard: App Settings → "Enable watchlist events"'];
    case "embedded":
      return ["the embedded server supports the watchlist: is another server listening on PUSHER_PORT?"];
  }
}

export function authorizedConnectionsFix(kind: Kind, timeoutMs: number): string[] {
  switch (kind) {
    case "self-hosted":
      return [
        `soketi: SOKETI_DEFAULT_APP_USER_AUTHENTICATION=true arms it; SOKETI_USER_AUTHENTICATION_TIMEOUT=${timeoutMs} (ms) to match PUSHER_AUTHORIZED_CONNECTIONS_TIMEOUT_MS`,
        "or set PUSHER_AUTHORIZED_CONNECTIONS_TIMEOUT_MS to the timeout the backend really enforces",
      ];
    case "hosted":
      return ['dashboard: App Settings → turn on "Authorized connections"; keep PUSHER_AUTHORIZED_CONNECTIONS_TIMEOUT_MS=30000'];
    case "embedded":
      return [
        "the launcher's embedded server enforces PUSHER_AUTHORIZED_CONNECTIONS_TIMEOUT_MS; a standalone one (npm run realtime) must get the same value",
      ];
  }
}

export function credentialsFix(kind: Kind): string {
  if (kind === "hosted") return "dashboard: App Keys";
  if (kind === "self-hosted") return "soketi: SOKETI_DEFAULT_APP_ID / _KEY / _SECRET";
  return "the embedded server uses PUSHER_APP_ID / PUSHER_KEY / PUSHER_SECRET of the environment it was started with";
}
