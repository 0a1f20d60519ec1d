/**
 * Load benchmark of the whole app in production mode (`npm run bench:app`): `next start` of the
 * production build (run `npm run build` first) with the standalone realtime server (`npm run
 * realtime`) as its self-hosted Pusher backend, on SQLite and on PostgreSQL, driven by simulated
 * browser tabs in a separate process (scripts/bench/app-load.ts: next-auth login over HTTP, then
 * the app's pusher-js wiring with /pusher/user-auth and /pusher/auth).
 *
 * Per database: login rate (a flood of --login-concurrency logins, while an admin polls the roster
 * API), a sign-in storm of N tabs, the admin console at N (/admin HTML, roster API), kick latency,
 * churn (half the tabs close), and a reconnect storm after the realtime server is stopped (SIGTERM)
 * and started again: every tab must sign in again and the roster (the database's connection rows)
 * must match the tabs exactly. CPU of the app, the realtime server and the tabs per phase, from /proc.
 *
 * Options (flags or environment):
 *   --tabs 1000,10000           BENCH_TABS            tab counts, one fresh app + database each
 *   --tabs-per-user 5           BENCH_TABS_PER_USER   users = ceil(tabs / this); each user logs in once
 *   --databases sqlite,postgresql BENCH_DATABASES
 *   --login-concurrency 50      BENCH_LOGIN_CONCURRENCY
 *   --open-concurrency 200      BENCH_OPEN_CONCURRENCY tabs signing in at once during the storm
 *   --build                     BENCH_BUILD=1         run `next build` first (under /tmp/next-build.lock)
 *   --build-dir DIR             BENCH_BUILD_DIR       serve this project directory's existing build instead
 *   --profile                   BENCH_PROFILE=1       V8 CPU profile of the Next server during the storm (inspector)
 *   --compare-connections 10000 BENCH_COMPARE_CONNECTIONS  the realtime server vs soketi 1.6.1 vs bare ws:
 *                                                     CPU per sign-in, RSS per connection (signin-compare.ts)
 *   --no-compare / --compare-only                     skip that part / run only that part
 *   --out tmp/bench             BENCH_OUT
 *   --step-timeout-minutes M    BENCH_STEP_TIMEOUT_MINUTES  limit of each storm/settle step (default: 5, or
 *                                                     1 per 1,000 tabs when more)
 *   --timeout-minutes 30        BENCH_TIMEOUT_MINUTES whole-run watchdog
 */
import { randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { performance } from "node:perf_hooks";

import { createDatabaseClient, type DatabaseClient } from "@/lib/db/create-client";
import { migrateDatabase } from "@/lib/db/migrate";
import { hashPassword } from "@/lib/auth/password";

import { snapshotProductionBuild } from "./bench/app-build";
import { BrowserHttp, destroyAgents } from "./bench/app-http";
import { LoadHandle } from "./bench/app-load-ipc";
import { freePort } from "../tests/support/free-port";
import { BenchProcess, spawnNext, spawnRealtime, type AppCredentials } from "./bench/app-process";
import { listenOverflows, machineCpuMs, machineInfo, sourceInfo } from "./bench/machine";
import { compareWithSoketi, type BackendFigures } from "./bench/signin-compare";
import { InspectorProfiler } from "./bench/inspector-profile";
import { BenchFlags } from "./bench/bench-options";
import { hotFunctions } from "./bench/profile-summary";
import { formatBytes, formatMs, summarize, table, type Summary } from "./bench/stats";
import { sleep, withTimeout } from "./bench/timeouts";

const flags = BenchFlags.parse(
  process.argv.slice(2),
  [
    "tabs",
    "tabs-per-user",
    "databases",
    "login-concurrency",
    "open-concurrency",
    "compare-connections",
    "build-dir",
    "out",
    "timeout-minutes",
    "step-timeout-minutes",
  ],
  ["profile", "build", "no-compare", "compare-only"],
);
const options = {
  tabs: flags.positiveList("tabs", "BENCH_TABS", "1000,10000"),
  tabsPerUser: flags.positive("tabs-per-user", "BENCH_TABS_PER_USER", 5),
  databases: flags
    .text("databases", "BENCH_DATABASES", "sqlite,postgresql")
    .split(",")
    .map((name) => name.trim()),
  loginConcurrency: flags.positive("login-concurrency", "BENCH_LOGIN_CONCURRENCY", 50),
  openConcurrency: flags.positive("open-concurrency", "BENCH_OPEN_CONCURRENCY", 200),
  profile: flags.isSet("profile", "BENCH_PROFILE"),
  build: flags.isSet("build", "BENCH_BUILD"),
  buildDir: flags.text("build-dir", "BENCH_BUILD_DIR", ""),
  compareConnections: flags.positive("compare-connections", "BENCH_COMPARE_CONNECTIONS", 10_000),
  compare: !flags.isSet("no-compare", "BENCH_NO_COMPARE"),
  compareOnly: flags.isSet("compare-only", "BENCH_COMPARE_ONLY"),
  outDir: resolve(flags.text("out", "BENCH_OUT", join("tmp", "bench"))),
  timeoutMinutes: flags.positive("timeout-minutes", "BENCH_TIMEOUT_MINUTES", 30),
  stepTimeoutMinutes: flags.text("step-timeout-minutes", "BENCH_STEP_TIMEOUT_MINUTES", "")
    ? flags.positive("step-timeout-minutes", "BENCH_STEP_TIMEOUT_MINUTES", 5)
    : null,
};
for (const name of options.databases)
  if (name !== "sqlite" && name !== "postgresql") throw new Error(`--databases: unknown database ${name}`);

const PASSWORD = "bench-password-not-a-demo";
/** A storm of 10,000 tabs at a few dozen sign-ins a second takes minutes: the limit grows with N. */
const stepTimeoutMs = (tabs: number) => (options.stepTimeoutMinutes ?? Math.max(5, Math.ceil(tabs / 1000))) * 60_000;
/** The tab process's own limit for a step comes first, so its message (which tabs are stuck) is the one reported. */
const IPC_GRACE_MS = 30_000;

/** CPU of each process (ms) and of the whole machine, for one phase. */
interface PhaseCpu {
  wallMs: number;
  appMs: number;
  realtimeMs: number;
  loadMs: number;
  otherMs: number | undefined;
  /** Handshakes dropped on full accept queues meanwhile (machine-wide): see listenOverflows(). */
  listenOverflows: number | undefined;
}

interface Meter {
  app: BenchProcess;
  realtime: () => BenchProcess;
  load: LoadHandle;
}

async function startPhase(meter: Meter) {
  const load = await meter.load.send<"stats">({ op: "stats" }, 30_000);
  return {
    at: performance.now(),
    app: meter.app.cpuMs(),
    realtime: meter.realtime().cpuMs(),
    load: load.cpuMicros / 1000,
    machine: machineCpuMs(),
    listenOverflows: listenOverflows(),
  };
}

async function endPhase(meter: Meter, start: Awaited<ReturnType<typeof startPhase>>, realtimeBefore?: number): Promise<PhaseCpu> {
  const end = await startPhase(meter);
  const appMs = end.app - start.app;
  // After a restart the realtime process is a new one: its CPU is what it used since it started, plus the old one's last part.
  const realtimeMs = realtimeBefore === undefined ? end.realtime - start.realtime : end.realtime + realtimeBefore;
  const loadMs = end.load - start.load;
  const otherMs =
    end.machine === undefined || start.machine === undefined
      ? undefined
      : Math.max(0, end.machine - start.machine - appMs - realtimeMs - loadMs);
  const overflows =
    end.listenOverflows === undefined || start.listenOverflows === undefined ? undefined : end.listenOverflows - start.listenOverflows;
  return { wallMs: end.at - start.at, appMs, realtimeMs, loadMs, otherMs, listenOverflows: overflows };
}

async function createDatabase(kind: string): Promise<{ url: string; drop(): Promise<void> }> {
  if (kind === "sqlite") {
    const dir = join(options.outDir, `app-db-${process.pid}-${Date.now()}`);
    mkdirSync(dir, { recursive: true });
    return { url: `file:${join(dir, "bench.db")}`, drop: async () => rmSync(dir, { recursive: true, force: true }) };
  }
  const { startPostgresServer } = await import("../tests/support/postgres");
  const server = await startPostgresServer();
  const url = await server.createDatabase("bench_app");
  return {
    url,
    drop: async () => {
      await server.dropDatabase(url).catch(() => {});
      await server.stop();
    },
  };
}

/** Accounts created directly (one argon2 hash shared by all): the login phase is what measures argon2. */
async function createAccounts(db: DatabaseClient, users: number) {
  const passwordHash = await hashPassword(PASSWORD);
  const rows = Array.from({ length: users }, (_, index) => ({
    id: `bench-user-${String(index).padStart(6, "0")}`,
    email: `user${index}@bench.test`,
    name: `Bench User ${String(index).padStart(6, "0")}`,
    passwordHash,
  }));
  for (let index = 0; index < rows.length; index += 500) await db.user.createMany({ data: rows.slice(index, index + 500) });
  await db.user.create({ data: { id: "bench-admin", email: "admin@bench.test", name: "Bench Admin", role: "ADMIN", passwordHash } });
  return rows.map(({ id, email }) => ({ id, email, password: PASSWORD }));
}

/** Until the database's connection rows are exactly the live tabs' sockets, each confirmed. */
async function waitRosterExact(db: DatabaseClient, load: LoadHandle, admin: BrowserHttp, timeoutMs: number) {
  const startedAt = performance.now();
  let last = "";
  let lastRosterPoll = 0;
  while (performance.now() - startedAt < timeoutMs) {
    // An open console polls the roster API, which is also what triggers reconciliation.
    if (performance.now() - lastRosterPoll > 1000) {
      lastRosterPoll = performance.now();
      void admin.get("/api/admin/roster").catch(() => {});
    }
    const { tabs } = await load.send<"snapshot">({ op: "snapshot" }, 60_000);
    const expected = new Set(tabs.filter((tab) => !tab.closed && tab.terminatedAt === null && tab.live).map((tab) => tab.socketId!));
    const open = tabs.filter((tab) => !tab.closed && tab.terminatedAt === null).length;
    const rows = await db.realtimeConnection.findMany({ select: { socketId: true, confirmedAt: true } });
    const confirmed = new Set(rows.filter((row) => row.confirmedAt !== null).map((row) => row.socketId));
    const missing = [...expected].filter((id) => !confirmed.has(id)).length;
    const extra = rows.filter((row) => !expected.has(row.socketId)).length;
    last = `${open} open tabs, ${expected.size} live, ${rows.length} rows, ${missing} missing, ${extra} extra`;
    if (expected.size === open && missing === 0 && extra === 0) return { ms: performance.now() - startedAt, rows: rows.length };
    await sleep(250);
  }
  throw new Error(`roster not exact within ${timeoutMs} ms: ${last}`);
}

/** Requests of the route-floor phase, and how many are in flight at once. */
const ROUTE_FLOOR_REQUESTS = 3_000;
const ROUTE_FLOOR_CONCURRENCY = 10;

/** The admin console's roster polls during the logins: 10 a second, far above a real console's rate. */
const ROSTER_POLL_INTERVAL_MS = 100;

async function timeGets(http: BrowserHttp, path: string, samples: number): Promise<{ ms: Summary; bytes: number; status: number }> {
  const ms: number[] = [];
  let bytes = 0;
  let status = 0;
  for (let index = 0; index < samples; index++) {
    const answer = await http.get(path);
    ms.push(answer.ms);
    bytes = Buffer.byteLength(answer.body);
    status = answer.status;
  }
  return { ms: summarize(ms), bytes, status };
}

async function runOne(database: string, tabCount: number, buildDir: string) {
  const STEP_TIMEOUT_MS = stepTimeoutMs(tabCount);
  const users = Math.ceil(tabCount / options.tabsPerUser);
  const credentials: AppCredentials = {
    appId: `bench-${randomBytes(3).toString("hex")}`,
    key: randomBytes(10).toString("hex"),
    secret: randomBytes(24).toString("hex"),
  };
  const store = await createDatabase(database);
  await migrateDatabase(store.url);
  const db = createDatabaseClient(store.url);
  const accounts = await createAccounts(db, users);
  const appPort = await freePort();
  const realtimePort = await freePort();
  const webhookUrl = `http://127.0.0.1:${appPort}/api/pusher/webhook`;
  const appUrl = `http://127.0.0.1:${appPort}`;
  let realtime = spawnRealtime(credentials, realtimePort, webhookUrl);
  const inspectorPort = options.profile ? await freePort() : 0;
  const app = spawnNext(
    { port: appPort, databaseUrl: store.url, nextAuthSecret: randomBytes(32).toString("hex"), credentials, realtimePort, buildDir },
    options.profile ? [`--inspect=127.0.0.1:${inspectorPort}`] : [],
  );
  const load = LoadHandle.start();
  const meter: Meter = { app, realtime: () => realtime, load };
  try {
    await realtime.waitReady(realtimePort, 60_000);
    await app.waitReady(
      appPort,
      120_000,
      async () => (await new BrowserHttp({ appUrl, localAddress: "127.0.0.1", timeoutMs: 10_000 }).get("/api/auth/csrf")).status === 200,
    );
    await load.send(
      {
        op: "configure",
        appUrl,
        config: { key: credentials.key, cluster: "", wsHost: "127.0.0.1", wsPort: realtimePort, wssPort: realtimePort, forceTLS: false },
      },
      30_000,
    );

    const admin = new BrowserHttp({ appUrl, localAddress: "127.0.0.1", timeoutMs: 60_000 });
    if (!(await admin.login("admin@bench.test", PASSWORD)).ok) throw new Error("admin login failed");
    // Warm-up: every route once, so compilation of lazily loaded chunks is not in the figures.
    await admin.get("/admin");
    await admin.get("/api/admin/roster");

    // --- Logins, while an admin's console polls the roster API.
    log(`${database} N=${tabCount}: ${users} logins, ${options.loginConcurrency} at a time`);
    let polling = true;
    const rosterDuringLogins: number[] = [];
    // One request at a time, at most every ROSTER_POLL_INTERVAL_MS: back to back, a fast roster API
    // became the phase's main load (8,897 polls in one run) and its CPU was counted per login.
    const poller = (async () => {
      while (polling) {
        const startedAt = performance.now();
        rosterDuringLogins.push((await admin.get("/api/admin/roster")).ms);
        await sleep(Math.max(0, ROSTER_POLL_INTERVAL_MS - (performance.now() - startedAt)));
      }
    })();
    const loginCpu = await startPhase(meter);
    const login = await load.send<"login">({ op: "login", users: accounts, concurrency: options.loginConcurrency }, STEP_TIMEOUT_MS);
    const loginPhase = await endPhase(meter, loginCpu);
    polling = false;
    await poller;
    if (login.failed > 0) throw new Error(`${login.failed} logins failed: ${login.failures.join("; ")}`);
    const loginResult = {
      logins: login.ms.length,
      perSecond: (login.ms.length / login.elapsedMs) * 1000,
      latencyMs: summarize(login.ms),
      appCpuMsPerLogin: loginPhase.appMs / login.ms.length,
      appCores: loginPhase.appMs / loginPhase.wallMs,
      rosterApiMs: summarize(rosterDuringLogins),
      cpu: loginPhase,
    };

    // --- Sign-in storm: N tabs, then until every connection row is confirmed (webhooks done).
    log(`${database} N=${tabCount}: sign-in storm`);
    const profiler = options.profile ? await InspectorProfiler.connect(inspectorPort) : undefined;
    await profiler?.start();
    const stormCpu = await startPhase(meter);
    const storm = await load.send<"open">(
      { op: "open", tabs: tabCount, concurrency: options.openConcurrency, timeoutMs: STEP_TIMEOUT_MS },
      STEP_TIMEOUT_MS + IPC_GRACE_MS,
    );
    const slowest = storm.slowestUserAuth.map(
      (answer) => `${formatMs(answer.ms)} ms (sent at ${answer.sentAfterS.toFixed(0)} s, queued ${formatMs(answer.queuedMs)} ms)`,
    );
    log(`slowest user-auth answers of the storm: ${slowest.join("; ")}`);
    const settled = await waitRosterExact(db, load, admin, STEP_TIMEOUT_MS);
    const stormPhase = await endPhase(meter, stormCpu);
    if (profiler) {
      const file = join(options.outDir, `app-storm-${database}-${tabCount}-${Date.now()}.cpuprofile`);
      await profiler.stop(file);
      profiler.close();
      const summary = hotFunctions(file, 30);
      log(`Next server profile of the storm: ${file}, busy ${formatMs(summary.busyMs)} ms`);
      for (const fn of summary.functions)
        log(`  ${fn.selfMs.toFixed(0).padStart(6)} ms ${fn.percent.toFixed(1).padStart(5)}%  ${fn.name}  ${fn.location}`);
    }
    const stormResult = {
      tabs: storm.opened,
      deadTabs: storm.dead,
      signedInMs: storm.elapsedMs,
      userAuthMs: storm.userAuthMs,
      userAuthQueuedMs: storm.userAuthQueuedMs,
      slowestUserAuth: storm.slowestUserAuth,
      tabsPerSecond: (storm.opened / storm.elapsedMs) * 1000,
      rosterExactAfterMs: settled.ms,
      appCpuMsPerTab: stormPhase.appMs / storm.opened,
      realtimeCpuMsPerTab: stormPhase.realtimeMs / storm.opened,
      loadCpuMsPerTab: stormPhase.loadMs / storm.opened,
      appRssBytes: app.rssBytes(),
      realtimeRssBytes: realtime.rssBytes(),
      cpu: stormPhase,
    };

    // --- The admin console at N.
    log(`${database} N=${tabCount}: admin console`);
    const page = await timeGets(admin, "/admin", 5);
    const rosterApi = await timeGets(admin, "/api/admin/roster", 20);
    const adminResult = {
      pageBytes: page.bytes,
      pageStatus: page.status,
      pageMs: page.ms,
      rosterApiBytes: rosterApi.bytes,
      rosterApiMs: rosterApi.ms,
      appRssBytes: app.rssBytes(),
    };

    // --- The route floor: what Next and a handler cost for a request refused before any database
    // work (POST /pusher/user-auth without a session: 401). A tab's sign-in is two requests of its
    // own plus its share of a webhook batch.
    log(`${database} N=${tabCount}: route floor`);
    const anonymous = new BrowserHttp({ appUrl, localAddress: "127.0.0.1", timeoutMs: 10_000 });
    const floorCpu = await startPhase(meter);
    let floorRequests = 0;
    await Promise.all(
      Array.from({ length: ROUTE_FLOOR_CONCURRENCY }, async () => {
        while (floorRequests < ROUTE_FLOOR_REQUESTS) {
          floorRequests += 1;
          const answer = await anonymous.postForm("/pusher/user-auth", { socket_id: "1.1" });
          if (answer.status !== 401) throw new Error(`route floor: POST /pusher/user-auth without a session answered ${answer.status}`);
        }
      }),
    );
    const floorPhase = await endPhase(meter, floorCpu);
    const routeFloorResult = { requests: floorRequests, appCpuMsPerRequest: floorPhase.appMs / floorRequests, cpu: floorPhase };

    // --- Kick one user (all their tabs): until the last tab saw its 4009.
    const victim = accounts[users - 1]!;
    const kickStartedAt = performance.timeOrigin + performance.now();
    const kickAnswer = await admin.postJson(`/api/admin/users/${victim.id}/kick`, {});
    if (kickAnswer.status !== 200) throw new Error(`kick answered ${kickAnswer.status}: ${kickAnswer.body.slice(0, 200)}`);
    const kicked = await load.send<"terminated">({ op: "wait-terminated", userId: victim.id, timeoutMs: 60_000 }, 90_000);
    const kickResult = { tabs: kicked.tabs, httpMs: kickAnswer.ms, lastTabMs: Math.max(...kicked.at) - kickStartedAt };

    // --- Churn: every second tab closes; until the vacated webhooks removed their rows.
    log(`${database} N=${tabCount}: churn`);
    const churnCpu = await startPhase(meter);
    const closed = await load.send<"closed">({ op: "close", every: 2 }, 60_000);
    const churnSettled = await waitRosterExact(db, load, admin, STEP_TIMEOUT_MS);
    const churnPhase = await endPhase(meter, churnCpu);
    const churnResult = {
      closed: closed.socketIds.length,
      rosterExactAfterMs: churnSettled.ms,
      appCpuMsPerVacated: churnPhase.appMs / closed.socketIds.length,
      realtimeCpuMsPerClose: churnPhase.realtimeMs / closed.socketIds.length,
      cpu: churnPhase,
    };

    // --- Reconnect storm: the realtime server stopped (SIGTERM) and started again on its port.
    log(`${database} N=${tabCount}: realtime restart`);
    const before = await load.send<"snapshot">({ op: "snapshot" }, 60_000);
    const remaining = before.tabs.filter((tab) => !tab.closed && tab.terminatedAt === null).length;
    const reconnectCpu = await startPhase(meter);
    const realtimeCpuBefore = realtime.cpuMs() - reconnectCpu.realtime;
    const restartStartedAt = performance.now();
    const exitCode = await realtime.stop(30_000);
    realtime = spawnRealtime(credentials, realtimePort, webhookUrl);
    await realtime.waitReady(realtimePort, 60_000);
    const restartedAfterMs = performance.now() - restartStartedAt;
    const again = await load.send<"signed-in">(
      { op: "wait-signins", atLeast: 2, timeoutMs: STEP_TIMEOUT_MS },
      STEP_TIMEOUT_MS + IPC_GRACE_MS,
    );
    const signedInAgainMs = performance.now() - restartStartedAt;
    const exact = await waitRosterExact(db, load, admin, STEP_TIMEOUT_MS);
    const reconnectPhase = await endPhase(meter, reconnectCpu, realtimeCpuBefore);
    const after = await load.send<"snapshot">({ op: "snapshot" }, 60_000);
    const answers = Object.entries(after.answers);
    const delta = (key: string) => (after.answers[key] ?? 0) - (before.answers[key] ?? 0);
    const reconnectResult = {
      tabs: remaining,
      oldServerExitCode: exitCode,
      signinsLost: again.lost,
      restartMs: restartedAfterMs,
      allSignedInAgainMs: signedInAgainMs,
      rosterExactMs: performance.now() - restartStartedAt,
      rosterExactAfterSignInsMs: exact.ms,
      channelAuth403: delta("/pusher/auth 403"),
      serverErrors: answers.filter(([key]) => /\s5\d\d$|\s0$/.test(key)).reduce((sum, [key]) => sum + delta(key), 0),
      appCpuMsPerTab: reconnectPhase.appMs / remaining,
      realtimeCpuMsPerTab: reconnectPhase.realtimeMs / remaining,
      cpu: reconnectPhase,
    };
    return {
      database,
      tabs: tabCount,
      users,
      login: loginResult,
      storm: stormResult,
      admin: adminResult,
      routeFloor: routeFloorResult,
      kick: kickResult,
      churn: churnResult,
      reconnect: reconnectResult,
      answers: after.answers,
    };
  } catch (error) {
    log(`${database} N=${tabCount} failed: ${error instanceof Error ? error.message : String(error)}`);
    log(`output of the app: ${app.logFile}; of the realtime server: ${realtime.logFile}`);
    throw error;
  } finally {
    await load.send({ op: "stop" }, 60_000).catch(() => {});
    load.kill();
    destroyAgents();
    await app.stop(5_000);
    await realtime.stop(15_000);
    await db.$disconnect();
    await store.drop();
  }
}

function log(message: string): void {
  console.log(`[bench:app ${new Date().toISOString().slice(11, 19)}] ${message}`);
}

type RunResult = Awaited<ReturnType<typeof runOne>>;

function report(results: RunResult[]): string {
  const ms = (value: number) => `${formatMs(value)} ms`;
  const rows: string[][] = [["", ...results.map((run) => `${run.database} N=${run.tabs}`)]];
  const add = (label: string, cell: (run: RunResult) => string) => rows.push([label, ...results.map((run) => cell(run))]);
  add("users (logins)", (run) => String(run.users));
  add("logins/s (50 at once)", (run) => run.login.perSecond.toFixed(1));
  add("login p50 / p99", (run) => `${ms(run.login.latencyMs.p50)} / ${ms(run.login.latencyMs.p99)}`);
  add("app CPU per login / cores used", (run) => `${ms(run.login.appCpuMsPerLogin)} / ${run.login.appCores.toFixed(2)}`);
  add("roster API p50 / p99 during logins", (run) => `${ms(run.login.rosterApiMs.p50)} / ${ms(run.login.rosterApiMs.p99)}`);
  add("storm: all signed in / tabs/s", (run) => `${ms(run.storm.signedInMs)} / ${run.storm.tabsPerSecond.toFixed(0)}`);
  add("storm: tabs that never signed in", (run) => String(run.storm.deadTabs));
  add(
    "storm: /pusher/user-auth answer p50 / p99 / max",
    (run) => `${ms(run.storm.userAuthMs.p50)} / ${ms(run.storm.userAuthMs.p99)} / ${ms(run.storm.userAuthMs.max)}`,
  );
  add(
    "storm: user-auth waiting for a connection p50 / p99",
    (run) => `${ms(run.storm.userAuthQueuedMs.p50)} / ${ms(run.storm.userAuthQueuedMs.p99)}`,
  );
  add("storm: roster exact after", (run) => ms(run.storm.rosterExactAfterMs));
  add(
    "CPU per tab: app / realtime / tabs",
    (run) => `${ms(run.storm.appCpuMsPerTab)} / ${ms(run.storm.realtimeCpuMsPerTab)} / ${ms(run.storm.loadCpuMsPerTab)}`,
  );
  add("app CPU per tab ÷ realtime's", (run) => (run.storm.appCpuMsPerTab / run.storm.realtimeCpuMsPerTab).toFixed(2));
  add(
    "route floor: app CPU per refused request (401, no database) / × a tab's 2 requests",
    (run) => `${ms(run.routeFloor.appCpuMsPerRequest)} / ${ms(2 * run.routeFloor.appCpuMsPerRequest)}`,
  );
  add("RSS app / realtime at N", (run) => `${formatBytes(run.storm.appRssBytes)} / ${formatBytes(run.storm.realtimeRssBytes)}`);
  add("/admin HTML / p50", (run) => `${formatBytes(run.admin.pageBytes)} / ${ms(run.admin.pageMs.p50)}`);
  add(
    "roster API body / p50 / p99",
    (run) => `${formatBytes(run.admin.rosterApiBytes)} / ${ms(run.admin.rosterApiMs.p50)} / ${ms(run.admin.rosterApiMs.p99)}`,
  );
  add("kick: tabs / last tab closed after", (run) => `${run.kick.tabs} / ${ms(run.kick.lastTabMs)}`);
  add("churn: closed / roster exact after", (run) => `${run.churn.closed} / ${ms(run.churn.rosterExactAfterMs)}`);
  add("app CPU per vacated webhook event", (run) => ms(run.churn.appCpuMsPerVacated));
  add("restart: tabs / server back after", (run) => `${run.reconnect.tabs} / ${ms(run.reconnect.restartMs)}`);
  add("restart: all signed in / roster exact", (run) => `${ms(run.reconnect.allSignedInAgainMs)} / ${ms(run.reconnect.rosterExactMs)}`);
  add("restart: sign-ins lost", (run) => String(run.reconnect.signinsLost));
  add("restart: 5xx+network / /pusher/auth 403", (run) => `${run.reconnect.serverErrors} / ${run.reconnect.channelAuth403}`);
  add("restart: CPU per tab app / realtime", (run) => `${ms(run.reconnect.appCpuMsPerTab)} / ${ms(run.reconnect.realtimeCpuMsPerTab)}`);
  add(
    "dropped handshakes (full accept queue) storm / restart",
    (run) => `${run.storm.cpu.listenOverflows ?? "n/a"} / ${run.reconnect.cpu.listenOverflows ?? "n/a"}`,
  );
  add(
    "other processes (cores) storm / restart",
    (run) =>
      `${((run.storm.cpu.otherMs ?? 0) / run.storm.cpu.wallMs).toFixed(2)} / ${((run.reconnect.cpu.otherMs ?? 0) / run.reconnect.cpu.wallMs).toFixed(2)}`,
  );
  return table(rows);
}

function compareReport(rows: BackendFigures[]): string {
  return table([
    ["realtime backend (user_data)", "N", "CPU per sign-in", "CPU per connect", "RSS per signed-in conn", "of which sign-in"],
    ...rows.map((row) => [
      `${row.backend} (${row.variant})`,
      String(row.connections),
      `${row.signinCpuMicrosPerSignin.toFixed(0)} µs`,
      `${row.connectCpuMicrosPerConnection.toFixed(0)} µs`,
      formatBytes(row.rssPerSignedInConnectionBytes),
      formatBytes(row.rssPerSigninBytes),
    ]),
  ]);
}

async function main(): Promise<void> {
  mkdirSync(options.outDir, { recursive: true });
  // The app's and the realtime server's whole output, to read after a run (a failure names the files).
  BenchProcess.logDir = join(options.outDir, `logs-${Date.now()}`);
  const watchdog = setTimeout(() => {
    console.error(`bench:app: watchdog: still running after ${options.timeoutMinutes} minutes, giving up`);
    process.exit(1);
  }, options.timeoutMinutes * 60_000);
  watchdog.unref();
  const startedAt = new Date();
  const results: RunResult[] = [];
  let buildId: string | undefined;
  if (!options.compareOnly) {
    const build = options.buildDir
      ? { dir: resolve(options.buildDir), buildId: readFileSync(join(options.buildDir, ".next", "BUILD_ID"), "utf8").trim() }
      : snapshotProductionBuild(options.build);
    buildId = build.buildId;
    log(`production build ${build.buildId} copied to ${build.dir}`);
    for (const database of options.databases) {
      for (const tabs of options.tabs)
        results.push(await withTimeout(runOne(database, tabs, build.dir), options.timeoutMinutes * 60_000, `${database} N=${tabs}`));
    }
  }
  let compare: BackendFigures[] = [];
  if (options.compare || options.compareOnly) {
    const credentials = {
      appId: `bench-${randomBytes(3).toString("hex")}`,
      key: randomBytes(10).toString("hex"),
      secret: randomBytes(24).toString("hex"),
    };
    compare = await compareWithSoketi(options.compareConnections, credentials, log);
  }
  const output = { startedAt: startedAt.toISOString(), buildId, machine: machineInfo(), source: sourceInfo(), options, results, compare };
  const file = join(options.outDir, `app-${startedAt.toISOString().replace(/[:.]/g, "-")}.json`);
  writeFileSync(file, JSON.stringify(output, null, 2));
  if (results.length > 0) console.log(`\n${report(results)}`);
  if (compare.length > 0) console.log(`\n${compareReport(compare)}`);
  console.log(`\nwritten to ${file}`);
  process.exit(0);
}

main().catch((error: unknown) => {
  console.error(`bench:app failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  process.exit(1);
});
