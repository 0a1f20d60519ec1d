"use client";

import { useEffect, useRef } from "react";
import type uPlotType from "uplot";

import "uplot/dist/uPlot.min.css";

import { METRIC_LABELS, type ChartSpec, type MetricName, type MetricSeries } from "@/lib/metrics/metric-names";

/*
 * One chart of the metrics page. uPlot draws on a canvas, which a screen reader can't read, so the
 * canvas is hidden from assistive technology and the figure carries the text alternative: a
 * one-line summary in its caption and the full data as a table (in a <details>, since a week has
 * 168 rows). Colours were picked for at least 3:1 against both the light and the dark card.
 */

/** Line colours: [light scheme, dark scheme], one pair per series position. */
const SERIES_COLOURS: readonly [string, string][] = [
  ["#2563eb", "#60a5fa"], // blue
  ["#c2410c", "#fb923c"], // orange
  ["#047857", "#34d399"], // green
  ["#7c3aed", "#c4b5fd"], // violet
];

const AXIS_COLOUR = { light: "#52525b", dark: "#a1a1aa" };
const GRID_COLOUR = { light: "#e4e4e7", dark: "#3f3f46" };

const HEIGHT = 220;

function darkScheme(): boolean {
  return typeof window !== "undefined" && window.matchMedia("(prefers-color-scheme: dark)").matches;
}

/** UTC, so the server's table and the browser's chart say the same. "14:05", or "01-15 14:00" by the hour. */
function formatTime(ms: number, bucketMs: number): string {
  const iso = new Date(ms).toISOString();
  return bucketMs >= 60 * 60_000 ? `${iso.slice(5, 10)} ${iso.slice(11, 16)}` : iso.slice(11, 16);
}

interface MetricChartProps {
  spec: ChartSpec;
  series: MetricSeries;
  /** Per metric: the range's total (counters) or latest sample (gauges). */
  summary: Partial<Record<MetricName, number | null>>;
  /** "total" or "latest": how the summary numbers read. */
  summaryKind: "total" | "latest";
}

export function MetricChart({ spec, series, summary, summaryKind }: MetricChartProps) {
  const container = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlotType | null>(null);
  const titleId = `metrics-chart-${spec.id}-title`;

  const data = [series.times.map((ms) => ms / 1000), ...spec.metrics.map((metric) => series.values[metric])] as uPlotType.AlignedData;
  const dataRef = useRef(data);

  useEffect(() => {
    const element = container.current;
    if (!element) return;
    let cancelled = false;
    let observer: ResizeObserver | null = null;
    const media = window.matchMedia("(prefers-color-scheme: dark)");

    const build = async () => {
      // Loaded in the browser only: uPlot touches `window` when it is imported.
      const { default: uPlot } = await import("uplot");
      if (cancelled) return;
      plot.current?.destroy();
      const dark = darkScheme();
      const scheme = dark ? "dark" : "light";
      const axis = {
        stroke: AXIS_COLOUR[scheme],
        grid: { stroke: GRID_COLOUR[scheme], width: 1 },
        ticks: { stroke: GRID_COLOUR[scheme], width: 1 },
      };
      plot.current = new uPlot(
        {
          width: Math.max(element.clientWidth, 240),
          height: HEIGHT,
          // UTC axes, like the table.
          tzDate: (seconds) => uPlot.tzDate(new Date(seconds * 1000), "Etc/UTC"),
          legend: { show: true, live: true },
          cursor: { drag: { x: false, y: false } },
          scales: { y: { range: (_u, _min, max) => [0, Math.max(1, Math.ceil(max * 1.1))] } },
          axes: [axis, { ...axis, size: 44 }],
          series: [
            {},
            ...spec.metrics.map((metric, index) => ({
              label: METRIC_LABELS[metric],
              stroke: SERIES_COLOURS[index % SERIES_COLOURS.length]![dark ? 1 : 0],
              width: 2,
              spanGaps: false,
              points: { show: false },
            })),
          ],
        },
        dataRef.current,
        element,
      );
      // The canvas says nothing to assistive technology; the caption and the table do.
      element.querySelector("canvas")?.setAttribute("aria-hidden", "true");
      observer = new ResizeObserver(() => plot.current?.setSize({ width: Math.max(element.clientWidth, 240), height: HEIGHT }));
      observer.observe(element);
    };

    const rebuild = () => {
      observer?.disconnect();
      void build();
    };
    void build();
    media.addEventListener("change", rebuild);
    return () => {
      cancelled = true;
      media.removeEventListener("change", rebuild);
      observer?.disconnect();
      plot.current?.destroy();
      plot.current = null;
    };
    // Built once per chart; data changes go through setData below.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [spec.id]);

  useEffect(() => {
    dataRef.current = data;
    plot.current?.setData(data);
  });

  const summaryText = spec.metrics.map((metric) => `${METRIC_LABELS[metric]}: ${summary[metric] ?? "no data"}`).join(", ");

  return (
    <figure
      className="flex flex-col gap-3 rounded-xl border border-zinc-200 bg-white p-4 shadow-sm dark:border-zinc-800 dark:bg-zinc-900"
      data-testid={`metrics-chart-${spec.id}`}
      aria-labelledby={titleId}
    >
      <h2 id={titleId} className="text-base font-semibold">
        {spec.title}
      </h2>
      <div ref={container} className="metric-chart min-h-[220px] w-full" />
      <figcaption className="text-sm text-zinc-700 dark:text-zinc-300" data-testid="metrics-summary">
        {summaryKind === "total" ? "Totals over the range" : "Latest sample"} — {summaryText}.
      </figcaption>
      <details className="text-sm">
        <summary className="cursor-pointer text-zinc-700 underline-offset-2 hover:underline dark:text-zinc-300">
          Show the data as a table
        </summary>
        <div className="mt-2 max-h-72 overflow-auto">
          <table className="w-full text-left text-xs tabular-nums" data-testid="metrics-table">
            <caption className="sr-only">
              {spec.title}, one row per {series.bucketMs >= 3_600_000 ? "hour" : series.bucketMs > 60_000 ? "10 minutes" : "minute"}, times
              in UTC
            </caption>
            <thead>
              <tr>
                <th scope="col" className="py-1 pr-3 font-medium">
                  Time (UTC)
                </th>
                {spec.metrics.map((metric) => (
                  <th key={metric} scope="col" className="py-1 pr-3 font-medium">
                    {METRIC_LABELS[metric]}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {series.times.map((ms, index) => (
                <tr key={ms} className="border-t border-zinc-100 dark:border-zinc-800">
                  <th scope="row" className="py-0.5 pr-3 font-normal">
                    <time dateTime={new Date(ms).toISOString()}>{formatTime(ms, series.bucketMs)}</time>
                  </th>
                  {spec.metrics.map((metric) => (
                    <td key={metric} className="py-0.5 pr-3">
                      {series.values[metric][index] ?? "–"}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </details>
    </figure>
  );
}
