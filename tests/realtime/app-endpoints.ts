/**
 * The app's /pusher/user-auth and /pusher/auth over real HTTP for pusher-js's own ajax transport
 * (the Node build's XMLHttpRequest), so a failed sign-in reaches the client exactly as in the
 * browser: an HTTPAuthError with the HTTP status, or status 0 when nothing answers. The endpoints
 * call the app's route files (app/pusher/user-auth/route.ts, app/pusher/auth/route.ts); a test can make them answer 503 for a while (`failNext`) or stop
 * listening altogether (`goDown`, connection refused) and come back on the same port (`comeBack`).
 *
 * pusher-js's Node XMLHttpRequest may not send a Cookie header, so each client sends its session
 * cookie as `x-test-session` and this server hands it to the handler as the cookie.
 */
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo, Socket } from "node:net";

import type { RealtimeClientOptions } from "@/components/realtime/pusher-client";
import { APP_URL } from "@/tests/support/app-harness";

export interface EndpointCall {
  path: "/pusher/user-auth" | "/pusher/auth";
  status: number;
  socketId: string;
  channelName?: string;
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

export async function startAppEndpoints() {
  // The route files, so the answer is the app's, database-outage 503 included.
  const { POST: userAuthRoute } = await import("@/app/pusher/user-auth/route");
  const { POST: channelAuthRoute } = await import("@/app/pusher/auth/route");
  const calls: EndpointCall[] = [];
  let failures = 0;
  let failStatus = 503;
  const sockets = new Set<Socket>();

  const server: Server = createServer((req, res) => {
    void (async () => {
      const body = await readBody(req);
      const path = new URL(req.url ?? "/", APP_URL).pathname;
      if (path !== "/pusher/user-auth" && path !== "/pusher/auth") {
        res.writeHead(404).end();
        return;
      }
      const fields = new URLSearchParams(body);
      const call: EndpointCall = {
        path,
        status: 0,
        socketId: fields.get("socket_id") ?? "",
        ...(fields.get("channel_name") ? { channelName: fields.get("channel_name")! } : {}),
      };
      let response: Response;
      if (path === "/pusher/user-auth" && failures > 0) {
        failures -= 1;
        response = Response.json(
          { error: "The database is unavailable right now. Try again in a few seconds." },
          { status: failStatus, headers: { "Retry-After": "5" } },
        );
      } else {
        const headers = new Headers({ "content-type": "application/x-www-form-urlencoded", "user-agent": "vitest pusher-js ajax" });
        const session = req.headers["x-test-session"];
        if (typeof session === "string") headers.set("cookie", session);
        const request = new Request(`${APP_URL}${path}`, { method: "POST", headers, body });
        response = path === "/pusher/user-auth" ? await userAuthRoute(request) : await channelAuthRoute(request);
      }
      call.status = response.status;
      calls.push(call);
      res.writeHead(response.status, Object.fromEntries(response.headers)).end(await response.text());
    })().catch((error: unknown) => {
      res.writeHead(500).end(String(error));
    });
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  const url = `http://127.0.0.1:${port}`;

  const closeServer = async () => {
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    for (const socket of sockets) socket.destroy();
    await closed;
  };

  return {
    calls,
    /** The next `count` user-auth requests answer `status` (503 unless told) without reaching the handler. */
    failNext(count: number, status = 503) {
      failures = count;
      failStatus = status;
    },
    /** Stops listening: every request is refused at the TCP level, like an app being restarted. */
    goDown: closeServer,
    /** Listens again on the same port. */
    async comeBack() {
      await new Promise<void>((resolve, reject) => {
        server.once("error", reject);
        server.listen(port, "127.0.0.1", () => {
          server.off("error", reject);
          resolve();
        });
      });
    },
    /** createRealtimeClient's auth options for a tab holding this session cookie. */
    clientOptions(cookie: string): Pick<RealtimeClientOptions, "userAuthentication" | "channelAuthorization"> {
      const headers = { "x-test-session": cookie };
      return {
        userAuthentication: { endpoint: `${url}/pusher/user-auth`, transport: "ajax", headers },
        channelAuthorization: { endpoint: `${url}/pusher/auth`, transport: "ajax", headers },
      };
    },
    close: closeServer,
  };
}

/**
 * A TCP relay in front of the realtime server: `drop()` cuts every socket through it at once (a
 * network blip or a load balancer restart), and pusher-js reconnects through it.
 */
export async function startSocketRelay(targetPort: number) {
  const { createServer: createTcpServer, connect } = await import("node:net");
  const pairs = new Set<Socket>();
  const relay = createTcpServer((client) => {
    const upstream = connect(targetPort, "127.0.0.1");
    pairs.add(client);
    pairs.add(upstream);
    client.pipe(upstream).pipe(client);
    const end = () => {
      client.destroy();
      upstream.destroy();
      pairs.delete(client);
      pairs.delete(upstream);
    };
    client.on("error", end).on("close", end);
    upstream.on("error", end).on("close", end);
  });
  await new Promise<void>((resolve) => relay.listen(0, "127.0.0.1", resolve));
  return {
    port: (relay.address() as AddressInfo).port,
    drop() {
      for (const socket of pairs) socket.destroy();
    },
    async close() {
      for (const socket of pairs) socket.destroy();
      await new Promise<void>((resolve) => relay.close(() => resolve()));
    },
  };
}
