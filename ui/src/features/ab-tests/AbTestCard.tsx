import { useId, useState, type FormEvent } from "react";
import { CheckCircle2, FileUp, Rocket, Square } from "lucide-react";
import type { AbTest } from "../../bindings/AbTest";
import type { AbTestAnalysis } from "../../bindings/AbTestAnalysis";
import { MAX_REASON_CHARS } from "../../bindings/limits";
import { Badge } from "../../components/Badge";
import { Button } from "../../components/Button";
import { ConfirmDialog } from "../../components/ConfirmDialog";
import { Modal } from "../../components/Modal";
import { Spinner } from "../../components/Spinner";
import { useToast } from "../../components/Toast";
import { relative, utc } from "../../lib/format";
import {
  useAbortAbTest,
  useAbTestAnalysis,
  useConcludeAbTest,
  useImportAbResults,
  useModelAction,
} from "../../queries";
import { configText, describeTest, OUTCOME_LABEL, thousands } from "./verdict";

/** The abort dialog's reason field, stable for the end-to-end tests. */
export const ABORT_REASON_ID = "ab-abort-reason";

const STATUS_TEXT: Record<AbTest["status"], string> = { running: "Running", concluded: "Concluded", aborted: "Aborted" };

export function abTestName(t: AbTest): string {
  return `${t.modelAName} vs ${t.modelBName}`;
}

/** One test: its models and split, the imported data per variant, the analysis in words, and its actions. */
export function AbTestCard({ test: t }: { test: AbTest }) {
  const name = abTestName(t);
  const hasResults = t.results.length > 0;
  const analysis = useAbTestAnalysis(t.id, hasResults);
  const headingId = useId();

  return (
    <li className="ab-item ab-card" data-ab-test-id={t.id} aria-labelledby={headingId}>
      <div className="ab-card-head">
        <div className="ab-models" id={headingId}>
          <span>
            <span className="ab-tag">A</span> {t.modelAName} <span className="mono muted">{t.versionA}</span>{" "}
            <strong className="num">{100 - t.trafficSplit}%</strong>
          </span>
          <span>
            <span className="ab-tag ab-tag-b">B</span> {t.modelBName} <span className="mono muted">{t.versionB}</span>{" "}
            <strong className="num">{t.trafficSplit}%</strong>
          </span>
        </div>
        <div className="ab-card-status">
          <Badge tone={t.status === "running" ? "running" : t.status === "concluded" ? "current" : "archived"}>
            {STATUS_TEXT[t.status]}
            {t.outcome ? `: ${OUTCOME_LABEL[t.outcome]}` : ""}
          </Badge>
          {t.results.some((r) => r.simulated) ? (
            <Badge tone="demo" title="The imported file says these numbers are simulated, not measured.">
              Simulated data
            </Badge>
          ) : null}
        </div>
      </div>
      <p className="muted small">
        Started <time dateTime={t.startedAt} title={utc(t.startedAt)}>{relative(t.startedAt)}</time>
        {t.endedAt ? (
          <>
            {" "}· {t.status === "concluded" ? "concluded" : "aborted"}{" "}
            <time dateTime={t.endedAt} title={utc(t.endedAt)}>{relative(t.endedAt)}</time>
          </>
        ) : null}
        {" · "}
        {configText(t)}
      </p>
      {t.abortReason ? <p className="small ab-abort-reason">Aborted: {t.abortReason}</p> : null}
      {hasResults ? <ResultsTable test={t} /> : <p className="muted small">No results imported yet.</p>}
      {hasResults ? (
        analysis.isPending ? (
          <p className="muted small loading-line">
            <Spinner /> Analyzing…
          </p>
        ) : analysis.isError ? (
          <p className="inline-error small" role="alert">
            Couldn&apos;t analyze the results: {analysis.error.message}
          </p>
        ) : (
          <Verdict test={t} data={analysis.data} />
        )
      ) : null}
      <Actions test={t} name={name} analysis={analysis.data} />
    </li>
  );
}

function ResultsTable({ test: t }: { test: AbTest }) {
  return (
    <table className="ab-results" aria-label={`Imported results of ${abTestName(t)}`}>
      <thead>
        <tr>
          <th scope="col">Variant</th>
          <th scope="col">Assignments</th>
          <th scope="col">Requests</th>
          <th scope="col">Successes</th>
          <th scope="col">Success rate</th>
          <th scope="col">Latency samples</th>
          <th scope="col">From</th>
        </tr>
      </thead>
      <tbody>
        {t.results.map((r) => (
          <tr key={r.variant} data-variant={r.variant}>
            <th scope="row">{r.variant}</th>
            <td className="num">{thousands(r.assignments)}</td>
            <td className="num">{thousands(r.requests)}</td>
            <td className="num">{thousands(r.successes)}</td>
            <td className="num">{r.requests > 0 ? `${((r.successes / r.requests) * 100).toFixed(1)} %` : "—"}</td>
            <td className="num">{thousands(r.latencySamples)}</td>
            <td className="small">
              <span className="mono">{r.sourceFile}</span>,{" "}
              <time dateTime={r.importedAt} title={utc(r.importedAt)}>
                {relative(r.importedAt)}
              </time>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Verdict({ test: t, data }: { test: AbTest; data: AbTestAnalysis }) {
  if (!data.analysis) return <p className="muted small">No results imported yet.</p>;
  const text = describeTest(t, data.analysis, data.config);
  const concluded = t.status === "concluded" && t.outcome;
  return (
    <section className={`ab-verdict ab-verdict-${text.tone}`} aria-label={`Verdict of ${abTestName(t)}`}>
      <p className="ab-verdict-headline">
        {concluded ? (
          <>
            Recorded verdict: <strong>{OUTCOME_LABEL[t.outcome!]}</strong>
            {text.headline !== OUTCOME_LABEL[t.outcome!] ? <span className="muted"> (analysis: {text.headline})</span> : null}
          </>
        ) : (
          <>
            Analysis so far: <strong>{text.headline}</strong>
          </>
        )}
      </p>
      {text.srmWarning ? (
        <p className="ab-srm" role="alert">
          {text.srmWarning}
        </p>
      ) : null}
      {text.notDecisionGrade ? <p className="ab-not-decision-grade">{text.notDecisionGrade}</p> : null}
      <p>{text.success}</p>
      <p>{text.latency}</p>
      {data.simulated ? <p className="muted small">These results are labelled simulated in the imported file.</p> : null}
    </section>
  );
}

/** Why the winner can't be deployed from here, or null when it can. */
export function winnerDeployProblem(t: AbTest): string | null {
  const w = t.winner;
  if (!w) return "This test has no winner.";
  if (w.currentVersion !== w.version)
    return `${w.modelName} is now at version ${w.currentVersion}; the test measured ${w.version}. Deploy it from the model's details if you mean to.`;
  if (w.currentStatus === "production") return `${w.modelName} ${w.version} is already in production.`;
  if (w.currentStatus === "archived") return `${w.modelName} is archived.`;
  if (w.currentStatus === "development") return `${w.modelName} is in development. Promote it to staging first.`;
  return null;
}

function Actions({ test: t, name, analysis }: { test: AbTest; name: string; analysis: AbTestAnalysis | undefined }) {
  const toast = useToast();
  const importResults = useImportAbResults();
  const conclude = useConcludeAbTest();
  const abort = useAbortAbTest();
  const [asking, setAsking] = useState<"conclude" | "abort" | "deploy" | null>(null);
  const busy = importResults.isPending || conclude.isPending || abort.isPending;

  if (t.status === "running") {
    const verdict = analysis?.analysis?.verdict;
    const concludesAs =
      verdict === "bWins" ? "B wins" : verdict === "aWins" ? "A wins" : verdict ? "inconclusive" : null;
    return (
      <div className="ab-actions">
        <Button
          size="sm"
          icon={<FileUp size={14} aria-hidden="true" />}
          busy={importResults.isPending}
          disabled={busy}
          aria-label={`Import results for A/B test ${name}`}
          onClick={() =>
            importResults.mutate(t, {
              onSuccess: (r) => {
                if (r) toast.success("Results imported", `${r.results[0]?.sourceFile ?? "File"} for ${name}.`);
              },
              onError: (err) => toast.error("Couldn't import the results", err.message),
            })
          }
        >
          {t.results.length > 0 ? "Re-import results…" : "Import results…"}
        </Button>
        <Button
          size="sm"
          icon={<CheckCircle2 size={14} aria-hidden="true" />}
          busy={conclude.isPending}
          disabled={busy || t.results.length === 0 || !analysis}
          title={t.results.length === 0 ? "Import results first." : undefined}
          aria-label={`Conclude A/B test ${name}`}
          onClick={() => setAsking("conclude")}
        >
          Conclude…
        </Button>
        <Button
          size="sm"
          icon={<Square size={14} aria-hidden="true" />}
          busy={abort.isPending}
          disabled={busy}
          aria-label={`Abort A/B test ${name}`}
          onClick={() => setAsking("abort")}
        >
          Abort…
        </Button>
        {asking === "conclude" ? (
          <ConfirmDialog
            title={`Conclude ${name}?`}
            confirmLabel="Conclude"
            onCancel={() => setAsking(null)}
            onConfirm={() => {
              setAsking(null);
              conclude.mutate(t, {
                onSuccess: (r) =>
                  toast.success("A/B test concluded", `${name}: ${r.outcome ? OUTCOME_LABEL[r.outcome] : "concluded"}.`),
                onError: (err) => toast.error("Couldn't conclude the A/B test", err.message),
              });
            }}
          >
            <p>
              The test ends and its verdict is recorded: <strong>{concludesAs ?? "from the imported results"}</strong>.
              {concludesAs === "inconclusive"
                ? " A winner is only declared when the difference is significant, the planned sample size is reached and the traffic split matches."
                : ""}{" "}
              Results can no longer be imported afterwards.
            </p>
          </ConfirmDialog>
        ) : null}
        {asking === "abort" ? (
          <AbortDialog
            name={name}
            onCancel={() => setAsking(null)}
            onConfirm={(reason) => {
              setAsking(null);
              abort.mutate(
                { test: t, reason },
                {
                  onSuccess: () => toast.success("A/B test aborted", `${name}.`),
                  onError: (err) => toast.error("Couldn't abort the A/B test", err.message),
                },
              );
            }}
          />
        ) : null}
      </div>
    );
  }
  if (t.winner) return <DeployWinner test={t} />;
  return null;
}

/** Deploys the winning model through the ordinary deploy action (and whatever checks it makes). */
function DeployWinner({ test: t }: { test: AbTest }) {
  const toast = useToast();
  const w = t.winner!;
  const deploy = useModelAction(w.modelId, "deploy");
  const [asking, setAsking] = useState(false);
  const problem = winnerDeployProblem(t);
  return (
    <div className="ab-actions">
      <Button
        size="sm"
        variant="primary"
        icon={<Rocket size={14} aria-hidden="true" />}
        busy={deploy.isPending}
        disabled={problem !== null || deploy.isPending}
        title={problem ?? undefined}
        aria-label={`Deploy the winner ${w.modelName} ${w.version} to production`}
        onClick={() => setAsking(true)}
      >
        Deploy the winner
      </Button>
      {problem ? <span className="muted small">{problem}</span> : null}
      {asking ? (
        <ConfirmDialog
          title={`Deploy ${w.modelName} ${w.version} to production?`}
          confirmLabel="Deploy to production"
          onCancel={() => setAsking(false)}
          onConfirm={() => {
            setAsking(false);
            deploy.mutate(undefined, {
              onSuccess: (r) => toast.success("Deployed to production", r.message),
              // A refusal (lifecycle, quality gates) arrives as the registry's message, shown as it is.
              onError: (err) => toast.error("Couldn't deploy the winner", err.message),
            });
          }}
        >
          <p>
            {w.modelName} {w.version} won {abTestName(t)} (variant {w.variant}). It goes from {w.currentStatus} to
            production like any deploy, and the change is recorded in the audit log.
          </p>
        </ConfirmDialog>
      ) : null}
    </div>
  );
}

function AbortDialog({ name, onCancel, onConfirm }: { name: string; onCancel: () => void; onConfirm: (reason: string) => void }) {
  const titleId = useId();
  const bodyId = useId();
  const [reason, setReason] = useState("");
  const text = reason.trim();
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (text) onConfirm(text);
  };
  return (
    <Modal labelledBy={titleId} describedBy={bodyId} onClose={onCancel} className="modal-confirm">
      <form className="modal-form" onSubmit={submit}>
        <div className="modal-body">
          <h2 id={titleId} className="modal-title">
            Abort {name}
          </h2>
          <p id={bodyId} className="confirm-text">
            The test ends without a verdict. Its imported results are kept. Say why: the reason is recorded in the audit
            log.
          </p>
          <div className="field">
            <label htmlFor={ABORT_REASON_ID}>Reason</label>
            <textarea
              id={ABORT_REASON_ID}
              rows={3}
              maxLength={MAX_REASON_CHARS}
              required
              placeholder="e.g. the router sent all traffic to A"
              value={reason}
              onChange={(e) => setReason(e.target.value)}
            />
          </div>
        </div>
        <div className="modal-footer">
          <Button autoFocus data-autofocus onClick={onCancel}>
            Cancel
          </Button>
          <Button type="submit" variant="danger" disabled={!text}>
            Abort test
          </Button>
        </div>
      </form>
    </Modal>
  );
}
