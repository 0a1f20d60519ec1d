import { ChannelPrefixes } from "../protocol";
import type { Channel } from "./channel";
import { EncryptedChannel } from "./encrypted-channel";
import { PresenceChannel } from "./presence-channel";
import { PrivateChannel } from "./private-channel";
import { PublicChannel } from "./public-channel";
import { ServerToUserChannel } from "./server-to-user-channel";

export { Channel } from "./channel";
export type { Authorization, AuthorizationContext, ChannelKind, PresenceMember, SubscribeRequest } from "./channel";
export { EncryptedChannel, PresenceChannel, PrivateChannel, PublicChannel, ServerToUserChannel };
export { channelNameProblem, isPresenceChannelName, isServerToUserChannelName } from "./names";

/** Picks the channel type from the name; the longest prefix wins (encrypted before private). */
export function createChannel(name: string): Channel {
  if (name.startsWith(ChannelPrefixes.serverToUser)) return new ServerToUserChannel(name);
  if (name.startsWith(ChannelPrefixes.privateEncrypted)) return new EncryptedChannel(name);
  if (name.startsWith(ChannelPrefixes.presence)) return new PresenceChannel(name);
  if (name.startsWith(ChannelPrefixes.private)) return new PrivateChannel(name);
  return new PublicChannel(name);
}
