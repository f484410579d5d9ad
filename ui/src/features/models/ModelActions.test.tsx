import { screen, waitFor, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { model1, model2, model3, testRun } from "../../test/fixtures";
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
      request: { modelId: "model-2", targetEnv: "production" },
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
    expect(backend.callsOf("promote_model")[0]?.args).toEqual({ request: { modelId: "model-3" } });
    expect(await within(toasts()).findByText(`${model3.name} promoted to staging`)).toBeInTheDocument();
  });

  it("Rollback sends rollback_model and toasts the versions", async () => {
    const backend = mockBackend({
      rollback_model: () => ({
        model: { ...model1, version: "2.0.9", previousVersion: null },
        rolledBackFrom: "2.1.0",
        rolledBackTo: "2.0.9",
        message: "Rolled back.",
      }),
    });
    const { user, dialog } = await openDetails(model1.name);
    await user.click(within(dialog).getByRole("button", { name: "Rollback" }));
    await waitFor(() => expect(backend.callsOf("rollback_model")).toHaveLength(1));
    expect(backend.callsOf("rollback_model")[0]?.args).toEqual({ request: { modelId: "model-1" } });
    expect(await within(toasts()).findByText(`${model1.name} rolled back 2.1.0 → 2.0.9`)).toBeInTheDocument();
  });

  it("a refused call shows Rust's message in an error toast", async () => {
    const message = "Can't roll back TGNN - Attack Surface Model: 2.1.0 is its first version, there is no previous one.";
    mockBackend({
      rollback_model: () => {
        throw { code: "NO_PREVIOUS_VERSION", message };
      },
    });
    const { user, dialog } = await openDetails(model1.name);
    await user.click(within(dialog).getByRole("button", { name: "Rollback" }));
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
    expect(backend.callsOf("run_tests")[0]?.args).toEqual({ request: { modelId: "model-2" } });

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
    expect(backend.callsOf("archive_model")[0]?.args).toEqual({ request: { modelId: "model-3" } });
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

  it("closes with the Close button and gives focus back to the row button", async () => {
    mockBackend();
    const { user, dialog } = await openDetails(model1.name);
    await user.click(within(dialog).getByRole("button", { name: "Close details" }));
    expect(screen.queryByRole("dialog")).not.toBeInTheDocument();
    expect(screen.getByRole("button", { name: `View details of ${model1.name}` })).toHaveFocus();
  });
});
