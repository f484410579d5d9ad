import { screen, waitFor, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { model1, model2, model3, model4, testRun } from "../../test/fixtures";
import { mockBackend, renderApp } from "../../test/render";
import type { Model } from "../../bindings/Model";

const transition = (model: Model, from: string, to: string) => () => ({
  model: { ...model, status: to },
  from,
  to,
  message: `${model.name} moved from ${from} to ${to}.`,
});

async function openDetails(name: string) {
  const r = renderApp();
  await r.user.click(await screen.findByRole("button", { name: `View details of ${name}` }));
  const dialog = await screen.findByRole("dialog", { name: name });
  // Wait for the details (thresholds) so the lifecycle checks see the A/B tests.
  await within(dialog).findByText("Test thresholds");
  return { ...r, dialog };
}

const toasts = () => screen.getByRole("region", { name: "Notifications" });

/** What the page sends as the state the user saw when acting on `m` (a stale one is refused as CONFLICT). */
const seen = (m: { status: string; version: string }) => ({ status: m.status, version: m.version });

describe("model actions", () => {
  it("Deploy to production asks first, then sends deploy_model with targetEnv production", async () => {
    const backend = mockBackend({ deploy_model: transition(model2, "staging", "production") });
    const { user, dialog } = await openDetails(model2.name);

    await user.click(within(dialog).getByRole("button", { name: "Deploy to production" }));
    const confirm = await screen.findByRole("alertdialog", { name: `Deploy ${model2.name} to production?` });
    expect(confirm).toHaveTextContent("moves from staging to production");
    expect(backend.callsOf("deploy_model")).toHaveLength(0);

    await user.click(within(confirm).getByRole("button", { name: "Deploy to production" }));
    await waitFor(() => expect(backend.callsOf("deploy_model")).toHaveLength(1));
    expect(backend.callsOf("deploy_model")[0]?.args).toEqual({
      request: { modelId: "model-2", targetEnv: "production", expected: seen(model2) },
    });
    expect(await within(toasts()).findByText(`${model2.name} deployed to production`)).toBeInTheDocument();
    expect(screen.queryByRole("alertdialog")).not.toBeInTheDocument();
  });

  it("cancelling the deploy confirmation calls nothing", async () => {
    const backend = mockBackend({ deploy_model: transition(model2, "staging", "production") });
    const { user, dialog } = await openDetails(model2.name);
    await user.click(within(dialog).getByRole("button", { name: "Deploy to production" }));
    const confirm = await screen.findByRole("alertdialog");
    await user.click(within(confirm).getByRole("button", { name: "Cancel" }));
    expect(screen.queryByRole("alertdialog")).not.toBeInTheDocument();
    expect(backend.callsOf("deploy_model")).toHaveLength(0);
    expect(screen.getByRole("dialog", { name: model2.name })).toBeInTheDocument();
  });

  it("Promote to Staging sends promote_model for the model", async () => {
    const backend = mockBackend({ promote_model: transition(model3, "development", "staging") });
    const { user, dialog } = await openDetails(model3.name);
    await user.click(within(dialog).getByRole("button", { name: "Promote to Staging" }));
    await waitFor(() => expect(backend.callsOf("promote_model")).toHaveLength(1));
    expect(backend.callsOf("promote_model")[0]?.args).toEqual({ request: { modelId: "model-3", expected: seen(model3) } });
    expect(await within(toasts()).findByText(`${model3.name} promoted to staging`)).toBeInTheDocument();
  });

  it("Rollback asks for a target (previousVersion by default) and a reason, then sends both", async () => {
    const backend = mockBackend({
      rollback_model: () => ({
        model: { ...model1, version: "2.0.9", previousVersion: null },
        rolledBackFrom: "2.1.0",
        rolledBackTo: "2.0.9",
        message: "TGNN - Attack Surface Model rolled back from 2.1.0 to 2.0.9.",
      }),
    });
    const { user, dialog } = await openDetails(model1.name);
    await user.click(within(dialog).getByRole("button", { name: "Rollback" }));
    const confirm = await screen.findByRole("dialog", { name: `Roll back ${model1.name}` });
    expect(backend.callsOf("rollback_model")).toHaveLength(0);

    const select = within(confirm).getByRole("combobox", { name: "Roll back to" });
    expect(select).toHaveValue("2.0.9");
    const options = within(select).getAllByRole("option");
    // The default target first, then the other deployed versions; never the current one.
    expect(options.map((o) => (o as HTMLOptionElement).value)).toEqual(["2.0.9", "2.0.0"]);
    expect(options[0]).toHaveTextContent("2.0.9 (was in production before 2.1.0)");
    expect(options[1]).toHaveTextContent(/^2\.0\.0 — staging /);
    expect(within(confirm).getByRole("button", { name: "Cancel" })).toHaveFocus();

    await user.type(within(confirm).getByRole("textbox", { name: "Reason (optional)" }), "  Error rate spiked  ");
    await user.click(within(confirm).getByRole("button", { name: "Roll back" }));
    await waitFor(() => expect(backend.callsOf("rollback_model")).toHaveLength(1));
    expect(backend.callsOf("rollback_model")[0]?.args).toEqual({
      request: { modelId: "model-1", toVersion: "2.0.9", reason: "Error rate spiked", expected: seen(model1) },
    });
    expect(await within(toasts()).findByText(`${model1.name} rolled back 2.1.0 → 2.0.9`)).toBeInTheDocument();
    expect(screen.queryByRole("dialog", { name: `Roll back ${model1.name}` })).not.toBeInTheDocument();
  });

  it("Rollback goes to the version chosen in the select, without a reason when none is typed", async () => {
    const backend = mockBackend({
      rollback_model: () => ({
        model: { ...model1, version: "2.0.0" },
        rolledBackFrom: "2.1.0",
        rolledBackTo: "2.0.0",
        message: "Rolled back.",
      }),
    });
    const { user, dialog } = await openDetails(model1.name);
    await user.click(within(dialog).getByRole("button", { name: "Rollback" }));
    const confirm = await screen.findByRole("dialog", { name: `Roll back ${model1.name}` });
    await user.selectOptions(within(confirm).getByRole("combobox", { name: "Roll back to" }), "2.0.0");
    await user.click(within(confirm).getByRole("button", { name: "Roll back" }));
    await waitFor(() => expect(backend.callsOf("rollback_model")).toHaveLength(1));
    expect(backend.callsOf("rollback_model")[0]?.args).toEqual({
      request: { modelId: "model-1", toVersion: "2.0.0", expected: seen(model1) },
    });
  });

  it("a development model's default target, registered before and never deployed, is left to Rust's default", async () => {
    const dev = { ...model3, previousVersion: "2.9.0" };
    const backend = mockBackend(
      {
        rollback_model: () => ({ model: { ...dev, version: "2.9.0" }, rolledBackFrom: "3.0.0", rolledBackTo: "2.9.0", message: "ok" }),
      },
      { models: [model1, model2, dev, model4] },
    );
    const { user, dialog } = await openDetails(dev.name);
    await user.click(within(dialog).getByRole("button", { name: "Rollback" }));
    const confirm = await screen.findByRole("dialog", { name: `Roll back ${dev.name}` });
    const select = within(confirm).getByRole("combobox", { name: "Roll back to" });
    expect(select).toHaveValue("2.9.0");
    expect(within(select).getByRole("option", { name: "2.9.0 (registered before 3.0.0)" })).toBeInTheDocument();
    await user.click(within(confirm).getByRole("button", { name: "Roll back" }));
    await waitFor(() => expect(backend.callsOf("rollback_model")).toHaveLength(1));
    expect(backend.callsOf("rollback_model")[0]?.args).toEqual({ request: { modelId: "model-3", expected: seen(dev) } });
  });

  it("cancelling the rollback dialog calls nothing", async () => {
    const backend = mockBackend();
    const { user, dialog } = await openDetails(model1.name);
    await user.click(within(dialog).getByRole("button", { name: "Rollback" }));
    const confirm = await screen.findByRole("dialog", { name: `Roll back ${model1.name}` });
    await user.click(within(confirm).getByRole("button", { name: "Cancel" }));
    expect(screen.queryByRole("dialog", { name: `Roll back ${model1.name}` })).not.toBeInTheDocument();
    expect(backend.callsOf("rollback_model")).toHaveLength(0);
  });

  it("a refused call shows Rust's message in an error toast", async () => {
    const message = "model-1 2.0.0 was never deployed; rollback goes to versions that ran in staging or production.";
    mockBackend({
      rollback_model: () => {
        throw { code: "INVALID_INPUT", message };
      },
    });
    const { user, dialog } = await openDetails(model1.name);
    await user.click(within(dialog).getByRole("button", { name: "Rollback" }));
    const confirm = await screen.findByRole("dialog", { name: `Roll back ${model1.name}` });
    await user.click(within(confirm).getByRole("button", { name: "Roll back" }));
    expect(await within(toasts()).findByText(message)).toBeInTheDocument();
    expect(within(toasts()).getByText("Rollback failed")).toBeInTheDocument();
    // The page behind a modal dialog is inert: the toasts must be inside the open dialog.
    expect(dialog).toContainElement(toasts());
  });

  it("Run Tests sends run_tests and shows the result in the modal and a toast", async () => {
    const backend = mockBackend({ run_tests: () => testRun(model2, 4) });
    const { user, dialog } = await openDetails(model2.name);
    await user.click(within(dialog).getByRole("button", { name: "Run Tests" }));
    await waitFor(() => expect(backend.callsOf("run_tests")).toHaveLength(1));
    expect(backend.callsOf("run_tests")[0]?.args).toEqual({ request: { modelId: "model-2", expected: seen(model2) } });

    const result = (await within(dialog).findByRole("heading", { name: "Latest test result" })).closest(".test-run");
    expect(result).not.toBeNull();
    const r = within(result as HTMLElement);
    expect(r.getByText("4/5 passed")).toBeInTheDocument();
    expect(r.getByText("80% success rate")).toBeInTheDocument();
    const errorRow = r.getByRole("rowheader", { name: "Error rate" }).closest("tr") as HTMLElement;
    expect(errorRow).toHaveTextContent("0.40%");
    expect(errorRow).toHaveTextContent("<= 1.00%");
    expect(errorRow).toHaveTextContent("Fail");
    expect(await within(toasts()).findByText("Tests failed: 4/5 passed")).toBeInTheDocument();
  });

  it("Archive asks first, then sends archive_model", async () => {
    const backend = mockBackend({ archive_model: transition(model3, "development", "archived") });
    const { user, dialog } = await openDetails(model3.name);
    await user.click(within(dialog).getByRole("button", { name: "Archive" }));
    const confirm = await screen.findByRole("alertdialog", { name: `Archive ${model3.name}?` });
    expect(confirm).toHaveTextContent("read-only");
    expect(backend.callsOf("archive_model")).toHaveLength(0);
    await user.click(within(confirm).getByRole("button", { name: "Archive model" }));
    await waitFor(() => expect(backend.callsOf("archive_model")).toHaveLength(1));
    expect(backend.callsOf("archive_model")[0]?.args).toEqual({ request: { modelId: "model-3", expected: seen(model3) } });
    expect(await within(toasts()).findByText(`${model3.name} archived`)).toBeInTheDocument();
  });

  it("cancelling the archive confirmation calls nothing", async () => {
    const backend = mockBackend({ archive_model: transition(model3, "development", "archived") });
    const { user, dialog } = await openDetails(model3.name);
    await user.click(within(dialog).getByRole("button", { name: "Archive" }));
    await user.click(within(await screen.findByRole("alertdialog")).getByRole("button", { name: "Cancel" }));
    expect(backend.callsOf("archive_model")).toHaveLength(0);
  });

  it("disables impossible actions and says why", async () => {
    mockBackend();
    const { dialog } = await openDetails(model3.name); // development, first version
    const deploy = within(dialog).getByRole("button", { name: "Deploy to production" });
    expect(deploy).toBeDisabled();
    expect(deploy).toHaveAttribute("title", expect.stringContaining("Promote to staging first"));
    expect(within(dialog).getByRole("button", { name: "Rollback" })).toBeDisabled();
    expect(within(dialog).getByRole("button", { name: "Promote to Staging" })).toBeEnabled();
    expect(within(dialog).getByRole("button", { name: "Run Tests" })).toBeEnabled();
    expect(within(dialog).getByRole("button", { name: "Archive" })).toBeEnabled();
  });

  it("forbids archiving a model in a running A/B test", async () => {
    mockBackend();
    const { dialog } = await openDetails(model1.name); // model-1 is in the running ab-1
    const archive = within(dialog).getByRole("button", { name: "Archive" });
    expect(archive).toBeDisabled();
    expect(archive).toHaveAttribute("title", expect.stringContaining("running A/B test"));
  });

  it("disables every action of the model while one runs", async () => {
    let finish: (v: unknown) => void = () => {};
    mockBackend({ run_tests: () => new Promise((resolve) => (finish = resolve)) });
    const { user, dialog } = await openDetails(model2.name);
    await user.click(within(dialog).getByRole("button", { name: "Run Tests" }));
    await waitFor(() => expect(within(dialog).getByRole("button", { name: "Run Tests" })).toBeDisabled());
    expect(within(dialog).getByRole("button", { name: "Run Tests" })).toHaveAttribute("aria-busy", "true");
    for (const name of ["Deploy to production", "Rollback", "Archive"]) {
      expect(within(dialog).getByRole("button", { name })).toBeDisabled();
    }
    finish(testRun(model2, 5));
    await waitFor(() => expect(within(dialog).getByRole("button", { name: "Deploy to production" })).toBeEnabled());
    expect(await within(toasts()).findByText("Tests passed: 5/5")).toBeInTheDocument();
  });

  it("shows the model's history with readable events", async () => {
    mockBackend();
    const { dialog } = await openDetails(model1.name);
    expect(within(dialog).getByText("Deployed staging → production")).toBeInTheDocument();
    expect(within(dialog).getByText("Tested 4/5 passed")).toBeInTheDocument();
    expect(within(dialog).getByText("Current")).toBeInTheDocument();
    expect(within(dialog).getByText("2.0.9", { selector: "th" })).toBeInTheDocument();
  });

  it("lists every version with framework, artifact, notes, tags and deployments", async () => {
    mockBackend();
    const { dialog } = await openDetails(model1.name);
    const current = within(dialog).getByText("2.1.0", { selector: "th" }).closest("tbody") as HTMLElement;
    expect(current).toHaveClass("row-current");
    expect(current).toHaveTextContent("PyTorch");
    expect(current).toHaveTextContent(/Deployed: staging \w{3} \d+ · production \w{3} \d+/);
    expect(current).toHaveTextContent("/models/model-1/2.1.0/model.bin · 2.5 GB · sha256 3f2a9c1d4e5b…");
    const sha = within(current).getByText("sha256 3f2a9c1d4e5b…");
    expect(sha).toHaveAttribute("title", "SHA-256 3f2a9c1d4e5b6a7980f1e2d3c4b5a69788796a5b4c3d2e1f0a9b8c7d6e5f4a3b");
    expect(current).toHaveTextContent("team=secops");
    expect(current).toHaveTextContent("Retrained on the March data.");
    const old = within(dialog).getByText("2.0.9", { selector: "th" }).closest("tbody") as HTMLElement;
    expect(old).not.toHaveClass("row-current");
    expect(old).toHaveTextContent(/Deployed: production \w{3} \d+/);
  });

  it("closes with the Close button and gives focus back to the row button", async () => {
    mockBackend();
    const { user, dialog } = await openDetails(model1.name);
    await user.click(within(dialog).getByRole("button", { name: "Close details" }));
    expect(screen.queryByRole("dialog")).not.toBeInTheDocument();
    expect(screen.getByRole("button", { name: `View details of ${model1.name}` })).toHaveFocus();
  });
});
