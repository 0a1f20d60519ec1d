/**
 * Verification of signed HTTP API requests (Pusher auth_version 1.0). Returns a reason naming
 * exactly what is wrong, because a caller debugging a 401 needs to know which part failed; the
 * reason never contains the secret or the expected signature.
 */
import { AUTH_VERSION, Limits } from "../protocol";
import { constantTimeEqual, hmacSha256Hex, md5Hex, requestSigningPayload } from "../signatures";

export interface SignedRequest {
  method: string;
  /** The path exactly as sent (not URL-decoded), which is what the client signed. */
  path: string;
  query: URLSearchParams;
  body: Buffer;
}

export interface RequestCredentials {
  key: string;
  secret: string;
}

export function requestAuthProblem(request: SignedRequest, credentials: RequestCredentials, nowSeconds: number): string | undefined {
  const params = new Map<string, string>();
  for (const [name, value] of request.query) {
    const normalized = name.toLowerCase();
    if (params.has(normalized)) return `Duplicate query parameter ${normalized}`;
    params.set(normalized, value);
  }

  const authKey = params.get("auth_key");
  if (authKey === undefined) return "Missing auth_key query parameter";
  if (authKey !== credentials.key) return "Unknown auth_key";

  const timestampText = params.get("auth_timestamp");
  if (timestampText === undefined) return "Missing auth_timestamp query parameter";
  if (!/^\d+$/.test(timestampText)) return "auth_timestamp must be unix time in seconds";
  const skew = Math.abs(nowSeconds - Number(timestampText));
  if (skew > Limits.requestTimestampToleranceSeconds) {
    return `auth_timestamp expired: it is ${skew} s away from server time ${nowSeconds} (allowed ${Limits.requestTimestampToleranceSeconds} s)`;
  }

  const version = params.get("auth_version");
  if (version !== AUTH_VERSION) return `auth_version must be ${AUTH_VERSION}`;

  const bodyMd5 = params.get("body_md5");
  if (request.body.length > 0 && bodyMd5 === undefined) return "Missing body_md5 query parameter for a request with a body";
  if (bodyMd5 !== undefined && !constantTimeEqual(bodyMd5.toLowerCase(), md5Hex(request.body))) {
    return "body_md5 does not match the MD5 of the request body";
  }

  const signature = params.get("auth_signature");
  if (signature === undefined) return "Missing auth_signature query parameter";
  const signingPayload = requestSigningPayload(request.method, request.path, params);
  if (!constantTimeEqual(signature, hmacSha256Hex(credentials.secret, signingPayload))) {
    return `Invalid auth_signature: expected HMAC-SHA256 hex of ${JSON.stringify(signingPayload)}`;
  }
  return undefined;
}
