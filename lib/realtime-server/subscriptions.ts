/**
 * Joining and leaving channels: authorization by channel type, presence membership, the
 * member_added/member_removed frames and the occupancy/membership webhooks.
 */
import { isCacheChannelName, type ChannelCache } from "./channel-cache";
import { channelNameProblem, createChannel, PresenceChannel, type AuthorizationContext, type Channel } from "./channels";
import { serializeEvent, type Connection } from "./connection";
import type { ConnectionLimits } from "./limits";
import type { RealtimeLogger } from "./logger";
import { PusherEvents, WebhookEvents } from "./protocol";
import type { Registry } from "./registry";
import type { WebhookSink } from "./webhooks";

export class SubscriptionManager {
  constructor(
    private readonly registry: Registry,
    private readonly authorization: AuthorizationContext,
    private readonly webhooks: WebhookSink,
    private readonly cache: ChannelCache,
    private readonly limits: ConnectionLimits,
    private readonly logger: RealtimeLogger,
  ) {}

  subscribe(connection: Connection, payload: unknown): void {
    if (payload === null || typeof payload !== "object") {
      connection.sendError("pusher:subscribe requires data with a channel", null);
      return;
    }
    const { channel: channelName, auth, channel_data: channelData } = payload as Record<string, unknown>;
    const nameProblem = channelNameProblem(channelName);
    if (nameProblem !== undefined || typeof channelName !== "string") {
      if (typeof channelName === "string" && channelName.length > 0) {
        this.refuse(connection, channelName, 400, nameProblem ?? "Invalid channel name");
      } else {
        connection.sendError(nameProblem ?? "Invalid channel name", null);
      }
      return;
    }

    const existing = this.registry.channels.get(channelName);
    if (existing && connection.channels?.has(channelName)) {
      // pusher-js may resubscribe after a cancelled unsubscribe; confirm without double-counting.
      this.confirm(connection, existing);
      return;
    }
    // Before authorization: a socket at its limit costs no signature check.
    if (!this.limits.admitChannel(connection, channelName)) return;

    const channel = existing ?? createChannel(channelName);
    const decision = channel.authorize(connection, { auth, channelData }, this.authorization);
    if (!decision.ok) {
      this.refuse(connection, channelName, decision.status, decision.reason);
      return;
    }

    if (!existing) this.registry.channels.set(channelName, channel);
    channel.subscribers.add(connection);
    (connection.channels ??= new Set()).add(channelName);
    if (channel.requiresAuthorization) connection.authorized = true;
    if (channel.subscribers.size === 1 && !channel.isInternal) {
      this.webhooks.emit({ name: WebhookEvents.channelOccupied, channel: channelName });
    }

    if (channel instanceof PresenceChannel && decision.member) {
      const member = decision.member;
      const isNewMember = channel.join(connection, member);
      this.confirm(connection, channel);
      if (isNewMember) {
        const added = member.info === undefined ? { user_id: member.id } : { user_id: member.id, user_info: member.info };
        channel.broadcast(serializeEvent(PusherEvents.memberAdded, added, channelName), connection);
        this.webhooks.emit({ name: WebhookEvents.memberAdded, channel: channelName, user_id: member.id });
      }
      this.replayCache(connection, channel);
      return;
    }
    this.confirm(connection, channel);
    this.replayCache(connection, channel);
  }

  /**
   * A new subscriber of a cache channel gets the last event, or `pusher:cache_miss`. The
   * `cache_miss` webhook is sent once per occupancy of the channel, not once per subscriber, so
   * a crowd joining an empty channel asks the app to fill it once.
   */
  private replayCache(connection: Connection, channel: Channel): void {
    if (!isCacheChannelName(channel.name)) return;
    const frame = this.cache.lastFrame(channel.name);
    if (frame !== undefined) {
      connection.sendRaw(frame);
      return;
    }
    connection.sendEvent(PusherEvents.cacheMiss, {}, channel.name);
    if (!channel.cacheMissReported) {
      channel.cacheMissReported = true;
      this.webhooks.emit({ name: WebhookEvents.cacheMiss, channel: channel.name });
    }
  }

  unsubscribe(connection: Connection, payload: unknown): void {
    const channelName = payload !== null && typeof payload === "object" ? (payload as Record<string, unknown>).channel : undefined;
    if (typeof channelName !== "string") {
      connection.sendError("pusher:unsubscribe requires data with a channel", null);
      return;
    }
    this.leave(connection, channelName);
  }

  leaveAll(connection: Connection): void {
    if (!connection.channels) return;
    for (const channelName of [...connection.channels]) this.leave(connection, channelName);
  }

  leave(connection: Connection, channelName: string): void {
    if (!connection.channels?.delete(channelName)) return;
    const channel = this.registry.channels.get(channelName);
    if (!channel) return;
    channel.subscribers.delete(connection);

    if (channel instanceof PresenceChannel) {
      const departedUserId = channel.leave(connection);
      if (departedUserId !== undefined) {
        channel.broadcast(serializeEvent(PusherEvents.memberRemoved, { user_id: departedUserId }, channelName));
        this.webhooks.emit({ name: WebhookEvents.memberRemoved, channel: channelName, user_id: departedUserId });
      }
    }

    if (channel.subscribers.size === 0) {
      this.registry.channels.delete(channelName);
      if (!channel.isInternal) this.webhooks.emit({ name: WebhookEvents.channelVacated, channel: channelName });
    }
  }

  private confirm(connection: Connection, channel: Channel): void {
    const data = channel instanceof PresenceChannel ? channel.snapshot() : {};
    connection.sendEvent(PusherEvents.subscriptionSucceeded, data, channel.name);
  }

  /** pusher-js surfaces this on the channel as `pusher:subscription_error` with {type, error, status}. */
  private refuse(connection: Connection, channelName: string, status: number, reason: string): void {
    this.logger.info("subscription refused", { socketId: connection.socketId, channel: channelName, status, reason });
    connection.sendEvent(PusherEvents.subscriptionError, { type: "AuthError", error: reason, status }, channelName);
  }
}
