// The suite editor's draft: what the form holds (text as typed, in display units) and its conversion to
// and from the registry's SuiteCheck (fractions, ms). Validation mirrors validate_suite in
// src-tauri/core/src/gates.rs, so most mistakes are caught before a round trip; Rust checks again.
import type { CheckKind } from "../../bindings/CheckKind";
import { MAX_MARGIN_REL, MAX_SUITE_CHECKS } from "../../bindings/limits";
import type { Metric } from "../../bindings/Metric";
import type { SuiteCheck } from "../../bindings/SuiteCheck";
import { METRIC_LABEL } from "../../lib/format";

export const METRICS: Metric[] = ["accuracy", "latency", "errorRate", "uptime", "aiConfidence"];

/** The largest relative margin, as a percent (MAX_MARGIN_REL is a fraction). */
export const MAX_MARGIN_REL_PCT = MAX_MARGIN_REL * 100;

/** Higher accuracy, uptime and AI confidence are better; lower latency and error rate. */
export const higherIsBetter = (m: Metric) => m === "accuracy" || m === "uptime" || m === "aiConfidence";

/** Fractions (0–1) are edited as percents; uptime already is one; latency is in ms. */
const isFraction = (m: Metric) => m === "accuracy" || m === "aiConfidence" || m === "errorRate";

export const unitOf = (m: Metric) => (m === "latency" ? "ms" : "%");

/** The range of a metric's values in display units. */
const displayRange = (m: Metric): [number, number] => (m === "latency" ? [0, Infinity] : [0, 100]);

const toDisplay = (m: Metric, v: number) => (isFraction(m) ? round(v * 100) : v);
const fromDisplay = (m: Metric, v: number) => (isFraction(m) ? v / 100 : v);
/** Drops the float noise of ×100 (0.07 × 100 = 7.000000000000001). */
const round = (v: number) => Math.round(v * 1e9) / 1e9;

export type MarginMode = "abs" | "rel";

export interface DraftCheck {
  /** Stable React key for the row. */
  key: number;
  kind: CheckKind;
  metric: Metric;
  /** Absolute: the threshold; regression: the margin; in display units (or % for a relative margin). */
  value: string;
  marginMode: MarginMode;
  enabled: boolean;
}

let nextKey = 1;
export const newKey = () => nextKey++;

export function toDraft(c: SuiteCheck): DraftCheck {
  const metric = c.metric ?? "accuracy";
  const base = { key: newKey(), kind: c.kind, metric, enabled: c.enabled, marginMode: "abs" as MarginMode, value: "" };
  if (c.kind === "absolute" && c.threshold !== null) return { ...base, value: String(toDisplay(metric, c.threshold)) };
  if (c.kind === "regression") {
    if (c.marginRel !== null) return { ...base, marginMode: "rel", value: String(round(c.marginRel * 100)) };
    if (c.marginAbs !== null) return { ...base, value: String(toDisplay(metric, c.marginAbs)) };
  }
  return base;
}

export function newDraft(kind: CheckKind, metric: Metric = "accuracy"): DraftCheck {
  return { key: newKey(), kind, metric, value: "", marginMode: kind === "regression" ? "rel" : "abs", enabled: true };
}

/** The check's name in messages: "Check 2 (regression, Latency)". */
const label = (i: number, d: DraftCheck) =>
  d.kind === "artifact" ? `Check ${i + 1} (artifact)` : `Check ${i + 1} (${d.kind}, ${METRIC_LABEL[d.metric]})`;

export interface Validated {
  checks: SuiteCheck[];
  /** One message per problem row, by row key. */
  errors: Map<number, string>;
}

/** The drafts as SuiteChecks, or the problems that keep them from being saved. */
export function validateDrafts(drafts: readonly DraftCheck[]): Validated {
  const errors = new Map<number, string>();
  const checks: SuiteCheck[] = [];
  const seen = new Set<string>();
  drafts.forEach((d, i) => {
    const fail = (problem: string) => errors.set(d.key, `${label(i, d)}: ${problem}`);
    const id = d.kind === "artifact" ? "artifact" : `${d.kind}:${d.metric}`;
    if (seen.has(id)) return fail("the suite already has this check.");
    seen.add(id);
    const empty: SuiteCheck = { kind: d.kind, metric: null, threshold: null, marginAbs: null, marginRel: null, enabled: d.enabled };
    if (d.kind === "artifact") return checks.push(empty);
    const text = d.value.trim();
    const v = Number(text);
    if (text === "" || !Number.isFinite(v)) return fail(d.kind === "absolute" ? "enter a threshold." : "enter a margin.");
    const unit = unitOf(d.metric);
    if (d.kind === "absolute") {
      const [lo, hi] = displayRange(d.metric);
      if (v < lo || v > hi) return fail(hi === Infinity ? `the threshold must be at least ${lo} ${unit}.` : `the threshold must be between ${lo} and ${hi} ${unit}.`);
      return checks.push({ ...empty, metric: d.metric, threshold: fromDisplay(d.metric, v) });
    }
    if (v < 0) return fail("the margin must not be negative.");
    if (d.marginMode === "rel") {
      if (v > MAX_MARGIN_REL_PCT) return fail(`the relative margin must be at most ${MAX_MARGIN_REL_PCT} %.`);
      return checks.push({ ...empty, metric: d.metric, marginRel: v / 100 });
    }
    const [lo, hi] = displayRange(d.metric);
    if (v > hi - lo) return fail(`the margin must be at most ${hi - lo} ${unit}.`);
    return checks.push({ ...empty, metric: d.metric, marginAbs: fromDisplay(d.metric, v) });
  });
  if (drafts.length > MAX_SUITE_CHECKS) errors.set(-1, `A suite holds at most ${MAX_SUITE_CHECKS} checks.`);
  return { checks, errors };
}
