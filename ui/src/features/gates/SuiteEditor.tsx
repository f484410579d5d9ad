import { useId, useState, type FormEvent } from "react";
import { Plus, Trash2 } from "lucide-react";
import type { CheckKind } from "../../bindings/CheckKind";
import type { Metric } from "../../bindings/Metric";
import type { SuiteCheck } from "../../bindings/SuiteCheck";
import { Button } from "../../components/Button";
import { useToast } from "../../components/Toast";
import { METRIC_LABEL } from "../../lib/format";
import { useSaveSuite } from "../../queries";
import {
  higherIsBetter,
  METRICS,
  newDraft,
  toDraft,
  unitOf,
  validateDrafts,
  type DraftCheck,
  type MarginMode,
} from "./suite";

const KIND_LABEL: Record<CheckKind, string> = {
  absolute: "Threshold",
  regression: "Regression vs production",
  artifact: "Artifact integrity",
};

interface Props {
  modelId: string;
  checks: readonly SuiteCheck[];
  /** Archived models are read-only. */
  readOnly: boolean;
}

/**
 * Edits a model's suite as a draft; Save sends the whole suite. The parent keys it by the stored suite, so a
 * saved (or otherwise changed) suite starts a fresh draft. Mistakes are shown per row and nothing is
 * sent; a refusal from the registry is shown above the buttons and the stored suite stays as it was.
 */
export function SuiteEditor({ modelId, checks, readOnly }: Props) {
  const toast = useToast();
  const save = useSaveSuite(modelId);
  const [drafts, setDrafts] = useState<DraftCheck[]>(() => checks.map(toDraft));
  const [errors, setErrors] = useState<Map<number, string>>(new Map());
  const [dirty, setDirty] = useState(false);

  const change = (key: number, patch: Partial<DraftCheck>) => {
    setDirty(true);
    save.reset();
    setDrafts((ds) => ds.map((d) => (d.key === key ? { ...d, ...patch } : d)));
  };
  const remove = (key: number) => {
    setDirty(true);
    save.reset();
    setDrafts((ds) => ds.filter((d) => d.key !== key));
  };
  const add = (kind: CheckKind) => {
    setDirty(true);
    save.reset();
    setDrafts((ds) => [...ds, newDraft(kind)]);
  };
  const reset = () => {
    setDirty(false);
    setErrors(new Map());
    save.reset();
    setDrafts(checks.map(toDraft));
  };

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const v = validateDrafts(drafts);
    setErrors(v.errors);
    if (v.errors.size > 0) return;
    save.mutate(v.checks, {
      onSuccess: () => {
        setDirty(false);
        toast.success("Test suite saved", `${v.checks.length} checks; the next test run uses them.`);
      },
    });
  };

  const hasArtifact = drafts.some((d) => d.kind === "artifact");
  const suiteError = errors.get(-1);

  return (
    <form className="suite-editor" onSubmit={submit} aria-label="Test suite">
      {drafts.length === 0 ? (
        <p className="muted">No checks: test runs will check nothing and never pass the production gate.</p>
      ) : (
        <ol className="suite-checks">
          {drafts.map((d, i) => (
            <SuiteRow
              key={d.key}
              index={i}
              draft={d}
              error={errors.get(d.key)}
              readOnly={readOnly}
              onChange={(patch) => change(d.key, patch)}
              onRemove={() => remove(d.key)}
            />
          ))}
        </ol>
      )}
      {suiteError ? (
        <p className="field-error" role="alert">
          {suiteError}
        </p>
      ) : null}
      {save.isError ? (
        <div className="inline-error" role="alert">
          <p>Couldn&apos;t save the suite: {save.error.message}</p>
        </div>
      ) : null}
      {readOnly ? null : (
        <div className="suite-actions">
          <Button size="sm" icon={<Plus size={14} aria-hidden="true" />} onClick={() => add("absolute")}>
            Add threshold
          </Button>
          <Button size="sm" icon={<Plus size={14} aria-hidden="true" />} onClick={() => add("regression")}>
            Add regression check
          </Button>
          <Button
            size="sm"
            icon={<Plus size={14} aria-hidden="true" />}
            disabled={hasArtifact}
            title={hasArtifact ? "The suite already checks the artifact." : undefined}
            onClick={() => add("artifact")}
          >
            Add artifact check
          </Button>
          <span className="suite-actions-end">
            <Button size="sm" disabled={!dirty || save.isPending} onClick={reset}>
              Discard changes
            </Button>
            <Button size="sm" type="submit" variant="primary" busy={save.isPending} disabled={!dirty}>
              Save suite
            </Button>
          </span>
        </div>
      )}
    </form>
  );
}

interface RowProps {
  index: number;
  draft: DraftCheck;
  error: string | undefined;
  readOnly: boolean;
  onChange: (patch: Partial<DraftCheck>) => void;
  onRemove: () => void;
}

function SuiteRow({ index, draft: d, error, readOnly, onChange, onRemove }: RowProps) {
  const id = useId();
  const n = index + 1;
  const unit = d.kind === "regression" && d.marginMode === "rel" ? "%" : unitOf(d.metric);
  const direction = higherIsBetter(d.metric) ? "≥" : "≤";
  return (
    <li className={`suite-check${d.enabled ? "" : " suite-check-off"}`} data-kind={d.kind}>
      <div className="suite-check-fields">
        <span className="suite-check-kind">{KIND_LABEL[d.kind]}</span>
        {d.kind === "artifact" ? (
          <span className="muted">present, same size and SHA-256 as registered (skipped without an artifact)</span>
        ) : (
          <>
            <label className="sr-only" htmlFor={`${id}-metric`}>
              Metric of check {n}
            </label>
            <select
              id={`${id}-metric`}
              value={d.metric}
              disabled={readOnly}
              onChange={(e) => onChange({ metric: e.target.value as Metric })}
            >
              {METRICS.map((m) => (
                <option key={m} value={m}>
                  {METRIC_LABEL[m]}
                </option>
              ))}
            </select>
            {d.kind === "absolute" ? (
              <span aria-hidden="true">{direction}</span>
            ) : (
              <>
                <span>not worse by more than</span>
                <label className="sr-only" htmlFor={`${id}-mode`}>
                  Margin type of check {n}
                </label>
                <select
                  id={`${id}-mode`}
                  value={d.marginMode}
                  disabled={readOnly}
                  onChange={(e) => onChange({ marginMode: e.target.value as MarginMode })}
                >
                  <option value="rel">relative</option>
                  <option value="abs">absolute</option>
                </select>
              </>
            )}
            <label className="sr-only" htmlFor={`${id}-value`}>
              {d.kind === "absolute" ? `Threshold of check ${n}` : `Margin of check ${n}`}
            </label>
            <input
              id={`${id}-value`}
              className="suite-value"
              inputMode="decimal"
              value={d.value}
              readOnly={readOnly}
              aria-invalid={error ? true : undefined}
              aria-describedby={error ? `${id}-error` : undefined}
              onChange={(e) => onChange({ value: e.target.value })}
            />
            <span>{unit}</span>
          </>
        )}
        <label className="suite-enabled">
          <input
            type="checkbox"
            checked={d.enabled}
            disabled={readOnly}
            onChange={(e) => onChange({ enabled: e.target.checked })}
          />{" "}
          Enabled
        </label>
        {readOnly ? null : (
          <button type="button" className="icon-btn" aria-label={`Remove check ${n}`} onClick={onRemove}>
            <Trash2 size={15} aria-hidden="true" />
          </button>
        )}
      </div>
      {error ? (
        <p id={`${id}-error`} className="field-error" role="alert">
          {error}
        </p>
      ) : null}
    </li>
  );
}
