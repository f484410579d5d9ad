import { keepPreviousData, queryOptions, useInfiniteQuery, useQueries, useQuery } from "@tanstack/react-query";
import {
  getMetricHistory,
  getModelDetails,
  getSummary,
  getAbTestAnalysis,
  listAbTests,
  listFrameworks,
  productionAt,
  queryModels,
  queryTimeline,
} from "../api";
import type { TimelinePage } from "../bindings/TimelinePage";
import type { ModelPage } from "../bindings/ModelPage";
import type { ModelView } from "../bindings/ModelView";
import type { Status } from "../bindings/Status";
import { abTestKeys, modelKeys, summaryKeys, timelineKeys, type PickScope, type TimelineFilter } from "./keys";

/**
 * Rows per query_models call of the table (the command accepts up to 500). About three windows of rows: while
 * the scrollbar is dragged nearly every frame needs a page of its own, and receiving one costs the page's main
 * thread roughly 0.1 ms a row, so a smaller page keeps those frames short (BENCHMARKS.md, issue 4).
 */
export const PAGE_SIZE = 50;

/**
 * Pages stay fresh for a while: every change made in the app invalidates them, and without this each row
 * window mounting over an already loaded page (e.g. page 0, shared with useModelHead) would refetch it.
 */
const PAGE_STALE_MS = 30_000;

/**
 * Pages nobody shows leave the cache after this long. Scrolling through 100 000 rows visits 2 000 pages; kept
 * for the default 5 minutes they all stay in the web process's memory (BENCHMARKS.md). Scrolling back to a dropped
 * page costs one query_models call (~15 ms at 100 000 models).
 */
const PAGE_GC_MS = 5_000;

const fetchPage = (view: ModelView, pageIndex: number) =>
  queryModels({ view, offset: pageIndex * PAGE_SIZE, limit: PAGE_SIZE });

/**
 * The first page of a view: its `total` sizes the table and feeds "N of M models". While a new view loads it
 * keeps the previous view's page (placeholder), so the count and the top rows don't flash.
 */
export const useModelHead = (view: ModelView) =>
  useQuery({
    queryKey: modelKeys.page(view, 0),
    queryFn: () => fetchPage(view, 0),
    staleTime: PAGE_STALE_MS,
    placeholderData: keepPreviousData,
  });

/**
 * The loaded pages by their offset. A Map, not an array in the queries' order: useQueries merges what this returns
 * into its previous answer (replaceEqualDeep), and when the window left a page the array shifted by one, so each
 * model was merged with the one at its place in the page before: equal copies, not the cached objects. Every row
 * in view then re-rendered and the longest frames of a steady scroll came from it (BENCHMARKS.md, issue 17).
 * A Map is replaced, never merged.
 */
function combinePages(results: Array<{ data?: ModelPage | undefined; isError: boolean; error: Error | null }>) {
  const byOffset = new Map<number, ModelPage>();
  for (const r of results) if (r.data) byOffset.set(r.data.offset, r.data);
  return { byOffset: byOffset as ReadonlyMap<number, ModelPage>, error: results.find((r) => r.isError)?.error ?? null };
}

/** One page of a view, as the table's windows and its prefetching share it. */
export const modelPageQuery = (view: ModelView, pageIndex: number) =>
  queryOptions({
    queryKey: modelKeys.page(view, pageIndex),
    queryFn: () => fetchPage(view, pageIndex),
    staleTime: PAGE_STALE_MS,
    gcTime: PAGE_GC_MS,
  });

/**
 * The pages `pageIndexes` of a view (the ones the table's visible window touches), the loaded ones by offset. Only
 * those in `fetch` are fetched; the others show what the cache already holds, if anything. Same keys as
 * useModelHead.
 */
export const useModelPages = (view: ModelView, pageIndexes: number[], fetch: ReadonlySet<number>) =>
  useQueries({
    queries: pageIndexes.map((pageIndex) => ({ ...modelPageQuery(view, pageIndex), enabled: fetch.has(pageIndex) })),
    combine: combinePages,
  });

export const useFrameworks = () => useQuery({ queryKey: modelKeys.frameworks(), queryFn: listFrameworks });

/** Statuses a model may have to take part in an A/B test. */
const PICKABLE: Status[] = ["development", "staging", "production"];

/**
 * Up to `limit` models whose name contains `search`, by name: the model pickers' options. "active" leaves
 * archived models out (A/B tests); "all" keeps them (the timeline).
 */
export const useModelPicks = (search: string, limit: number, enabled: boolean, scope: PickScope = "active") =>
  useQuery({
    queryKey: modelKeys.pick(search, scope),
    queryFn: () => {
      const statuses = scope === "active" ? PICKABLE : [];
      return queryModels({
        view: { filter: search ? { search, statuses } : { statuses }, sort: "name", dir: "asc" },
        offset: 0,
        limit,
      });
    },
    enabled,
    placeholderData: keepPreviousData,
  });

export const useSummary = () => useQuery({ queryKey: summaryKeys.all, queryFn: getSummary });

export const useAbTests = () => useQuery({ queryKey: abTestKeys.list(), queryFn: listAbTests });

/** Only fetched for tests with results: without them the answer is known to be "no results yet". */
export const useAbTestAnalysis = (testId: string, enabled = true) =>
  useQuery({ queryKey: abTestKeys.analysis(testId), queryFn: () => getAbTestAnalysis(testId), enabled });

export const useModelDetails = (modelId: string | null) =>
  useQuery({
    queryKey: modelKeys.detail(modelId ?? ""),
    queryFn: () => getModelDetails(modelId ?? ""),
    enabled: modelId !== null,
  });

/** A model's metric history, for the details view's charts. */
export const useMetricHistory = (modelId: string) =>
  useQuery({ queryKey: modelKeys.metrics(modelId), queryFn: () => getMetricHistory(modelId) });

/** Events per query_timeline call of the timeline ("Load more" asks for the next ones). */
export const TIMELINE_PAGE_SIZE = 100;

/** Where the next page starts, or undefined after the last one. */
export function nextTimelineOffset(last: TimelinePage): number | undefined {
  const next = last.offset + last.events.length;
  return last.events.length > 0 && next < last.total ? next : undefined;
}

/** The audit log's events matching `filter`, newest first, TIMELINE_PAGE_SIZE at a time. */
export const useTimeline = (filter: TimelineFilter, enabled = true) =>
  useInfiniteQuery({
    queryKey: timelineKeys.list(filter),
    queryFn: ({ pageParam }) => queryTimeline({ ...filter, offset: pageParam, limit: TIMELINE_PAGE_SIZE }),
    initialPageParam: 0,
    getNextPageParam: nextTimelineOffset,
    enabled,
    placeholderData: keepPreviousData,
  });

/** Which version of a model was in production at `at` (RFC 3339); nothing is asked while `query` is null. */
export const useProductionAt = (query: { modelId: string; at: string } | null) =>
  useQuery({
    queryKey: timelineKeys.productionAt(query?.modelId ?? "", query?.at ?? ""),
    queryFn: () => productionAt({ modelId: query?.modelId ?? "", at: query?.at ?? "" }),
    enabled: query !== null,
  });
