/**
 * Standalone realtime server (`npm run realtime`). See docs/realtime-server.md for the variables:
 * PUSHER_APP_ID, PUSHER_KEY, PUSHER_SECRET (all three, or none for the demo defaults),
 * PUSHER_PORT, PUSHER_BIND_HOST, PUSHER_WEBHOOK_URLS, PUSHER_AUTHORIZED_CONNECTIONS_TIMEOUT_MS (30 000 unless
 * set; 0 or off disables), and the limits PUSHER_MAX_CONNECTIONS, PUSHER_MAX_CONNECTIONS_PER_IP,
 * PUSHER_MAX_CHANNELS_PER_CONNECTION, PUSHER_MAX_FRAMES_PER_SECOND, PUSHER_ALLOWED_ORIGINS.
 */
import { optionsFromEnvironment } from "../lib/realtime-server/server-env";
import { createJsonLogger, createServer, type RealtimeServerOptions } from "../lib/realtime-server/index";

function exitWithError(message: string): never {
  process.stderr.write(`realtime: ${message}\n`);
  process.exit(1);
}

async function main(): Promise<void> {
  const logger = createJsonLogger();
  let options: RealtimeServerOptions;
  try {
    options = optionsFromEnvironment(process.env, (message) => logger.warn(message));
  } catch (error) {
    exitWithError(error instanceof Error ? error.message : String(error));
  }

  let server;
  try {
    server = await createServer({ ...options, logger });
  } catch (error) {
    exitWithError(`could not start: ${error instanceof Error ? error.message : String(error)}`);
  }

  let shuttingDown = false;
  const shutdown = (signal: NodeJS.Signals) => {
    if (shuttingDown) return;
    shuttingDown = true;
    logger.info("shutting down", { signal });
    server.close().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error("shutdown failed", { error });
        process.exit(1);
      },
    );
  };
  process.on("SIGTERM", shutdown);
  process.on("SIGINT", shutdown);
}

void main();
