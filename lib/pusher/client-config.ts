import type { PusherBackend } from "@/lib/config/env-schema";

/** What the browser needs to open its pusher-js connection. Built on the server; holds no secret. */
export interface PusherClientConfig {
  key: string;
  cluster: string;
  wsHost?: string;
  wsPort?: number;
  wssPort?: number;
  forceTLS: boolean;
}

export function pusherClientConfig(backend: PusherBackend, publicOverride: { host?: string; port?: number } = {}): PusherClientConfig {
  if (backend.kind === "hosted") return { key: backend.key, cluster: backend.cluster, forceTLS: true };
  // The embedded server binds 127.0.0.1 only; "localhost" could resolve to ::1 and miss it.
  const host = publicOverride.host ?? backend.host;
  const port = publicOverride.port ?? backend.port;
  return { key: backend.key, cluster: "", wsHost: host, wsPort: port, wssPort: port, forceTLS: backend.useTLS };
}
