import { useState } from "react";
import type { MetricHistory } from "../../bindings/MetricHistory";
import { Button } from "../../components/Button";
import { Spinner } from "../../components/Spinner";
import { formatNumber } from "../../lib/format";
import { useMetricHistory } from "../../queries";
import { AcrossVersionsChart, OverTimeChart } from "./MetricChart";
import { acrossVersions, METRIC_SPECS, overTime, versionColors, versionOrder } from "./series";

type View = "time" | "versions";

const VIEWS: ReadonlyArray<{ view: View; label: string }> = [
  { view: "time", label: "Over time" },
  { view: "versions", label: "Across versions" },
];

/** The details modal's "Metrics" section: each metric over time or across versions, from get_metric_history. */
export function MetricsSection({ modelId, headingId }: { modelId: string; headingId: string }) {
  const history = useMetricHistory(modelId);
  return (
    <section className="detail-section metrics-section" aria-labelledby={headingId}>
      <h3 id={headingId}>Metrics</h3>
      {history.isPending ? (
        <p className="muted loading-line">
          <Spinner /> Loading metric history…
        </p>
      ) : history.isError ? (
        <div className="inline-error" role="alert">
          <p>Couldn&apos;t load the metric history: {history.error.message}</p>
          <Button size="sm" onClick={() => void history.refetch()}>
            Retry
          </Button>
        </div>
      ) : (
        <MetricCharts history={history.data} />
      )}
    </section>
  );
}

export function MetricCharts({ history }: { history: MetricHistory }) {
  const [view, setView] = useState<View>("time");
  if (history.points.length === 0 && history.latestByVersion.length === 0) {
    return <p className="muted">No metric history yet. Registering, importing and testing a version record its metrics.</p>;
  }
  const colors = versionColors(versionOrder(history));
  return (
    <>
      <div className="metrics-toolbar">
        <div className="segmented" role="group" aria-label="Chart metrics">
          {VIEWS.map((v) => (
            <button
              key={v.view}
              type="button"
              className="segmented-btn"
              aria-pressed={view === v.view}
              onClick={() => setView(v.view)}
            >
              {v.label}
            </button>
          ))}
        </div>
        <ul className="version-legend" aria-label="Version colours">
          {[...colors].map(([version, color]) => (
            <li key={version}>
              {/* An inline style set through React (CSSOM), which the style-src 'self' CSP allows. */}
              <span className="legend-swatch" style={{ background: color }} aria-hidden="true" />
              <span className="mono">{version}</span>
            </li>
          ))}
        </ul>
      </div>
      {history.total > history.points.length ? (
        <p className="muted metrics-note">
          Showing the newest {formatNumber(history.points.length)} of {formatNumber(history.total)} recorded points; the
          values per version include every recording.
        </p>
      ) : null}
      <div className="metrics-grid">
        {METRIC_SPECS.map((spec) =>
          view === "time" ? (
            <OverTimeChart key={spec.metric} spec={spec} series={overTime(history, spec, colors)} />
          ) : (
            <AcrossVersionsChart key={spec.metric} spec={spec} values={acrossVersions(history, spec, colors)} />
          ),
        )}
      </div>
    </>
  );
}
