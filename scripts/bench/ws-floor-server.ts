/**
 * The least a Node.js `ws` server can do for the sign-in comparison (scripts/bench/signin-compare.ts):
 * accept the upgrade, send connection_established, verify the pusher:signin HMAC and answer
 * signin_success, acknowledge the #server-to-user subscription. No registry, no limits, no
 * watchlist, no channels: the CPU and RSS it needs per socket are the floor for any server built on
 * Node's net + ws, as the realtime server is. Run by the bench only (loopback, port from argv).
 */
import { createHmac, randomInt, timingSafeEqual } from "node:crypto";
import { createServer } from "node:http";

import { WebSocketServer, type RawData, type WebSocket } from "ws";

const [, , portText, key = "", secret = ""] = process.argv;
const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false, clientTracking: false });
const server = createServer((_, response) => response.writeHead(404).end());

function onMessage(client: WebSocket & { socketId: string }, data: RawData): void {
  const frame = JSON.parse(String(data)) as { event: string; data: { auth?: string; user_data?: string; channel?: string } };
  if (frame.event === "pusher:signin") {
    const { auth = "", user_data: userData = "" } = frame.data;
    const expected = Buffer.from(`${key}:${createHmac("sha256", secret).update(`${client.socketId}::user::${userData}`).digest("hex")}`);
    const given = Buffer.from(auth);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) return void client.close(4009, "bad signature");
    client.send(JSON.stringify({ event: "pusher:signin_success", data: JSON.stringify({ user_data: userData }) }));
  } else if (frame.event === "pusher:subscribe") {
    client.send(JSON.stringify({ event: "pusher_internal:subscription_succeeded", channel: frame.data.channel, data: "{}" }));
  } else if (frame.event === "pusher:ping") {
    client.send('{"event":"pusher:pong","data":"{}"}');
  }
}

server.on("upgrade", (request, socket, head) => {
  wss.handleUpgrade(request, socket, head, (ws) => {
    const client = ws as WebSocket & { socketId: string };
    client.socketId = `${randomInt(1, 2 ** 31)}.${randomInt(1, 2 ** 31)}`;
    client.on("message", (data: RawData) => onMessage(client, data));
    client.send(
      JSON.stringify({
        event: "pusher:connection_established",
        data: JSON.stringify({ socket_id: client.socketId, activity_timeout: 120 }),
      }),
    );
  });
});
server.listen(Number(portText), "127.0.0.1");
process.on("SIGTERM", () => process.exit(0));
