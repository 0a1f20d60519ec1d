/**
 * Turns environment variables into server options for the standalone entry (scripts/realtime.ts)
 * and for launchers that embed the server. Errors name the variable that is wrong.
 */
import { z } from "zod";
import { DEFAULT_AUTHORIZED_CONNECTIONS_TIMEOUT_MS, Defaults, type RealtimeServerOptions } from "./config";
import { optionalText, optionalTimeoutMsText, wholeNumberText } from "./env-values";
import { allowlistProblem } from "./origins";

export const DEMO_CREDENTIALS = { appId: "app-id", key: "app-key", secret: "app-secret" } as const;
const CREDENTIAL_VARIABLES = ["PUSHER_APP_ID", "PUSHER_KEY", "PUSHER_SECRET"] as const;

const MAX_LIMIT = 10_000_000;
const timeoutText = optionalTimeoutMsText(DEFAULT_AUTHORIZED_CONNECTIONS_TIMEOUT_MS);

/** Comma-separated exact origins; unset or "*" = any. */
const originsText = optionalText.transform((value, context) => {
  if (value === undefined) return undefined;
  const entries = value
    .split(",")
    .map((entry) => entry.trim())
    .filter((entry) => entry.length > 0);
  const problem = allowlistProblem(entries);
  if (problem === undefined) return entries;
  context.addIssue({ code: "custom", message: `${problem} (expected comma-separated origins such as http://localhost:3000, or *)` });
  return z.NEVER;
});

const environmentSchema = z.object({
  PUSHER_APP_ID: optionalText,
  PUSHER_KEY: optionalText,
  PUSHER_SECRET: optionalText,
  PUSHER_PORT: wholeNumberText(0, 65_535),
  PUSHER_BIND_HOST: optionalText,
  PUSHER_WEBHOOK_URLS: optionalText
    .transform((value) =>
      (value ?? "")
        .split(",")
        .map((url) => url.trim())
        .filter((url) => url.length > 0),
    )
    .pipe(z.array(z.url({ protocol: /^https?$/, error: "must be a comma-separated list of http(s) URLs" }))),
  PUSHER_AUTHORIZED_CONNECTIONS_TIMEOUT_MS: timeoutText,
  PUSHER_MAX_CONNECTIONS: wholeNumberText(1, MAX_LIMIT),
  PUSHER_MAX_CONNECTIONS_PER_IP: wholeNumberText(1, MAX_LIMIT),
  PUSHER_MAX_CHANNELS_PER_CONNECTION: wholeNumberText(1, MAX_LIMIT),
  PUSHER_MAX_FRAMES_PER_SECOND: wholeNumberText(1, MAX_LIMIT),
  PUSHER_ALLOWED_ORIGINS: originsText,
});

export function optionsFromEnvironment(
  environment: Record<string, string | undefined>,
  warn: (message: string) => void,
): RealtimeServerOptions {
  const parsed = environmentSchema.safeParse(environment);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path[0]?.toString() ?? "environment"} ${issue.message}`);
    throw new Error(`invalid environment: ${problems.join("; ")}`);
  }
  const env = parsed.data;
  const present = CREDENTIAL_VARIABLES.filter((name) => env[name] !== undefined);
  let credentials: { appId: string; key: string; secret: string };
  if (present.length === 0) {
    warn(`none of ${CREDENTIAL_VARIABLES.join(", ")} is set; using the demo credentials app-id / app-key / app-secret (development only)`);
    credentials = { ...DEMO_CREDENTIALS };
  } else {
    const missing = CREDENTIAL_VARIABLES.filter((name) => env[name] === undefined);
    if (missing.length > 0) {
      throw new Error(
        `missing required environment variable ${missing.join(", ")} (set all of ${CREDENTIAL_VARIABLES.join(", ")} or none)`,
      );
    }
    credentials = { appId: env.PUSHER_APP_ID ?? "", key: env.PUSHER_KEY ?? "", secret: env.PUSHER_SECRET ?? "" };
  }
  return {
    ...credentials,
    port: env.PUSHER_PORT ?? Defaults.port,
    host: env.PUSHER_BIND_HOST ?? Defaults.host,
    webhooks: env.PUSHER_WEBHOOK_URLS.map((url) => ({ url })),
    authorizedConnectionsTimeoutMs: env.PUSHER_AUTHORIZED_CONNECTIONS_TIMEOUT_MS,
    ...limitOptions(env),
  };
}

type ParsedEnvironment = z.output<typeof environmentSchema>;
export type LimitOptions = Pick<
  RealtimeServerOptions,
  "maxConnections" | "maxConnectionsPerIp" | "maxChannelsPerConnection" | "maxFramesPerSecond" | "allowedOrigins"
>;

/** Unset limits keep the library defaults (generous; see config.ts). */
function limitOptions(env: ParsedEnvironment): LimitOptions {
  return {
    maxConnections: env.PUSHER_MAX_CONNECTIONS,
    maxConnectionsPerIp: env.PUSHER_MAX_CONNECTIONS_PER_IP,
    maxChannelsPerConnection: env.PUSHER_MAX_CHANNELS_PER_CONNECTION,
    maxFramesPerSecond: env.PUSHER_MAX_FRAMES_PER_SECOND,
    allowedOrigins: env.PUSHER_ALLOWED_ORIGINS,
  };
}

/**
 * Only the limit variables (PUSHER_MAX_*, PUSHER_ALLOWED_ORIGINS), for a launcher that embeds the
 * server with credentials and ports of its own. Errors name the variable, as optionsFromEnvironment's.
 */
export function limitsFromEnvironment(environment: Record<string, string | undefined>): LimitOptions {
  const parsed = environmentSchema
    .pick({
      PUSHER_MAX_CONNECTIONS: true,
      PUSHER_MAX_CONNECTIONS_PER_IP: true,
      PUSHER_MAX_CHANNELS_PER_CONNECTION: true,
      PUSHER_MAX_FRAMES_PER_SECOND: true,
      PUSHER_ALLOWED_ORIGINS: true,
    })
    .safeParse(environment);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path[0]?.toString() ?? "environment"} ${issue.message}`);
    throw new Error(`invalid environment: ${problems.join("; ")}`);
  }
  return limitOptions(parsed.data as ParsedEnvironment);
}
