/**
 * The Backend health page's endpoint (POST /api/admin/health) through its route file: admins only,
 * and it runs the doctor from the app's own process against the backend the app is configured for
 * (the embedded server here), with the app's webhooks at NEXTAUTH_URL.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";

import type { BackendHealthAnswer } from "@/lib/doctor/admin-health";
import { createCast, request, startHarness, waitFor, type Harness } from "@/tests/support/app-harness";

let harness: Harness;
let cast: Awaited<ReturnType<typeof createCast>>;
let POST: (request: Request) => Promise<Response>;

beforeAll(async () => {
  harness = await startHarness();
  // The app is "served" where the harness's webhook receiver listens; set before the app reads env.
  vi.stubEnv("NEXTAUTH_URL", new URL(harness.webhookUrl!).origin);
  cast = await createCast(harness);
  ({ POST } = await import("@/app/api/admin/health/route"));
});
afterAll(async () => harness.close());

describe("POST /api/admin/health", () => {
  it("refuses anonymous requests (401) and non-admins (403)", async () => {
    expect((await POST(request("/api/admin/health"))).status).toBe(401);
    expect((await POST(request("/api/admin/health", { cookie: cast.aliceCookie }))).status).toBe(403);
  });

  it("runs the checks for an admin: every required check ok on the embedded server", async () => {
    const response = await POST(request("/api/admin/health", { cookie: cast.adminCookie }));
    expect(response.status).toBe(200);
    const { report } = (await response.json()) as BackendHealthAnswer;
    expect(report.passed).toBe(true);
    expect(report.checks.find((check) => check.name === "user authentication")?.status).toBe("ok");
    expect(report.checks.find((check) => check.name === "webhooks")?.status).toBe("ok");
    expect(JSON.stringify(report)).not.toContain("test-secret");
  });

  it("answers 409 to a second run while one is in progress", async () => {
    const deliveries = harness.webhookLog.length;
    const first = POST(request("/api/admin/health", { cookie: cast.adminCookie }));
    // The run is under way once its signed test delivery has reached the app.
    await waitFor(() => harness.webhookLog.length > deliveries, { message: "the first run's test delivery" });
    const second = await POST(request("/api/admin/health", { cookie: cast.adminCookie }));
    expect(second.status).toBe(409);
    expect((await first).status).toBe(200);
  });
});
