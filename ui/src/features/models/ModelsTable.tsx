import { memo, useEffect, useLayoutEffect, useMemo, useState, type KeyboardEvent, type ReactNode } from "react";
import { useQueryClient } from "@tanstack/react-query";
import { flexRender, functionalUpdate, useTable, type SortingState } from "@tanstack/react-table";
import { useVirtualizer } from "@tanstack/react-virtual";
import { ArrowDown, ArrowUp, ChevronRight } from "lucide-react";
import type { Model } from "../../bindings/Model";
import type { ModelPage } from "../../bindings/ModelPage";
import type { ModelView } from "../../bindings/ModelView";
import type { SortDir } from "../../bindings/SortDir";
import type { SortKey } from "../../bindings/SortKey";
import { Button } from "../../components/Button";
import { modelKeys } from "../../queries";
import { ACTIONS_COLUMN, COLUMN_COUNT, COLUMN_LOOK, TABLE_MIN_WIDTH, columns, features } from "./columns";
import { isFiltered, viewHash } from "./view";
import { EmptyRegistry } from "../first-run/EmptyRegistry";
import { useModelWindow } from "./useModelWindow";

/** Every body row has this height (px); app.css sets the same on `.models-table tbody tr`. */
export const ROW_HEIGHT = 52;
/** The sticky header row above the rows, inside the same scroll box (px, approximate). */
const HEADER_HEIGHT = 35;
/**
 * The virtualizer's items are blocks of this many rows, not single rows: it keeps an offset, a size and a key per
 * item, 2.4 MB for 100 000 rows, and the app used ~3 MB more memory after scrolling (BENCHMARKS.md, issue 17).
 * The rows themselves are fixed-height, so a block's rows and the spacers around them are plain arithmetic.
 */
const ROWS_PER_BLOCK = 4;
/** Blocks rendered beyond each edge of the visible ones: 4 to 7 rows. */
const OVERSCAN_BLOCKS = 1;

const PAINTED_MARK = "modelops:table-painted";

/** Startup benchmarks read this mark: set once per page, the first time the table shows rows. */
function markTablePainted() {
  if (typeof performance === "undefined" || typeof performance.mark !== "function") return;
  if (performance.getEntriesByName(PAINTED_MARK, "mark").length > 0) return;
  performance.mark(PAINTED_MARK);
}

const NO_MODELS: Model[] = [];

interface ModelsTableProps {
  view: ModelView;
  /** The view's first page: its `total` sizes the table. May still be the previous view's while loading. */
  head: ModelPage;
  /** `head` belongs to the previous view (the new one is loading). */
  stale: boolean;
  onSort: (sort: SortKey, dir: SortDir) => void;
  onView: (model: Model) => void;
  onClearFilters: () => void;
  /** With both, an empty registry shows the first-run empty state (EmptyRegistry) instead of the table. */
  onRegister?: () => void;
  onImport?: () => void;
}

/**
 * The models table: a real <table> whose body renders only the rows in view (TanStack Virtual), fetched a
 * page at a time (pages of PAGE_SIZE rows) for the current view. Rust sorts and filters; the header only
 * changes the view.
 */
export function ModelsTable({ view, head, stale, onSort, onView, onClearFilters, onRegister, onImport }: ModelsTableProps) {
  // State, not a ref: the rows' virtualizer must re-render once the scroll box exists.
  const [scrollEl, setScrollEl] = useState<HTMLDivElement | null>(null);
  const sorting = useMemo<SortingState>(() => [{ id: view.sort, desc: view.dir === "desc" }], [view.sort, view.dir]);
  const table = useTable({
    features,
    columns,
    data: NO_MODELS,
    state: { sorting },
    onSortingChange: (updater) => {
      const next = functionalUpdate(updater, sorting)[0];
      if (next) onSort(next.id as SortKey, next.desc ? "desc" : "asc");
    },
    manualSorting: true,
    enableMultiSort: false,
    enableSortingRemoval: false,
    sortDescFirst: false,
  });

  // A new view starts at the top. At the top already (the usual case), the same rows update their cells in
  // place, which is cheaper than a new body (BENCHMARKS.md, "View changes at 100 000 models"). Scrolled down,
  // the body is rebuilt, with a virtualizer that starts at offset 0: resetting a live one's offset waits for a
  // scroll event, and until then it would show the new view's rows at the old position.
  const hash = viewHash(view);
  const [body, setBody] = useState({ hash, key: 0 });
  if (body.hash !== hash) setBody({ hash, key: scrollEl && scrollEl.scrollTop > 0 ? body.key + 1 : body.key });

  // Nothing in the registry at all (not a filter that matches nothing): what to do first, not an empty grid.
  if (head.total === 0 && !stale && !isFiltered(view) && onRegister && onImport) {
    return <EmptyRegistry onRegister={onRegister} onImport={onImport} />;
  }

  return (
    <div
      ref={setScrollEl}
      className="table-wrap"
      tabIndex={0}
      role="region"
      aria-label="Models table, scrollable"
      aria-busy={stale || undefined}
      onKeyDown={moveBetweenRows}
    >
      <table
        className={`models-table${stale ? " is-stale" : ""}`}
        style={{ minWidth: TABLE_MIN_WIDTH }}
        aria-label="Models"
        aria-rowcount={head.total + 1}
      >
        <colgroup>
          {columns.map((c) => {
            const width = c.id ? COLUMN_LOOK[c.id]?.width : undefined;
            return <col key={c.id} style={width ? { width } : undefined} />;
          })}
        </colgroup>
        <thead>
          {table.getHeaderGroups().map((group) => (
            <tr key={group.id} aria-rowindex={1}>
              {group.headers.map((header) => {
                const column = header.column;
                const look = COLUMN_LOOK[column.id] ?? {};
                if (!column.getCanSort()) {
                  return (
                    <th key={header.id} scope="col" className={look.className}>
                      <span className="sr-only">Actions</span>
                    </th>
                  );
                }
                const sorted = column.getIsSorted();
                const Arrow = sorted === "asc" ? ArrowUp : sorted === "desc" ? ArrowDown : null;
                return (
                  <th
                    key={header.id}
                    scope="col"
                    className={look.className}
                    title={look.title}
                    aria-sort={sorted === "asc" ? "ascending" : sorted === "desc" ? "descending" : undefined}
                  >
                    <button type="button" className="sort-btn" onClick={column.getToggleSortingHandler()}>
                      <span className="sort-label">
                        <table.FlexRender header={header} />
                      </span>
                      {Arrow ? <Arrow size={11} aria-hidden="true" className="sort-icon" /> : null}
                    </button>
                  </th>
                );
              })}
            </tr>
          ))}
        </thead>
        {head.total === 0 ? (
          <tbody>
            <tr className="row-empty">
              <td colSpan={COLUMN_COUNT}>
                {isFiltered(view) ? (
                  <div className="empty" role="status">
                    <p>No models match the search and filters.</p>
                    <Button size="sm" onClick={onClearFilters}>
                      Clear filters
                    </Button>
                  </div>
                ) : (
                  <p className="empty">No models in the registry yet.</p>
                )}
              </td>
            </tr>
          </tbody>
        ) : (
          <ModelRows key={body.key} view={view} head={head} scrollEl={scrollEl} onView={onView} />
        )}
      </table>
    </div>
  );
}

/**
 * Up/Down on a row's Details button moves to the next row's: Tab alone walks past every header first. Only rendered
 * rows are reachable this way, which is enough: the virtualizer renders rows beyond the edges (overscan), and
 * focusing one scrolls it into view, which brings in the rows after it.
 */
function moveBetweenRows(e: KeyboardEvent<HTMLDivElement>) {
  if ((e.key !== "ArrowDown" && e.key !== "ArrowUp") || e.altKey || e.ctrlKey || e.metaKey || e.shiftKey) return;
  if (!(e.target instanceof HTMLElement) || !e.target.matches("[data-row-view]")) return;
  const row = e.target.closest("tr");
  const next = e.key === "ArrowDown" ? row?.nextElementSibling : row?.previousElementSibling;
  const target = next?.querySelector<HTMLElement>("[data-row-view]");
  if (!target) return;
  e.preventDefault();
  target.focus();
}

interface ModelRowsProps {
  view: ModelView;
  head: ModelPage;
  scrollEl: HTMLDivElement | null;
  onView: (model: Model) => void;
}

function ModelRows({ view, head, scrollEl, onView }: ModelRowsProps) {
  const qc = useQueryClient();
  // Before the virtualizer reads the offset (its layout effect comes later): a new body starts at the top.
  useLayoutEffect(() => {
    if (scrollEl) scrollEl.scrollTop = 0;
  }, [scrollEl]);
  const hash = viewHash(view);

  const total = head.total;
  // eslint-disable-next-line react-hooks/incompatible-library -- the virtualizer re-renders this component itself.
  const virtualizer = useVirtualizer({
    count: Math.ceil(total / ROWS_PER_BLOCK),
    getScrollElement: () => scrollEl,
    // The last block may hold fewer rows; only the spacers below use the size of the whole, and they count rows.
    estimateSize: () => ROW_HEIGHT * ROWS_PER_BLOCK,
    overscan: OVERSCAN_BLOCKS,
    paddingStart: HEADER_HEIGHT,
    initialRect: { width: 0, height: ROW_HEIGHT * 12 },
  });
  const blocks = virtualizer.getVirtualItems();
  // The rows `firstRow ..< endRow` of the blocks in the window.
  const firstRow = (blocks[0]?.index ?? 0) * ROWS_PER_BLOCK;
  const endRow = Math.min(total, ((blocks.at(-1)?.index ?? -1) + 1) * ROWS_PER_BLOCK);
  // The loaded rows of the window, with their absolute indexes (page 0 falls back on the head: dimmed while stale).
  const loaded = useModelWindow(view, head, firstRow, endRow - 1);
  const error = loaded.error;

  // Only the rows in view go through the table's row model. Given every loaded row of the window's pages (up to
  // 100), it built them all again each time the window crossed into a page: the longest frames of a steady
  // scroll (BENCHMARKS.md, issue 17). Unchanged rows still skip rendering: ModelRow compares the models.
  const modelAt = new Map(loaded.indexes.map((index, k) => [index, loaded.models[k]] as const));
  const inView: Model[] = [];
  const inViewIndexes: number[] = [];
  for (let index = firstRow; index < endRow; index++) {
    const m = modelAt.get(index);
    if (m) {
      inView.push(m);
      inViewIndexes.push(index);
    }
  }
  const body = useTable({ features, columns, data: inView, manualSorting: true });
  const rows = body.getRowModel().rows;
  const rowAt = new Map(rows.map((row, k) => [inViewIndexes[k], row] as const));

  const hasRows = rows.length > 0;
  useEffect(() => {
    if (hasRows) requestAnimationFrame(markTablePainted);
  }, [hasRows]);

  const padTop = firstRow * ROW_HEIGHT;
  const padBottom = endRow > firstRow ? (total - endRow) * ROW_HEIGHT : 0;
  // Rows whose page is still loading are drawn as one placeholder per run of them, not one skeleton row each:
  // while the scrollbar is dragged most frames land on rows not loaded yet, and a single cell is cheap to lay
  // out and paint (BENCHMARKS.md, issue 4).
  const out: ReactNode[] = [];
  let missing: number[] = [];
  let errorShown = false;
  const flushMissing = () => {
    const start = missing[0];
    if (start === undefined) return;
    if (error && !errorShown) {
      errorShown = true;
      out.push(
        <tr key={`error-${start}`} className="row-error" aria-rowindex={start + 2}>
          <td colSpan={COLUMN_COUNT}>
            <div className="inline-error" role="alert">
              <span>Couldn&apos;t load these models: {error.message}</span>
              <Button size="sm" onClick={() => void qc.refetchQueries({ queryKey: modelKeys.pages(), type: "active" })}>
                Retry
              </Button>
            </div>
          </td>
        </tr>,
      );
      if (missing.length > 1) out.push(<LoadingRows key={`loading-${start + 1}`} rows={missing.length - 1} />);
    } else {
      out.push(<LoadingRows key={`loading-${start}`} rows={missing.length} />);
    }
    missing = [];
  };
  for (let index = firstRow; index < endRow; index++) {
    const row = rowAt.get(index);
    if (!row) {
      missing.push(index);
      continue;
    }
    flushMissing();
    // Keyed by position: a new view's row at the same place reuses the element and updates its text.
    out.push(<ModelRow key={index} row={row} index={index} onView={onView} />);
  }
  flushMissing();

  return (
    // data-view says which view the rows are of, for the view-change benchmark (view_bench.rs).
    <tbody data-view={hash}>
      {padTop > 0 ? <Spacer height={padTop} /> : null}
      {out}
      {padBottom > 0 ? <Spacer height={padBottom} /> : null}
    </tbody>
  );
}

type BodyRow = ReturnType<ReturnType<typeof useTable<typeof features, Model>>["getRowModel"]>["rows"][number];

/**
 * One model's row. The row objects are rebuilt whenever the window moves, but the model inside comes from the
 * query cache and stays the same object while its page's data does: compare that, so that a scroll re-renders
 * only the rows that came into view.
 */
const ModelRow = memo(function ModelRow({
  row,
  index,
  onView,
}: {
  row: BodyRow;
  index: number;
  onView: (model: Model) => void;
}) {
  const m = row.original;
  return (
    <tr className={m.status === "archived" ? "row-archived" : undefined} aria-rowindex={index + 2}>
      {row.getAllCells().map((cell) => {
        const id = cell.column.id;
        const className = COLUMN_LOOK[id]?.className;
        if (id === "name") {
          return (
            <th key={cell.id} scope="row" className={className}>
              {flexRender(cell.column.columnDef.cell, cell.getContext())}
            </th>
          );
        }
        if (id === ACTIONS_COLUMN) {
          return (
            <td key={cell.id} className={className}>
              {/* An icon, so that every column fits the default window; its name and tooltip say Details. */}
              <button
                type="button"
                className="btn btn-ghost btn-sm btn-icon row-view"
                data-row-view
                aria-label={`View details of ${m.name}`}
                title="Details"
                onClick={() => onView(m)}
              >
                <ChevronRight size={16} aria-hidden="true" />
              </button>
            </td>
          );
        }
        return (
          <td key={cell.id} className={className}>
            {flexRender(cell.column.columnDef.cell, cell.getContext())}
          </td>
        );
      })}
    </tr>
  );
}, (a, b) => a.row.original === b.row.original && a.index === b.index && a.onView === b.onView);

/** `rows` rows whose page is loading: one cell as tall as they are, striped like empty rows. */
function LoadingRows({ rows }: { rows: number }) {
  return (
    <tr className="row-loading" aria-hidden="true">
      <td colSpan={COLUMN_COUNT} style={{ height: rows * ROW_HEIGHT }} />
    </tr>
  );
}

/** Stands in for the rows outside the window, so the scrollbar matches the whole view. */
function Spacer({ height }: { height: number }) {
  return (
    <tr className="row-spacer" aria-hidden="true">
      <td colSpan={COLUMN_COUNT} style={{ height }} />
    </tr>
  );
}

/** Placeholder rows while the first page loads. */
export function ModelsTableSkeleton() {
  return (
    <div className="table-wrap" aria-busy="true" aria-label="Loading models">
      <div className="skeleton-table" role="status">
        <span className="sr-only">Loading models…</span>
        {Array.from({ length: 5 }, (_, i) => (
          <div key={i} className="skeleton-row" aria-hidden="true">
            <span className="skeleton skeleton-line wide" />
            <span className="skeleton skeleton-line" />
            <span className="skeleton skeleton-line" />
            <span className="skeleton skeleton-line" />
          </div>
        ))}
      </div>
    </div>
  );
}
