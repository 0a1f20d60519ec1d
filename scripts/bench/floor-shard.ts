/**
 * One writer process of the fan-out floor benchmark (scripts/bench-tcp-floor.ts). It holds the
 * sockets the parent opens to it and, on each `fanout` request, writes one prepared WebSocket text
 * frame to every one of them in a single synchronous loop — the least work any Node server can do
 * per recipient. Started by the parent with an IPC channel; not meant to be run by hand.
 */
import net from "node:net";
import { WebSocketServer, type WebSocket } from "ws";
import type { FloorChildMessage, FloorMode, FloorParentMessage } from "./floor-ipc";

/** The bench's broadcast event as the realtime server serialises it. */
const FANOUT_FRAME_TEXT = JSON.stringify({
  event: "fanout",
  channel: "bench-broadcast",
  data: JSON.stringify({ r: 1, message: "benchmark broadcast payload" }),
});

/** An unmasked server-to-client text frame (FIN + opcode 1), as every recipient receives it. */
function textFrame(text: string): Buffer {
  const payload = Buffer.from(text, "utf8");
  if (payload.length > 125) throw new Error("floor frame must fit a one-byte length");
  return Buffer.concat([Buffer.from([0x81, payload.length]), payload]);
}

function send(message: FloorChildMessage): void {
  if (process.connected) process.send?.(message);
}

function start(mode: FloorMode): void {
  let fanOut: () => number;
  let listen: (ready: (port: number) => void) => void;

  if (mode === "net") {
    // Raw TCP: the frame bytes are built once and handed to each socket as they are.
    const frame = textFrame(FANOUT_FRAME_TEXT);
    const sockets = new Set<net.Socket>();
    const server = net.createServer((socket) => {
      socket.setNoDelay(true);
      sockets.add(socket);
      socket.on("close", () => sockets.delete(socket));
      socket.on("error", () => sockets.delete(socket));
    });
    fanOut = () => {
      for (const socket of sockets) socket.write(frame);
      return sockets.size;
    };
    listen = (ready) => server.listen(0, "127.0.0.1", () => ready((server.address() as net.AddressInfo).port));
  } else {
    // Plain `ws`, the library the realtime server is built on: one ws.send per recipient.
    const payload = Buffer.from(FANOUT_FRAME_TEXT, "utf8");
    const clients = new Set<WebSocket>();
    const server = new WebSocketServer({ host: "127.0.0.1", port: 0, perMessageDeflate: false });
    server.on("connection", (ws) => {
      clients.add(ws);
      ws.on("close", () => clients.delete(ws));
      ws.on("error", () => clients.delete(ws));
    });
    fanOut = () => {
      for (const ws of clients) ws.send(payload, { binary: false });
      return clients.size;
    };
    listen = (ready) => server.once("listening", () => ready((server.address() as net.AddressInfo).port));
  }

  process.on("message", (message: FloorParentMessage) => {
    switch (message.type) {
      case "fanout":
        send({ type: "fanned-out", sockets: fanOut() });
        return;
      case "cpu":
        send({ type: "cpu", usage: process.cpuUsage() });
        return;
      case "stop":
        process.exit(0);
    }
  });
  // An orphaned writer (parent crashed or was killed) must not linger holding its port.
  process.on("disconnect", () => process.exit(0));
  listen((port) => send({ type: "ready", port }));
}

const mode = process.argv[2];
if (!process.send || (mode !== "net" && mode !== "ws")) {
  process.stderr.write("floor-shard: started by scripts/bench-tcp-floor.ts with an IPC channel and a mode (net|ws)\n");
  process.exit(2);
}
start(mode);
