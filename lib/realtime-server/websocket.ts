/**
 * The WebSocket side: handshake validation, frame dispatch, the shared activity/authorization
 * sweep and socket teardown. A failure while handling one socket's frame is caught and reported
 * to that socket only.
 */
import { randomInt } from "node:crypto";
import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import { WebSocketServer, type RawData, type WebSocket } from "ws";
import type { ClientEventRelay } from "./client-events";
import type { ResolvedConfig } from "./config";
import { Connection, serializeEvent } from "./connection";
import { clientAddress, handshakeProblem } from "./handshake";
import type { ConnectionLimits } from "./limits";
import type { RealtimeLogger } from "./logger";
import { CLIENT_EVENT_PREFIX, closeReason, CloseCodes, Limits, PusherEvents, type ProtocolError } from "./protocol";
import type { Registry } from "./registry";
import type { SubscriptionManager } from "./subscriptions";
import type { ThrottledWarnings } from "./throttled-warnings";
import type { UserAuthentication } from "./user-auth";

const PING_FRAME = serializeEvent(PusherEvents.ping, {});
const PONG_FRAME = serializeEvent(PusherEvents.pong, {});
const SHUTDOWN_GRACE_MS = 1_000;

export interface GatewayHandlers {
  subscriptions: SubscriptionManager;
  users: UserAuthentication;
  clientEvents: ClientEventRelay;
}

export class SocketGateway {
  private readonly server = new WebSocketServer({
    noServer: true,
    maxPayload: Limits.maxFrameBytes,
    // Compression contexts cost hundreds of KB per socket; Pusher frames are small anyway.
    perMessageDeflate: false,
    clientTracking: false,
  });
  private sweepTimer: NodeJS.Timeout | undefined;
  private handlers: GatewayHandlers | undefined;

  constructor(
    private readonly config: ResolvedConfig,
    private readonly registry: Registry,
    private readonly limits: ConnectionLimits,
    private readonly warnings: ThrottledWarnings,
    private readonly logger: RealtimeLogger,
  ) {}

  /** Handlers and the gateway depend on each other (terminate needs `disconnect`), hence late binding. */
  start(handlers: GatewayHandlers): void {
    this.handlers = handlers;
    this.sweepTimer = setInterval(() => this.sweep(), this.config.sweepIntervalMs);
    this.sweepTimer.unref();
  }

  /**
   * Shared by every socket. A listener created inside handleUpgrade would share that call's closure
   * context with the upgrade callback below, which holds `request`: the IncomingMessage (headers,
   * raw headers) would then stay reachable from the socket for its whole life.
   */
  private readonly onUpgradeSocketError = (error: Error) => this.logger.debug("upgrade socket error", { error });
  private readonly onWebSocketError = (error: Error) => this.logger.debug("websocket error", { error: error.message });
  private readonly onOverflow = (connection: Connection) => this.dropSlowConsumer(connection);

  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    socket.on("error", this.onUpgradeSocketError);
    this.server.handleUpgrade(request, socket, head, (ws) => {
      try {
        this.accept(ws, request);
      } catch (error) {
        // Whatever went wrong is this socket's problem only: the process and other sockets go on.
        this.logger.error("failed to accept a websocket", { error });
        ws.terminate();
      }
    });
  }

  /** Sends the error frame and close code, then forgets the socket's state immediately. */
  disconnect(connection: Connection, error: ProtocolError): void {
    connection.closeWithError(error);
    this.release(connection);
  }

  async closeAll(): Promise<void> {
    if (this.sweepTimer) clearInterval(this.sweepTimer);
    const closing: Promise<void>[] = [];
    for (const connection of [...this.registry.connections.values()]) {
      closing.push(connection.waitUntilClosed(SHUTDOWN_GRACE_MS));
      this.disconnect(connection, CloseCodes.serverShuttingDown);
    }
    await Promise.all(closing);
    this.server.close();
  }

  get connectionCount(): number {
    return this.registry.connections.size;
  }

  private accept(ws: WebSocket, request: IncomingMessage): void {
    ws.on("error", this.onWebSocketError);
    const address = clientAddress(request);
    const refusal = handshakeProblem(request, this.config.key) ?? this.limits.admissionProblem(request, address);
    if (refusal) {
      ws.send(JSON.stringify({ event: PusherEvents.error, data: { code: refusal.code, message: refusal.message } }));
      ws.close(refusal.code, closeReason(refusal.message));
      return;
    }

    const connection = new Connection(this.newSocketId(), ws, address, Date.now(), this.config.maxBufferedBytesPerSocket, this.onOverflow);
    this.registry.addConnection(connection);
    this.limits.opened(connection);
    ws.on("message", (data, isBinary) => this.onFrame(connection, data, isBinary));
    ws.on("close", () => this.release(connection));
    connection.sendEvent(PusherEvents.connectionEstablished, {
      socket_id: connection.socketId,
      activity_timeout: this.config.activityTimeoutSeconds,
    });
  }

  private onFrame(connection: Connection, data: RawData, isBinary: boolean): void {
    const now = Date.now();
    connection.lastActivityAt = now;
    connection.pingSentAt = 0;
    if (connection.closed) return;
    try {
      const verdict = this.limits.admitFrame(connection, now);
      if (verdict === "close") this.disconnect(connection, CloseCodes.messageFlood);
      if (verdict !== "accept") return;
      if (isBinary) {
        connection.sendError("Binary frames are not supported", null);
        return;
      }
      this.dispatch(connection, rawDataToString(data));
    } catch (error) {
      this.logger.error("failed to handle frame", { socketId: connection.socketId, error });
      connection.sendError("Internal server error while handling the message", null);
    }
  }

  private dispatch(connection: Connection, text: string): void {
    const handlers = this.handlers;
    if (!handlers) return;
    let frame: unknown;
    try {
      frame = JSON.parse(text);
    } catch {
      connection.sendError("Message is not valid JSON", null);
      return;
    }
    if (frame === null || typeof frame !== "object" || typeof (frame as { event?: unknown }).event !== "string") {
      connection.sendError("Message must be a JSON object with a string event", null);
      return;
    }
    const { event, channel, data } = frame as { event: string; channel?: unknown; data?: unknown };

    switch (event) {
      case PusherEvents.ping:
        connection.sendRaw(PONG_FRAME);
        return;
      case PusherEvents.pong:
        return;
      case PusherEvents.subscribe:
        handlers.subscriptions.subscribe(connection, parseEmbeddedJson(data));
        return;
      case PusherEvents.unsubscribe:
        handlers.subscriptions.unsubscribe(connection, parseEmbeddedJson(data));
        return;
      case PusherEvents.signin:
        handlers.users.signin(connection, parseEmbeddedJson(data));
        return;
    }
    if (event.startsWith(CLIENT_EVENT_PREFIX)) {
      handlers.clientEvents.relay(connection, event, channel, data);
      return;
    }
    connection.sendError(`Unsupported event ${JSON.stringify(event.slice(0, Limits.eventNameMaxLength))}`, null);
  }

  /** One timer for all sockets instead of one per socket: pings, pong deadlines, authorization deadlines. */
  private sweep(): void {
    try {
      const now = Date.now();
      this.warnings.flush(now);
      this.sweepConnections(now);
    } catch (error) {
      this.logger.error("activity sweep failed", { error });
    }
  }

  private sweepConnections(now: number): void {
    const idleLimitMs = this.config.activityTimeoutSeconds * 1000;
    const { authorizedConnectionsTimeoutMs: authorizationDeadlineMs, authorizedConnectionsRequireSignIn: signInOnly } = this.config;
    for (const connection of this.registry.connections.values()) {
      const authorized = signInOnly ? connection.user !== undefined : connection.authorized;
      if (authorizationDeadlineMs !== undefined && !authorized && now - connection.connectedAt >= authorizationDeadlineMs) {
        this.logger.info("connection not authorized in time", { socketId: connection.socketId });
        this.disconnect(connection, CloseCodes.notAuthorizedWithinTimeout);
        continue;
      }
      if (connection.pingSentAt !== 0) {
        if (now - connection.pingSentAt >= this.config.pongTimeoutMs) {
          this.logger.info("pong not received", { socketId: connection.socketId });
          this.disconnect(connection, CloseCodes.pongNotReceived);
        }
      } else if (now - connection.lastActivityAt >= idleLimitMs) {
        connection.pingSentAt = now;
        connection.sendRaw(PING_FRAME);
      }
    }
  }

  private dropSlowConsumer(connection: Connection): void {
    this.logger.warn("dropping socket whose send buffer is full", {
      socketId: connection.socketId,
      bufferedBytes: connection.bufferedBytes,
    });
    connection.terminate();
    this.release(connection);
  }

  /** Idempotent: runs on close, terminate, overflow and shutdown, whichever comes first. */
  private release(connection: Connection): void {
    if (this.registry.connections.get(connection.socketId) !== connection) return;
    this.registry.removeConnection(connection);
    this.limits.released(connection);
    const handlers = this.handlers;
    if (!handlers) return;
    // Runs inside ws event listeners, where an exception would take the whole process down.
    try {
      handlers.subscriptions.leaveAll(connection);
      handlers.users.release(connection);
    } catch (error) {
      this.logger.error("failed to release connection state", { socketId: connection.socketId, error });
    }
  }

  private newSocketId(): string {
    for (;;) {
      const socketId = `${randomInt(1, 2 ** 31)}.${randomInt(1, 2 ** 31)}`;
      if (!this.registry.connections.has(socketId)) return socketId;
    }
  }
}

/** Some clients send `data` as a JSON string rather than an object. */
function parseEmbeddedJson(data: unknown): unknown {
  if (typeof data !== "string") return data;
  try {
    return JSON.parse(data);
  } catch {
    return data;
  }
}

function rawDataToString(data: RawData): string {
  if (Buffer.isBuffer(data)) return data.toString("utf8");
  if (Array.isArray(data)) return Buffer.concat(data).toString("utf8");
  return Buffer.from(data).toString("utf8");
}
