import { screen, waitFor, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { mockBackend, renderApp, sendProgress, taskArgs } from "../../test/render";

const toasts = () => screen.getByRole("region", { name: "Notifications" });

/** Export CSV, then one of the two choices of the dialog. */
async function exportChoosing(user: ReturnType<typeof renderApp>["user"], choice: RegExp) {
  await user.click(screen.getByRole("button", { name: "Export CSV" }));
  const dialog = await screen.findByRole("dialog", { name: "Export models to CSV" });
  await user.click(within(dialog).getByRole("button", { name: choice }));
}

describe("Export CSV", () => {
  it("asks for a path, exports there and toasts the row count", async () => {
    const backend = mockBackend({
      "plugin:dialog|save": () => "/home/ana/modelops.csv",
      export_models_csv: () => ({ path: "/home/ana/modelops.csv", rows: 4 }),
    });
    const { user } = renderApp();
    await screen.findByRole("table", { name: "Models" });
    await waitFor(() => expect(screen.getByText("4 of 4 models")).toBeInTheDocument());
    await user.click(screen.getByRole("button", { name: "Export CSV" }));
    const dialog = await screen.findByRole("dialog", { name: "Export models to CSV" });
    expect(within(dialog).getByRole("button", { name: /^Export shown: 4 models/ })).toBeInTheDocument();
    await user.click(within(dialog).getByRole("button", { name: /^Export all 4 models/ }));
    expect(screen.queryByRole("dialog")).not.toBeInTheDocument();

    await waitFor(() => expect(backend.callsOf("export_models_csv")).toHaveLength(1));
    const save = backend.callsOf("plugin:dialog|save");
    expect(save).toHaveLength(1);
    expect(save[0]?.args).toMatchObject({
      options: {
        defaultPath: expect.stringMatching(/^modelops-models-\d{4}-\d{2}-\d{2}\.csv$/),
        filters: [{ name: "CSV", extensions: ["csv"] }],
      },
    });
    expect(backend.callsOf("export_models_csv")[0]?.args).toEqual({ request: { path: "/home/ana/modelops.csv" }, ...taskArgs });
    const order = backend.calls.map((c) => c.cmd).filter((c) => c === "plugin:dialog|save" || c === "export_models_csv");
    expect(order).toEqual(["plugin:dialog|save", "export_models_csv"]);
    expect(await within(toasts()).findByText("Exported 4 models to /home/ana/modelops.csv")).toBeInTheDocument();
  });

  it("does nothing when the save dialog is cancelled", async () => {
    const backend = mockBackend({ "plugin:dialog|save": () => null });
    const { user } = renderApp();
    await screen.findByRole("table", { name: "Models" });
    const button = screen.getByRole("button", { name: "Export CSV" });
    await exportChoosing(user, /^Export all/);
    await waitFor(() => expect(backend.callsOf("plugin:dialog|save")).toHaveLength(1));
    await waitFor(() => expect(button).toBeEnabled());
    expect(backend.callsOf("export_models_csv")).toHaveLength(0);
    expect(within(toasts()).queryAllByRole("listitem")).toHaveLength(0);
  });

  it("toasts Rust's message when the export fails", async () => {
    mockBackend({
      "plugin:dialog|save": () => "/read-only/x.csv",
      export_models_csv: () => {
        throw { code: "IO", message: "Writing /read-only/x.csv: Permission denied (os error 13)" };
      },
    });
    const { user } = renderApp();
    await screen.findByRole("table", { name: "Models" });
    await exportChoosing(user, /^Export shown/);
    expect(
      await within(toasts()).findByText("Writing /read-only/x.csv: Permission denied (os error 13)"),
    ).toBeInTheDocument();
  });

  it("is disabled while exporting", async () => {
    let finish: (v: unknown) => void = () => {};
    mockBackend({
      "plugin:dialog|save": () => "/tmp/a.csv",
      export_models_csv: () => new Promise((resolve) => (finish = resolve)),
    });
    const { user } = renderApp();
    await screen.findByRole("table", { name: "Models" });
    const button = screen.getByRole("button", { name: "Export CSV" });
    await exportChoosing(user, /^Export all/);
    await waitFor(() => expect(button).toBeDisabled());
    finish({ path: "/tmp/a.csv", rows: 1 });
    expect(await within(toasts()).findByText("Exported 1 model to /tmp/a.csv")).toBeInTheDocument();
    expect(button).toBeEnabled();
  });

  it("Export shown passes the table's view: its search, filters and order", async () => {
    const backend = mockBackend({
      "plugin:dialog|save": () => "/tmp/prod.csv",
      export_models_csv: () => ({ path: "/tmp/prod.csv", rows: 2 }),
    });
    const { user } = renderApp();
    await screen.findByRole("table", { name: "Models" });
    await user.click(screen.getByRole("button", { name: "Production", pressed: false }));
    await user.click(screen.getByRole("button", { name: "Accuracy" }));
    await user.click(screen.getByRole("button", { name: "Accuracy" }));
    await waitFor(() => expect(screen.getByText("2 of 4 models")).toBeInTheDocument());

    await exportChoosing(user, /^Export shown: 2 models/);
    await waitFor(() => expect(backend.callsOf("export_models_csv")).toHaveLength(1));
    expect(backend.callsOf("export_models_csv")[0]?.args).toEqual({
      request: {
        path: "/tmp/prod.csv",
        view: { filter: { statuses: ["production"] }, sort: "accuracy", dir: "desc" },
      },
      ...taskArgs,
    });
    expect(await within(toasts()).findByText("Exported 2 models to /tmp/prod.csv")).toBeInTheDocument();
  });

  it("Cancel in the choice dialog asks for no path and exports nothing", async () => {
    const backend = mockBackend();
    const { user } = renderApp();
    await screen.findByRole("table", { name: "Models" });
    await user.click(screen.getByRole("button", { name: "Export CSV" }));
    const dialog = await screen.findByRole("dialog", { name: "Export models to CSV" });
    await user.click(within(dialog).getByRole("button", { name: "Cancel" }));
    expect(screen.queryByRole("dialog")).not.toBeInTheDocument();
    expect(backend.callsOf("plugin:dialog|save")).toHaveLength(0);
    expect(backend.callsOf("export_models_csv")).toHaveLength(0);
  });

  it("shows Rust's progress and Cancel stops the export: a neutral toast, no error", async () => {
    let reject: (e: unknown) => void = () => {};
    const backend = mockBackend({
      "plugin:dialog|save": () => "/tmp/big.csv",
      export_models_csv: () => new Promise((_resolve, r) => (reject = r)),
      cancel_task: () => {
        reject({ code: "CANCELLED", message: "Export cancelled; nothing was written." });
        return null;
      },
    });
    const { user } = renderApp();
    await screen.findByRole("table", { name: "Models" });
    await exportChoosing(user, /^Export all/);
    await waitFor(() => expect(backend.callsOf("export_models_csv")).toHaveLength(1));
    const args = backend.callsOf("export_models_csv")[0]?.args;
    expect(screen.queryByTestId("task-progress")).not.toBeInTheDocument();

    sendProgress(args, { phase: "exporting", done: 0, total: 250000 });
    sendProgress(args, { phase: "exporting", done: 61250, total: 250000 });
    const bar = await screen.findByRole("progressbar", { name: "Exporting models" });
    await waitFor(() => expect(bar).toHaveAttribute("value", "61250"));
    expect(bar).toHaveAttribute("max", "250000");
    expect(bar).toHaveAttribute("data-testid", "task-progress");
    expect(screen.getByText("61,250 of 250,000 rows")).toBeInTheDocument();

    await user.click(screen.getByTestId("task-cancel"));
    expect(backend.callsOf("cancel_task")[0]?.args).toEqual({ taskId: (args as { taskId: string }).taskId });
    // Found, not got: on a loaded machine the export dialog may still hide the rest of the page for a moment.
    const region = await screen.findByRole("region", { name: "Notifications" });
    expect(await within(region).findByText("Export cancelled; nothing was written")).toBeInTheDocument();
    expect(within(region).queryByText("Export failed")).not.toBeInTheDocument();
    await waitFor(() => expect(screen.queryByTestId("task-progress")).not.toBeInTheDocument());
    expect(screen.getByRole("button", { name: "Export CSV" })).toBeEnabled();
  });

  it("shows no bar for an export that finishes before its first report", async () => {
    mockBackend({
      "plugin:dialog|save": () => "/tmp/a.csv",
      export_models_csv: () => ({ path: "/tmp/a.csv", rows: 4 }),
    });
    const { user } = renderApp();
    await screen.findByRole("table", { name: "Models" });
    await exportChoosing(user, /^Export all/);
    expect(await within(toasts()).findByText("Exported 4 models to /tmp/a.csv")).toBeInTheDocument();
    expect(screen.queryByTestId("task-progress")).not.toBeInTheDocument();
  });
});
