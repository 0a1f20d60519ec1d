/**
 * The one env schema refuses unsafe production configuration (issue 8, item 6), lists every problem
 * at once with the variable to set, and keeps development zero-config.
 */
import { describe, expect, it } from "vitest";

import { parseEnv } from "@/lib/config/env-schema";

const SECRET = "production-secret-production-secret-0001";

/** A production environment that must be accepted: hosted Pusher with the deployer's own app. */
const HOSTED_PRODUCTION = {
  NODE_ENV: "production",
  NEXTAUTH_SECRET: SECRET,
  NEXTAUTH_URL: "https://chat.example.com",
  DATABASE_URL: "postgresql://app:pw@db.internal:5432/app",
  PUSHER_APP_ID: "1234567",
  PUSHER_KEY: "0123456789abcdef0123",
  PUSHER_SECRET: "fedcba9876543210fedc",
  PUSHER_CLUSTER: "eu",
};

/** The embedded server in production: opted in, with credentials of its own. */
const EMBEDDED_PRODUCTION = {
  NODE_ENV: "production",
  NEXTAUTH_SECRET: SECRET,
  NEXTAUTH_URL: "https://chat.example.com",
  PUSHER_ALLOW_EMBEDDED: "true",
  PUSHER_APP_ID: "my-app",
  PUSHER_KEY: "my-key",
  PUSHER_SECRET: "my-secret-0123456789",
};

function problemsOf(source: Record<string, string | undefined>): string[] {
  try {
    parseEnv(source);
  } catch (error) {
    return (error as Error).message
      .split("\n")
      .filter((line) => line.startsWith("  - "))
      .map((line) => line.slice(4));
  }
  throw new Error("parseEnv accepted the environment");
}

describe("parseEnv in production", () => {
  it("accepts hosted Pusher with the deployer's own credentials and URL", () => {
    const env = parseEnv(HOSTED_PRODUCTION);
    expect(env.pusher).toMatchObject({ kind: "hosted", cluster: "eu", key: HOSTED_PRODUCTION.PUSHER_KEY });
    expect(env.nextAuthUrl).toBe("https://chat.example.com");
    expect(env.seedDemoAccounts).toBe(false);
  });

  it("refuses the embedded server without PUSHER_ALLOW_EMBEDDED=true", () => {
    const embedded = { ...HOSTED_PRODUCTION, PUSHER_CLUSTER: undefined };
    const problems = problemsOf(embedded);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^PUSHER_ALLOW_EMBEDDED .*development server.*PUSHER_CLUSTER.*PUSHER_HOST/);
    expect(() => parseEnv({ ...embedded, PUSHER_ALLOW_EMBEDDED: "false" })).toThrow(/PUSHER_ALLOW_EMBEDDED/);
  });

  it("runs the embedded server when opted in, with its own credentials", () => {
    const env = parseEnv(EMBEDDED_PRODUCTION);
    expect(env.pusher).toMatchObject({ kind: "embedded", appId: "my-app", key: "my-key", secret: "my-secret-0123456789" });
  });

  it("refuses the opted-in embedded server on the demo credentials, naming each variable", () => {
    const noCredentials = { ...EMBEDDED_PRODUCTION, PUSHER_APP_ID: undefined, PUSHER_KEY: undefined, PUSHER_SECRET: undefined };
    const problems = problemsOf(noCredentials);
    expect(problems).toEqual([
      expect.stringMatching(/^PUSHER_APP_ID .*"app-id"/),
      expect.stringMatching(/^PUSHER_KEY .*"app-key"/),
      expect.stringMatching(/^PUSHER_SECRET .*"app-secret"/),
    ]);
  });

  it.each([
    ["PUSHER_APP_ID", "app-id"],
    ["PUSHER_KEY", "app-key"],
    ["PUSHER_SECRET", "app-secret"],
  ])("refuses the public demo value of %s whatever the backend", (name, demo) => {
    for (const base of [
      HOSTED_PRODUCTION,
      EMBEDDED_PRODUCTION,
      { ...EMBEDDED_PRODUCTION, PUSHER_ALLOW_EMBEDDED: undefined, PUSHER_HOST: "soketi.internal" },
    ]) {
      const problems = problemsOf({ ...base, [name]: demo });
      expect(problems).toEqual([expect.stringMatching(new RegExp(`^${name} .*public demo`))]);
    }
  });

  it("refuses seeding demo accounts with the default DEMO_PASSWORD (unset or spelled out)", () => {
    for (const password of [undefined, "", "demo-password"]) {
      const problems = problemsOf({ ...HOSTED_PRODUCTION, SEED_DEMO_ACCOUNTS: "true", DEMO_PASSWORD: password });
      expect(problems).toEqual([expect.stringMatching(/^DEMO_PASSWORD .*SEED_DEMO_ACCOUNTS=true/)]);
    }
    const seeded = parseEnv({ ...HOSTED_PRODUCTION, SEED_DEMO_ACCOUNTS: "true", DEMO_PASSWORD: "a-password-of-my-own" });
    expect(seeded).toMatchObject({ seedDemoAccounts: true, demoPassword: "a-password-of-my-own" });
    // Not seeding: the default password is never used, so it is not an error.
    expect(parseEnv({ ...HOSTED_PRODUCTION, SEED_DEMO_ACCOUNTS: "false" }).seedDemoAccounts).toBe(false);
  });

  it("refuses an unset NEXTAUTH_URL instead of defaulting to localhost", () => {
    const problems = problemsOf({ ...HOSTED_PRODUCTION, NEXTAUTH_URL: undefined });
    expect(problems).toEqual([expect.stringMatching(/^NEXTAUTH_URL is required in production/)]);
    expect(problemsOf({ ...HOSTED_PRODUCTION, NEXTAUTH_URL: "" })).toEqual([expect.stringMatching(/^NEXTAUTH_URL /)]);
  });

  it("lists every problem at once, each naming its variable", () => {
    const problems = problemsOf({ NODE_ENV: "production", SEED_DEMO_ACCOUNTS: "true" });
    const named = problems.map((line) => line.split(" ")[0]);
    expect(named).toEqual(
      expect.arrayContaining([
        "NEXTAUTH_SECRET",
        "NEXTAUTH_URL",
        "PUSHER_ALLOW_EMBEDDED",
        "PUSHER_APP_ID",
        "PUSHER_KEY",
        "PUSHER_SECRET",
        "DEMO_PASSWORD",
      ]),
    );
  });
});

describe("parseEnv in every mode", () => {
  it.each(["development", "test", "production"])("refuses a partial set of PUSHER_* credentials (%s)", (mode) => {
    const base = mode === "production" ? EMBEDDED_PRODUCTION : { NODE_ENV: mode, NEXTAUTH_SECRET: SECRET };
    const problems = problemsOf({ ...base, PUSHER_APP_ID: undefined, PUSHER_KEY: "only-the-key", PUSHER_SECRET: undefined });
    expect(problems).toEqual([
      expect.stringMatching(/^PUSHER_APP_ID is required: PUSHER_KEY is set/),
      expect.stringMatching(/^PUSHER_SECRET is required: PUSHER_KEY is set/),
    ]);
  });

  it("keeps development zero-config: embedded server, demo credentials, demo accounts, localhost URL", () => {
    // The launcher supplies a generated NEXTAUTH_SECRET; nothing else is set.
    const env = parseEnv({ NEXTAUTH_SECRET: SECRET });
    expect(env.nodeEnv).toBe("development");
    expect(env.pusher).toEqual({
      kind: "embedded",
      appId: "app-id",
      key: "app-key",
      secret: "app-secret",
      host: "127.0.0.1",
      port: 6001,
      useTLS: false,
    });
    expect(env.seedDemoAccounts).toBe(true);
    expect(env.demoPassword).toBe("demo-password");
    expect(env.nextAuthUrl).toBe("http://localhost:3000");
  });

  it("reads the authorized-connections timeout the backend enforces (default 30 s)", () => {
    expect(parseEnv({ NEXTAUTH_SECRET: SECRET }).authorizedConnectionsTimeoutMs).toBe(30_000);
    expect(parseEnv({ NEXTAUTH_SECRET: SECRET, PUSHER_AUTHORIZED_CONNECTIONS_TIMEOUT_MS: "5000" }).authorizedConnectionsTimeoutMs).toBe(
      5000,
    );
    expect(problemsOf({ NEXTAUTH_SECRET: SECRET, PUSHER_AUTHORIZED_CONNECTIONS_TIMEOUT_MS: "soon" })).toEqual([
      expect.stringMatching(/^PUSHER_AUTHORIZED_CONNECTIONS_TIMEOUT_MS /),
    ]);
  });
});
