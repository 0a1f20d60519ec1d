/**
 * The doctor's checks against real peers: the embedded realtime server (port 0) with the app's real
 * webhook handler behind it (tests/support/app-harness.ts), a wrong secret, a raw WebSocket peer
 * that ignores pusher:signin the way soketi does with user authentication off, and an app that is
 * down or a backend that sends no webhooks.
 */
import type { AddressInfo } from "node:net";

import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { WebSocketServer } from "ws";

import { parseEnv } from "@/lib/config/env-schema";
import { runDoctor } from "@/lib/doctor/runner";
import type { CheckResult, DoctorOptions, DoctorReport } from "@/lib/doctor/doctor-types";
import { startHarness, startWebhookReceiver, type Harness } from "@/tests/support/app-harness";

const FAST = { signinMs: 1_500, deliveryMs: 2_000, webhookMs: 3_000, watchlistMs: 1_500 };

let harness: Harness;
let appUrl: string;

beforeAll(async () => {
  harness = await startHarness();
  appUrl = new URL(harness.webhookUrl!).origin;
});
afterAll(async () => harness.close());

function doctor(overrides: Record<string, string> = {}, options: Partial<DoctorOptions> = {}): Promise<DoctorReport> {
  return runDoctor({ env: parseEnv({ ...process.env, ...overrides }), appUrl, timeouts: FAST, ...options });
}

function check(report: DoctorReport, name: string): CheckResult {
  const found = report.checks.find((candidate) => candidate.name === name);
  if (!found) throw new Error(`no check named ${name}: ${report.checks.map((c) => c.name).join(", ")}`);
  return found;
}

describe("a correctly configured embedded server", () => {
  it("passes every required check, and says the authorized-connections timeout was not verified", async () => {
    const report = await doctor();
    const statuses = Object.fromEntries(report.checks.map((c) => [c.name, c.status]));
    expect(statuses).toEqual({
      environment: "ok",
      credentials: "ok",
      "clock skew": "ok",
      websocket: "ok",
      "user authentication": "ok",
      "send to user": "ok",
      "watchlist events": "ok",
      "terminate connections": "ok",
      "client events": "ok",
      "app webhook endpoint": "ok",
      webhooks: "ok",
      "authorized connections": "warn",
    });
    expect(report.passed).toBe(true);
    expect(check(report, "webhooks").summary).toMatch(/correctly signed/);
    expect(check(report, "authorized connections").fix?.join("\n")).toMatch(/--authorized-timeout/);
  });
});

describe("credentials", () => {
  it("a wrong secret fails the credentials check naming PUSHER_SECRET", async () => {
    const report = await doctor({ PUSHER_SECRET: "not-the-secret-0123456789" });
    const credentials = check(report, "credentials");
    expect(credentials.status).toBe("fail");
    expect(credentials.summary).toMatch(/wrong secret/);
    expect(credentials.fix?.join("\n")).toMatch(/PUSHER_SECRET/);
    expect(report.passed).toBe(false);
  });

  it("a wrong key is named as PUSHER_KEY, by the HTTP API and by the WebSocket", async () => {
    const report = await doctor({ PUSHER_KEY: "not-the-key" });
    expect(check(report, "credentials")).toMatchObject({ status: "fail", fix: [expect.stringMatching(/^PUSHER_KEY/)] });
    expect(check(report, "websocket")).toMatchObject({ status: "fail", fix: [expect.stringMatching(/^PUSHER_KEY/)] });
  });

  it("a wrong app id is named as PUSHER_APP_ID", async () => {
    const report = await doctor({ PUSHER_APP_ID: "not-the-app" });
    expect(check(report, "credentials")).toMatchObject({ status: "fail", fix: [expect.stringMatching(/^PUSHER_APP_ID/)] });
  });
});

describe("a backend that ignores pusher:signin (soketi with user authentication off)", () => {
  let silent: WebSocketServer;
  let silentPort: number;
  const received: string[] = [];

  beforeAll(async () => {
    // A real socket peer: it says hello and then never answers anything, as soketi does to a
    // pusher:signin when the app's user authentication is off.
    silent = new WebSocketServer({ host: "127.0.0.1", port: 0 });
    silent.on("connection", (socket) => {
      socket.on("message", (data) => received.push(JSON.parse(data.toString()).event as string));
      socket.send(
        JSON.stringify({ event: "pusher:connection_established", data: JSON.stringify({ socket_id: "1234.5678", activity_timeout: 120 }) }),
      );
    });
    await new Promise<void>((resolve) => silent.once("listening", () => resolve()));
    silentPort = (silent.address() as AddressInfo).port;
  });
  afterAll(async () => new Promise<void>((resolve) => silent.close(() => resolve())));

  it("fails user authentication and names the soketi setting; the checks that need it are skipped", async () => {
    // The browser's WebSocket (PUSHER_PUBLIC_*) goes to the silent peer; the HTTP API stays real.
    const report = await doctor({ PUSHER_PUBLIC_HOST: "127.0.0.1", PUSHER_PUBLIC_PORT: String(silentPort) });
    expect(received).toContain("pusher:signin");
    expect(check(report, "websocket").status).toBe("ok");
    const userAuth = check(report, "user authentication");
    expect(userAuth.status).toBe("fail");
    expect(userAuth.summary).toMatch(/no answer to pusher:signin/);
    expect(userAuth.fix?.join("\n")).toContain("SOKETI_DEFAULT_APP_USER_AUTHENTICATION=true");
    for (const name of ["send to user", "watchlist events", "terminate connections"]) expect(check(report, name).status).toBe("skip");
    expect(report.passed).toBe(false);
  });

  it("on hosted Pusher the advice is about the key and cluster: user authentication is always on there", async () => {
    const { checkUserAuthentication } = await import("@/lib/doctor/checks/user-authentication-check");
    const { createContext } = await import("@/lib/doctor/check-context");
    const { ProbeSocket } = await import("@/lib/doctor/probe-socket");
    const env = parseEnv({ ...process.env, PUSHER_HOST: undefined, PUSHER_PORT: undefined, PUSHER_CLUSTER: "eu" });
    const ctx = createContext({ env, appUrl, timeouts: { signinMs: 500 } });
    const socket = await ProbeSocket.open(`ws://127.0.0.1:${silentPort}/app/test-key`, { timeoutMs: 2_000 });
    try {
      const [userAuth] = await checkUserAuthentication(ctx, socket);
      expect(userAuth).toMatchObject({ status: "fail", fix: [expect.stringMatching(/hosted Pusher always has user authentication on/)] });
    } finally {
      socket.close();
    }
  });
});

describe("webhooks", () => {
  afterEach(() => {
    harness.receiver.down = false;
  });

  it("fails with 'start the app or pass --app-url' when nothing listens at the app URL", async () => {
    const report = await doctor({}, { appUrl: "http://127.0.0.1:9" });
    const endpoint = check(report, "app webhook endpoint");
    expect(endpoint.status).toBe("fail");
    expect(endpoint.fix?.join("\n")).toMatch(/start the app or pass --app-url/);
    expect(check(report, "webhooks").status).toBe("skip");
  });

  it("fails naming the app's credentials when the app refuses the doctor's signed delivery", async () => {
    harness.receiver.down = true;
    const report = await doctor();
    expect(check(report, "app webhook endpoint")).toMatchObject({ status: "fail", summary: expect.stringMatching(/answered 503/) });
  });

  it("fails naming the backend's webhook setting when the app is up but the backend sends no webhooks", async () => {
    const { createServer, silentLogger } = await import("@/lib/realtime-server");
    const { APP } = await import("@/tests/support/app-harness");
    const withoutWebhooks = await createServer({ ...APP, host: "127.0.0.1", port: 0, logger: silentLogger });
    try {
      const report = await doctor({ PUSHER_PORT: String(withoutWebhooks.port) });
      expect(check(report, "app webhook endpoint").status).toBe("ok");
      const webhooks = check(report, "webhooks");
      expect(webhooks.status).toBe("fail");
      expect(webhooks.summary).toMatch(/no channel_occupied webhook reached the app/);
      expect(webhooks.fix?.join("\n")).toContain("SOKETI_DEFAULT_APP_WEBHOOKS");
      expect(webhooks.fix?.join("\n")).toContain(`${appUrl}/api/pusher/webhook`);
    } finally {
      await withoutWebhooks.close();
    }
  });

  it("passes when the backend delivers to another instance of the app than the one the doctor asks", async () => {
    // Instance B: the app's real handler on its own port. The backend delivers to instance A (the
    // harness's receiver); A acknowledges on the probe channel, so no state is shared between them.
    const webhookModule = await import("@/lib/pusher/webhook");
    const instanceB = await startWebhookReceiver(() => webhookModule);
    try {
      const report = await doctor({}, { appUrl: new URL(instanceB.url).origin });
      expect(check(report, "app webhook endpoint").status).toBe("ok");
      expect(check(report, "webhooks").status).toBe("ok");
      expect(instanceB.webhookLog.every((delivery) => !delivery.body.includes("doctor-probe"))).toBe(true);
    } finally {
      await instanceB.close();
    }
  });

  it("verifies the authorized-connections timeout when asked: the backend closes an idle socket with 4009", async () => {
    const { createServer, silentLogger } = await import("@/lib/realtime-server");
    const { APP } = await import("@/tests/support/app-harness");
    const strict = await createServer({ ...APP, host: "127.0.0.1", port: 0, authorizedConnectionsTimeoutMs: 400, logger: silentLogger });
    try {
      const report = await doctor(
        { PUSHER_PORT: String(strict.port), PUSHER_AUTHORIZED_CONNECTIONS_TIMEOUT_MS: "400" },
        { verifyAuthorizedTimeout: true },
      );
      expect(check(report, "authorized connections")).toMatchObject({ status: "ok", summary: expect.stringMatching(/closed with 4009/) });
    } finally {
      await strict.close();
    }
  });

  it("fails the authorized-connections check when asked and the backend keeps idle sockets open", async () => {
    const report = await doctor({ PUSHER_AUTHORIZED_CONNECTIONS_TIMEOUT_MS: "300" }, { verifyAuthorizedTimeout: true });
    const authorized = check(report, "authorized connections");
    expect(authorized.status).toBe("fail");
    expect(authorized.fix?.join("\n")).toContain("SOKETI_USER_AUTHENTICATION_TIMEOUT=300");
  }, 15_000);
});
