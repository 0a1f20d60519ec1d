import "server-only";

import { db } from "@/lib/db/client";
import { ensureMetricsSampler, flushMetrics, GAUGE_FRESH_MS, minuteOf, sampleGaugesIfDue } from "@/lib/metrics/record";
import {
  COUNTER_METRICS,
  GAUGE_METRICS,
  isGauge,
  METRIC_RANGES,
  type MetricName,
  type MetricRange,
  type MetricSeries,
} from "@/lib/metrics/metric-names";

const ALL_METRICS: readonly MetricName[] = [...GAUGE_METRICS, ...COUNTER_METRICS];

/**
 * The page's data for one range: reads only the rollup table (one indexed range query), never the
 * audit or message tables. Minutes are folded into the range's buckets: counters add up, gauges
 * keep the bucket's peak; a bucket with no gauge sample is null (a gap in the line, not a zero).
 * Counts still in memory are flushed first and the gauges sampled, so the page is current.
 */
export async function getMetricSeries(range: MetricRange, now: number = Date.now()): Promise<MetricSeries> {
  ensureMetricsSampler();
  await flushMetrics();
  await sampleGaugesIfDue(now, GAUGE_FRESH_MS);

  const { spanMs, bucketMs } = METRIC_RANGES[range];
  // Buckets aligned to their width (UTC), the last one holding the current minute.
  const lastBucket = minuteOf(now) - (minuteOf(now) % bucketMs);
  const count = Math.round(spanMs / bucketMs);
  const firstBucket = lastBucket - (count - 1) * bucketMs;
  const times = Array.from({ length: count }, (_, i) => firstBucket + i * bucketMs);

  const values = Object.fromEntries(
    ALL_METRICS.map((metric) => [metric, times.map(() => (isGauge(metric) ? null : 0))]),
  ) as MetricSeries["values"];
  const rows = await db.metricMinute.findMany({
    where: { minute: { gte: new Date(firstBucket) } },
    select: { metric: true, minute: true, value: true },
  });
  for (const row of rows) {
    const series = values[row.metric as MetricName];
    if (!series) continue;
    const index = Math.floor((row.minute.getTime() - firstBucket) / bucketMs);
    if (index < 0 || index >= count) continue;
    const previous = series[index] ?? null;
    series[index] = isGauge(row.metric as MetricName) ? Math.max(previous ?? 0, row.value) : (previous ?? 0) + row.value;
  }
  return { range, bucketMs, times, values };
}

/** Totals over the range (counters) and latest values (gauges), for the page's summary. */
export function summarizeSeries(series: MetricSeries): Record<MetricName, number | null> {
  return Object.fromEntries(
    Object.entries(series.values).map(([metric, points]) => {
      if (isGauge(metric as MetricName)) {
        const last = [...points].reverse().find((value) => value !== null);
        return [metric, last ?? null];
      }
      return [metric, points.reduce<number>((sum, value) => sum + (value ?? 0), 0)];
    }),
  ) as Record<MetricName, number | null>;
}
