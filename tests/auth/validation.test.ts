import { describe, expect, it } from "vitest";

import { banMessage, decodeBanError, encodeBanError, isBanned } from "@/lib/auth/ban-status";
import { safeCallbackPath } from "@/lib/auth/redirect";
import { loginFieldErrors, loginSchema } from "@/lib/validation/auth";
import { channelAuthBodySchema, userAuthBodySchema } from "@/lib/validation/pusher";

describe("loginSchema", () => {
  it("normalises the email", () => {
    expect(loginSchema.parse({ email: "  Alice@Example.COM ", password: "x" })).toEqual({ email: "alice@example.com", password: "x" });
  });

  it("reports each missing or invalid field", () => {
    const result = loginSchema.safeParse({ email: "not-an-email", password: "" });
    expect(result.success).toBe(false);
    if (!result.success) {
      expect(loginFieldErrors(result.error)).toEqual({ email: "Enter a valid email address.", password: "Enter your password." });
    }
  });
});

describe("pusher auth bodies", () => {
  it("accept only socket ids like 123.456", () => {
    expect(userAuthBodySchema.safeParse({ socket_id: "123.456" }).success).toBe(true);
    for (const socketId of ["", "abc", "1.2.3", "123", " 1.2", "1.2\n"]) {
      expect(userAuthBodySchema.safeParse({ socket_id: socketId }).success).toBe(false);
    }
    expect(userAuthBodySchema.safeParse({}).success).toBe(false);
  });

  it("check channel names against the protocol's alphabet and length", () => {
    expect(channelAuthBodySchema.safeParse({ socket_id: "1.2", channel_name: "private-connection-1.2" }).success).toBe(true);
    expect(channelAuthBodySchema.safeParse({ socket_id: "1.2", channel_name: "private-a b" }).success).toBe(false);
    expect(channelAuthBodySchema.safeParse({ socket_id: "1.2", channel_name: `private-${"x".repeat(160)}` }).success).toBe(false);
  });
});

describe("bans", () => {
  const now = new Date("2026-01-01T00:00:00Z");
  it("count while permanent or not yet expired", () => {
    expect(isBanned({ bannedAt: null, banReason: null, banExpiresAt: null }, now)).toBe(false);
    expect(isBanned({ bannedAt: now, banReason: null, banExpiresAt: null }, now)).toBe(true);
    expect(isBanned({ bannedAt: now, banReason: null, banExpiresAt: new Date("2026-01-02T00:00:00Z") }, now)).toBe(true);
    expect(isBanned({ bannedAt: now, banReason: null, banExpiresAt: new Date("2025-12-31T00:00:00Z") }, now)).toBe(false);
  });

  it("round-trip through next-auth's error string into a sentence", () => {
    const error = encodeBanError({ bannedAt: now, banReason: "spamming", banExpiresAt: null });
    const details = decodeBanError(error);
    expect(details).toEqual({ reason: "spamming", expiresAt: null });
    expect(banMessage(details!)).toBe("This account is banned: spamming. The ban is permanent.");
    expect(decodeBanError("CredentialsSignin")).toBeNull();
    const timed = decodeBanError(encodeBanError({ bannedAt: now, banReason: null, banExpiresAt: new Date("2026-02-01T10:30:00Z") }));
    expect(banMessage(timed!)).toBe("This account is banned. The ban ends 2026-02-01 10:30 UTC.");
  });
});

describe("safeCallbackPath", () => {
  it("keeps local paths and refuses everything that could leave the site", () => {
    expect(safeCallbackPath("/admin")).toBe("/admin");
    expect(safeCallbackPath("/admin?tab=1")).toBe("/admin?tab=1");
    for (const bad of [
      "https://evil.example",
      "//evil.example",
      "/\\evil.example",
      "javascript:alert(1)",
      "/login",
      "/api/auth/signout",
      undefined,
      "",
    ]) {
      expect(safeCallbackPath(bad)).toBe("/");
    }
  });
});
