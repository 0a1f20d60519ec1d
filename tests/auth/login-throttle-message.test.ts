import { describe, expect, it } from "vitest";

import { INVALID_CREDENTIALS_MESSAGE, loginErrorMessage } from "@/components/auth/login-form";
import { decodeThrottleError, encodeThrottleError, throttleMessage } from "@/lib/auth/login-throttle-message";

describe("the throttle error through next-auth's error string", () => {
  const now = new Date("2026-12-01T10:00:00Z");
  const clock = (time: Date) => time.toISOString().slice(11, 16);

  it("round-trips the retry time and reads as a sentence with when to try again", () => {
    const error = encodeThrottleError(new Date("2026-12-01T10:14:00Z"));
    expect(decodeThrottleError(error)).toEqual({ retryAt: "2026-12-01T10:14:00.000Z" });
    expect(throttleMessage(decodeThrottleError(error)!, now, clock)).toBe(
      "Too many failed sign-in attempts. Try again in 14 minutes (at 10:14).",
    );
    expect(throttleMessage({ retryAt: "2026-12-01T10:00:20Z" }, now, clock)).toBe(
      "Too many failed sign-in attempts. Try again in 1 minute (at 10:00).",
    );
  });

  it("still says what happened when the time is unreadable", () => {
    expect(decodeThrottleError("LoginThrottled:{oops")).toEqual({ retryAt: "" });
    expect(throttleMessage({ retryAt: "" }, now)).toBe("Too many failed sign-in attempts. Please try again later.");
    expect(decodeThrottleError("CredentialsSignin")).toBeNull();
  });

  it("the login form shows it, and keeps its other messages", () => {
    expect(loginErrorMessage(encodeThrottleError(new Date(Date.now() + 14 * 60_000 + 30_000)))).toMatch(
      /^Too many failed sign-in attempts\. Try again in 15 minutes \(at .+\)\.$/,
    );
    expect(loginErrorMessage("CredentialsSignin")).toBe(INVALID_CREDENTIALS_MESSAGE);
    expect(loginErrorMessage('AccountBanned:{"reason":null,"expiresAt":null}')).toBe("This account is banned. The ban is permanent.");
  });
});
