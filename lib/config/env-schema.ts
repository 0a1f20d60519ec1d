/**
 * The one description of the app's environment. Parsed by the launcher at start-up (scripts/*.ts)
 * and by the app on first use (lib/env.ts), so both agree and a bad value fails fast with a message
 * naming the variable. With NODE_ENV=production it also refuses configurations that only make sense
 * on a developer's machine (demo credentials, the embedded server, a defaulted URL).
 * No `server-only` here: the launcher scripts import it outside Next.
 */
import { z } from "zod";

import { DEFAULT_DATABASE_URL } from "../db/database-config";
import { DEFAULT_DEMO_PASSWORD } from "../db/demo-accounts";
import { DEFAULT_AUTHORIZED_CONNECTIONS_TIMEOUT_MS } from "../realtime-server/config";
import { DEMO_CREDENTIALS } from "../realtime-server/server-env";
import { normalizeEnvValue, optionalText, timeoutMsText, wholeNumberText } from "../realtime-server/env-values";

export const DEFAULT_EMBEDDED_PUSHER_PORT = 6001;
/** Zero-config credentials for the embedded realtime server (the standalone server's too); public. */
export const EMBEDDED_DEMO_CREDENTIALS = DEMO_CREDENTIALS;

const booleanString = z
  .enum(["true", "false", "1", "0"], { error: 'must be "true" or "false"' })
  .transform((v) => v === "true" || v === "1");

/** PUSHER_* values follow the realtime server's rules (lib/realtime-server/env-values.ts). */
const port = wholeNumberText(1, 65_535);

const rawEnvSchema = z
  .object({
    NODE_ENV: z.enum(["development", "test", "production"]).default("development"),
    DATABASE_URL: z
      .string()
      .default(DEFAULT_DATABASE_URL)
      .refine((url) => /^(file:|postgres(ql)?:\/\/)/.test(url), {
        message: 'must start with "file:" (SQLite) or "postgres://" / "postgresql://"',
      }),
    NEXTAUTH_SECRET: z
      .string({ error: "is required: at least 32 random characters (try: openssl rand -base64 32)" })
      .min(32, "must be at least 32 characters (try: openssl rand -base64 32)"),
    /** Required in production (see productionProblems); elsewhere the launcher sets it to Next's own address. */
    NEXTAUTH_URL: z.url().default("http://localhost:3000"),
    DEMO_PASSWORD: z.string().min(8).default(DEFAULT_DEMO_PASSWORD),
    /** Default: seed only in development. */
    SEED_DEMO_ACCOUNTS: booleanString.optional(),
    /** Reverse proxies in front of the app that append to X-Forwarded-For (sign-in throttling; lib/auth/client-address.ts). */
    TRUST_PROXY_HOPS: z.coerce.number({ error: "must be a whole number" }).int("must be a whole number").min(0).max(10).default(0),

    PUSHER_APP_ID: optionalText,
    PUSHER_KEY: optionalText,
    PUSHER_SECRET: optionalText,
    /** Hosted Pusher Channels cluster, e.g. "eu". */
    PUSHER_CLUSTER: optionalText,
    /** A self-hosted Pusher-compatible server (soketi, sockudo). */
    PUSHER_HOST: optionalText,
    PUSHER_PORT: port.optional(),
    PUSHER_USE_TLS: booleanString.optional(),
    /** Where the browser reaches the WebSocket server when it differs from PUSHER_HOST/PORT. */
    PUSHER_PUBLIC_HOST: optionalText,
    PUSHER_PUBLIC_PORT: port.optional(),
    /** Production opt-in for the embedded (development) realtime server. */
    PUSHER_ALLOW_EMBEDDED: booleanString.optional(),
    /**
     * How long the backend lets a socket stay connected without signing in. The embedded server
     * enforces this value; for hosted Pusher or soketi, state the value configured there.
     */
    PUSHER_AUTHORIZED_CONNECTIONS_TIMEOUT_MS: timeoutMsText(DEFAULT_AUTHORIZED_CONNECTIONS_TIMEOUT_MS),
  })
  .superRefine((env, ctx) => {
    if (env.PUSHER_CLUSTER !== undefined && env.PUSHER_HOST !== undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["PUSHER_HOST"],
        message: "set either PUSHER_CLUSTER (hosted Pusher) or PUSHER_HOST (self-hosted), not both",
      });
    }
  });

const CREDENTIAL_VARIABLES = ["PUSHER_APP_ID", "PUSHER_KEY", "PUSHER_SECRET"] as const;
const DEMO_VALUE_OF = {
  PUSHER_APP_ID: EMBEDDED_DEMO_CREDENTIALS.appId,
  PUSHER_KEY: EMBEDDED_DEMO_CREDENTIALS.key,
  PUSHER_SECRET: EMBEDDED_DEMO_CREDENTIALS.secret,
} as const;

interface Problem {
  variable: string;
  message: string;
}

/**
 * The three credentials go together, in every mode: a half-set group would otherwise be silently
 * completed with demo values (embedded) or fail at the first API call (hosted, self-hosted).
 */
function credentialProblems(raw: Record<string, string>): Problem[] {
  const set = CREDENTIAL_VARIABLES.filter((name) => raw[name] !== undefined);
  const external = raw.PUSHER_CLUSTER !== undefined || raw.PUSHER_HOST !== undefined;
  if (set.length === 0 && !external) return [];
  const reason =
    set.length > 0
      ? `${set.join(" and ")} ${set.length === 1 ? "is" : "are"} set`
      : `${raw.PUSHER_CLUSTER !== undefined ? "PUSHER_CLUSTER" : "PUSHER_HOST"} is set`;
  return CREDENTIAL_VARIABLES.filter((name) => raw[name] === undefined).map((variable) => ({
    variable,
    message: `is required: ${reason}, so set all three of ${CREDENTIAL_VARIABLES.join(", ")} (your Pusher app's credentials)`,
  }));
}

/**
 * What `npm start` must refuse with NODE_ENV=production. Checked on the raw strings so that every
 * problem is reported at once, alongside any type errors.
 */
function productionProblems(raw: Record<string, string>): Problem[] {
  const problems: Problem[] = [];
  if (raw.NEXTAUTH_URL === undefined) {
    problems.push({
      variable: "NEXTAUTH_URL",
      message: "is required in production: set it to the app's public URL, e.g. https://chat.example.com",
    });
  }
  const embedded = raw.PUSHER_CLUSTER === undefined && raw.PUSHER_HOST === undefined;
  if (embedded && raw.PUSHER_ALLOW_EMBEDDED !== "true" && raw.PUSHER_ALLOW_EMBEDDED !== "1") {
    problems.push({
      variable: "PUSHER_ALLOW_EMBEDDED",
      message:
        "must be true to run the embedded realtime server in production: it is a development server. Set PUSHER_CLUSTER (hosted Pusher) or PUSHER_HOST (soketi, sockudo), or PUSHER_ALLOW_EMBEDDED=true with PUSHER_APP_ID, PUSHER_KEY and PUSHER_SECRET of your own",
    });
  }
  for (const variable of CREDENTIAL_VARIABLES) {
    const demo = DEMO_VALUE_OF[variable];
    if (raw[variable] === demo) {
      problems.push({
        variable,
        message: `is the public demo value "${demo}": set your own (the app's credentials from your Pusher backend)`,
      });
    } else if (raw[variable] === undefined && embedded && !CREDENTIAL_VARIABLES.some((name) => raw[name] !== undefined)) {
      // Nothing set at all: the embedded server would fall back to the public demo value.
      problems.push({ variable, message: `is unset, so the embedded server would use the public demo value "${demo}": set your own` });
    }
  }
  const seeding = raw.SEED_DEMO_ACCOUNTS === "true" || raw.SEED_DEMO_ACCOUNTS === "1";
  if (seeding && (raw.DEMO_PASSWORD === undefined || raw.DEMO_PASSWORD === DEFAULT_DEMO_PASSWORD)) {
    problems.push({
      variable: "DEMO_PASSWORD",
      message: `is the public default "${DEFAULT_DEMO_PASSWORD}" while SEED_DEMO_ACCOUNTS=true: set a password of your own (at least 8 characters) or SEED_DEMO_ACCOUNTS=false`,
    });
  }
  return problems;
}

export type PusherBackend =
  | { kind: "embedded"; appId: string; key: string; secret: string; host: "127.0.0.1"; port: number; useTLS: false }
  | { kind: "hosted"; appId: string; key: string; secret: string; cluster: string; useTLS: true }
  | { kind: "self-hosted"; appId: string; key: string; secret: string; host: string; port: number; useTLS: boolean };

export interface AppEnv {
  nodeEnv: "development" | "test" | "production";
  databaseUrl: string;
  nextAuthSecret: string;
  nextAuthUrl: string;
  demoPassword: string;
  /** Whether the launcher seeds the demo accounts (admin@, alice@, bob@example.com). */
  seedDemoAccounts: boolean;
  /** 0: the socket peer is the client; N: the N-th X-Forwarded-For entry from the right. */
  trustProxyHops: number;
  pusher: PusherBackend;
  /** What the browser connects to (never includes the secret). */
  pusherPublic: { host?: string; port?: number };
  /**
   * How long the realtime backend lets a socket stay connected without signing in: after a
   * revocation, a user-auth answer obtained earlier is only good this long.
   */
  authorizedConnectionsTimeoutMs: number;
}

export function parseEnv(source: Record<string, string | undefined>): AppEnv {
  // Empty strings in .env files mean "unset", as most dotenv users expect. PUSHER_* values are
  // normalised as the realtime server reads them (blank = unset, trimmed), before the raw checks
  // below compare them with the demo values.
  const cleaned = Object.fromEntries(
    Object.entries(source)
      .map(([name, v]) => [name, name.startsWith("PUSHER_") ? normalizeEnvValue(v) : v] as const)
      .filter(([, v]) => v !== undefined && v !== ""),
  ) as Record<string, string>;
  const result = rawEnvSchema.safeParse(cleaned);
  const problems: Problem[] = result.success
    ? []
    : result.error.issues.map((issue) => ({ variable: issue.path.join(".") || "(env)", message: issue.message }));
  problems.push(...credentialProblems(cleaned));
  if (cleaned.NODE_ENV === "production") problems.push(...productionProblems(cleaned));
  if (!result.success || problems.length > 0) {
    const lines = problems.map(({ variable, message }) => `  - ${variable} ${message}`);
    throw new Error(`Invalid environment variables:\n${lines.join("\n")}\nSee .env.example for every variable and its default.`);
  }
  const e = result.data;
  let pusher: PusherBackend;
  if (e.PUSHER_CLUSTER) {
    pusher = {
      kind: "hosted",
      appId: e.PUSHER_APP_ID!,
      key: e.PUSHER_KEY!,
      secret: e.PUSHER_SECRET!,
      cluster: e.PUSHER_CLUSTER,
      useTLS: true,
    };
  } else if (e.PUSHER_HOST) {
    pusher = {
      kind: "self-hosted",
      appId: e.PUSHER_APP_ID!,
      key: e.PUSHER_KEY!,
      secret: e.PUSHER_SECRET!,
      host: e.PUSHER_HOST,
      port: e.PUSHER_PORT ?? (e.PUSHER_USE_TLS ? 443 : 80),
      useTLS: e.PUSHER_USE_TLS ?? false,
    };
  } else {
    pusher = {
      kind: "embedded",
      appId: e.PUSHER_APP_ID ?? EMBEDDED_DEMO_CREDENTIALS.appId,
      key: e.PUSHER_KEY ?? EMBEDDED_DEMO_CREDENTIALS.key,
      secret: e.PUSHER_SECRET ?? EMBEDDED_DEMO_CREDENTIALS.secret,
      host: "127.0.0.1",
      port: e.PUSHER_PORT ?? DEFAULT_EMBEDDED_PUSHER_PORT,
      useTLS: false,
    };
  }
  return {
    nodeEnv: e.NODE_ENV,
    databaseUrl: e.DATABASE_URL,
    nextAuthSecret: e.NEXTAUTH_SECRET,
    nextAuthUrl: e.NEXTAUTH_URL,
    demoPassword: e.DEMO_PASSWORD,
    seedDemoAccounts: e.SEED_DEMO_ACCOUNTS ?? e.NODE_ENV === "development",
    trustProxyHops: e.TRUST_PROXY_HOPS,
    pusher,
    pusherPublic: { host: e.PUSHER_PUBLIC_HOST, port: e.PUSHER_PUBLIC_PORT },
    authorizedConnectionsTimeoutMs: e.PUSHER_AUTHORIZED_CONNECTIONS_TIMEOUT_MS,
  };
}
