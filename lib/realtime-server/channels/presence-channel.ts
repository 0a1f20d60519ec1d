import { serializeEvent, type Connection } from "../connection";
import { Limits, PusherEvents, WebhookEvents } from "../protocol";
import {
  denied,
  type Authorization,
  type AuthorizationContext,
  type ChannelServices,
  type PresenceMember,
  type SubscribeRequest,
} from "./channel";
import { PrivateChannel } from "./private-channel";

interface MemberState {
  info: unknown;
  /** Sockets of this user in the channel: members are counted per user, not per socket. */
  sockets: number;
}

export interface PresenceSnapshot {
  presence: { ids: string[]; hash: Record<string, unknown>; count: number };
}

/**
 * `presence-*`: a private channel whose subscribers are also members. `channel_data` carries the
 * member (`user_id`, optional `user_info`) and is part of the signed payload. When it is absent the
 * signed-in user of the socket is the member (pusher-js allows that after `pusher.signin()`).
 */
export class PresenceChannel extends PrivateChannel {
  override readonly kind = "presence" as const;
  private readonly members = new Map<string, MemberState>();
  private readonly memberIdBySocket = new Map<Connection, string>();

  override authorize(connection: Connection, request: SubscribeRequest, context: AuthorizationContext): Authorization {
    const { channelData } = request;
    if (channelData === undefined || channelData === null) {
      if (connection.user === undefined) {
        return denied(401, `Channel ${this.name} requires channel_data or a signed-in socket`);
      }
      const signature = this.verifySignature(connection, request.auth, context, undefined);
      if (!signature.ok) return signature;
      return this.admit({ id: connection.user.id, info: connection.user.userInfo }, context);
    }
    if (typeof channelData !== "string") {
      return denied(400, "channel_data must be a JSON string");
    }
    const signature = this.verifySignature(connection, request.auth, context, channelData);
    if (!signature.ok) return signature;
    const member = parseChannelData(channelData, context.maxUserInfoBytes);
    if (typeof member === "string") return denied(400, member);
    return this.admit(member, context);
  }

  private admit(member: PresenceMember, context: AuthorizationContext): Authorization {
    if (!this.members.has(member.id) && this.members.size >= context.maxPresenceMembers) {
      return denied(403, `Presence channel ${this.name} is full (${context.maxPresenceMembers} members)`);
    }
    return { ok: true, member };
  }

  /** The snapshot in subscription_succeeded already includes the new member; the others hear member_added. */
  override subscribed(connection: Connection, member: PresenceMember | undefined, services: ChannelServices): void {
    const isNewMember = member !== undefined && this.join(connection, member);
    super.subscribed(connection, member, services);
    if (!isNewMember) return;
    const added = member.info === undefined ? { user_id: member.id } : { user_id: member.id, user_info: member.info };
    this.broadcast(serializeEvent(PusherEvents.memberAdded, added, this.name), connection);
    services.webhooks.emit({ name: WebhookEvents.memberAdded, channel: this.name, user_id: member.id });
  }

  /** member_removed goes out when the user's last socket left, not for each socket. */
  override unsubscribed(connection: Connection, services: ChannelServices): void {
    const departedUserId = this.leave(connection);
    if (departedUserId === undefined) return;
    this.broadcast(serializeEvent(PusherEvents.memberRemoved, { user_id: departedUserId }, this.name));
    services.webhooks.emit({ name: WebhookEvents.memberRemoved, channel: this.name, user_id: departedUserId });
  }

  protected override subscriptionData(): PresenceSnapshot {
    return this.snapshot();
  }

  /** Returns true when this socket made the user a new member (member_added must be sent). */
  private join(connection: Connection, member: PresenceMember): boolean {
    this.memberIdBySocket.set(connection, member.id);
    const existing = this.members.get(member.id);
    if (existing) {
      existing.sockets += 1;
      return false;
    }
    this.members.set(member.id, { info: member.info, sockets: 1 });
    return true;
  }

  /** Returns the user id when the user's last socket left (member_removed must be sent). */
  private leave(connection: Connection): string | undefined {
    const userId = this.memberIdBySocket.get(connection);
    if (userId === undefined) return undefined;
    this.memberIdBySocket.delete(connection);
    const state = this.members.get(userId);
    if (!state) return undefined;
    state.sockets -= 1;
    if (state.sockets > 0) return undefined;
    this.members.delete(userId);
    return userId;
  }

  override memberIdOf(connection: Connection): string | undefined {
    return this.memberIdBySocket.get(connection);
  }

  override get userCount(): number {
    return this.members.size;
  }

  override userIds(): string[] {
    return [...this.members.keys()];
  }

  snapshot(): PresenceSnapshot {
    // fromEntries defines own properties, so a user id like "__proto__" is a member like any other.
    const entries = [...this.members].map(([id, state]) => [id, state.info ?? null] as const);
    return { presence: { ids: entries.map(([id]) => id), hash: Object.fromEntries(entries), count: this.members.size } };
  }

  memberInfo(userId: string): unknown {
    return this.members.get(userId)?.info;
  }
}

/** Returns the member or a reason why channel_data is unacceptable. */
export function parseChannelData(channelData: string, maxUserInfoBytes: number): PresenceMember | string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(channelData);
  } catch {
    return "channel_data is not valid JSON";
  }
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
    return "channel_data must be a JSON object";
  }
  const record = parsed as Record<string, unknown>;
  const rawId = record.user_id;
  const id = typeof rawId === "number" && Number.isFinite(rawId) ? String(rawId) : rawId;
  if (typeof id !== "string" || id.length === 0) {
    return "channel_data.user_id must be a non-empty string";
  }
  if (id.length > Limits.userIdMaxLength) {
    return `channel_data.user_id is longer than ${Limits.userIdMaxLength} characters`;
  }
  const info = record.user_info;
  if (info !== undefined && Buffer.byteLength(JSON.stringify(info), "utf8") > maxUserInfoBytes) {
    return `channel_data.user_info is larger than ${maxUserInfoBytes} bytes`;
  }
  return { id, info };
}
