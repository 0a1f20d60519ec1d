/**
 * The server's indexes. Every lookup the hot paths need (socket by id, sockets of a user,
 * subscribers of a channel, watchers of a user) is a map access, never a scan over all sockets.
 */
import type { Channel } from "./channels";
import type { Connection } from "./connection";

/** A user's sockets (or watchers), remembering the id string it is filed under. */
class UserConnections extends Set<Connection> {
  constructor(
    readonly userId: string,
    first: Connection,
  ) {
    super();
    this.add(first);
  }
}

export class Registry {
  readonly connections = new Map<string, Connection>();
  /** Only channels with at least one subscriber exist here. */
  readonly channels = new Map<string, Channel>();
  private readonly socketsByUserId = new Map<string, UserConnections>();
  private readonly watchersByUserId = new Map<string, UserConnections>();

  addConnection(connection: Connection): void {
    this.connections.set(connection.socketId, connection);
  }

  removeConnection(connection: Connection): void {
    this.connections.delete(connection.socketId);
  }

  /** Returns true when this is the user's first signed-in socket (the user came online). */
  addUserSocket(userId: string, connection: Connection): boolean {
    const sockets = this.socketsByUserId.get(userId);
    if (sockets) {
      sockets.add(connection);
      return false;
    }
    this.socketsByUserId.set(userId, new UserConnections(userId, connection));
    return true;
  }

  /** Returns true when this was the user's last signed-in socket (the user went offline). */
  removeUserSocket(userId: string, connection: Connection): boolean {
    const sockets = this.socketsByUserId.get(userId);
    if (!sockets || !sockets.delete(connection)) return false;
    if (sockets.size > 0) return false;
    this.socketsByUserId.delete(userId);
    return true;
  }

  /**
   * The string already used as a key for this user id (a signed-in or a watched user), or the given
   * one: equal ids, one copy, so per-socket state (watchlists, user ids) points at shared strings.
   */
  canonicalUserId(userId: string): string {
    return this.socketsByUserId.get(userId)?.userId ?? this.watchersByUserId.get(userId)?.userId ?? userId;
  }

  userSockets(userId: string): ReadonlySet<Connection> | undefined {
    return this.socketsByUserId.get(userId);
  }

  isUserOnline(userId: string): boolean {
    return this.socketsByUserId.has(userId);
  }

  addWatcher(watchedUserId: string, watcher: Connection): void {
    const watchers = this.watchersByUserId.get(watchedUserId);
    if (watchers) watchers.add(watcher);
    else this.watchersByUserId.set(watchedUserId, new UserConnections(watchedUserId, watcher));
  }

  removeWatcher(watchedUserId: string, watcher: Connection): void {
    const watchers = this.watchersByUserId.get(watchedUserId);
    if (!watchers) return;
    watchers.delete(watcher);
    if (watchers.size === 0) this.watchersByUserId.delete(watchedUserId);
  }

  watchersOf(userId: string): ReadonlySet<Connection> | undefined {
    return this.watchersByUserId.get(userId);
  }
}
