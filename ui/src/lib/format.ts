import type { CheckResult } from "../bindings/CheckResult";
import type { Deployment } from "../bindings/Deployment";
import type { Event } from "../bindings/Event";
import type { EventAction } from "../bindings/EventAction";
import type { Metric } from "../bindings/Metric";
import type { Status } from "../bindings/Status";

const DASH = "—";

/** A 0–1 fraction as a percentage: 0.943 → "94.3%". */
export function fractionPct(value: number | null | undefined, digits = 1): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return DASH;
  return `${(value * 100).toFixed(digits)}%`;
}

/** A value already in percent: 99.95 → "99.95%". */
export function pct(value: number | null | undefined, digits = 2): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return DASH;
  return `${value.toFixed(digits)}%`;
}

export function ms(value: number): string {
  return `${formatNumber(value, value < 10 ? 1 : 0)} ms`;
}

export function reqPerSec(value: number): string {
  return `${formatNumber(value, 0)} req/s`;
}

// One formatter per number of digits: `toLocaleString` with options builds a new ICU formatter on every call,
// and the table formats two numbers per row.
const numberFormats = new Map<number, Intl.NumberFormat>();

export function formatNumber(value: number, digits = 0): string {
  let format = numberFormats.get(digits);
  if (!format) {
    format = new Intl.NumberFormat("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });
    numberFormats.set(digits, format);
  }
  return format.format(value);
}

/** "2024-03-05 14:07 UTC": the exact instant, for titles. */
export function utc(iso: string | null | undefined): string {
  if (!iso) return "";
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return `${d.toISOString().slice(0, 19).replace("T", " ")} UTC`;
}

const rtf = new Intl.RelativeTimeFormat("en", { numeric: "auto" });
const shortDate = new Intl.DateTimeFormat("en", { year: "numeric", month: "short", day: "numeric" });

/** "3 hours ago", "yesterday"; older than 30 days: "Mar 5, 2024". */
export function relative(iso: string | null | undefined, now: Date = new Date()): string {
  if (!iso) return DASH;
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const seconds = Math.round((d.getTime() - now.getTime()) / 1000);
  const abs = Math.abs(seconds);
  if (abs < 45) return "just now";
  if (abs < 3600) return rtf.format(Math.round(seconds / 60), "minute");
  if (abs < 86400) return rtf.format(Math.round(seconds / 3600), "hour");
  if (abs < 30 * 86400) return rtf.format(Math.round(seconds / 86400), "day");
  return shortDate.format(d);
}

export const STATUS_LABEL: Record<Status, string> = {
  development: "Development",
  staging: "Staging",
  production: "Production",
  archived: "Archived",
};

export const METRIC_LABEL: Record<Metric, string> = {
  accuracy: "Accuracy",
  latency: "Latency",
  errorRate: "Error rate",
  uptime: "Uptime",
  aiConfidence: "AI confidence",
};

/** A metric's value in its display unit. */
export function metricValue(metric: Metric, value: number): string {
  switch (metric) {
    case "accuracy":
    case "aiConfidence":
      return fractionPct(value, 1);
    case "errorRate":
      return fractionPct(value, 2);
    case "uptime":
      return pct(value, 2);
    case "latency":
      return ms(value);
  }
}

/** "Accuracy 94.3% ≥ 90.0%"; a check without numbers (artifact, skipped) by its detail. */
export function checkSentence(c: CheckResult): string {
  if (c.metric === null || c.observed === null || c.threshold === null || c.comparator === null)
    return `${c.metric ? METRIC_LABEL[c.metric] : "Artifact"}${c.detail ? `: ${c.detail}` : ""}`;
  return `${METRIC_LABEL[c.metric]} ${metricValue(c.metric, c.observed)} ${c.comparator === ">=" ? "≥" : "≤"} ${metricValue(c.metric, c.threshold)}`;
}

const statusWord = (s: Status | null) => (s ? s : "?");

/** One event as a sentence: "Deployed staging → production", "Rolled back 2.1.0 → 2.0.9"… */
export function eventSentence(e: Event): string {
  switch (e.action) {
    case "registered":
      return e.toVersion ? `Registered version ${e.toVersion}` : "Registered";
    case "promoted":
      return `Promoted ${statusWord(e.fromStatus)} → ${statusWord(e.toStatus)}`;
    case "deployed":
      return `Deployed ${statusWord(e.fromStatus)} → ${statusWord(e.toStatus)}`;
    case "rolled_back":
      return `Rolled back ${e.fromVersion ?? "?"} → ${e.toVersion ?? "?"}`;
    case "tested":
      return e.detail ? `Tested ${e.detail}` : `Tested version ${e.toVersion ?? e.fromVersion ?? ""}`.trim();
    case "ab_test_started":
      return e.detail ? `Started A/B test: ${e.detail}` : "Started A/B test";
    case "ab_test_stopped":
      return e.detail ? `Stopped A/B test: ${e.detail}` : "Stopped A/B test";
    case "archived":
      return e.fromStatus ? `Archived (was ${e.fromStatus})` : "Archived";
    case "ab_results_imported":
      return e.detail ? `Imported A/B results: ${e.detail}` : "Imported A/B results";
    case "ab_test_concluded":
      return e.detail ? `Concluded A/B test: ${e.detail}` : "Concluded A/B test";
    case "ab_test_aborted":
      return e.detail ? `Aborted A/B test: ${e.detail}` : "Aborted A/B test";
    case "demo_data_cleared":
      return e.detail ? `Cleared the demo data: ${e.detail}` : "Cleared the demo data";
    case "synced":
      return e.detail ? `Seen on the team server: ${e.detail}` : "Seen on the team server";
  }
}

/** Whether eventSentence already shows the event's detail. */
export function sentenceShowsDetail(e: Event): boolean {
  return (
    e.action === "tested" ||
    e.action === "ab_test_started" ||
    e.action === "ab_test_stopped" ||
    e.action === "ab_results_imported" ||
    e.action === "ab_test_concluded" ||
    e.action === "ab_test_aborted" ||
    e.action === "demo_data_cleared" ||
    e.action === "synced"
  );
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** Bytes in decimal units, like the registry's sizes: 2_500_000_000 → "2.5 GB". */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return DASH;
  const units = ["B", "kB", "MB", "GB", "TB"];
  let value = bytes;
  let i = 0;
  while (value >= 1000 && i < units.length - 1) {
    value /= 1000;
    i++;
  }
  const digits = i === 0 || value >= 100 ? 0 : 1;
  return `${formatNumber(value, digits).replace(/\.0$/, "")} ${units[i]}`;
}

const localFull = new Intl.DateTimeFormat("en", { dateStyle: "medium", timeStyle: "medium" });
const monthDay = new Intl.DateTimeFormat("en", { month: "short", day: "numeric" });

/** The instant in the user's time zone: "Nov 5, 2025, 2:07:09 PM". */
export function localDateTime(iso: string | null | undefined): string {
  if (!iso) return DASH;
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : localFull.format(d);
}

/** "Nov 5" this year, "Nov 5, 2024" otherwise (local time). */
export function shortDay(iso: string, now: Date = new Date()): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return d.getFullYear() === now.getFullYear() ? monthDay.format(d) : shortDate.format(d);
}

export const EVENT_ACTION_LABEL: Record<EventAction, string> = {
  registered: "Registered",
  promoted: "Promoted",
  deployed: "Deployed",
  rolled_back: "Rolled back",
  tested: "Tested",
  ab_test_started: "A/B test started",
  ab_test_stopped: "A/B test stopped",
  archived: "Archived",
  ab_results_imported: "A/B results imported",
  ab_test_concluded: "A/B test concluded",
  ab_test_aborted: "A/B test aborted",
  demo_data_cleared: "Demo data cleared",
  synced: "Seen on team server",
};

/** Where a version went and when: "staging Nov 3 · production Nov 5 (rollback)"; "" when never deployed. */
export function deploymentsText(deployments: readonly Deployment[], now: Date = new Date()): string {
  return deployments
    .map((d) => `${d.environment} ${shortDay(d.at, now)}${d.action === "rolled_back" ? " (rollback)" : ""}`)
    .join(" · ");
}

/** "3f2a9c1d4e5b…" : the first 12 hex digits of a hash. */
export const shortHash = (hash: string, digits = 12) => (hash.length > digits ? `${hash.slice(0, digits)}…` : hash);
