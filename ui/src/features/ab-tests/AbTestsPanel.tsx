import { memo, useId, useState, type FormEvent } from "react";
import { Play } from "lucide-react";
import type { AbTest } from "../../bindings/AbTest";
import type { Model } from "../../bindings/Model";
import { Button } from "../../components/Button";
import { Spinner } from "../../components/Spinner";
import { useToast } from "../../components/Toast";
import { useAbTests, useStartAbTest } from "../../queries";
import { AbTestCard } from "./AbTestCard";
import { ModelPicker } from "./ModelPicker";

/** The pickers' input ids, stable for the end-to-end tests. */
export const AB_PICKER_IDS = { a: "ab-model-a", b: "ab-model-b" } as const;

/** For View → A/B Tests, which scrolls here and focuses the heading. */
export const AB_TESTS_SECTION_ID = "ab-tests";
export const AB_TESTS_HEADING_ID = "ab-tests-heading";

export const AbTestsPanel = memo(function AbTestsPanel() {
  const tests = useAbTests();
  const headingId = AB_TESTS_HEADING_ID;
  const running = (tests.data ?? []).filter((t) => t.status === "running");
  const past = (tests.data ?? []).filter((t) => t.status !== "running");

  return (
    <section className="panel" id={AB_TESTS_SECTION_ID} aria-labelledby={headingId}>
      <div className="panel-head">
        <div>
          <h2 id={headingId} tabIndex={-1}>
            A/B tests
          </h2>
          <p className="muted small">
            ModelOps routes no traffic and simulates nothing: import the results you measured (a .json or .csv file
            per test), read the verdict, then conclude the test or abort it.
          </p>
        </div>
      </div>
      <StartAbTestForm tests={tests.data ?? []} />
      {tests.isPending ? (
        <p className="muted loading-line">
          <Spinner /> Loading A/B tests…
        </p>
      ) : tests.isError ? (
        <div className="inline-error" role="alert">
          <p>Couldn&apos;t load A/B tests: {tests.error.message}</p>
          <Button size="sm" onClick={() => void tests.refetch()}>
            Retry
          </Button>
        </div>
      ) : (
        <div className="ab-lists">
          <AbTestList title="Running" tests={running} empty="No A/B test is running." />
          <AbTestList title="Past" tests={past} empty="No concluded or aborted tests yet." shown={PAST_SHOWN} />
        </div>
      )}
    </section>
  );
});

function StartAbTestForm({ tests }: { tests: AbTest[] }) {
  const toast = useToast();
  const start = useStartAbTest();
  const [modelA, setModelA] = useState<Model | null>(null);
  const [modelB, setModelB] = useState<Model | null>(null);
  const [split, setSplit] = useState(50);
  // The analysis settings, as the user types them: percentage points, α, percent.
  const [mde, setMde] = useState("1");
  const [alpha, setAlpha] = useState("0.05");
  const [power, setPower] = useState("80");
  // Remounts the pickers (clearing their text) after a test starts.
  const [generation, setGeneration] = useState(0);
  const ids = { split: useId(), splitNum: useId(), readout: useId(), mde: useId(), alpha: useId(), power: useId() };

  const busyIds = new Set(tests.filter((t) => t.status === "running").flatMap((t) => [t.modelA, t.modelB]));
  const splitValid = Number.isInteger(split) && split >= 1 && split <= 99;
  const problem =
    !modelA || !modelB
      ? "Choose two models."
      : modelA.id === modelB.id
        ? "Choose two different models."
        : !splitValid
          ? "Traffic split must be a whole number from 1 to 99."
          : settingsProblem(mde, alpha, power);

  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    if (problem || !modelA || !modelB) return;
    start.mutate(
      {
        modelA: modelA.id,
        modelB: modelB.id,
        trafficSplit: split,
        minDetectableEffect: Number(mde) / 100,
        alpha: Number(alpha),
        power: Number(power) / 100,
      },
      {
        onSuccess: (t) => {
          toast.success("A/B test started", `${t.modelAName} (${100 - t.trafficSplit}%) vs ${t.modelBName} (${t.trafficSplit}%).`);
          setModelA(null);
          setModelB(null);
          setSplit(50);
          setGeneration((g) => g + 1);
        },
        onError: (err) => toast.error("Couldn't start the A/B test", err.message),
      },
    );
  };

  return (
    <form className="ab-form" onSubmit={onSubmit} aria-label="Start an A/B test">
      <ModelPicker
        key={`a-${generation}`}
        id={AB_PICKER_IDS.a}
        label="Model A (control)"
        value={modelA}
        onChange={setModelA}
        excludeId={modelB?.id}
        busyIds={busyIds}
      />
      <ModelPicker
        key={`b-${generation}`}
        id={AB_PICKER_IDS.b}
        label="Model B (challenger)"
        value={modelB}
        onChange={setModelB}
        excludeId={modelA?.id}
        busyIds={busyIds}
      />
      <div className="field field-split">
        <label htmlFor={ids.split}>Traffic to model B</label>
        <div className="split-row">
          <input
            id={ids.split}
            type="range"
            min={1}
            max={99}
            step={1}
            value={splitValid ? split : 50}
            aria-describedby={ids.readout}
            onChange={(e) => setSplit(Number(e.target.value))}
          />
          <input
            id={ids.splitNum}
            className="split-number"
            type="number"
            min={1}
            max={99}
            step={1}
            value={Number.isNaN(split) ? "" : split}
            aria-label="Traffic to model B, percent"
            onChange={(e) => setSplit(e.target.value === "" ? Number.NaN : Number(e.target.value))}
          />
          <span className="unit">%</span>
        </div>
        <output id={ids.readout} className="split-readout" htmlFor={`${ids.split} ${ids.splitNum}`}>
          {splitValid ? `A ${100 - split}% · B ${split}%` : "Enter 1–99"}
        </output>
      </div>
      <div className="field field-setting">
        <label htmlFor={ids.mde}>Smallest difference worth detecting</label>
        <div className="split-row">
          <input id={ids.mde} className="split-number" type="number" min={0.01} max={99} step="any" value={mde} onChange={(e) => setMde(e.target.value)} />
          <span className="unit">points</span>
        </div>
      </div>
      <div className="field field-setting">
        <label htmlFor={ids.alpha}>Significance level α</label>
        <input id={ids.alpha} className="split-number" type="number" min={0.001} max={0.5} step="any" value={alpha} onChange={(e) => setAlpha(e.target.value)} />
      </div>
      <div className="field field-setting">
        <label htmlFor={ids.power}>Power</label>
        <div className="split-row">
          <input id={ids.power} className="split-number" type="number" min={1} max={99} step={1} value={power} onChange={(e) => setPower(e.target.value)} />
          <span className="unit">%</span>
        </div>
      </div>
      <div className="field field-submit">
        <Button
          type="submit"
          variant="primary"
          icon={<Play size={16} aria-hidden="true" />}
          busy={start.isPending}
          disabled={problem !== null}
          title={problem ?? undefined}
        >
          Start A/B test
        </Button>
      </div>
    </form>
  );
}

/**
 * Past tests shown before "Show all": the newest (the list comes newest first). A registry keeps every test it
 * ever ran, and the page rendered each as a card at start-up: 50 past tests were ~1 400 px below the table.
 */
export const PAST_SHOWN = 5;

function AbTestList({ title, tests, empty, shown }: { title: string; tests: AbTest[]; empty: string; shown?: number }) {
  const [all, setAll] = useState(false);
  const visible = all || shown === undefined ? tests : tests.slice(0, shown);
  const hidden = tests.length - visible.length;
  return (
    <div className="ab-list">
      <h3>
        {title} <span className="count">{tests.length}</span>
      </h3>
      {tests.length === 0 ? (
        <p className="muted small">{empty}</p>
      ) : (
        <ul className="ab-items">
          {visible.map((t) => (
            <AbTestCard key={t.id} test={t} />
          ))}
        </ul>
      )}
      {hidden > 0 ? (
        <div className="load-more">
          <Button size="sm" onClick={() => setAll(true)}>
            Show all {tests.length} {title.toLowerCase()} tests
          </Button>
        </div>
      ) : null}
    </div>
  );
}

/** The same ranges Rust checks (stats.rs validate_config), said before the request is sent. */
export function settingsProblem(mde: string, alpha: string, power: string): string | null {
  const m = Number(mde);
  const a = Number(alpha);
  const p = Number(power);
  if (mde.trim() === "" || !(m > 0 && m < 100)) return "The smallest difference must be between 0 and 100 points.";
  if (alpha.trim() === "" || !(a > 0 && a <= 0.5)) return "α must be greater than 0 and at most 0.5.";
  if (power.trim() === "" || !(p > 0 && p < 100)) return "Power must be between 0 and 100 %.";
  return null;
}
