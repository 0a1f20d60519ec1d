/**
 * The HTTP-API checks against small real HTTP peers that answer the way measured backends do:
 * soketi's errors with status 200 and `{"error","code"}` in the body, and clocks that are off.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

import { afterEach, describe, expect, it } from "vitest";

import { parseEnv } from "@/lib/config/env-schema";
import { checkClockSkew, checkCredentials } from "@/lib/doctor/checks/http-api-check";
import { createContext } from "@/lib/doctor/check-context";
import { browserSocketUrl } from "@/lib/doctor/target";

let server: Server | undefined;
afterEach(async () => {
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
});

/** A backend whose every answer is `status` + `body`, with its clock `offsetMs` off. */
async function peer(status: number, body: string, offsetMs = 0) {
  server = createServer((_request, response) => {
    response.sendDate = false;
    response.writeHead(status, { "Content-Type": "application/json", Date: new Date(Date.now() + offsetMs).toUTCString() }).end(body);
  });
  await new Promise<void>((resolve) => server!.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  const env = parseEnv({
    NODE_ENV: "test",
    NEXTAUTH_SECRET: "x".repeat(40),
    PUSHER_APP_ID: "app",
    PUSHER_KEY: "key",
    PUSHER_SECRET: "secret",
    PUSHER_HOST: "127.0.0.1",
    PUSHER_PORT: String(port),
  });
  return createContext({ env, appUrl: "http://127.0.0.1:3000" });
}

describe("credentials", () => {
  it("reads soketi's HTTP 200 error bodies: a bad signature names PUSHER_SECRET", async () => {
    const result = await checkCredentials(await peer(200, JSON.stringify({ error: "The secret authentication failed", code: 401 })));
    expect(result).toMatchObject({
      status: "fail",
      summary: expect.stringMatching(/^wrong secret: .* answered 401/),
      fix: [expect.stringMatching(/^PUSHER_SECRET/)],
    });
  });

  it("an unknown app (soketi's 404 in a 200) names PUSHER_APP_ID", async () => {
    const result = await checkCredentials(await peer(200, JSON.stringify({ error: "The app app could not be found.", code: 404 })));
    expect(result).toMatchObject({ status: "fail", fix: [expect.stringMatching(/^PUSHER_APP_ID/)] });
  });

  it("hosted Pusher's plain-text 401 for a bad signature names PUSHER_SECRET", async () => {
    const result = await checkCredentials(await peer(401, "Invalid signature: you should have sent HmacSHA256Hex(...)"));
    expect(result).toMatchObject({ status: "fail", fix: [expect.stringMatching(/^PUSHER_SECRET/)] });
  });

  it("an unreachable API names the address variables", async () => {
    const ctx = await peer(200, "{}");
    await new Promise<void>((resolve) => server!.close(() => resolve()));
    server = undefined;
    const result = await checkCredentials(ctx);
    expect(result).toMatchObject({
      status: "fail",
      summary: expect.stringMatching(/can't be reached/),
      fix: [expect.stringMatching(/PUSHER_HOST, PUSHER_PORT/)],
    });
  });
});

describe("clock skew", () => {
  it("is ok within 30 s, a warn beyond, and a fail beyond the 600 s signatures allow", async () => {
    expect((await checkClockSkew(await peer(401, "", 2_000))).status).toBe("ok");
    await new Promise<void>((resolve) => server!.close(() => resolve()));
    expect((await checkClockSkew(await peer(401, "", -90_000))).status).toBe("warn");
    await new Promise<void>((resolve) => server!.close(() => resolve()));
    const far = await checkClockSkew(await peer(401, "", 700_000));
    expect(far).toMatchObject({ status: "fail", summary: expect.stringMatching(/ahead of this machine's/) });
  });
});

describe("the browser's WebSocket URL", () => {
  const config = { key: "k", cluster: "", wsHost: "rt.example.com", wsPort: 6001, wssPort: 6001, forceTLS: false };

  it("follows pusher-js: ws on an http page, wss whenever the page is https", () => {
    expect(browserSocketUrl(config, false)).toMatch(
      /^ws:\/\/rt\.example\.com:6001\/app\/k\?protocol=7&client=js&version=\d+\.\d+\.\d+&flash=false$/,
    );
    expect(browserSocketUrl(config, true)).toMatch(/^wss:\/\/rt\.example\.com:6001\/app\/k\?/);
  });

  it("hosted Pusher: wss://ws-{cluster}.pusher.com:443", () => {
    expect(browserSocketUrl({ key: "k", cluster: "eu", forceTLS: true }, false)).toMatch(/^wss:\/\/ws-eu\.pusher\.com:443\/app\/k\?/);
  });
});
