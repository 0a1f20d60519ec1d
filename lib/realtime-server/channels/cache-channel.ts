/**
 * Cache channels (`cache-`, `private-cache-`, `private-encrypted-cache-`, `presence-cache-`) are
 * their base type plus an event cache, so the cache behaviour is a mixin over that type (as Reverb's
 * cache channels are their base type plus a trait). channels/index.ts applies it by name.
 */
import type { Connection } from "../connection";
import { PusherEvents, WebhookEvents } from "../protocol";
import type { Channel, ChannelServices, DeliveryServices, PresenceMember } from "./channel";

/** A concrete channel type (its abstract members implemented). */
type ConcreteChannel = Channel & Pick<Channel, "kind" | "authorize">;
// A mixin's base constructor must take `any[]` (TypeScript's rule for mixin classes).
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type ChannelClass = new (...args: any[]) => ConcreteChannel;

export function withEventCache<Base extends ChannelClass>(base: Base) {
  return class CacheChannel extends base {
    /** A cache_miss webhook went out since the channel became occupied. */
    private cacheMissReported = false;

    /** Cached even with nobody subscribed: the next subscriber gets it as its first event. */
    override publish(frame: string, excludeSocketId: string | undefined, services: DeliveryServices): number {
      services.cache.remember(this.name, frame);
      return super.publish(frame, excludeSocketId, services);
    }

    /**
     * A new subscriber gets the last event, or `pusher:cache_miss`. The `cache_miss` webhook is
     * sent once per occupancy of the channel, not once per subscriber, so a crowd joining an empty
     * channel asks the app to fill it once.
     */
    override subscribed(connection: Connection, member: PresenceMember | undefined, services: ChannelServices): void {
      super.subscribed(connection, member, services);
      const frame = services.cache.lastFrame(this.name);
      if (frame !== undefined) {
        connection.sendRaw(frame);
        return;
      }
      connection.sendEvent(PusherEvents.cacheMiss, {}, this.name);
      if (!this.cacheMissReported) {
        this.cacheMissReported = true;
        services.webhooks.emit({ name: WebhookEvents.cacheMiss, channel: this.name });
      }
    }
  };
}
