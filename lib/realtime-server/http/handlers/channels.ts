/** GET /channels, GET /channels/{name}, GET /channels/{name}/users. */
import { isPresenceChannelName } from "../../channels";
import { channelAttributes, parseInfoAttributes, requirePresenceForUserCount } from "../channel-info";
import type { ApiHandler } from "../context";
import { badRequest } from "../errors";

export const listChannels: ApiHandler = (request, services) => {
  const prefix = request.query.get("filter_by_prefix") ?? "";
  const attributes = parseInfoAttributes(request.query.get("info") ?? undefined);
  if (attributes.has("user_count") && !isPresenceChannelName(prefix)) {
    throw badRequest("info=user_count requires filter_by_prefix=presence-");
  }
  const entries: [string, Record<string, number>][] = [];
  for (const [name, channel] of services.registry.channels) {
    if (channel.isInternal || !name.startsWith(prefix)) continue;
    entries.push([name, channelAttributes(services.registry, name, attributes)]);
  }
  // Channel names are client input: fromEntries keeps even "__proto__" as a plain key.
  return { channels: Object.fromEntries(entries) };
};

export const channelInfo: ApiHandler = (request, services) => {
  const channelName = request.params[0] ?? "";
  const attributes = parseInfoAttributes(request.query.get("info") ?? undefined);
  requirePresenceForUserCount(attributes, channelName);
  const occupied = (services.registry.channels.get(channelName)?.subscribers.size ?? 0) > 0;
  return { occupied, ...channelAttributes(services.registry, channelName, attributes) };
};

export const channelUsers: ApiHandler = (request, services) => {
  const channelName = request.params[0] ?? "";
  if (!isPresenceChannelName(channelName)) throw badRequest("Users can only be listed for presence channels");
  const channel = services.registry.channels.get(channelName);
  const ids = channel?.userIds() ?? [];
  return { users: ids.map((id) => ({ id })) };
};
