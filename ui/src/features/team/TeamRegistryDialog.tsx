import { useId, useState, type FormEvent, type ReactNode } from "react";
import { PlugZap, Trash2 } from "lucide-react";
import type { AuthKind } from "../../bindings/AuthKind";
import type { RemoteStatus } from "../../bindings/RemoteStatus";
import { Button } from "../../components/Button";
import { ConfirmDialog } from "../../components/ConfirmDialog";
import { FailureAlert } from "../../components/FailureAlert";
import { Modal } from "../../components/Modal";
import { Spinner } from "../../components/Spinner";
import { useToast } from "../../components/Toast";
import { useClearRemoteSettings, useRemoteStatus, useSaveRemoteSettings, useTestRemoteConnection } from "../../queries";
import { AUTH_LABEL, connectionText, formFrom, formProblems, requestFrom, type SecretSource, type TeamForm } from "./team";

/**
 * The team's MLflow tracking server: where it is, how to sign in, which aliases mean production and staging.
 * A typed password or token goes to the OS keyring and is never shown again; the status doesn't carry it.
 */
export function TeamRegistryDialog({ onClose }: { onClose: () => void }) {
  const titleId = useId();
  const status = useRemoteStatus();
  return (
    <Modal labelledBy={titleId} onClose={onClose} className="modal-form-dialog" testId="team-registry-dialog">
      {status.isPending ? (
        <>
          <DialogHead titleId={titleId} />
          <div className="modal-body">
            <p className="muted loading-line">
              <Spinner /> Loading the settings…
            </p>
          </div>
        </>
      ) : (
        <TeamSettingsForm titleId={titleId} status={status.data ?? null} onClose={onClose} />
      )}
    </Modal>
  );
}

function DialogHead({ titleId }: { titleId: string }) {
  return (
    <div className="modal-header">
      <div>
        <h2 id={titleId} className="modal-title">
          Team registry
        </h2>
        <p className="modal-subtitle">
          Keep this registry in step with your team&apos;s MLflow tracking server. Your registry stays the working copy.
        </p>
      </div>
    </div>
  );
}

function TeamSettingsForm({ titleId, status, onClose }: { titleId: string; status: RemoteStatus | null; onClose: () => void }) {
  const id = useId();
  const toast = useToast();
  const saved = status?.settings ?? null;
  const [form, setForm] = useState<TeamForm>(() => formFrom(saved));
  const [showProblems, setShowProblems] = useState(false);
  const [failure, setFailure] = useState<{ title: string; message: string } | null>(null);
  const [confirmingForget, setConfirmingForget] = useState(false);
  const save = useSaveRemoteSettings();
  const test = useTestRemoteConnection();
  const forget = useClearRemoteSettings();
  const problems = formProblems(form);
  const shownProblem = (field: keyof TeamForm) => (showProblems ? problems[field] : undefined);
  const busy = save.isPending || forget.isPending;
  // A secret saved earlier in the keyring (no variable named): leaving the field empty keeps it.
  const keyringSecretSaved = saved !== null && saved.auth !== "none" && saved.secretEnv === null;

  const set = <K extends keyof TeamForm>(key: K, value: TeamForm[K]) => {
    setForm((f) => ({ ...f, [key]: value }));
    test.reset();
  };

  const valid = () => {
    setShowProblems(true);
    return Object.keys(problems).length === 0;
  };

  const runTest = () => {
    setFailure(null);
    if (!valid()) return;
    test.mutate(requestFrom(form));
  };

  const submit = (e: FormEvent) => {
    e.preventDefault();
    setFailure(null);
    if (!valid()) return;
    save.mutate(requestFrom(form), {
      onSuccess: (s) => {
        toast.success("Team registry saved", s.settings?.url);
        onClose();
      },
      onError: (err) => {
        if (err.code === "KEYRING_UNAVAILABLE") {
          setFailure({
            title: "No keyring to keep the secret in",
            message: `${err.message} Put the ${form.auth === "basic" ? "password" : "token"} in an environment variable and enter the variable's name instead.`,
          });
          setForm((f) => ({ ...f, secretSource: "env", secret: "" }));
        } else {
          setFailure({ title: "The settings weren't saved", message: err.message });
        }
      },
    });
  };

  const runForget = () => {
    setConfirmingForget(false);
    setFailure(null);
    forget.mutate(undefined, {
      onSuccess: () => {
        toast.success("Team registry forgotten", "Shared models stay here as local models.");
        onClose();
      },
      onError: (err) => setFailure({ title: "The server wasn't forgotten", message: err.message }),
    });
  };

  const secretWord = form.auth === "basic" ? "Password" : "Token";

  return (
    <form className="modal-form" onSubmit={submit} noValidate aria-labelledby={titleId}>
      <DialogHead titleId={titleId} />
      <div className="modal-body">
        <FailureAlert failure={failure} />
        <div className="form-grid">
          <Field id={`${id}-url`} label="Tracking URI" error={shownProblem("url")} wide>
            <input
              id={`${id}-url`}
              type="text"
              inputMode="url"
              autoComplete="off"
              spellCheck={false}
              placeholder="http://mlflow.internal:5000"
              data-testid="team-url"
              data-autofocus
              value={form.url}
              aria-invalid={shownProblem("url") ? true : undefined}
              aria-describedby={shownProblem("url") ? `${id}-url-error` : undefined}
              onChange={(e) => set("url", e.target.value)}
            />
          </Field>
          <Field id={`${id}-auth`} label="Authentication">
            <select
              id={`${id}-auth`}
              data-testid="team-auth"
              value={form.auth}
              onChange={(e) => set("auth", e.target.value as AuthKind)}
            >
              {(Object.keys(AUTH_LABEL) as AuthKind[]).map((k) => (
                <option key={k} value={k}>
                  {AUTH_LABEL[k]}
                </option>
              ))}
            </select>
          </Field>
          {form.auth === "basic" ? (
            <Field id={`${id}-username`} label="Username" error={shownProblem("username")}>
              <input
                id={`${id}-username`}
                type="text"
                autoComplete="username"
                data-testid="team-username"
                value={form.username}
                aria-invalid={shownProblem("username") ? true : undefined}
                aria-describedby={shownProblem("username") ? `${id}-username-error` : undefined}
                onChange={(e) => set("username", e.target.value)}
              />
            </Field>
          ) : (
            <div />
          )}
          {form.auth === "none" ? null : (
            <fieldset className="form-fieldset field-wide">
              <legend>{secretWord}</legend>
              <div className="radio-row" role="radiogroup" aria-label={`Where the ${secretWord.toLowerCase()} comes from`}>
                <SourceRadio name={`${id}-source`} value="keyring" current={form.secretSource} onChange={(v) => set("secretSource", v)}>
                  Type it in (kept in the system keyring)
                </SourceRadio>
                <SourceRadio name={`${id}-source`} value="env" current={form.secretSource} onChange={(v) => set("secretSource", v)}>
                  Read it from an environment variable
                </SourceRadio>
              </div>
              {form.secretSource === "keyring" ? (
                <Field
                  id={`${id}-secret`}
                  label={secretWord}
                  hint={keyringSecretSaved ? `A ${secretWord.toLowerCase()} is saved in the keyring: leave this empty to keep it.` : undefined}
                >
                  <input
                    id={`${id}-secret`}
                    type="password"
                    autoComplete="new-password"
                    data-testid="team-secret"
                    value={form.secret}
                    placeholder={keyringSecretSaved ? "••••••••" : undefined}
                    aria-describedby={keyringSecretSaved ? `${id}-secret-hint` : undefined}
                    onChange={(e) => set("secret", e.target.value)}
                  />
                </Field>
              ) : (
                <Field
                  id={`${id}-secret-env`}
                  label="Environment variable"
                  hint="Its name, not its value: ModelOps reads it when it syncs."
                  error={shownProblem("secretEnv")}
                >
                  <input
                    id={`${id}-secret-env`}
                    type="text"
                    autoComplete="off"
                    spellCheck={false}
                    className="mono"
                    placeholder={form.auth === "basic" ? "MLFLOW_TRACKING_PASSWORD" : "MLFLOW_TRACKING_TOKEN"}
                    data-testid="team-secret-env"
                    value={form.secretEnv}
                    aria-invalid={shownProblem("secretEnv") ? true : undefined}
                    aria-describedby={`${id}-secret-env-hint${shownProblem("secretEnv") ? ` ${id}-secret-env-error` : ""}`}
                    onChange={(e) => set("secretEnv", e.target.value)}
                  />
                </Field>
              )}
            </fieldset>
          )}
          <Field id={`${id}-prod`} label="Production alias" hint="Many teams use champion.">
            <input
              id={`${id}-prod`}
              type="text"
              spellCheck={false}
              data-testid="team-production-alias"
              value={form.productionAlias}
              aria-describedby={`${id}-prod-hint`}
              onChange={(e) => set("productionAlias", e.target.value)}
            />
          </Field>
          <Field id={`${id}-staging`} label="Staging alias" hint="Many teams use challenger.">
            <input
              id={`${id}-staging`}
              type="text"
              spellCheck={false}
              data-testid="team-staging-alias"
              value={form.stagingAlias}
              aria-describedby={`${id}-staging-hint`}
              onChange={(e) => set("stagingAlias", e.target.value)}
            />
          </Field>
        </div>

        <div className="team-test-row">
          <Button icon={<PlugZap size={16} aria-hidden="true" />} busy={test.isPending} disabled={busy} data-testid="team-test" onClick={runTest}>
            Test connection
          </Button>
          <div data-testid="team-test-result" role="status" className="team-test-result">
            {test.isSuccess ? (
              <span className="team-test-ok">
                <span aria-hidden="true">✓ </span>
                {connectionText(test.data)}
              </span>
            ) : test.isError ? (
              <span className="field-error">{test.error.message}</span>
            ) : null}
          </div>
        </div>
      </div>

      <div className="modal-footer">
        {saved ? (
          <Button
            variant="danger"
            icon={<Trash2 size={16} aria-hidden="true" />}
            className="footer-start"
            busy={forget.isPending}
            disabled={busy}
            data-testid="team-forget"
            onClick={() => setConfirmingForget(true)}
          >
            Forget server
          </Button>
        ) : null}
        <Button onClick={onClose} disabled={busy}>
          Cancel
        </Button>
        <Button type="submit" variant="primary" busy={save.isPending} disabled={busy} data-testid="team-save">
          Save
        </Button>
      </div>

      {confirmingForget && saved ? (
        <ConfirmDialog title="Forget this server?" confirmLabel="Forget server" tone="danger" onCancel={() => setConfirmingForget(false)} onConfirm={runForget}>
          <p>
            ModelOps stops syncing with <span className="mono">{saved.url}</span> and removes its saved secret. The models
            already here stay, as local models; nothing changes on the server.
          </p>
        </ConfirmDialog>
      ) : null}
    </form>
  );
}

function SourceRadio({
  name,
  value,
  current,
  onChange,
  children,
}: {
  name: string;
  value: SecretSource;
  current: SecretSource;
  onChange: (v: SecretSource) => void;
  children: ReactNode;
}) {
  return (
    <label className="radio-label">
      <input type="radio" name={name} value={value} checked={current === value} onChange={() => onChange(value)} />
      {children}
    </label>
  );
}

function Field({
  id,
  label,
  hint,
  error,
  wide,
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
