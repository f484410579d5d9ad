import { useEffect, useMemo, useState } from "react";
import { useQueryClient } from "@tanstack/react-query";
import type { Model } from "../../bindings/Model";
import type { ModelPage } from "../../bindings/ModelPage";
import type { ModelView } from "../../bindings/ModelView";
import { modelPageQuery, PAGE_SIZE, useModelPages } from "../../queries";

/** How long a window that jumped must rest before its pages are fetched (ms). */
export const SETTLE_MS = 80;

/**
 * How long after its window's pages are settled the pages beside them are prefetched (ms). At once, the
 * prefetch's answer came in while the new view's frame was being painted and held that frame back by 15–30 ms
 * (BENCHMARKS.md, "View changes at 100 000 models"); a page lasts seconds of steady scrolling, so the
 * delay costs nothing there.
 */
export const PREFETCH_DELAY_MS = 100;

/** The page indexes covering rows `first ..= last`. */
export function pagesCovering(first: number, last: number): number[] {
  if (last < first) return [];
  const out: number[] = [];
  for (let p = Math.floor(first / PAGE_SIZE); p <= Math.floor(last / PAGE_SIZE); p++) out.push(p);
  return out;
}

/**
 * The pages to fetch for a window that covers `pageIndexes`. A window moving at reading speed still shares a page
 * with the last one fetched, and its pages are fetched at once. One that jumps (the scrollbar dragged, Page Down
 * held) fetches nothing until it has rested for SETTLE_MS: pages of rows flown past would arrive after the rows
 * left the screen, and each arrival costs the page's main thread a render (BENCHMARKS.md, issue 4).
 */
function useSettledPages(pageIndexes: number[]): number[] {
  const [requested, setRequested] = useState(pageIndexes);
  const moved = pageIndexes.join() !== requested.join();
  const nearby = moved && (requested.length === 0 || pageIndexes.some((p) => requested.includes(p)));
  // Adjusting state while rendering (React's pattern for state derived from a change): no extra frame.
  if (nearby) setRequested(pageIndexes);
  useEffect(() => {
    if (!moved || nearby) return;
    const timer = setTimeout(() => setRequested(pageIndexes), SETTLE_MS);
    return () => clearTimeout(timer);
  }, [moved, nearby, pageIndexes]);
  return nearby ? pageIndexes : requested;
}

/** The loaded rows of a window, with their absolute indexes in the view, and the first error of its pages. */
export interface ModelWindow {
  models: Model[];
  indexes: number[];
  error: Error | null;
}

/**
 * The rows `first ..= last` of a view (the virtualizer's window; `last < first` for none), fetched a page of
 * PAGE_SIZE rows at a time. Only the loaded rows are returned: a row whose page is still loading is absent.
 * Page 0 falls back on `head`, which may be the previous view's first page while this view loads.
 */
export function useModelWindow(view: ModelView, head: ModelPage, first: number, last: number): ModelWindow {
  const qc = useQueryClient();
  const total = head.total;
  const pageIndexes = useMemo(() => pagesCovering(first, last), [first, last]);
  const settled = useSettledPages(pageIndexes);
  const fetchable = useMemo(() => new Set(settled), [settled]);
  const { byOffset, error } = useModelPages(view, pageIndexes, fetchable);

  // Once the window rests, the pages just above and below it are fetched too, so that reading on in either
  // direction finds its rows loaded. Unobserved, they leave the cache after PAGE_GC_MS if nobody goes there.
  const pageCount = Math.ceil(total / PAGE_SIZE);
  useEffect(() => {
    const firstPage = settled[0];
    const lastPage = settled.at(-1);
    if (firstPage === undefined || lastPage === undefined) return;
    const timer = setTimeout(() => {
      for (const p of [lastPage + 1, firstPage - 1]) {
        if (p >= 0 && p < pageCount) void qc.prefetchQuery(modelPageQuery(view, p));
      }
    }, PREFETCH_DELAY_MS);
    return () => clearTimeout(timer);
  }, [settled, pageCount, qc, view]);

  const loaded = useMemo(() => {
    const models: Model[] = [];
    const indexes: number[] = [];
    for (const p of pageIndexes) {
      const page = byOffset.get(p * PAGE_SIZE) ?? (p === 0 ? head : undefined);
      page?.models.forEach((m, j) => {
        models.push(m);
        indexes.push(p * PAGE_SIZE + j);
      });
    }
    return { models, indexes };
  }, [pageIndexes, byOffset, head]);

  return { models: loaded.models, indexes: loaded.indexes, error };
}
