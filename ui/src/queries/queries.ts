import { useQuery } from "@tanstack/react-query";
import { getModelDetails, getSummary, listAbTests, listModels } from "../api";
import { abTestKeys, modelKeys, summaryKeys } from "./keys";

export const useModelList = () => useQuery({ queryKey: modelKeys.list(), queryFn: listModels });

export const useSummary = () => useQuery({ queryKey: summaryKeys.all, queryFn: getSummary });

export const useAbTests = () => useQuery({ queryKey: abTestKeys.list(), queryFn: listAbTests });

export const useModelDetails = (modelId: string | null) =>
  useQuery({
    queryKey: modelKeys.detail(modelId ?? ""),
    queryFn: () => getModelDetails(modelId ?? ""),
    enabled: modelId !== null,
  });
