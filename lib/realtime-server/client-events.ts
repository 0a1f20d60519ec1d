/**
 * `client-*` events: relayed from one member of a private/presence channel to the others,
 * never back to the sender, size-checked and rate-limited per connection.
 */
import { serializeEvent, type Connection } from "./connection";
import type { RealtimeLogger } from "./logger";
import { Limits, SoftErrorCodes, WebhookEvents } from "./protocol";
import type { Registry } from "./registry";
import type { WebhookSink } from "./webhooks";

const RATE_WINDOW_MS = 1_000;

export class ClientEventRelay {
  constructor(
    private readonly registry: Registry,
    private readonly maxEventsPerSecond: number,
    private readonly webhooks: WebhookSink,
    private readonly logger: RealtimeLogger,
  ) {}

  relay(connection: Connection, eventName: string, channelName: unknown, data: unknown): void {
    if (typeof channelName !== "string" || !connection.channels?.has(channelName)) {
      connection.sendError(`Client event ${eventName} rejected: not subscribed to channel ${String(channelName)}`, null);
      return;
    }
    const channel = this.registry.channels.get(channelName);
    if (!channel || !channel.acceptsClientEvents) {
      connection.sendError(`Client events are only allowed on private and presence channels (got ${channelName})`, null);
      return;
    }
    if (eventName.length > Limits.eventNameMaxLength) {
      connection.sendError(`Client event name is longer than ${Limits.eventNameMaxLength} characters`, null);
      return;
    }
    if (!this.withinRateLimit(connection)) {
      connection.sendError(SoftErrorCodes.clientEventRateLimit.message, SoftErrorCodes.clientEventRateLimit.code);
      return;
    }
    const serializedData = typeof data === "string" ? data : JSON.stringify(data ?? null);
    if (Buffer.byteLength(serializedData, "utf8") > Limits.eventDataMaxBytes) {
      connection.sendError(`Client event data is larger than ${Limits.eventDataMaxBytes} bytes`, null);
      return;
    }

    const userId = channel.memberIdOf(connection);
    channel.broadcast(serializeEvent(eventName, serializedData, channelName, userId), connection);
    this.webhooks.emit({
      name: WebhookEvents.clientEvent,
      channel: channelName,
      event: eventName,
      data: serializedData,
      socket_id: connection.socketId,
      ...(userId === undefined ? {} : { user_id: userId }),
    });
  }

  /** A fixed one-second window per connection: two numbers per socket instead of a queue. */
  private withinRateLimit(connection: Connection): boolean {
    const now = Date.now();
    if (now - connection.clientEventWindowStartedAt >= RATE_WINDOW_MS) {
      connection.clientEventWindowStartedAt = now;
      connection.clientEventsInWindow = 0;
    }
    connection.clientEventsInWindow += 1;
    if (connection.clientEventsInWindow === this.maxEventsPerSecond + 1) {
      this.logger.info("client event rate limit hit", { socketId: connection.socketId });
    }
    return connection.clientEventsInWindow <= this.maxEventsPerSecond;
  }
}
