/**
 * `next build` imports every route module to collect page data, with no runtime secret in the
 * environment. So importing the app's server modules must not read the environment; the first use
 * at request time does, and fails there with the variable to set (never with a placeholder).
 */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

beforeEach(() => {
  vi.resetModules();
  vi.stubEnv("NODE_ENV", "production");
  vi.stubEnv("NEXTAUTH_SECRET", undefined);
  vi.stubEnv("NEXTAUTH_URL", undefined);
  vi.stubEnv("DATABASE_URL", "file:./tmp/build-without-secrets/never-opened.db");
});

afterEach(() => {
  vi.unstubAllEnvs();
});

describe("without NEXTAUTH_SECRET (as during next build)", () => {
  it("the env, auth options and Pusher server modules import without reading the environment", async () => {
    await expect(import("@/lib/env")).resolves.toBeDefined();
    await expect(import("@/lib/auth/nextauth-options")).resolves.toBeDefined();
    await expect(import("@/lib/pusher/server")).resolves.toBeDefined();
    await expect(import("@/app/api/auth/[...nextauth]/route")).resolves.toBeDefined();
  });

  it("the first use at request time fails, naming the missing variables", async () => {
    const { env } = await import("@/lib/env");
    expect(() => env.nextAuthSecret).toThrow(/NEXTAUTH_SECRET is required/);
    const { authOptions } = await import("@/lib/auth/nextauth-options");
    expect(() => authOptions.secret).toThrow(/NEXTAUTH_URL is required in production/);
  });

  it("a read during the build itself says so instead of inventing a secret", async () => {
    vi.stubEnv("NEXT_PHASE", "phase-production-build");
    const { env } = await import("@/lib/env");
    expect(() => env.nextAuthSecret).toThrow(/read during `next build`/);
  });

  it("once the environment is valid, the values are the environment's own", async () => {
    vi.stubEnv("NODE_ENV", "test");
    vi.stubEnv("NEXTAUTH_SECRET", "a-real-secret-a-real-secret-a-real-0001");
    const { env } = await import("@/lib/env");
    const { authOptions } = await import("@/lib/auth/nextauth-options");
    expect(env.nextAuthSecret).toBe("a-real-secret-a-real-secret-a-real-0001");
    expect(authOptions.secret).toBe("a-real-secret-a-real-secret-a-real-0001");
  });
});
