import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { render } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { Channel } from "@tauri-apps/api/core";
import { mockIPC } from "@tauri-apps/api/mocks";
import { expect } from "vitest";
import { App } from "../App";
import { ToastProvider } from "../components/Toast";
import type { AbTest } from "../bindings/AbTest";
import { MAX_PAGE } from "../bindings/limits";
import type { Model } from "../bindings/Model";
import type { ModelQuery } from "../bindings/ModelQuery";
import type { ModelPage } from "../bindings/ModelPage";
import type { ModelView } from "../bindings/ModelView";
import type { Status } from "../bindings/Status";
import type { TaskProgress } from "../bindings/TaskProgress";
import type { TimelineQuery } from "../bindings/TimelineQuery";
import { noRemote, abortedAbTest, analysisOf, backupList, bWinsAnalysis, defaultSuite, details, metricHistory, modelList, registryStatus, runningAbTest, seedModels, summary, timelinePage } from "./fixtures";

export interface IpcCall {
  cmd: string;
  args: unknown;
}

type Handler = (args: unknown) => unknown;

const STATUS_RANK: Record<Status, number> = { development: 0, staging: 1, production: 2, archived: 3 };

const versionKey = (v: string) => v.split(".").map((p) => p.padStart(8, "0")).join(".");

/** The value Rust sorts a column by (see src-tauri/core/src/query.rs); null sorts first, like SQLite. */
function sortValue(m: Model, key: ModelView["sort"]): string | number | null {
  switch (key) {
    case "version":
      return versionKey(m.version);
    case "status":
      return STATUS_RANK[m.status];
    case "size":
      return m.sizeBytes;
    default:
      return m[key];
  }
}

/** What query_models does in SQL: filter, sort (then by name), window. */
export function applyView(models: Model[], view: ModelView): Model[] {
  const { search, statuses, framework } = view.filter;
  const needle = search?.trim().toLowerCase();
  const rows = models.filter(
    (m) =>
      (!needle || m.name.toLowerCase().includes(needle)) &&
      (statuses.length === 0 || statuses.includes(m.status)) &&
      (!framework || m.framework === framework),
  );
  const sign = view.dir === "desc" ? -1 : 1;
  const cmp = (a: string | number | null, b: string | number | null) =>
    a === b ? 0 : a === null ? -1 : b === null ? 1 : a < b ? -1 : 1;
  return rows.sort((a, b) => sign * (cmp(sortValue(a, view.sort), sortValue(b, view.sort)) || cmp(a.name, b.name)));
}

export function queryPage(models: Model[], q: ModelQuery): ModelPage {
  if (q.limit < 1 || q.limit > MAX_PAGE) throw { code: "INVALID_INPUT", message: `A page holds 1 to ${MAX_PAGE} models; ${q.limit} were asked for.` };
  const rows = applyView(models, q.view);
  return { models: rows.slice(q.offset, q.offset + q.limit), offset: q.offset, total: rows.length, timestamp: new Date().toISOString() };
}

/** `n` generated models, "Model 000001" … (ids model-1 …), for the big-registry tests. */
export function manyModels(n: number): Model[] {
  const base = seedModels[0]!;
  return Array.from({ length: n }, (_, i) => ({
    ...base,
    id: `model-${i + 1}`,
    name: `Model ${String(i + 1).padStart(6, "0")}`,
    isDemo: false,
  }));
}

/**
 * Mocks the Rust side with the seed data. `overrides` replace a command's answer (throw to reject);
 * every call is recorded in `calls` in order.
 */
export function mockBackend(
  overrides: Record<string, Handler> = {},
  opts: { models?: Model[]; abTests?: AbTest[] } = {},
) {
  const models = opts.models ?? seedModels;
  const abTests = opts.abTests ?? [runningAbTest, abortedAbTest];
  const calls: IpcCall[] = [];
  const defaults: Record<string, Handler> = {
    get_registry_status: () => registryStatus,
    get_about: () => ({
      version: "0.1.0",
      registryPath: registryStatus.registryPath,
      schemaVersion: registryStatus.schemaVersion,
      latestSchemaVersion: registryStatus.schemaVersion,
      dataDir: registryStatus.dataDir,
      logDir: "/home/user/.local/share/dev.modelops.desktop/logs",
    }),
    list_backups: () => backupList,
    list_models: () => modelList(models),
    query_models: (args) => queryPage(models, (args as { request: ModelQuery }).request),
    list_frameworks: () => {
      const counts = new Map<string, number>();
      for (const m of models) counts.set(m.framework, (counts.get(m.framework) ?? 0) + 1);
      return [...counts].sort(([a], [b]) => (a < b ? -1 : 1)).map(([framework, n]) => ({ framework, models: n }));
    },
    get_summary: () => summary,
    list_ab_tests: () => abTests,
    get_ab_test_analysis: (args) => {
      const id = (args as { request: { testId: string } }).request.testId;
      const t = abTests.find((x) => x.id === id);
      if (!t) throw { code: "NOT_FOUND", message: `No A/B test with id "${id}".` };
      return analysisOf(t, t.results.length > 0 ? bWinsAnalysis : null);
    },
    get_model_details: (args) => {
      const id = (args as { request: { modelId: string } }).request.modelId;
      const m = models.find((x) => x.id === id);
      if (!m) throw { code: "NOT_FOUND", message: `No model with id "${id}".` };
      return details(m, abTests.filter((t) => t.modelA === id || t.modelB === id));
    },
    get_test_suite: (args) => ({ modelId: (args as { request: { modelId: string } }).request.modelId, checks: defaultSuite }),
    list_test_runs: (args) => {
      const { modelId, offset, limit } = (args as { request: { modelId: string; offset: number; limit: number } }).request;
      const m = models.find((x) => x.id === modelId);
      const runs = m ? details(m).testRuns : [];
      return { runs: runs.slice(offset, offset + limit), offset, total: runs.length };
    },
    get_metric_history: (args) => {
      const id = (args as { request: { modelId: string } }).request.modelId;
      const m = models.find((x) => x.id === id);
      if (!m) throw { code: "NOT_FOUND", message: `No model with id "${id}".` };
      return metricHistory(m);
    },
    query_timeline: (args) => timelinePage((args as { request: TimelineQuery }).request, models),
    // No team server: the header shows only its button, and details ask for no link.
    get_remote_status: () => noRemote,
    get_remote_link: () => null,
    production_at: (args) => {
      const { modelId, at } = (args as { request: { modelId: string; at: string } }).request;
      return { modelId, at, version: null, since: null, until: null };
    },
  };
  mockIPC((cmd, args) => {
    calls.push({ cmd, args });
    const handler = overrides[cmd] ?? defaults[cmd];
    if (!handler) throw new Error(`unmocked command ${cmd}`);
    return handler(args);
    // The native menu's events (lib/menu.ts): tests send them with `emit` from @tauri-apps/api/event.
  }, { shouldMockEvents: true });
  return {
    calls,
    /** Calls of one command, without the background reads. */
    callsOf: (cmd: string) => calls.filter((c) => c.cmd === cmd),
    /** The `request` of every query_models call, in order. */
    queries: () => calls.filter((c) => c.cmd === "query_models").map((c) => (c.args as { request: ModelQuery }).request),
    /** The `request` of every query_timeline call, in order. */
    timelineQueries: () =>
      calls.filter((c) => c.cmd === "query_timeline").map((c) => (c.args as { request: TimelineQuery }).request),
  };
}

export function renderApp() {
  const client = new QueryClient({
    defaultOptions: { queries: { retry: false, gcTime: Infinity }, mutations: { retry: false } },
  });
  const user = userEvent.setup();
  const utils = render(
    <QueryClientProvider client={client}>
      <ToastProvider>
        <App />
      </ToastProvider>
    </QueryClientProvider>,
  );
  return { ...utils, user, client };
}

/** The arguments a long-task command gets besides its request (see api/tasks.ts). */
export const taskArgs = { taskId: expect.any(String) as unknown, onProgress: expect.any(Channel) as unknown };

const channelIndex = new Map<number, number>();

/**
 * Sends a progress report to the channel in a long-task command's `args`, the way Rust's Channel does
 * (`{ message, index }`, the index counting up per channel so the page delivers them in order).
 */
export function sendProgress(args: unknown, progress: TaskProgress) {
  const id = (args as { onProgress: Channel<TaskProgress> }).onProgress.id;
  const index = channelIndex.get(id) ?? 0;
  channelIndex.set(id, index + 1);
  const internals = (window as unknown as { __TAURI_INTERNALS__: { runCallback: (id: number, data: unknown) => void } })
    .__TAURI_INTERNALS__;
  internals.runCallback(id, { message: progress, index });
}
