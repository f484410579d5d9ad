// The register form's state, its validation (a mirror of Rust's rules, for inline messages) and the request it
// sends. Rust stays the authority: whatever it refuses comes back as an error toast.
import { MAX_FIELD_CHARS, MAX_NAME_CHARS, MAX_REASON_CHARS, MAX_TAGS } from "../../bindings/limits";
import type { Metrics } from "../../bindings/Metrics";
import type { Model } from "../../bindings/Model";
import type { RegisterModelRequest } from "../../bindings/RegisterModelRequest";
import type { RegisterVersionRequest } from "../../bindings/RegisterVersionRequest";
import type { Tag } from "../../bindings/Tag";
import { compareSemver, nextPatch, parseSemver } from "../../lib/semver";

/** Rust's limits, generated from the core (bindings/limits.ts). `text` is notes and tag values. */
export const LIMITS = {
  name: MAX_NAME_CHARS,
  field: MAX_FIELD_CHARS,
  text: MAX_REASON_CHARS,
  tags: MAX_TAGS,
} as const;

export type MetricKey = keyof Metrics;

/**
 * How each metric is typed in: accuracy, AI confidence and error rate as percentages (sent as fractions 0–1),
 * uptime as a percentage (sent as is), latency and throughput as non-negative numbers.
 */
export const METRIC_FIELDS: ReadonlyArray<{
  key: MetricKey;
  label: string;
  unit: string;
  kind: "fraction" | "percent" | "nonNegative";
  step: string;
}> = [
  { key: "accuracy", label: "Accuracy (%)", unit: "%", kind: "fraction", step: "any" },
  { key: "aiConfidence", label: "AI confidence (%)", unit: "%", kind: "fraction", step: "any" },
  { key: "errorRate", label: "Error rate (%)", unit: "%", kind: "fraction", step: "any" },
  { key: "uptime", label: "Uptime (%)", unit: "%", kind: "percent", step: "any" },
  { key: "latency", label: "Latency (ms)", unit: "ms", kind: "nonNegative", step: "any" },
  { key: "throughput", label: "Throughput (req/s)", unit: "req/s", kind: "nonNegative", step: "any" },
];

export const SIZE_UNITS = { MB: 1e6, GB: 1e9 } as const;
export type SizeUnit = keyof typeof SIZE_UNITS;

export interface TagRow {
  id: number;
  key: string;
  value: string;
}

export interface RegisterForm {
  name: string;
  framework: string;
  version: string;
  metrics: Record<MetricKey, string>;
  size: string;
  sizeUnit: SizeUnit;
  artifactPath: string;
  notes: string;
  tags: TagRow[];
}

/** Register a new model, or a new version of `model` (whose latest version is `latest`). */
export type RegisterMode = { kind: "model" } | { kind: "version"; model: Model; latest: string };

const EMPTY_METRICS: Record<MetricKey, string> = {
  accuracy: "",
  latency: "",
  throughput: "",
  uptime: "",
  aiConfidence: "",
  errorRate: "",
};

/** A blank form, or for a new version: the model's framework and the next patch version. Metrics start empty. */
export function initialForm(mode: RegisterMode): RegisterForm {
  return {
    name: mode.kind === "version" ? mode.model.name : "",
    framework: mode.kind === "version" ? mode.model.framework : "",
    version: mode.kind === "version" ? nextPatch(mode.latest) : "",
    metrics: { ...EMPTY_METRICS },
    size: "",
    sizeUnit: "GB",
    artifactPath: "",
    notes: "",
    tags: [],
  };
}

/** Field ids (stable: the end-to-end tests use them). Tag rows are `register-tag-key-N` / `register-tag-value-N`. */
export const FIELD_ID = {
  name: "register-name",
  framework: "register-framework",
  version: "register-version",
  size: "register-size",
  sizeUnit: "register-size-unit",
  artifactPath: "register-artifact",
  notes: "register-notes",
  metric: (k: MetricKey) => `register-${k}`,
  tagKey: (i: number) => `register-tag-key-${i}`,
  tagValue: (i: number) => `register-tag-value-${i}`,
} as const;

/** Field id → what is wrong with it. */
export type FormErrors = Record<string, string>;

const parseNumber = (text: string): number | null => {
  if (text.trim() === "") return null;
  const n = Number(text);
  return Number.isFinite(n) ? n : Number.NaN;
};

/** A percentage as a fraction without float noise: 94.3 → 0.943 (not 0.9430000000000001). */
export const percentToFraction = (pct: number) => Number((pct / 100).toPrecision(12));

/** The tag rows that say something (both fields blank means "no tag"). */
const usedTags = (tags: TagRow[]) => tags.map((t, i) => ({ ...t, index: i })).filter((t) => t.key.trim() || t.value.trim());

export function validate(form: RegisterForm, mode: RegisterMode): FormErrors {
  const errors: FormErrors = {};
  if (mode.kind === "model") {
    const name = form.name.trim();
    if (!name) errors[FIELD_ID.name] = "A model needs a name.";
    else if ([...name].length > LIMITS.name) errors[FIELD_ID.name] = `At most ${LIMITS.name} characters.`;
    if (!form.framework.trim()) errors[FIELD_ID.framework] = "A model needs a framework.";
  }
  if ([...form.framework.trim()].length > LIMITS.field) errors[FIELD_ID.framework] = `At most ${LIMITS.field} characters.`;

  const version = form.version.trim();
  const parsed = parseSemver(version);
  if (!version) errors[FIELD_ID.version] = "A version is required, e.g. 1.0.0.";
  else if (!parsed) errors[FIELD_ID.version] = `"${version}" is not a semantic version: use MAJOR.MINOR.PATCH, e.g. 2.1.0.`;
  else if (mode.kind === "version") {
    const latest = parseSemver(mode.latest);
    if (latest && compareSemver(parsed, latest) <= 0)
      errors[FIELD_ID.version] = `Must be greater than the latest version, ${mode.latest}.`;
  }

  for (const f of METRIC_FIELDS) {
    const id = FIELD_ID.metric(f.key);
    const n = parseNumber(form.metrics[f.key]);
    const what = f.label.replace(/ \(.*\)$/, "");
    if (n === null) errors[id] = `${what} is required.`;
    else if (Number.isNaN(n)) errors[id] = `${what} must be a number.`;
    else if (f.kind === "nonNegative" ? n < 0 : n < 0 || n > 100)
      errors[id] = f.kind === "nonNegative" ? `${what} can't be negative.` : `${what} must be between 0 and 100%.`;
  }

  const size = parseNumber(form.size);
  if (size !== null && (Number.isNaN(size) || size < 0)) errors[FIELD_ID.size] = "Size must be a number, 0 or more.";
  if ([...form.notes.trim()].length > LIMITS.text) errors[FIELD_ID.notes] = `Notes are limited to ${LIMITS.text} characters.`;

  const tags = usedTags(form.tags);
  if (tags.length > LIMITS.tags) errors[FIELD_ID.tagKey(tags[LIMITS.tags]?.index ?? 0)] = `At most ${LIMITS.tags} tags.`;
  const seen = new Set<string>();
  for (const t of tags) {
    const key = t.key.trim();
    if (!key) errors[FIELD_ID.tagKey(t.index)] = "A tag needs a key.";
    else if ([...key].length > LIMITS.field) errors[FIELD_ID.tagKey(t.index)] = `At most ${LIMITS.field} characters.`;
    else if (seen.has(key)) errors[FIELD_ID.tagKey(t.index)] = `Tag "${key}" is given twice.`;
    seen.add(key);
    if ([...t.value].length > LIMITS.text) errors[FIELD_ID.tagValue(t.index)] = "This value is too long.";
  }
  return errors;
}

function metrics(form: RegisterForm): Metrics {
  const out = { ...EMPTY_METRICS } as unknown as Metrics;
  for (const f of METRIC_FIELDS) {
    const n = Number(form.metrics[f.key]);
    out[f.key] = f.kind === "fraction" ? percentToFraction(n) : n;
  }
  return out;
}

/** The optional fields: absent when empty. */
function optional(form: RegisterForm) {
  const size = form.size.trim() === "" ? null : Math.round(Number(form.size) * SIZE_UNITS[form.sizeUnit]);
  const artifactPath = form.artifactPath.trim();
  const notes = form.notes.trim();
  return {
    ...(size !== null ? { sizeBytes: size } : {}),
    ...(artifactPath ? { artifactPath } : {}),
    ...(notes ? { notes } : {}),
  };
}

const tagsOf = (form: RegisterForm): Tag[] => usedTags(form.tags).map((t) => ({ key: t.key.trim(), value: t.value.trim() }));

/** The request of a valid form. */
export function toRequest(
  form: RegisterForm,
  mode: RegisterMode,
): { kind: "model"; request: RegisterModelRequest } | { kind: "version"; request: RegisterVersionRequest } {
  const common = { version: form.version.trim(), metrics: metrics(form), ...optional(form), tags: tagsOf(form) };
  if (mode.kind === "model") {
    return { kind: "model", request: { name: form.name.trim(), framework: form.framework.trim(), ...common } };
  }
  const framework = form.framework.trim();
  return { kind: "version", request: { modelId: mode.model.id, ...(framework ? { framework } : {}), ...common } };
}
