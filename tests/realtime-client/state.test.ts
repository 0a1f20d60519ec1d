import { describe, expect, it } from "vitest";

import {
  describeStatus,
  isAdminTermination,
  parseReceivedMessage,
  signinErrorReason,
  statusForConnectionState,
} from "@/components/realtime/state";
import { pusherOptions } from "@/components/realtime/pusher-client";

describe("realtime status words", () => {
  it.each([
    ["connecting", "Connecting…"],
    ["signing-in", "Connected (signing in…)"],
    ["signed-in", "Signed in"],
    ["disconnected", "Disconnected"],
    ["unavailable", "Unavailable"],
  ] as const)("%s reads %s", (status, words) => {
    expect(describeStatus({ status, error: null })).toBe(words);
  });

  it("includes the reason of a failed sign-in", () => {
    expect(describeStatus({ status: "signin-failed", error: "this account is not allowed to connect" })).toBe(
      "Sign-in failed: this account is not allowed to connect",
    );
  });

  it("maps pusher-js connection states", () => {
    expect(statusForConnectionState("initialized")).toBe("connecting");
    expect(statusForConnectionState("connecting")).toBe("connecting");
    expect(statusForConnectionState("connected")).toBe("signing-in");
    expect(statusForConnectionState("disconnected")).toBe("disconnected");
    expect(statusForConnectionState("unavailable")).toBe("unavailable");
    expect(statusForConnectionState("failed")).toBe("unavailable");
  });
});

describe("signinErrorReason", () => {
  it("explains the endpoint's HTTP status", () => {
    expect(signinErrorReason({ type: "AuthError", error: "Unable to retrieve auth string …", status: 401 })).toMatch(/session has ended/);
    expect(signinErrorReason({ type: "AuthError", error: "…", status: 403 })).toMatch(/not allowed/);
    expect(signinErrorReason({ type: "AuthError", error: "…", status: 500 })).toBe("the server answered HTTP 500");
    expect(signinErrorReason({ type: "AuthError", error: "boom" })).toBe("boom");
    expect(signinErrorReason(undefined)).toBe("unknown error");
  });
});

describe("isAdminTermination", () => {
  it("recognises 4009 from terminate_connections, as pusher:error and as close code", () => {
    expect(isAdminTermination({ type: "PusherError", data: { code: 4009, message: "You got disconnected by the app." } })).toBe(true);
    expect(isAdminTermination({ type: "PusherError", data: { code: 4009, message: undefined } })).toBe(true);
  });

  it("ignores other codes and the authorized-connections timeout", () => {
    expect(isAdminTermination({ type: "PusherError", data: { code: 4200, message: "reconnect" } })).toBe(false);
    expect(isAdminTermination({ type: "PusherError", data: { code: 4009, message: "Connection not authorized within timeout." } })).toBe(
      false,
    );
    expect(isAdminTermination({ type: "WebSocketError", error: {} })).toBe(false);
    expect(isAdminTermination(null)).toBe(false);
  });
});

describe("parseReceivedMessage", () => {
  it("keeps well-formed messages", () => {
    const message = { id: "m1", body: "Hello", from: "Admin", sentAt: "2026-01-01T00:00:00.000Z" };
    expect(parseReceivedMessage(message)).toEqual(message);
  });

  it("drops payloads without a body and fills optional fields", () => {
    expect(parseReceivedMessage({ id: "m1" })).toBeNull();
    expect(parseReceivedMessage("hello")).toBeNull();
    const parsed = parseReceivedMessage({ body: "Hi" });
    expect(parsed?.body).toBe("Hi");
    expect(parsed?.from).toBeNull();
    expect(parsed?.id).toMatch(/^local-/);
  });
});

describe("pusherOptions", () => {
  it("uses WebSocket transports and the app's auth endpoints, never a secret", () => {
    const options = pusherOptions({ key: "app-key", cluster: "", wsHost: "127.0.0.1", wsPort: 6001, wssPort: 6001, forceTLS: false });
    expect(options.enabledTransports).toEqual(["ws", "wss"]);
    expect(options.userAuthentication).toEqual({ endpoint: "/pusher/user-auth", transport: "ajax" });
    expect(options.channelAuthorization).toEqual({ endpoint: "/pusher/auth", transport: "ajax" });
    expect(JSON.stringify(options)).not.toMatch(/secret/i);
  });
});
