/**
 * Base of the channel-type hierarchy. A channel's type is decided by its name prefix and decides
 * who may join, whether client events are allowed and whether it is visible to the HTTP API and
 * webhooks.
 */
import { encodeForFanOut, type Connection } from "../connection";

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

export type Authorization =
  | { ok: true; member?: PresenceMember }
  | { ok: false; status: number; reason: string };

export abstract class Channel {
  readonly subscribers = new Set<Connection>();
  /** Cache channels: a cache_miss webhook went out since the channel became occupied. */
  cacheMissReported = false;

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
