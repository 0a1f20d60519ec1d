/**
 * The HTTP side of a simulated browser tab: plain node:http with keep-alive (a browser reuses its
 * connection to the app), the headers a same-origin fetch carries (Origin, Sec-Fetch-Site), and the
 * next-auth login a person makes on /login (CSRF token, then the credentials callback), keeping the
 * session cookie. Each simulated client may use its own loopback source address (127.0.0.x), which
 * the app sees as a distinct client: sign-in throttling counts per address, as it would for real
 * users behind different IPs.
 */
import { Agent, request as httpRequest } from "node:http";
import { performance } from "node:perf_hooks";

export interface HttpAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  ms: number;
  /** Of `ms`, the time until the request had a connected socket (the agent's queue, a TCP connect). */
  queuedMs: number;
}

const agents = new Map<string, Agent>();

/** One keep-alive agent per source address, so each "browser" keeps its own connections. */
function agentFor(localAddress: string): Agent {
  let agent = agents.get(localAddress);
  if (!agent) {
    agent = new Agent({ keepAlive: true, maxSockets: 6, localAddress });
    agents.set(localAddress, agent);
  }
  return agent;
}

export function destroyAgents(): void {
  for (const agent of agents.values()) agent.destroy();
  agents.clear();
}

/** 127.0.0.2 … 127.0.0.251: loopback only (the whole 127/8 is local), one address per client group. */
export function loopbackAddress(index: number): string {
  return `127.0.0.${2 + (index % 250)}`;
}

export interface HttpClientOptions {
  appUrl: string;
  localAddress: string;
  timeoutMs: number;
}

export class BrowserHttp {
  /** Cookie jar of one browser profile: name → value. */
  private readonly cookies = new Map<string, string>();

  constructor(private readonly options: HttpClientOptions) {}

  cookieHeader(): string {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join("; ");
  }

  setCookie(name: string, value: string): void {
    this.cookies.set(name, value);
  }

  hasCookie(name: string): boolean {
    return this.cookies.has(name);
  }

  get(path: string): Promise<HttpAnswer> {
    return this.send("GET", path);
  }

  postForm(path: string, fields: Record<string, string>): Promise<HttpAnswer> {
    return this.send("POST", path, new URLSearchParams(fields).toString(), "application/x-www-form-urlencoded");
  }

  postJson(path: string, body: unknown): Promise<HttpAnswer> {
    return this.send("POST", path, JSON.stringify(body), "application/json");
  }

  /**
   * next-auth's credentials login as the login form makes it: GET /api/auth/csrf (sets the CSRF
   * cookie), then POST /api/auth/callback/credentials; success sets the session cookie.
   */
  async login(email: string, password: string): Promise<{ ok: boolean; ms: number; status: number }> {
    const startedAt = performance.now();
    const csrf = await this.get("/api/auth/csrf");
    if (csrf.status !== 200) return { ok: false, ms: performance.now() - startedAt, status: csrf.status };
    const { csrfToken } = JSON.parse(csrf.body) as { csrfToken: string };
    const answer = await this.postForm("/api/auth/callback/credentials", {
      csrfToken,
      email,
      password,
      callbackUrl: `${this.options.appUrl}/`,
      json: "true",
    });
    const ok = [...this.cookies.keys()].some((name) => name.endsWith("next-auth.session-token"));
    return { ok: ok && answer.status < 400, ms: performance.now() - startedAt, status: answer.status };
  }

  /**
   * A keep-alive socket the server closed at the moment it was reused fails with ECONNRESET
   * before any answer: browsers send such a request again on a new connection, and so does this
   * (once; `req.reusedSocket` is Node's documented signal for it).
   */
  private async send(method: string, path: string, body?: string, contentType?: string): Promise<HttpAnswer> {
    try {
      return await this.sendOnce(method, path, body, contentType);
    } catch (error) {
      if (!(error as { reusedSocket?: boolean }).reusedSocket) throw error;
      return this.sendOnce(method, path, body, contentType);
    }
  }

  private sendOnce(method: string, path: string, body?: string, contentType?: string): Promise<HttpAnswer> {
    const url = new URL(path, this.options.appUrl);
    const headers: Record<string, string> = {
      "user-agent": "bench-app tab (pusher-js node)",
      accept: "*/*",
      origin: url.origin,
      "sec-fetch-site": "same-origin",
    };
    const cookie = this.cookieHeader();
    if (cookie) headers.cookie = cookie;
    if (body !== undefined) {
      headers["content-type"] = contentType ?? "application/octet-stream";
      headers["content-length"] = String(Buffer.byteLength(body));
    }
    const startedAt = performance.now();
    let socketAt: number | undefined;
    return new Promise((resolve, reject) => {
      const req = httpRequest(
        url,
        { method, headers, agent: agentFor(this.options.localAddress), timeout: this.options.timeoutMs },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (chunk: Buffer) => chunks.push(chunk));
          res.on("end", () => {
            this.storeCookies(res.headers["set-cookie"]);
            resolve({
              status: res.statusCode ?? 0,
              headers: res.headers,
              body: Buffer.concat(chunks).toString("utf8"),
              ms: performance.now() - startedAt,
              queuedMs: (socketAt ?? startedAt) - startedAt,
            });
          });
          res.on("error", reject);
        },
      );
      req.on("socket", (socket) => {
        if (!socket.connecting) socketAt = performance.now();
        else socket.once("connect", () => (socketAt = performance.now()));
      });
      req.on("timeout", () => req.destroy(new Error(`${method} ${path} timed out after ${this.options.timeoutMs} ms`)));
      req.on("error", (error: NodeJS.ErrnoException) => {
        const resetOnReuse = req.reusedSocket && error.code === "ECONNRESET";
        reject(resetOnReuse ? Object.assign(error, { reusedSocket: true }) : error);
      });
      req.end(body);
    });
  }

  private storeCookies(setCookie: string[] | undefined): void {
    for (const line of setCookie ?? []) {
      const [pair] = line.split(";", 1);
      const index = pair?.indexOf("=") ?? -1;
      if (!pair || index <= 0) continue;
      const name = pair.slice(0, index).trim();
      const value = pair.slice(index + 1).trim();
      if (value === "" || /max-age=0|expires=thu, 01 jan 1970/i.test(line)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }
}
