/**
 * The processes under test in `npm run bench:app`: the production Next server (`next start`, as
 * `npm start` runs it) and the standalone realtime server (`npm run realtime`'s script), each its
 * own process, started with a fixed loopback port so the realtime server can be stopped and
 * started again on the same address. CPU time and RSS are read from /proc for the process and all
 * its descendants, so a worker Next might fork is counted too.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { createWriteStream, mkdirSync, readdirSync, readFileSync } from "node:fs";
import { connect } from "node:net";
import { join } from "node:path";
import { performance } from "node:perf_hooks";

import { sleep } from "./timeouts";
import { nextStartArgs } from "../support/next-start-args";

function descendants(pid: number): number[] {
  const all = [pid];
  for (let index = 0; index < all.length; index++) {
    const parent = all[index]!;
    try {
      for (const task of readdirSync(`/proc/${parent}/task`)) {
        const children = readFileSync(`/proc/${parent}/task/${task}/children`, "utf8").trim();
        if (children) all.push(...children.split(/\s+/).map(Number));
      }
    } catch {
      // The process ended between the listing and the read.
    }
  }
  return all;
}

/** CPU time (user + system, ms) of the process tree; /proc counts in 10 ms ticks. */
export function treeCpuMs(pid: number): number {
  let ticks = 0;
  for (const member of descendants(pid)) {
    try {
      const stat = readFileSync(`/proc/${member}/stat`, "utf8");
      // The command name (field 2) may contain spaces: split after its closing parenthesis.
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      ticks += Number(fields[11]) + Number(fields[12]);
    } catch {
      // Gone meanwhile.
    }
  }
  return ticks * 10;
}

export function treeRssBytes(pid: number): number {
  let kib = 0;
  for (const member of descendants(pid)) {
    try {
      const match = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${member}/status`, "utf8"));
      kib += Number(match?.[1] ?? 0);
    } catch {
      // Gone meanwhile.
    }
  }
  return kib * 1024;
}

function portAccepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: "127.0.0.1", port });
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

export class BenchProcess {
  /** When set, each process's whole output also goes to `<logDir>/<name>-<pid>.log`. */
  static logDir: string | null = null;
  private readonly exited: Promise<number | null>;
  readonly output: string[] = [];
  readonly logFile: string | null = null;

  private constructor(
    readonly name: string,
    private readonly child: ChildProcess,
  ) {
    this.exited = new Promise((resolve) => child.once("exit", (code) => resolve(code)));
    const keep = (chunk: Buffer) => {
      // The last lines only, for the failure message.
      this.output.push(...chunk.toString("utf8").split("\n").filter(Boolean));
      if (this.output.length > 200) this.output.splice(0, this.output.length - 200);
    };
    child.stdout?.on("data", keep);
    child.stderr?.on("data", keep);
    if (BenchProcess.logDir && child.pid !== undefined) {
      mkdirSync(BenchProcess.logDir, { recursive: true });
      this.logFile = join(BenchProcess.logDir, `${name.replace(/[^a-z0-9]+/gi, "-")}-${child.pid}.log`);
      const file = createWriteStream(this.logFile);
      child.stdout?.pipe(file, { end: false });
      child.stderr?.pipe(file, { end: false });
    }
  }

  get pid(): number {
    if (this.child.pid === undefined) throw new Error(`${this.name} has no pid`);
    return this.child.pid;
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  cpuMs(): number {
    return treeCpuMs(this.pid);
  }

  rssBytes(): number {
    return treeRssBytes(this.pid);
  }

  static spawn(name: string, args: string[], env: NodeJS.ProcessEnv): BenchProcess {
    return BenchProcess.spawnCommand(name, process.execPath, args, env);
  }

  static spawnCommand(name: string, command: string, args: string[], env: NodeJS.ProcessEnv): BenchProcess {
    const child = spawn(command, args, { stdio: ["ignore", "pipe", "pipe"], env, cwd: process.cwd() });
    return new BenchProcess(name, child);
  }

  /** Resolves once the port accepts connections (and `ready()` holds, if given). */
  async waitReady(port: number, timeoutMs: number, ready?: () => Promise<boolean>): Promise<number> {
    const startedAt = performance.now();
    while (performance.now() - startedAt < timeoutMs) {
      if (!this.running) throw new Error(`${this.name} exited during start-up:\n${this.output.slice(-30).join("\n")}`);
      if ((await portAccepts(port)) && (!ready || (await ready().catch(() => false)))) return performance.now() - startedAt;
      await sleep(100);
    }
    throw new Error(`${this.name} was not ready within ${timeoutMs} ms:\n${this.output.slice(-30).join("\n")}`);
  }

  /** SIGTERM (the shutdown under test), SIGKILL by PID after `graceMs`. */
  async stop(graceMs: number): Promise<number | null> {
    if (!this.running) return this.child.exitCode;
    this.child.kill("SIGTERM");
    const timer = setTimeout(() => this.kill(), graceMs);
    try {
      return await this.exited;
    } finally {
      clearTimeout(timer);
    }
  }

  kill(): void {
    if (this.running) this.child.kill("SIGKILL");
  }
}

export interface AppCredentials {
  appId: string;
  key: string;
  secret: string;
}

/**
 * `npm run realtime` without tsx's CLI wrapper, so the PID measured is the server itself (and
 * SIGTERM reaches it directly). Limits lifted: every simulated tab comes from 127.0.0.1.
 */
export function spawnRealtime(
  credentials: AppCredentials,
  port: number,
  webhookUrl: string,
  nodeArgs: string[] = [],
  env: Record<string, string> = {},
): BenchProcess {
  return BenchProcess.spawn("realtime server", [...nodeArgs, "--import", "tsx", join("scripts", "realtime.ts")], {
    ...process.env,
    NODE_ENV: "production",
    PUSHER_APP_ID: credentials.appId,
    PUSHER_KEY: credentials.key,
    PUSHER_SECRET: credentials.secret,
    PUSHER_PORT: String(port),
    PUSHER_BIND_HOST: "127.0.0.1",
    PUSHER_WEBHOOK_URLS: webhookUrl,
    PUSHER_MAX_CONNECTIONS: "200000",
    PUSHER_MAX_CONNECTIONS_PER_IP: "200000",
    ...env,
  });
}

export interface AppEnvironment {
  port: number;
  databaseUrl: string;
  nextAuthSecret: string;
  credentials: AppCredentials;
  realtimePort: number;
  /** The project directory `next start` serves (a copy of the build, see app-build.ts). */
  buildDir: string;
}

/** What `npm start` runs after its launcher: `next start` of the production build, self-hosted backend. */
export function spawnNext(app: AppEnvironment, nodeArgs: string[] = []): BenchProcess {
  const nextBin = join("node_modules", "next", "dist", "bin", "next");
  return BenchProcess.spawn("next start", [...nodeArgs, nextBin, ...nextStartArgs(app.port, "127.0.0.1"), app.buildDir], {
    ...process.env,
    NODE_ENV: "production",
    NEXT_TELEMETRY_DISABLED: "1",
    DATABASE_URL: app.databaseUrl,
    NEXTAUTH_URL: `http://127.0.0.1:${app.port}`,
    NEXTAUTH_SECRET: app.nextAuthSecret,
    PUSHER_APP_ID: app.credentials.appId,
    PUSHER_KEY: app.credentials.key,
    PUSHER_SECRET: app.credentials.secret,
    PUSHER_HOST: "127.0.0.1",
    PUSHER_PORT: String(app.realtimePort),
    PUSHER_USE_TLS: "false",
    SEED_DEMO_ACCOUNTS: "false",
  });
}
