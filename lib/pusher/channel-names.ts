/**
 * Channel and event names shared by the browser and the server. No secrets, no server imports.
 */

/**
 * Each signed-in browser connection subscribes to its own private channel. Its channel_occupied /
 * channel_vacated webhooks are how the roster learns that a connection is live or gone — the only
 * portable signal, since hosted Pusher has no sign-in/sign-out webhook and no list-users API.
 */
export const CONNECTION_CHANNEL_PREFIX = "private-connection-";
export const connectionChannel = (socketId: string) => `${CONNECTION_CHANNEL_PREFIX}${socketId}`;
export function socketIdFromConnectionChannel(channel: string): string | null {
  if (!channel.startsWith(CONNECTION_CHANNEL_PREFIX)) return null;
  const socketId = channel.slice(CONNECTION_CHANNEL_PREFIX.length);
  return SOCKET_ID_PATTERN.test(socketId) ? socketId : null;
}

/**
 * The channel pusher-js joins by itself after `pusher.signin()` succeeds, and the one the server
 * SDK's sendToUser publishes to. Only the Pusher server can subscribe a socket to it (no auth).
 */
export const serverToUserChannel = (userId: string) => `#server-to-user-${userId}`;

/*
 * The admin feed. Each admin session generation has its own pair of channels, named after the
 * admin's id and sessionVersion: `private-admin-{id}-{version}` (roster, message status) and
 * `private-inspector-{id}-{version}` (live inspector lines). Publishers send to the channels of
 * the admins who are admins *now* (lib/pusher/admin-feed.ts), so a revocation (sign out everywhere,
 * ban, losing the ADMIN role) cuts every socket of the old session off the feed on any backend,
 * including hosted Pusher, which can't close a socket that never signed in: nothing is published
 * to the old names any more. Only that admin's current session can be authorized for them.
 */
export const ADMIN_FEED_PREFIX = "private-admin-";
export const INSPECTOR_PREFIX = "private-inspector-";

export interface AdminSessionRef {
  id: string;
  sessionVersion: number;
}

export interface AdminFeedChannels {
  /** roster-changed and message-status events. */
  feed: string;
  /** activity lines, published only while some inspector channel is occupied. */
  inspector: string;
}

export function adminFeedChannels({ id, sessionVersion }: AdminSessionRef): AdminFeedChannels {
  return { feed: `${ADMIN_FEED_PREFIX}${id}-${sessionVersion}`, inspector: `${INSPECTOR_PREFIX}${id}-${sessionVersion}` };
}

const ADMIN_CHANNEL_PATTERN = /^private-(admin|inspector)-(.+)-(\d{1,9})$/;

/** Whose admin channel this is, or null for any other name. */
export function parseAdminFeedChannel(channel: string): { kind: "feed" | "inspector"; userId: string; sessionVersion: number } | null {
  const match = ADMIN_CHANNEL_PATTERN.exec(channel);
  if (!match) return null;
  return { kind: match[1] === "admin" ? "feed" : "inspector", userId: match[2]!, sessionVersion: Number(match[3]) };
}

export const SOCKET_ID_PATTERN = /^\d+\.\d+$/;

/** Events on the admin feed channels. */
export const AdminEvents = {
  rosterChanged: "roster-changed",
  /** A stored message changed state (sent / delivered / read). Payload: MessageStatusPayload. */
  messageStatus: "message-status",
  /** Lines of the live inspector, on the inspector channels. Payload: ActivityBatch (lib/inspector). */
  activity: "activity",
} as const;

/** Events sent to a user with sendToUser (received through pusher.user.bind). */
export const UserEvents = {
  message: "message",
  /** Sent just before an admin terminates the user's connections, so the tab can say why. */
  accountRevoked: "account-revoked",
  /** The user read a message in one tab; the others update their unread count. Payload: MessageReadPayload. */
  messageRead: "message-read",
  /** An admin gave or took the ADMIN role: the tabs refresh their server data. Payload: RoleChangedPayload. */
  roleChanged: "role-changed",
  /**
   * Sent just before the app terminates a user's connections once more after a revocation
   * (lib/admin/late-sign-in-guard.ts): that terminate is meant for sockets still holding the revoked
   * session, so the tabs of the user's new session reconnect and sign in again by themselves.
   */
  revocationRecheck: "revocation-recheck",
} as const;

export interface RoleChangedPayload {
  role: "USER" | "ADMIN";
}
