/**
 * A V8 CPU profile of another process over its inspector (started with --inspect=127.0.0.1:PORT),
 * so the bench profiles one phase of the Next server without needing it to exit (--cpu-prof only
 * writes at exit, and `next start` does not always exit on SIGTERM while sockets linger).
 */
import { writeFileSync } from "node:fs";

import WebSocket from "ws";

import { withTimeout } from "./timeouts";

export class InspectorProfiler {
  private nextId = 1;
  private readonly pending = new Map<number, (message: { result?: unknown; error?: { message: string } }) => void>();

  private constructor(private readonly ws: WebSocket) {
    ws.on("message", (data: Buffer) => {
      const message = JSON.parse(data.toString("utf8")) as { id?: number; result?: unknown; error?: { message: string } };
      if (message.id !== undefined) this.pending.get(message.id)?.(message);
    });
  }

  static async connect(inspectorPort: number): Promise<InspectorProfiler> {
    const targets = (await (await fetch(`http://127.0.0.1:${inspectorPort}/json/list`)).json()) as { webSocketDebuggerUrl: string }[];
    const url = targets[0]?.webSocketDebuggerUrl;
    if (!url) throw new Error(`no inspector target on port ${inspectorPort}`);
    const ws = new WebSocket(url, { perMessageDeflate: false });
    await withTimeout(new Promise((resolve, reject) => ws.once("open", resolve).once("error", reject)), 10_000, "inspector connect");
    return new InspectorProfiler(ws);
  }

  private call<T>(method: string, params: object = {}): Promise<T> {
    const id = this.nextId++;
    const answer = new Promise<T>((resolve, reject) =>
      this.pending.set(id, (message) =>
        message.error ? reject(new Error(`${method}: ${message.error.message}`)) : resolve(message.result as T),
      ),
    );
    this.ws.send(JSON.stringify({ id, method, params }));
    return withTimeout(answer, 60_000, `inspector ${method}`).finally(() => this.pending.delete(id));
  }

  async start(): Promise<void> {
    await this.call("Profiler.enable");
    // 250 µs: fine enough for ~1 ms route handlers, coarse enough not to slow the server much.
    await this.call("Profiler.setSamplingInterval", { interval: 250 });
    await this.call("Profiler.start");
  }

  async stop(file: string): Promise<void> {
    const { profile } = await this.call<{ profile: unknown }>("Profiler.stop");
    writeFileSync(file, JSON.stringify(profile));
  }

  close(): void {
    this.ws.close();
  }
}
