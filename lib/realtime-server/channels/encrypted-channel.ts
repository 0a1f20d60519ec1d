import { PrivateChannel } from "./private-channel";

/**
 * `private-encrypted-*`: authorized like a private channel. Payloads are end-to-end encrypted, so
 * the server relays them untouched. Client events are refused, as on hosted Pusher (pusher-js
 * cannot encrypt them either).
 */
export class EncryptedChannel extends PrivateChannel {
  override readonly kind = "private-encrypted" as const;

  override get acceptsClientEvents(): boolean {
    return false;
  }
}
