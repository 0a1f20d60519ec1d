/**
 * The realtime server under test, alone in its own process so that its RSS and CPU time are not
 * mixed with the load generator's. Started by server-handle.ts with an IPC channel; not meant to
 * be run by hand.
 */
import { writeFileSync } from "node:fs";
import { Session } from "node:inspector";
import { createServer, silentLogger, type RealtimeServer } from "../../lib/realtime-server/index";
import { ChildEnv, type ChildMessage, type ParentMessage, type Request, type ServerStats } from "./ipc";

const gc = (globalThis as { gc?: () => void }).gc;

function send(message: ChildMessage): void {
  // After the parent went away, send() would throw ERR_IPC_CHANNEL_CLOSED.
  if (process.connected) process.send?.(message);
}

function collectStats(runGc: boolean): ServerStats {
  if (runGc && gc) {
    // Two passes: the first can leave objects that only become unreachable once finalizers ran.
    gc();
    gc();
  }
  const memory = process.memoryUsage();
  const cpu = process.cpuUsage();
  return {
    rss: memory.rss,
    heapUsed: memory.heapUsed,
    heapTotal: memory.heapTotal,
    external: memory.external,
    arrayBuffers: memory.arrayBuffers,
    cpuUserMicros: cpu.user,
    cpuSystemMicros: cpu.system,
    gcRan: runGc && gc !== undefined,
  };
}

let session: Session | undefined;

function post<T>(method: string, params?: object): Promise<T> {
  return new Promise((resolve, reject) => {
    if (!session) {
      reject(new Error("no inspector session"));
      return;
    }
    session.post(method, params ?? {}, (error, result) => (error ? reject(error) : resolve(result as T)));
  });
}

async function handle(request: Request): Promise<ServerStats | undefined> {
  switch (request.op) {
    case "stats":
      return collectStats(request.gc);
    case "profile-start":
      session ??= new Session();
      session.connect();
      await post("Profiler.enable");
      // 100 µs: fine enough to see per-socket work inside a ~100 ms fan-out.
      await post("Profiler.setSamplingInterval", { interval: 100 });
      await post("Profiler.start");
      return undefined;
    case "profile-stop": {
      const { profile } = await post<{ profile: unknown }>("Profiler.stop");
      writeFileSync(request.file, JSON.stringify(profile));
      session?.disconnect();
      session = undefined;
      return undefined;
    }
  }
}

async function main(): Promise<void> {
  if (!process.send) {
    process.stderr.write("server-process: must be started by the benchmark with an IPC channel\n");
    process.exit(2);
  }
  const appId = process.env[ChildEnv.appId];
  const key = process.env[ChildEnv.key];
  const secret = process.env[ChildEnv.secret];
  if (!appId || !key || !secret) {
    send({ type: "error", message: "missing app credentials in the environment" });
    process.exit(2);
  }

  let server: RealtimeServer;
  try {
    server = await createServer({ appId, key, secret, port: 0, host: "127.0.0.1", logger: silentLogger });
  } catch (error) {
    send({ type: "error", message: `createServer failed: ${error instanceof Error ? error.message : String(error)}` });
    process.exit(1);
  }

  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    // A server that cannot close within the grace period must not keep the bench waiting.
    setTimeout(() => process.exit(3), 10_000).unref();
    server.close().then(
      () => {
        send({ type: "stopped" });
        process.exit(0);
      },
      () => process.exit(1),
    );
  };

  process.on("message", (message: ParentMessage) => {
    if (message.type === "stop") {
      stop();
      return;
    }
    const { id } = message;
    handle(message.request).then(
      (stats) => send({ type: "response", id, stats }),
      (error: unknown) => send({ type: "response", id, error: error instanceof Error ? error.message : String(error) }),
    );
  });
  // An orphaned server (bench crashed or was killed) must not linger holding the port.
  process.on("disconnect", stop);
  process.on("SIGTERM", stop);

  send({ type: "ready", port: server.port, host: server.host });
}

void main();
