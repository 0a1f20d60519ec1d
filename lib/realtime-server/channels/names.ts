import { CACHE_CHANNEL_PATTERN, CHANNEL_NAME_PATTERN, ChannelPrefixes, Limits } from "../protocol";

/** Returns why a channel name is unacceptable, or undefined when it is fine. */
export function channelNameProblem(name: unknown): string | undefined {
  if (typeof name !== "string" || name.length === 0) return "Channel name must be a non-empty string";
  if (name.length > Limits.channelNameMaxLength) {
    return `Channel name is longer than ${Limits.channelNameMaxLength} characters`;
  }
  if (name.startsWith(ChannelPrefixes.serverToUser)) {
    // User ids come from the app and may contain characters outside the channel alphabet.
    const userId = name.slice(ChannelPrefixes.serverToUser.length);
    if (userId.length === 0 || userId.length > Limits.userIdMaxLength || /[\u0000-\u001f]/.test(userId)) {
      return "Invalid user id in #server-to-user- channel name";
    }
    return undefined;
  }
  if (!CHANNEL_NAME_PATTERN.test(name)) {
    return "Channel name may only contain A-Z a-z 0-9 _ - = @ , . ;";
  }
  return undefined;
}

export function isPresenceChannelName(name: string): boolean {
  return name.startsWith(ChannelPrefixes.presence);
}

export function isServerToUserChannelName(name: string): boolean {
  return name.startsWith(ChannelPrefixes.serverToUser);
}

export function isCacheChannelName(name: string): boolean {
  return CACHE_CHANNEL_PATTERN.test(name);
}
