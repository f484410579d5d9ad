import { useId, useRef, useState, type FormEvent, type ReactNode } from "react";
import { FolderOpen, Plus, Trash2 } from "lucide-react";
import { pickArtifactPath } from "../../api";
import type { RegisterResult } from "../../bindings/RegisterResult";
import { Button } from "../../components/Button";
import { Modal } from "../../components/Modal";
import { TaskProgress } from "../../components/TaskProgress";
import { useToast } from "../../components/Toast";
import { fractionPct, ms, pct, reqPerSec } from "../../lib/format";
import { useFrameworks, useRegister, useTask } from "../../queries";
import {
  FIELD_ID,
  LIMITS,
  METRIC_FIELDS,
  SIZE_UNITS,
  initialForm,
  toRequest,
  validate,
  type MetricKey,
  type RegisterForm,
  type RegisterMode,
  type SizeUnit,
} from "./form";

interface Props {
  mode: RegisterMode;
  onClose: () => void;
  /** After Rust registered it (the dialog closes itself). */
  onRegistered?: (result: RegisterResult) => void;
}

/**
 * Registers a new model (its first version) or a new version of a model. Checks what it can before sending
 * (inline messages, focus on the first problem); whatever Rust refuses comes back as an error toast.
 */
export function RegisterDialog({ mode, onClose, onRegistered }: Props) {
  const toast = useToast();
  const register = useRegister();
  const task = useTask();
  const frameworks = useFrameworks();
  const titleId = useId();
  const frameworkListId = useId();
  const [form, setForm] = useState<RegisterForm>(() => initialForm(mode));
  const [submitted, setSubmitted] = useState(false);
  const [touched, setTouched] = useState<ReadonlySet<string>>(new Set());
  const nextTagId = useRef(0);
  const errors = validate(form, mode);
  const isVersion = mode.kind === "version";

  const shown = (id: string) => (submitted || touched.has(id) ? errors[id] : undefined);
  const touch = (id: string) => setTouched((t) => (t.has(id) ? t : new Set(t).add(id)));
  const set = <K extends keyof RegisterForm>(key: K, value: RegisterForm[K]) => setForm((f) => ({ ...f, [key]: value }));
  const setMetric = (key: MetricKey, value: string) => setForm((f) => ({ ...f, metrics: { ...f.metrics, [key]: value } }));

  const submit = (e: FormEvent) => {
    e.preventDefault();
    setSubmitted(true);
    const firstBad = Object.keys(errors)[0];
    if (firstBad) {
      document.getElementById(firstBad)?.focus();
      return;
    }
    register.mutate(
      { ...toRequest(form, mode), task: task.begin() },
      {
        onSuccess: (r) => {
          toast.success(`Registered ${r.model.name} ${r.version.version}`, r.message);
          onClose();
          onRegistered?.(r);
        },
        onError: (err) => {
          if (err.code === "CANCELLED") toast.info("Registration cancelled", "Nothing was registered.");
          else toast.error(isVersion ? "Couldn't register the version" : "Couldn't register the model", err.message);
        },
        onSettled: task.end,
      },
    );
  };

  // While the artifact is being hashed, closing the dialog (Esc) stops that rather than leaving it running unseen.
  const close = register.isPending ? task.cancel : onClose;

  const chooseFile = async () => {
    try {
      const path = await pickArtifactPath();
      if (path !== null) set("artifactPath", path);
    } catch (err) {
      toast.error("Couldn't open the file dialog", err instanceof Error ? err.message : String(err));
    }
  };

  /** Props of a text-like input with its validation state. */
  const control = (id: string, hasHint = true) => {
    const error = shown(id);
    const describedBy = [hasHint ? `${id}-hint` : "", error ? `${id}-error` : ""].filter(Boolean).join(" ");
    return {
      id,
      "aria-invalid": error ? true : undefined,
      "aria-describedby": describedBy || undefined,
      onBlur: () => touch(id),
    } as const;
  };

  const current = mode.kind === "version" ? mode.model : null;
  const was: Record<MetricKey, string> | null = current
    ? {
        accuracy: fractionPct(current.accuracy, 1),
        aiConfidence: fractionPct(current.aiConfidence, 1),
        errorRate: fractionPct(current.errorRate, 2),
        uptime: pct(current.uptime, 2),
        latency: ms(current.latency),
        throughput: reqPerSec(current.throughput),
      }
    : null;

  return (
    <Modal labelledBy={titleId} onClose={close} className="modal-form-dialog">
      <form className="modal-form" onSubmit={submit} noValidate aria-labelledby={titleId}>
        <div className="modal-header">
          <div>
            <h2 id={titleId} className="modal-title">
              {current ? `Register a new version of ${current.name}` : "Register a model"}
            </h2>
            <p className="modal-subtitle">
              {current ? (
                <>
                  Latest version <span className="mono">{mode.kind === "version" ? mode.latest : ""}</span>. The new
                  version becomes current and the model returns to development.
                </>
              ) : (
                "Its first version starts in development."
              )}
            </p>
          </div>
        </div>

        <div className="modal-body">
          <div className="form-grid">
            {isVersion ? null : (
              <Field id={FIELD_ID.name} label="Name" error={shown(FIELD_ID.name)} wide>
                <input
                  type="text"
                  {...control(FIELD_ID.name, false)}
                  data-autofocus
                  autoComplete="off"
                  maxLength={LIMITS.name + 50}
                  value={form.name}
                  onChange={(e) => set("name", e.target.value)}
                />
              </Field>
            )}
            <Field
              id={FIELD_ID.framework}
              label="Framework"
              hint={isVersion ? "The model's framework unless you change it." : "e.g. PyTorch"}
              error={shown(FIELD_ID.framework)}
            >
              <input
                type="text"
                {...control(FIELD_ID.framework)}
                list={frameworkListId}
                autoComplete="off"
                value={form.framework}
                onChange={(e) => set("framework", e.target.value)}
              />
              <datalist id={frameworkListId}>
                {(frameworks.data ?? []).map((f) => (
                  <option key={f.framework} value={f.framework} />
                ))}
              </datalist>
            </Field>
            <Field
              id={FIELD_ID.version}
              label="Version"
              hint={isVersion ? `Semantic version greater than ${mode.kind === "version" ? mode.latest : ""}.` : "Semantic version, e.g. 1.0.0."}
              error={shown(FIELD_ID.version)}
            >
              <input
                type="text"
                className="mono"
                {...control(FIELD_ID.version)}
                data-autofocus={isVersion || undefined}
                autoComplete="off"
                spellCheck={false}
                placeholder="1.0.0"
                value={form.version}
                onChange={(e) => set("version", e.target.value)}
              />
            </Field>
          </div>

          <fieldset className="form-fieldset">
            <legend>Metrics</legend>
            <p className="muted small">
              Accuracy, AI confidence, error rate and uptime in percent, 0–100 (94.3 means 94.3%; the first three are
              stored as fractions, 0.943).
            </p>
            <div className="form-grid form-grid-3">
              {METRIC_FIELDS.map((f) => {
                const id = FIELD_ID.metric(f.key);
                return (
                  <Field key={f.key} id={id} label={f.label} hint={was ? `Was ${was[f.key]}` : undefined} error={shown(id)}>
                    <div className="input-unit">
                      <input
                        type="number"
                        {...control(id, was !== null)}
                        inputMode="decimal"
                        step={f.step}
                        min={0}
                        max={f.kind === "nonNegative" ? undefined : 100}
                        value={form.metrics[f.key]}
                        onChange={(e) => setMetric(f.key, e.target.value)}
                      />
                      <span className="unit" aria-hidden="true">
                        {f.unit}
                      </span>
                    </div>
                  </Field>
                );
              })}
            </div>
          </fieldset>

          <fieldset className="form-fieldset">
            <legend>Artifact</legend>
            <Field
              id={FIELD_ID.artifactPath}
              label="Artifact file (optional)"
              hint="Its size and SHA-256 are computed and stored; the file stays where it is."
              error={shown(FIELD_ID.artifactPath)}
              wide
            >
              <div className="input-with-button">
                <input
                  type="text"
                  className="mono"
                  {...control(FIELD_ID.artifactPath)}
                  autoComplete="off"
                  spellCheck={false}
                  placeholder="/path/to/model.onnx"
                  value={form.artifactPath}
                  onChange={(e) => set("artifactPath", e.target.value)}
                />
                <Button icon={<FolderOpen size={16} aria-hidden="true" />} onClick={() => void chooseFile()}>
                  Choose file…
                </Button>
              </div>
            </Field>
            <Field
              id={FIELD_ID.size}
              label="Size (optional)"
              hint="Decimal units. Ignored when an artifact is given: its size is measured."
              error={shown(FIELD_ID.size)}
            >
              <div className="input-unit">
                <input
                  type="number"
                  {...control(FIELD_ID.size)}
                  inputMode="decimal"
                  step="any"
                  min={0}
                  value={form.size}
                  onChange={(e) => set("size", e.target.value)}
                />
                <select
                  id={FIELD_ID.sizeUnit}
                  aria-label="Size unit"
                  value={form.sizeUnit}
                  onChange={(e) => set("sizeUnit", e.target.value as SizeUnit)}
                >
                  {Object.keys(SIZE_UNITS).map((u) => (
                    <option key={u} value={u}>
                      {u}
                    </option>
                  ))}
                </select>
              </div>
            </Field>
          </fieldset>

          <Field id={FIELD_ID.notes} label="Notes (optional)" error={shown(FIELD_ID.notes)} wide>
            <textarea
              {...control(FIELD_ID.notes, false)}
              rows={3}
              maxLength={LIMITS.text + 100}
              value={form.notes}
              onChange={(e) => set("notes", e.target.value)}
            />
          </Field>

          <fieldset className="form-fieldset">
            <legend>Tags</legend>
            {form.tags.length === 0 ? <p className="muted small">No tags. Tags are key/value pairs, e.g. team = secops.</p> : null}
            <ul className="tag-rows">
              {form.tags.map((t, i) => {
                const keyId = FIELD_ID.tagKey(i);
                const valueId = FIELD_ID.tagValue(i);
                const error = shown(keyId) ?? shown(valueId);
                return (
                  <li key={t.id} className="tag-row">
                    <input
                      type="text"
                      {...control(keyId)}
                      aria-label={`Tag ${i + 1} key`}
                      aria-describedby={error ? `${keyId}-error` : undefined}
                      placeholder="key"
                      autoComplete="off"
                      value={t.key}
                      onChange={(e) => set("tags", form.tags.map((x) => (x.id === t.id ? { ...x, key: e.target.value } : x)))}
                    />
                    <span aria-hidden="true">=</span>
                    <input
                      type="text"
                      {...control(valueId)}
                      aria-label={`Tag ${i + 1} value`}
                      aria-describedby={error ? `${keyId}-error` : undefined}
                      placeholder="value"
                      autoComplete="off"
                      value={t.value}
                      onChange={(e) => set("tags", form.tags.map((x) => (x.id === t.id ? { ...x, value: e.target.value } : x)))}
                    />
                    <button
                      type="button"
                      className="icon-btn"
                      aria-label={`Remove tag ${i + 1}`}
                      onClick={() => set("tags", form.tags.filter((x) => x.id !== t.id))}
                    >
                      <Trash2 size={15} aria-hidden="true" />
                    </button>
                    {error ? (
                      <p id={`${keyId}-error`} className="field-error">
                        {error}
                      </p>
                    ) : null}
                  </li>
                );
              })}
            </ul>
            <div>
              <Button
                size="sm"
                icon={<Plus size={14} aria-hidden="true" />}
                disabled={form.tags.length >= LIMITS.tags}
                onClick={() => {
                  const index = form.tags.length;
                  set("tags", [...form.tags, { id: nextTagId.current++, key: "", value: "" }]);
                  // Focus the new row's key once it is rendered.
                  requestAnimationFrame(() => document.getElementById(FIELD_ID.tagKey(index))?.focus());
                }}
              >
                Add tag
              </Button>
            </div>
          </fieldset>
          {submitted && Object.keys(errors).length > 0 ? (
            <p className="inline-error small" role="alert">
              Fix the {Object.keys(errors).length === 1 ? "field" : `${Object.keys(errors).length} fields`} marked above.
            </p>
          ) : null}
          {register.isPending && task.progress ? (
            <TaskProgress
              label="Hashing the artifact"
              progress={task.progress}
              onCancel={task.cancel}
              cancelling={task.cancelling}
            />
          ) : null}
        </div>

        <div className="modal-footer">
          <Button onClick={onClose} disabled={register.isPending}>
            Cancel
          </Button>
          <Button type="submit" variant="primary" busy={register.isPending}>
            {isVersion ? "Register version" : "Register model"}
          </Button>
        </div>
      </form>
    </Modal>
  );
}

function Field({
  id,
  label,
  hint,
  error,
  wide = false,
  children,
}: {
  id: string;
  label: string;
  hint?: string;
  error?: string;
  wide?: boolean;
  children: ReactNode;
}) {
  return (
    <div className={`field${wide ? " field-wide" : ""}${error ? " has-error" : ""}`}>
      <label htmlFor={id}>{label}</label>
      {children}
      {hint ? (
        <span id={`${id}-hint`} className="field-hint">
          {hint}
        </span>
      ) : null}
      {error ? (
        <span id={`${id}-error`} className="field-error">
          {error}
        </span>
      ) : null}
    </div>
  );
}
