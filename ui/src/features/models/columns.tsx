// The models table's columns: TanStack Table column definitions. Column ids are the SortKey Rust sorts by.
import { createColumnHelper, rowSortingFeature, tableFeatures } from "@tanstack/react-table";
import type { Model } from "../../bindings/Model";
import type { SortKey } from "../../bindings/SortKey";
import { Badge, StatusBadge } from "../../components/Badge";
import { MlflowBadge, UnknownMetric } from "../team/remoteBits";
import { formatNumber, fractionPct, ms, pct, relative, utc } from "../../lib/format";

export const features = tableFeatures({ rowSortingFeature });

const helper = createColumnHelper<typeof features, Model>();

/** Markup details the renderer needs: the cell's class, the header's tooltip and the column's width. */
export interface ColumnLook {
  className?: string;
  title?: string;
  /**
   * The column's width in px, padding included. The table lays out with `table-layout: fixed`, so widths come
   * from here and never from the cells: a sort's arrow or a new page of longer values can't move them, and a
   * new view does not relayout the body. Each fits its header with the sort arrow and the values it shows
   * (measured in the real window); a longer value is cut with an ellipsis and has its full text in a title.
   * The name column has none: it takes what is left, at least NAME_MIN_WIDTH.
   */
  width?: number;
}

export const COLUMN_LOOK: Record<string, ColumnLook> = {
  name: { className: "col-name" },
  version: { className: "col-version", width: 72 },
  status: { className: "col-status", width: 116 },
  accuracy: { className: "num", width: 84 },
  latency: { className: "num", width: 72 },
  throughput: { className: "num", title: "Throughput, requests per second", width: 60 },
  uptime: { className: "num", width: 68 },
  framework: { className: "col-framework", width: 92 },
  size: { className: "num", width: 66 },
  aiConfidence: { className: "num", width: 70 },
  errorRate: { className: "num", width: 84 },
  deployedAt: { className: "col-time", width: 100 },
  lastTestedAt: { className: "col-test", width: 96 },
  actions: { className: "col-action", width: 44 },
};

/**
 * The name column's least width: with the others (1 024 px) the table is at least 1 186 px wide, which fits the
 * models panel of the default 1280 px window, so every column shows without scrolling sideways. A narrower
 * window scrolls the table sideways, the name and the row's button staying in place.
 */
export const NAME_MIN_WIDTH = 162;

export const TABLE_MIN_WIDTH = Object.values(COLUMN_LOOK).reduce((sum, look) => sum + (look.width ?? 0), NAME_MIN_WIDTH);

export const ACTIONS_COLUMN = "actions";

/**
 * A metric cell: the value in its unit, or "—" when the model's current version came from a team server whose
 * run logged none of ModelOps' metrics (the stored numbers are placeholders, never shown).
 */
function metric(format: (value: number) => string) {
  function MetricCell({ row, getValue }: { row: { original: Model }; getValue: () => unknown }) {
    return row.original.metricsKnown ? format(getValue() as number) : <UnknownMetric />;
  }
  return MetricCell;
}

export const columns = helper.columns([
  helper.accessor("name", {
    id: "name" satisfies SortKey,
    header: "Model",
    cell: ({ row }) => <NameCell model={row.original} />,
  }),
  helper.accessor("version", {
    id: "version" satisfies SortKey,
    header: "Version",
    cell: (c) => (
      <span className="mono" title={c.getValue()}>
        {c.getValue()}
      </span>
    ),
  }),
  helper.accessor("status", { id: "status" satisfies SortKey, header: "Status", cell: (c) => <StatusBadge status={c.getValue()} /> }),
  helper.accessor("accuracy", { id: "accuracy" satisfies SortKey, header: "Accuracy", cell: metric((v) => fractionPct(v, 1)) }),
  helper.accessor("latency", { id: "latency" satisfies SortKey, header: "Latency", cell: metric(ms) }),
  helper.accessor("throughput", { id: "throughput" satisfies SortKey, header: "Req/s", cell: metric((v) => formatNumber(v)) }),
  helper.accessor("uptime", { id: "uptime" satisfies SortKey, header: "Uptime", cell: metric((v) => pct(v, 2)) }),
  helper.accessor("framework", { id: "framework" satisfies SortKey, header: "Framework", cell: (c) => c.getValue() }),
  helper.accessor("size", { id: "size" satisfies SortKey, header: "Size", cell: (c) => c.getValue() }),
  helper.accessor("aiConfidence", { id: "aiConfidence" satisfies SortKey, header: "AI conf.", cell: metric((v) => fractionPct(v, 1)) }),
  helper.accessor("errorRate", { id: "errorRate" satisfies SortKey, header: "Error rate", cell: metric((v) => fractionPct(v, 2)) }),
  helper.accessor("deployedAt", {
    id: "deployedAt" satisfies SortKey,
    header: "Deployed",
    cell: (c) => {
      const at = c.getValue();
      return at ? (
        <time dateTime={at} title={utc(at)}>
          {relative(at)}
        </time>
      ) : (
        <span className="muted">Never</span>
      );
    },
  }),
  helper.accessor("lastTestedAt", {
    id: "lastTestedAt" satisfies SortKey,
    header: "Last test",
    cell: ({ row }) => <LastTestCell model={row.original} />,
  }),
  helper.display({ id: ACTIONS_COLUMN, header: "Actions", enableSorting: false }),
]);

export const COLUMN_COUNT = columns.length;

function NameCell({ model: m }: { model: Model }) {
  return (
    <>
      <span className="model-name" title={m.name}>
        {m.name}
      </span>
      <span className="model-sub">
        <span className="mono">{m.id}</span>
        {m.teamServer ? <MlflowBadge server={m.teamServer} /> : null}
        {m.isDemo ? (
          <Badge tone="demo" title="Seed data: its metrics are illustrative, not measured.">
            Demo
          </Badge>
        ) : null}
      </span>
    </>
  );
}

/** The outcome above, when below: two lines, like the name's, so the column stays narrow. */
function LastTestCell({ model }: { model: Model }) {
  return (
    <>
      <span className="cell-line">
        <LastTest model={model} />
      </span>
      {model.lastTestedAt ? (
        <time className="cell-line muted small" dateTime={model.lastTestedAt} title={utc(model.lastTestedAt)}>
          {relative(model.lastTestedAt)}
        </time>
      ) : null}
    </>
  );
}

function LastTest({ model }: { model: Model }) {
  const t = model.lastTest;
  if (!t) return <span className="muted">Untested</span>;
  const ok = t.passed === t.total;
  const words = `${t.passed} of ${t.total} checks passed on version ${t.version}`;
  // A label, not an .sr-only child: WebKitGTK took ~10 ms per new row to lay out that clipped 1 px box, which
  // made every scroll step that brings in new rows cost ~230 ms (BENCHMARKS.md, issue 4).
  return (
    <span className={`test-pill ${ok ? "test-pass" : "test-fail"}`} role="img" aria-label={words} title={words}>
      <span aria-hidden="true">{ok ? "✓" : "✕"}</span> {t.passed}/{t.total}
    </span>
  );
}
