/**
 * The one description of the app's environment. Parsed once at start-up (lib/env.ts for the app,
 * scripts/*.ts for the launcher) so a bad value fails fast with a message naming the variable.
 * No `server-only` here: the launcher scripts import it outside Next.
 */
import { z } from "zod";

import { DEFAULT_DATABASE_URL } from "../db/config";

export const DEFAULT_EMBEDDED_PUSHER_PORT = 6001;
/** Zero-config credentials for the embedded realtime server; never valid anywhere else. */
export const EMBEDDED_DEMO_CREDENTIALS = { appId: "app-id", key: "app-key", secret: "app-secret" } as const;

const booleanString = z
  .enum(["true", "false", "1", "0"], { error: 'must be "true" or "false"' })
  .transform((v) => v === "true" || v === "1");

const port = z.coerce.number().int().min(1).max(65535);

const rawEnvSchema = z
  .object({
    NODE_ENV: z.enum(["development", "test", "production"]).default("development"),
    DATABASE_URL: z
      .string()
      .default(DEFAULT_DATABASE_URL)
      .refine((url) => /^(file:|postgres(ql)?:\/\/)/.test(url), {
        message: 'must start with "file:" (SQLite) or "postgres://" / "postgresql://"',
      }),
    NEXTAUTH_SECRET: z.string().min(32, "must be at least 32 characters (try: openssl rand -base64 32)"),
    NEXTAUTH_URL: z.url().default("http://localhost:3000"),
    DEMO_PASSWORD: z.string().min(8).default("demo-password"),
    /** Reverse proxies in front of the app that append to X-Forwarded-For (sign-in throttling; lib/auth/client-address.ts). */
    TRUST_PROXY_HOPS: z.coerce.number({ error: "must be a whole number" }).int("must be a whole number").min(0).max(10).default(0),

    PUSHER_APP_ID: z.string().min(1).optional(),
    PUSHER_KEY: z.string().min(1).optional(),
    PUSHER_SECRET: z.string().min(1).optional(),
    /** Hosted Pusher Channels cluster, e.g. "eu". */
    PUSHER_CLUSTER: z.string().min(1).optional(),
    /** A self-hosted Pusher-compatible server (soketi, sockudo). */
    PUSHER_HOST: z.string().min(1).optional(),
    PUSHER_PORT: port.optional(),
    PUSHER_USE_TLS: booleanString.optional(),
    /** Where the browser reaches the WebSocket server when it differs from PUSHER_HOST/PORT. */
    PUSHER_PUBLIC_HOST: z.string().min(1).optional(),
    PUSHER_PUBLIC_PORT: port.optional(),
  })
  .superRefine((env, ctx) => {
    const external = env.PUSHER_CLUSTER !== undefined || env.PUSHER_HOST !== undefined;
    if (external) {
      for (const name of ["PUSHER_APP_ID", "PUSHER_KEY", "PUSHER_SECRET"] as const) {
        if (!env[name]) ctx.addIssue({ code: "custom", path: [name], message: "is required when PUSHER_CLUSTER or PUSHER_HOST is set" });
      }
    }
    if (env.PUSHER_CLUSTER !== undefined && env.PUSHER_HOST !== undefined) {
      ctx.addIssue({ code: "custom", path: ["PUSHER_HOST"], message: "set either PUSHER_CLUSTER (hosted Pusher) or PUSHER_HOST (self-hosted), not both" });
    }
  });

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
  /** 0: the socket peer is the client; N: the N-th X-Forwarded-For entry from the right. */
  trustProxyHops: number;
  pusher: PusherBackend;
  /** What the browser connects to (never includes the secret). */
  pusherPublic: { host?: string; port?: number };
}

export function parseEnv(source: Record<string, string | undefined>): AppEnv {
  // Empty strings in .env files mean "unset", as most dotenv users expect.
  const cleaned = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== undefined && v !== ""));
  const result = rawEnvSchema.safeParse(cleaned);
  if (!result.success) {
    const lines = result.error.issues.map((issue) => `  - ${issue.path.join(".") || "(env)"} ${issue.message}`);
    throw new Error(`Invalid environment variables:\n${lines.join("\n")}\nSee .env.example for every variable and its default.`);
  }
  const e = result.data;
  let pusher: PusherBackend;
  if (e.PUSHER_CLUSTER) {
    pusher = { kind: "hosted", appId: e.PUSHER_APP_ID!, key: e.PUSHER_KEY!, secret: e.PUSHER_SECRET!, cluster: e.PUSHER_CLUSTER, useTLS: true };
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
    trustProxyHops: e.TRUST_PROXY_HOPS,
    pusher,
    pusherPublic: { host: e.PUSHER_PUBLIC_HOST, port: e.PUSHER_PUBLIC_PORT },
  };
}
