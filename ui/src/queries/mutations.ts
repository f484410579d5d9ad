import { useMutation, useQueryClient, type QueryClient } from "@tanstack/react-query";
import {
  abortAbTest,
  applyLegacyImport,
  archiveModel,
  clearDemoData,
  concludeAbTest,
  deployModel,
  exportAuditCsv,
  exportModelsCsv,
  importAbResults,
  pickAbResultsFile,
  pickAuditExportPath,
  pickExportPath,
  previewLegacyImport,
  promoteModel,
  registerModel,
  registerVersion,
  rollbackModel,
  runTests,
  startAbTest,
  verifyAudit,
  type ApiError,
  type TaskOptions,
} from "../api";
import type { AbTest } from "../bindings/AbTest";
import type { AuditReport } from "../bindings/AuditReport";
import type { ClearDemoResult } from "../bindings/ClearDemoResult";
import type { Expected } from "../bindings/Expected";
import type { ExportResult } from "../bindings/ExportResult";
import type { ImportPlan } from "../bindings/ImportPlan";
import type { ImportRequest } from "../bindings/ImportRequest";
import type { RegisterModelRequest } from "../bindings/RegisterModelRequest";
import type { RegisterResult } from "../bindings/RegisterResult";
import type { RegisterVersionRequest } from "../bindings/RegisterVersionRequest";
import type { RollbackResult } from "../bindings/RollbackResult";
import type { ModelView } from "../bindings/ModelView";
import type { StartAbTestRequest } from "../bindings/StartAbTestRequest";
import { abTestKeys, auditKeys, importKeys, modelActionKeys, modelKeys, summaryKeys, timelineKeys } from "./keys";

/**
 * What a change to models touches: every table page (a change can move a row to another page or out of a
 * filter), the pickers, the frameworks, the summary, the details, the A/B tests (they show versions) and the
 * timeline (every change is an event).
 * Only the pages on screen refetch now; the others are marked stale and refetch when scrolled back to.
 */
export function invalidateModels(qc: QueryClient, modelIds: string[] = []) {
  const keys = [
    modelKeys.pages(),
    modelKeys.picks(),
    modelKeys.frameworks(),
    summaryKeys.all,
    abTestKeys.all,
    timelineKeys.all,
    ...modelIds.map((id) => modelKeys.detail(id)),
  ];
  return Promise.all(keys.map((queryKey) => qc.invalidateQueries({ queryKey })));
}

export type ModelAction = "deploy" | "promote" | "rollback" | "test" | "archive";

/** The actions that take nothing but the model (rollback takes a target and a reason: useRollback). */
export type SimpleModelAction = Exclude<ModelAction, "rollback">;

const actionFns = {
  deploy: (id: string, expected?: Expected) => deployModel(id, "production", undefined, expected),
  promote: promoteModel,
  test: runTests,
  archive: archiveModel,
} satisfies Record<SimpleModelAction, (id: string, expected?: Expected) => Promise<unknown>>;

type ActionResult<A extends SimpleModelAction> = Awaited<ReturnType<(typeof actionFns)[A]>>;

/**
 * One lifecycle action on one model. Its mutation key lets the UI lock every action of that model while one runs.
 * `expected` is what the user saw of the model when they clicked: if another window or the CLI changed it since,
 * Rust refuses with CONFLICT instead of acting on a state the user never saw.
 */
export function useModelAction<A extends SimpleModelAction>(modelId: string, action: A, expected?: Expected) {
  const qc = useQueryClient();
  return useMutation<ActionResult<A>, ApiError>({
    mutationKey: modelActionKeys.action(modelId, action),
    mutationFn: () => actionFns[action](modelId, expected) as Promise<ActionResult<A>>,
    // Refused calls may still mean our copy is stale, so refresh either way.
    onSettled: () => invalidateModels(qc, [modelId]),
  });
}

/** What a rollback asks for besides the model: no `toVersion` means `Model.previousVersion`. */
export interface RollbackTarget {
  toVersion?: string;
  reason?: string;
}

/** Rollback of one model, under the same mutation key family as the other actions (so they lock each other). */
export function useRollback(modelId: string, expected?: Expected) {
  const qc = useQueryClient();
  return useMutation<RollbackResult, ApiError, RollbackTarget>({
    mutationKey: modelActionKeys.action(modelId, "rollback"),
    mutationFn: (target) => rollbackModel({ modelId, ...target, ...(expected === undefined ? {} : { expected }) }),
    onSettled: () => invalidateModels(qc, [modelId]),
  });
}

export type RegisterRequest = (
  | { kind: "model"; request: RegisterModelRequest }
  | { kind: "version"; request: RegisterVersionRequest }
) & {
  /** Progress and cancel of hashing the artifact (see useTask). */
  task?: TaskOptions;
};

/** Registers a model or a version of one; either way the caches of models, summary, details and timeline refresh. */
export function useRegister() {
  const qc = useQueryClient();
  return useMutation<RegisterResult, ApiError, RegisterRequest>({
    mutationFn: (r) => (r.kind === "model" ? registerModel(r.request, r.task) : registerVersion(r.request, r.task)),
    onSettled: (data, _error, r) => {
      const ids = [data?.model.id, r.kind === "version" ? r.request.modelId : undefined].filter(
        (id): id is string => id !== undefined,
      );
      return invalidateModels(qc, [...new Set(ids)]);
    },
  });
}

/** What importing the legacy files would do (a read, run on demand: nothing to invalidate). */
export function usePreviewImport() {
  return useMutation<ImportPlan, ApiError, ImportRequest>({ mutationKey: importKeys.preview(), mutationFn: previewLegacyImport });
}

/**
 * Imports the legacy files. It can create and update any model and create A/B tests, so everything about models
 * refreshes: pages, pickers, frameworks, summary, A/B tests, timeline and every open details view. Also after a
 * refusal (like the other mutations): it may mean another process changed the registry meanwhile.
 */
export function useApplyImport() {
  const qc = useQueryClient();
  return useMutation<ImportPlan, ApiError, { request: ImportRequest; task?: TaskOptions }>({
    mutationKey: importKeys.apply(),
    mutationFn: ({ request, task }) => applyLegacyImport(request, task),
    onSettled: () => Promise.all([invalidateModels(qc), qc.invalidateQueries({ queryKey: modelKeys.details() })]),
  });
}

/** Checks the audit log's hash chain (a read, run on demand). */
export function useVerifyAudit() {
  return useMutation<AuditReport, ApiError, void>({ mutationKey: auditKeys.verify(), mutationFn: verifyAudit });
}

/** Save dialog, then the audit log as CSV. Resolves to null when the user cancelled the dialog. */
export function useExportAuditCsv() {
  return useMutation<ExportResult | null, ApiError, void>({
    mutationKey: auditKeys.export(),
    mutationFn: async () => {
      const path = await pickAuditExportPath();
      if (path === null) return null;
      return exportAuditCsv(path);
    },
  });
}

export function useStartAbTest() {
  const qc = useQueryClient();
  return useMutation<AbTest, ApiError, StartAbTestRequest>({
    mutationFn: startAbTest,
    onSettled: (_data, _error, req) => invalidateModels(qc, [req.modelA, req.modelB]),
  });
}

/**
 * Open dialog, then import the chosen results file into the test. Resolves to null when the user cancelled.
 * The test list, its analysis (under abTestKeys.all), the timeline and both models' details refresh.
 */
export function useImportAbResults() {
  const qc = useQueryClient();
  return useMutation<AbTest | null, ApiError, AbTest>({
    mutationFn: async (test) => {
      const path = await pickAbResultsFile();
      if (path === null) return null;
      return importAbResults(test.id, path);
    },
    onSettled: (data, _error, test) => (data === null ? undefined : invalidateModels(qc, [test.modelA, test.modelB])),
  });
}

export function useConcludeAbTest() {
  const qc = useQueryClient();
  return useMutation<AbTest, ApiError, AbTest>({
    mutationFn: (test) => concludeAbTest(test.id),
    onSettled: (_data, _error, test) => invalidateModels(qc, [test.modelA, test.modelB]),
  });
}

export function useAbortAbTest() {
  const qc = useQueryClient();
  return useMutation<AbTest, ApiError, { test: AbTest; reason: string }>({
    mutationFn: ({ test, reason }) => abortAbTest(test.id, reason),
    onSettled: (_data, _error, { test }) => invalidateModels(qc, [test.modelA, test.modelB]),
  });
}

/**
 * Save dialog, then export: the rows of `view` in its order, or every model when `view` is undefined, reporting
 * to `task`. Resolves to null when the user cancelled the dialog.
 */
export function useExportCsv() {
  return useMutation<ExportResult | null, ApiError, { view: ModelView | undefined; task?: TaskOptions }>({
    mutationFn: async ({ view, task }) => {
      const path = await pickExportPath();
      if (path === null) return null;
      return exportModelsCsv(path, view, task);
    },
  });
}

/**
 * Clearing the demo removes models: everything that lists them refetches (invalidateModels), and so do the cached
 * details, which may be of a model that is gone.
 */
export function useClearDemoData() {
  const qc = useQueryClient();
  return useMutation<ClearDemoResult, ApiError, void>({
    mutationFn: clearDemoData,
    onSettled: () => Promise.all([invalidateModels(qc), qc.invalidateQueries({ queryKey: modelKeys.details() })]),
  });
}
