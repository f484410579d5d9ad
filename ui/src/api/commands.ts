// Typed wrappers, one per Tauri command. Every command takes a single `request` argument.
import { save } from "@tauri-apps/plugin-dialog";
import type { AbTest } from "../bindings/AbTest";
import type { DeployTarget } from "../bindings/DeployTarget";
import type { ExportResult } from "../bindings/ExportResult";
import type { ModelDetails } from "../bindings/ModelDetails";
import type { ModelList } from "../bindings/ModelList";
import type { RollbackResult } from "../bindings/RollbackResult";
import type { StartAbTestRequest } from "../bindings/StartAbTestRequest";
import type { Summary } from "../bindings/Summary";
import type { TestRun } from "../bindings/TestRun";
import type { TransitionResult } from "../bindings/TransitionResult";
import { call, normalize } from "./client";

export const listModels = () => call<ModelList>("list_models");

export const getSummary = () => call<Summary>("get_summary");

export const getModelDetails = (modelId: string) =>
  call<ModelDetails>("get_model_details", { request: { modelId } });

export const deployModel = (modelId: string, targetEnv: DeployTarget) =>
  call<TransitionResult>("deploy_model", { request: { modelId, targetEnv } });

export const promoteModel = (modelId: string) =>
  call<TransitionResult>("promote_model", { request: { modelId } });

export const rollbackModel = (modelId: string) =>
  call<RollbackResult>("rollback_model", { request: { modelId } });

export const runTests = (modelId: string) => call<TestRun>("run_tests", { request: { modelId } });

export const archiveModel = (modelId: string) =>
  call<TransitionResult>("archive_model", { request: { modelId } });

export const listAbTests = () => call<AbTest[]>("list_ab_tests");

export const startAbTest = (request: StartAbTestRequest) =>
  call<AbTest>("start_ab_test", { request: { ...request } });

export const stopAbTest = (testId: string) => call<AbTest>("stop_ab_test", { request: { testId } });

export const exportModelsCsv = (path: string) =>
  call<ExportResult>("export_models_csv", { request: { path } });

/** "modelops-models-YYYY-MM-DD.csv" for the given local date. */
export function defaultExportFileName(now: Date = new Date()): string {
  const y = now.getFullYear();
  const m = String(now.getMonth() + 1).padStart(2, "0");
  const d = String(now.getDate()).padStart(2, "0");
  return `modelops-models-${y}-${m}-${d}.csv`;
}

/** Opens the native save dialog. Resolves to the chosen path, or null if the user cancelled. */
export function pickExportPath(now: Date = new Date()): Promise<string | null> {
  return normalize(
    save({
      defaultPath: defaultExportFileName(now),
      filters: [{ name: "CSV", extensions: ["csv"] }],
    }),
  );
}
