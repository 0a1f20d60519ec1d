/**
 * Fan-out of server-triggered events (HTTP API). Each event is serialised once per channel and
 * the same string is written to every recipient; how it is delivered is the channel type's
 * behaviour (Channel.publish and its overrides).
 */
import type { ChannelCache } from "./channel-cache";
import { createChannel, type DeliveryServices } from "./channels";
import { serializeEvent } from "./connection";
import type { Registry } from "./registry";

export class Publisher {
  private readonly services: DeliveryServices;

  constructor(
    private readonly registry: Registry,
    cache: ChannelCache,
  ) {
    this.services = { registry, cache };
  }

  /** Returns the number of sockets the event was written to. */
  publish(channelName: string, eventName: string, data: string, excludeSocketId?: string): number {
    const frame = serializeEvent(eventName, data, channelName);
    // An unoccupied channel is not in the registry, yet its type still acts: a cache channel
    // remembers the event, a #server-to-user- channel reaches the user's signed-in sockets.
    const channel = this.registry.channels.get(channelName) ?? createChannel(channelName);
    return channel.publish(frame, excludeSocketId, this.services);
  }
}
