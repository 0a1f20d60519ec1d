/**
 * The load generator: N raw-protocol WebSocket clients (ws, no pusher-js) that connect, sign in
 * with `pusher:signin`, join `#server-to-user-{id}` as pusher-js does after signin_success, and join
 * one public broadcast channel. Once set up, each client only answers server pings and timestamps
 * the benchmark's own events, with as little work per frame as possible because this process
 * shares the CPU with the server and its per-frame cost inflates every latency measured here.
 */
import { performance } from "node:perf_hooks";
import WebSocket from "ws";

import { serverToUserChannel } from "../../lib/pusher/channel-names";

export interface FleetOptions {
  url: string;
  broadcastChannel: string;
  /** pusher-js subscribes to #server-to-user-{id} after sign-in; the bench mimics that by default. */
  subscribeUserChannel: boolean;
  /** Returns the `pusher:signin` auth for a socket, e.g. the server SDK's authenticateUser. */
  authenticate(socketId: string, userId: string): { auth: string; user_data: string };
  perClientTimeoutMs: number;
}

export interface ConnectResult {
  connected: number;
  elapsedMs: number;
  /** Time from socket creation to the last setup acknowledgement, per client. */
  setupMs: number[];
}

interface BenchClient {
  readonly index: number;
  readonly userId: string;
  readonly ws: WebSocket;
  ready: boolean;
}

interface PendingDelivery {
  clientIndex: number;
  resolve(receivedAt: number): void;
}

/** Server frames are serialised with `event` first, so a prefix test avoids JSON.parse on the hot path. */
const FANOUT_EVENT = "fanout";
const FANOUT_PREFIX = `{"event":"${FANOUT_EVENT}"`;
export const DIRECT_EVENT = "bench";

export class ClientFleet {
  private readonly clients: BenchClient[] = [];
  private readonly pendingDeliveries = new Map<number, PendingDelivery>();
  private fanout: { expected: number; received: number; firstAt: number; lastAt: number; done(): void } | undefined;
  private unexpectedCloses = 0;
  private readonly errors: string[] = [];
  private closing = false;

  constructor(private readonly options: FleetOptions) {}

  get size(): number {
    return this.clients.length;
  }

  /** Problems seen since start: unexpected closes and pusher:error frames. */
  problems(): { unexpectedCloses: number; errors: string[] } {
    return { unexpectedCloses: this.unexpectedCloses, errors: [...this.errors] };
  }

  /**
   * Opens `count` clients with at most `concurrency` handshakes/sign-ins in flight, so the
   * server's listen backlog is not flooded with SYNs it would drop (which costs 1 s+ retransmits).
   */
  async connect(count: number, concurrency: number, onProgress?: (done: number) => void): Promise<ConnectResult> {
    const startedAt = performance.now();
    const setupMs: number[] = new Array<number>(count);
    let next = 0;
    let done = 0;
    let failure: Error | undefined;
    const worker = async () => {
      while (failure === undefined && next < count) {
        const index = next++;
        const clientStartedAt = performance.now();
        try {
          await this.open(index);
        } catch (error) {
          failure ??= error instanceof Error ? error : new Error(String(error));
          return;
        }
        setupMs[index] = performance.now() - clientStartedAt;
        done += 1;
        if (onProgress && done % 1000 === 0) onProgress(done);
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
    if (failure) throw failure;
    return { connected: done, elapsedMs: performance.now() - startedAt, setupMs };
  }

  /**
   * Resolves with the receive time (performance.now()) of a `bench` event carrying `sequence`
   * at the given client. Call before triggering so an early frame cannot be missed.
   */
  expectDirect(clientIndex: number, sequence: number): Promise<number> {
    return new Promise((resolve) => this.pendingDeliveries.set(sequence, { clientIndex, resolve }));
  }

  cancelDirect(sequence: number): void {
    this.pendingDeliveries.delete(sequence);
  }

  /** Resolves once every client has received one `fanout` frame: {firstAt, lastAt} in performance.now() time. */
  expectFanout(): { promise: Promise<{ firstAt: number; lastAt: number; received: number }>; cancel(): void } {
    let resolveFn: (value: { firstAt: number; lastAt: number; received: number }) => void = () => {};
    const promise = new Promise<{ firstAt: number; lastAt: number; received: number }>((resolve) => {
      resolveFn = resolve;
    });
    const state = {
      expected: this.clients.length,
      received: 0,
      firstAt: 0,
      lastAt: 0,
      done: () => resolveFn({ firstAt: state.firstAt, lastAt: state.lastAt, received: state.received }),
    };
    this.fanout = state;
    return {
      promise,
      cancel: () => {
        if (this.fanout === state) this.fanout = undefined;
      },
    };
  }

  /** How many clients got the current fan-out so far (for a timeout message). */
  fanoutProgress(): number {
    return this.fanout?.received ?? 0;
  }

  /** Sends close frames, waits up to `graceMs` for the handshakes, then terminates the rest. */
  async closeAll(graceMs: number): Promise<{ closedCleanly: number; terminated: number }> {
    this.closing = true;
    const waits = this.clients.map(
      (client) =>
        new Promise<boolean>((resolve) => {
          if (client.ws.readyState === WebSocket.CLOSED) {
            resolve(true);
            return;
          }
          const timer = setTimeout(() => {
            client.ws.terminate();
            resolve(false);
          }, graceMs);
          client.ws.once("close", () => {
            clearTimeout(timer);
            resolve(true);
          });
          client.ws.close(1000, "benchmark done");
        }),
    );
    const results = await Promise.all(waits);
    const closedCleanly = results.filter(Boolean).length;
    return { closedCleanly, terminated: results.length - closedCleanly };
  }

  /** Last resort on failure paths: no handshakes, just drop every socket. */
  terminateAll(): void {
    this.closing = true;
    for (const client of this.clients) client.ws.terminate();
  }

  private open(index: number): Promise<void> {
    const { options } = this;
    const userId = `user-${index}`;
    const ws = new WebSocket(options.url, {
      perMessageDeflate: false,
      // The server is trusted here; UTF-8 validation is per-frame load-generator CPU.
      skipUTF8Validation: true,
      handshakeTimeout: options.perClientTimeoutMs,
    });
    const client: BenchClient = { index, userId, ws, ready: false };
    this.clients.push(client);

    return new Promise<void>((resolve, reject) => {
      const awaiting = new Set<string>();
      const timer = setTimeout(() => {
        fail(
          `client ${index} did not finish connect/sign-in/subscribe within ${options.perClientTimeoutMs} ms (waiting for: ${[...awaiting].join(", ") || "open"})`,
        );
      }, options.perClientTimeoutMs);
      const fail = (reason: string) => {
        clearTimeout(timer);
        reject(new Error(reason));
      };
      const succeed = () => {
        clearTimeout(timer);
        client.ready = true;
        resolve();
      };

      ws.on("error", (error) => {
        if (!client.ready) fail(`client ${index}: ${error.message}`);
      });
      ws.on("close", (code, reason) => {
        if (!client.ready) fail(`client ${index} closed during setup: ${code} ${reason.toString()}`);
        else if (!this.closing) {
          this.unexpectedCloses += 1;
          if (this.errors.length < 20) this.errors.push(`client ${index} closed by server: ${code} ${reason.toString()}`);
        }
      });
      ws.on("message", (data: Buffer) => {
        const text = data.toString("utf8");
        if (text.startsWith(FANOUT_PREFIX)) {
          this.onFanoutFrame();
          return;
        }
        let frame: { event?: unknown; channel?: unknown; data?: unknown };
        try {
          frame = JSON.parse(text) as typeof frame;
        } catch {
          this.recordError(`client ${index}: non-JSON frame ${text.slice(0, 80)}`);
          return;
        }
        switch (frame.event) {
          case "pusher:connection_established": {
            const socketId = (JSON.parse(String(frame.data)) as { socket_id: string }).socket_id;
            const signin = options.authenticate(socketId, userId);
            awaiting.add("pusher:signin_success");
            ws.send(JSON.stringify({ event: "pusher:signin", data: { auth: signin.auth, user_data: signin.user_data } }));
            awaiting.add(options.broadcastChannel);
            ws.send(JSON.stringify({ event: "pusher:subscribe", data: { auth: "", channel: options.broadcastChannel } }));
            return;
          }
          case "pusher:signin_success":
            awaiting.delete("pusher:signin_success");
            if (options.subscribeUserChannel) {
              const channel = serverToUserChannel(userId);
              awaiting.add(channel);
              ws.send(JSON.stringify({ event: "pusher:subscribe", data: { auth: "", channel } }));
            }
            if (awaiting.size === 0) succeed();
            return;
          case "pusher_internal:subscription_succeeded":
            awaiting.delete(String(frame.channel));
            if (awaiting.size === 0) succeed();
            return;
          case "pusher:ping":
            ws.send('{"event":"pusher:pong","data":{}}');
            return;
          case DIRECT_EVENT:
            this.onDirectFrame(index, frame.data);
            return;
          case FANOUT_EVENT:
            this.onFanoutFrame();
            return;
          case "pusher:error":
          case "pusher:subscription_error":
            this.recordError(`client ${index}: ${text.slice(0, 200)}`);
            if (!client.ready) fail(`client ${index} got ${text.slice(0, 200)}`);
            return;
        }
      });
    });
  }

  private onFanoutFrame(): void {
    const state = this.fanout;
    if (!state) return;
    const now = performance.now();
    if (state.received === 0) state.firstAt = now;
    state.received += 1;
    state.lastAt = now;
    if (state.received === state.expected) {
      this.fanout = undefined;
      state.done();
    }
  }

  private onDirectFrame(clientIndex: number, data: unknown): void {
    const receivedAt = performance.now();
    let sequence: number;
    try {
      sequence = (JSON.parse(String(data)) as { s: number }).s;
    } catch {
      this.recordError(`client ${clientIndex}: unparseable ${DIRECT_EVENT} data`);
      return;
    }
    const pending = this.pendingDeliveries.get(sequence);
    if (!pending) return;
    if (pending.clientIndex !== clientIndex) {
      this.recordError(`sendToUser #${sequence} reached client ${clientIndex}, expected ${pending.clientIndex}`);
      return;
    }
    this.pendingDeliveries.delete(sequence);
    pending.resolve(receivedAt);
  }

  private recordError(message: string): void {
    if (this.errors.length < 20) this.errors.push(message);
  }
}
