import { fireEvent, screen, waitFor, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import type { ModelQuery } from "../../bindings/ModelQuery";
import { model2, model3, seedModels, summary } from "../../test/fixtures";
import { manyModels, mockBackend, queryPage, renderApp } from "../../test/render";
import { ROW_HEIGHT } from "./ModelsTable";
import { PAGE_SIZE } from "../../queries";

const modelsTable = () => within(screen.getByRole("table", { name: "Models" }));
const bodyRows = () => modelsTable().getAllByRole("row").slice(1);
const rowNames = () => bodyRows().map((r) => within(r).getByRole("rowheader").querySelector(".model-name")?.textContent);
const header = (name: string) => modelsTable().getByRole("columnheader", { name: new RegExp(`^${name}`) });

describe("models table: sorting", () => {
  it("a header click sorts by that column ascending, a second click descending", async () => {
    const backend = mockBackend();
    const { user } = renderApp();
    await waitFor(() => expect(bodyRows()).toHaveLength(4));
    expect(header("Model")).toHaveAttribute("aria-sort", "ascending");
    expect(header("Accuracy")).not.toHaveAttribute("aria-sort");

    await user.click(screen.getByRole("button", { name: "Accuracy" }));
    await waitFor(() => expect(backend.queries().at(-1)?.view).toMatchObject({ sort: "accuracy", dir: "asc" }));
    expect(backend.queries().at(-1)?.offset).toBe(0);
    // The header shows the new sort together with its rows (the page asks Rust first: view.ts).
    await waitFor(() => expect(header("Accuracy")).toHaveAttribute("aria-sort", "ascending"));
    expect(header("Model")).not.toHaveAttribute("aria-sort");
    await waitFor(() => expect(rowNames()[0]).toBe(model3.name)); // 87.6%, the lowest

    await user.click(screen.getByRole("button", { name: "Accuracy" }));
    await waitFor(() => expect(backend.queries().at(-1)?.view).toMatchObject({ sort: "accuracy", dir: "desc" }));
    await waitFor(() => expect(header("Accuracy")).toHaveAttribute("aria-sort", "descending"));
    await waitFor(() => expect(rowNames()).toEqual([
      "Ensemble - Multi-Model Predictor",
      "TGNN - Attack Surface Model",
      "Graph Neural Network - Threat Detection",
      "Anomaly Detection - Behavioral",
    ]));

    // And back to ascending.
    await user.click(screen.getByRole("button", { name: "Accuracy" }));
    await waitFor(() => expect(header("Accuracy")).toHaveAttribute("aria-sort", "ascending"));
  });

  it("a sort waits for its rows up to VIEW_WAIT_MS; past that it shows the new view dimmed until they come", async () => {
    const held: Array<() => void> = [];
    mockBackend({
      query_models: async (args) => {
        const q = (args as { request: ModelQuery }).request;
        if (q.view.sort === "accuracy") await new Promise<void>((resolve) => held.push(resolve));
        return queryPage(seedModels, q);
      },
    });
    const { user } = renderApp();
    await waitFor(() => expect(bodyRows()).toHaveLength(4));
    const table = screen.getByRole("table", { name: "Models" });
    const byName = rowNames();

    await user.click(screen.getByRole("button", { name: "Accuracy" }));
    // Within the wait: the previous view as it was, not dimmed.
    expect(header("Model")).toHaveAttribute("aria-sort", "ascending");
    expect(table).not.toHaveClass("is-stale");
    // Past it: the new sort, over the previous rows dimmed while its own load.
    await waitFor(() => expect(header("Accuracy")).toHaveAttribute("aria-sort", "ascending"));
    expect(table).toHaveClass("is-stale");
    expect(rowNames()).toEqual(byName);

    held.forEach((release) => release());
    await waitFor(() => {
      expect(rowNames()[0]).toBe(model3.name); // 87.6%, the lowest
      expect(table).not.toHaveClass("is-stale");
    });
  });

  it("a sort at the top updates the rows in place instead of building a new body (cheaper: issue 17)", async () => {
    mockBackend();
    const { user } = renderApp();
    await waitFor(() => expect(bodyRows()).toHaveLength(4));
    const [firstRow] = bodyRows();
    const body = firstRow!.parentElement;
    await user.click(screen.getByRole("button", { name: "Accuracy" }));
    await waitFor(() => expect(rowNames()[0]).toBe(model3.name));
    expect(bodyRows()[0]).toBe(firstRow);
    expect(bodyRows()[0]!.parentElement).toBe(body);
    expect(body).toHaveAttribute("data-view", expect.stringContaining('"sort":"accuracy"'));
  });

  it("headers are buttons, so the keyboard sorts too; the actions column isn't sortable", async () => {
    const backend = mockBackend();
    const { user } = renderApp();
    await waitFor(() => expect(bodyRows()).toHaveLength(4));
    modelsTable().getByRole("button", { name: "Deployed" }).focus();
    await user.keyboard("{Enter}");
    await waitFor(() => expect(backend.queries().at(-1)?.view).toMatchObject({ sort: "deployedAt", dir: "asc" }));
    await user.keyboard(" ");
    await waitFor(() => expect(backend.queries().at(-1)?.view).toMatchObject({ sort: "deployedAt", dir: "desc" }));
    expect(modelsTable().getByRole("button", { name: "Deployed" })).toHaveFocus();
    expect(within(modelsTable().getAllByRole("columnheader").at(-1)!).queryByRole("button")).toBeNull();
  });
});

describe("models table: search and filters", () => {
  it("search is debounced into one query_models call from offset 0, and Esc clears it", async () => {
    const backend = mockBackend();
    const { user } = renderApp();
    await waitFor(() => expect(bodyRows()).toHaveLength(4));
    const before = backend.queries().length;
    const search = screen.getByRole("textbox", { name: "Search models" });
    expect(search).toHaveAttribute("id", "model-search");

    await user.type(search, "graph");
    await waitFor(() => expect(rowNames()).toEqual([model2.name]));
    const sent = backend.queries().slice(before);
    expect(sent).toEqual([
      { view: { filter: { search: "graph", statuses: [] }, sort: "name", dir: "asc" }, offset: 0, limit: 50 },
    ]);
    expect(screen.getByText("1 of 4 models")).toBeInTheDocument();

    await user.keyboard("{Escape}");
    expect(search).toHaveValue("");
    await waitFor(() => expect(bodyRows()).toHaveLength(4));
  });

  it("status chips (any of) and the framework select send the filter", async () => {
    const backend = mockBackend();
    const { user } = renderApp();
    await waitFor(() => expect(bodyRows()).toHaveLength(4));
    const framework = screen.getByRole("combobox", { name: "Filter by framework" });
    await waitFor(() => expect(within(framework).getAllByRole("option")).toHaveLength(5));
    expect(within(framework).getByRole("option", { name: "All frameworks" })).toBeInTheDocument();

    await user.click(screen.getByRole("button", { name: "Staging", pressed: false }));
    await user.click(screen.getByRole("button", { name: "Development", pressed: false }));
    await waitFor(() => expect(screen.getByRole("button", { name: "Staging" })).toHaveAttribute("aria-pressed", "true"));
    await waitFor(() =>
      expect(backend.queries().at(-1)).toEqual({
        // Lifecycle order whatever the click order, so that equal filters share a cache entry.
        view: { filter: { statuses: ["development", "staging"] }, sort: "name", dir: "asc" },
        offset: 0,
        limit: 50,
      }),
    );
    await waitFor(() => expect(rowNames()).toEqual([model3.name, model2.name]));

    await user.selectOptions(framework, "TensorFlow");
    await waitFor(() =>
      expect(backend.queries().at(-1)?.view.filter).toEqual({ statuses: ["development", "staging"], framework: "TensorFlow" }),
    );
    await waitFor(() => expect(rowNames()).toEqual([model2.name]));
    expect(screen.getByText("1 of 4 models")).toBeInTheDocument();
  });

  it("an empty result says so and Clear filters brings every model back", async () => {
    mockBackend();
    const { user } = renderApp();
    await waitFor(() => expect(bodyRows()).toHaveLength(4));
    await user.type(screen.getByRole("textbox", { name: "Search models" }), "no such model");
    expect(await screen.findByText("No models match the search and filters.")).toBeInTheDocument();
    expect(screen.getByText("0 of 4 models")).toBeInTheDocument();
    await user.click(screen.getByRole("button", { name: "Clear filters" }));
    await waitFor(() => expect(bodyRows()).toHaveLength(4));
    expect(screen.getByRole("textbox", { name: "Search models" })).toHaveValue("");
  });
});

describe("models table: keyboard", () => {
  it("Tab reaches the sortable headers, then each row's Details; Up/Down move between rows", async () => {
    mockBackend();
    const { user } = renderApp();
    await waitFor(() => expect(bodyRows()).toHaveLength(4));
    const sortName = within(header("Model")).getByRole("button");
    sortName.focus();
    await user.tab();
    expect(within(header("Version")).getByRole("button")).toHaveFocus();

    const views = bodyRows().map((r) => within(r).getByRole("button", { name: /^View details of / }));
    views[0]!.focus();
    await user.tab();
    expect(views[1]).toHaveFocus();

    await user.keyboard("{ArrowDown}");
    expect(views[2]).toHaveFocus();
    await user.keyboard("{ArrowUp}{ArrowUp}");
    expect(views[0]).toHaveFocus();
    // At an end, nothing moves.
    await user.keyboard("{ArrowUp}");
    expect(views[0]).toHaveFocus();
    views[3]!.focus();
    await user.keyboard("{ArrowDown}");
    expect(views[3]).toHaveFocus();
  });
});

describe("models table: windowed fetching (100 000 models)", () => {
  it("asks only for the first page and the one after it, and renders only the rows in view", async () => {
    const backend = mockBackend({ get_summary: () => ({ ...summary, total: 100_000 }) }, { models: manyModels(100_000) });
    renderApp();
    expect(await screen.findByText("Model 000001")).toBeInTheDocument();
    await waitFor(() => expect(screen.getByText("100,000 of 100,000 models")).toBeInTheDocument());
    // The page after the window is prefetched once the window rests, so reading on finds its rows loaded.
    await waitFor(() => expect(backend.queries().some((q) => q.offset === PAGE_SIZE)).toBe(true));
    const queries = backend.queries();
    expect(queries[0]).toMatchObject({ offset: 0 });
    expect(queries[0]!.limit).toBeLessThanOrEqual(500);
    expect(new Set(queries.map((q) => q.offset))).toEqual(new Set([0, PAGE_SIZE]));
    expect(screen.getByRole("table", { name: "Models" })).toHaveAttribute("aria-rowcount", "100001");
    // ~11 visible in the 560 px box of the test setup, plus the overscan: far from 100 000.
    const rows = bodyRows();
    expect(rows.length).toBeGreaterThan(10);
    expect(rows.length).toBeLessThan(40);
    expect(rows[0]).toHaveAttribute("aria-rowindex", "2");
    expect(backend.callsOf("list_models")).toHaveLength(0);
  });

  it("scrolling far fetches just the pages around the new position; a new sort goes back to the top", async () => {
    const backend = mockBackend({}, { models: manyModels(100_000) });
    const { user } = renderApp();
    expect(await screen.findByText("Model 000001")).toBeInTheDocument();
    // The first window's neighbour, prefetched a moment after it settles (PREFETCH_DELAY_MS).
    await waitFor(() => expect(backend.queries().some((q) => q.offset === PAGE_SIZE)).toBe(true));
    const box = screen.getByRole("region", { name: "Models table, scrollable" });
    const before = backend.queries().length;

    box.scrollTop = 50_000 * ROW_HEIGHT;
    fireEvent.scroll(box);
    expect(await screen.findByText("Model 050001")).toBeInTheDocument();
    // The window's pages (it may straddle two) and their neighbours above and below, nothing else.
    await waitFor(() => expect(backend.queries().slice(before).length).toBeGreaterThanOrEqual(3));
    const offsets = backend.queries().slice(before).map((q) => q.offset);
    expect(offsets).toContain(50_000);
    expect(offsets.length).toBeLessThanOrEqual(4);
    for (const o of offsets) expect([49_900, 49_950, 50_000, 50_050]).toContain(o);
    const shown = bodyRows();
    expect(shown.length).toBeLessThan(40);
    // One run of rows around the position, and spacers as tall as the rest: the scrollbar matches 100 000 rows.
    await waitFor(() => expect(document.querySelector(".row-loading")).toBeNull());
    const indexes = bodyRows().map((r) => Number(r.getAttribute("aria-rowindex")));
    expect(indexes).toContain(50_002);
    indexes.forEach((index, k) => expect(index).toBe(indexes[0]! + k));
    const spacers = [...document.querySelectorAll<HTMLElement>(".row-spacer td")].map((td) => parseFloat(td.style.height));
    expect(spacers.reduce((a, b) => a + b, 0) + indexes.length * ROW_HEIGHT).toBe(100_000 * ROW_HEIGHT);

    await user.click(screen.getByRole("button", { name: "Model" })); // name desc
    await waitFor(() =>
      expect(backend.queries().find((q) => q.view.sort === "name" && q.view.dir === "desc")?.offset).toBe(0),
    );
    expect(box.scrollTop).toBe(0);
    expect(await screen.findByText("Model 100000")).toBeInTheDocument();
  });

  it("reading on past a page's last row keeps the rows still in view as they are, cells and all", async () => {
    mockBackend({}, { models: manyModels(100_000) });
    renderApp();
    expect(await screen.findByText("Model 000001")).toBeInTheDocument();
    const box = screen.getByRole("region", { name: "Models table, scrollable" });
    const rowAt = (index: number) => document.querySelector(`tr[aria-rowindex="${index + 2}"]`);
    // A window across pages 999 and 1000 ...
    box.scrollTop = (50_000 - 8) * ROW_HEIGHT;
    fireEvent.scroll(box);
    await waitFor(() => expect(within(rowAt(50_005) as HTMLElement).getByText("Model 050006")).toBeInTheDocument());
    await waitFor(() => expect(document.querySelector(".row-loading")).toBeNull());
    const cell = rowAt(50_005)?.querySelector("th");
    expect(cell).toBeTruthy();
    // ... then down until page 999 has left it (the header above the rows is 35 px): the row still in view is the
    // same row with the same cells, not rebuilt (rebuilding every row in view was the longest frame of a steady
    // scroll: BENCHMARKS.md, issue 17).
    box.scrollTop = (50_000 + 4) * ROW_HEIGHT + 40;
    fireEvent.scroll(box);
    await waitFor(() => expect(rowAt(49_999)).toBeNull());
    expect(rowAt(50_005)?.querySelector("th")).toBe(cell);
  });

  it("rows whose page is still loading are one placeholder as tall as those rows", async () => {
    const pending: Array<() => void> = [];
    const models = manyModels(1000);
    const backend = mockBackend(
      {
        query_models: (args) => {
          const { offset, limit } = (args as { request: { offset: number; limit: number } }).request;
          const page = { models: models.slice(offset, offset + limit), offset, total: models.length, timestamp: new Date().toISOString() };
          return offset === 0 ? page : new Promise((resolve) => pending.push(() => resolve(page)));
        },
      },
      { models },
    );
    renderApp();
    expect(await screen.findByText("Model 000001")).toBeInTheDocument();
    const box = screen.getByRole("region", { name: "Models table, scrollable" });
    box.scrollTop = 500 * ROW_HEIGHT;
    fireEvent.scroll(box);
    await waitFor(() => expect(backend.queries().some((q) => q.offset === 500)).toBe(true));
    const loading = box.querySelectorAll<HTMLTableRowElement>("tr.row-loading");
    expect(loading).toHaveLength(1);
    const height = parseInt(loading[0]?.querySelector("td")?.style.height ?? "", 10);
    expect(height % ROW_HEIGHT).toBe(0);
    expect(height / ROW_HEIGHT).toBeGreaterThan(10);
    // The window straddles the pages that start at rows 450 and 500: both were asked for, and once the window
    // rested their neighbours; nothing else (offset 50 is the page prefetched below the first window).
    await waitFor(() => expect(backend.queries().some((q) => q.offset === 550)).toBe(true));
    expect(
      backend
        .queries()
        .map((q) => q.offset)
        .filter((o) => o > PAGE_SIZE)
        .sort((a, b) => a - b),
    ).toEqual([400, 450, 500, 550]);
    for (const release of pending) release();
    expect(await screen.findByText("Model 000501")).toBeInTheDocument();
    expect(box.querySelectorAll("tr.row-loading")).toHaveLength(0);
  });
});

describe("models table: a window that jumps", () => {
  it("fetches nothing for the rows it flies past, only where it comes to rest", async () => {
    const backend = mockBackend({}, { models: manyModels(100_000) });
    renderApp();
    expect(await screen.findByText("Model 000001")).toBeInTheDocument();
    const box = screen.getByRole("region", { name: "Models table, scrollable" });
    await waitFor(() => expect(backend.queries().some((q) => q.offset === PAGE_SIZE)).toBe(true));
    const before = backend.queries().length;
    // A scrollbar drag: five positions, each rendered, all within one task, so no rest between them.
    for (const row of [10_000, 20_000, 30_000, 40_000, 60_000]) {
      box.scrollTop = row * ROW_HEIGHT;
      fireEvent.scroll(box);
    }
    expect(box.querySelectorAll("tr.row-loading").length).toBeGreaterThan(0);
    expect(await screen.findByText("Model 060001")).toBeInTheDocument();
    const offsets = backend.queries().slice(before).map((q) => q.offset);
    for (const o of offsets) expect(o).toBeGreaterThanOrEqual(59_900);
  });
});

describe("models table: after a change", () => {
  it("an action refetches the pages on screen, the frameworks and the summary", async () => {
    const backend = mockBackend({
      promote_model: () => ({
        model: { ...model3, status: "staging" },
        from: "development",
        to: "staging",
        message: "promoted",
      }),
    });
    const { user } = renderApp();
    await waitFor(() => expect(bodyRows()).toHaveLength(4));
    await waitFor(() => expect(backend.callsOf("list_frameworks")).toHaveLength(1));
    const counts = () => ["query_models", "list_frameworks", "get_summary"].map((c) => backend.callsOf(c).length);
    const [pages, frameworks, summaries] = counts();

    await user.click(screen.getByRole("button", { name: `View details of ${model3.name}` }));
    const dialog = await screen.findByRole("dialog", { name: model3.name });
    await user.click(await within(dialog).findByRole("button", { name: "Promote to Staging" }));
    await waitFor(() => expect(backend.callsOf("promote_model")).toHaveLength(1));
    await waitFor(() => expect(counts()).toEqual([pages! + 1, frameworks! + 1, summaries! + 1]));
    expect(backend.queries().at(-1)).toEqual(backend.queries()[0]);
  });
});
