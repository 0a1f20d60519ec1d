/**
 * Fan-out of server-triggered events (HTTP API). Each event is serialised once per channel and
 * the same string is written to every recipient.
 */
import type { ChannelCache } from "./channel-cache";
import { isCacheChannelName, isServerToUserChannelName } from "./channels";
import { encodeForFanOut, serializeEvent } from "./connection";
import { ChannelPrefixes } from "./protocol";
import type { Registry } from "./registry";

export class Publisher {
  constructor(
    private readonly registry: Registry,
    private readonly cache: ChannelCache,
  ) {}

  /** Returns the number of sockets the event was written to. */
  publish(channelName: string, eventName: string, data: string, excludeSocketId?: string): number {
    const frame = serializeEvent(eventName, data, channelName);
    let recipients = 0;
    if (isServerToUserChannelName(channelName)) {
      // Reaches every signed-in socket of the user, including one that has not yet finished
      // subscribing to its #server-to-user channel (pusher-js already listens for it).
      const sockets = this.registry.userSockets(channelName.slice(ChannelPrefixes.serverToUser.length));
      if (!sockets) return 0;
      const payload = encodeForFanOut(frame, sockets.size);
      for (const socket of sockets) {
        if (socket.socketId === excludeSocketId) continue;
        socket.sendRaw(payload);
        recipients += 1;
      }
      return recipients;
    }
    // Cached even with nobody subscribed: the next subscriber gets it as its first event.
    if (isCacheChannelName(channelName)) this.cache.remember(channelName, frame);
    const channel = this.registry.channels.get(channelName);
    if (!channel) return 0;
    const excluded = excludeSocketId === undefined ? undefined : this.registry.connections.get(excludeSocketId);
    channel.broadcast(frame, excluded);
    return channel.subscribers.size - (excluded && channel.subscribers.has(excluded) ? 1 : 0);
  }
}
