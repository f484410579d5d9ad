// The four seed models, as list_models returns them on first start.
import type { AbAnalysis } from "../bindings/AbAnalysis";
import type { AbTest } from "../bindings/AbTest";
import type { AbTestAnalysis } from "../bindings/AbTestAnalysis";
import type { BackupInfo } from "../bindings/BackupInfo";
import type { BackupList } from "../bindings/BackupList";
import type { ErrorCode } from "../bindings/ErrorCode";
import { MAX_PAGE } from "../bindings/limits";
import type { ProblemKind } from "../bindings/ProblemKind";
import type { RegistryProblem } from "../bindings/RegistryProblem";
import type { RegistryStatus } from "../bindings/RegistryStatus";
import type { Model } from "../bindings/Model";
import type { ModelDetails } from "../bindings/ModelDetails";
import type { ModelList } from "../bindings/ModelList";
import type { RemoteLink } from "../bindings/RemoteLink";
import type { RemoteSettings } from "../bindings/RemoteSettings";
import type { RemoteStatus } from "../bindings/RemoteStatus";
import type { SyncConflict } from "../bindings/SyncConflict";
import type { Summary } from "../bindings/Summary";
import type { CheckResult } from "../bindings/CheckResult";
import type { Comparator } from "../bindings/Comparator";
import type { Metric } from "../bindings/Metric";
import type { SuiteCheck } from "../bindings/SuiteCheck";
import type { TestRun } from "../bindings/TestRun";
import type { VersionInfo } from "../bindings/VersionInfo";
import type { Deployment } from "../bindings/Deployment";
import type { Event } from "../bindings/Event";
import type { MetricHistory } from "../bindings/MetricHistory";
import type { MetricPoint } from "../bindings/MetricPoint";
import type { MetricSource } from "../bindings/MetricSource";
import type { TrackedMetric } from "../bindings/TrackedMetric";
import type { TimelineEvent } from "../bindings/TimelineEvent";
import type { TimelinePage } from "../bindings/TimelinePage";
import type { TimelineQuery } from "../bindings/TimelineQuery";

const hoursAgo = (h: number) => new Date(Date.now() - h * 3600_000).toISOString();

export const model1: Model = {
  id: "model-1",
  name: "TGNN - Attack Surface Model",
  version: "2.1.0",
  status: "production",
  accuracy: 0.943,
  latency: 45,
  throughput: 1250,
  uptime: 99.9,
  framework: "PyTorch",
  size: "2.5GB",
  sizeBytes: 2_500_000_000,
  aiConfidence: 0.92,
  errorRate: 0.002,
  deployedAt: hoursAgo(48),
  lastTestedAt: hoursAgo(5),
  previousVersion: "2.0.9",
  lastTest: { passed: 5, total: 5, version: "2.1.0" },
  isDemo: true,
  teamServer: null,
  metricsKnown: true,
};

export const model2: Model = {
  id: "model-2",
  name: "Graph Neural Network - Threat Detection",
  version: "1.8.5",
  status: "staging",
  accuracy: 0.917,
  latency: 62,
  throughput: 890,
  uptime: 99.7,
  framework: "TensorFlow",
  size: "1.8GB",
  sizeBytes: 1_800_000_000,
  aiConfidence: 0.88,
  errorRate: 0.004,
  deployedAt: hoursAgo(20),
  lastTestedAt: hoursAgo(3),
  previousVersion: "1.8.4",
  lastTest: { passed: 4, total: 5, version: "1.8.5" },
  isDemo: true,
  teamServer: null,
  metricsKnown: true,
};

export const model3: Model = {
  id: "model-3",
  name: "Anomaly Detection - Behavioral",
  version: "3.0.0",
  status: "development",
  accuracy: 0.876,
  latency: 38,
  throughput: 1580,
  uptime: 98.5,
  framework: "Scikit-learn",
  size: "450MB",
  sizeBytes: 450_000_000,
  aiConfidence: 0.79,
  errorRate: 0.012,
  deployedAt: null,
  lastTestedAt: null,
  previousVersion: null,
  lastTest: null,
  isDemo: true,
  teamServer: null,
  metricsKnown: true,
};

export const model4: Model = {
  id: "model-4",
  name: "Ensemble - Multi-Model Predictor",
  version: "1.5.2",
  status: "production",
  accuracy: 0.958,
  latency: 78,
  throughput: 720,
  uptime: 99.95,
  framework: "XGBoost",
  size: "3.2GB",
  sizeBytes: 3_200_000_000,
  aiConfidence: 0.95,
  errorRate: 0.0015,
  deployedAt: hoursAgo(24 * 9),
  lastTestedAt: hoursAgo(30),
  previousVersion: "1.5.1",
  lastTest: { passed: 5, total: 5, version: "1.5.2" },
  isDemo: true,
  teamServer: null,
  metricsKnown: true,
};

export const seedModels: Model[] = [model1, model2, model3, model4];

export const modelList = (models: Model[] = seedModels): ModelList => ({
  models,
  total: models.length,
  timestamp: new Date().toISOString(),
});

export const summary: Summary = {
  total: 4,
  development: 1,
  staging: 1,
  production: 2,
  archived: 0,
  runningAbTests: 1,
  productionAvgAccuracy: 0.951,
  failingTests: 1,
  untested: 1,
  demoModels: 4,
};

export const runningAbTest: AbTest = {
  id: "ab-1",
  modelA: "model-1",
  modelAName: model1.name,
  versionA: "2.1.0",
  modelB: "model-4",
  modelBName: model4.name,
  versionB: "1.5.2",
  trafficSplit: 30,
  status: "running",
  startedAt: hoursAgo(6),
  endedAt: null,
  alpha: 0.05,
  minDetectableEffect: 0.01,
  power: 0.8,
  outcome: null,
  conclusion: null,
  abortReason: null,
  winner: null,
  results: [],
};

export const abortedAbTest: AbTest = {
  ...runningAbTest,
  id: "ab-0",
  modelB: "model-2",
  modelBName: model2.name,
  versionB: "1.8.5",
  trafficSplit: 50,
  status: "aborted",
  startedAt: hoursAgo(72),
  endedAt: hoursAgo(50),
  abortReason: "The router sent every request to A.",
};

/** Counts of a 50/50 test where B converts better, as imported from results.json. */
export const abResults = (a = { assignments: 9_000, requests: 9_000, successes: 999 }, b = { assignments: 9_000, requests: 9_000, successes: 1_116 }): AbTest["results"] => [
  { variant: "A", ...a, latencySamples: 4, simulated: false, sourceFile: "results.json", importedAt: hoursAgo(1) },
  { variant: "B", ...b, latencySamples: 4, simulated: false, sourceFile: "results.json", importedAt: hoursAgo(1) },
];

/** B wins: 12.4 % vs 11.1 %, +1.3 points (95 % CI +0.4 to +2.2), p = 0.004. */
export const bWinsAnalysis: AbAnalysis = {
  srm: { chiSquare: 0, pValue: 1, mismatch: false, expectedA: 9_000, expectedB: 9_000 },
  success: {
    rateA: 0.111,
    rateB: 0.124,
    diff: 0.013,
    relativeLift: 0.117,
    ciLow: 0.004,
    ciHigh: 0.022,
    test: "zTest",
    zScore: 2.87,
    pValue: 0.004,
    significant: true,
  },
  latency: { uStatistic: 8, pValue: 0.41, medianA: 125, medianB: 124, significant: false },
  requiredSamplePerVariant: 8_200,
  decisionGrade: true,
  verdict: "bWins",
  summary: "B's success rate 12.4% vs A's 11.1%: +1.3 points (95% CI +0.4 to +2.2), p = 0.004. B wins.",
};

/** A running test with B-wins results imported. */
export const runningWithResults: AbTest = { ...runningAbTest, trafficSplit: 50, results: abResults() };

export const analysisOf = (test: AbTest, analysis: AbAnalysis | null = bWinsAnalysis): AbTestAnalysis => ({
  testId: test.id,
  config: {
    trafficSplitB: test.trafficSplit / 100,
    alpha: test.alpha,
    minDetectableEffect: test.minDetectableEffect,
    power: test.power,
  },
  analysis,
  simulated: test.results.some((r) => r.simulated),
});

const absoluteCheck = (metric: Metric, comparator: Comparator, observed: number, threshold: number, passed: boolean): CheckResult => ({
  kind: "absolute",
  metric,
  aspect: null,
  comparator,
  observed,
  threshold,
  passed,
  outcome: passed ? "passed" : "failed",
  detail: null,
});

/** The five default thresholds, as a new model's suite (and every seed model's, after migration 6). */
export const defaultSuite: SuiteCheck[] = [
  { kind: "absolute", metric: "accuracy", threshold: 0.9, marginAbs: null, marginRel: null, enabled: true },
  { kind: "absolute", metric: "latency", threshold: 100, marginAbs: null, marginRel: null, enabled: true },
  { kind: "absolute", metric: "errorRate", threshold: 0.01, marginAbs: null, marginRel: null, enabled: true },
  { kind: "absolute", metric: "uptime", threshold: 99.5, marginAbs: null, marginRel: null, enabled: true },
  { kind: "absolute", metric: "aiConfidence", threshold: 0.85, marginAbs: null, marginRel: null, enabled: true },
];

export const testRun = (model: Model, passed = 4): TestRun => ({
  id: 7,
  modelId: model.id,
  version: model.version,
  runAt: new Date().toISOString(),
  passed,
  total: 5,
  successRate: passed / 5,
  checks: [
    absoluteCheck("accuracy", ">=", model.accuracy, 0.9, true),
    absoluteCheck("latency", "<=", model.latency, 100, true),
    absoluteCheck("errorRate", "<=", model.errorRate, 0.01, passed === 5),
    absoluteCheck("uptime", ">=", model.uptime, 99.5, true),
    absoluteCheck("aiConfidence", ">=", model.aiConfidence, 0.85, true),
  ],
  skipped: 0,
  passesGate: passed === 5,
  baselineVersion: null,
  suite: defaultSuite,
});

/** Where a model's current version went: staging, then production for a production model. */
function currentDeployments(model: Model): Deployment[] {
  const at = model.deployedAt ?? hoursAgo(60);
  if (model.status === "staging") return [{ environment: "staging", at, action: "promoted" }];
  if (model.status === "production")
    return [
      { environment: "staging", at: hoursAgo(90), action: "promoted" },
      { environment: "production", at, action: "deployed" },
    ];
  return [];
}

/** One version of `model` with the model's metrics; `overrides` change any field. */
export const versionInfo = (model: Model, overrides: Partial<VersionInfo> = {}): VersionInfo => ({
  version: model.version,
  accuracy: model.accuracy,
  latency: model.latency,
  throughput: model.throughput,
  uptime: model.uptime,
  aiConfidence: model.aiConfidence,
  errorRate: model.errorRate,
  size: model.size,
  sizeBytes: model.sizeBytes,
  createdAt: hoursAgo(100),
  isCurrent: false,
  isDemo: true,
  framework: model.framework,
  artifact: null,
  notes: null,
  metricsKnown: true,
  tags: [],
  deployments: [],
  ...overrides,
});

const event = (e: Partial<Event> & Pick<Event, "id" | "at" | "modelId" | "action">): Event => ({
  fromStatus: null,
  toStatus: null,
  fromVersion: null,
  toVersion: null,
  detail: null,
  actor: "ana",
  reason: null,
  beforeJson: null,
  afterJson: null,
  hash: `${String(e.id).padStart(4, "0")}${"ab12".repeat(15)}`,
  ...e,
});

/**
 * A model's details. A model with a previous version has it deployed to the model's environment before the
 * current one (none for a development model), plus an older version that only reached staging.
 */
export const details = (model: Model, abTests: AbTest[] = []): ModelDetails => ({
  model,
  thresholds: { minAccuracy: 0.9, maxLatency: 100, maxErrorRate: 0.01, minUptime: 99.5, minAiConfidence: 0.85 },
  versions: [
    versionInfo(model, {
      isCurrent: true,
      deployments: currentDeployments(model),
      artifact: {
        path: `/models/${model.id}/${model.version}/model.bin`,
        sizeBytes: model.sizeBytes,
        sha256: "3f2a9c1d4e5b6a7980f1e2d3c4b5a69788796a5b4c3d2e1f0a9b8c7d6e5f4a3b",
      },
      notes: "Retrained on the March data.",
      tags: [{ key: "team", value: "secops" }],
    }),
    ...(model.previousVersion
      ? [
          versionInfo(model, {
            version: model.previousVersion,
            accuracy: model.accuracy - 0.01,
            latency: model.latency + 5,
            throughput: model.throughput - 50,
            aiConfidence: model.aiConfidence - 0.01,
            errorRate: model.errorRate + 0.001,
            createdAt: hoursAgo(400),
            deployments:
              model.status === "development"
                ? []
                : [{ environment: model.status, at: hoursAgo(300), action: model.status === "staging" ? "promoted" : "deployed" }],
          }),
          versionInfo(model, {
            version: `${model.version.split(".")[0] ?? "1"}.0.0`,
            createdAt: hoursAgo(900),
            deployments: [{ environment: "staging", at: hoursAgo(800), action: "promoted" }],
          }),
        ]
      : []),
  ],
  events: [
    event({ id: 3, at: hoursAgo(5), modelId: model.id, action: "tested", toVersion: model.version, detail: "4/5 passed" }),
    event({ id: 2, at: hoursAgo(48), modelId: model.id, action: "deployed", fromStatus: "staging", toStatus: "production" }),
    event({
      id: 1,
      at: hoursAgo(400),
      modelId: model.id,
      action: "registered",
      toStatus: "development",
      toVersion: model.previousVersion ?? model.version,
    }),
  ],
  testRuns: model.lastTest ? [testRun(model, model.lastTest.passed)] : [],
  abTests,
});

/** `n` events of the seed models, newest first (ids n … 1, an hour apart), as the timeline lists them. */
export function timelineEvents(n = 6, models: Model[] = seedModels): TimelineEvent[] {
  const actions: Event["action"][] = ["rolled_back", "tested", "deployed", "promoted", "registered"];
  return Array.from({ length: n }, (_, i) => {
    const id = n - i;
    const m = models[i % models.length] ?? model1;
    const action = actions[i % actions.length] ?? "registered";
    const rollback = action === "rolled_back";
    return {
      modelName: m.name,
      event: event({
        id,
        at: hoursAgo(i + 1),
        modelId: m.id,
        action,
        fromStatus: action === "deployed" ? "staging" : rollback ? "production" : action === "promoted" ? "development" : null,
        toStatus: action === "deployed" ? "production" : rollback ? "production" : action === "promoted" ? "staging" : null,
        fromVersion: rollback ? "2.1.0" : null,
        toVersion: rollback ? "2.0.9" : action === "registered" ? m.version : null,
        detail: action === "tested" ? "5/5 passed" : null,
        reason: rollback ? "Error rate spiked" : null,
        beforeJson: rollback ? '{"status":"production","version":"2.1.0"}' : null,
        afterJson: rollback ? '{"status":"production","version":"2.0.9"}' : null,
      }),
    };
  });
}

/** What query_timeline answers over `timelineEvents(total)`: model and action filters, then the window. */
export function timelinePage(q: TimelineQuery, models: Model[] = seedModels, total = 6): TimelinePage {
  if (q.limit < 1 || q.limit > MAX_PAGE) throw { code: "INVALID_INPUT", message: `A page holds 1 to ${MAX_PAGE} events; ${q.limit} were asked for.` };
  const rows = timelineEvents(total, models).filter(
    (e) => (!q.modelId || e.event.modelId === q.modelId) && (q.actions.length === 0 || q.actions.includes(e.event.action)),
  );
  return { events: rows.slice(q.offset, q.offset + q.limit), offset: q.offset, total: rows.length };
}

/** The metrics in the order Rust records them. */
export const TRACKED_METRICS: TrackedMetric[] = ["accuracy", "latency", "throughput", "uptime", "aiConfidence", "errorRate"];

/** One point per metric of version `v`, as one recording (registration, import or test run) stores them. */
export function recording(v: VersionInfo, at: string, source: MetricSource, testRunId: number | null = null): MetricPoint[] {
  return TRACKED_METRICS.map((metric) => ({ at, version: v.version, metric, value: v[metric], source, testRunId }));
}

/**
 * What get_metric_history returns for the details fixture: each version's registration (oldest first), then the
 * current version's test run when the model has one.
 */
export function metricHistory(model: Model): MetricHistory {
  const versions = [...details(model).versions].reverse();
  const points = versions.flatMap((v) => recording(v, v.createdAt, "registration"));
  const current = versions.find((v) => v.isCurrent);
  if (model.lastTest && current) points.push(...recording(current, hoursAgo(5), "test_run", 7));
  const latestByVersion = versions.flatMap((v) =>
    TRACKED_METRICS.map((metric) => points.filter((p) => p.version === v.version && p.metric === metric).at(-1)!),
  );
  return { modelId: model.id, points, total: points.length, limit: 3000, latestByVersion };
}

export const DATA_DIR = "/home/ana/.local/share/com.modelops.app";
export const REGISTRY_PATH = `${DATA_DIR}/registry.sqlite3`;
export const BACKUPS_DIR = `${DATA_DIR}/backups`;

/** What get_registry_status answers for a registry that opened. */
export const registryStatus: RegistryStatus = {
  dataDir: DATA_DIR,
  registryPath: REGISTRY_PATH,
  backupsDir: BACKUPS_DIR,
  schemaVersion: 6,
};

/** A registry that could not be opened, because of `kind` (the other fields as Rust fills them for it). */
export function registryProblem(kind: ProblemKind, over: Partial<RegistryProblem> = {}): RegistryProblem {
  const fileIsTheProblem = kind !== "read-only" && kind !== "disk-full" && kind !== "other";
  const code: Record<ProblemKind, ErrorCode> = {
    "not-sqlite": "CORRUPT_DATABASE",
    truncated: "CORRUPT_DATABASE",
    corrupt: "CORRUPT_DATABASE",
    "foreign-database": "CORRUPT_DATABASE",
    "schema-too-new": "SCHEMA_TOO_NEW",
    "read-only": "READ_ONLY",
    "disk-full": "DISK_FULL",
    other: "IO",
  };
  return {
    kind,
    code: code[kind],
    message: `Rust's message for ${kind}: ${REGISTRY_PATH} could not be opened.`,
    path: REGISTRY_PATH,
    fileExists: true,
    canMoveAside: fileIsTheProblem,
    ...over,
  };
}

export const statusWithProblem = (problem: RegistryProblem): RegistryStatus => {
  const { schemaVersion: _open, ...rest } = registryStatus;
  return { ...rest, problem };
};

export const manualBackup: BackupInfo = {
  fileName: "registry-20261126T091500Z-manual.sqlite3.zst",
  path: `${BACKUPS_DIR}/registry-20261126T091500Z-manual.sqlite3.zst`,
  createdAt: "2026-11-26T09:15:00Z",
  reason: "manual",
  sizeBytes: 245_760,
  compressed: true,
};

export const dailyBackup: BackupInfo = {
  fileName: "registry-20261125T080000Z-daily.sqlite3",
  path: `${BACKUPS_DIR}/registry-20261125T080000Z-daily.sqlite3`,
  createdAt: "2026-11-25T08:00:00Z",
  reason: "daily",
  sizeBytes: 1_536_000,
  compressed: false,
};

export const preMigrationBackup: BackupInfo = {
  fileName: "registry-20261120T120000Z-pre-migration.sqlite3",
  path: `${BACKUPS_DIR}/registry-20261120T120000Z-pre-migration.sqlite3`,
  createdAt: "2026-11-20T12:00:00Z",
  reason: "pre-migration",
  sizeBytes: 1_200_000,
  compressed: false,
};

/** What list_backups answers: newest first. */
export const backupList: BackupList = { dir: BACKUPS_DIR, keep: 10, backups: [manualBackup, dailyBackup, preMigrationBackup] };

/** What get_remote_status answers when no team server is set. */
export const noRemote: RemoteStatus = { settings: null, waiting: 0, conflicts: [], sharedModels: 0, lastSync: null, lastError: null };

export const TEAM_URL = "http://mlflow.internal:5000";

export const remoteSettings: RemoteSettings = {
  url: TEAM_URL,
  auth: "basic",
  username: "ana",
  secretEnv: null,
  productionAlias: "champion",
  stagingAlias: "challenger",
};

export const conflict: SyncConflict = {
  modelId: "model-shared",
  name: "Fraud scorer",
  alias: "champion",
  base: "3",
  server: "4",
  local: "production at 1.3.0",
};

const FIXTURE_NOW = Date.now();

/** A server set, synced `minutesAgo` minutes before the tests started; `over` changes any field. */
export const remoteStatus = (over: Partial<RemoteStatus> = {}, minutesAgo = 3): RemoteStatus => ({
  settings: remoteSettings,
  waiting: 0,
  conflicts: [],
  sharedModels: 2,
  lastSync: new Date(FIXTURE_NOW - minutesAgo * 60_000).toISOString(),
  lastError: null,
  ...over,
});

/** A model pulled from the team server (not demo): its current version's run logged none of ModelOps' metrics. */
export const sharedModel: Model = {
  ...model3,
  id: "model-shared",
  name: "Fraud scorer",
  version: "1.3.0",
  previousVersion: "1.2.0",
  status: "production",
  isDemo: false,
  teamServer: TEAM_URL,
  metricsKnown: false,
};

/** A local model of the user's own (not demo, not shared). */
export const localModel: Model = { ...model3, id: "model-local", name: "Churn predictor", isDemo: false };

export const remoteLink: RemoteLink = {
  server: TEAM_URL,
  mlflowName: "fraud-scorer",
  webUrl: `${TEAM_URL}/#/models/fraud-scorer`,
  versions: [
    { version: "1.3.0", mlflowVersion: "4", metricsKnown: false },
    { version: "1.2.0", mlflowVersion: "3", metricsKnown: true },
  ],
  production: "4",
  staging: "3",
  waiting: 2,
  conflict: null,
  syncedAt: hoursAgo(1),
};
