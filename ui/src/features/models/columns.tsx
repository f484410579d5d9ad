// The models table's columns: TanStack Table column definitions. Column ids are the SortKey Rust sorts by.
import { createColumnHelper, rowSortingFeature, tableFeatures } from "@tanstack/react-table";
import type { Model } from "../../bindings/Model";
import type { SortKey } from "../../bindings/SortKey";
import { Badge, StatusBadge } from "../../components/Badge";
import { MlflowBadge, UnknownMetric } from "../team/remoteBits";
import { formatNumber, fractionPct, ms, pct, relative, utc } from "../../lib/format";

export const features = tableFeatures({ rowSortingFeature });

const helper = createColumnHelper<typeof features, Model>();

/** Markup details the renderer needs: the cell's class and the header's tooltip. */
export interface ColumnLook {
  className?: string;
  title?: string;
}

export const COLUMN_LOOK: Record<string, ColumnLook> = {
  name: { className: "col-name" },
  version: { className: "col-version" },
  status: { className: "col-status" },
  accuracy: { className: "num" },
  latency: { className: "num" },
  throughput: { className: "num", title: "Throughput, requests per second" },
  uptime: { className: "num" },
  framework: { className: "col-framework" },
  size: { className: "num" },
  aiConfidence: { className: "num" },
  errorRate: { className: "num" },
  deployedAt: { className: "col-time" },
  lastTestedAt: { className: "col-test" },
  actions: { className: "col-action" },
};

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
  helper.accessor("version", { id: "version" satisfies SortKey, header: "Version", cell: (c) => <span className="mono">{c.getValue()}</span> }),
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

function LastTestCell({ model }: { model: Model }) {
  return (
    <>
      <LastTest model={model} />
      {model.lastTestedAt ? (
        <>
          {" "}
          <time className="muted small" dateTime={model.lastTestedAt} title={utc(model.lastTestedAt)}>
            {relative(model.lastTestedAt)}
          </time>
        </>
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
