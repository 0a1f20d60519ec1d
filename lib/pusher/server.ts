import "server-only";

import Pusher from "pusher";

import { lazyObject } from "@/lib/config/lazy-object";
import type { PusherBackend } from "@/lib/config/env-schema";
import { env } from "@/lib/env";

/**
 * Every HTTP API call (trigger, sendToUser, terminateUserConnections, GET /channels) gives up after
 * this long, so a slow or unreachable backend fails a sign-in or a kick quickly instead of holding
 * the request (and its database work) open until the socket times out.
 */
export const PUSHER_REQUEST_TIMEOUT_MS = 5_000;

/** Server SDK options for whichever backend the environment selects. */
export function pusherServerOptions(backend: PusherBackend): Pusher.Options {
  const base = { appId: backend.appId, key: backend.key, secret: backend.secret, useTLS: backend.useTLS, timeout: PUSHER_REQUEST_TIMEOUT_MS };
  if (backend.kind === "hosted") return { ...base, cluster: backend.cluster };
  return { ...base, host: backend.host, port: String(backend.port) };
}

const globalForPusher = globalThis as unknown as { pusherServer?: Pusher };

/**
 * The one server SDK instance: signs user tokens and calls the HTTP API. Created on first use (it
 * needs the runtime environment; see lib/config/lazy-object.ts). Kept on globalThis in development
 * so Next's module reloads reuse it.
 */
export const pusherServer: Pusher = lazyObject(() => {
  const instance = globalForPusher.pusherServer ?? new Pusher(pusherServerOptions(env.pusher));
  if (env.nodeEnv !== "production") globalForPusher.pusherServer = instance;
  return instance;
});
