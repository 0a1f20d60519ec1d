/**
 * User authentication (`pusher:signin`), the user index that server-to-user events and
 * terminate_connections rely on, and watchlist online/offline notifications.
 */
import { encodeForFanOut, serializeEvent, type Connection, type SignedInUser } from "./connection";
import type { RealtimeLogger } from "./logger";
import { CloseCodes, Limits, PusherEvents, SoftErrorCodes, type ProtocolError } from "./protocol";
import type { Registry } from "./registry";
import { userAuthPayload, verifyKeyedSignature } from "./signatures";

type WatchlistChange = "online" | "offline";

export interface UserDataProblem {
  problem: string;
}

export interface ParsedUserData {
  id: string;
  userInfo: unknown;
  watchlist: string[];
  /** True when the watchlist had more than the allowed ids and was cut. */
  watchlistTruncated: boolean;
}

/** Validates the app-signed user_data JSON. */
export function parseUserData(userData: string): ParsedUserData | UserDataProblem {
  let parsed: unknown;
  try {
    parsed = JSON.parse(userData);
  } catch {
    return { problem: "user_data is not valid JSON" };
  }
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
    return { problem: "user_data must be a JSON object" };
  }
  const record = parsed as Record<string, unknown>;
  if (typeof record.id !== "string" || record.id.length === 0) {
    return { problem: "user_data must contain a non-empty string id" };
  }
  if (record.id.length > Limits.userIdMaxLength) {
    return { problem: `user_data.id is longer than ${Limits.userIdMaxLength} characters` };
  }
  let watchlist: string[] = [];
  let watchlistTruncated = false;
  if (record.watchlist !== undefined) {
    if (!Array.isArray(record.watchlist)) return { problem: "user_data.watchlist must be an array of user ids" };
    const unique = [...new Set(record.watchlist.filter((id): id is string => typeof id === "string" && id.length > 0))];
    watchlistTruncated = unique.length > Limits.watchlistMaxIds;
    watchlist = unique.slice(0, Limits.watchlistMaxIds);
  }
  return { id: record.id, userInfo: record.user_info, watchlist, watchlistTruncated };
}

export class UserAuthentication {
  constructor(
    private readonly registry: Registry,
    private readonly credentials: { key: string; secret: string },
    private readonly disconnect: (connection: Connection, error: ProtocolError) => void,
    private readonly logger: RealtimeLogger,
  ) {}

  signin(connection: Connection, payload: unknown): void {
    if (connection.user !== undefined) {
      connection.sendError("This connection is already signed in", null);
      return;
    }
    if (payload === null || typeof payload !== "object") {
      this.refuse(connection, "pusher:signin requires data with auth and user_data");
      return;
    }
    const { auth, user_data: userData } = payload as Record<string, unknown>;
    if (typeof auth !== "string" || typeof userData !== "string") {
      this.refuse(connection, "pusher:signin requires string auth and user_data");
      return;
    }
    const { key, secret } = this.credentials;
    if (!verifyKeyedSignature(auth, key, secret, userAuthPayload(connection.socketId, userData))) {
      this.refuse(connection, "Invalid signature for user authentication");
      return;
    }
    const parsed = parseUserData(userData);
    if ("problem" in parsed) {
      this.refuse(connection, parsed.problem);
      return;
    }

    // Ids already known to the server are stored as the registry's own strings, so 10,000 sockets
    // watching overlapping lists hold one copy of each id rather than one per socket.
    const watchlist = parsed.watchlist.map((watchedId) => this.registry.canonicalUserId(watchedId));
    const user: SignedInUser = { id: this.registry.canonicalUserId(parsed.id), userInfo: parsed.userInfo, watchlist };
    connection.user = user;
    connection.authorized = true;
    const cameOnline = this.registry.addUserSocket(user.id, connection);
    connection.sendEvent(PusherEvents.signinSuccess, { user_data: userData });
    // Debug, not info: one synchronous log write per sign-in was a measurable share of its CPU.
    this.logger.debug("user signed in", { socketId: connection.socketId, userId: user.id });
    if (cameOnline) this.notifyWatchers(user.id, "online");

    if (parsed.watchlistTruncated) {
      connection.sendError(SoftErrorCodes.watchlistLimit.message, SoftErrorCodes.watchlistLimit.code);
    }
    if (user.watchlist.length > 0) {
      for (const watchedId of user.watchlist) this.registry.addWatcher(watchedId, connection);
      this.sendInitialWatchlistState(connection, user.watchlist);
    }
  }

  /** Called once when a socket goes away, before it leaves the registry. */
  release(connection: Connection): void {
    const user = connection.user;
    if (!user) return;
    for (const watchedId of user.watchlist) this.registry.removeWatcher(watchedId, connection);
    if (this.registry.removeUserSocket(user.id, connection)) this.notifyWatchers(user.id, "offline");
  }

  /** Closes every socket signed in as the user with 4009, so pusher-js does not reconnect. */
  terminate(userId: string): number {
    const sockets = this.registry.userSockets(userId);
    if (!sockets) return 0;
    const victims = [...sockets];
    for (const connection of victims) this.disconnect(connection, CloseCodes.terminatedByApp);
    this.logger.info("user connections terminated", { userId, sockets: victims.length });
    return victims.length;
  }

  private refuse(connection: Connection, reason: string): void {
    this.logger.info("signin refused", { socketId: connection.socketId, reason });
    this.disconnect(connection, { code: CloseCodes.unauthorized.code, message: reason });
  }

  private sendInitialWatchlistState(connection: Connection, watchlist: readonly string[]): void {
    const online: string[] = [];
    const offline: string[] = [];
    for (const id of watchlist) (this.registry.isUserOnline(id) ? online : offline).push(id);
    const events: { name: WatchlistChange; user_ids: string[] }[] = [];
    if (online.length > 0) events.push({ name: "online", user_ids: online });
    if (offline.length > 0) events.push({ name: "offline", user_ids: offline });
    connection.sendEvent(PusherEvents.watchlistEvents, { events });
  }

  private notifyWatchers(userId: string, change: WatchlistChange): void {
    const watchers = this.registry.watchersOf(userId);
    if (!watchers) return;
    const frame = encodeForFanOut(
      serializeEvent(PusherEvents.watchlistEvents, { events: [{ name: change, user_ids: [userId] }] }),
      watchers.size,
    );
    for (const watcher of watchers) watcher.sendRaw(frame);
  }
}
