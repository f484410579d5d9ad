import { useMutation, useQueryClient, type QueryClient } from "@tanstack/react-query";
import {
  archiveModel,
  deployModel,
  exportModelsCsv,
  pickExportPath,
  promoteModel,
  rollbackModel,
  runTests,
  startAbTest,
  stopAbTest,
  type ApiError,
} from "../api";
import type { AbTest } from "../bindings/AbTest";
import type { ModelView } from "../bindings/ModelView";
import type { StartAbTestRequest } from "../bindings/StartAbTestRequest";
import { abTestKeys, modelActionKeys, modelKeys, summaryKeys } from "./keys";

/**
 * What a change to models touches: every table page (a change can move a row to another page or out of a
 * filter), the pickers, the frameworks, the summary, the details and the A/B tests (they show versions).
 * Only the pages on screen refetch now; the others are marked stale and refetch when scrolled back to.
 */
export function invalidateModels(qc: QueryClient, modelIds: string[] = []) {
  const keys = [
    modelKeys.pages(),
    modelKeys.picks(),
    modelKeys.frameworks(),
    summaryKeys.all,
    abTestKeys.all,
    ...modelIds.map((id) => modelKeys.detail(id)),
  ];
  return Promise.all(keys.map((queryKey) => qc.invalidateQueries({ queryKey })));
}

export type ModelAction = "deploy" | "promote" | "rollback" | "test" | "archive";

const actionFns = {
  deploy: (id: string) => deployModel(id, "production"),
  promote: promoteModel,
  rollback: rollbackModel,
  test: runTests,
  archive: archiveModel,
} satisfies Record<ModelAction, (id: string) => Promise<unknown>>;

type ActionResult<A extends ModelAction> = Awaited<ReturnType<(typeof actionFns)[A]>>;

/** One lifecycle action on one model. Its mutation key lets the UI lock every action of that model while one runs. */
export function useModelAction<A extends ModelAction>(modelId: string, action: A) {
  const qc = useQueryClient();
  return useMutation<ActionResult<A>, ApiError>({
    mutationKey: modelActionKeys.action(modelId, action),
    mutationFn: () => actionFns[action](modelId) as Promise<ActionResult<A>>,
    // Refused calls may still mean our copy is stale, so refresh either way.
    onSettled: () => invalidateModels(qc, [modelId]),
  });
}

export function useStartAbTest() {
  const qc = useQueryClient();
  return useMutation<AbTest, ApiError, StartAbTestRequest>({
    mutationFn: startAbTest,
    onSettled: (_data, _error, req) => invalidateModels(qc, [req.modelA, req.modelB]),
  });
}

export function useStopAbTest() {
  const qc = useQueryClient();
  return useMutation<AbTest, ApiError, AbTest>({
    mutationFn: (test) => stopAbTest(test.id),
    onSettled: (_data, _error, test) => invalidateModels(qc, [test.modelA, test.modelB]),
  });
}

/**
 * Save dialog, then export: the rows of `view` in its order, or every model when `view` is undefined.
 * Resolves to null when the user cancelled the dialog.
 */
export function useExportCsv() {
  return useMutation({
    mutationFn: async (view: ModelView | undefined) => {
      const path = await pickExportPath();
      if (path === null) return null;
      return exportModelsCsv(path, view);
    },
  });
}
