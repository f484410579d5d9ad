import { screen, waitFor, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import type { ImportPlan } from "../../bindings/ImportPlan";
import type { ImportRequest } from "../../bindings/ImportRequest";
import type { Model } from "../../bindings/Model";
import { model1, seedModels } from "../../test/fixtures";
import { mockBackend, renderApp, sendProgress, taskArgs } from "../../test/render";

const toasts = () => screen.getByRole("region", { name: "Notifications" });
type User = ReturnType<typeof renderApp>["user"];

const MODELS_JSON = "/home/ana/legacy/data/models.json";
const AB_TESTS_JSON = "/home/ana/legacy/data/ab_tests.json";

/** The native open dialog: answers by the title it was opened with (null = cancelled). */
function openDialog(answers: { models?: string | null; abTests?: string | null }) {
  return (args: unknown) => {
    const title = (args as { options: { title: string } }).options.title;
    if (title === "Choose the legacy models.json") return answers.models ?? null;
    if (title === "Choose the legacy ab_tests.json") return answers.abTests ?? null;
    throw new Error(`unexpected open dialog "${title}"`);
  };
}

const plan: ImportPlan = {
  items: [
    {
      kind: "model",
      id: "model-1",
      name: model1.name,
      action: "update",
      changes: ["new version 2.2.0 (current 2.1.0)", "status production → staging"],
    },
    { kind: "model", id: "model-7", name: "Fraud Scoring - Legacy", action: "create", changes: ["new model, version 0.4.2 in staging"] },
    { kind: "model", id: "model-8", name: "Churn Predictor", action: "create", changes: ["new model, version 1.0.0 in development"] },
    { kind: "abTest", id: "ab-test-fe9f6c7f", name: "model-1 vs model-7 (50% to B)", action: "create", changes: ["running"] },
  ],
  creates: 3,
  updates: 1,
  unchanged: 0,
};

const allUnchanged: ImportPlan = {
  items: plan.items.map((i) => ({ ...i, action: "unchanged", changes: [] })),
  creates: 0,
  updates: 0,
  unchanged: 4,
};

const imported: Model = {
  ...model1,
  id: "model-7",
  name: "Fraud Scoring - Legacy",
  version: "0.4.2",
  status: "staging",
  framework: "XGBoost",
  isDemo: false,
};

async function openImport(user: User) {
  await screen.findByRole("table", { name: "Models" });
  await user.click(screen.getByRole("button", { name: "Import legacy data" }));
  return screen.findByRole("dialog", { name: "Import legacy data" });
}

const requests = (backend: ReturnType<typeof mockBackend>, cmd: string) =>
  backend.callsOf(cmd).map((c) => (c.args as { request: ImportRequest }).request);

/** The preview table's rows as [kind, name, id, action, changes]. */
function tableRows(dialog: HTMLElement) {
  const table = within(dialog).getByRole("table", { name: "What the import would do" });
  expect(table).toHaveAttribute("id", "import-preview-table");
  return within(table)
    .getAllByRole("row")
    .slice(1)
    .map((r) => [...r.querySelectorAll("th, td")].map((c) => c.textContent));
}

describe("import legacy data", () => {
  it("chooses both files in the open dialog, previews them, imports exactly those files and refreshes", async () => {
    const models = [...seedModels];
    const backend = mockBackend(
      {
        "plugin:dialog|open": openDialog({ models: MODELS_JSON, abTests: AB_TESTS_JSON }),
        preview_legacy_import: () => plan,
        apply_legacy_import: () => {
          models.push(imported);
          return plan;
        },
      },
      { models },
    );
    const { user } = renderApp();
    const dialog = await openImport(user);
    const previewButton = within(dialog).getByRole("button", { name: "Preview" });
    const importButton = within(dialog).getByRole("button", { name: "Import" });
    expect(previewButton).toHaveAttribute("id", "import-preview");
    expect(importButton).toHaveAttribute("id", "import-apply");
    expect(previewButton).toBeDisabled(); // no models file yet
    expect(importButton).toBeDisabled(); // no preview yet
    expect(within(dialog).getByRole("button", { name: "Choose models.json…" })).toHaveFocus();

    await user.click(within(dialog).getByRole("button", { name: "Choose models.json…" }));
    await waitFor(() => expect(within(dialog).getByLabelText("Models file")).toHaveValue(MODELS_JSON));
    await user.click(within(dialog).getByRole("button", { name: "Choose ab_tests.json…" }));
    await waitFor(() => expect(within(dialog).getByLabelText("A/B tests file (optional)")).toHaveValue(AB_TESTS_JSON));
    expect(backend.callsOf("plugin:dialog|open").map((c) => c.args)).toEqual([
      {
        options: {
          title: "Choose the legacy models.json",
          filters: [{ name: "JSON", extensions: ["json"] }],
          multiple: false,
          directory: false,
        },
      },
      {
        options: {
          title: "Choose the legacy ab_tests.json",
          filters: [{ name: "JSON", extensions: ["json"] }],
          multiple: false,
          directory: false,
        },
      },
    ]);
    expect(backend.callsOf("preview_legacy_import")).toHaveLength(0); // choosing doesn't preview

    await user.click(previewButton);
    expect(await within(dialog).findByRole("status")).toHaveTextContent("3 to create, 1 to update, 0 unchanged");
    expect(requests(backend, "preview_legacy_import")).toEqual([{ modelsPath: MODELS_JSON, abTestsPath: AB_TESTS_JSON }]);
    expect(tableRows(dialog)).toEqual([
      ["Model", model1.name, "model-1", "Update", "new version 2.2.0 (current 2.1.0); status production → staging"],
      ["Model", "Fraud Scoring - Legacy", "model-7", "Create", "new model, version 0.4.2 in staging"],
      ["Model", "Churn Predictor", "model-8", "Create", "new model, version 1.0.0 in development"],
      ["A/B test", "model-1 vs model-7 (50% to B)", "ab-test-fe9f6c7f", "Create", "running"],
    ]);
    expect(within(dialog).queryByText(/Nothing to import/)).not.toBeInTheDocument();
    expect(backend.callsOf("apply_legacy_import")).toHaveLength(0); // the preview writes nothing

    const before = {
      query_models: backend.callsOf("query_models").length,
      get_summary: backend.callsOf("get_summary").length,
      list_ab_tests: backend.callsOf("list_ab_tests").length,
      list_frameworks: backend.callsOf("list_frameworks").length,
      query_timeline: backend.callsOf("query_timeline").length,
    };
    await user.click(importButton);
    await waitFor(() => expect(backend.callsOf("apply_legacy_import")).toHaveLength(1));
    expect(requests(backend, "apply_legacy_import")).toEqual([{ modelsPath: MODELS_JSON, abTestsPath: AB_TESTS_JSON }]);
    expect(await within(toasts()).findByText("Imported: 3 created, 1 updated")).toBeInTheDocument();
    expect(screen.queryByRole("dialog", { name: "Import legacy data" })).not.toBeInTheDocument();
    expect(screen.getByRole("button", { name: "Import legacy data" })).toHaveFocus();

    // Everything the import can change is asked for again; the table shows the imported model.
    const table = screen.getByRole("table", { name: "Models" });
    expect(await within(table).findByText("Fraud Scoring - Legacy")).toBeInTheDocument();
    for (const [cmd, n] of Object.entries(before)) {
      await waitFor(() => expect(backend.callsOf(cmd).length, cmd).toBeGreaterThan(n));
    }
  });

  it("sends only the models file when no A/B tests file is chosen, and the clear button removes one", async () => {
    const backend = mockBackend({
      "plugin:dialog|open": openDialog({ models: MODELS_JSON, abTests: AB_TESTS_JSON }),
      preview_legacy_import: () => plan,
      apply_legacy_import: () => plan,
    });
    const { user } = renderApp();
    const dialog = await openImport(user);
    await user.click(within(dialog).getByRole("button", { name: "Choose models.json…" }));
    await user.click(within(dialog).getByRole("button", { name: "Choose ab_tests.json…" }));
    await waitFor(() => expect(within(dialog).getByLabelText("A/B tests file (optional)")).toHaveValue(AB_TESTS_JSON));
    await user.click(within(dialog).getByRole("button", { name: "Preview" }));
    await within(dialog).findByRole("table", { name: "What the import would do" });

    // Clearing the optional file resets the preview.
    await user.click(within(dialog).getByRole("button", { name: "Clear the A/B tests file" }));
    expect(within(dialog).getByLabelText("A/B tests file (optional)")).toHaveValue("");
    expect(within(dialog).queryByRole("table", { name: "What the import would do" })).not.toBeInTheDocument();
    expect(within(dialog).getByRole("button", { name: "Import" })).toBeDisabled();
    expect(within(dialog).queryByRole("button", { name: "Clear the A/B tests file" })).not.toBeInTheDocument();

    await user.click(within(dialog).getByRole("button", { name: "Preview" }));
    await within(dialog).findByRole("table", { name: "What the import would do" });
    await user.click(within(dialog).getByRole("button", { name: "Import" }));
    await waitFor(() => expect(backend.callsOf("apply_legacy_import")).toHaveLength(1));
    expect(backend.callsOf("preview_legacy_import")[1]?.args).toEqual({ request: { modelsPath: MODELS_JSON } });
    expect(backend.callsOf("apply_legacy_import")[0]?.args).toEqual({ request: { modelsPath: MODELS_JSON }, ...taskArgs });
  });

  it("shows Rust's INVALID_INPUT message inline, keeps the dialog open, and previews again once fixed", async () => {
    const message = `${MODELS_JSON}: "model-7" (model-7): "0.4" is not a semantic version.`;
    let broken = true;
    const backend = mockBackend({
      "plugin:dialog|open": openDialog({ models: MODELS_JSON }),
      preview_legacy_import: () => {
        if (broken) throw { code: "INVALID_INPUT", message };
        return plan;
      },
    });
    const { user } = renderApp();
    const dialog = await openImport(user);
    await user.click(within(dialog).getByRole("button", { name: "Choose models.json…" }));
    await waitFor(() => expect(within(dialog).getByRole("button", { name: "Preview" })).toBeEnabled());
    await user.click(within(dialog).getByRole("button", { name: "Preview" }));

    const alert = await within(dialog).findByRole("alert");
    expect(alert).toHaveTextContent("Couldn't preview the import");
    expect(alert).toHaveTextContent(message);
    expect(screen.getByRole("dialog", { name: "Import legacy data" })).toBeInTheDocument();
    expect(within(dialog).queryByRole("table", { name: "What the import would do" })).not.toBeInTheDocument();
    expect(within(dialog).getByRole("button", { name: "Import" })).toBeDisabled();
    expect(within(toasts()).queryAllByRole("listitem")).toHaveLength(0); // inline, not a toast

    // The user fixes the file in place and previews again: the error goes, the plan comes.
    broken = false;
    await user.click(within(dialog).getByRole("button", { name: "Preview" }));
    expect(await within(dialog).findByRole("status")).toHaveTextContent("3 to create, 1 to update, 0 unchanged");
    expect(within(dialog).queryByRole("alert")).not.toBeInTheDocument();
    expect(backend.callsOf("preview_legacy_import")).toHaveLength(2);
  });

  it("shows a refused import inline with the dialog open and nothing imported", async () => {
    const message = 'model-7: the name "Fraud Scoring - Legacy" belongs to model-12 already.';
    const backend = mockBackend({
      "plugin:dialog|open": openDialog({ models: MODELS_JSON }),
      preview_legacy_import: () => plan,
      apply_legacy_import: () => {
        throw { code: "CONFLICT", message };
      },
    });
    const { user } = renderApp();
    const dialog = await openImport(user);
    await user.click(within(dialog).getByRole("button", { name: "Choose models.json…" }));
    await waitFor(() => expect(within(dialog).getByRole("button", { name: "Preview" })).toBeEnabled());
    await user.click(within(dialog).getByRole("button", { name: "Preview" }));
    await within(dialog).findByRole("table", { name: "What the import would do" });
    await user.click(within(dialog).getByRole("button", { name: "Import" }));

    const alert = await within(dialog).findByRole("alert");
    expect(alert).toHaveTextContent("Nothing was imported");
    expect(alert).toHaveTextContent(message);
    expect(backend.callsOf("apply_legacy_import")).toHaveLength(1);
    expect(screen.getByRole("dialog", { name: "Import legacy data" })).toBeInTheDocument();
    expect(within(toasts()).queryByText(/^Imported/)).not.toBeInTheDocument();
    // The plan stays on screen, and Import can be tried again.
    expect(within(dialog).getByRole("table", { name: "What the import would do" })).toBeInTheDocument();
    await waitFor(() => expect(within(dialog).getByRole("button", { name: "Import" })).toBeEnabled());
  });

  it("a cancelled open dialog changes nothing: no file, or the file and preview chosen before", async () => {
    let answer: string | null = null;
    const backend = mockBackend({
      "plugin:dialog|open": () => answer,
      preview_legacy_import: () => plan,
    });
    const { user } = renderApp();
    const dialog = await openImport(user);
    const choose = within(dialog).getByRole("button", { name: "Choose models.json…" });

    await user.click(choose);
    await waitFor(() => expect(backend.callsOf("plugin:dialog|open")).toHaveLength(1));
    await waitFor(() => expect(choose).toBeEnabled());
    expect(within(dialog).getByLabelText("Models file")).toHaveValue("");
    expect(within(dialog).getByRole("button", { name: "Preview" })).toBeDisabled();
    expect(within(dialog).queryByRole("alert")).not.toBeInTheDocument();

    answer = MODELS_JSON;
    await user.click(choose);
    await waitFor(() => expect(within(dialog).getByLabelText("Models file")).toHaveValue(MODELS_JSON));
    await user.click(within(dialog).getByRole("button", { name: "Preview" }));
    await within(dialog).findByRole("table", { name: "What the import would do" });

    answer = null;
    await user.click(choose);
    await waitFor(() => expect(backend.callsOf("plugin:dialog|open")).toHaveLength(3));
    await waitFor(() => expect(choose).toBeEnabled());
    expect(within(dialog).getByLabelText("Models file")).toHaveValue(MODELS_JSON);
    expect(within(dialog).getByRole("table", { name: "What the import would do" })).toBeInTheDocument();
    expect(within(dialog).getByRole("button", { name: "Import" })).toBeEnabled();
  });

  it("choosing another file resets the preview", async () => {
    let answer = MODELS_JSON;
    const backend = mockBackend({
      "plugin:dialog|open": () => answer,
      preview_legacy_import: () => plan,
    });
    const { user } = renderApp();
    const dialog = await openImport(user);
    await user.click(within(dialog).getByRole("button", { name: "Choose models.json…" }));
    await waitFor(() => expect(within(dialog).getByRole("button", { name: "Preview" })).toBeEnabled());
    await user.click(within(dialog).getByRole("button", { name: "Preview" }));
    await within(dialog).findByRole("table", { name: "What the import would do" });

    answer = "/tmp/other/models.json";
    await user.click(within(dialog).getByRole("button", { name: "Choose models.json…" }));
    await waitFor(() => expect(within(dialog).getByLabelText("Models file")).toHaveValue("/tmp/other/models.json"));
    expect(within(dialog).queryByRole("table", { name: "What the import would do" })).not.toBeInTheDocument();
    expect(within(dialog).queryByRole("status")).not.toBeInTheDocument();
    expect(within(dialog).getByRole("button", { name: "Import" })).toBeDisabled();
    expect(backend.callsOf("preview_legacy_import")).toHaveLength(1);
  });

  it("says there is nothing to import when everything is unchanged, and disables Import", async () => {
    const backend = mockBackend({
      "plugin:dialog|open": openDialog({ models: MODELS_JSON }),
      preview_legacy_import: () => allUnchanged,
    });
    const { user } = renderApp();
    const dialog = await openImport(user);
    await user.click(within(dialog).getByRole("button", { name: "Choose models.json…" }));
    await waitFor(() => expect(within(dialog).getByRole("button", { name: "Preview" })).toBeEnabled());
    await user.click(within(dialog).getByRole("button", { name: "Preview" }));

    expect(await within(dialog).findByRole("status")).toHaveTextContent("0 to create, 0 to update, 4 unchanged");
    expect(
      within(dialog).getByText("Nothing to import: the registry already has everything in these files."),
    ).toBeInTheDocument();
    expect(tableRows(dialog).map((r) => [r[2], r[3], r[4]])).toEqual([
      ["model-1", "Unchanged", "Already in the registry"],
      ["model-7", "Unchanged", "Already in the registry"],
      ["model-8", "Unchanged", "Already in the registry"],
      ["ab-test-fe9f6c7f", "Unchanged", "Already in the registry"],
    ]);
    const importButton = within(dialog).getByRole("button", { name: "Import" });
    expect(importButton).toBeDisabled();
    await user.click(importButton);
    expect(backend.callsOf("apply_legacy_import")).toHaveLength(0);
  });

  it("disables the buttons while the preview runs", async () => {
    let release: (p: ImportPlan) => void = () => {};
    mockBackend({
      "plugin:dialog|open": openDialog({ models: MODELS_JSON }),
      preview_legacy_import: () => new Promise<ImportPlan>((resolve) => (release = resolve)),
    });
    const { user } = renderApp();
    const dialog = await openImport(user);
    await user.click(within(dialog).getByRole("button", { name: "Choose models.json…" }));
    await waitFor(() => expect(within(dialog).getByRole("button", { name: "Preview" })).toBeEnabled());
    await user.click(within(dialog).getByRole("button", { name: "Preview" }));

    await waitFor(() => expect(within(dialog).getByRole("button", { name: "Preview" })).toBeDisabled());
    expect(within(dialog).getByRole("button", { name: "Preview" })).toHaveAttribute("aria-busy", "true");
    expect(within(dialog).getByRole("button", { name: "Choose models.json…" })).toBeDisabled();
    expect(within(dialog).getByRole("button", { name: "Import" })).toBeDisabled();
    expect(within(dialog).getByText("Reading the files…")).toBeInTheDocument();

    release(plan);
    await waitFor(() => expect(within(dialog).getByRole("button", { name: "Import" })).toBeEnabled());
    expect(within(dialog).getByRole("button", { name: "Preview" })).toBeEnabled();
  });

  it("shows the import's progress and Cancel rolls it back: an info toast, the plan ready to import again", async () => {
    let reject: (e: unknown) => void = () => {};
    const backend = mockBackend({
      "plugin:dialog|open": openDialog({ models: MODELS_JSON }),
      preview_legacy_import: () => plan,
      apply_legacy_import: () => new Promise((_resolve, r) => (reject = r)),
      cancel_task: () => {
        reject({ code: "CANCELLED", message: "Import cancelled; the registry is as it was." });
        return null;
      },
    });
    const { user } = renderApp();
    const dialog = await openImport(user);
    await user.click(within(dialog).getByRole("button", { name: "Choose models.json…" }));
    await user.click(within(dialog).getByRole("button", { name: "Preview" }));
    await within(dialog).findByRole("table", { name: "What the import would do" });
    await user.click(within(dialog).getByRole("button", { name: "Import" }));
    await waitFor(() => expect(backend.callsOf("apply_legacy_import")).toHaveLength(1));
    const args = backend.callsOf("apply_legacy_import")[0]?.args;

    sendProgress(args, { phase: "importing", done: 2, total: 4 });
    const bar = await within(dialog).findByRole("progressbar", { name: "Importing" });
    expect(bar).toHaveAttribute("value", "2");
    expect(within(dialog).getByText("2 of 4 items")).toBeInTheDocument();

    await user.click(within(dialog).getByTestId("task-cancel"));
    expect(backend.callsOf("cancel_task")[0]?.args).toEqual({ taskId: (args as { taskId: string }).taskId });
    expect(await within(toasts()).findByText("Import cancelled")).toBeInTheDocument();
    await waitFor(() => expect(within(dialog).queryByTestId("task-progress")).not.toBeInTheDocument());
    expect(within(dialog).queryByRole("alert")).not.toBeInTheDocument();
    expect(within(dialog).getByRole("button", { name: "Import" })).toBeEnabled();
  });
});
