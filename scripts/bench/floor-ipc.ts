/** Messages between the fan-out floor benchmark and its writer processes (floor-shard.ts). */

/** `net`: prepared frame bytes written to raw TCP sockets. `ws`: one `ws.send` per WebSocket. */
export type FloorMode = "net" | "ws";

export type FloorParentMessage = { type: "fanout" } | { type: "cpu" } | { type: "stop" };

export type FloorChildMessage =
  { type: "ready"; port: number } | { type: "fanned-out"; sockets: number } | { type: "cpu"; usage: NodeJS.CpuUsage };
