/**
 * The HTTP API: one route table under /apps/{app_id}, request signature verification, and
 * plain-text error responses that name what is wrong.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { RealtimeLogger } from "../logger";
import { Limits } from "../protocol";
import { readBody } from "./body";
import type { ApiHandler, ApiServices } from "./context";
import { HttpError } from "./errors";
import { channelInfo, channelUsers, listChannels } from "./handlers/channels";
import { triggerBatch, triggerEvent } from "./handlers/events";
import { terminateUserConnections } from "./handlers/users";
import { requestAuthProblem } from "./request-auth";

interface Route {
  method: "GET" | "POST";
  /** Matched against the path below /apps/{app_id}; capture groups become params. */
  pattern: RegExp;
  handler: ApiHandler;
}

const ROUTES: readonly Route[] = [
  { method: "POST", pattern: /^\/events$/, handler: triggerEvent },
  { method: "POST", pattern: /^\/batch_events$/, handler: triggerBatch },
  { method: "GET", pattern: /^\/channels$/, handler: listChannels },
  { method: "GET", pattern: /^\/channels\/([^/]+)$/, handler: channelInfo },
  { method: "GET", pattern: /^\/channels\/([^/]+)\/users$/, handler: channelUsers },
  { method: "POST", pattern: /^\/users\/([^/]+)\/terminate_connections$/, handler: terminateUserConnections },
];

const APP_PATH = /^\/apps\/([^/]+)(\/.*)$/;

export interface HttpApiOptions {
  appId: string;
  key: string;
  secret: string;
  logger: RealtimeLogger;
}

export function createHttpApi(options: HttpApiOptions, services: ApiServices) {
  const { logger } = options;

  async function route(request: IncomingMessage): Promise<unknown> {
    let url: URL;
    try {
      url = new URL(request.url ?? "/", "http://localhost");
    } catch {
      throw new HttpError(400, "Malformed request URL");
    }
    const rawPath = url.pathname;
    const appMatch = APP_PATH.exec(rawPath);
    if (!appMatch) throw new HttpError(404, "Not found: the HTTP API lives under /apps/{app_id}/");
    const appId = decodeSegment(appMatch[1] ?? "");
    if (appId !== options.appId) throw new HttpError(404, `Unknown app id ${JSON.stringify(appId)}`);

    const subPath = appMatch[2] ?? "";
    let params: string[] | undefined;
    let matched: Route | undefined;
    let pathKnown = false;
    for (const candidate of ROUTES) {
      const match = candidate.pattern.exec(subPath);
      if (!match) continue;
      pathKnown = true;
      if (candidate.method !== request.method) continue;
      matched = candidate;
      params = match.slice(1).map((segment) => decodeSegment(segment ?? ""));
      break;
    }
    if (!matched || !params) {
      if (pathKnown) throw new HttpError(405, `Method ${request.method ?? ""} not allowed on ${subPath}`);
      throw new HttpError(404, `Unknown endpoint ${subPath}`);
    }

    const body = await readBody(request, Limits.maxHttpBodyBytes);
    const authProblem = requestAuthProblem(
      { method: matched.method, path: rawPath, query: url.searchParams, body },
      options,
      Math.floor(Date.now() / 1000),
    );
    if (authProblem !== undefined) throw new HttpError(401, authProblem);

    // The signature covers the keys lower-cased, so handlers read them lower-cased too: what was
    // signed is what is obeyed.
    const query = new URLSearchParams([...url.searchParams].map(([name, value]) => [name.toLowerCase(), value]));
    return matched.handler({ params, query, body: matched.method === "POST" ? parseJsonObject(body) : undefined }, services);
  }

  return function handleHttpRequest(request: IncomingMessage, response: ServerResponse): void {
    route(request).then(
      (result) => sendJson(response, 200, result),
      (error: unknown) => {
        if (error instanceof HttpError) {
          if (error.status >= 500 || error.status === 401) {
            logger.info("http api request refused", {
              method: request.method,
              path: request.url?.split("?")[0],
              status: error.status,
              reason: error.message,
            });
          }
          sendText(response, error.status, error.message, error.status === 413);
          return;
        }
        logger.error("http api handler failed", { method: request.method, path: request.url?.split("?")[0], error });
        sendText(response, 500, "Internal server error", false);
      },
    );
  };
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new HttpError(400, "Malformed percent-encoding in path");
  }
}

function parseJsonObject(body: Buffer): Record<string, unknown> {
  if (body.length === 0) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString("utf8"));
  } catch {
    throw new HttpError(400, "Request body is not valid JSON");
  }
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
    throw new HttpError(400, "Request body must be a JSON object");
  }
  return parsed as Record<string, unknown>;
}

function sendJson(response: ServerResponse, status: number, payload: unknown): void {
  const body = JSON.stringify(payload ?? {});
  response.writeHead(status, { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(body) });
  response.end(body);
}

/** `closeConnection` for 413: the unread remainder of the body must not be parsed as a new request. */
function sendText(response: ServerResponse, status: number, message: string, closeConnection: boolean): void {
  if (response.headersSent) return;
  const body = `${message}\n`;
  const headers: Record<string, string | number> = {
    "Content-Type": "text/plain; charset=utf-8",
    "Content-Length": Buffer.byteLength(body),
  };
  if (closeConnection) headers.Connection = "close";
  response.writeHead(status, headers);
  response.end(body);
}
