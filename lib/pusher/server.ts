import "server-only";

import Pusher from "pusher";

import { env } from "@/lib/env";
import type { PusherBackend } from "@/lib/config/env-schema";

/** Server SDK options for whichever backend the environment selects. */
export function pusherServerOptions(backend: PusherBackend): Pusher.Options {
  const base = { appId: backend.appId, key: backend.key, secret: backend.secret, useTLS: backend.useTLS };
  if (backend.kind === "hosted") return { ...base, cluster: backend.cluster };
  return { ...base, host: backend.host, port: String(backend.port) };
}

const globalForPusher = globalThis as unknown as { pusherServer?: Pusher };

/** The one server SDK instance: signs user tokens and calls the HTTP API. */
export const pusherServer: Pusher = globalForPusher.pusherServer ?? new Pusher(pusherServerOptions(env.pusher));
if (env.nodeEnv !== "production") globalForPusher.pusherServer = pusherServer;
