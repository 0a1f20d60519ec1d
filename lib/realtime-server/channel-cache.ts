/**
 * Cache channels (`cache-`, `private-cache-`, `private-encrypted-cache-`, `presence-cache-`): the
 * last event triggered through the HTTP API is kept and replayed to each new subscriber, or the
 * subscriber is told `pusher:cache_miss` (channels/cache-channel.ts). Client events are not cached,
 * as on hosted Pusher.
 *
 * Entries outlive the channel's subscribers (that is the point), so the map is bounded twice: by
 * age (hosted keeps an event "up to 30 minutes") and by count, dropping the least recently
 * written channel first.
 */
interface CachedFrame {
  frame: string;
  expiresAt: number;
}

export class ChannelCache {
  /** Insertion order is write order: a write moves the channel to the end. */
  private readonly entries = new Map<string, CachedFrame>();

  constructor(
    private readonly ttlMs: number,
    private readonly maxChannels: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Keeps `frame` (the serialised event, channel included) as the channel's last event. */
  remember(channelName: string, frame: string): void {
    this.entries.delete(channelName);
    this.entries.set(channelName, { frame, expiresAt: this.now() + this.ttlMs });
    if (this.entries.size > this.maxChannels) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
  }

  /** The channel's last event, or undefined when there is none or it expired. */
  lastFrame(channelName: string): string | undefined {
    const entry = this.entries.get(channelName);
    if (!entry) return undefined;
    if (entry.expiresAt <= this.now()) {
      this.entries.delete(channelName);
      return undefined;
    }
    return entry.frame;
  }

  /** Drops expired entries; called by the server's periodic sweep. Oldest writes come first. */
  sweep(): void {
    const now = this.now();
    for (const [channelName, entry] of this.entries) {
      if (entry.expiresAt > now) break;
      this.entries.delete(channelName);
    }
  }

  get size(): number {
    return this.entries.size;
  }
}
