/**
 * Public options of the realtime server and their resolved, validated form.
 */
import { createJsonLogger, type RealtimeLogger } from "./logger";
import { allowlistProblem, toAllowlist } from "./origins";

export interface WebhookTarget {
  url: string;
}

export interface WebhookRetryOptions {
  /** Delay before the first retry; doubles after each failure. Default 500 ms. */
  initialDelayMs?: number;
  /** Ceiling of the backoff delay. Default 30 s. */
  maxDelayMs?: number;
  /** A batch that has not been delivered after this long is dropped. Default 5 min (as hosted). */
  maxDurationMs?: number;
}

export interface RealtimeServerOptions {
  appId: string;
  key: string;
  secret: string;
  /** Default 6001; 0 picks a free port. */
  port?: number;
  /** Default "127.0.0.1". */
  host?: string;
  /** Sent in connection_established; the server pings a socket that was silent this long. Default 120. */
  activityTimeoutSeconds?: number;
  /** How long the server waits for a pong after its ping before closing with 4201. Default 30 000. */
  pongTimeoutMs?: number;
  /** Default 100. */
  maxPresenceMembers?: number;
  /** Default 1024. */
  maxUserInfoBytes?: number;
  /** Default 10; excess events get pusher:error 4301 and are dropped. */
  maxClientEventsPerSecond?: number;
  /**
   * Opt-in here; undefined disables. Sockets that neither sign in nor join a private channel in time
   * get 4009. `npm run realtime` turns it on with DEFAULT_AUTHORIZED_CONNECTIONS_TIMEOUT_MS.
   */
  authorizedConnectionsTimeoutMs?: number;
  /**
   * Stricter than hosted Pusher: only pusher:signin counts as authorization, a private subscription
   * does not. For apps whose every socket signs in (this app's launcher turns it on): a socket holding
   * a user-auth answer from before a revocation can't then stay open unsigned forever. Default false.
   */
  authorizedConnectionsRequireSignIn?: boolean;
  /** Sockets open at once; the next one is closed with 4004 "over connection quota". Default unlimited. */
  maxConnections?: number;
  /** Sockets open at once from one remote address (the TCP peer; X-Forwarded-For is not read). Default unlimited. */
  maxConnectionsPerIp?: number;
  /** Channels one socket may join, its own #server-to-user-{id} not counted. Default 100. */
  maxChannelsPerConnection?: number;
  /** Inbound frames of any kind per socket and second; excess is dropped (4301), a flood is closed (4301). Default 200. */
  maxFramesPerSecond?: number;
  /** Exact origins (scheme://host[:port]) whose pages may open sockets; undefined or ["*"] = any. */
  allowedOrigins?: string[];
  /** Receivers of channel_occupied/vacated, member_added/removed and client_event. */
  webhooks?: WebhookTarget[];
  webhookRetry?: WebhookRetryOptions;
  /** Events that happen within this window are sent in one webhook request. Default 20 ms. */
  webhookBatchWindowMs?: number;
  /** A socket whose unsent data exceeds this many bytes is dropped. Default 1 MiB. */
  maxBufferedBytesPerSocket?: number;
  /** How long a cache channel keeps its last event. Default 30 min (hosted: "up to 30 minutes"). */
  cacheTtlMs?: number;
  /** Cache channels remembered at once; the least recently written is dropped first. Default 10 000. */
  maxCachedChannels?: number;
  /** Default: JSON lines to stderr. Use `silentLogger` in tests. */
  logger?: RealtimeLogger;
}

export interface ResolvedConfig {
  appId: string;
  key: string;
  secret: string;
  port: number;
  host: string;
  activityTimeoutSeconds: number;
  pongTimeoutMs: number;
  maxPresenceMembers: number;
  maxUserInfoBytes: number;
  maxClientEventsPerSecond: number;
  authorizedConnectionsTimeoutMs: number | undefined;
  authorizedConnectionsRequireSignIn: boolean;
  /** Infinity when unlimited. */
  maxConnections: number;
  /** Infinity when unlimited. */
  maxConnectionsPerIp: number;
  maxChannelsPerConnection: number;
  maxFramesPerSecond: number;
  /** undefined = any origin. */
  allowedOrigins: ReadonlySet<string> | undefined;
  webhookUrls: string[];
  webhookRetry: Required<WebhookRetryOptions>;
  webhookBatchWindowMs: number;
  maxBufferedBytesPerSocket: number;
  cacheTtlMs: number;
  maxCachedChannels: number;
  /** How often the shared sweep checks activity and authorization deadlines. */
  sweepIntervalMs: number;
  logger: RealtimeLogger;
}

export const Defaults = {
  port: 6001,
  host: "127.0.0.1",
  activityTimeoutSeconds: 120,
  pongTimeoutMs: 30_000,
  maxPresenceMembers: 100,
  maxUserInfoBytes: 1024,
  maxClientEventsPerSecond: 10,
  maxConnections: Infinity,
  maxConnectionsPerIp: Infinity,
  // Generous: pusher-js resubscribes every channel at once after a reconnect, so the frame limit
  // must stay well above the channel limit (100 subscribes + sign-in fit in one second).
  maxChannelsPerConnection: 100,
  maxFramesPerSecond: 200,
  webhookRetry: { initialDelayMs: 500, maxDelayMs: 30_000, maxDurationMs: 5 * 60_000 },
  webhookBatchWindowMs: 20,
  maxBufferedBytesPerSocket: 1024 * 1024,
  cacheTtlMs: 30 * 60_000,
  maxCachedChannels: 10_000,
} as const;

/**
 * What the standalone server (`npm run realtime`) and the app's launcher use for the authorized
 * connections timeout, so a socket that never signs in cannot keep listening on public channels
 * and a stale user-auth answer has a bounded window. The library default stays off.
 */
export const DEFAULT_AUTHORIZED_CONNECTIONS_TIMEOUT_MS = 30_000;

function requireNonEmpty(name: string, value: unknown): string {
  if (typeof value !== "string" || value.length === 0) {
    throw new TypeError(`Realtime server option "${name}" must be a non-empty string`);
  }
  return value;
}

function requireNumber(name: string, value: number | undefined, fallback: number, min: number): number {
  const resolved = value ?? fallback;
  if (!Number.isFinite(resolved) || resolved < min) {
    throw new RangeError(`Realtime server option "${name}" must be a number >= ${min} (got ${String(value)})`);
  }
  return resolved;
}

function requireLimit(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (value !== Infinity && (!Number.isInteger(value) || value < 1)) {
    throw new RangeError(`Realtime server option "${name}" must be a whole number >= 1 or Infinity (got ${String(value)})`);
  }
  return value;
}

function requireAllowlist(entries: string[] | undefined): ReadonlySet<string> | undefined {
  if (entries === undefined) return undefined;
  const problem = Array.isArray(entries) ? allowlistProblem(entries) : "must be an array of origins";
  if (problem !== undefined) throw new TypeError(`Realtime server option "allowedOrigins" ${problem}`);
  return toAllowlist(entries);
}

export function resolveConfig(options: RealtimeServerOptions): ResolvedConfig {
  const activityTimeoutSeconds = requireNumber(
    "activityTimeoutSeconds",
    options.activityTimeoutSeconds,
    Defaults.activityTimeoutSeconds,
    1,
  );
  const pongTimeoutMs = requireNumber("pongTimeoutMs", options.pongTimeoutMs, Defaults.pongTimeoutMs, 1);
  const authorizedConnectionsTimeoutMs =
    options.authorizedConnectionsTimeoutMs === undefined
      ? undefined
      : requireNumber("authorizedConnectionsTimeoutMs", options.authorizedConnectionsTimeoutMs, 0, 1);
  const webhookUrls = (options.webhooks ?? []).map((target, index) => {
    const url = requireNonEmpty(`webhooks[${index}].url`, target.url);
    const protocol = new URL(url).protocol;
    if (protocol !== "http:" && protocol !== "https:") {
      throw new TypeError(`Realtime server option "webhooks[${index}].url" must be an http(s) URL`);
    }
    return url;
  });
  const retry = options.webhookRetry ?? {};

  // The sweep must be fine-grained enough for the shortest deadline it enforces, yet cheap.
  const deadlines = [activityTimeoutSeconds * 1000, pongTimeoutMs, authorizedConnectionsTimeoutMs ?? Infinity];
  const sweepIntervalMs = Math.max(25, Math.min(1000, Math.floor(Math.min(...deadlines) / 4)));

  return {
    appId: requireNonEmpty("appId", options.appId),
    key: requireNonEmpty("key", options.key),
    secret: requireNonEmpty("secret", options.secret),
    port: requireNumber("port", options.port, Defaults.port, 0),
    host: options.host ?? Defaults.host,
    activityTimeoutSeconds,
    pongTimeoutMs,
    maxPresenceMembers: requireNumber("maxPresenceMembers", options.maxPresenceMembers, Defaults.maxPresenceMembers, 1),
    maxUserInfoBytes: requireNumber("maxUserInfoBytes", options.maxUserInfoBytes, Defaults.maxUserInfoBytes, 0),
    maxClientEventsPerSecond: requireNumber(
      "maxClientEventsPerSecond",
      options.maxClientEventsPerSecond,
      Defaults.maxClientEventsPerSecond,
      1,
    ),
    authorizedConnectionsTimeoutMs,
    authorizedConnectionsRequireSignIn: options.authorizedConnectionsRequireSignIn === true,
    maxConnections: requireLimit("maxConnections", options.maxConnections, Defaults.maxConnections),
    maxConnectionsPerIp: requireLimit("maxConnectionsPerIp", options.maxConnectionsPerIp, Defaults.maxConnectionsPerIp),
    maxChannelsPerConnection: requireLimit("maxChannelsPerConnection", options.maxChannelsPerConnection, Defaults.maxChannelsPerConnection),
    maxFramesPerSecond: requireLimit("maxFramesPerSecond", options.maxFramesPerSecond, Defaults.maxFramesPerSecond),
    allowedOrigins: requireAllowlist(options.allowedOrigins),
    webhookUrls,
    webhookRetry: {
      initialDelayMs: requireNumber("webhookRetry.initialDelayMs", retry.initialDelayMs, Defaults.webhookRetry.initialDelayMs, 1),
      maxDelayMs: requireNumber("webhookRetry.maxDelayMs", retry.maxDelayMs, Defaults.webhookRetry.maxDelayMs, 1),
      maxDurationMs: requireNumber("webhookRetry.maxDurationMs", retry.maxDurationMs, Defaults.webhookRetry.maxDurationMs, 0),
    },
    webhookBatchWindowMs: requireNumber("webhookBatchWindowMs", options.webhookBatchWindowMs, Defaults.webhookBatchWindowMs, 0),
    maxBufferedBytesPerSocket: requireNumber(
      "maxBufferedBytesPerSocket",
      options.maxBufferedBytesPerSocket,
      Defaults.maxBufferedBytesPerSocket,
      1024,
    ),
    cacheTtlMs: requireNumber("cacheTtlMs", options.cacheTtlMs, Defaults.cacheTtlMs, 1),
    maxCachedChannels: requireNumber("maxCachedChannels", options.maxCachedChannels, Defaults.maxCachedChannels, 1),
    sweepIntervalMs,
    logger: options.logger ?? createJsonLogger(),
  };
}
