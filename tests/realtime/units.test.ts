import { describe, expect, it } from "vitest";
import { channelNameProblem, createChannel } from "../../lib/realtime-server/channels";
import { parseChannelData } from "../../lib/realtime-server/channels/presence-channel";
import { optionsFromEnvironment } from "../../lib/realtime-server/server-env";
import { requestAuthProblem } from "../../lib/realtime-server/http/request-auth";
import { DEFAULT_AUTHORIZED_CONNECTIONS_TIMEOUT_MS } from "../../lib/realtime-server/index";
import { createJsonLogger, REDACTED } from "../../lib/realtime-server/logger";
import {
  constantTimeEqual,
  hmacSha256Hex,
  md5Hex,
  requestSigningPayload,
  userAuthPayload,
  verifyKeyedSignature,
} from "../../lib/realtime-server/signatures";
import { parseUserData } from "../../lib/realtime-server/user-auth";
import { sdkFor } from "./helpers";

describe("signatures", () => {
  it("matches the protocol doc's user-authentication test vector", () => {
    const payload = userAuthPayload("1234.1234", '{"id":"12345"}');
    expect(payload).toBe('1234.1234::user::{"id":"12345"}');
    expect(hmacSha256Hex("7ad3773142a6692b25b8", payload)).toBe("4708d583dada6a56435fb8bc611c77c359a31eebde13337c16ab43aa6de336ba");
    const auth = "278d425bdf160c739803:4708d583dada6a56435fb8bc611c77c359a31eebde13337c16ab43aa6de336ba";
    expect(verifyKeyedSignature(auth, "278d425bdf160c739803", "7ad3773142a6692b25b8", payload)).toBe(true);
  });

  it("agrees with the official SDK's authenticateUser and authorizeChannel", () => {
    const sdk = sdkFor(1);
    const userAuth = sdk.authenticateUser("1.2", { id: "7" });
    expect(verifyKeyedSignature(userAuth.auth, "test-key", "test-secret", userAuthPayload("1.2", userAuth.user_data))).toBe(true);
    const channelAuth = sdk.authorizeChannel("1.2", "presence-x", { user_id: "7" });
    expect(verifyKeyedSignature(channelAuth.auth, "test-key", "test-secret", `1.2:presence-x:${channelAuth.channel_data}`)).toBe(true);
  });

  it("rejects wrong keys, wrong signatures and malformed auth strings", () => {
    const payload = "1.2:private-a";
    const good = `k:${hmacSha256Hex("s", payload)}`;
    expect(verifyKeyedSignature(good, "k", "s", payload)).toBe(true);
    expect(verifyKeyedSignature(good, "other", "s", payload)).toBe(false);
    expect(verifyKeyedSignature(good, "k", "other-secret", payload)).toBe(false);
    expect(verifyKeyedSignature(`k:${hmacSha256Hex("s", payload).slice(1)}`, "k", "s", payload)).toBe(false);
    expect(verifyKeyedSignature("no-colon", "k", "s", payload)).toBe(false);
    expect(verifyKeyedSignature(":abc", "k", "s", payload)).toBe(false);
  });

  it("compares in constant time without throwing on length mismatch", () => {
    expect(constantTimeEqual("abc", "abc")).toBe(true);
    expect(constantTimeEqual("abc", "abd")).toBe(false);
    expect(constantTimeEqual("abc", "abcd")).toBe(false);
    expect(constantTimeEqual("", "")).toBe(true);
  });

  it("builds the request-signing string with sorted keys and no auth_signature", () => {
    const params = new Map([
      ["body_md5", "x"],
      ["auth_version", "1.0"],
      ["auth_signature", "ignored"],
      ["auth_key", "k"],
      ["auth_timestamp", "1"],
    ]);
    expect(requestSigningPayload("post", "/apps/1/events", params)).toBe(
      "POST\n/apps/1/events\nauth_key=k&auth_timestamp=1&auth_version=1.0&body_md5=x",
    );
  });
});

describe("HTTP request verification", () => {
  const credentials = { key: "test-key", secret: "test-secret" };
  const path = "/apps/test-app/events";
  const body = '{"name":"e","channel":"c","data":"{}"}';
  const signed = (tamper: (query: string) => string = (query) => query, requestBody = body, method: "GET" | "POST" = "POST") => {
    const query = tamper(sdkFor(1).createSignedQueryString({ method, path, body: requestBody || undefined }));
    return { method, path, query: new URLSearchParams(query), body: Buffer.from(requestBody) };
  };
  const now = () => Math.floor(Date.now() / 1000);

  it("accepts a request signed by the official SDK", () => {
    expect(requestAuthProblem(signed(), credentials, now())).toBeUndefined();
    expect(requestAuthProblem(signed(undefined, "", "GET"), credentials, now())).toBeUndefined();
  });

  it.each([
    [
      "a tampered signature",
      (q: string) => q.replace(/auth_signature=(.)/, (_m, c: string) => `auth_signature=${c === "a" ? "b" : "a"}`),
      /Invalid auth_signature/,
    ],
    ["a missing signature", (q: string) => q.replace(/&auth_signature=[0-9a-f]+/, ""), /Missing auth_signature/],
    ["a wrong key", (q: string) => q.replace("auth_key=test-key", "auth_key=other"), /Unknown auth_key/],
    ["a missing key", (q: string) => q.replace("auth_key=test-key&", ""), /Missing auth_key/],
    ["a stale timestamp", (q: string) => q.replace(/auth_timestamp=\d+/, `auth_timestamp=${now() - 601}`), /auth_timestamp expired/],
    ["a future timestamp", (q: string) => q.replace(/auth_timestamp=\d+/, `auth_timestamp=${now() + 601}`), /auth_timestamp expired/],
    ["a non-numeric timestamp", (q: string) => q.replace(/auth_timestamp=\d+/, "auth_timestamp=soon"), /unix time/],
    ["a wrong auth_version", (q: string) => q.replace("auth_version=1.0", "auth_version=2.0"), /auth_version must be 1.0/],
    ["a wrong body_md5", (q: string) => q.replace(/body_md5=[0-9a-f]+/, `body_md5=${md5Hex("other")}`), /body_md5 does not match/],
    ["a missing body_md5", (q: string) => q.replace(/body_md5=[0-9a-f]+&/, ""), /Missing body_md5/],
  ])("rejects %s", (_label, tamper, reason) => {
    expect(requestAuthProblem(signed(tamper), credentials, now())).toMatch(reason);
  });

  it("never reveals the expected signature or the secret", () => {
    const problem =
      requestAuthProblem(
        signed((q) => q.replace(/auth_signature=[0-9a-f]+/, "auth_signature=00")),
        credentials,
        now(),
      ) ?? "";
    const request = signed();
    const expected = request.query.get("auth_signature") ?? "";
    expect(problem).not.toContain(expected);
    expect(problem).not.toContain("test-secret");
  });
});

describe("channel names and types", () => {
  it("accepts the allowed alphabet up to 164 characters", () => {
    expect(channelNameProblem("a-Z_0=@,.;")).toBeUndefined();
    expect(channelNameProblem("x".repeat(164))).toBeUndefined();
    expect(channelNameProblem("x".repeat(165))).toMatch(/longer than 164/);
    expect(channelNameProblem("has space")).toMatch(/only contain/);
    expect(channelNameProblem("emoji-😀")).toMatch(/only contain/);
    expect(channelNameProblem("")).toBeDefined();
    expect(channelNameProblem(42)).toBeDefined();
    expect(channelNameProblem("#server-to-user-auth0|abc")).toBeUndefined();
    expect(channelNameProblem("#server-to-user-")).toBeDefined();
    expect(channelNameProblem("#other")).toBeDefined();
  });

  it("picks the channel type by prefix", () => {
    expect(createChannel("room").kind).toBe("public");
    expect(createChannel("private-room").kind).toBe("private");
    expect(createChannel("private-encrypted-room").kind).toBe("private-encrypted");
    expect(createChannel("presence-room").kind).toBe("presence");
    expect(createChannel("#server-to-user-7").kind).toBe("server-to-user");
    expect(createChannel("#server-to-user-7").isInternal).toBe(true);
    expect(createChannel("private-encrypted-room").acceptsClientEvents).toBe(false);
    expect(createChannel("presence-room").acceptsClientEvents).toBe(true);
    expect(createChannel("room").acceptsClientEvents).toBe(false);
  });

  it("validates presence channel_data", () => {
    expect(parseChannelData('{"user_id":"1","user_info":{"n":"a"}}', 1024)).toEqual({ id: "1", info: { n: "a" } });
    expect(parseChannelData('{"user_id":5}', 1024)).toEqual({ id: "5", info: undefined });
    expect(parseChannelData("nope", 1024)).toMatch(/not valid JSON/);
    expect(parseChannelData('{"user_id":""}', 1024)).toMatch(/non-empty/);
    expect(parseChannelData(JSON.stringify({ user_id: "x".repeat(129) }), 1024)).toMatch(/longer than 128/);
    expect(parseChannelData(JSON.stringify({ user_id: "1", user_info: { a: "x".repeat(2000) } }), 1024)).toMatch(/larger than 1024/);
  });
});

describe("user_data validation", () => {
  it("requires a JSON object with a non-empty string id", () => {
    expect(parseUserData('{"id":"1"}')).toMatchObject({ id: "1", watchlist: [], watchlistTruncated: false });
    expect(parseUserData("{")).toEqual({ problem: "user_data is not valid JSON" });
    expect(parseUserData("[]")).toHaveProperty("problem");
    expect(parseUserData('{"id":""}')).toHaveProperty("problem");
    expect(parseUserData('{"id":1}')).toHaveProperty("problem");
    expect(parseUserData('{"name":"x"}')).toHaveProperty("problem");
  });

  it("caps the watchlist at 100 distinct ids", () => {
    const ids = Array.from({ length: 120 }, (_, i) => String(i));
    const parsed = parseUserData(JSON.stringify({ id: "1", watchlist: [...ids, "0", 7] }));
    expect(parsed).toMatchObject({ watchlistTruncated: true });
    expect("watchlist" in parsed && parsed.watchlist).toEqual(ids.slice(0, 100));
    expect(parseUserData('{"id":"1","watchlist":"2"}')).toHaveProperty("problem");
  });
});

describe("logger", () => {
  it("writes JSON lines and never writes secrets or signatures", () => {
    const lines: string[] = [];
    const logger = createJsonLogger({ level: "debug", write: (line) => lines.push(line) });
    logger.info("hello", { secret: "s3cr3t", auth: "key:sig", auth_signature: "abc", nested: { appSecret: "x", ok: 1 }, userId: "7" });
    logger.debug("debug line");
    expect(lines).toHaveLength(2);
    const entry = JSON.parse(lines[0] ?? "") as Record<string, unknown>;
    expect(entry).toMatchObject({
      level: "info",
      msg: "hello",
      secret: REDACTED,
      auth: REDACTED,
      auth_signature: REDACTED,
      nested: { appSecret: REDACTED, ok: 1 },
      userId: "7",
    });
    expect(lines.join("")).not.toMatch(/s3cr3t|key:sig/);
  });

  it("filters by level", () => {
    const lines: string[] = [];
    createJsonLogger({ level: "warn", write: (line) => lines.push(line) }).info("quiet");
    expect(lines).toHaveLength(0);
  });
});

describe("environment for scripts/realtime.ts", () => {
  it("uses demo credentials with a warning when none are set", () => {
    const warnings: string[] = [];
    const options = optionsFromEnvironment({}, (message) => warnings.push(message));
    expect(options).toMatchObject({ appId: "app-id", key: "app-key", secret: "app-secret", port: 6001, host: "127.0.0.1", webhooks: [] });
    expect(warnings.join("")).toMatch(/demo credentials/);
  });

  it("turns the authorized-connections timeout on by default (30 s); 0 or off disables it", () => {
    expect(optionsFromEnvironment({}, () => {}).authorizedConnectionsTimeoutMs).toBe(30_000);
    expect(DEFAULT_AUTHORIZED_CONNECTIONS_TIMEOUT_MS).toBe(30_000);
    expect(optionsFromEnvironment({ PUSHER_AUTHORIZED_CONNECTIONS_TIMEOUT_MS: " " }, () => {}).authorizedConnectionsTimeoutMs).toBe(30_000);
    for (const off of ["0", "off", "OFF"]) {
      expect(
        optionsFromEnvironment({ PUSHER_AUTHORIZED_CONNECTIONS_TIMEOUT_MS: off }, () => {}).authorizedConnectionsTimeoutMs,
      ).toBeUndefined();
    }
  });

  it("leaves the limits at the library defaults when unset", () => {
    expect(optionsFromEnvironment({}, () => {})).toMatchObject({
      maxConnections: undefined,
      maxConnectionsPerIp: undefined,
      maxChannelsPerConnection: undefined,
      maxFramesPerSecond: undefined,
      allowedOrigins: undefined,
    });
    expect(optionsFromEnvironment({ PUSHER_ALLOWED_ORIGINS: "*" }, () => {}).allowedOrigins).toEqual(["*"]);
  });

  it("reads the limits", () => {
    const options = optionsFromEnvironment(
      {
        PUSHER_MAX_CONNECTIONS: "5000",
        PUSHER_MAX_CONNECTIONS_PER_IP: "50",
        PUSHER_MAX_CHANNELS_PER_CONNECTION: "20",
        PUSHER_MAX_FRAMES_PER_SECOND: "40",
        PUSHER_ALLOWED_ORIGINS: "http://localhost:3000, https://app.example.com,",
      },
      () => {},
    );
    expect(options).toMatchObject({
      maxConnections: 5000,
      maxConnectionsPerIp: 50,
      maxChannelsPerConnection: 20,
      maxFramesPerSecond: 40,
      allowedOrigins: ["http://localhost:3000", "https://app.example.com"],
    });
  });

  it.each([
    [
      "PUSHER_AUTHORIZED_CONNECTIONS_TIMEOUT_MS",
      "soon",
      /PUSHER_AUTHORIZED_CONNECTIONS_TIMEOUT_MS must be a whole number of milliseconds.*0 \/ off/,
    ],
    ["PUSHER_AUTHORIZED_CONNECTIONS_TIMEOUT_MS", "999999999999", /PUSHER_AUTHORIZED_CONNECTIONS_TIMEOUT_MS/],
    ["PUSHER_MAX_CONNECTIONS", "0", /PUSHER_MAX_CONNECTIONS /],
    ["PUSHER_MAX_CONNECTIONS_PER_IP", "ten", /PUSHER_MAX_CONNECTIONS_PER_IP must be a whole number/],
    ["PUSHER_MAX_CHANNELS_PER_CONNECTION", "1.5", /PUSHER_MAX_CHANNELS_PER_CONNECTION/],
    ["PUSHER_MAX_FRAMES_PER_SECOND", "-3", /PUSHER_MAX_FRAMES_PER_SECOND/],
    [
      "PUSHER_ALLOWED_ORIGINS",
      "http://localhost:3000/",
      /PUSHER_ALLOWED_ORIGINS entry 0: "http:\/\/localhost:3000\/" is not written as browsers send it \(use "http:\/\/localhost:3000"\)/,
    ],
    ["PUSHER_ALLOWED_ORIGINS", "http://a.example,localhost", /PUSHER_ALLOWED_ORIGINS entry 1: "localhost" is not an origin/],
    ["PUSHER_ALLOWED_ORIGINS", "*,http://a.example", /PUSHER_ALLOWED_ORIGINS .*cannot be combined/],
    ["PUSHER_ALLOWED_ORIGINS", " , ", /PUSHER_ALLOWED_ORIGINS/],
  ])("names %s when it is %j", (name, value, message) => {
    expect(() => optionsFromEnvironment({ [name]: value }, () => {})).toThrow(message);
  });

  it("reads every variable", () => {
    const options = optionsFromEnvironment(
      {
        PUSHER_APP_ID: "1",
        PUSHER_KEY: "k",
        PUSHER_SECRET: "s",
        PUSHER_PORT: "7001",
        PUSHER_BIND_HOST: "127.0.0.2",
        PUSHER_WEBHOOK_URLS: "http://127.0.0.1:3000/api/pusher/webhook, https://example.test/hook",
        PUSHER_AUTHORIZED_CONNECTIONS_TIMEOUT_MS: "5000",
      },
      () => {},
    );
    expect(options).toMatchObject({
      appId: "1",
      key: "k",
      secret: "s",
      port: 7001,
      host: "127.0.0.2",
      webhooks: [{ url: "http://127.0.0.1:3000/api/pusher/webhook" }, { url: "https://example.test/hook" }],
      authorizedConnectionsTimeoutMs: 5000,
    });
  });

  it("names the missing or invalid variable", () => {
    expect(() => optionsFromEnvironment({ PUSHER_KEY: "k" }, () => {})).toThrow(/PUSHER_APP_ID, PUSHER_SECRET/);
    expect(() => optionsFromEnvironment({ PUSHER_PORT: "http" }, () => {})).toThrow(/PUSHER_PORT/);
    expect(() => optionsFromEnvironment({ PUSHER_PORT: "70000" }, () => {})).toThrow(/PUSHER_PORT/);
    expect(() => optionsFromEnvironment({ PUSHER_WEBHOOK_URLS: "ftp://x" }, () => {})).toThrow(/PUSHER_WEBHOOK_URLS/);
    expect(() => optionsFromEnvironment({ PUSHER_AUTHORIZED_CONNECTIONS_TIMEOUT_MS: "-1" }, () => {})).toThrow(
      /PUSHER_AUTHORIZED_CONNECTIONS_TIMEOUT_MS/,
    );
  });
});
