import { describe, expect, it } from "vitest";

import {
  describeStatus,
  isAuthorizationTimeout,
  isRetryableSigninError,
  signinErrorReason,
  signinRetryDelayMs,
  SIGNIN_RETRY_MAX_MS,
} from "@/components/realtime/state";

describe("which failed sign-ins are retried", () => {
  it.each([500, 502, 503, 504, 408, 429, 0])("HTTP %i is retried", (status) => {
    expect(isRetryableSigninError({ type: "AuthError", error: "…", status })).toBe(true);
  });

  it("an error without a status (no answer at all) is retried", () => {
    expect(isRetryableSigninError({ type: "AuthError", error: "Network error" })).toBe(true);
  });

  it.each([400, 401, 403, 404, 409, 413])("HTTP %i is final", (status) => {
    expect(isRetryableSigninError({ type: "AuthError", error: "…", status })).toBe(false);
  });
});

describe("sign-in backoff", () => {
  it("doubles from 1 s up to 30 s, jittered between half and all of it", () => {
    const lowest = Array.from({ length: 8 }, (_, attempt) => signinRetryDelayMs(attempt, () => 0));
    const highest = Array.from({ length: 8 }, (_, attempt) => signinRetryDelayMs(attempt, () => 1));
    expect(highest).toEqual([1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000, 30_000]);
    expect(lowest).toEqual(highest.map((ms) => ms / 2));
    expect(signinRetryDelayMs(1_000)).toBeLessThanOrEqual(SIGNIN_RETRY_MAX_MS);
  });
});

describe("the status words while a retry waits", () => {
  it("counts down to the retry", () => {
    const state = { status: "signin-failed" as const, error: "the server answered HTTP 503", retryAt: 10_000 };
    expect(describeStatus(state, 6_000)).toBe("Sign-in failed, retrying in 4 s (the server answered HTTP 503)");
    expect(describeStatus(state, 9_500)).toBe("Sign-in failed, retrying in 1 s (the server answered HTTP 503)");
    expect(describeStatus(state, 10_000)).toBe("Sign-in failed, retrying now (the server answered HTTP 503)");
    expect(describeStatus({ ...state, retryAt: null }, 6_000)).toBe("Sign-in failed: the server answered HTTP 503");
  });

  it("says when the app could not be reached", () => {
    expect(signinErrorReason({ type: "AuthError", error: "…", status: 0 })).toBe("the app could not be reached");
  });

  it("tells the authorized-connections timeout from an administrator's 4009", () => {
    expect(isAuthorizationTimeout({ data: { code: 4009, message: "Connection not authorized within timeout." } })).toBe(true);
    expect(isAuthorizationTimeout({ data: { code: 4009, message: "You got disconnected by the app." } })).toBe(false);
    expect(isAuthorizationTimeout({ data: { code: 4200 } })).toBe(false);
  });
});
