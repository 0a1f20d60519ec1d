/**
 * Messages exchanged over the IPC channel between the bench (parent) and the server child.
 * Kept in one module so both sides agree on the shapes at compile time.
 */

export interface ServerStats {
  rss: number;
  heapUsed: number;
  heapTotal: number;
  external: number;
  arrayBuffers: number;
  /** Cumulative process CPU time in microseconds (process.cpuUsage()). */
  cpuUserMicros: number;
  cpuSystemMicros: number;
  /** False when the child was started without --expose-gc, so RSS includes collectable garbage. */
  gcRan: boolean;
}

export type Request =
  | { op: "stats"; gc: boolean }
  /** In-process V8 profiler, so each benchmark phase gets its own profile. */
  | { op: "profile-start" }
  | { op: "profile-stop"; file: string };

export type ParentMessage = { type: "request"; id: number; request: Request } | { type: "stop" };

export type ChildMessage =
  | { type: "ready"; port: number; host: string }
  | { type: "response"; id: number; stats?: ServerStats; error?: string }
  | { type: "error"; message: string }
  | { type: "stopped" };

/** Environment variables through which the parent hands the app credentials to the child. */
export const ChildEnv = {
  appId: "BENCH_APP_ID",
  key: "BENCH_APP_KEY",
  secret: "BENCH_APP_SECRET",
} as const;
