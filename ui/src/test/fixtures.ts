// The four seed models, as list_models returns them on first start.
import type { AbTest } from "../bindings/AbTest";
import type { Model } from "../bindings/Model";
import type { ModelDetails } from "../bindings/ModelDetails";
import type { ModelList } from "../bindings/ModelList";
import type { Summary } from "../bindings/Summary";
import type { TestRun } from "../bindings/TestRun";

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
  stoppedAt: null,
};

export const stoppedAbTest: AbTest = {
  ...runningAbTest,
  id: "ab-0",
  modelB: "model-2",
  modelBName: model2.name,
  versionB: "1.8.5",
  trafficSplit: 50,
  status: "stopped",
  startedAt: hoursAgo(72),
  stoppedAt: hoursAgo(50),
};

export const testRun = (model: Model, passed = 4): TestRun => ({
  id: 7,
  modelId: model.id,
  version: model.version,
  runAt: new Date().toISOString(),
  passed,
  total: 5,
  successRate: passed / 5,
  checks: [
    { metric: "accuracy", comparator: ">=", observed: model.accuracy, threshold: 0.9, passed: true },
    { metric: "latency", comparator: "<=", observed: model.latency, threshold: 100, passed: true },
    { metric: "errorRate", comparator: "<=", observed: model.errorRate, threshold: 0.01, passed: passed === 5 },
    { metric: "uptime", comparator: ">=", observed: model.uptime, threshold: 99.5, passed: true },
    { metric: "aiConfidence", comparator: ">=", observed: model.aiConfidence, threshold: 0.85, passed: true },
  ],
});

export const details = (model: Model, abTests: AbTest[] = []): ModelDetails => ({
  model,
  thresholds: { minAccuracy: 0.9, maxLatency: 100, maxErrorRate: 0.01, minUptime: 99.5, minAiConfidence: 0.85 },
  versions: [
    {
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
      isCurrent: true,
      isDemo: true,
    },
    ...(model.previousVersion
      ? [
          {
            version: model.previousVersion,
            accuracy: model.accuracy - 0.01,
            latency: model.latency + 5,
            throughput: model.throughput - 50,
            uptime: model.uptime,
            aiConfidence: model.aiConfidence - 0.01,
            errorRate: model.errorRate + 0.001,
            size: model.size,
            sizeBytes: model.sizeBytes,
            createdAt: hoursAgo(400),
            isCurrent: false,
            isDemo: true,
          },
        ]
      : []),
  ],
  events: [
    {
      id: 3,
      at: hoursAgo(5),
      modelId: model.id,
      action: "tested",
      fromStatus: null,
      toStatus: null,
      fromVersion: null,
      toVersion: model.version,
      detail: "4/5 passed",
    },
    {
      id: 2,
      at: hoursAgo(48),
      modelId: model.id,
      action: "deployed",
      fromStatus: "staging",
      toStatus: "production",
      fromVersion: null,
      toVersion: null,
      detail: null,
    },
    {
      id: 1,
      at: hoursAgo(400),
      modelId: model.id,
      action: "registered",
      fromStatus: null,
      toStatus: "development",
      fromVersion: null,
      toVersion: model.previousVersion ?? model.version,
      detail: null,
    },
  ],
  testRuns: model.lastTest ? [testRun(model, model.lastTest.passed)] : [],
  abTests,
});
