/**
 * The server's indexes. Every lookup the hot paths need (socket by id, sockets of a user,
 * subscribers of a channel, watchers of a user) is a map access, never a scan over all sockets.
 */
import type { Channel } from "./channels";
import type { Connection } from "./connection";

export class Registry {
  readonly connections = new Map<string, Connection>();
  /** Only channels with at least one subscriber exist here. */
  readonly channels = new Map<string, Channel>();
  private readonly socketsByUserId = new Map<string, Set<Connection>>();
  private readonly watchersByUserId = new Map<string, Set<Connection>>();

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
    this.socketsByUserId.set(userId, new Set([connection]));
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

  userSockets(userId: string): ReadonlySet<Connection> | undefined {
    return this.socketsByUserId.get(userId);
  }

  isUserOnline(userId: string): boolean {
    return this.socketsByUserId.has(userId);
  }

  addWatcher(watchedUserId: string, watcher: Connection): void {
    const watchers = this.watchersByUserId.get(watchedUserId);
    if (watchers) watchers.add(watcher);
    else this.watchersByUserId.set(watchedUserId, new Set([watcher]));
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
