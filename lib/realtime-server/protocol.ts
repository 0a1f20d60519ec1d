/**
 * Every wire-level constant of the Pusher Channels protocol (v7) that this server speaks.
 * Kept in one place so handlers never invent strings or numbers of their own.
 */

export const PROTOCOL_VERSION = 7;

export const PusherEvents = {
  connectionEstablished: "pusher:connection_established",
  error: "pusher:error",
  ping: "pusher:ping",
  pong: "pusher:pong",
  subscribe: "pusher:subscribe",
  unsubscribe: "pusher:unsubscribe",
  subscriptionError: "pusher:subscription_error",
  signin: "pusher:signin",
  signinSuccess: "pusher:signin_success",
  subscriptionSucceeded: "pusher_internal:subscription_succeeded",
  memberAdded: "pusher_internal:member_added",
  memberRemoved: "pusher_internal:member_removed",
  watchlistEvents: "pusher_internal:watchlist_events",
  /** On a cache channel with nothing cached, sent to the new subscriber right after subscription_succeeded. */
  cacheMiss: "pusher:cache_miss",
} as const;

export const CLIENT_EVENT_PREFIX = "client-";
export const PUSHER_EVENT_PREFIX = "pusher:";
/** Event names an app may not trigger through the HTTP API. */
export const RESERVED_EVENT_PREFIXES = [PUSHER_EVENT_PREFIX, "pusher_internal:"] as const;

/** A close code together with the human-readable reason sent in the error frame and close frame. */
export interface ProtocolError {
  readonly code: number;
  readonly message: string;
}

/**
 * Close codes as pusher-js interprets them: 4000-4099 "refused" (no reconnect),
 * 4100-4199 back off, 4200-4299 reconnect at once, 4300+ refused.
 */
export const CloseCodes = {
  appNotFound: { code: 4001, message: "Application does not exist" },
  /**
   * Hosted Pusher's and sockudo's code for a connection limit: 4004 is in pusher-js's "refused"
   * range, so a refused tab does not come back in a loop. 4100 ("over capacity", reconnect after
   * ~1 s) would turn every refused client into a retry every second, which is what the limit is
   * meant to stop.
   */
  overConnectionQuota: { code: 4004, message: "Application is over connection quota" },
  pathNotFound: { code: 4005, message: "Path not found" },
  unsupportedProtocol: { code: 4007, message: "Unsupported protocol version" },
  noProtocol: { code: 4008, message: "No protocol version supplied" },
  unauthorized: { code: 4009, message: "Connection is unauthorized" },
  notAuthorizedWithinTimeout: { code: 4009, message: "Connection not authorized within timeout." },
  terminatedByApp: { code: 4009, message: "You got disconnected by the app." },
  /**
   * Sent after accepting the upgrade rather than answering HTTP 403: pusher-js reports a refused
   * upgrade as a network error and retries forever, while close 4009 makes it stop (sockudo does
   * the same). The socket is closed before it gets a socket id or any frame is read.
   */
  originNotAllowed: { code: 4009, message: "Origin not allowed" },
  serverShuttingDown: { code: 4200, message: "Server is restarting, please reconnect" },
  pongNotReceived: { code: 4201, message: "Pong reply not received" },
  /**
   * A socket that keeps sending past the frame rate limit. 4301 is the protocol's rate-limit code
   * and in pusher-js's "refused" range (>= 4300): a flooding client is not reconnected in a loop.
   */
  messageFlood: { code: 4301, message: "Connection closed: too many messages, rate limit exceeded" },
} as const satisfies Record<string, ProtocolError>;

/** A WebSocket close frame carries at most 123 bytes of reason (RFC 6455 §5.5). */
const MAX_CLOSE_REASON_BYTES = 123;

/**
 * The reason as it fits a close frame: cut at a character boundary. `ws` throws on a longer one,
 * and reasons can quote client input (an unknown app key, a protocol version).
 */
export function closeReason(message: string): string {
  if (Buffer.byteLength(message, "utf8") <= MAX_CLOSE_REASON_BYTES) return message;
  let cut = message.slice(0, MAX_CLOSE_REASON_BYTES);
  while (Buffer.byteLength(cut, "utf8") > MAX_CLOSE_REASON_BYTES - 3) cut = cut.slice(0, -1);
  return `${cut}...`;
}

/** Client input quoted in an error message, shortened so one long value cannot bloat the frame. */
export function quoted(value: string, maxChars = 40): string {
  return JSON.stringify(value.length > maxChars ? `${value.slice(0, maxChars)}…` : value);
}

/** Error codes sent in `pusher:error` frames that do not close the socket. */
export const SoftErrorCodes = {
  clientEventRateLimit: { code: 4301, message: "Client event rejected: rate limit exceeded" },
  /** Any inbound frame past the per-connection frame rate: dropped unread; sent once per second at most. */
  frameRateLimit: { code: 4301, message: "Message rejected: rate limit exceeded" },
  /**
   * The protocol's "other error" range, which sockudo uses for channel errors. It is sent as the
   * `status` of a `pusher:subscription_error` on the refused channel, where pusher-js surfaces it.
   */
  channelLimit: { code: 4300, message: "Subscription rejected: channel limit reached" },
  watchlistLimit: { code: 4302, message: "Watchlist limit exceeded: only the first 100 user ids are watched" },
} as const satisfies Record<string, ProtocolError>;

export const Limits = {
  channelNameMaxLength: 164,
  eventNameMaxLength: 200,
  /** Bytes of `data` in one event (client event or HTTP-triggered event). */
  eventDataMaxBytes: 10 * 1024,
  channelsPerTrigger: 100,
  batchEventsMax: 10,
  userIdMaxLength: 128,
  watchlistMaxIds: 100,
  /** Largest WebSocket frame accepted; larger frames are refused by ws with close 1009. */
  maxFrameBytes: 64 * 1024,
  /** Largest HTTP API request body; larger bodies get 413. */
  maxHttpBodyBytes: 1024 * 1024,
  /** Allowed clock skew of auth_timestamp on signed HTTP requests. */
  requestTimestampToleranceSeconds: 600,
} as const;

export const CHANNEL_NAME_PATTERN = /^[A-Za-z0-9_\-=@,.;]+$/;
/** The cache variant of each channel type: `cache-`, `private-cache-`, `private-encrypted-cache-`, `presence-cache-`. */
export const CACHE_CHANNEL_PATTERN = /^(?:private-encrypted-|private-|presence-)?cache-/;
export const SOCKET_ID_PATTERN = /^\d+\.\d+$/;

export const ChannelPrefixes = {
  private: "private-",
  presence: "presence-",
  privateEncrypted: "private-encrypted-",
  serverToUser: "#server-to-user-",
} as const;

export const WebhookEvents = {
  channelOccupied: "channel_occupied",
  channelVacated: "channel_vacated",
  memberAdded: "member_added",
  memberRemoved: "member_removed",
  clientEvent: "client_event",
  cacheMiss: "cache_miss",
} as const;

/** The only request-signing scheme the HTTP API accepts. */
export const AUTH_VERSION = "1.0";
