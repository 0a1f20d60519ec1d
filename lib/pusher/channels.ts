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

/** Admin consoles listen here for roster changes. Authorized for ADMIN sessions only. */
export const ADMIN_CHANNEL = "private-admin";

export const SOCKET_ID_PATTERN = /^\d+\.\d+$/;

/** Events on ADMIN_CHANNEL. */
export const AdminEvents = {
  rosterChanged: "roster-changed",
  /** A stored message changed state (sent / delivered / read). Payload: MessageStatusPayload. */
  messageStatus: "message-status",
  /** One line of the live inspector. Payload: Activity (lib/inspector). */
  activity: "activity",
} as const;

/** Events sent to a user with sendToUser (received through pusher.user.bind). */
export const UserEvents = {
  message: "message",
  /** Sent just before an admin terminates the user's connections, so the tab can say why. */
  accountRevoked: "account-revoked",
  /** The user read a message in one tab; the others update their unread count. Payload: MessageReadPayload. */
  messageRead: "message-read",
} as const;
