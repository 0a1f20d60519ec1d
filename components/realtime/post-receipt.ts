/**
 * The recipient's side of message receipts. No React, so the realtime client and the inbox share
 * it and Node tests can route it to the real handlers.
 */
import { receiptPath, type ReceiptKind } from "@/lib/messages/message-types";

export type FetchLike = (input: string, init?: RequestInit) => Promise<Response>;

/**
 * POSTs a receipt; resolves to whether the server recorded it. Never throws: a lost receipt only
 * leaves the admin's status behind, and the next one (read implies delivered) catches it up.
 */
export async function postReceipt(
  messageId: string,
  kind: ReceiptKind,
  fetchImpl: FetchLike = (input, init) => fetch(input, init),
): Promise<boolean> {
  try {
    // same-origin credentials carry the session cookie; the server checks the message is ours.
    const response = await fetchImpl(receiptPath(messageId, kind), {
      method: "POST",
      credentials: "same-origin",
      headers: { Accept: "application/json" },
    });
    return response.ok;
  } catch {
    return false;
  }
}

/** Locally made-up ids (a payload without one) have no stored message to acknowledge. */
export function isStoredMessageId(id: string): boolean {
  return !id.startsWith("local-");
}
