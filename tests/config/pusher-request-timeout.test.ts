/**
 * The app's Pusher SDK client gives up on a backend that accepts the connection but never answers,
 * so a sign-in or a kick waiting on it fails within PUSHER_REQUEST_TIMEOUT_MS instead of hanging.
 */
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";

import type Pusher from "pusher";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";

let silent: Server;
let received: IncomingMessage[] = [];

beforeAll(async () => {
  // Reads each request and never responds.
  silent = createServer((req) => void received.push(req));
  await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
  const { port } = silent.address() as AddressInfo;
  for (const [name, value] of Object.entries({
    NODE_ENV: "test",
    NEXTAUTH_SECRET: "timeout-test-secret-timeout-test-0001",
    PUSHER_APP_ID: "timeout-app",
    PUSHER_KEY: "timeout-key",
    PUSHER_SECRET: "timeout-secret",
    PUSHER_HOST: "127.0.0.1",
    PUSHER_PORT: String(port),
  })) {
    vi.stubEnv(name, value);
  }
});

afterAll(async () => {
  vi.unstubAllEnvs();
  silent.closeAllConnections();
  await new Promise<void>((resolve) => silent.close(() => resolve()));
});

describe("pusherServer against a backend that never answers", () => {
  it.each([
    ["trigger", (p: Pusher) => p.trigger("private-admin", "activity", { n: 1 })],
    ["terminateUserConnections", (p: Pusher) => p.terminateUserConnections("user-1")],
  ] as const)(
    "%s rejects within the timeout",
    async (_name, call) => {
      const { pusherServer, PUSHER_REQUEST_TIMEOUT_MS } = await import("@/lib/pusher/server");
      received = [];
      const startedAt = Date.now();
      const error = await call(pusherServer).then(
        () => null,
        (reason: unknown) => reason,
      );
      const elapsed = Date.now() - startedAt;
      expect(received).toHaveLength(1);
      expect(error).toBeInstanceOf(Error);
      expect(String((error as { error?: unknown }).error ?? error)).toMatch(/abort/i);
      expect(elapsed).toBeGreaterThanOrEqual(PUSHER_REQUEST_TIMEOUT_MS - 50);
      expect(elapsed).toBeLessThan(PUSHER_REQUEST_TIMEOUT_MS + 1_500);
    },
    15_000,
  );
});
