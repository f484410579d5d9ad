// Words and small rules of the legacy import dialog, kept apart so that they can be tested without rendering.
import type { LegacyFile } from "../../api";
import type { ImportAction } from "../../bindings/ImportAction";
import type { ImportPlan } from "../../bindings/ImportPlan";
import type { ImportRequest } from "../../bindings/ImportRequest";

/** The two file choices: labels and the stable ids the end-to-end tests use. */
export const FILE_FIELD: Record<LegacyFile, { label: string; choose: string; pathId: string; chooseId: string }> = {
  models: {
    label: "Models file",
    choose: "Choose models.json…",
    pathId: "import-models-path",
    chooseId: "import-models-choose",
  },
  abTests: {
    label: "A/B tests file (optional)",
    choose: "Choose ab_tests.json…",
    pathId: "import-abtests-path",
    chooseId: "import-abtests-choose",
  },
};

/** `ImportItem.kind` is "model" or "abTest". */
export const KIND_LABEL: Partial<Record<string, string>> = { model: "Model", abTest: "A/B test" };

export const ACTION_LABEL: Record<ImportAction, string> = {
  create: "Create",
  update: "Update",
  unchanged: "Unchanged",
};

/** The request for the files chosen; an unset A/B tests file is left out (Rust's `#[serde(default)]`). */
export function toRequest(modelsPath: string, abTestsPath: string | null): ImportRequest {
  return abTestsPath === null ? { modelsPath } : { modelsPath, abTestsPath };
}

/** "3 to create, 1 to update, 0 unchanged". */
export function countsLine(plan: ImportPlan): string {
  return `${plan.creates} to create, ${plan.updates} to update, ${plan.unchanged} unchanged`;
}

/** "Imported: 3 created, 1 updated". */
export function importedTitle(result: ImportPlan): string {
  return `Imported: ${result.creates} created, ${result.updates} updated`;
}

/** True when applying would write nothing (every item unchanged, or no items at all). */
export function isNothingToImport(plan: ImportPlan): boolean {
  return plan.creates + plan.updates === 0;
}
