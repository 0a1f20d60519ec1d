/**
 * The body caps through real HTTP, the way `next start` hands a request to a route handler: a
 * Node HTTP server, Next's own NodeNextRequest → NextRequestAdapter (the body is the Node request
 * stream) and Next's sendResponse. Clients are a raw TCP socket streaming a chunked body that
 * never ends, and Node's fetch. The 413 must reach the client while it is still sending.
 */
import { createServer, type Server } from "node:http";
import { connect } from "node:net";
import type { AddressInfo } from "node:net";

import { NodeNextRequest, NodeNextResponse } from "next/dist/server/base-http/node";
import { sendResponse } from "next/dist/server/send-response";
import { NextRequestAdapter, signalFromNodeResponse } from "next/dist/server/web/spec-extension/adapters/next-request";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { APP, createCast, signedWebhook, startHarness, webhookBody, type Harness } from "@/tests/support/app-harness";

let harness: Harness;
let server: Server;
let port: number;
let cookie: string;

beforeAll(async () => {
  harness = await startHarness({ webhooks: false });
  cookie = (await createCast(harness)).aliceCookie;
  const { handlePusherWebhook } = await import("@/lib/pusher/webhook");
  const { handleUserAuth } = await import("@/lib/pusher/sign-user-auth");
  const routes: Record<string, (request: Request) => Promise<Response>> = {
    "/api/pusher/webhook": handlePusherWebhook,
    "/pusher/user-auth": handleUserAuth,
  };
  server = createServer((req, res) => {
    void (async () => {
      const nextRequest = new NodeNextRequest(req);
      const request = NextRequestAdapter.fromNodeNextRequest(nextRequest, signalFromNodeResponse(res));
      const route = routes[new URL(request.url).pathname];
      const response = route ? await route(request) : new Response("no route", { status: 404 });
      await sendResponse(nextRequest, new NodeNextResponse(res), response);
    })().catch((error: unknown) => res.writeHead(500).end(String(error)));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  server?.closeAllConnections();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  await harness?.close();
});

/**
 * Sends request headers, then 64 KiB chunks until the server answers; resolves with the status
 * line and how much was sent. Never ends the body.
 */
function streamEndlessChunkedBody(
  path: string,
  headers: Record<string, string>,
): Promise<{ statusLine: string; sentBytes: number; elapsedMs: number }> {
  return new Promise((resolve, reject) => {
    const startedAt = Date.now();
    const socket = connect(port, "127.0.0.1");
    const chunk = Buffer.concat([Buffer.from("10000\r\n"), Buffer.alloc(0x10000, 0x61), Buffer.from("\r\n")]);
    let sentBytes = 0;
    let answered = false;
    const pump = () => {
      while (!answered && socket.writable && socket.write(chunk)) sentBytes += 0x10000;
      if (!answered && socket.writable) socket.once("drain", pump);
    };
    socket.on("connect", () => {
      const head = Object.entries({ Host: `127.0.0.1:${port}`, "Transfer-Encoding": "chunked", ...headers })
        .map(([name, value]) => `${name}: ${value}\r\n`)
        .join("");
      socket.write(`POST ${path} HTTP/1.1\r\n${head}\r\n`);
      pump();
    });
    socket.once("data", (data: Buffer) => {
      answered = true;
      resolve({ statusLine: data.toString("latin1").split("\r\n")[0]!, sentBytes, elapsedMs: Date.now() - startedAt });
      socket.destroy();
    });
    socket.on("error", (error) => {
      if (!answered) reject(error);
    });
  });
}

describe("through a real HTTP server with Next's request adapter", () => {
  it("a never-ending webhook body gets 413 while the client is still sending", { timeout: 5_000 }, async () => {
    const { statusLine, elapsedMs } = await streamEndlessChunkedBody("/api/pusher/webhook", {
      "Content-Type": "application/json",
      "X-Pusher-Key": APP.key,
      "X-Pusher-Signature": "0".repeat(64),
    });
    expect(statusLine).toBe("HTTP/1.1 413 Payload Too Large");
    expect(elapsedMs).toBeLessThan(2_000);
  });

  it("a never-ending /pusher/user-auth body gets 413 while the client is still sending", { timeout: 5_000 }, async () => {
    const { statusLine } = await streamEndlessChunkedBody("/pusher/user-auth", {
      "Content-Type": "application/x-www-form-urlencoded",
      Cookie: cookie,
    });
    expect(statusLine).toBe("HTTP/1.1 413 Payload Too Large");
  });

  it("a declared Content-Length over the limit is refused with the JSON reason", async () => {
    const response = await fetch(`http://127.0.0.1:${port}/api/pusher/webhook`, {
      method: "POST",
      headers: { "Content-Type": "application/json", "Content-Length": String(300 * 1024) },
      body: "x".repeat(300 * 1024),
    });
    expect(response.status).toBe(413);
    expect(await response.json()).toEqual({ ok: false, error: "Request body is too large: this endpoint accepts at most 256 KiB." });
  });

  it("a correctly signed delivery still goes through", async () => {
    const body = webhookBody([{ name: "channel_occupied", channel: "private-connection-1.1" }]);
    const response = await fetch(`http://127.0.0.1:${port}/api/pusher/webhook`, { method: "POST", headers: signedWebhook(body), body });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ ok: true });
  });
});
