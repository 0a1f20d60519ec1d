/**
 * Base of the channel-type hierarchy. A channel's type is decided by its name prefix (in one place,
 * channels/index.ts) and carries the type's behaviour: who may join, what a new subscriber is sent,
 * what leaving does, how a server-triggered event is delivered, whether client events are allowed
 * and whether the channel is visible to the HTTP API and webhooks.
 */
import type { ChannelCache } from "../channel-cache";
import { encodeForFanOut, type Connection } from "../connection";
import { PusherEvents } from "../protocol";
import type { Registry } from "../registry";
import type { WebhookSink } from "../webhooks";

export type ChannelKind = "public" | "private" | "presence" | "private-encrypted" | "server-to-user";

export interface SubscribeRequest {
  auth: unknown;
  channelData: unknown;
}

export interface AuthorizationContext {
  key: string;
  secret: string;
  maxPresenceMembers: number;
  maxUserInfoBytes: number;
}

export interface PresenceMember {
  id: string;
  info: unknown;
}

/** The parts of the server a channel's hooks act on. */
export interface ChannelServices {
  registry: Registry;
  webhooks: WebhookSink;
  cache: ChannelCache;
}

/** What delivering a server-triggered event needs (the HTTP API's publisher has no webhooks). */
export type DeliveryServices = Pick<ChannelServices, "registry" | "cache">;

export type Authorization = { ok: true; member?: PresenceMember } | { ok: false; status: number; reason: string };

export abstract class Channel {
  readonly subscribers = new Set<Connection>();

  constructor(readonly name: string) {}

  abstract readonly kind: ChannelKind;

  /** Joining such a channel proves the app vouched for the socket (authorized connections). */
  get requiresAuthorization(): boolean {
    return false;
  }

  get acceptsClientEvents(): boolean {
    return false;
  }

  /** Internal channels are neither listed by the HTTP API nor reported to webhooks. */
  get isInternal(): boolean {
    return false;
  }

  abstract authorize(connection: Connection, request: SubscribeRequest, context: AuthorizationContext): Authorization;

  /**
   * Called once an authorized socket is in `subscribers`: sends `pusher:subscription_succeeded`.
   * Presence adds member bookkeeping, cache channels replay the last event after it.
   */
  // eslint-disable-next-line @typescript-eslint/no-unused-vars -- a hook: subtypes use the arguments
  subscribed(connection: Connection, _member: PresenceMember | undefined, _services: ChannelServices): void {
    this.confirmSubscription(connection);
  }

  /** Also answers a repeated subscribe of a socket that is already in (nothing else is resent). */
  confirmSubscription(connection: Connection): void {
    connection.sendEvent(PusherEvents.subscriptionSucceeded, this.subscriptionData(), this.name);
  }

  protected subscriptionData(): object {
    return {};
  }

  /** Called after the socket left `subscribers`. */
  // eslint-disable-next-line @typescript-eslint/no-unused-vars -- a hook: subtypes use the arguments
  unsubscribed(_connection: Connection, _services: ChannelServices): void {}

  /** Presence channels tag client events with the sender's user id; other types have none. */
  // eslint-disable-next-line @typescript-eslint/no-unused-vars -- a hook: subtypes use the arguments
  memberIdOf(_connection: Connection): string | undefined {
    return undefined;
  }

  /** Members (users, not sockets) of a presence channel; other types have none. */
  get userCount(): number {
    return 0;
  }

  userIds(): string[] {
    return [];
  }

  /**
   * Delivers a server-triggered event (serialised once by the caller) and returns the number of
   * sockets it was written to. Also called on an unregistered instance when nobody is subscribed.
   */
  publish(frame: string, excludeSocketId: string | undefined, services: DeliveryServices): number {
    if (this.subscribers.size === 0) return 0;
    const excluded = excludeSocketId === undefined ? undefined : services.registry.connections.get(excludeSocketId);
    this.broadcast(frame, excluded);
    return this.subscribers.size - (excluded && this.subscribers.has(excluded) ? 1 : 0);
  }

  /** The frame is serialised once by the caller; this only loops over sockets. */
  broadcast(frame: string, except?: Connection): void {
    const payload = encodeForFanOut(frame, this.subscribers.size);
    for (const subscriber of this.subscribers) {
      if (subscriber !== except) subscriber.sendRaw(payload);
    }
  }
}

export function denied(status: number, reason: string): Authorization {
  return { ok: false, status, reason };
}
