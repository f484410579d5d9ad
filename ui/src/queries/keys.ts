// Query-key factory: every cached server value has one key here, and mutations invalidate through these.
import type { EventAction } from "../bindings/EventAction";
import type { ModelView } from "../bindings/ModelView";

export const modelKeys = {
  all: ["models"] as const,
  /** Every window of every view of the table. */
  pages: () => [...modelKeys.all, "page"] as const,
  /** Rows `pageIndex * PAGE_SIZE ..` of one view. */
  page: (view: ModelView, pageIndex: number) => [...modelKeys.pages(), view, pageIndex] as const,
  /** The model pickers' suggestions: non-archived models only ("active", the A/B tests) or all of them. */
  picks: () => [...modelKeys.all, "pick"] as const,
  pick: (search: string, scope: PickScope = "active") => [...modelKeys.picks(), scope, search] as const,
  frameworks: () => [...modelKeys.all, "frameworks"] as const,
  details: () => [...modelKeys.all, "detail"] as const,
  detail: (modelId: string) => [...modelKeys.details(), modelId] as const,
  /**
   * Under the model's details key on purpose: every mutation that refreshes a model's details (a test run, a new
   * version, an import) refreshes its metric history with it.
   */
  metrics: (modelId: string) => [...modelKeys.detail(modelId), "metrics"] as const,
};

export type PickScope = "active" | "all";

/**
 * A model's quality gates. Under the model's detail key on purpose: every model change invalidates the
 * details (invalidateModels), and so the suite and the runs with them.
 */
export const gateKeys = {
  suite: (modelId: string) => [...modelKeys.detail(modelId), "suite"] as const,
  runs: (modelId: string) => [...modelKeys.detail(modelId), "test-runs"] as const,
  runsPage: (modelId: string, limit: number) => [...gateKeys.runs(modelId), limit] as const,
};

/** What the timeline shows: empty fields don't filter. Times are RFC 3339 UTC. */
export interface TimelineFilter {
  modelId?: string;
  actions: EventAction[];
  from?: string;
  to?: string;
}

/** The audit log: the timeline's pages and the "which version was in production" answers. */
export const timelineKeys = {
  all: ["timeline"] as const,
  lists: () => [...timelineKeys.all, "list"] as const,
  /** Every page of one filter (an infinite query). */
  list: (filter: TimelineFilter) => [...timelineKeys.lists(), filter] as const,
  productionAts: () => [...timelineKeys.all, "production-at"] as const,
  productionAt: (modelId: string, at: string) => [...timelineKeys.productionAts(), modelId, at] as const,
};

export const auditKeys = {
  all: ["audit"] as const,
  verify: () => [...auditKeys.all, "verify"] as const,
  export: () => [...auditKeys.all, "export"] as const,
};

/** Mutation keys of the legacy import (preview and apply). */
export const importKeys = {
  all: ["import"] as const,
  preview: () => [...importKeys.all, "preview"] as const,
  apply: () => [...importKeys.all, "apply"] as const,
};

export const summaryKeys = {
  all: ["summary"] as const,
};

export const abTestKeys = {
  all: ["ab-tests"] as const,
  list: () => [...abTestKeys.all, "list"] as const,
  /** Under `all`, so whatever refreshes the tests (imports, conclude, deploys) refreshes their analyses too. */
  analyses: () => [...abTestKeys.all, "analysis"] as const,
  analysis: (testId: string) => [...abTestKeys.analyses(), testId] as const,
};

/** Mutation keys, so that anything can ask "is an action running on this model?" (useIsMutating). */
export const modelActionKeys = {
  all: ["model-action"] as const,
  model: (modelId: string) => [...modelActionKeys.all, modelId] as const,
  action: (modelId: string, action: string) => [...modelActionKeys.model(modelId), action] as const,
};

/** The registry file itself: whether it opened. Every other key depends on it, so nothing else lives under it. */
export const registryKeys = {
  all: ["registry"] as const,
  status: () => [...registryKeys.all, "status"] as const,
  about: () => [...registryKeys.all, "about"] as const,
};

export const backupKeys = {
  all: ["backups"] as const,
  list: () => [...backupKeys.all, "list"] as const,
};

/** The team server: its status (header, dialog) and each model's link to it (details). */
export const remoteKeys = {
  all: ["remote"] as const,
  status: () => [...remoteKeys.all, "status"] as const,
  links: () => [...remoteKeys.all, "link"] as const,
  link: (modelId: string) => [...remoteKeys.links(), modelId] as const,
};
