import { screen, waitFor, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import type { SaveSuiteRequest } from "../../bindings/SaveSuiteRequest";
import type { SuiteCheck } from "../../bindings/SuiteCheck";
import { defaultSuite, model2, testRun } from "../../test/fixtures";
import { mockBackend, renderApp } from "../../test/render";

async function openDetails(name: string) {
  const r = renderApp();
  await r.user.click(await screen.findByRole("button", { name: `View details of ${name}` }));
  const dialog = await screen.findByRole("dialog", { name });
  const suite = await within(dialog).findByRole("form", { name: "Test suite" });
  return { ...r, dialog, suite };
}

const toasts = () => screen.getByRole("region", { name: "Notifications" });

const saved = (backend: ReturnType<typeof mockBackend>) =>
  backend.callsOf("save_test_suite").map((c) => (c.args as { request: SaveSuiteRequest }).request);

describe("quality gates: the suite editor", () => {
  it("shows the suite in display units and saves an edited threshold and a new regression check", async () => {
    const backend = mockBackend({
      save_test_suite: (args) => ({ ...(args as { request: SaveSuiteRequest }).request }),
    });
    const { user, suite } = await openDetails(model2.name);
    const accuracy = within(suite).getByRole("textbox", { name: "Threshold of check 1" });
    expect(accuracy).toHaveValue("90");
    expect(within(suite).getByRole("textbox", { name: "Threshold of check 2" })).toHaveValue("100");

    await user.clear(accuracy);
    await user.type(accuracy, "92.5");
    await user.click(within(suite).getByRole("button", { name: "Add regression check" }));
    await user.selectOptions(within(suite).getByRole("combobox", { name: "Metric of check 6" }), "latency");
    await user.type(within(suite).getByRole("textbox", { name: "Margin of check 6" }), "10");
    await user.click(within(suite).getByRole("button", { name: "Save suite" }));

    await waitFor(() => expect(saved(backend)).toHaveLength(1));
    const req = saved(backend)[0]!;
    expect(req.modelId).toBe("model-2");
    expect(req.checks).toHaveLength(6);
    expect(req.checks[0]).toEqual({ ...defaultSuite[0], threshold: 0.925 });
    expect(req.checks.slice(1, 5)).toEqual(defaultSuite.slice(1));
    expect(req.checks[5]).toEqual<SuiteCheck>({
      kind: "regression",
      metric: "latency",
      threshold: null,
      marginAbs: null,
      marginRel: 0.1,
      enabled: true,
    });
    expect(await within(toasts()).findByText("Test suite saved")).toBeInTheDocument();
  });

  it("refuses bad input before calling Rust, with the check and the problem", async () => {
    const backend = mockBackend();
    const { user, suite } = await openDetails(model2.name);
    const accuracy = within(suite).getByRole("textbox", { name: "Threshold of check 1" });
    await user.clear(accuracy);
    await user.type(accuracy, "150");
    await user.click(within(suite).getByRole("button", { name: "Add regression check" }));
    await user.type(within(suite).getByRole("textbox", { name: "Margin of check 6" }), "-1");
    await user.click(within(suite).getByRole("button", { name: "Add regression check" }));
    await user.click(within(suite).getByRole("button", { name: "Save suite" }));

    const alerts = within(suite).getAllByRole("alert").map((a) => a.textContent);
    expect(alerts).toEqual([
      "Check 1 (absolute, Accuracy): the threshold must be between 0 and 100 %.",
      "Check 6 (regression, Accuracy): the margin must not be negative.",
      "Check 7 (regression, Accuracy): the suite already has this check.",
    ]);
    expect(accuracy).toHaveAttribute("aria-invalid", "true");
    expect(backend.callsOf("save_test_suite")).toHaveLength(0);

    // Discard brings the stored suite back.
    await user.click(within(suite).getByRole("button", { name: "Discard changes" }));
    expect(within(suite).getByRole("textbox", { name: "Threshold of check 1" })).toHaveValue("90");
    expect(within(suite).queryByRole("alert")).not.toBeInTheDocument();
  });

  it("shows Rust's refusal and keeps the draft", async () => {
    const message = 'Check 1 (absolute accuracy): unknown metric "f1".';
    const backend = mockBackend({
      save_test_suite: () => {
        throw { code: "INVALID_INPUT", message };
      },
    });
    const { user, suite } = await openDetails(model2.name);
    await user.click(within(suite).getByRole("button", { name: "Remove check 5" }));
    await user.click(within(suite).getByRole("button", { name: "Save suite" }));
    await waitFor(() => expect(backend.callsOf("save_test_suite")).toHaveLength(1));
    expect(saved(backend)[0]!.checks).toEqual(defaultSuite.slice(0, 4));
    expect(await within(suite).findByRole("alert")).toHaveTextContent(`Couldn't save the suite: ${message}`);
    expect(within(suite).queryByRole("textbox", { name: "Threshold of check 5" })).not.toBeInTheDocument();
  });

  it("an artifact check has no value and can be added once", async () => {
    const backend = mockBackend({
      save_test_suite: (args) => ({ ...(args as { request: SaveSuiteRequest }).request }),
    });
    const { user, suite } = await openDetails(model2.name);
    const add = within(suite).getByRole("button", { name: "Add artifact check" });
    await user.click(add);
    expect(add).toBeDisabled();
    await user.click(within(suite).getByRole("button", { name: "Save suite" }));
    await waitFor(() => expect(saved(backend)).toHaveLength(1));
    expect(saved(backend)[0]!.checks[5]).toEqual({
      kind: "artifact",
      metric: null,
      threshold: null,
      marginAbs: null,
      marginRel: null,
      enabled: true,
    });
  });
});

describe("quality gates: test runs", () => {
  it("lists the runs with N/M passed; a run expands to each check's observed value, rule and outcome", async () => {
    const backend = mockBackend();
    const { user, dialog } = await openDetails(model2.name);
    await waitFor(() => expect(backend.callsOf("list_test_runs")).toHaveLength(1));
    expect(backend.callsOf("list_test_runs")[0]?.args).toEqual({ request: { modelId: "model-2", offset: 0, limit: 10 } });
    const toggle = await within(dialog).findByRole("button", { name: /4\/5 passed version 1\.8\.5/ });
    expect(toggle).toHaveAttribute("aria-expanded", "false");
    await user.click(toggle);
    expect(toggle).toHaveAttribute("aria-expanded", "true");
    const run = toggle.closest("li") as HTMLElement;
    const row = within(run).getByRole("rowheader", { name: "Error rate" }).closest("tr") as HTMLElement;
    expect(row).toHaveTextContent("0.40%");
    expect(row).toHaveTextContent("<= 1.00%");
    expect(row).toHaveTextContent("Fail");
  });

  it("shows skipped checks apart from the score", async () => {
    const base = testRun(model2, 5);
    const run = {
      ...base,
      skipped: 1,
      checks: [
        ...base.checks,
        {
          kind: "regression" as const,
          metric: "accuracy" as const,
          aspect: null,
          comparator: null,
          observed: 0.917,
          threshold: null,
          passed: false,
          outcome: "skipped" as const,
          detail: "no version has been in production to compare with",
        },
      ],
    };
    mockBackend({ list_test_runs: () => ({ runs: [run], offset: 0, total: 1 }) });
    const { user, dialog } = await openDetails(model2.name);
    const toggle = await within(dialog).findByRole("button", { name: /5\/5 passed · 1 skipped/ });
    await user.click(toggle);
    const row = within(toggle.closest("li") as HTMLElement)
      .getByRole("rowheader", { name: "Accuracy vs production" })
      .closest("tr") as HTMLElement;
    expect(row).toHaveTextContent("Skipped");
    expect(row).toHaveTextContent("no version has been in production");
  });
});

describe("quality gates: deploying past a blocked gate", () => {
  const blocked =
    "Can't deploy model-2 1.8.5 to production: its latest test run (#7) failed with 4/5 checks passed. Run the tests until they pass, or deploy anyway with a reason.";

  function backendBlockingOnce() {
    return mockBackend({
      deploy_model: (args) => {
        const req = (args as { request: { overrideReason?: string } }).request;
        if (!req.overrideReason) throw { code: "GATE_BLOCKED", message: blocked };
        return { model: { ...model2, status: "production" }, from: "staging", to: "production", message: "deployed." };
      },
    });
  }

  async function deployAndGetBlocked() {
    const backend = backendBlockingOnce();
    const r = await openDetails(model2.name);
    await r.user.click(within(r.dialog).getByRole("button", { name: "Deploy to production" }));
    const confirm = await screen.findByRole("alertdialog", { name: `Deploy ${model2.name} to production?` });
    // The confirmation already says what the gate will do, from the current version's latest run.
    expect(confirm).toHaveTextContent("Its latest test run passed 4/5 checks: the quality gate will refuse it");
    await r.user.click(within(confirm).getByRole("button", { name: "Deploy to production" }));
    const gate = await screen.findByRole("alertdialog", { name: "Quality gate blocked the deploy" });
    return { ...r, backend, gate };
  }

  it("says why, asks for a reason, and retries with the override", async () => {
    const { user, backend, gate } = await deployAndGetBlocked();
    expect(gate).toHaveTextContent(blocked);
    expect(backend.callsOf("deploy_model")).toHaveLength(1);

    await user.click(within(gate).getByRole("button", { name: "Deploy anyway…" }));
    await user.click(within(gate).getByRole("button", { name: "Deploy with override" }));
    expect(within(gate).getByRole("alert")).toHaveTextContent("Give a reason");
    await user.type(within(gate).getByRole("textbox", { name: `Why deploy ${model2.name} anyway?` }), "   ");
    await user.click(within(gate).getByRole("button", { name: "Deploy with override" }));
    expect(backend.callsOf("deploy_model")).toHaveLength(1);

    await user.type(within(gate).getByRole("textbox"), "  hotfix for incident 42 ");
    await user.click(within(gate).getByRole("button", { name: "Deploy with override" }));
    await waitFor(() => expect(backend.callsOf("deploy_model")).toHaveLength(2));
    expect(backend.callsOf("deploy_model")[1]?.args).toEqual({
      request: {
        modelId: "model-2",
        targetEnv: "production",
        overrideReason: "hotfix for incident 42",
        expected: { status: model2.status, version: model2.version },
      },
    });
    expect(await within(toasts()).findByText(`${model2.name} deployed to production (gate overridden)`)).toBeInTheDocument();
    expect(screen.queryByRole("alertdialog")).not.toBeInTheDocument();
  });

  it("Cancel deploys nothing and the model stays as it was", async () => {
    const { user, backend, gate } = await deployAndGetBlocked();
    await user.click(within(gate).getByRole("button", { name: "Cancel" }));
    expect(screen.queryByRole("alertdialog")).not.toBeInTheDocument();
    expect(backend.callsOf("deploy_model")).toHaveLength(1);
    expect(within(toasts()).queryByText(/deployed to production/)).not.toBeInTheDocument();
  });

  it("a refusal of the override is toasted", async () => {
    const backend = mockBackend({
      deploy_model: (args) => {
        const req = (args as { request: { overrideReason?: string } }).request;
        if (!req.overrideReason) throw { code: "GATE_BLOCKED", message: blocked };
        throw { code: "ILLEGAL_TRANSITION", message: "Can't deploy to production model-2: it is already in production." };
      },
    });
    const { user, dialog } = await openDetails(model2.name);
    await user.click(within(dialog).getByRole("button", { name: "Deploy to production" }));
    await user.click(within(await screen.findByRole("alertdialog")).getByRole("button", { name: "Deploy to production" }));
    const gate = await screen.findByRole("alertdialog", { name: "Quality gate blocked the deploy" });
    await user.click(within(gate).getByRole("button", { name: "Deploy anyway…" }));
    await user.type(within(gate).getByRole("textbox"), "because");
    await user.click(within(gate).getByRole("button", { name: "Deploy with override" }));
    await waitFor(() => expect(backend.callsOf("deploy_model")).toHaveLength(2));
    expect(await within(toasts()).findByText("Deploy to production failed")).toBeInTheDocument();
  });
});
