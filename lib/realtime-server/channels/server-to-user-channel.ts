import { encodeForFanOut, type Connection } from "../connection";
import { ChannelPrefixes } from "../protocol";
import { Channel, denied, type Authorization, type DeliveryServices } from "./channel";

/**
 * `#server-to-user-{id}`: pusher-js joins it with an empty auth right after signin_success. Only
 * the socket signed in as that very user may join. Events for it are delivered through the
 * user index (every signed-in socket of the user), so the subscriber set only tracks membership.
 */
export class ServerToUserChannel extends Channel {
  readonly kind = "server-to-user" as const;
  readonly userId: string;

  constructor(name: string) {
    super(name);
    this.userId = name.slice(ChannelPrefixes.serverToUser.length);
  }

  override get isInternal(): boolean {
    return true;
  }

  authorize(connection: Connection): Authorization {
    if (connection.user === undefined) {
      return denied(403, `Sign in before subscribing to ${this.name}`);
    }
    if (connection.user.id !== this.userId) {
      return denied(403, `Socket is not signed in as the owner of ${this.name}`);
    }
    return { ok: true };
  }

  /**
   * Reaches every signed-in socket of the user, including one that has not yet finished
   * subscribing to its #server-to-user channel (pusher-js already listens for it).
   */
  override publish(frame: string, excludeSocketId: string | undefined, services: DeliveryServices): number {
    const sockets = services.registry.userSockets(this.userId);
    if (!sockets) return 0;
    const payload = encodeForFanOut(frame, sockets.size);
    let recipients = 0;
    for (const socket of sockets) {
      if (socket.socketId === excludeSocketId) continue;
      socket.sendRaw(payload);
      recipients += 1;
    }
    return recipients;
  }
}
