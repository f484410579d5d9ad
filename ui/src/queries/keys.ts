// Query-key factory: every cached server value has one key here, and mutations invalidate through these.
export const modelKeys = {
  all: ["models"] as const,
  list: () => [...modelKeys.all, "list"] as const,
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
