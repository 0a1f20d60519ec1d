/**
 * Public options of the realtime server and their resolved, validated form.
 */
import { createJsonLogger, type RealtimeLogger } from "./logger";

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
  /** Opt-in; undefined disables. Sockets that neither sign in nor join a private channel in time get 4009. */
  authorizedConnectionsTimeoutMs?: number;
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
  webhookRetry: { initialDelayMs: 500, maxDelayMs: 30_000, maxDurationMs: 5 * 60_000 },
  webhookBatchWindowMs: 20,
  maxBufferedBytesPerSocket: 1024 * 1024,
  cacheTtlMs: 30 * 60_000,
  maxCachedChannels: 10_000,
} as const;

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

export function resolveConfig(options: RealtimeServerOptions): ResolvedConfig {
  const activityTimeoutSeconds = requireNumber("activityTimeoutSeconds", options.activityTimeoutSeconds, Defaults.activityTimeoutSeconds, 1);
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
    maxClientEventsPerSecond: requireNumber("maxClientEventsPerSecond", options.maxClientEventsPerSecond, Defaults.maxClientEventsPerSecond, 1),
    authorizedConnectionsTimeoutMs,
    webhookUrls,
    webhookRetry: {
      initialDelayMs: requireNumber("webhookRetry.initialDelayMs", retry.initialDelayMs, Defaults.webhookRetry.initialDelayMs, 1),
      maxDelayMs: requireNumber("webhookRetry.maxDelayMs", retry.maxDelayMs, Defaults.webhookRetry.maxDelayMs, 1),
      maxDurationMs: requireNumber("webhookRetry.maxDurationMs", retry.maxDurationMs, Defaults.webhookRetry.maxDurationMs, 0),
    },
    webhookBatchWindowMs: requireNumber("webhookBatchWindowMs", options.webhookBatchWindowMs, Defaults.webhookBatchWindowMs, 0),
    maxBufferedBytesPerSocket: requireNumber("maxBufferedBytesPerSocket", options.maxBufferedBytesPerSocket, Defaults.maxBufferedBytesPerSocket, 1024),
    cacheTtlMs: requireNumber("cacheTtlMs", options.cacheTtlMs, Defaults.cacheTtlMs, 1),
    maxCachedChannels: requireNumber("maxCachedChannels", options.maxCachedChannels, Defaults.maxCachedChannels, 1),
    sweepIntervalMs,
    logger: options.logger ?? createJsonLogger(),
  };
}
