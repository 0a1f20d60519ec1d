/**
 * Reduces a V8 .cpuprofile (from --cpu-prof) to the functions with the most self time, so a
 * bench run can say where the server spends its CPU without opening DevTools.
 * CLI: `npx tsx scripts/bench/profile-summary.ts FILE.cpuprofile [top]`.
 */
import { readFileSync } from "node:fs";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export interface HotFunction {
  name: string;
  location: string;
  selfMs: number;
  percent: number;
}

function shortLocation(url: string, line: number): string {
  if (!url) return "(native)";
  const path = url.replace(/^file:\/\//, "");
  const trimmed = path.includes("node_modules/")
    ? path.slice(path.lastIndexOf("node_modules/") + "node_modules/".length)
    : path.replace(/^.*?\/(lib|scripts)\//, "$1/");
  return `${trimmed}:${line + 1}`;
}

/** `percent` is of busy (non-idle) time, which is what a reader compares functions against. */
export function hotFunctions(file: string, top: number): { totalMs: number; busyMs: number; functions: HotFunction[] } {
  const profile = JSON.parse(readFileSync(file, "utf8")) as CpuProfile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parentOf = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parentOf.set(child, node.id);
  // Samples under node:inspector are the in-process profiler serialising itself, not the server.
  const profilerOwn = new Map<number, boolean>();
  const isProfilerOwn = (id: number): boolean => {
    const known = profilerOwn.get(id);
    if (known !== undefined) return known;
    const parent = parentOf.get(id);
    const own = byId.get(id)?.callFrame.url === "node:inspector" || (parent !== undefined && isProfilerOwn(parent));
    profilerOwn.set(id, own);
    return own;
  };
  const selfMicros = new Map<string, { name: string; location: string; micros: number }>();
  let totalMicros = 0;
  let idleMicros = 0;
  profile.samples.forEach((nodeId, index) => {
    const delta = profile.timeDeltas[index] ?? 0;
    const node = byId.get(nodeId);
    if (!node || isProfilerOwn(nodeId)) return;
    totalMicros += delta;
    const name = node.callFrame.functionName || "(anonymous)";
    if (name === "(idle)") idleMicros += delta;
    const location = shortLocation(node.callFrame.url, node.callFrame.lineNumber);
    const key = `${name}@${location}`;
    const entry = selfMicros.get(key) ?? { name, location, micros: 0 };
    entry.micros += delta;
    selfMicros.set(key, entry);
  });
  const busyMicros = Math.max(1, totalMicros - idleMicros);
  const functions = [...selfMicros.values()]
    .filter((entry) => entry.name !== "(idle)")
    .sort((a, b) => b.micros - a.micros)
    .slice(0, top)
    .map((entry) => ({
      name: entry.name,
      location: entry.location,
      selfMs: entry.micros / 1000,
      percent: (100 * entry.micros) / busyMicros,
    }));
  return { totalMs: totalMicros / 1000, busyMs: busyMicros / 1000, functions };
}

if (require.main === module) {
  const [file, top] = process.argv.slice(2);
  if (!file) {
    process.stderr.write("usage: tsx scripts/bench/profile-summary.ts FILE.cpuprofile [top]\n");
    process.exit(2);
  }
  const { totalMs, busyMs, functions } = hotFunctions(file, Number(top ?? 25));
  process.stdout.write(`profile ${file}: ${totalMs.toFixed(0)} ms sampled, ${busyMs.toFixed(0)} ms busy\n`);
  for (const entry of functions) {
    process.stdout.write(
      `${entry.selfMs.toFixed(1).padStart(9)} ms ${entry.percent.toFixed(1).padStart(5)}%  ${entry.name}  ${entry.location}\n`,
    );
  }
}
