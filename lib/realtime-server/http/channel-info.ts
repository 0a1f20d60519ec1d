/** The `info` attributes (user_count, subscription_count) shared by several endpoints. */
import { isPresenceChannelName } from "../channels";
import type { Registry } from "../registry";
import { badRequest } from "./errors";

export type InfoAttribute = "user_count" | "subscription_count";
const SUPPORTED: readonly InfoAttribute[] = ["user_count", "subscription_count"];

export function parseInfoAttributes(info: unknown): Set<InfoAttribute> {
  const attributes = new Set<InfoAttribute>();
  if (info === undefined || info === null || info === "") return attributes;
  if (typeof info !== "string") throw badRequest("info must be a comma-separated string");
  for (const raw of info.split(",")) {
    const attribute = raw.trim();
    if (attribute === "") continue;
    if (!(SUPPORTED as readonly string[]).includes(attribute)) {
      throw badRequest(`Unknown info attribute ${attribute} (supported: ${SUPPORTED.join(", ")})`);
    }
    attributes.add(attribute as InfoAttribute);
  }
  return attributes;
}

export function requirePresenceForUserCount(attributes: ReadonlySet<InfoAttribute>, channelName: string): void {
  if (attributes.has("user_count") && !isPresenceChannelName(channelName)) {
    throw badRequest("info=user_count is only available for presence channels");
  }
}

/** user_count is silently left out for non-presence channels, as with multi-channel triggers. */
export function channelAttributes(registry: Registry, channelName: string, attributes: ReadonlySet<InfoAttribute>): Record<string, number> {
  const channel = registry.channels.get(channelName);
  const result: Record<string, number> = {};
  if (attributes.has("user_count") && isPresenceChannelName(channelName)) {
    result.user_count = channel?.userCount ?? 0;
  }
  if (attributes.has("subscription_count")) result.subscription_count = channel?.subscribers.size ?? 0;
  return result;
}
