import type { Metadata } from "next";
import Link from "next/link";

import { FeedRefresh } from "@/components/admin/feed-refresh";
import { MetricChart } from "@/components/admin/metrics/metric-chart";
import { cn } from "@/components/ui/cn";
import { requireAdmin } from "@/lib/auth/session";
import { isGauge, METRIC_CHARTS, METRIC_RANGES, parseMetricRange, type MetricRange } from "@/lib/metrics/metric-names";
import { getMetricSeries, summarizeSeries } from "@/lib/metrics/query";

export const metadata: Metadata = { title: "Metrics" };

// Per-request data behind a session check: never prerender or cache this page.
export const dynamic = "force-dynamic";

const RANGE_ORDER: MetricRange[] = ["hour", "day", "week"];

export default async function MetricsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  // The layout checks too, but layouts don't re-run on client-side navigation; pages do.
  await requireAdmin();
  const rawRange = (await searchParams).range;
  const parsed = parseMetricRange(Array.isArray(rawRange) ? rawRange[0] : rawRange);
  const range = parsed ?? "hour";
  const series = await getMetricSeries(range);
  const summary = summarizeSeries(series);

  return (
    <div className="flex flex-col gap-6">
      <header className="flex flex-col gap-1">
        <h1 className="text-2xl font-semibold tracking-tight">Metrics</h1>
        <p className="text-sm text-zinc-600 dark:text-zinc-400">
          Recorded per minute as things happen, kept for 8 days. Updates live while open. Times in UTC.
        </p>
      </header>
      <nav aria-label="Range">
        <ul className="flex flex-wrap gap-2">
          {RANGE_ORDER.map((name) => (
            <li key={name}>
              <Link
                href={name === "hour" ? "/admin/metrics" : `/admin/metrics?range=${name}`}
                aria-current={name === range ? "page" : undefined}
                className={cn(
                  "inline-flex h-9 items-center rounded-md border px-3 text-sm",
                  name === range
                    ? "border-zinc-900 bg-zinc-900 text-white dark:border-white dark:bg-white dark:text-zinc-900"
                    : "border-zinc-300 bg-white text-zinc-900 hover:bg-zinc-100 dark:border-zinc-700 dark:bg-zinc-900 dark:text-zinc-100 dark:hover:bg-zinc-800",
                )}
              >
                {METRIC_RANGES[name].label}
              </Link>
            </li>
          ))}
        </ul>
      </nav>
      {parsed === null ? (
        <p role="alert" className="rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-900 dark:bg-amber-950 dark:text-amber-100">
          Unknown range “{String(rawRange)}”: showing the last hour. Ranges are hour, day and week.
        </p>
      ) : null}
      <div className="grid gap-4 lg:grid-cols-2">
        {METRIC_CHARTS.map((spec) => (
          <MetricChart
            key={spec.id}
            spec={spec}
            series={series}
            summary={Object.fromEntries(spec.metrics.map((metric) => [metric, summary[metric]]))}
            summaryKind={spec.metrics.every(isGauge) ? "latest" : "total"}
          />
        ))}
      </div>
      <FeedRefresh />
    </div>
  );
}
