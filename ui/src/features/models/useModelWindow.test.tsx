import type { ReactNode } from "react";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { renderHook, waitFor } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import type { ModelView } from "../../bindings/ModelView";
import { PAGE_SIZE } from "../../queries";
import { manyModels, mockBackend, queryPage } from "../../test/render";
import { pagesCovering, useModelWindow } from "./useModelWindow";

const view: ModelView = { filter: { statuses: [] }, sort: "name", dir: "asc" };
const models = manyModels(1000);
const head = queryPage(models, { view, offset: 0, limit: PAGE_SIZE });

function renderWindow(first: number, last: number) {
  const client = new QueryClient({ defaultOptions: { queries: { retry: false, gcTime: Infinity } } });
  const wrapper = ({ children }: { children: ReactNode }) => <QueryClientProvider client={client}>{children}</QueryClientProvider>;
  return renderHook(({ first, last }) => useModelWindow(view, head, first, last), { wrapper, initialProps: { first, last } });
}

const offsets = (backend: ReturnType<typeof mockBackend>) => new Set(backend.queries().map((q) => q.offset));

describe("useModelWindow", () => {
  it("maps a window of rows to the pages covering it", () => {
    expect(pagesCovering(0, -1)).toEqual([]);
    expect(pagesCovering(0, PAGE_SIZE - 1)).toEqual([0]);
    expect(pagesCovering(PAGE_SIZE - 1, PAGE_SIZE)).toEqual([0, 1]);
    expect(pagesCovering(10 * PAGE_SIZE + 3, 10 * PAGE_SIZE + 20)).toEqual([10]);
  });

  it("shows page 0 from the head at once, then fetches the window's page and prefetches the one after it", async () => {
    const backend = mockBackend({}, { models });
    const { result } = renderWindow(0, 20);
    // Before anything arrives: the head's rows, with their indexes.
    expect(result.current.models.map((m) => m.id)).toEqual(head.models.map((m) => m.id));
    expect(result.current.indexes).toEqual(head.models.map((_, i) => i));
    await waitFor(() => expect(offsets(backend)).toEqual(new Set([0, PAGE_SIZE])));
    expect(result.current.error).toBeNull();
  });

  it("a window that jumps fetches nothing for the rows it flew past, then its pages and their neighbours", async () => {
    const backend = mockBackend({}, { models });
    const { result, rerender } = renderWindow(0, 20);
    await waitFor(() => expect(offsets(backend)).toEqual(new Set([0, PAGE_SIZE])));
    // Two jumps in a row, no rest between them: the first position's page is never asked for.
    rerender({ first: 200, last: 220 });
    rerender({ first: 500, last: 520 });
    expect(result.current.models).toEqual([]);
    await waitFor(() => expect(result.current.indexes[0]).toBe(500));
    expect(result.current.models[0]?.name).toBe("Model 000501");
    expect(result.current.indexes).toHaveLength(PAGE_SIZE);
    await waitFor(() => expect(offsets(backend)).toEqual(new Set([0, PAGE_SIZE, 450, 500, 550])));
  });

  it("a row keeps its model object when the window leaves the page above it", async () => {
    mockBackend({}, { models });
    const { result, rerender } = renderWindow(PAGE_SIZE - 10, PAGE_SIZE + 10);
    await waitFor(() => expect(result.current.indexes).toHaveLength(2 * PAGE_SIZE));
    const at = (index: number) => result.current.models[result.current.indexes.indexOf(index)];
    const before = at(PAGE_SIZE + 5);
    expect(before?.name).toBe(`Model ${String(PAGE_SIZE + 6).padStart(6, "0")}`);
    // Down past page 0's last row: only page 1 is left in the window. A copy of the same model, equal but not
    // the same object, would re-render its row (ModelRow compares models by identity).
    rerender({ first: PAGE_SIZE + 2, last: PAGE_SIZE + 22 });
    expect(result.current.indexes[0]).toBe(PAGE_SIZE);
    expect(at(PAGE_SIZE + 5)).toBe(before);
  });

  it("a page that fails reports its error and leaves its rows out", async () => {
    mockBackend({ query_models: () => Promise.reject({ code: "IO", message: "disk gone" }) }, { models });
    const { result, rerender } = renderWindow(0, 20);
    rerender({ first: 600, last: 620 });
    await waitFor(() => expect(result.current.error?.message).toBe("disk gone"));
    expect(result.current.models).toEqual([]);
  });
});
