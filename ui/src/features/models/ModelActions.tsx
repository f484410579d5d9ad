import { useState, type ReactNode } from "react";
import { useIsMutating } from "@tanstack/react-query";
import { Archive, FlaskConical, Rocket, Undo2, ArrowUpCircle } from "lucide-react";
import type { AbTest } from "../../bindings/AbTest";
import type { Model } from "../../bindings/Model";
import type { TestRun } from "../../bindings/TestRun";
import type { VersionInfo } from "../../bindings/VersionInfo";
import { Button } from "../../components/Button";
import { ConfirmDialog } from "../../components/ConfirmDialog";
import { useToast } from "../../components/Toast";
import {
  modelActionKeys,
  useDeployOverride,
  useModelAction,
  useRollback,
  type ModelAction,
  type RollbackTarget,
} from "../../queries";
import { GateBlockedDialog } from "../gates/GateBlockedDialog";
import { whyNot } from "./lifecycle";
import { RollbackDialog } from "./RollbackDialog";

interface ModelActionsProps {
  model: Model;
  abTests: readonly AbTest[];
  /** The model's versions (from its details), for the rollback targets. */
  versions: readonly VersionInfo[];
  onTested: (run: TestRun) => void;
}

const ACTION_LABEL: Record<ModelAction, string> = {
  deploy: "Deploy to production",
  promote: "Promote to Staging",
  rollback: "Rollback",
  test: "Run Tests",
  archive: "Archive",
};

/** What the quality gate will say, from the latest run of the current version (Model.lastTest). */
function gateHint(model: Model): string {
  const t = model.lastTest;
  if (!t) return "This version has never been tested: the quality gate will refuse it unless you give a reason.";
  if (t.total === 0 || t.passed < t.total)
    return `Its latest test run passed ${t.passed}/${t.total} checks: the quality gate will refuse it unless you give a reason.`;
  return `Its latest test run passed ${t.passed}/${t.total} checks: the quality gate lets it through.`;
}

/** The five lifecycle actions of one model. While one runs, all of them are disabled. */
export function ModelActions({ model, abTests, versions, onTested }: ModelActionsProps) {
  const toast = useToast();
  const [confirming, setConfirming] = useState<"deploy" | "archive" | "rollback" | null>(null);
  // The GATE_BLOCKED message while the user decides whether to deploy anyway.
  const [gateBlocked, setGateBlocked] = useState<string | null>(null);
  const busy = useIsMutating({ mutationKey: modelActionKeys.model(model.id) }) > 0;

  // What the user sees of the model: an action on a row another window or the CLI has changed since is
  // refused (CONFLICT) rather than applied to a state the user never saw.
  const seen = { status: model.status, version: model.version };
  const deploy = useModelAction(model.id, "deploy", seen);
  const deployOverride = useDeployOverride(model.id, seen);
  const promote = useModelAction(model.id, "promote", seen);
  const rollback = useRollback(model.id, seen);
  const test = useModelAction(model.id, "test", seen);
  const archive = useModelAction(model.id, "archive", seen);

  const fail = (action: ModelAction) => (error: Error) => toast.error(`${ACTION_LABEL[action]} failed`, error.message);

  const runDeploy = () =>
    deploy.mutate(undefined, {
      onSuccess: (r) => toast.success(`${r.model.name} deployed to production`, r.message),
      onError: (error) => (error.code === "GATE_BLOCKED" ? setGateBlocked(error.message) : fail("deploy")(error)),
    });
  const runDeployOverride = (reason: string) =>
    deployOverride.mutate(reason, {
      onSuccess: (r) => toast.success(`${r.model.name} deployed to production (gate overridden)`, r.message),
      onError: fail("deploy"),
    });
  const runPromote = () =>
    promote.mutate(undefined, {
      onSuccess: (r) => toast.success(`${r.model.name} promoted to staging`, r.message),
      onError: fail("promote"),
    });
  const runRollback = (target: RollbackTarget) =>
    rollback.mutate(target, {
      onSuccess: (r) => toast.success(`${r.model.name} rolled back ${r.rolledBackFrom} → ${r.rolledBackTo}`, r.message),
      onError: fail("rollback"),
    });
  const runTest = () =>
    test.mutate(undefined, {
      onSuccess: (run) => {
        onTested(run);
        const rate = `${Math.round(run.successRate * 100)}%`;
        if (run.passesGate) toast.success(`Tests passed: ${run.passed}/${run.total}`, `${model.name} ${run.version} — ${rate} success rate.`);
        else toast.error(`Tests failed: ${run.passed}/${run.total} passed`, `${model.name} ${run.version} — ${rate} success rate.`);
      },
      onError: fail("test"),
    });
  const runArchive = () =>
    archive.mutate(undefined, {
      onSuccess: (r) => toast.success(`${r.model.name} archived`, r.message),
      onError: fail("archive"),
    });

  const reasons = (["deploy", "promote", "rollback", "test", "archive"] as const).map(
    (a) => [a, whyNot(a, model, abTests)] as const,
  );
  const reason = Object.fromEntries(reasons) as Record<ModelAction, string | null>;
  const unavailable = reasons.filter(([, r]) => r !== null);

  const button = (action: ModelAction, pending: boolean, onClick: () => void, icon: ReactNode, variant: "primary" | "secondary" | "danger" = "secondary") => (
    <Button
      variant={variant}
      icon={icon}
      busy={pending}
      disabled={busy || reason[action] !== null}
      title={reason[action] ?? undefined}
      onClick={onClick}
    >
      {ACTION_LABEL[action]}
    </Button>
  );

  return (
    <section className="actions" aria-labelledby={`actions-${model.id}`}>
      <h3 id={`actions-${model.id}`} className="sr-only">
        Actions
      </h3>
      <div className="action-bar">
        {button("deploy", deploy.isPending || deployOverride.isPending, () => setConfirming("deploy"), <Rocket size={16} aria-hidden="true" />, "primary")}
        {button("promote", promote.isPending, runPromote, <ArrowUpCircle size={16} aria-hidden="true" />)}
        {button("rollback", rollback.isPending, () => setConfirming("rollback"), <Undo2 size={16} aria-hidden="true" />)}
        {button("test", test.isPending, runTest, <FlaskConical size={16} aria-hidden="true" />)}
        {button("archive", archive.isPending, () => setConfirming("archive"), <Archive size={16} aria-hidden="true" />, "danger")}
      </div>
      {unavailable.length > 0 && model.status !== "archived" ? (
        <ul className="action-notes">
          {unavailable.map(([a, r]) => (
            <li key={a}>
              <strong>{ACTION_LABEL[a]}:</strong> {r}
            </li>
          ))}
        </ul>
      ) : null}
      {model.status === "archived" ? <p className="action-notes">This model is archived: it is read-only.</p> : null}

      {confirming === "deploy" ? (
        <ConfirmDialog
          title={`Deploy ${model.name} to production?`}
          confirmLabel="Deploy to production"
          onCancel={() => setConfirming(null)}
          onConfirm={() => {
            setConfirming(null);
            runDeploy();
          }}
        >
          <p>
            <strong>{model.name}</strong> version <strong>{model.version}</strong> moves from <strong>staging</strong> to{" "}
            <strong>production</strong>. The change is recorded in the model&apos;s history.
          </p>
          <p className="muted">{gateHint(model)}</p>
        </ConfirmDialog>
      ) : null}
      {gateBlocked !== null ? (
        <GateBlockedDialog
          model={model}
          message={gateBlocked}
          onCancel={() => setGateBlocked(null)}
          onOverride={(reason) => {
            setGateBlocked(null);
            runDeployOverride(reason);
          }}
        />
      ) : null}
      {confirming === "rollback" ? (
        <RollbackDialog
          model={model}
          versions={versions}
          onCancel={() => setConfirming(null)}
          onConfirm={(target) => {
            setConfirming(null);
            runRollback(target);
          }}
        />
      ) : null}
      {confirming === "archive" ? (
        <ConfirmDialog
          title={`Archive ${model.name}?`}
          confirmLabel="Archive model"
          tone="danger"
          onCancel={() => setConfirming(null)}
          onConfirm={() => {
            setConfirming(null);
            runArchive();
          }}
        >
          <p>
            The model leaves <strong>{model.status}</strong> and becomes <strong>archived</strong>: read-only, with no more
            deploys, rollbacks, tests or A/B tests. This can&apos;t be undone. Its history and versions are kept.
          </p>
        </ConfirmDialog>
      ) : null}
    </section>
  );
}
