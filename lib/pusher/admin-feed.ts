import "server-only";

import { isBanned } from "@/lib/auth/ban-status";
import { db } from "@/lib/db/client";
import { adminFeedChannels, INSPECTOR_PREFIX, type AdminSessionRef } from "@/lib/pusher/channel-names";
import { pusherServer } from "@/lib/pusher/server";

/*
 * Who hears admin events. Every publish goes to the feed channels of the accounts that are admins
 * right now, each named after that admin's current sessionVersion (see lib/pusher/channel-names.ts).
 * A socket authorized under a revoked session, or by an admin who lost the role, is subscribed to a
 * name nothing is published to any more: that holds on every backend, with or without a terminate.
 *
 * The admin list is cached briefly so a burst of events costs one query. The process that revokes
 * calls forgetAdminFeedCache() at once; other app instances follow within ADMINS_TTL_MS, which is
 * part of the revocation window the README states.
 */

export const ADMINS_TTL_MS = 2_000;
/** How long the answer to "which inspectors are open" is reused (one HTTP API call per window). */
export const OPEN_INSPECTORS_TTL_MS = 5_000;
/** The HTTP API takes at most 100 channels per trigger. */
const MAX_CHANNELS_PER_TRIGGER = 100;

interface Cached<T> {
  at: number;
  value: Promise<T>;
}

interface FeedCache {
  admins: Cached<AdminSessionRef[]> | null;
  occupiedInspectors: Cached<Set<string>> | null;
  /**
   * Inspector channels known to be open without asking the HTTP API: authorized by this process
   * moments ago, or reported occupied by a webhook (which may have been sent for a subscription
   * authorized by another instance). Each entry lasts until the cached API answer is fresh again.
   */
  knownOpen: Map<string, number>;
}

// On globalThis so Next's dev-mode module reloads keep one cache.
const globalForFeed = globalThis as unknown as { __adminFeedCache?: FeedCache };
const cache: FeedCache = (globalForFeed.__adminFeedCache ??= { admins: null, occupiedInspectors: null, knownOpen: new Map() });

type CacheKey = "admins" | "occupiedInspectors";
type CachedValue<K extends CacheKey> = NonNullable<FeedCache[K]>["value"];

function cached<K extends CacheKey>(key: K, ttlMs: number, load: () => CachedValue<K>): CachedValue<K> {
  const entry = cache[key];
  const now = Date.now();
  if (entry && now - entry.at < ttlMs) return entry.value as CachedValue<K>;
  const value = load();
  const fresh = { at: now, value } as FeedCache[K];
  cache[key] = fresh;
  // A failed load must not be served from the cache.
  value.catch(() => {
    if (cache[key] === fresh) cache[key] = null;
  });
  return value;
}

async function loadAdmins(): Promise<AdminSessionRef[]> {
  const rows = await db.user.findMany({
    where: { role: "ADMIN" },
    select: { id: true, sessionVersion: true, bannedAt: true, banReason: true, banExpiresAt: true },
  });
  return rows.filter((row) => !isBanned(row)).map(({ id, sessionVersion }) => ({ id, sessionVersion }));
}

/** The admin sessions that may hear the feed now (banned admins excluded). */
export function currentAdminSessions(): Promise<AdminSessionRef[]> {
  return cached("admins", ADMINS_TTL_MS, loadAdmins);
}

/**
 * Call right after changing anyone's role, ban or sessionVersion, so this process stops at once.
 * Forgets which inspectors are open too (one more HTTP API call, at revocation time only).
 */
export function forgetAdminFeedCache(): void {
  cache.admins = null;
  cache.occupiedInspectors = null;
}

async function triggerOnChannels(channels: string[], event: string, data: unknown): Promise<void> {
  for (let start = 0; start < channels.length; start += MAX_CHANNELS_PER_TRIGGER) {
    await pusherServer.trigger(channels.slice(start, start + MAX_CHANNELS_PER_TRIGGER), event, data);
  }
}

/** Publishes one event to every current admin's feed channel. Rejects when Pusher does. */
export async function publishToAdmins(event: string, data: unknown): Promise<void> {
  const channels = (await currentAdminSessions()).map((admin) => adminFeedChannels(admin).feed);
  await triggerOnChannels(channels, event, data);
}

async function loadOccupiedInspectors(): Promise<Set<string>> {
  const response = await pusherServer.get({ path: "/channels", params: { filter_by_prefix: INSPECTOR_PREFIX } });
  if (!response.ok) throw new Error(`GET /channels answered HTTP ${response.status}`);
  const body = (await response.json()) as { channels?: Record<string, unknown> };
  return new Set(Object.keys(body?.channels ?? {}));
}

/**
 * The inspector channels worth publishing to: occupied (per the HTTP API, authorized by this process
 * moments ago, or reported occupied by a webhook since) and belonging to a current admin session.
 * Empty means nobody is watching, and the inspector publishes nothing.
 */
export async function openInspectorChannels(): Promise<string[]> {
  const [admins, occupied] = await Promise.all([
    currentAdminSessions(),
    cached("occupiedInspectors", OPEN_INSPECTORS_TTL_MS, loadOccupiedInspectors),
  ]);
  const now = Date.now();
  for (const [channel, until] of cache.knownOpen) if (until <= now) cache.knownOpen.delete(channel);
  return admins
    .map((admin) => adminFeedChannels(admin).inspector)
    .filter((channel) => occupied.has(channel) || cache.knownOpen.has(channel));
}

/** Called when /pusher/auth signs an inspector channel: its lines start flowing without waiting for the cache. */
export function noteInspectorAuthorized(channel: string): void {
  cache.knownOpen.set(channel, Date.now() + OPEN_INSPECTORS_TTL_MS);
}

/**
 * Called with every verified webhook's events. An inspector opened through another app instance
 * is authorized there, so this instance would otherwise publish nothing to it until its cached
 * "none open" answer expires, and lose the lines of those seconds. channel_occupied tells it at
 * once wherever the webhook lands (on one realtime server, every instance gets it); vacated stops
 * publishing and has the next line ask the HTTP API again.
 */
export function noteInspectorWebhookEvents(events: readonly { name: string; channel?: string }[]): void {
  for (const { name, channel } of events) {
    if (!channel?.startsWith(INSPECTOR_PREFIX)) continue;
    if (name === "channel_occupied") cache.knownOpen.set(channel, Date.now() + OPEN_INSPECTORS_TTL_MS);
    if (name === "channel_vacated") {
      cache.knownOpen.delete(channel);
      cache.occupiedInspectors = null;
    }
  }
}

/** Publishes to the open inspector channels; false when none is open (nothing was sent). */
export async function publishToOpenInspectors(event: string, data: unknown): Promise<boolean> {
  const channels = await openInspectorChannels();
  if (channels.length === 0) return false;
  await triggerOnChannels(channels, event, data);
  return true;
}
