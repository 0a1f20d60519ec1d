/**
 * Server SDK options for a backend. No `server-only` and no env import: the app's SDK instance
 * (lib/pusher/server.ts) and the backend doctor (lib/doctor, also run by `npm run doctor` outside
 * Next) build their SDK from the same function, so the doctor checks exactly what the app calls.
 */
import type Pusher from "pusher";

import type { PusherBackend } from "../config/env-schema";

/**
 * Every HTTP API call (trigger, sendToUser, terminateUserConnections, GET /channels) gives up after
 * this long, so a slow or unreachable backend fails a sign-in or a kick quickly instead of holding
 * the request (and its database work) open until the socket times out.
 */
export const PUSHER_REQUEST_TIMEOUT_MS = 5_000;

/** Server SDK options for whichever backend the environment selects. */
export function pusherServerOptions(backend: PusherBackend): Pusher.Options {
  const base = {
    appId: backend.appId,
    key: backend.key,
    secret: backend.secret,
    useTLS: backend.useTLS,
    timeout: PUSHER_REQUEST_TIMEOUT_MS,
  };
  if (backend.kind === "hosted") return { ...base, cluster: backend.cluster };
  return { ...base, host: backend.host, port: String(backend.port) };
}
