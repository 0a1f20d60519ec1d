/** The facts a reader needs to compare benchmark figures across machines and commits. */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import os from "node:os";

export interface MachineInfo {
  cpuModel: string;
  cores: number;
  totalMemoryBytes: number;
  node: string;
  os: string;
  openFilesLimit: string;
}

export interface SourceInfo {
  commit: string;
  /** Uncommitted changes under lib/realtime-server at run time: the figures describe that working tree. */
  serverDirty: boolean;
}

function cpuModel(): string {
  try {
    const match = /^model name\s*:\s*(.+)$/m.exec(readFileSync("/proc/cpuinfo", "utf8"));
    if (match?.[1]) return match[1].trim();
  } catch {
    // Not Linux: fall through to what Node reports.
  }
  return os.cpus()[0]?.model ?? "unknown";
}

function openFilesLimit(): string {
  try {
    return execFileSync("sh", ["-c", "ulimit -n"], { encoding: "utf8" }).trim();
  } catch {
    return "unknown";
  }
}

export function machineInfo(): MachineInfo {
  return {
    cpuModel: cpuModel(),
    cores: os.availableParallelism(),
    totalMemoryBytes: os.totalmem(),
    node: process.version,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    openFilesLimit: openFilesLimit(),
  };
}

export function sourceInfo(): SourceInfo {
  const git = (...args: string[]) => execFileSync("git", args, { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
  try {
    return { commit: git("rev-parse", "HEAD"), serverDirty: git("status", "--porcelain", "--", "lib/realtime-server").length > 0 };
  } catch {
    return { commit: "unknown", serverDirty: false };
  }
}

/** Whole-machine CPU time so far (all processes, all cores), from /proc/stat; undefined off Linux. */
export function machineCpuMs(): number | undefined {
  try {
    const line = readFileSync("/proc/stat", "utf8").split("\n", 1)[0] ?? "";
    const [, user, nice, system, , , irq, softirq, steal] = line.trim().split(/\s+/).map(Number);
    // /proc/stat counts in USER_HZ ticks, which is 100 on every Linux ABI Node supports.
    return ((user ?? 0) + (nice ?? 0) + (system ?? 0) + (irq ?? 0) + (softirq ?? 0) + (steal ?? 0)) * 10;
  } catch {
    return undefined;
  }
}

/**
 * Handshakes the kernel dropped because a listening socket's accept queue was full (TcpExt
 * ListenOverflows in /proc/net/netstat, machine-wide, since boot); undefined off Linux. Each such
 * client waits out TCP's retransmission backoff, so a phase's increase explains its latency tail.
 */
export function listenOverflows(): number | undefined {
  try {
    const lines = readFileSync("/proc/net/netstat", "utf8")
      .split("\n")
      .filter((line) => line.startsWith("TcpExt:"));
    const names = lines[0]?.trim().split(/\s+/) ?? [];
    const values = lines[1]?.trim().split(/\s+/) ?? [];
    const index = names.indexOf("ListenOverflows");
    return index > 0 ? Number(values[index]) : undefined;
  } catch {
    return undefined;
  }
}
