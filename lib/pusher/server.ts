import "server-only";

import Pusher from "pusher";

import { lazyObject } from "@/lib/config/lazy-object";
import { env } from "@/lib/env";
import { pusherServerOptions } from "@/lib/pusher/server-options";

// Kept importable from here; defined without `server-only` so the backend doctor can share them.
export { PUSHER_REQUEST_TIMEOUT_MS, pusherServerOptions } from "@/lib/pusher/server-options";

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
