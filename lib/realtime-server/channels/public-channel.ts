import { Channel, type Authorization } from "./channel";

/** No prefix: anyone may join, nothing to verify. */
export class PublicChannel extends Channel {
  readonly kind = "public" as const;

  authorize(): Authorization {
    return { ok: true };
  }
}
