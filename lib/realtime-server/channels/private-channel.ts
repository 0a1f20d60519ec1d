import type { Connection } from "../connection";
import { channelAuthPayload, verifyKeyedSignature } from "../signatures";
import { Channel, denied, type Authorization, type AuthorizationContext, type SubscribeRequest } from "./channel";

/** `private-*`: joining needs `auth` = "{key}:HMAC(secret, "{socket_id}:{channel}")". */
export class PrivateChannel extends Channel {
  readonly kind: "private" | "presence" | "private-encrypted" = "private";

  override get requiresAuthorization(): boolean {
    return true;
  }

  override get acceptsClientEvents(): boolean {
    return true;
  }

  authorize(connection: Connection, request: SubscribeRequest, context: AuthorizationContext): Authorization {
    return this.verifySignature(connection, request.auth, context, undefined);
  }

  protected verifySignature(
    connection: Connection,
    auth: unknown,
    context: AuthorizationContext,
    channelData: string | undefined,
  ): Authorization {
    if (typeof auth !== "string" || auth.length === 0) {
      return denied(401, `Channel ${this.name} requires an auth signature`);
    }
    const payload = channelAuthPayload(connection.socketId, this.name, channelData);
    if (!verifyKeyedSignature(auth, context.key, context.secret, payload)) {
      return denied(401, `Invalid auth signature for channel ${this.name}`);
    }
    return { ok: true };
  }
}
