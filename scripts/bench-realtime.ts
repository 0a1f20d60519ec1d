/**
 * Load benchmark of the embedded Pusher Channels–compatible server (`npm run bench:realtime`).
 *
 * The server runs in its own child process (scripts/bench/server-process.ts) so its RSS and CPU
 * time are measured without the load generator's; the load (raw WebSocket clients and the official
 * `pusher` SDK) runs here. Both share this machine's cores, which the report states.
 *
 * Options (flags or environment):
 *   --connections 1000,10000      BENCH_CONNECTIONS     client counts, one fresh server each
 *   --samples 1000                BENCH_SAMPLES         sendToUser calls measured per count
 *   --send-concurrency 1          BENCH_SEND_CONCURRENCY
 *   --fanout-rounds 10            BENCH_FANOUT_ROUNDS
 *   --connect-concurrency 200     BENCH_CONNECT_CONCURRENCY  handshakes + sign-ins in flight
 *   --no-user-channel             BENCH_NO_USER_CHANNEL=1    skip the #server-to-user subscription
 *   --profile                     BENCH_PROFILE=1       per-phase V8 CPU profiles of the server
 *   --out tmp/bench               BENCH_OUT
 *   --timeout-minutes 20          BENCH_TIMEOUT_MINUTES whole-run watchdog
 */
import { randomBytes } from "node:crypto";
import { Agent } from "node:http";
import { mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { performance } from "node:perf_hooks";
import Pusher from "pusher";
import { machineBusyCores, since, snapshot, type PhaseCpu } from "./bench/cpu";
import { ClientFleet, DIRECT_EVENT } from "./bench/load-client";
import { machineInfo, sourceInfo, type MachineInfo, type SourceInfo } from "./bench/machine";
import { BenchFlags } from "./bench/bench-options";
import { hotFunctions, type HotFunction } from "./bench/profile-summary";
import { ServerHandle, type ServerCredentials } from "./bench/server-handle";
import type { ServerStats } from "./bench/ipc";
import { formatBytes, formatMs, median, summarize, table, type Summary } from "./bench/stats";
import { sleep, withTimeout } from "./bench/timeouts";

const BROADCAST_CHANNEL = "bench-broadcast";
const TARGETS = {
  connections: 10_000,
  sendToUserP99Ms: 10,
  fanoutMs: 100,
  rssPerConnectionBytes: 16 * 1024,
};
/** Unmeasured calls first, so JIT compilation of both processes does not land in the samples. */
const SEND_WARMUP_CALLS = 50;
const FANOUT_WARMUP_ROUNDS = 1;

interface Options {
  connections: number[];
  samples: number;
  sendConcurrency: number;
  fanoutRounds: number;
  connectConcurrency: number;
  subscribeUserChannel: boolean;
  profile: boolean;
  outDir: string;
  timeoutMinutes: number;
}

interface RunResult {
  connections: number;
  /** Cores' worth of CPU other processes used just before this run started. */
  machineBusyBeforeCores: number | undefined;
  connect: { elapsedMs: number; perSecond: number; perClientSetupMs: Summary; cpu: PhaseCpu };
  memory: {
    baseline: ServerStats;
    loaded: ServerStats;
    rssPerConnectionBytes: number;
    heapUsedPerConnectionBytes: number;
    externalPerConnectionBytes: number;
  };
  sendToUser: { concurrency: number; deliveryMs: Summary; httpResponseMs: Summary; serverCpuMsPerCall: number; cpu: PhaseCpu };
  fanout: {
    rounds: number;
    lastReceivedMs: number[];
    firstReceivedMs: number[];
    httpResponseMs: number[];
    medianMs: number;
    worstMs: number;
    serverCpuMsPerRound: number;
    cpu: PhaseCpu;
  };
  held: { subscriptionCountAfterConnect: number; subscriptionCountAtEnd: number; unexpectedCloses: number; errors: string[] };
  profiles?: Record<string, { file: string; busyMs: number; top: HotFunction[] }>;
}

// ---------------------------------------------------------------------------------------------

function parseOptions(argv: string[]): Options {
  const known = ["connections", "samples", "send-concurrency", "fanout-rounds", "connect-concurrency", "out", "timeout-minutes"];
  const flags = BenchFlags.parse(argv, known, ["no-user-channel", "profile"]);
  return {
    connections: flags.positiveList("connections", "BENCH_CONNECTIONS", "1000,10000"),
    samples: flags.positive("samples", "BENCH_SAMPLES", 1000),
    sendConcurrency: flags.positive("send-concurrency", "BENCH_SEND_CONCURRENCY", 1),
    fanoutRounds: flags.positive("fanout-rounds", "BENCH_FANOUT_ROUNDS", 10),
    connectConcurrency: flags.positive("connect-concurrency", "BENCH_CONNECT_CONCURRENCY", 200),
    subscribeUserChannel: !flags.isSet("no-user-channel", "BENCH_NO_USER_CHANNEL"),
    profile: flags.isSet("profile", "BENCH_PROFILE"),
    outDir: resolve(flags.text("out", "BENCH_OUT", join("tmp", "bench"))),
    timeoutMinutes: flags.positive("timeout-minutes", "BENCH_TIMEOUT_MINUTES", 20),
  };
}

function log(message: string): void {
  process.stderr.write(`[bench] ${message}\n`);
}

/** Deterministic user choice, so two runs measure the same users. */
function* pseudoRandomIndexes(limit: number, seed: number): Generator<number> {
  let state = seed >>> 0;
  for (;;) {
    state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0;
    yield state % limit;
  }
}

// Module-level so the watchdog and signal handlers can clean up whatever is running.
let activeServer: ServerHandle | undefined;
let activeFleet: ClientFleet | undefined;

async function subscriptionCount(pusher: Pusher): Promise<number> {
  const response = await pusher.get({ path: `/channels/${BROADCAST_CHANNEL}`, params: { info: "subscription_count" } });
  const body = (await response.json()) as { subscription_count?: number };
  return body.subscription_count ?? 0;
}

async function profiled<T>(
  server: ServerHandle,
  options: Options,
  name: string,
  body: () => Promise<T>,
  into: Record<string, { file: string; busyMs: number; top: HotFunction[] }>,
): Promise<T> {
  if (!options.profile) return body();
  await server.startProfile();
  const result = await body();
  const file = join(options.outDir, `profile-${name}.cpuprofile`);
  await server.stopProfile(file);
  const { busyMs, functions } = hotFunctions(file, 12);
  into[name] = { file, busyMs, top: functions };
  return result;
}

async function runOne(count: number, options: Options, credentials: ServerCredentials, runTag: string): Promise<RunResult> {
  const machineBusyBeforeCores = await machineBusyCores(2_000);
  log(`N=${count}: other processes are using ${machineBusyBeforeCores?.toFixed(2) ?? "?"} cores; starting server child`);
  const server = await ServerHandle.start({ credentials, startTimeoutMs: 30_000 });
  activeServer = server;
  const profiles: Record<string, { file: string; busyMs: number; top: HotFunction[] }> = {};
  const agent = new Agent({ keepAlive: true, maxSockets: Math.max(4, options.sendConcurrency) });
  const pusher = new Pusher({ ...credentials, host: server.host, port: String(server.port), useTLS: false, timeout: 10_000, agent });
  const fleet = new ClientFleet({
    url: `ws://${server.host}:${server.port}/app/${credentials.key}?protocol=7&client=js&version=8.6.0&flash=false`,
    broadcastChannel: BROADCAST_CHANNEL,
    subscribeUserChannel: options.subscribeUserChannel,
    authenticate: (socketId, userId) => pusher.authenticateUser(socketId, { id: userId }),
    perClientTimeoutMs: 30_000,
  });
  activeFleet = fleet;

  try {
    // Let module loading and start-up allocations settle before the baseline.
    await sleep(500);
    const baseline = await server.stats({ gc: true });

    // --- connect + sign-in -------------------------------------------------------------------
    log(`N=${count}: connecting (${options.connectConcurrency} in flight)`);
    const beforeConnect = await snapshot(server);
    const connectTimeoutMs = 120_000 + count * 20;
    const connected = await profiled(
      server,
      options,
      `${runTag}-n${count}-connect`,
      () =>
        withTimeout(
          fleet.connect(count, options.connectConcurrency, (done) => log(`N=${count}: ${done} signed in`)),
          connectTimeoutMs,
          `connecting ${count} clients`,
        ),
      profiles,
    );
    const connectCpu = await since(server, beforeConnect);
    const subscriptionCountAfterConnect = await subscriptionCount(pusher);
    log(
      `N=${count}: ${connected.connected} signed in and subscribed in ${formatMs(connected.elapsedMs)} ms; server reports ${subscriptionCountAfterConnect} subscribers`,
    );

    // --- idle memory -------------------------------------------------------------------------
    await sleep(2_000);
    const loaded = await server.stats({ gc: true });

    // --- sendToUser --------------------------------------------------------------------------
    const samples = options.samples;
    log(`N=${count}: sendToUser x ${SEND_WARMUP_CALLS} warm-up + ${samples} (concurrency ${options.sendConcurrency})`);
    const indexes = pseudoRandomIndexes(count, 42);
    let sequence = 0;
    const deliveryMs: number[] = [];
    const httpMs: number[] = [];
    const sendOne = async (record: boolean) => {
      const clientIndex = indexes.next().value as number;
      const thisSequence = ++sequence;
      const delivered = fleet.expectDirect(clientIndex, thisSequence);
      const startedAt = performance.now();
      try {
        const [receivedAt, respondedAt] = await withTimeout(
          Promise.all([
            delivered,
            pusher.sendToUser(`user-${clientIndex}`, DIRECT_EVENT, { s: thisSequence }).then(() => performance.now()),
          ]),
          10_000,
          `sendToUser #${thisSequence} to user-${clientIndex}`,
        );
        if (record) {
          deliveryMs.push(receivedAt - startedAt);
          httpMs.push(respondedAt - startedAt);
        }
      } finally {
        fleet.cancelDirect(thisSequence);
      }
    };
    const sendMany = async (calls: number, record: boolean) => {
      let remaining = calls;
      const worker = async () => {
        while (remaining > 0) {
          remaining -= 1;
          await sendOne(record);
        }
      };
      await Promise.all(Array.from({ length: Math.min(options.sendConcurrency, calls) }, worker));
    };
    await sendMany(SEND_WARMUP_CALLS, false);
    const beforeSend = await snapshot(server);
    await profiled(server, options, `${runTag}-n${count}-send`, () => sendMany(samples, true), profiles);
    const sendCpu = await since(server, beforeSend);

    // --- broadcast fan-out -------------------------------------------------------------------
    log(`N=${count}: fan-out x ${FANOUT_WARMUP_ROUNDS} warm-up + ${options.fanoutRounds}`);
    const lastMs: number[] = [];
    const firstMs: number[] = [];
    const fanoutHttpMs: number[] = [];
    const fanoutOnce = async (round: number, record: boolean) => {
      const expectation = fleet.expectFanout();
      const startedAt = performance.now();
      try {
        const responded = pusher
          .trigger(BROADCAST_CHANNEL, "fanout", { r: round, message: "benchmark broadcast payload" })
          .then(() => performance.now());
        const timeoutMs = 30_000;
        const [arrivals, respondedAt] = await withTimeout(
          Promise.all([expectation.promise, responded]),
          timeoutMs,
          `fan-out round ${round}`,
        ).catch((error: unknown) => {
          throw new Error(`${error instanceof Error ? error.message : String(error)} (${fleet.fanoutProgress()} of ${count} received)`);
        });
        if (record) {
          lastMs.push(arrivals.lastAt - startedAt);
          firstMs.push(arrivals.firstAt - startedAt);
          fanoutHttpMs.push(respondedAt - startedAt);
        }
      } finally {
        expectation.cancel();
      }
      // Gap between rounds so one round's tail never overlaps the next round's start.
      await sleep(200);
    };
    for (let round = 0; round < FANOUT_WARMUP_ROUNDS; round++) await fanoutOnce(-1 - round, false);
    const beforeFanout = await snapshot(server);
    await profiled(
      server,
      options,
      `${runTag}-n${count}-fanout`,
      async () => {
        for (let round = 0; round < options.fanoutRounds; round++) await fanoutOnce(round, true);
      },
      profiles,
    );
    const fanoutCpu = await since(server, beforeFanout);

    const subscriptionCountAtEnd = await subscriptionCount(pusher);
    const problems = fleet.problems();

    // --- shutdown ----------------------------------------------------------------------------
    log(`N=${count}: closing clients`);
    const closed = await fleet.closeAll(5_000);
    if (closed.terminated > 0) log(`N=${count}: ${closed.terminated} clients did not finish the close handshake and were terminated`);
    activeFleet = undefined;
    const exitCode = await server.stop(15_000);
    activeServer = undefined;
    if (exitCode !== 0) log(`N=${count}: server child exited with code ${exitCode}`);
    agent.destroy();

    return {
      connections: count,
      machineBusyBeforeCores,
      connect: {
        elapsedMs: connected.elapsedMs,
        perSecond: (count / connected.elapsedMs) * 1000,
        perClientSetupMs: summarize(connected.setupMs),
        cpu: connectCpu,
      },
      memory: {
        baseline,
        loaded,
        rssPerConnectionBytes: (loaded.rss - baseline.rss) / count,
        heapUsedPerConnectionBytes: (loaded.heapUsed - baseline.heapUsed) / count,
        externalPerConnectionBytes: (loaded.external - baseline.external) / count,
      },
      sendToUser: {
        concurrency: options.sendConcurrency,
        deliveryMs: summarize(deliveryMs),
        httpResponseMs: summarize(httpMs),
        serverCpuMsPerCall: sendCpu.serverCpuMs / samples,
        cpu: sendCpu,
      },
      fanout: {
        rounds: options.fanoutRounds,
        lastReceivedMs: lastMs,
        firstReceivedMs: firstMs,
        httpResponseMs: fanoutHttpMs,
        medianMs: median(lastMs),
        worstMs: Math.max(...lastMs),
        serverCpuMsPerRound: fanoutCpu.serverCpuMs / options.fanoutRounds,
        cpu: fanoutCpu,
      },
      held: { subscriptionCountAfterConnect, subscriptionCountAtEnd, unexpectedCloses: problems.unexpectedCloses, errors: problems.errors },
      ...(options.profile ? { profiles } : {}),
    };
  } catch (error) {
    fleet.terminateAll();
    activeFleet = undefined;
    server.kill();
    activeServer = undefined;
    agent.destroy();
    throw error;
  }
}

// ---------------------------------------------------------------------------------------------

interface TargetVerdict {
  target: string;
  measured: string;
  met: boolean;
}

function verdicts(result: RunResult): TargetVerdict[] {
  const held = result.held.subscriptionCountAtEnd === result.connections && result.held.unexpectedCloses === 0;
  return [
    {
      target: `${result.connections} signed-in connections held`,
      measured: `${result.held.subscriptionCountAtEnd} subscribed at end, ${result.held.unexpectedCloses} dropped`,
      met: held,
    },
    {
      target: `sendToUser p99 < ${TARGETS.sendToUserP99Ms} ms`,
      measured: `${formatMs(result.sendToUser.deliveryMs.p99)} ms`,
      met: result.sendToUser.deliveryMs.p99 < TARGETS.sendToUserP99Ms,
    },
    {
      target: `fan-out median < ${TARGETS.fanoutMs} ms`,
      measured: `${formatMs(result.fanout.medianMs)} ms`,
      met: result.fanout.medianMs < TARGETS.fanoutMs,
    },
    {
      target: `fan-out worst < ${TARGETS.fanoutMs} ms`,
      measured: `${formatMs(result.fanout.worstMs)} ms`,
      met: result.fanout.worstMs < TARGETS.fanoutMs,
    },
    {
      target: `RSS per idle connection < 16 KiB`,
      measured: formatBytes(result.memory.rssPerConnectionBytes),
      met: result.memory.rssPerConnectionBytes < TARGETS.rssPerConnectionBytes,
    },
  ];
}

function cores(value: number | undefined): string {
  return value === undefined ? "n/a" : `${value.toFixed(2)} cores`;
}

function report(results: RunResult[], machine: MachineInfo, source: SourceInfo, options: Options): string {
  const header = [
    `Realtime server benchmark — ${new Date().toISOString()}`,
    `machine: ${machine.cpuModel}, ${machine.cores} cores, ${formatBytes(machine.totalMemoryBytes)} RAM, ${machine.os}, Node ${machine.node}, ulimit -n ${machine.openFilesLimit}`,
    `commit:  ${source.commit}${source.serverDirty ? " (lib/realtime-server has uncommitted changes)" : ""}`,
    `load:    raw ws clients + pusher SDK in the bench process; server in a child process; both share the ${machine.cores} cores`,
    `clients: signin + ${BROADCAST_CHANNEL}${options.subscribeUserChannel ? " + #server-to-user-{id}" : ""}; sendToUser concurrency ${options.sendConcurrency}`,
  ].join("\n");
  const columns = ["", ...results.map((result) => `N=${result.connections}`)];
  const row = (label: string, cell: (result: RunResult) => string) => [label, ...results.map(cell)];
  const main = table([
    columns,
    row("connect+signin total", (r) => `${(r.connect.elapsedMs / 1000).toFixed(2)} s`),
    row("connect+signin rate", (r) => `${r.connect.perSecond.toFixed(0)} conn/s`),
    row(
      "per-client setup p50 / p99",
      (r) => `${formatMs(r.connect.perClientSetupMs.p50)} / ${formatMs(r.connect.perClientSetupMs.p99)} ms`,
    ),
    row("server CPU per connection", (r) => `${((r.connect.cpu.serverCpuMs / r.connections) * 1000).toFixed(0)} µs`),
    row("load-gen CPU per connection", (r) => `${((r.connect.cpu.loadCpuMs / r.connections) * 1000).toFixed(0)} µs`),
    row("server RSS baseline", (r) => formatBytes(r.memory.baseline.rss)),
    row("server RSS loaded (idle)", (r) => formatBytes(r.memory.loaded.rss)),
    row("RSS per connection", (r) => formatBytes(r.memory.rssPerConnectionBytes)),
    row("  of which V8 heap", (r) => formatBytes(r.memory.heapUsedPerConnectionBytes)),
    row("sendToUser p50", (r) => `${formatMs(r.sendToUser.deliveryMs.p50)} ms`),
    row("sendToUser p95", (r) => `${formatMs(r.sendToUser.deliveryMs.p95)} ms`),
    row("sendToUser p99", (r) => `${formatMs(r.sendToUser.deliveryMs.p99)} ms`),
    row("sendToUser max", (r) => `${formatMs(r.sendToUser.deliveryMs.max)} ms`),
    row("  HTTP response p50", (r) => `${formatMs(r.sendToUser.httpResponseMs.p50)} ms`),
    row("  server CPU per call", (r) => `${(r.sendToUser.serverCpuMsPerCall * 1000).toFixed(0)} µs`),
    row("fan-out to all: median", (r) => `${formatMs(r.fanout.medianMs)} ms`),
    row("fan-out to all: worst", (r) => `${formatMs(r.fanout.worstMs)} ms`),
    row("  first client (median)", (r) => `${formatMs(median(r.fanout.firstReceivedMs))} ms`),
    row("  HTTP response (median)", (r) => `${formatMs(median(r.fanout.httpResponseMs))} ms`),
    row("  server CPU per fan-out", (r) => `${formatMs(r.fanout.serverCpuMsPerRound)} ms`),
    row("dropped connections", (r) => String(r.held.unexpectedCloses)),
    row("other processes before run", (r) => cores(r.machineBusyBeforeCores)),
    row("other processes: connect", (r) => cores(r.connect.cpu.otherCores)),
    row("other processes: sendToUser", (r) => cores(r.sendToUser.cpu.otherCores)),
    row("other processes: fan-out", (r) => cores(r.fanout.cpu.otherCores)),
  ]);
  const targetRows: string[][] = [["target", "measured", "verdict"]];
  for (const result of results) {
    for (const verdict of verdicts(result))
      targetRows.push([`N=${result.connections}: ${verdict.target}`, verdict.measured, verdict.met ? "met" : "MISSED"]);
  }
  const parts = [header, "", main, "", table(targetRows)];
  for (const result of results) {
    for (const [name, profile] of Object.entries(result.profiles ?? {})) {
      parts.push("", `server profile ${name} (${profile.busyMs.toFixed(0)} ms busy): ${profile.file}`);
      for (const entry of profile.top)
        parts.push(
          `  ${entry.selfMs.toFixed(1).padStart(8)} ms ${entry.percent.toFixed(1).padStart(5)}%  ${entry.name}  ${entry.location}`,
        );
    }
  }
  return parts.join("\n");
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  mkdirSync(options.outDir, { recursive: true });
  const watchdog = setTimeout(() => {
    log(`watchdog: the run exceeded ${options.timeoutMinutes} minutes; killing the server child and exiting`);
    activeFleet?.terminateAll();
    activeServer?.kill();
    process.exit(1);
  }, options.timeoutMinutes * 60_000);
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.once(signal, () => {
      activeFleet?.terminateAll();
      activeServer?.kill();
      process.exit(130);
    });
  }

  const machine = machineInfo();
  const source = sourceInfo();
  const runTag = new Date().toISOString().replace(/[:.]/g, "-");
  const credentials: ServerCredentials = { appId: "bench", key: randomBytes(10).toString("hex"), secret: randomBytes(10).toString("hex") };
  const maxConnections = Math.max(...options.connections);
  if (machine.openFilesLimit !== "unlimited" && Number(machine.openFilesLimit) < maxConnections + 200) {
    throw new Error(`ulimit -n is ${machine.openFilesLimit}; ${maxConnections} clients need at least ${maxConnections + 200} descriptors`);
  }

  const results: RunResult[] = [];
  for (const count of options.connections) results.push(await runOne(count, options, credentials, runTag));

  const text = report(results, machine, source, options);
  process.stdout.write(`\n${text}\n`);
  const file = join(options.outDir, `realtime-${runTag}.json`);
  writeFileSync(
    file,
    `${JSON.stringify({ date: new Date().toISOString(), machine, source, options, targets: TARGETS, results, verdicts: results.map((result) => ({ connections: result.connections, verdicts: verdicts(result) })) }, null, 2)}\n`,
  );
  process.stdout.write(`\nresults written to ${file}\n`);
  clearTimeout(watchdog);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    activeFleet?.terminateAll();
    activeServer?.kill();
    process.stderr.write(`[bench] FAILED: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
