/**
 * CPU accounting per benchmark phase: the server child's CPU, this process's CPU, and what the
 * rest of the machine used meanwhile. The last figure matters because this checkout is shared:
 * other builds and test runs on the same 2 cores stretch wall-clock latencies, and a reader must
 * be able to tell a slow server from a busy machine.
 */
import { performance } from "node:perf_hooks";
import type { ServerStats } from "./ipc";
import { machineCpuMs } from "./machine";
import type { ServerHandle } from "./server-handle";
import { sleep } from "./timeouts";

export interface PhaseCpu {
  wallMs: number;
  serverCpuMs: number;
  loadCpuMs: number;
  /** CPU used by every other process during the phase, in ms; undefined off Linux. */
  otherCpuMs: number | undefined;
  /** otherCpuMs / wallMs: how many cores' worth the rest of the machine took. */
  otherCores: number | undefined;
}

interface Snapshot {
  at: number;
  server: ServerStats;
  load: NodeJS.CpuUsage;
  machine: number | undefined;
}

function serverCpuMs(stats: ServerStats): number {
  return (stats.cpuUserMicros + stats.cpuSystemMicros) / 1000;
}

export async function snapshot(server: ServerHandle): Promise<Snapshot> {
  const stats = await server.stats({ gc: false });
  return { at: performance.now(), server: stats, load: process.cpuUsage(), machine: machineCpuMs() };
}

export async function since(server: ServerHandle, start: Snapshot): Promise<PhaseCpu> {
  const end = await snapshot(server);
  const wallMs = end.at - start.at;
  const serverMs = serverCpuMs(end.server) - serverCpuMs(start.server);
  const loadMs = (end.load.user + end.load.system - start.load.user - start.load.system) / 1000;
  const otherCpuMs =
    end.machine === undefined || start.machine === undefined ? undefined : Math.max(0, end.machine - start.machine - serverMs - loadMs);
  return {
    wallMs,
    serverCpuMs: serverMs,
    loadCpuMs: loadMs,
    otherCpuMs,
    otherCores: otherCpuMs === undefined ? undefined : otherCpuMs / wallMs,
  };
}

/** Cores' worth of CPU the machine is using right now, sampled over `ms` (before the bench adds its own). */
export async function machineBusyCores(ms: number): Promise<number | undefined> {
  const before = machineCpuMs();
  const startedAt = performance.now();
  await sleep(ms);
  const after = machineCpuMs();
  if (before === undefined || after === undefined) return undefined;
  return (after - before) / (performance.now() - startedAt);
}
