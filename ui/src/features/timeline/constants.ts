import type { EventAction } from "../../bindings/EventAction";

/** Stable control ids for the end-to-end tests. */
export const TIMELINE_IDS = {
  model: "timeline-model",
  from: "timeline-from",
  to: "timeline-to",
  atModel: "production-at-model",
  at: "production-at-time",
} as const;

/** Every action, in lifecycle order: the chips' order and the filter's canonical order. */
export const EVENT_ACTIONS: readonly EventAction[] = [
  "registered",
  "promoted",
  "deployed",
  "rolled_back",
  "tested",
  "ab_test_started",
  "ab_test_stopped",
  "ab_results_imported",
  "ab_test_concluded",
  "ab_test_aborted",
  "archived",
  "synced",
  "demo_data_cleared",
];
