/**
 * The metrics the admin metrics page charts, shared by the recorder (server) and the charts
 * (browser). No server imports.
 */

/** Counted as they happen: the value of a minute is how many happened in it. */
export const COUNTER_METRICS = [
  "password-sign-ins",
  "password-refusals",
  "realtime-sign-ins",
  "realtime-refusals",
  "messages-sent",
  "messages-live",
  "messages-stored",
  "messages-read",
  "kicks",
  "bans",
  "sign-outs-everywhere",
] as const;

/** Sampled: the value of a minute is its last sample (a range bucket shows the peak). */
export const GAUGE_METRICS = ["users-online", "connections"] as const;

export type CounterMetric = (typeof COUNTER_METRICS)[number];
export type GaugeMetric = (typeof GAUGE_METRICS)[number];
export type MetricName = CounterMetric | GaugeMetric;

export const METRIC_LABELS: Record<MetricName, string> = {
  "password-sign-ins": "Sign-ins (password)",
  "password-refusals": "Refused sign-ins (password)",
  "realtime-sign-ins": "Realtime sign-ins",
  "realtime-refusals": "Refused realtime sign-ins",
  "messages-sent": "Messages sent",
  "messages-live": "Delivered live",
  "messages-stored": "Stored for later",
  "messages-read": "Read",
  kicks: "Kicks",
  bans: "Bans",
  "sign-outs-everywhere": "Sign-outs everywhere",
  "users-online": "Users online",
  connections: "Connections",
};

export function isGauge(metric: MetricName): metric is GaugeMetric {
  return (GAUGE_METRICS as readonly string[]).includes(metric);
}

/** One chart of the page: its id (the test id is `metrics-chart-<id>`), title and series. */
export interface ChartSpec {
  id: string;
  title: string;
  metrics: readonly MetricName[];
}

export const METRIC_CHARTS: readonly ChartSpec[] = [
  { id: "online", title: "Users online and connections", metrics: ["users-online", "connections"] },
  {
    id: "sign-ins",
    title: "Sign-ins and refusals",
    metrics: ["password-sign-ins", "password-refusals", "realtime-sign-ins", "realtime-refusals"],
  },
  { id: "messages", title: "Messages", metrics: ["messages-sent", "messages-live", "messages-stored", "messages-read"] },
  { id: "actions", title: "Kicks, bans and sign-outs everywhere", metrics: ["kicks", "bans", "sign-outs-everywhere"] },
];

/** The ranges the page offers: how far back, and how wide one point of the chart is. */
export const METRIC_RANGES = {
  hour: { label: "Last hour", spanMs: 60 * 60_000, bucketMs: 60_000 },
  day: { label: "Last day", spanMs: 24 * 60 * 60_000, bucketMs: 10 * 60_000 },
  week: { label: "Last week", spanMs: 7 * 24 * 60 * 60_000, bucketMs: 60 * 60_000 },
} as const;

export type MetricRange = keyof typeof METRIC_RANGES;

export function parseMetricRange(value: unknown): MetricRange | null {
  if (value === undefined) return "hour";
  return typeof value === "string" && Object.hasOwn(METRIC_RANGES, value) ? (value as MetricRange) : null;
}

/** What the page hands its charts: bucket start times (ms) and one value per bucket per metric. */
export interface MetricSeries {
  range: MetricRange;
  bucketMs: number;
  times: number[];
  /** null: no sample in that bucket (gauges only; counters are 0 when nothing happened). */
  values: Record<MetricName, (number | null)[]>;
}
