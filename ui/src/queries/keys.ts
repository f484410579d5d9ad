// Query-key factory: every cached server value has one key here, and mutations invalidate through these.
import type { ModelView } from "../bindings/ModelView";

export const modelKeys = {
  all: ["models"] as const,
  /** Every window of every view of the table. */
  pages: () => [...modelKeys.all, "page"] as const,
  /** Rows `pageIndex * PAGE_SIZE ..` of one view. */
  page: (view: ModelView, pageIndex: number) => [...modelKeys.pages(), view, pageIndex] as const,
  /** The A/B test pickers' suggestions. */
  picks: () => [...modelKeys.all, "pick"] as const,
  pick: (search: string) => [...modelKeys.picks(), search] as const,
  frameworks: () => [...modelKeys.all, "frameworks"] as const,
  details: () => [...modelKeys.all, "detail"] as const,
  detail: (modelId: string) => [...modelKeys.details(), modelId] as const,
};

export const summaryKeys = {
  all: ["summary"] as const,
};

export const abTestKeys = {
  all: ["ab-tests"] as const,
  list: () => [...abTestKeys.all, "list"] as const,
};

/** Mutation keys, so that anything can ask "is an action running on this model?" (useIsMutating). */
export const modelActionKeys = {
  all: ["model-action"] as const,
  model: (modelId: string) => [...modelActionKeys.all, modelId] as const,
  action: (modelId: string, action: string) => [...modelActionKeys.model(modelId), action] as const,
};
