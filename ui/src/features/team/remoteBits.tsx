import { UNKNOWN_METRICS_TITLE } from "./team";

/** Beside a shared model's name: it belongs to the team's MLflow server (named in the title). */
export function MlflowBadge({ server }: { server: string }) {
  return (
    <span className="badge badge-mlflow" title={`Shared with the team's MLflow server ${server}`} data-testid="mlflow-badge">
      MLflow
    </span>
  );
}

/** In place of a metric the MLflow run never logged. */
export function UnknownMetric() {
  return (
    <span className="metric-unknown" role="img" title={UNKNOWN_METRICS_TITLE} aria-label={UNKNOWN_METRICS_TITLE}>
      —
    </span>
  );
}
