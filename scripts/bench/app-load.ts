/**
 * The simulated browser tabs of `npm run bench:app`, in their own process so their CPU is not the
 * app's. Each "browser" (one per user) logs in over HTTP through next-auth and keeps its cookie;
 * each tab is the app's own realtime wiring (components/realtime/pusher-client.ts, the pusher-js Node
 * build) with the browser's endpoints: POST /pusher/user-auth for signin(), POST /pusher/auth for
 * the tab's private-connection-{socket} channel, each with the session cookie. Started by
 * bench-app.ts with an IPC channel; not meant to be run by hand.
 */
import { performance } from "node:perf_hooks";

import { createRealtimeClient, type RealtimeClient } from "@/components/realtime/pusher-client";
import { connectionChannel } from "@/lib/pusher/channel-names";
import type { PusherClientConfig } from "@/lib/pusher/client-config";

import { BrowserHttp, destroyAgents, loopbackAddress } from "./app-http";
import { summarize } from "./stats";
import type { LoadCommand, LoadReply, TabSnapshot } from "./app-load-ipc";

interface Browser {
  userId: string;
  http: BrowserHttp;
}

interface Tab {
  index: number;
  browser: Browser;
  client: RealtimeClient;
  signins: number;
  lastSignedInAt: number;
  terminatedAt: number | null;
  closed: boolean;
  /** The last /pusher/auth answer this tab got (HTTP status, 0 for no answer), for diagnostics. */
  lastChannelAuth?: number;
}

const browsers: Browser[] = [];
const tabs: Tab[] = [];
/** HTTP answers the tabs got, by "path status" (e.g. "/pusher/auth 403"), to count waste and errors. */
const answers = new Map<string, number>();
/**
 * Each /pusher/user-auth answer since the last `open` (the storm's latency): how long it took, how
 * much of that it waited for one of its browser's connections, and when it was sent (epoch ms).
 */
let userAuthAnswers: { ms: number; queuedMs: number; sentAt: number }[] = [];
let config: PusherClientConfig | undefined;
let appUrl = "";
const HTTP_TIMEOUT_MS = 60_000;

/** Epoch milliseconds with sub-millisecond precision, comparable across the bench's processes. */
const now = () => performance.timeOrigin + performance.now();

function count(path: string, status: number): void {
  const key = `${path} ${status}`;
  answers.set(key, (answers.get(key) ?? 0) + 1);
}

type AuthCallback = (error: Error | null, data: never) => void;

/** Answers pusher-js the way its ajax transport reads an HTTP response. */
async function authorize(
  browser: Browser,
  path: string,
  fields: Record<string, string>,
  callback: AuthCallback,
  onStatus?: (status: number) => void,
): Promise<void> {
  try {
    const answer = await browser.http.postForm(path, fields);
    count(path, answer.status);
    if (path === "/pusher/user-auth") {
      userAuthAnswers.push({ ms: answer.ms, queuedMs: answer.queuedMs, sentAt: now() - answer.ms });
    }
    onStatus?.(answer.status);
    if (answer.status === 200) callback(null, JSON.parse(answer.body) as never);
    else callback(Object.assign(new Error(`HTTP ${answer.status}`), { status: answer.status }), null as never);
  } catch (error) {
    count(path, 0);
    onStatus?.(0);
    callback(error instanceof Error ? error : new Error(String(error)), null as never);
  }
}

function openTab(browser: Browser): Tab {
  if (!config) throw new Error("configure first");
  const tab = { index: tabs.length, browser, signins: 0, lastSignedInAt: 0, terminatedAt: null, closed: false } as Omit<
    Tab,
    "client"
  > as Tab;
  tab.client = createRealtimeClient({
    config,
    onSignedIn: () => {
      tab.signins += 1;
      tab.lastSignedInAt = now();
    },
    onState: (state) => {
      if (state.terminated && tab.terminatedAt === null) tab.terminatedAt = now();
    },
    fetch: (input, init) => fetch(new URL(String(input), appUrl), init),
    userAuthentication: {
      customHandler: ({ socketId }, callback) =>
        void authorize(browser, "/pusher/user-auth", { socket_id: socketId }, callback as AuthCallback),
    },
    channelAuthorization: {
      customHandler: ({ socketId, channelName }, callback) =>
        void authorize(
          browser,
          "/pusher/auth",
          { socket_id: socketId, channel_name: channelName },
          callback as AuthCallback,
          (status) => (tab.lastChannelAuth = status),
        ),
    },
  });
  tabs.push(tab);
  return tab;
}

/** The slowest user-auth answers of the storm: when each was sent (s after it began) and where it waited. */
function slowest(startedAt: number, count: number): { sentAfterS: number; ms: number; queuedMs: number }[] {
  return userAuthAnswers
    .map(({ ms, queuedMs, sentAt }) => ({ sentAfterS: (sentAt - startedAt) / 1000, ms, queuedMs }))
    .sort((a, b) => b.ms - a.ms)
    .slice(0, count);
}

/** Signed in on its current socket, and that socket's connection channel is subscribed. */
function isLive(tab: Tab): boolean {
  const state = tab.client.getState();
  if (state.status !== "signed-in" || !state.socketId) return false;
  return tab.client.pusher.channel(connectionChannel(state.socketId))?.subscribed === true;
}

async function waitUntil(check: () => boolean, timeoutMs: number, what: () => string): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!check()) {
    if (performance.now() > deadline) throw new Error(`${what()} (after ${timeoutMs} ms)`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * A tab that will not sign in again by itself: pusher-js gave up (a 4000–4099 close such as 4009,
 * "not authorized in time"), or a sign-in failure the client does not retry.
 */
function isDead(tab: Tab): boolean {
  const state = tab.client.getState();
  const connection = tab.client.pusher.connection.state;
  return connection === "failed" || connection === "disconnected" || (state.status === "signin-failed" && state.retryAt === null);
}

/** "12 × signing-in/connected, 3 × connecting/unavailable": what stuck tabs are waiting for. */
function describeTabs(stuck: Tab[]): string {
  const counts = new Map<string, number>();
  for (const tab of stuck) {
    const state = tab.client.getState();
    const channel = state.socketId ? tab.client.pusher.channel(connectionChannel(state.socketId)) : undefined;
    const channelState = !state.socketId
      ? ""
      : !channel
        ? " (no connection channel)"
        : ` (connection channel ${channel.subscriptionPending ? "pending" : "not pending"}, last /pusher/auth ${tab.lastChannelAuth ?? "none"})`;
    const key = `${state.status}/${tab.client.pusher.connection.state}${channelState}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return [...counts].map(([key, count]) => `${count} × ${key}`).join(", ") || "none";
}

const openTabs = () => tabs.filter((tab) => !tab.closed && tab.terminatedAt === null);

function snapshot(tab: Tab): TabSnapshot {
  const state = tab.client.getState();
  return {
    index: tab.index,
    userId: tab.browser.userId,
    socketId: state.socketId,
    status: state.status,
    signins: tab.signins,
    live: isLive(tab),
    closed: tab.closed,
    terminatedAt: tab.terminatedAt,
  };
}

async function handle(command: LoadCommand): Promise<LoadReply> {
  switch (command.op) {
    case "configure":
      config = command.config;
      appUrl = command.appUrl;
      return { op: "ok" };

    case "login": {
      // A pool of `concurrency` people typing their password at the same moment, again and again.
      const startedAt = performance.now();
      const ms: number[] = [];
      const failures: string[] = [];
      let next = 0;
      const worker = async () => {
        while (next < command.users.length) {
          const user = command.users[next]!;
          const index = browsers.length + next++;
          const http = new BrowserHttp({ appUrl, localAddress: loopbackAddress(index), timeoutMs: HTTP_TIMEOUT_MS });
          try {
            const result = await http.login(user.email, user.password);
            if (!result.ok) failures.push(`${user.email}: HTTP ${result.status}`);
            else {
              ms.push(result.ms);
              browsers.push({ userId: user.id, http });
            }
          } catch (error) {
            failures.push(`${user.email}: ${error instanceof Error ? error.message : String(error)}`);
          }
        }
      };
      await Promise.all(Array.from({ length: Math.min(command.concurrency, command.users.length) }, worker));
      return { op: "login", ms, failures: failures.slice(0, 20), failed: failures.length, elapsedMs: performance.now() - startedAt };
    }

    case "open": {
      // Tabs spread round-robin over the logged-in browsers; at most `concurrency` signing in at once,
      // as many page loads arriving together would.
      if (browsers.length === 0) throw new Error("no browser has logged in");
      const startedAt = performance.now();
      const first = tabs.length;
      userAuthAnswers = [];
      const openedAt = now();
      let inFlight: Tab[] = [];
      // A storm of thousands of tabs takes minutes: say how far it got.
      const progress = setInterval(() => {
        const opened = tabs.slice(first);
        const live = opened.filter(isLive).length;
        const elapsed = (performance.now() - startedAt) / 1000;
        console.error(
          `[tabs] open: ${live} of ${command.tabs} signed in, ${opened.filter(isDead).length} dead, after ${elapsed.toFixed(0)} s`,
        );
      }, 15_000);
      const opened: Tab[] = [];
      const settled = (tab: Tab) => isLive(tab) || isDead(tab);
      try {
        for (let index = 0; index < command.tabs; index++) {
          const tab = openTab(browsers[(first + index) % browsers.length]!);
          opened.push(tab);
          inFlight.push(tab);
          if (inFlight.length >= command.concurrency) {
            await waitUntil(
              () => inFlight.some(settled),
              command.timeoutMs - (performance.now() - startedAt),
              () => "no tab of the batch signed in",
            );
            inFlight = inFlight.filter((candidate) => !settled(candidate));
          }
        }
        await waitUntil(
          () => opened.every(settled),
          command.timeoutMs - (performance.now() - startedAt),
          () =>
            `tabs not signed in: ${describeTabs(opened.filter((tab) => !settled(tab)))}; answers: ${[...answers]
              .map(([key, n]) => `${key} ×${n}`)
              .join(", ")}`,
        );
      } finally {
        clearInterval(progress);
      }
      const dead = opened.filter(isDead);
      // Dead tabs are out of the run (closed), so later phases measure the live ones only.
      for (const tab of dead) {
        tab.closed = true;
        tab.client.stop();
      }
      return {
        op: "open",
        elapsedMs: performance.now() - startedAt,
        opened: opened.length - dead.length,
        dead: dead.length,
        userAuthMs: summarize(userAuthAnswers.map((answer) => answer.ms)),
        userAuthQueuedMs: summarize(userAuthAnswers.map((answer) => answer.queuedMs)),
        slowestUserAuth: slowest(openedAt, 10),
      };
    }

    case "close": {
      const victims = openTabs().filter((tab) => tab.index % command.every === 0);
      const socketIds = victims.map((tab) => tab.client.getState().socketId).filter((id): id is string => id !== null);
      for (const tab of victims) {
        tab.closed = true;
        tab.client.stop();
      }
      return { op: "closed", closedAt: now(), socketIds };
    }

    case "wait-signins": {
      // Every open tab has signed in at least `atLeast` times in total and is live on its socket.
      const startedAt = performance.now();
      const pending = () => openTabs().filter((tab) => (tab.signins < command.atLeast || !isLive(tab)) && !isDead(tab));
      await waitUntil(
        () => pending().length === 0,
        command.timeoutMs,
        () => `open tabs not signed in again: ${describeTabs(pending())}`,
      );
      const lost = openTabs().filter(isDead);
      const open = openTabs().filter((tab) => !isDead(tab));
      for (const tab of lost) {
        tab.closed = true;
        tab.client.stop();
      }
      return {
        op: "signed-in",
        lost: lost.length,
        elapsedMs: performance.now() - startedAt,
        lastSignedInAt: Math.max(...open.map((tab) => tab.lastSignedInAt)),
      };
    }

    case "wait-terminated": {
      const targets = tabs.filter((tab) => !tab.closed && tab.browser.userId === command.userId);
      await waitUntil(
        () => targets.every((tab) => tab.terminatedAt !== null),
        command.timeoutMs,
        () => `user ${command.userId}'s tabs not terminated`,
      );
      return { op: "terminated", at: targets.map((tab) => tab.terminatedAt!), tabs: targets.length };
    }

    case "snapshot":
      return { op: "snapshot", tabs: tabs.map(snapshot), answers: Object.fromEntries(answers) };

    case "stats": {
      const cpu = process.cpuUsage();
      return { op: "stats", cpuMicros: cpu.user + cpu.system, rss: process.memoryUsage().rss };
    }

    case "stop":
      for (const tab of tabs) tab.client.stop();
      destroyAgents();
      return { op: "ok" };
  }
}

function send(message: { id: number; reply?: LoadReply; error?: string }): void {
  if (process.connected) process.send?.(message);
}

if (!process.send) {
  process.stderr.write("app-load: must be started by bench-app.ts with an IPC channel\n");
  process.exit(2);
}
process.on("message", (message: { id: number; command: LoadCommand }) => {
  handle(message.command).then(
    (reply) => send({ id: message.id, reply }),
    (error: unknown) => send({ id: message.id, error: error instanceof Error ? error.message : String(error) }),
  );
});
// An orphaned load process (the bench crashed) must not keep thousands of sockets open.
process.on("disconnect", () => process.exit(0));
