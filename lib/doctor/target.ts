/**
 * Where the doctor looks: the backend's HTTP API (what the server SDK calls) and the WebSocket URL
 * the *browser* opens, derived the way pusher-js derives it from the options the app gives it
 * (lib/pusher/client-config.ts), so a wrong PUSHER_PUBLIC_HOST/PORT is caught here.
 */
import pusherJsPackage from "pusher-js/package.json";

import type { PusherBackend } from "../config/env-schema";
import { pusherClientConfig, type PusherClientConfig } from "../pusher/client-config";

/** The protocol version pusher-js 8 speaks. */
const PUSHER_PROTOCOL = 7;

/**
 * pusher-js's own rule (shouldUseTLS): on an https page it always uses wss, whatever forceTLS says;
 * otherwise forceTLS decides. Ports: wsPort (default 80) without TLS, wssPort (default 443) with it.
 */
export function browserSocketUrl(config: PusherClientConfig, pageIsHttps: boolean): string {
  const useTLS = pageIsHttps || config.forceTLS;
  const host = config.wsHost ?? `ws-${config.cluster}.pusher.com`;
  const port = useTLS ? (config.wssPort ?? 443) : (config.wsPort ?? 80);
  const query = `protocol=${PUSHER_PROTOCOL}&client=js&version=${pusherJsPackage.version}&flash=false`;
  return `${useTLS ? "wss" : "ws"}://${host}:${port}/app/${encodeURIComponent(config.key)}?${query}`;
}

export interface DoctorTarget {
  backend: PusherBackend;
  /** Base of the HTTP API the server SDK calls, e.g. http://127.0.0.1:6001. */
  apiBaseUrl: string;
  socketUrl: string;
  /** Sent as Origin on the WebSocket upgrade, as a browser on the app's pages would. */
  origin: string;
  appUrl: string;
}

export function doctorTarget(backend: PusherBackend, publicOverride: { host?: string; port?: number }, appUrl: string): DoctorTarget {
  const app = new URL(appUrl);
  const apiBaseUrl =
    backend.kind === "hosted"
      ? `https://api-${backend.cluster}.pusher.com`
      : `${backend.useTLS ? "https" : "http"}://${backend.host}:${backend.port}`;
  return {
    backend,
    apiBaseUrl,
    socketUrl: browserSocketUrl(pusherClientConfig(backend, publicOverride), app.protocol === "https:"),
    origin: app.origin,
    appUrl: app.origin + app.pathname.replace(/\/$/, ""),
  };
}

/** The socket URL without its query, for messages. */
export function socketAddress(socketUrl: string): string {
  return socketUrl.split("?")[0]!.replace(/\/app\/[^/]*$/, "");
}

export function describeTarget(target: DoctorTarget): string {
  const kind = target.backend.kind === "hosted" ? `hosted Pusher (cluster ${target.backend.cluster})` : `${target.backend.kind} backend`;
  return `${kind}: HTTP API ${target.apiBaseUrl}, browser WebSocket ${socketAddress(target.socketUrl)}, app ${target.appUrl}`;
}
