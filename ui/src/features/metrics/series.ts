// The metric history shaped for the charts: one spec per metric (label, unit, display scale), the points of one
// metric grouped by version, and the colour of each version.
import type { MetricHistory } from "../../bindings/MetricHistory";
import type { MetricPoint } from "../../bindings/MetricPoint";
import type { MetricSource } from "../../bindings/MetricSource";
import type { TrackedMetric } from "../../bindings/TrackedMetric";
import { formatNumber } from "../../lib/format";

export interface MetricSpec {
  metric: TrackedMetric;
  label: string;
  /** The unit of the axis and the table, after `scale`. */
  unit: string;
  /** Fractions are stored 0–1 and shown as percentages, like everywhere else in the app. */
  scale: number;
  digits: number;
}

/** In the order Rust records them (TrackedMetric::ALL). */
export const METRIC_SPECS: readonly MetricSpec[] = [
  { metric: "accuracy", label: "Accuracy", unit: "%", scale: 100, digits: 1 },
  { metric: "latency", label: "Latency", unit: "ms", scale: 1, digits: 0 },
  { metric: "throughput", label: "Throughput", unit: "req/s", scale: 1, digits: 0 },
  { metric: "uptime", label: "Uptime", unit: "%", scale: 1, digits: 2 },
  { metric: "aiConfidence", label: "AI confidence", unit: "%", scale: 100, digits: 1 },
  { metric: "errorRate", label: "Error rate", unit: "%", scale: 100, digits: 2 },
];

/** A stored value in the spec's display unit, for plotting. */
export const toDisplay = (spec: MetricSpec, value: number) => value * spec.scale;

/** "94.3%", "45 ms", "1,250 req/s": a display value with its unit. */
export function formatDisplay(spec: MetricSpec, display: number): string {
  // Small latencies keep a decimal, like the rest of the app (format.ts `ms`).
  const digits = spec.metric === "latency" && display < 10 ? 1 : spec.digits;
  const n = formatNumber(display, digits);
  return spec.unit === "%" ? `${n}%` : `${n} ${spec.unit}`;
}

/** The axis title: "Latency (ms)". */
export const axisLabel = (spec: MetricSpec) => `${spec.label} (${spec.unit})`;

export const SOURCE_LABEL: Record<MetricSource, string> = {
  registration: "Registered",
  test_run: "Test run",
  import: "Imported",
  backfill: "Registered (from before the history)",
};

export function sourceText(p: Pick<MetricPoint, "source" | "testRunId">): string {
  return p.source === "test_run" && p.testRunId !== null ? `Test run #${p.testRunId}` : SOURCE_LABEL[p.source];
}

/** How many colours the stylesheet defines (--chart-1 … --chart-8, light and dark). */
export const PALETTE_SIZE = 8;

/**
 * A colour per version, in registration order, taken from the stylesheet's variables so that both themes apply
 * (the SVG resolves var() itself). After eight versions the colours repeat; the labels still tell them apart.
 */
export function versionColors(versions: readonly string[]): Map<string, string> {
  return new Map(versions.map((v, i) => [v, `var(--chart-${(i % PALETTE_SIZE) + 1})`]));
}

/** The model's versions in registration order: as latestByVersion lists them, then any only in `points`. */
export function versionOrder(history: MetricHistory): string[] {
  const seen = new Set<string>();
  for (const p of history.latestByVersion) seen.add(p.version);
  for (const p of history.points) seen.add(p.version);
  return [...seen];
}

export interface TimePoint {
  /** Milliseconds since the epoch: the time axis is numeric. */
  t: number;
  /** In the spec's display unit. */
  value: number;
  point: MetricPoint;
}

export interface VersionSeries {
  version: string;
  color: string;
  points: TimePoint[];
}

/** The points of one metric, oldest first, one series per version (versions in registration order). */
export function overTime(history: MetricHistory, spec: MetricSpec, colors: Map<string, string>): VersionSeries[] {
  const byVersion = new Map<string, TimePoint[]>();
  for (const version of colors.keys()) byVersion.set(version, []);
  for (const p of history.points) {
    if (p.metric !== spec.metric) continue;
    const list = byVersion.get(p.version) ?? [];
    list.push({ t: Date.parse(p.at), value: toDisplay(spec, p.value), point: p });
    byVersion.set(p.version, list);
  }
  return [...byVersion]
    .filter(([, points]) => points.length > 0)
    .map(([version, points]) => ({ version, color: colors.get(version) ?? "var(--chart-1)", points }));
}

export interface VersionValue {
  version: string;
  value: number;
  color: string;
  point: MetricPoint;
}

/** The latest value of one metric per version, in registration order. */
export function acrossVersions(history: MetricHistory, spec: MetricSpec, colors: Map<string, string>): VersionValue[] {
  return history.latestByVersion
    .filter((p) => p.metric === spec.metric)
    .map((p) => ({
      version: p.version,
      value: toDisplay(spec, p.value),
      color: colors.get(p.version) ?? "var(--chart-1)",
      point: p,
    }));
}
