import { lazy, Suspense, useId, useState, type ReactNode } from "react";
import { ErrorBoundary } from "react-error-boundary";
import { PackagePlus, X } from "lucide-react";
import type { Model } from "../../bindings/Model";
import type { ModelDetails } from "../../bindings/ModelDetails";
import type { TestRun } from "../../bindings/TestRun";
import type { VersionInfo } from "../../bindings/VersionInfo";
import { Badge, StatusBadge } from "../../components/Badge";
import { Button } from "../../components/Button";
import { SectionFailed } from "../../components/ErrorFallbacks";
import { logShownError } from "../../api";
import { Modal } from "../../components/Modal";
import { Spinner } from "../../components/Spinner";
import {
  deploymentsText,
  eventSentence,
  formatBytes,
  formatNumber,
  fractionPct,
  ms,
  pct,
  relative,
  sentenceShowsDetail,
  shortDay,
  shortHash,
  utc,
} from "../../lib/format";
import { latestVersion } from "../../lib/semver";
import { useModelDetails } from "../../queries";
import { ChecksTable } from "../gates/checks";
import { QualityGatesSection } from "../gates/QualityGatesSection";
import { RunPill } from "../gates/TestRunsList";
import { RegisterDialog } from "../register/RegisterDialog";
import { ModelActions } from "./ModelActions";
import { MlflowBadge, UnknownMetric } from "../team/remoteBits";
import { RemoteSection } from "../team/RemoteSection";

// The charts (recharts with its d3 and redux parts) weigh as much JavaScript as the rest of the page: loaded when
// details first open, rather than parsed at every start of the app.
const MetricsSection = lazy(() => import("../metrics/MetricsSection").then((m) => ({ default: m.MetricsSection })));

interface Props {
  /** The row the user opened: shown at once, replaced by fresh details when they arrive. */
  model: Model;
  onClose: () => void;
}

export function ModelDetailsModal({ model: fromList, onClose }: Props) {
  const titleId = useId();
  const details = useModelDetails(fromList.id);
  const [lastRun, setLastRun] = useState<TestRun | null>(null);
  const [registering, setRegistering] = useState(false);
  const model = details.data?.model ?? fromList;
  const versions = details.data?.versions ?? [];
  // A new version must be greater than the greatest registered (after a rollback, not the current one).
  const latest = latestVersion([model.version, ...versions.map((v) => v.version)]) ?? model.version;

  return (
    <Modal labelledBy={titleId} onClose={onClose} className="modal-details">
      <div className="modal-header">
        <div>
          <h2 id={titleId} className="modal-title">
            {model.name}
          </h2>
          <p className="modal-subtitle">
            <span className="mono">{model.id}</span> · version <span className="mono">{model.version}</span> ·{" "}
            <StatusBadge status={model.status} />
            {model.teamServer ? (
              <>
                {" "}
                <MlflowBadge server={model.teamServer} />
              </>
            ) : null}
            {model.isDemo ? (
              <>
                {" "}
                <Badge tone="demo" title="Seed data: its metrics are illustrative, not measured.">
                  Demo data
                </Badge>
              </>
            ) : null}
          </p>
        </div>
        <div className="modal-header-actions">
          <Button
            size="sm"
            icon={<PackagePlus size={15} aria-hidden="true" />}
            aria-haspopup="dialog"
            disabled={model.status === "archived" || details.isPending}
            title={
              model.status === "archived"
                ? "Archived models are read-only."
                : details.isPending
                  ? "Loading the model's versions…"
                  : `A version greater than ${latest}`
            }
            onClick={() => setRegistering(true)}
          >
            Register new version
          </Button>
          <button type="button" className="icon-btn" aria-label="Close details" onClick={onClose}>
            <X size={18} aria-hidden="true" />
          </button>
        </div>
      </div>

      <div className="modal-body">
        <ModelActions model={model} abTests={details.data?.abTests ?? []} versions={versions} onTested={setLastRun} />

        {lastRun ? <TestRunResult run={lastRun} heading="Latest test result" highlight /> : null}

        <section className="detail-section" aria-labelledby={`${titleId}-metrics`}>
          <h3 id={`${titleId}-metrics`}>Current version</h3>
          <dl className="facts">
            <Fact label="Accuracy" value={known(model, fractionPct(model.accuracy, 1))} />
            <Fact label="Latency" value={known(model, ms(model.latency))} />
            <Fact label="Throughput" value={known(model, `${formatNumber(model.throughput)} req/s`)} />
            <Fact label="Uptime" value={known(model, pct(model.uptime, 2))} />
            <Fact label="AI confidence" value={known(model, fractionPct(model.aiConfidence, 1))} />
            <Fact label="Error rate" value={known(model, fractionPct(model.errorRate, 2))} />
            <Fact label="Framework" value={model.framework} />
            <Fact label="Size" value={model.size} />
            <Fact label="Deployed" value={model.deployedAt ? relative(model.deployedAt) : "Never"} title={utc(model.deployedAt)} />
            <Fact label="Last tested" value={model.lastTestedAt ? relative(model.lastTestedAt) : "Never"} title={utc(model.lastTestedAt)} />
            <Fact label="Previous version" value={model.previousVersion ?? "None"} />
            <Fact
              label="Last test"
              value={model.lastTest ? `${model.lastTest.passed}/${model.lastTest.total} passed` : "Untested"}
            />
          </dl>
        </section>

        <RemoteSection model={model} idPrefix={titleId} />

        {details.isPending ? (
          <p className="muted loading-line">
            <Spinner /> Loading history…
          </p>
        ) : details.isError ? (
          <div className="inline-error" role="alert">
            <p>Couldn&apos;t load this model&apos;s history: {details.error.message}</p>
            <Button size="sm" onClick={() => void details.refetch()}>
              Retry
            </Button>
          </div>
        ) : (
          <DetailsBody details={details.data} idPrefix={titleId} />
        )}
      </div>
      {registering ? (
        <RegisterDialog mode={{ kind: "version", model, latest }} onClose={() => setRegistering(false)} />
      ) : null}
    </Modal>
  );
}

/** A metric as shown, or "—" for a version from a team server whose run logged none of ModelOps' metrics. */
const known = (v: { metricsKnown: boolean }, shown: string): ReactNode => (v.metricsKnown ? shown : <UnknownMetric />);

function Fact({ label, value, title }: { label: string; value: ReactNode; title?: string }) {
  return (
    <div className="fact">
      <dt>{label}</dt>
      <dd title={title || undefined}>{value}</dd>
    </div>
  );
}

function DetailsBody({ details, idPrefix }: { details: ModelDetails; idPrefix: string }) {
  const t = details.thresholds;
  return (
    <>
      <section className="detail-section" aria-labelledby={`${idPrefix}-thresholds`}>
        <h3 id={`${idPrefix}-thresholds`}>Test thresholds</h3>
        <dl className="facts">
          <Fact label="Min accuracy" value={fractionPct(t.minAccuracy, 1)} />
          <Fact label="Max latency" value={ms(t.maxLatency)} />
          <Fact label="Max error rate" value={fractionPct(t.maxErrorRate, 2)} />
          <Fact label="Min uptime" value={pct(t.minUptime, 2)} />
          <Fact label="Min AI confidence" value={fractionPct(t.minAiConfidence, 1)} />
        </dl>
      </section>

      <section className="detail-section" aria-labelledby={`${idPrefix}-versions`}>
        <h3 id={`${idPrefix}-versions`}>Version history</h3>
        <VersionsTable versions={details.versions} />
      </section>

      <QualityGatesSection model={details.model} idPrefix={idPrefix} />

      <ErrorBoundary
        FallbackComponent={SectionFailed}
        resetKeys={[details.model.id]}
        onError={(error) => logShownError("A section of the model's details failed", undefined, error)}
      >
        <Suspense
          fallback={
            <p className="muted loading-line">
              <Spinner /> Loading charts…
            </p>
          }
        >
          <MetricsSection modelId={details.model.id} headingId={`${idPrefix}-history`} />
        </Suspense>
      </ErrorBoundary>


      <section className="detail-section" aria-labelledby={`${idPrefix}-ab`}>
        {/* Named apart from the page's own "A/B tests" region, which the dialog covers. */}
        <h3 id={`${idPrefix}-ab`}>
          A/B tests<span className="sr-only"> of {details.model.name}</span>
        </h3>
        {details.abTests.length === 0 ? (
          <p className="muted">Not in any A/B test.</p>
        ) : (
          <ul className="plain-list">
            {details.abTests.map((ab) => (
              <li key={ab.id}>
                <span className={`badge badge-${ab.status === "running" ? "running" : "neutral"}`}>
                  {ab.status === "running"
                    ? "Running"
                    : ab.status === "aborted"
                      ? "Aborted"
                      : `Concluded${ab.outcome === "aWins" ? ": A wins" : ab.outcome === "bWins" ? ": B wins" : ": inconclusive"}`}
                </span>{" "}
                {ab.modelAName} <span className="mono">{ab.versionA}</span> ({100 - ab.trafficSplit}%) vs{" "}
                {ab.modelBName} <span className="mono">{ab.versionB}</span> ({ab.trafficSplit}%){" "}
                <span className="muted" title={utc(ab.startedAt)}>
                  · started {relative(ab.startedAt)}
                </span>
              </li>
            ))}
          </ul>
        )}
      </section>

      <section className="detail-section" aria-labelledby={`${idPrefix}-events`}>
        <h3 id={`${idPrefix}-events`}>Recent events</h3>
        {details.events.length === 0 ? (
          <p className="muted">No events recorded.</p>
        ) : (
          <ol className="timeline">
            {details.events.map((e) => (
              <li key={e.id}>
                <span className="timeline-text">{eventSentence(e)}</span>
                {e.detail && !sentenceShowsDetail(e) ? <span className="muted"> — {e.detail}</span> : null}
                <time className="timeline-time" dateTime={e.at} title={utc(e.at)}>
                  {relative(e.at)}
                </time>
              </li>
            ))}
          </ol>
        )}
      </section>
    </>
  );
}

export function TestRunResult({ run, heading, highlight = false }: { run: TestRun; heading?: string; highlight?: boolean }) {
  return (
    <div className={`test-run${highlight ? " test-run-highlight" : ""}`}>
      <div className="test-run-head">
        {heading ? <h3 className="test-run-heading">{heading}</h3> : null}
        <RunPill run={run} />
        <span>{Math.round(run.successRate * 100)}% success rate</span>
        <span className="muted">
          version <span className="mono">{run.version}</span> ·{" "}
          <time dateTime={run.runAt} title={utc(run.runAt)}>
            {relative(run.runAt)}
          </time>
        </span>
      </div>
      <ChecksTable checks={run.checks} />
    </div>
  );
}

/** Every version, newest first: metrics, then a line with deployments, artifact, notes and tags. */
function VersionsTable({ versions }: { versions: readonly VersionInfo[] }) {
  return (
    <div className="subtable-wrap">
      <table className="subtable versions-table">
        <thead>
          <tr>
            <th scope="col">Version</th>
            <th scope="col">Framework</th>
            <th scope="col" className="num">Accuracy</th>
            <th scope="col" className="num">Latency</th>
            <th scope="col" className="num">Req/s</th>
            <th scope="col" className="num">Uptime</th>
            <th scope="col" className="num">AI conf.</th>
            <th scope="col" className="num">Error rate</th>
            <th scope="col" className="num">Size</th>
            <th scope="col">Registered</th>
          </tr>
        </thead>
        {versions.map((v) => (
          <tbody key={v.version} className={v.isCurrent ? "row-current" : undefined} data-version={v.version}>
            <tr>
              <th scope="row" className="mono">
                {v.version} {v.isCurrent ? <Badge tone="current">Current</Badge> : null}
              </th>
              <td>{v.framework}</td>
              <td className="num">{known(v, fractionPct(v.accuracy, 1))}</td>
              <td className="num">{known(v, ms(v.latency))}</td>
              <td className="num">{known(v, formatNumber(v.throughput))}</td>
              <td className="num">{known(v, pct(v.uptime, 2))}</td>
              <td className="num">{known(v, fractionPct(v.aiConfidence, 1))}</td>
              <td className="num">{known(v, fractionPct(v.errorRate, 2))}</td>
              <td className="num">{v.size}</td>
              <td>
                <time dateTime={v.createdAt} title={utc(v.createdAt)}>
                  {shortDay(v.createdAt)}
                </time>
              </td>
            </tr>
            <tr className="version-more">
              <td colSpan={10}>
                <VersionMore v={v} />
              </td>
            </tr>
          </tbody>
        ))}
      </table>
    </div>
  );
}

function VersionMore({ v }: { v: VersionInfo }) {
  const deployed = deploymentsText(v.deployments);
  return (
    <div className="version-more-line">
      <span className="version-deploys">
        <span className="muted">Deployed:</span>{" "}
        {deployed ? (
          <span title={v.deployments.map((d) => `${d.environment} ${utc(d.at)} (${d.action.replace("_", " ")})`).join("\n")}>
            {deployed}
          </span>
        ) : (
          <span className="muted">never</span>
        )}
      </span>
      {v.artifact ? (
        <span className="version-artifact">
          <span className="muted">Artifact:</span>{" "}
          <span className="mono artifact-path" title={v.artifact.path}>
            {v.artifact.path}
          </span>{" "}
          · {formatBytes(v.artifact.sizeBytes)} ·{" "}
          <span className="mono" title={`SHA-256 ${v.artifact.sha256}`}>
            sha256 {shortHash(v.artifact.sha256)}
          </span>
        </span>
      ) : null}
      {v.tags.length > 0 ? (
        <span className="version-tags">
          {v.tags.map((t) => (
            <span key={t.key} className="tag-chip">
              {t.key}
              {t.value ? <>={t.value}</> : null}
            </span>
          ))}
        </span>
      ) : null}
      {v.notes ? <span className="version-notes">{v.notes}</span> : null}
    </div>
  );
}
