/**
 * Parent side of the server child: spawns scripts/bench/server-process.ts under tsx with an IPC
 * channel, waits for its port, asks it for memory/CPU figures, and stops it by PID.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { join } from "node:path";
import { ChildEnv, type ChildMessage, type ParentMessage, type Request, type ServerStats } from "./ipc";
import { withTimeout } from "./timeouts";

export interface ServerCredentials {
  appId: string;
  key: string;
  secret: string;
}

export interface StartOptions {
  credentials: ServerCredentials;
  startTimeoutMs: number;
}

export class ServerHandle {
  private nextRequestId = 1;
  private readonly pending = new Map<number, (message: { stats?: ServerStats; error?: string }) => void>();
  private exited = false;
  private readonly exitPromise: Promise<number | null>;

  private constructor(
    private readonly child: ChildProcess,
    readonly port: number,
    readonly host: string,
  ) {
    this.exitPromise = new Promise((resolve) => {
      if (child.exitCode !== null) resolve(child.exitCode);
      else child.once("exit", (code) => resolve(code));
    });
    child.on("message", (message: ChildMessage) => {
      if (message.type !== "response") return;
      this.pending.get(message.id)?.(message);
      this.pending.delete(message.id);
    });
    child.once("exit", () => {
      this.exited = true;
    });
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get hasExited(): boolean {
    return this.exited;
  }

  static async start(options: StartOptions): Promise<ServerHandle> {
    const nodeArgs = ["--expose-gc", "--import", "tsx"];
    const child = spawn(process.execPath, [...nodeArgs, join(__dirname, "server-process.ts")], {
      stdio: ["ignore", "inherit", "inherit", "ipc"],
      env: {
        ...process.env,
        [ChildEnv.appId]: options.credentials.appId,
        [ChildEnv.key]: options.credentials.key,
        [ChildEnv.secret]: options.credentials.secret,
      },
    });

    const ready = new Promise<{ port: number; host: string }>((resolve, reject) => {
      child.on("message", (message: ChildMessage) => {
        if (message.type === "ready") resolve({ port: message.port, host: message.host });
        else if (message.type === "error") reject(new Error(`server child: ${message.message}`));
      });
      child.once("error", (error) => reject(new Error(`could not spawn the server child: ${error.message}`)));
      child.once("exit", (code, signal) => reject(new Error(`server child exited before it was ready (code ${code}, signal ${signal})`)));
    });
    try {
      const { port, host } = await withTimeout(ready, options.startTimeoutMs, "server child start-up");
      return new ServerHandle(child, port, host);
    } catch (error) {
      if (child.exitCode === null && child.pid !== undefined) process.kill(child.pid, "SIGKILL");
      throw error;
    }
  }

  async stats(options: { gc: boolean }): Promise<ServerStats> {
    const { stats } = await this.request({ op: "stats", gc: options.gc });
    if (!stats) throw new Error("server child answered a stats query without stats");
    return stats;
  }

  async startProfile(): Promise<void> {
    await this.request({ op: "profile-start" });
  }

  async stopProfile(file: string): Promise<void> {
    await this.request({ op: "profile-stop", file });
  }

  private async request(request: Request, timeoutMs = 30_000): Promise<{ stats?: ServerStats }> {
    if (this.exited) throw new Error("server child has exited");
    const id = this.nextRequestId++;
    const answer = new Promise<{ stats?: ServerStats; error?: string }>((resolve) => this.pending.set(id, resolve));
    this.post({ type: "request", id, request });
    try {
      const response = await withTimeout(answer, timeoutMs, `server child ${request.op} request`);
      if (response.error !== undefined) throw new Error(`server child ${request.op}: ${response.error}`);
      return response;
    } finally {
      this.pending.delete(id);
    }
  }

  /** Asks for a graceful close; SIGKILLs by PID after the grace period. */
  async stop(graceMs: number): Promise<number | null> {
    if (this.exited) return this.child.exitCode;
    this.post({ type: "stop" });
    try {
      return await withTimeout(this.exitPromise, graceMs, "server child shutdown");
    } catch {
      this.kill();
      return withTimeout(this.exitPromise, 5_000, "server child SIGKILL");
    }
  }

  kill(): void {
    if (!this.exited && this.child.pid !== undefined) {
      try {
        process.kill(this.child.pid, "SIGKILL");
      } catch {
        // Already gone between the check and the kill.
      }
    }
  }

  private post(message: ParentMessage): void {
    if (this.child.connected) this.child.send(message);
  }
}
