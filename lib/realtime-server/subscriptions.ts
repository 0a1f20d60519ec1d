/**
 * Joining and leaving channels: name checks, limits, the registry and the occupancy webhooks.
 * What a join or a leave means for a channel type (presence membership, cache replay) is the
 * channel's own behaviour (channels/).
 */
import type { ChannelCache } from "./channel-cache";
import { channelNameProblem, createChannel, type AuthorizationContext, type ChannelServices } from "./channels";
import type { Connection } from "./connection";
import type { ConnectionLimits } from "./limits";
import type { RealtimeLogger } from "./logger";
import { PusherEvents, WebhookEvents } from "./protocol";
import type { Registry } from "./registry";
import type { WebhookSink } from "./webhooks";

export class SubscriptionManager {
  private readonly services: ChannelServices;

  constructor(
    private readonly registry: Registry,
    private readonly authorization: AuthorizationContext,
    private readonly webhooks: WebhookSink,
    cache: ChannelCache,
    private readonly limits: ConnectionLimits,
    private readonly logger: RealtimeLogger,
  ) {
    this.services = { registry, webhooks, cache };
  }

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
      existing.confirmSubscription(connection);
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

    channel.subscribed(connection, decision.member, this.services);
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

    channel.unsubscribed(connection, this.services);

    if (channel.subscribers.size === 0) {
      this.registry.channels.delete(channelName);
      if (!channel.isInternal) this.webhooks.emit({ name: WebhookEvents.channelVacated, channel: channelName });
    }
  }

  /** pusher-js surfaces this on the channel as `pusher:subscription_error` with {type, error, status}. */
  private refuse(connection: Connection, channelName: string, status: number, reason: string): void {
    this.logger.info("subscription refused", { socketId: connection.socketId, channel: channelName, status, reason });
    connection.sendEvent(PusherEvents.subscriptionError, { type: "AuthError", error: reason, status }, channelName);
  }
}
