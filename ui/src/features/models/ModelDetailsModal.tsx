import { useId, useState } from "react";
import { X } from "lucide-react";
import type { Model } from "../../bindings/Model";
import type { ModelDetails } from "../../bindings/ModelDetails";
import type { TestRun } from "../../bindings/TestRun";
import { Badge, StatusBadge } from "../../components/Badge";
import { Button } from "../../components/Button";
import { Modal } from "../../components/Modal";
import { Spinner } from "../../components/Spinner";
import {
  eventSentence,
  formatNumber,
  fractionPct,
  METRIC_LABEL,
  metricValue,
  ms,
  pct,
  relative,
  sentenceShowsDetail,
  utc,
} from "../../lib/format";
import { useModelDetails } from "../../queries";
import { ModelActions } from "./ModelActions";

interface Props {
  /** The row the user opened: shown at once, replaced by fresh details when they arrive. */
  model: Model;
  onClose: () => void;
}

export function ModelDetailsModal({ model: fromList, onClose }: Props) {
  const titleId = useId();
  const details = useModelDetails(fromList.id);
  const [lastRun, setLastRun] = useState<TestRun | null>(null);
  const model = details.data?.model ?? fromList;

  return (
    <Modal labelledBy={titleId} onClose={onClose} className="modal-details">
      <header className="modal-header">
        <div>
          <h2 id={titleId} className="modal-title">
            {model.name}
          </h2>
          <p className="modal-subtitle">
            <span className="mono">{model.id}</span> · version <span className="mono">{model.version}</span> ·{" "}
            <StatusBadge status={model.status} />
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
        <button type="button" className="icon-btn" aria-label="Close details" onClick={onClose}>
          <X size={18} aria-hidden="true" />
        </button>
      </header>

      <div className="modal-body">
        <ModelActions model={model} abTests={details.data?.abTests ?? []} onTested={setLastRun} />

        {lastRun ? <TestRunResult run={lastRun} heading="Latest test result" highlight /> : null}

        <section className="detail-section" aria-labelledby={`${titleId}-metrics`}>
          <h3 id={`${titleId}-metrics`}>Current version</h3>
          <dl className="facts">
            <Fact label="Accuracy" value={fractionPct(model.accuracy, 1)} />
            <Fact label="Latency" value={ms(model.latency)} />
            <Fact label="Throughput" value={`${formatNumber(model.throughput)} req/s`} />
            <Fact label="Uptime" value={pct(model.uptime, 2)} />
            <Fact label="AI confidence" value={fractionPct(model.aiConfidence, 1)} />
            <Fact label="Error rate" value={fractionPct(model.errorRate, 2)} />
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
    </Modal>
  );
}

function Fact({ label, value, title }: { label: string; value: string; title?: string }) {
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
        <div className="subtable-wrap">
          <table className="subtable">
            <thead>
              <tr>
                <th scope="col">Version</th>
                <th scope="col" className="num">Accuracy</th>
                <th scope="col" className="num">Latency</th>
                <th scope="col" className="num">Error rate</th>
                <th scope="col" className="num">Uptime</th>
                <th scope="col" className="num">Size</th>
                <th scope="col">Registered</th>
              </tr>
            </thead>
            <tbody>
              {details.versions.map((v) => (
                <tr key={v.version} className={v.isCurrent ? "row-current" : undefined}>
                  <th scope="row" className="mono">
                    {v.version} {v.isCurrent ? <Badge tone="current">Current</Badge> : null}
                  </th>
                  <td className="num">{fractionPct(v.accuracy, 1)}</td>
                  <td className="num">{ms(v.latency)}</td>
                  <td className="num">{fractionPct(v.errorRate, 2)}</td>
                  <td className="num">{pct(v.uptime, 2)}</td>
                  <td className="num">{v.size}</td>
                  <td>
                    <time dateTime={v.createdAt} title={utc(v.createdAt)}>
                      {relative(v.createdAt)}
                    </time>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>

      <section className="detail-section" aria-labelledby={`${idPrefix}-tests`}>
        <h3 id={`${idPrefix}-tests`}>Test runs</h3>
        {details.testRuns.length === 0 ? (
          <p className="muted">No test run yet. Run Tests checks the current version against the thresholds above.</p>
        ) : (
          details.testRuns.map((run) => <TestRunResult key={run.id} run={run} />)
        )}
      </section>

      <section className="detail-section" aria-labelledby={`${idPrefix}-ab`}>
        <h3 id={`${idPrefix}-ab`}>A/B tests</h3>
        {details.abTests.length === 0 ? (
          <p className="muted">Not in any A/B test.</p>
        ) : (
          <ul className="plain-list">
            {details.abTests.map((ab) => (
              <li key={ab.id}>
                <span className={`badge badge-${ab.status === "running" ? "running" : "neutral"}`}>
                  {ab.status === "running" ? "Running" : "Stopped"}
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
  const ok = run.passed === run.total;
  return (
    <div className={`test-run${highlight ? " test-run-highlight" : ""}`}>
      <div className="test-run-head">
        {heading ? <h3 className="test-run-heading">{heading}</h3> : null}
        <span className={`test-pill ${ok ? "test-pass" : "test-fail"}`}>
          {run.passed}/{run.total} passed
        </span>
        <span>{Math.round(run.successRate * 100)}% success rate</span>
        <span className="muted">
          version <span className="mono">{run.version}</span> ·{" "}
          <time dateTime={run.runAt} title={utc(run.runAt)}>
            {relative(run.runAt)}
          </time>
        </span>
      </div>
      <table className="subtable checks">
        <thead>
          <tr>
            <th scope="col">Check</th>
            <th scope="col" className="num">Observed</th>
            <th scope="col" className="num">Rule</th>
            <th scope="col">Result</th>
          </tr>
        </thead>
        <tbody>
          {run.checks.map((c) => (
            <tr key={c.metric}>
              <th scope="row">{METRIC_LABEL[c.metric]}</th>
              <td className="num">{metricValue(c.metric, c.observed)}</td>
              <td className="num">
                {c.comparator} {metricValue(c.metric, c.threshold)}
              </td>
              <td>
                <span className={`check ${c.passed ? "check-pass" : "check-fail"}`}>{c.passed ? "✓ Pass" : "✕ Fail"}</span>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
