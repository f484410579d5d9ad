import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { Expected } from "../bindings/Expected";
import { deployModel, getTestSuite, listTestRuns, saveTestSuite, type ApiError } from "../api";
import type { SuiteCheck } from "../bindings/SuiteCheck";
import type { TestSuite } from "../bindings/TestSuite";
import type { TransitionResult } from "../bindings/TransitionResult";
import { gateKeys, modelActionKeys, modelKeys } from "./keys";
import { invalidateModels } from "./mutations";

export const useTestSuite = (modelId: string) =>
  useQuery({ queryKey: gateKeys.suite(modelId), queryFn: () => getTestSuite(modelId) });

/** The newest `limit` runs of a model ("Show more" raises the limit; the previous list stays meanwhile). */
export const useTestRuns = (modelId: string, limit: number) =>
  useQuery({
    queryKey: gateKeys.runsPage(modelId, limit),
    queryFn: () => listTestRuns({ modelId, offset: 0, limit }),
    placeholderData: keepPreviousData,
  });

/** Saves the suite. The details follow (the threshold columns mirror the suite's absolute checks). */
export function useSaveSuite(modelId: string) {
  const qc = useQueryClient();
  return useMutation<TestSuite, ApiError, SuiteCheck[]>({
    mutationFn: (checks) => saveTestSuite({ modelId, checks }),
    onSuccess: (suite) => qc.setQueryData(gateKeys.suite(modelId), suite),
    onSettled: () => qc.invalidateQueries({ queryKey: modelKeys.detail(modelId) }),
  });
}

/**
 * "Deploy anyway": deploy to production despite the quality gate, with the reason the audit log records.
 * Same mutation key as the plain deploy, so the model's other actions lock while it runs.
 */
export function useDeployOverride(modelId: string, expected?: Expected) {
  const qc = useQueryClient();
  return useMutation<TransitionResult, ApiError, string>({
    mutationKey: modelActionKeys.action(modelId, "deploy"),
    mutationFn: (reason) => deployModel(modelId, "production", reason, expected),
    onSettled: () => invalidateModels(qc, [modelId]),
  });
}
