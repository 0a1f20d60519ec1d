/**
 * The abuse limits of the WebSocket side, as hosted Pusher, sockudo and Reverb have them:
 * connections in total and per client address, an Origin allowlist, channels per connection and
 * inbound frames per second. Every refusal is logged through ThrottledWarnings, so an attack
 * costs the log one line per kind and interval rather than one per attempt.
 */
import type { IncomingMessage } from "node:http";
import type { ResolvedConfig } from "./config";
import type { Connection } from "./connection";
import { isServerToUserChannelName } from "./channels/names";
import { isOriginAllowed } from "./origins";
import { ChannelPrefixes, CloseCodes, PusherEvents, quoted, SoftErrorCodes, type ProtocolError } from "./protocol";
import type { Registry } from "./registry";
import type { ThrottledWarnings } from "./throttled-warnings";

type LimitsConfig = Pick<
  ResolvedConfig,
  "maxConnections" | "maxConnectionsPerIp" | "maxChannelsPerConnection" | "maxFramesPerSecond" | "allowedOrigins"
>;

const RATE_WINDOW_MS = 1_000;
const MAX_LOGGED_ORIGIN_CHARS = 200;
/** A socket over the frame limit in this many consecutive one-second windows is closed... */
const FLOOD_WINDOWS = 3;
/** ...and at once when a single window exceeds the limit this many times over. */
const FLOOD_FACTOR = 10;

/** accept: handle it; drop: ignore it unread; close: the socket is flooding, disconnect it. */
export type FrameVerdict = "accept" | "drop" | "close";

export class ConnectionLimits {
  /** Open sockets per client address; kept only while a per-address limit is configured. */
  private readonly connectionsByAddress = new Map<string, number>();

  constructor(
    private readonly config: LimitsConfig,
    private readonly registry: Registry,
    private readonly warnings: ThrottledWarnings,
  ) {}

  /** Runs when the upgrade has been accepted, before the socket gets an id or is counted. */
  admissionProblem(request: IncomingMessage, address: string): ProtocolError | undefined {
    const origin = request.headers.origin;
    if (!isOriginAllowed(this.config.allowedOrigins, origin)) {
      // The header is the client's to choose: logged JSON-encoded and shortened, like any input.
      this.warnings.warn("origin", "connection refused: origin not allowed", {
        address,
        origin: origin?.slice(0, MAX_LOGGED_ORIGIN_CHARS) ?? null,
      });
      return {
        code: CloseCodes.originNotAllowed.code,
        message: `${CloseCodes.originNotAllowed.message}: ${origin === undefined ? "no Origin header" : quoted(origin)}`,
      };
    }
    const { maxConnections, maxConnectionsPerIp } = this.config;
    if (this.registry.connections.size >= maxConnections) {
      this.warnings.warn("max-connections", "connection refused: the server holds its maximum of connections", {
        address,
        limit: maxConnections,
      });
      return {
        code: CloseCodes.overConnectionQuota.code,
        message: `${CloseCodes.overConnectionQuota.message} (at most ${maxConnections} connections)`,
      };
    }
    if ((this.connectionsByAddress.get(address) ?? 0) >= maxConnectionsPerIp) {
      this.warnings.warn("max-connections-per-ip", "connection refused: the client address holds its maximum of connections", {
        address,
        limit: maxConnectionsPerIp,
      });
      return {
        code: CloseCodes.overConnectionQuota.code,
        message: `${CloseCodes.overConnectionQuota.message} (at most ${maxConnectionsPerIp} connections per client address)`,
      };
    }
    return undefined;
  }

  opened(connection: Connection): void {
    if (this.config.maxConnectionsPerIp === Infinity) return;
    this.connectionsByAddress.set(connection.address, (this.connectionsByAddress.get(connection.address) ?? 0) + 1);
  }

  /** Called once per connection, from the gateway's idempotent release. */
  released(connection: Connection): void {
    const count = this.connectionsByAddress.get(connection.address);
    if (count === undefined) return;
    if (count <= 1) this.connectionsByAddress.delete(connection.address);
    else this.connectionsByAddress.set(connection.address, count - 1);
  }

  /**
   * A fixed one-second window per socket, as for client events (three numbers per socket). The
   * first excess frame of a window gets one `pusher:error` 4301; the rest are dropped silently,
   * so a flood is not answered with a flood. Dropped frames are not even parsed.
   */
  admitFrame(connection: Connection, now: number): FrameVerdict {
    const limit = this.config.maxFramesPerSecond;
    const sinceWindowStart = now - connection.frameWindowStartedAt;
    if (sinceWindowStart >= RATE_WINDOW_MS) {
      const floodedPreviousWindow = connection.framesInWindow > limit && sinceWindowStart < 2 * RATE_WINDOW_MS;
      if (!floodedPreviousWindow) connection.floodedWindows = 0;
      connection.frameWindowStartedAt = now;
      connection.framesInWindow = 0;
    }
    connection.framesInWindow += 1;
    if (connection.framesInWindow <= limit) return "accept";
    if (connection.framesInWindow === limit + 1) {
      connection.floodedWindows += 1;
      if (connection.floodedWindows >= FLOOD_WINDOWS) return this.flooding(connection, limit);
      connection.sendError(
        `${SoftErrorCodes.frameRateLimit.message} (at most ${limit} messages per second)`,
        SoftErrorCodes.frameRateLimit.code,
      );
      this.warnings.warn("frame-rate", "messages dropped: socket over its frame rate limit", {
        socketId: connection.socketId,
        address: connection.address,
        limit,
      });
    }
    return connection.framesInWindow > FLOOD_FACTOR * limit ? this.flooding(connection, limit) : "drop";
  }

  private flooding(connection: Connection, limit: number): FrameVerdict {
    this.warnings.warn("flood", "socket closed: it kept sending over its frame rate limit", {
      socketId: connection.socketId,
      address: connection.address,
      limit,
    });
    return "close";
  }

  /**
   * True when the socket may join one more channel; otherwise the refusal is sent on that channel
   * (pusher-js emits it as `pusher:subscription_error` there) and the socket stays open. The
   * socket's own #server-to-user-{id}, joined by pusher-js after sign-in, is not counted.
   */
  admitChannel(connection: Connection, channelName: string): boolean {
    if (isServerToUserChannelName(channelName)) return true;
    const limit = this.config.maxChannelsPerConnection;
    const joined = connection.channels?.size ?? 0;
    const ownUserChannel = connection.user && connection.channels?.has(`${ChannelPrefixes.serverToUser}${connection.user.id}`) ? 1 : 0;
    if (joined - ownUserChannel < limit) return true;
    const error = `${SoftErrorCodes.channelLimit.message} (at most ${limit} channels per connection)`;
    connection.sendEvent(
      PusherEvents.subscriptionError,
      { type: "LimitReached", error, status: SoftErrorCodes.channelLimit.code },
      channelName,
    );
    this.warnings.warn("channel-limit", "subscription refused: socket joined its maximum of channels", {
      socketId: connection.socketId,
      address: connection.address,
      channel: channelName,
      limit,
    });
    return false;
  }
}
