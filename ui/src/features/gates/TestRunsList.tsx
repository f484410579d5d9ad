import { useState } from "react";
import { MAX_RUNS_PAGE } from "../../bindings/limits";
import type { TestRun } from "../../bindings/TestRun";
import { Button } from "../../components/Button";
import { Spinner } from "../../components/Spinner";
import { relative, utc } from "../../lib/format";
import { useTestRuns } from "../../queries";
import { ChecksTable } from "./checks";

const PAGE = 10;

/** "4/5 passed", with the skipped checks apart: they count neither way. */
export function runScore(run: TestRun): string {
  return `${run.passed}/${run.total} passed${run.skipped > 0 ? ` · ${run.skipped} skipped` : ""}`;
}

/**
 * A run's score, with a mark for whether it passes the gate, so the pill's colour is not the only sign. The words
 * ("4/5 passed") already say it to a screen reader; the mark is for the eye, and hidden from it.
 */
export function RunPill({ run }: { run: TestRun }) {
  const ok = run.passesGate;
  return (
    <span className={`test-pill ${ok ? "test-pass" : "test-fail"}`} title={ok ? "Passes the quality gate" : "Fails the quality gate"}>
      <span aria-hidden="true">{ok ? "✓" : "✕"}</span> <span>{runScore(run)}</span>
    </span>
  );
}

/** A model's test runs, newest first; each expands to its checks. */
export function TestRunsList({ modelId }: { modelId: string }) {
  const [limit, setLimit] = useState(PAGE);
  const runs = useTestRuns(modelId, limit);
  if (runs.isPending)
    return (
      <p className="muted loading-line">
        <Spinner /> Loading test runs…
      </p>
    );
  if (runs.isError)
    return (
      <div className="inline-error" role="alert">
        <p>Couldn&apos;t load the test runs: {runs.error.message}</p>
        <Button size="sm" onClick={() => void runs.refetch()}>
          Retry
        </Button>
      </div>
    );
  const page = runs.data;
  if (page.total === 0) return <p className="muted">No test run yet. Run Tests runs the suite above against the current version.</p>;
  return (
    <>
      <ul className="plain-list test-runs">
        {page.runs.map((run) => (
          <RunItem key={run.id} run={run} />
        ))}
      </ul>
      {page.runs.length < page.total ? (
        <Button size="sm" busy={runs.isFetching} onClick={() => setLimit((l) => Math.min(l + PAGE * 2, MAX_RUNS_PAGE))} disabled={limit >= MAX_RUNS_PAGE}>
          Show more ({page.runs.length} of {page.total})
        </Button>
      ) : null}
    </>
  );
}

function RunItem({ run }: { run: TestRun }) {
  const [open, setOpen] = useState(false);
  return (
    <li className="test-run-item" data-run={run.id}>
      <button type="button" className="test-run-toggle" aria-expanded={open} onClick={() => setOpen((o) => !o)}>
        <RunPill run={run} /> version{" "}
        <span className="mono">{run.version}</span> ·{" "}
        <time dateTime={run.runAt} title={utc(run.runAt)}>
          {relative(run.runAt)}
        </time>
        {run.baselineVersion ? <span className="muted"> · vs production {run.baselineVersion}</span> : null}
      </button>
      {open ? <ChecksTable checks={run.checks} /> : null}
    </li>
  );
}
