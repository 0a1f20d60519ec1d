/** POST /events and POST /batch_events. */
import { channelNameProblem } from "../../channels";
import { Limits, quoted, RESERVED_EVENT_PREFIXES, SOCKET_ID_PATTERN } from "../../protocol";
import { channelAttributes, parseInfoAttributes, type InfoAttribute } from "../channel-info";
import type { ApiHandler, ApiServices } from "../context";
import { badRequest, HttpError } from "../errors";

interface TriggerRequest {
  name: string;
  data: string;
  channels: string[];
  excludeSocketId: string | undefined;
  info: Set<InfoAttribute>;
}

function parseTrigger(body: Record<string, unknown>, where: string, allowChannelList: boolean): TriggerRequest {
  const { name, data, channels, channel, socket_id: socketId, info } = body;
  if (typeof name !== "string" || name.length === 0) throw badRequest(`${where}name must be a non-empty string`);
  if (name.length > Limits.eventNameMaxLength) {
    throw badRequest(`${where}name is longer than ${Limits.eventNameMaxLength} characters`);
  }
  // pusher-js acts on these itself (e.g. pusher_internal:member_added edits its member list).
  if (RESERVED_EVENT_PREFIXES.some((prefix) => name.startsWith(prefix))) {
    throw badRequest(
      `${where}name ${quoted(name)} is reserved: names starting with ${RESERVED_EVENT_PREFIXES.join(" or ")} belong to the protocol`,
    );
  }
  if (typeof data !== "string") throw badRequest(`${where}data must be a string (JSON-encode objects first)`);
  if (Buffer.byteLength(data, "utf8") > Limits.eventDataMaxBytes) {
    throw new HttpError(413, `${where}data is larger than ${Limits.eventDataMaxBytes} bytes`);
  }

  let channelNames: unknown[];
  if (allowChannelList && channels !== undefined) {
    if (!Array.isArray(channels)) throw badRequest(`${where}channels must be an array`);
    channelNames = channels;
  } else if (channel !== undefined) {
    channelNames = [channel];
  } else {
    throw badRequest(`${where}${allowChannelList ? "channels or channel" : "channel"} is required`);
  }
  if (channelNames.length === 0) throw badRequest(`${where}channels must not be empty`);
  if (channelNames.length > Limits.channelsPerTrigger) {
    throw badRequest(`${where}channels has more than ${Limits.channelsPerTrigger} entries`);
  }
  for (const channelName of channelNames) {
    const problem = channelNameProblem(channelName);
    if (problem !== undefined) throw badRequest(`${where}${problem}: ${JSON.stringify(channelName)}`);
  }

  if (socketId !== undefined && (typeof socketId !== "string" || !SOCKET_ID_PATTERN.test(socketId))) {
    throw badRequest(`${where}socket_id must look like 123.456`);
  }
  return {
    name,
    data,
    channels: channelNames as string[],
    excludeSocketId: socketId,
    info: parseInfoAttributes(info),
  };
}

function publish(trigger: TriggerRequest, services: ApiServices): Record<string, Record<string, number>> | undefined {
  for (const channelName of trigger.channels) {
    services.publisher.publish(channelName, trigger.name, trigger.data, trigger.excludeSocketId);
  }
  if (trigger.info.size === 0) return undefined;
  // Channel names are client input: fromEntries keeps even "__proto__" as a plain key.
  return Object.fromEntries(
    trigger.channels.map((channelName) => [channelName, channelAttributes(services.registry, channelName, trigger.info)]),
  );
}

export const triggerEvent: ApiHandler = (request, services) => {
  const trigger = parseTrigger(request.body ?? {}, "", true);
  const channels = publish(trigger, services);
  return channels === undefined ? {} : { channels };
};

export const triggerBatch: ApiHandler = (request, services) => {
  const batch = request.body?.batch;
  if (!Array.isArray(batch)) throw badRequest("batch must be an array of events");
  if (batch.length > Limits.batchEventsMax) throw badRequest(`batch has more than ${Limits.batchEventsMax} events`);
  // Everything is validated before anything is sent, so a bad entry cannot cause a partial batch.
  const triggers = batch.map((entry: unknown, index) => {
    if (entry === null || typeof entry !== "object" || Array.isArray(entry)) throw badRequest(`batch[${index}] must be an object`);
    return parseTrigger(entry as Record<string, unknown>, `batch[${index}].`, false);
  });
  const results = triggers.map((trigger) => {
    const channels = publish(trigger, services);
    const channelName = trigger.channels[0];
    return channels && channelName !== undefined ? (channels[channelName] ?? {}) : {};
  });
  return triggers.some((trigger) => trigger.info.size > 0) ? { batch: results } : {};
};
