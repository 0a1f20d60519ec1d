/**
 * Public entry of the embedded Pusher Channels–compatible server: one node:http server carrying
 * both the WebSocket endpoint (/app/{key}) and the HTTP API (/apps/{app_id}/...).
 */
import { createServer as createHttpServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { ChannelCache } from "./channel-cache";
import { ClientEventRelay } from "./client-events";
import { resolveConfig, type RealtimeServerOptions } from "./config";
import { createHttpApi } from "./http/router";
import { ConnectionLimits } from "./limits";
import { Publisher } from "./publisher";
import { Registry } from "./registry";
import { SubscriptionManager } from "./subscriptions";
import { ThrottledWarnings } from "./throttled-warnings";
import { UserAuthentication } from "./user-auth";
import { WebhookDispatcher } from "./webhooks";
import { SocketGateway } from "./websocket";

export type { RealtimeServerOptions, WebhookRetryOptions, WebhookTarget } from "./config";
export { DEFAULT_AUTHORIZED_CONNECTIONS_TIMEOUT_MS, Defaults } from "./config";
export { createJsonLogger, silentLogger } from "./logger";
export type { LogFields, LogLevel, RealtimeLogger } from "./logger";

export interface RealtimeServer {
  readonly port: number;
  readonly host: string;
  /** Closes every socket with 4200 (pusher-js reconnects), stops the HTTP server, settles webhooks. */
  close(): Promise<void>;
}

export async function createServer(options: RealtimeServerOptions): Promise<RealtimeServer> {
  const config = resolveConfig(options);
  const { logger } = config;

  const registry = new Registry();
  const webhooks = new WebhookDispatcher({
    urls: config.webhookUrls,
    key: config.key,
    secret: config.secret,
    batchWindowMs: config.webhookBatchWindowMs,
    retry: config.webhookRetry,
    logger,
  });
  const warnings = new ThrottledWarnings(logger);
  const limits = new ConnectionLimits(config, registry, warnings);
  const gateway = new SocketGateway(config, registry, limits, warnings, logger);
  const authorizationContext = {
    key: config.key,
    secret: config.secret,
    maxPresenceMembers: config.maxPresenceMembers,
    maxUserInfoBytes: config.maxUserInfoBytes,
  };
  const cache = new ChannelCache(config.cacheTtlMs, config.maxCachedChannels);
  // Expired entries are also dropped on read; the sweep only keeps idle ones from piling up.
  const cacheSweep = setInterval(() => cache.sweep(), Math.min(config.cacheTtlMs, 60_000));
  cacheSweep.unref();
  const subscriptions = new SubscriptionManager(registry, authorizationContext, webhooks, cache, limits, logger);
  const users = new UserAuthentication(registry, config, (connection, error) => gateway.disconnect(connection, error), logger);
  const clientEvents = new ClientEventRelay(registry, config.maxClientEventsPerSecond, webhooks, logger);
  gateway.start({ subscriptions, users, clientEvents });

  const handleHttpRequest = createHttpApi(config, { registry, publisher: new Publisher(registry, cache), users });
  const httpServer = createHttpServer(handleHttpRequest);
  httpServer.on("upgrade", (request, socket, head) => gateway.handleUpgrade(request, socket, head));
  httpServer.on("clientError", (_error, socket) => {
    if (socket.writable) socket.end("HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n");
  });

  await listen(httpServer, config.port, config.host);
  const address = httpServer.address() as AddressInfo;
  logger.info("realtime server listening", {
    host: address.address,
    port: address.port,
    appId: config.appId,
    webhooks: config.webhookUrls.length,
    // null = off / unlimited / any (JSON has no Infinity).
    authorizedConnectionsTimeoutMs: config.authorizedConnectionsTimeoutMs ?? null,
    maxConnections: finiteOrNull(config.maxConnections),
    maxConnectionsPerIp: finiteOrNull(config.maxConnectionsPerIp),
    maxChannelsPerConnection: finiteOrNull(config.maxChannelsPerConnection),
    maxFramesPerSecond: finiteOrNull(config.maxFramesPerSecond),
    allowedOrigins: config.allowedOrigins ? [...config.allowedOrigins] : null,
  });

  let closing: Promise<void> | undefined;
  return {
    port: address.port,
    host: address.address,
    close() {
      closing ??= (async () => {
        clearInterval(cacheSweep);
        const stopped = new Promise<void>((resolve) => httpServer.close(() => resolve()));
        await gateway.closeAll();
        await webhooks.close();
        httpServer.closeAllConnections();
        await stopped;
        logger.info("realtime server stopped");
      })();
      return closing;
    },
  };
}

function finiteOrNull(limit: number): number | null {
  return Number.isFinite(limit) ? limit : null;
}

/**
 * Connections the kernel completes and queues while the event loop is busy elsewhere (Linux caps it
 * at net.core.somaxconn, 4096 by default). Node's default, 511, is too few for a reconnect storm:
 * when every client of a restarted server comes back at once, the queue fills, and the kernel drops
 * further handshakes; those clients wait out TCP's retransmission backoff (1, 3, 7, 15, 31 s…)
 * instead of their turn. Measured in `npm run bench:app`'s reconnect storm (BENCHMARKS.md).
 */
export const LISTEN_BACKLOG = 4096;

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error) => reject(error);
    server.once("error", onError);
    server.listen({ port, host, backlog: LISTEN_BACKLOG }, () => {
      server.off("error", onError);
      resolve();
    });
  });
}
