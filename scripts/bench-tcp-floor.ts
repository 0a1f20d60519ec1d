/**
 * Fan-out floor of this machine (`npm run bench:tcp-floor`): how fast can *any* Node.js process
 * write one small WebSocket frame to N loopback sockets, with the receiving clients on the same
 * cores? It puts the realtime server's fan-out figure (`npm run bench:realtime`) in context: the
 * server cannot beat the cost of the writes themselves.
 *
 * Writers (scripts/bench/floor-shard.ts, one child process each) do nothing but loop over their
 * sockets: `net` writes prepared frame bytes to raw TCP sockets, `ws` calls `ws.send` per socket.
 * The receivers are raw TCP sockets in this process that only count arrivals (the `ws` mode does a
 * hand-written upgrade handshake first), i.e. the cheapest client Node can run. With 2+ writers the
 * sockets are split round-robin, which shows whether sharding the server across processes helps.
 *
 * Options (flags or environment):
 *   --connections 10000   BENCH_FLOOR_CONNECTIONS
 *   --writers 1,2         BENCH_FLOOR_WRITERS   writer-process counts to try
 *   --modes net,ws        BENCH_FLOOR_MODES
 *   --rounds 10           BENCH_FLOOR_ROUNDS    measured rounds per configuration (after 2 warm-ups)
 *   --out tmp/bench       BENCH_OUT
 */
import { fork, type ChildProcess } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import net from "node:net";
import { join, resolve } from "node:path";
import { performance } from "node:perf_hooks";
import type { FloorChildMessage, FloorMode, FloorParentMessage } from "./bench/floor-ipc";
import { machineCpuMs, machineInfo, sourceInfo } from "./bench/machine";
import { BenchFlags } from "./bench/bench-options";
import { formatMs, median, table } from "./bench/stats";
import { sleep, withTimeout } from "./bench/timeouts";

const WARMUP_ROUNDS = 2;
const PAUSE_BETWEEN_ROUNDS_MS = 100;
const CONNECT_CONCURRENCY = 200;
const UPGRADE_REQUEST =
  "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
  "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";

interface Options {
  connections: number;
  writers: number[];
  modes: FloorMode[];
  rounds: number;
  outDir: string;
}

interface CpuSplit {
  userMs: number;
  systemMs: number;
}

interface ConfigResult {
  mode: FloorMode;
  writers: number;
  connections: number;
  lastReceivedMs: number[];
  medianMs: number;
  worstMs: number;
  /** Per round, summed over all writer processes. */
  writerCpu: CpuSplit;
  /** Per round, the receiving process. */
  receiverCpu: CpuSplit;
  /** Per round, everything else on the machine (another job on the shared cores shows here). */
  otherCpuMs: number | undefined;
}

function log(message: string): void {
  process.stderr.write(`[floor] ${message}\n`);
}

function parseOptions(argv: string[]): Options {
  const flags = BenchFlags.parse(argv, ["connections", "writers", "modes", "rounds", "out"]);
  const modes = flags
    .text("modes", "BENCH_FLOOR_MODES", "net,ws")
    .split(",")
    .map((part) => part.trim());
  for (const mode of modes) if (mode !== "net" && mode !== "ws") throw new Error(`--modes: unknown mode "${mode}" (net, ws)`);
  return {
    connections: flags.positive("connections", "BENCH_FLOOR_CONNECTIONS", 10_000),
    writers: flags.positiveList("writers", "BENCH_FLOOR_WRITERS", "1,2"),
    modes: modes as FloorMode[],
    rounds: flags.positive("rounds", "BENCH_FLOOR_ROUNDS", 10),
    outDir: resolve(flags.text("out", "BENCH_OUT", "tmp/bench")),
  };
}

/** A writer child and a typed request/response over its IPC channel (one request at a time). */
class Writer {
  private constructor(
    private readonly child: ChildProcess,
    readonly port: number,
  ) {}

  static async start(mode: FloorMode): Promise<Writer> {
    const child = fork(join(__dirname, "bench", "floor-shard.ts"), [mode], {
      execArgv: ["--import", "tsx"],
      stdio: ["ignore", "inherit", "inherit", "ipc"],
    });
    const ready = await withTimeout(
      new Promise<FloorChildMessage>((resolveReady, reject) => {
        child.once("message", resolveReady);
        child.once("exit", (code) => reject(new Error(`writer exited with ${code} before it was ready`)));
      }),
      30_000,
      "starting a writer process",
    );
    if (ready.type !== "ready") throw new Error(`writer sent ${ready.type} before ready`);
    return new Writer(child, ready.port);
  }

  request<T extends FloorChildMessage["type"]>(message: FloorParentMessage, answer: T): Promise<Extract<FloorChildMessage, { type: T }>> {
    return new Promise((resolveAnswer) => {
      const onMessage = (reply: FloorChildMessage) => {
        if (reply.type !== answer) return;
        this.child.off("message", onMessage);
        resolveAnswer(reply as Extract<FloorChildMessage, { type: T }>);
      };
      this.child.on("message", onMessage);
      this.child.send(message);
    });
  }

  stop(): void {
    if (this.child.connected) this.child.send({ type: "stop" } satisfies FloorParentMessage);
    // By PID, in case it does not exit on its own.
    setTimeout(() => this.child.kill("SIGKILL"), 2_000).unref();
  }
}

/** Raw TCP receivers: count one arrival per socket per round, nothing else. */
class Receivers {
  private readonly sockets: net.Socket[] = [];
  private received = 0;
  private expected = 0;
  private onAll: (() => void) | undefined;
  bytes = 0;

  async open(ports: readonly number[], count: number, mode: FloorMode): Promise<void> {
    let next = 0;
    const worker = async () => {
      while (next < count) {
        const index = next++;
        this.sockets.push(await this.openOne(ports[index % ports.length] ?? 0, mode));
      }
    };
    await Promise.all(Array.from({ length: Math.min(CONNECT_CONCURRENCY, count) }, worker));
  }

  private openOne(port: number, mode: FloorMode): Promise<net.Socket> {
    return new Promise((resolveSocket, reject) => {
      const socket = net.connect(port, "127.0.0.1");
      socket.setNoDelay(true);
      socket.once("error", reject);
      const counting = () => {
        socket.on("data", (chunk: Buffer) => {
          this.bytes += chunk.length;
          if (++this.received === this.expected) this.onAll?.();
        });
        resolveSocket(socket);
      };
      if (mode === "net") {
        socket.once("connect", counting);
        return;
      }
      socket.once("connect", () => socket.write(UPGRADE_REQUEST));
      socket.once("data", (chunk: Buffer) => {
        const head = chunk.toString("latin1");
        if (!head.startsWith("HTTP/1.1 101") || !head.endsWith("\r\n\r\n")) {
          reject(new Error(`unexpected upgrade response: ${head.slice(0, 80)}`));
          return;
        }
        counting();
      });
    });
  }

  expectRound(): Promise<void> {
    this.received = 0;
    this.expected = this.sockets.length;
    return new Promise((resolveRound) => (this.onAll = resolveRound));
  }

  get count(): number {
    return this.sockets.length;
  }

  destroy(): void {
    for (const socket of this.sockets) socket.destroy();
  }
}

async function writersCpu(writers: readonly Writer[]): Promise<NodeJS.CpuUsage> {
  const usages = await Promise.all(writers.map((writer) => writer.request({ type: "cpu" }, "cpu")));
  return usages.reduce((sum, { usage }) => ({ user: sum.user + usage.user, system: sum.system + usage.system }), { user: 0, system: 0 });
}

async function runConfig(mode: FloorMode, writerCount: number, options: Options): Promise<ConfigResult> {
  const writers: Writer[] = [];
  const receivers = new Receivers();
  try {
    for (let index = 0; index < writerCount; index++) writers.push(await Writer.start(mode));
    await withTimeout(
      receivers.open(
        writers.map((writer) => writer.port),
        options.connections,
        mode,
      ),
      120_000,
      `opening ${options.connections} sockets`,
    );
    const round = async () => {
      const arrived = receivers.expectRound();
      const startedAt = performance.now();
      for (const writer of writers) writer.request({ type: "fanout" }, "fanned-out").catch(() => undefined);
      await withTimeout(arrived, 10_000, "a fan-out round");
      return performance.now() - startedAt;
    };
    for (let index = 0; index < WARMUP_ROUNDS; index++) {
      await round();
      await sleep(PAUSE_BETWEEN_ROUNDS_MS);
    }
    const writerBefore = await writersCpu(writers);
    const receiverBefore = process.cpuUsage();
    const machineBefore = machineCpuMs();
    const lastReceivedMs: number[] = [];
    for (let index = 0; index < options.rounds; index++) {
      lastReceivedMs.push(await round());
      await sleep(PAUSE_BETWEEN_ROUNDS_MS);
    }
    const machineAfter = machineCpuMs();
    const receiverAfter = process.cpuUsage();
    const writerAfter = await writersCpu(writers);
    const perRound = (micros: number) => micros / 1000 / options.rounds;
    const writerCpu = {
      userMs: perRound(writerAfter.user - writerBefore.user),
      systemMs: perRound(writerAfter.system - writerBefore.system),
    };
    const receiverCpu = {
      userMs: perRound(receiverAfter.user - receiverBefore.user),
      systemMs: perRound(receiverAfter.system - receiverBefore.system),
    };
    const framesSent = (WARMUP_ROUNDS + options.rounds) * receivers.count;
    if (receivers.bytes % framesSent !== 0)
      throw new Error(`received ${receivers.bytes} bytes for ${framesSent} frames: a frame was split or lost`);
    return {
      mode,
      writers: writerCount,
      connections: receivers.count,
      lastReceivedMs,
      medianMs: median(lastReceivedMs),
      worstMs: Math.max(...lastReceivedMs),
      writerCpu,
      receiverCpu,
      otherCpuMs:
        machineBefore === undefined || machineAfter === undefined
          ? undefined
          : Math.max(
              0,
              (machineAfter - machineBefore) / options.rounds -
                writerCpu.userMs -
                writerCpu.systemMs -
                receiverCpu.userMs -
                receiverCpu.systemMs,
            ),
    };
  } finally {
    receivers.destroy();
    for (const writer of writers) writer.stop();
  }
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const machine = machineInfo();
  // Per process: the receivers hold every socket, each writer its share.
  if (machine.openFilesLimit !== "unlimited" && Number(machine.openFilesLimit) < options.connections + 200) {
    throw new Error(
      `ulimit -n is ${machine.openFilesLimit}; ${options.connections} sockets need at least ${options.connections + 200} descriptors`,
    );
  }
  const results: ConfigResult[] = [];
  for (const mode of options.modes) {
    for (const writers of options.writers) {
      log(`${mode}, ${writers} writer process(es), ${options.connections} sockets`);
      results.push(await runConfig(mode, writers, options));
    }
  }

  const cpu = (split: CpuSplit) => `${formatMs(split.userMs)} + ${formatMs(split.systemMs)}`;
  const rows = [
    ["mode", "writers", "median", "worst", "writer CPU user+sys", "receiver CPU user+sys", "total CPU", "other procs"],
    ...results.map((result) => [
      result.mode,
      String(result.writers),
      `${formatMs(result.medianMs)} ms`,
      `${formatMs(result.worstMs)} ms`,
      `${cpu(result.writerCpu)} ms`,
      `${cpu(result.receiverCpu)} ms`,
      `${formatMs(result.writerCpu.userMs + result.writerCpu.systemMs + result.receiverCpu.userMs + result.receiverCpu.systemMs)} ms`,
      result.otherCpuMs === undefined ? "?" : `${formatMs(result.otherCpuMs)} ms`,
    ]),
  ];
  const header = [
    `machine: ${machine.cpuModel}, ${machine.cores} cores, Node ${machine.node}, ${machine.os}`,
    `${options.connections} sockets, ${options.rounds} rounds per row (+${WARMUP_ROUNDS} warm-up); CPU figures are per round`,
  ].join("\n");
  process.stdout.write(`\n${header}\n\n${table(rows)}\n`);
  mkdirSync(options.outDir, { recursive: true });
  const file = join(options.outDir, `tcp-floor-${new Date().toISOString().replace(/[:.]/g, "-")}.json`);
  writeFileSync(file, `${JSON.stringify({ date: new Date().toISOString(), machine, source: sourceInfo(), options, results }, null, 2)}\n`);
  process.stdout.write(`\nresults written to ${file}\n`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`[floor] FAILED: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
