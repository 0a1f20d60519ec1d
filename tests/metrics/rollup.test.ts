/**
 * Issue 11: the metrics page's per-minute rollup. Counts are tallied in memory and flushed as one
 * upsert per (metric, minute); ranges fold minutes into buckets (sum for counters, peak for
 * gauges); gauges are sampled from the roster table; old minutes are pruned. Real database (SQLite,
 * or PostgreSQL with TEST_DATABASE_PROVIDER=postgresql), real handlers for the call sites.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";

import { createCast, formRequest, request, resetDatabase, startHarness, waitFor, type Harness } from "@/tests/support/app-harness";

let harness: Harness;
let record: typeof import("@/lib/metrics/record");
let query: typeof import("@/lib/metrics/query");

const MINUTE = 60_000;
/** A fixed "now" in the middle of an hour, so bucket boundaries are predictable. */
const NOW = Date.UTC(2030, 0, 15, 12, 34, 56);

beforeAll(async () => {
  harness = await startHarness({ webhooks: false });
  record = await import("@/lib/metrics/record");
  query = await import("@/lib/metrics/query");
});

afterAll(async () => {
  record?.stopMetricsRecorder();
  await harness?.close();
});

beforeEach(async () => {
  await record.flushMetrics();
  record.stopMetricsRecorder();
  await resetDatabase(harness);
  await harness.db.metricMinute.deleteMany();
});

describe("counters", () => {
  it("adds up counts in memory and writes one row per metric and minute", async () => {
    record.recordMetric("kicks", 1, NOW);
    record.recordMetric("kicks", 2, NOW + 1_000);
    record.recordMetric("kicks", 1, NOW - MINUTE);
    record.recordMetric("bans", 1, NOW);
    // Nothing is written on the caller's time.
    expect(await harness.db.metricMinute.count()).toBe(0);
    await record.flushMetrics();

    const rows = await harness.db.metricMinute.findMany({
      where: { metric: { in: ["kicks", "bans"] } },
      orderBy: [{ metric: "asc" }, { minute: "asc" }],
    });
    expect(rows.map((row) => [row.metric, row.minute.getTime(), row.value])).toEqual([
      ["bans", record.minuteOf(NOW), 1],
      ["kicks", record.minuteOf(NOW) - MINUTE, 1],
      ["kicks", record.minuteOf(NOW), 3],
    ]);

    // A later flush adds to the same rows (another app instance does the same).
    record.recordMetric("kicks", 4, NOW);
    await record.flushMetrics();
    const row = await harness.db.metricMinute.findUnique({
      where: { metric_minute: { metric: "kicks", minute: new Date(record.minuteOf(NOW)) } },
    });
    expect(row?.value).toBe(7);
  });

  it("flushes on its own shortly after an event", async () => {
    record.recordMetric("messages-read");
    await waitFor(async () => (await harness.db.metricMinute.count({ where: { metric: "messages-read" } })) > 0, {
      message: "the timer's flush",
    });
  });

  it("folds minutes into the range's buckets: the hour by minute, the day by 10 minutes, the week by hour", async () => {
    record.recordMetric("messages-sent", 2, NOW);
    record.recordMetric("messages-sent", 3, NOW - 5 * MINUTE);
    record.recordMetric("messages-sent", 7, NOW - 3 * 60 * MINUTE);
    record.recordMetric("messages-sent", 11, NOW - 3 * 24 * 60 * MINUTE);
    await record.flushMetrics();

    const hour = await query.getMetricSeries("hour", NOW);
    expect(hour.times).toHaveLength(60);
    expect(hour.times.at(-1)).toBe(record.minuteOf(NOW));
    expect(hour.values["messages-sent"].at(-1)).toBe(2);
    expect(hour.values["messages-sent"].at(-6)).toBe(3);
    expect(hour.values["messages-sent"].reduce((a, b) => (a ?? 0) + (b ?? 0), 0)).toBe(5);
    expect(hour.values.kicks.every((value) => value === 0)).toBe(true);

    const day = await query.getMetricSeries("day", NOW);
    expect(day.times).toHaveLength(144);
    // 12:34 and 12:29 fall into the 12:30 and 12:20 buckets.
    expect(day.values["messages-sent"].at(-1)).toBe(2);
    expect(day.values["messages-sent"].at(-2)).toBe(3);
    expect(query.summarizeSeries(day)["messages-sent"]).toBe(12);

    const week = await query.getMetricSeries("week", NOW);
    expect(week.times).toHaveLength(168);
    expect(week.values["messages-sent"].at(-1)).toBe(5);
    expect(query.summarizeSeries(week)["messages-sent"]).toBe(23);
  });
});

describe("gauges", () => {
  it("samples users online and connections from the roster table, and a bucket shows the peak", async () => {
    const { alice, bob } = await createCast(harness);
    const now = new Date(NOW);
    await harness.db.realtimeConnection.createMany({
      data: [
        { socketId: "1.1", userId: alice.id, signedInAt: now, confirmedAt: now },
        { socketId: "1.2", userId: alice.id, signedInAt: now, confirmedAt: now },
        { socketId: "1.3", userId: bob.id, signedInAt: now, confirmedAt: now },
      ],
    });
    await record.sampleGauges(NOW - 2 * MINUTE);
    await harness.db.realtimeConnection.deleteMany({ where: { userId: bob.id } });
    await record.sampleGauges(NOW);

    const hour = await query.getMetricSeries("hour", NOW);
    expect(hour.values.connections.at(-1)).toBe(2);
    expect(hour.values["users-online"].at(-1)).toBe(1);
    expect(hour.values.connections.at(-3)).toBe(3);
    expect(hour.values["users-online"].at(-3)).toBe(2);
    // No sample: a gap, not a zero.
    expect(hour.values.connections.at(-2)).toBeNull();

    const day = await query.getMetricSeries("day", NOW);
    expect(day.values.connections.at(-1)).toBe(3);
    expect(query.summarizeSeries(day).connections).toBe(3);
  });

  it("samples at most every few seconds for page views and once a minute for the timer, however often asked", async () => {
    const at = record.minuteOf(NOW);
    await record.sampleGaugesIfDue(at, record.GAUGE_FRESH_MS);
    await harness.db.metricMinute.deleteMany();
    await record.sampleGaugesIfDue(at + 1_000, record.GAUGE_FRESH_MS);
    await record.sampleGaugesIfDue(at + 30_000);
    expect(await harness.db.metricMinute.count()).toBe(0);
    await record.sampleGaugesIfDue(at + 6_000, record.GAUGE_FRESH_MS);
    expect(await harness.db.metricMinute.count({ where: { metric: "connections" } })).toBe(1);
    await harness.db.metricMinute.deleteMany();
    await record.sampleGaugesIfDue(at + MINUTE);
    expect(await harness.db.metricMinute.count({ where: { metric: "connections" } })).toBe(1);
  });

  it("re-samples after a flush with counts (a sign-in or kick changed the roster)", async () => {
    const { alice } = await createCast(harness);
    await record.sampleGauges();
    const now = new Date();
    await harness.db.realtimeConnection.create({ data: { socketId: "7.1", userId: alice.id, signedInAt: now, confirmedAt: now } });
    record.recordMetric("realtime-sign-ins");
    await record.flushMetrics();
    const row = await harness.db.metricMinute.findFirst({ where: { metric: "connections" }, orderBy: { minute: "desc" } });
    expect(row?.value).toBe(1);
  });
});

describe("retention", () => {
  it("deletes minutes older than 8 days and timeline events older than 30 days", async () => {
    const { alice } = await createCast(harness);
    const now = Date.now();
    await harness.db.metricMinute.createMany({
      data: [
        { metric: "kicks", minute: new Date(record.minuteOf(now - record.METRICS_RETENTION_MS - MINUTE)), value: 1 },
        { metric: "kicks", minute: new Date(record.minuteOf(now - 7 * 24 * 60 * MINUTE)), value: 1 },
      ],
    });
    await harness.db.userEvent.createMany({
      data: [
        { userId: alice.id, kind: "sign-in", detail: "old", createdAt: new Date(now - record.USER_EVENTS_RETENTION_MS - MINUTE) },
        { userId: alice.id, kind: "sign-in", detail: "recent", createdAt: new Date(now - MINUTE) },
      ],
    });
    await record.pruneIfDue(now);
    expect(await harness.db.metricMinute.count({ where: { metric: "kicks" } })).toBe(1);
    expect((await harness.db.userEvent.findMany()).map((row) => row.detail)).toEqual(["recent"]);
  });
});

describe("call sites", () => {
  it("counts realtime sign-ins and refusals at /pusher/user-auth, and kicks", async () => {
    const { handleUserAuth } = await import("@/lib/pusher/sign-user-auth");
    const { handleKickUser } = await import("@/lib/admin/kick");
    const { alice, aliceCookie, adminCookie } = await createCast(harness);

    expect((await handleUserAuth(formRequest("/pusher/user-auth", { socket_id: "5.1" }, { cookie: aliceCookie }))).status).toBe(200);
    expect((await handleUserAuth(formRequest("/pusher/user-auth", { socket_id: "5.2" }))).status).toBe(401);
    expect((await handleKickUser(request(`/api/admin/users/${alice.id}/kick`, { cookie: adminCookie }), alice.id)).status).toBe(200);

    const summary = query.summarizeSeries(await query.getMetricSeries("hour"));
    expect(summary["realtime-sign-ins"]).toBe(1);
    expect(summary["realtime-refusals"]).toBe(1);
    expect(summary.kicks).toBe(1);
  });

  it("counts messages sent, delivered live, stored for later and read", async () => {
    const { handleSendMessage } = await import("@/lib/admin/send-message");
    const { recordReceipt } = await import("@/lib/messages/receipt-handler");
    const { bob, adminCookie } = await createCast(harness);

    const response = await handleSendMessage(
      request(`/api/admin/users/${bob.id}/messages`, { cookie: adminCookie, json: { message: "Hello" } }),
      bob.id,
    );
    expect(response.status).toBe(200);
    const message = await harness.db.message.findFirstOrThrow({ where: { recipientId: bob.id } });
    await recordReceipt(bob.id, message.id, "read");
    await recordReceipt(bob.id, message.id, "read");

    const summary = query.summarizeSeries(await query.getMetricSeries("hour"));
    expect(summary["messages-sent"]).toBe(1);
    expect(summary["messages-live"]).toBe(0);
    expect(summary["messages-stored"]).toBe(1);
    // The second receipt changed nothing and counts nothing.
    expect(summary["messages-read"]).toBe(1);
  });
});
