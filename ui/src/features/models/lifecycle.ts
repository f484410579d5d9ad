// Mirrors the lifecycle rules Rust enforces, only to disable impossible buttons and say why.
// Rust stays the authority: a refused call still shows its message.
import type { AbTest } from "../../bindings/AbTest";
import type { Model } from "../../bindings/Model";
import type { ModelAction } from "../../queries";

/** null when the action is allowed, otherwise why not. */
export function whyNot(action: ModelAction, model: Model, abTests: readonly AbTest[] = []): string | null {
  if (model.status === "archived") return "Archived models are read-only.";
  switch (action) {
    case "deploy":
      if (model.status === "production") return "Already in production.";
      if (model.status === "development") return "Promote to staging first: only staging models deploy to production.";
      return null;
    case "promote":
      if (model.status === "staging") return "Already in staging.";
      if (model.status === "production") return "Already in production.";
      return null;
    case "rollback":
      return model.previousVersion === null
        ? `Version ${model.version} is the first version: there is nothing to roll back to.`
        : null;
    case "test":
      return null;
    case "archive": {
      const running = abTests.some(
        (t) => t.status === "running" && (t.modelA === model.id || t.modelB === model.id),
      );
      return running ? "In a running A/B test: stop the test first." : null;
    }
  }
}
