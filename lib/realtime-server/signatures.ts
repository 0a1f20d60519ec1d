/**
 * HMAC and digest helpers shared by channel authorization, user sign-in, HTTP request signing and
 * webhooks. Every comparison of a secret-derived value goes through `constantTimeEqual`.
 */
import { createHash, createHmac, timingSafeEqual } from "node:crypto";

export function hmacSha256Hex(secret: string, payload: string): string {
  return createHmac("sha256", secret).update(payload, "utf8").digest("hex");
}

export function md5Hex(payload: string | Buffer): string {
  return createHash("md5").update(payload).digest("hex");
}

/**
 * timingSafeEqual throws on different lengths, and a length mismatch leaks nothing useful
 * (every valid signature has the same length), so it is checked first.
 */
export function constantTimeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a, "utf8");
  const right = Buffer.from(b, "utf8");
  if (left.length !== right.length) return false;
  return timingSafeEqual(left, right);
}

export function channelAuthPayload(socketId: string, channel: string, channelData?: string): string {
  return channelData === undefined ? `${socketId}:${channel}` : `${socketId}:${channel}:${channelData}`;
}

export function userAuthPayload(socketId: string, userData: string): string {
  return `${socketId}::user::${userData}`;
}

/**
 * Checks an `auth` value of the form "{key}:{hex}" against the expected payload.
 * Both the key and the signature must match; the key check is not secret but costs nothing to
 * do in constant time as well.
 */
export function verifyKeyedSignature(auth: string, key: string, secret: string, payload: string): boolean {
  const separator = auth.indexOf(":");
  if (separator <= 0) return false;
  const presentedKey = auth.slice(0, separator);
  const presentedSignature = auth.slice(separator + 1);
  const expectedSignature = hmacSha256Hex(secret, payload);
  const keyMatches = constantTimeEqual(presentedKey, key);
  const signatureMatches = constantTimeEqual(presentedSignature, expectedSignature);
  return keyMatches && signatureMatches;
}

/** The string signed for HTTP API requests: METHOD, path and the canonical query, newline-separated. */
export function requestSigningPayload(method: string, path: string, params: ReadonlyMap<string, string>): string {
  const canonicalQuery = [...params.entries()]
    .filter(([name]) => name !== "auth_signature")
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([name, value]) => `${name}=${value}`)
    .join("&");
  return [method.toUpperCase(), path, canonicalQuery].join("\n");
}

export function webhookSignature(secret: string, rawBody: string): string {
  return hmacSha256Hex(secret, rawBody);
}
