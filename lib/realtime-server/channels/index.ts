import { ChannelPrefixes } from "../protocol";
import { withEventCache } from "./cache-channel";
import type { Channel } from "./channel";
import { EncryptedChannel } from "./encrypted-channel";
import { isCacheChannelName } from "./names";
import { PresenceChannel } from "./presence-channel";
import { PrivateChannel } from "./private-channel";
import { PublicChannel } from "./public-channel";
import { ServerToUserChannel } from "./server-to-user-channel";

export { Channel } from "./channel";
export type {
  Authorization,
  AuthorizationContext,
  ChannelKind,
  ChannelServices,
  DeliveryServices,
  PresenceMember,
  SubscribeRequest,
} from "./channel";
export { EncryptedChannel, PresenceChannel, PrivateChannel, PublicChannel, ServerToUserChannel };
export { channelNameProblem, isCacheChannelName, isPresenceChannelName, isServerToUserChannelName } from "./names";

const CachePublicChannel = withEventCache(PublicChannel);
const CachePrivateChannel = withEventCache(PrivateChannel);
const CacheEncryptedChannel = withEventCache(EncryptedChannel);
const CachePresenceChannel = withEventCache(PresenceChannel);

/**
 * Picks the channel type from the name; the longest prefix wins (encrypted before private), and a
 * `cache-` after the type's prefix adds the event cache.
 */
export function createChannel(name: string): Channel {
  if (name.startsWith(ChannelPrefixes.serverToUser)) return new ServerToUserChannel(name);
  const cached = isCacheChannelName(name);
  if (name.startsWith(ChannelPrefixes.privateEncrypted)) return cached ? new CacheEncryptedChannel(name) : new EncryptedChannel(name);
  if (name.startsWith(ChannelPrefixes.presence)) return cached ? new CachePresenceChannel(name) : new PresenceChannel(name);
  if (name.startsWith(ChannelPrefixes.private)) return cached ? new CachePrivateChannel(name) : new PrivateChannel(name);
  return cached ? new CachePublicChannel(name) : new PublicChannel(name);
}
