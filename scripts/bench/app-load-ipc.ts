/**
 * The bench's side of the tab process (scripts/bench/app-load.ts): the commands, their replies,
 * and a handle that spawns the process and sends it one command at a time with a time limit.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { join } from "node:path";

import type { PusherClientConfig } from "@/lib/pusher/client-config";

import type { Summary } from "./stats";
import { withTimeout } from "./timeouts";

export interface TabSnapshot {
  index: number;
  userId: string;
  socketId: string | null;
  status: string;
  signins: number;
  live: boolean;
  closed: boolean;
  terminatedAt: number | null;
}

export type LoadCommand =
  | { op: "configure"; config: PusherClientConfig; appUrl: string }
  | { op: "login"; users: { id: string; email: string; password: string }[]; concurrency: number }
  | { op: "open"; tabs: number; concurrency: number; timeoutMs: number }
  | { op: "close"; every: number }
  | { op: "wait-signins"; atLeast: number; timeoutMs: number }
  | { op: "wait-terminated"; userId: string; timeoutMs: number }
  | { op: "snapshot" }
  | { op: "stats" }
  | { op: "stop" };

export type LoadReply =
  | { op: "ok" }
  | { op: "login"; ms: number[]; failures: string[]; failed: number; elapsedMs: number }
  | {
      op: "open";
      elapsedMs: number;
      opened: number;
      dead: number;
      userAuthMs: Summary;
      userAuthQueuedMs: Summary;
      slowestUserAuth: { sentAfterS: number; ms: number; queuedMs: number }[];
    }
  | { op: "closed"; closedAt: number; socketIds: string[] }
  | { op: "signed-in"; elapsedMs: number; lastSignedInAt: number; lost: number }
  | { op: "terminated"; at: number[]; tabs: number }
  | { op: "snapshot"; tabs: TabSnapshot[]; answers: Record<string, number> }
  | { op: "stats"; cpuMicros: number; rss: number };

export class LoadHandle {
  private nextId = 1;
  private readonly pending = new Map<number, (message: { reply?: LoadReply; error?: string }) => void>();

  private constructor(private readonly child: ChildProcess) {
    child.on("message", (message: { id: number; reply?: LoadReply; error?: string }) => {
      this.pending.get(message.id)?.(message);
      this.pending.delete(message.id);
    });
    child.once("exit", (code, signal) => {
      for (const resolve of this.pending.values()) resolve({ error: `tab process exited (code ${code}, signal ${signal})` });
      this.pending.clear();
    });
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  static start(): LoadHandle {
    // --max-old-space-size: 10,000 pusher-js clients hold well over the default heap limit's worth.
    const child = spawn(process.execPath, ["--max-old-space-size=8192", "--import", "tsx", join(__dirname, "app-load.ts")], {
      stdio: ["ignore", "inherit", "inherit", "ipc"],
      env: { ...process.env, NODE_ENV: "production" },
    });
    return new LoadHandle(child);
  }

  async send<Op extends LoadReply["op"]>(command: LoadCommand, timeoutMs: number): Promise<Extract<LoadReply, { op: Op }>> {
    const id = this.nextId++;
    const answer = new Promise<{ reply?: LoadReply; error?: string }>((resolve) => this.pending.set(id, resolve));
    if (!this.child.connected) throw new Error("tab process is gone");
    this.child.send({ id, command });
    const message = await withTimeout(answer, timeoutMs, `tab process ${command.op}`);
    if (message.error !== undefined) throw new Error(`tab process ${command.op}: ${message.error}`);
    return message.reply as Extract<LoadReply, { op: Op }>;
  }

  kill(): void {
    if (this.child.exitCode === null && this.child.pid !== undefined) {
      try {
        process.kill(this.child.pid, "SIGKILL");
      } catch {
        // Already gone.
      }
    }
  }
}
