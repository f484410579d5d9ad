import { screen, waitFor, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import type { Model } from "../../bindings/Model";
import type { RegisterModelRequest } from "../../bindings/RegisterModelRequest";
import type { RegisterVersionRequest } from "../../bindings/RegisterVersionRequest";
import { details, model1, versionInfo } from "../../test/fixtures";
import { mockBackend, renderApp, sendProgress, taskArgs } from "../../test/render";

const toasts = () => screen.getByRole("region", { name: "Notifications" });
type User = ReturnType<typeof renderApp>["user"];

const newModel: Model = {
  ...model1,
  id: "model-9f3a",
  name: "Fraud Scorer",
  version: "1.0.0",
  status: "development",
  framework: "ONNX",
  previousVersion: null,
  deployedAt: null,
  lastTest: null,
  lastTestedAt: null,
  isDemo: false,
};

const registered = (model: Model, message: string) => () => ({
  model,
  version: versionInfo(model, { isCurrent: true, isDemo: false }),
  message,
});

async function openRegister(user: User) {
  await screen.findByRole("table", { name: "Models" });
  await user.click(screen.getByRole("button", { name: "Register model" }));
  return screen.findByRole("dialog", { name: "Register a model" });
}

/** Fills the six metrics (accuracy, AI confidence and error rate in percent). */
async function fillMetrics(user: User, form: HTMLElement, values: Partial<Record<string, string>> = {}) {
  const all = {
    "Accuracy (%)": "94.3",
    "AI confidence (%)": "92",
    "Error rate (%)": "0.15",
    "Uptime (%)": "99.9",
    "Latency (ms)": "45",
    "Throughput (req/s)": "1250",
    ...values,
  };
  for (const [label, value] of Object.entries(all)) {
    const input = within(form).getByLabelText(label);
    await user.clear(input);
    if (value) await user.type(input, value);
  }
}

describe("register a model", () => {
  it("sends register_model with the metrics as fractions, tags and optional fields, then toasts Rust's message", async () => {
    const backend = mockBackend({
      register_model: registered(newModel, "Registered Fraud Scorer 1.0.0 (model-9f3a) in development."),
    });
    const { user } = renderApp();
    const dialog = await openRegister(user);
    expect(within(dialog).getByLabelText("Name")).toHaveFocus();

    await user.type(within(dialog).getByLabelText("Name"), "  Fraud Scorer ");
    await user.type(within(dialog).getByLabelText("Framework"), "ONNX");
    await user.type(within(dialog).getByLabelText("Version"), "1.0.0");
    await fillMetrics(user, dialog);
    await user.type(within(dialog).getByLabelText("Size (optional)"), "1.5");
    await user.selectOptions(within(dialog).getByLabelText("Size unit"), "MB");
    await user.type(within(dialog).getByLabelText("Notes (optional)"), "First cut.");
    await user.click(within(dialog).getByRole("button", { name: "Add tag" }));
    await user.type(within(dialog).getByLabelText("Tag 1 key"), "team");
    await user.type(within(dialog).getByLabelText("Tag 1 value"), "risk");
    await user.click(within(dialog).getByRole("button", { name: "Add tag" }));
    await user.type(within(dialog).getByLabelText("Tag 2 key"), "drop");
    await user.click(within(dialog).getByRole("button", { name: "Remove tag 2" }));
    await user.click(within(dialog).getByRole("button", { name: "Register model" }));

    await waitFor(() => expect(backend.callsOf("register_model")).toHaveLength(1));
    const request: RegisterModelRequest = {
      name: "Fraud Scorer",
      framework: "ONNX",
      version: "1.0.0",
      metrics: { accuracy: 0.943, aiConfidence: 0.92, errorRate: 0.0015, uptime: 99.9, latency: 45, throughput: 1250 },
      sizeBytes: 1_500_000,
      notes: "First cut.",
      tags: [{ key: "team", value: "risk" }],
    };
    expect(backend.callsOf("register_model")[0]?.args).toEqual({ request, ...taskArgs });
    expect(await within(toasts()).findByText("Registered Fraud Scorer 1.0.0 (model-9f3a) in development.")).toBeInTheDocument();
    expect(screen.queryByRole("dialog", { name: "Register a model" })).not.toBeInTheDocument();
    // The new model's details open; the caches were invalidated, so the table asks again.
    expect(await screen.findByRole("dialog", { name: "Fraud Scorer" })).toBeInTheDocument();
  });

  it("refuses obviously bad input before calling Rust, with inline messages", async () => {
    const backend = mockBackend();
    const { user } = renderApp();
    const dialog = await openRegister(user);
    await user.type(within(dialog).getByLabelText("Framework"), "ONNX");
    await user.type(within(dialog).getByLabelText("Version"), "2.x");
    await fillMetrics(user, dialog, { "Accuracy (%)": "120", "Latency (ms)": "-1", "Uptime (%)": "" });
    await user.click(within(dialog).getByRole("button", { name: "Add tag" }));
    await user.type(within(dialog).getByLabelText("Tag 1 value"), "orphan");
    await user.click(within(dialog).getByRole("button", { name: "Register model" }));

    const name = within(dialog).getByLabelText("Name");
    expect(name).toHaveAttribute("aria-invalid", "true");
    expect(name).toHaveAccessibleDescription("A model needs a name.");
    expect(name).toHaveFocus(); // the first problem
    expect(within(dialog).getByLabelText("Version")).toHaveAccessibleDescription(
      expect.stringContaining('"2.x" is not a semantic version'),
    );
    expect(within(dialog).getByLabelText("Accuracy (%)")).toHaveAccessibleDescription("Accuracy must be between 0 and 100%.");
    expect(within(dialog).getByLabelText("Latency (ms)")).toHaveAccessibleDescription("Latency can't be negative.");
    expect(within(dialog).getByLabelText("Uptime (%)")).toHaveAccessibleDescription("Uptime is required.");
    expect(within(dialog).getByText("A tag needs a key.")).toBeInTheDocument();
    expect(within(dialog).getByRole("alert")).toHaveTextContent("Fix the 6 fields marked above.");
    expect(backend.callsOf("register_model")).toHaveLength(0);

    // Fixing them clears the messages and lets the form through.
    await user.type(name, "Fraud Scorer");
    await user.clear(within(dialog).getByLabelText("Version"));
    await user.type(within(dialog).getByLabelText("Version"), "2.0.0");
    await fillMetrics(user, dialog);
    await user.click(within(dialog).getByRole("button", { name: "Remove tag 1" }));
    expect(within(dialog).queryByRole("alert")).not.toBeInTheDocument();
  });

  it("shows Rust's refusal in an error toast and keeps the form open", async () => {
    const message = 'A model named "TGNN - Attack Surface Model" already exists (model-1); register a new version of it instead.';
    mockBackend({
      register_model: () => {
        throw { code: "CONFLICT", message };
      },
    });
    const { user } = renderApp();
    const dialog = await openRegister(user);
    await user.type(within(dialog).getByLabelText("Name"), model1.name);
    await user.type(within(dialog).getByLabelText("Framework"), "PyTorch");
    await user.type(within(dialog).getByLabelText("Version"), "1.0.0");
    await fillMetrics(user, dialog);
    await user.type(within(dialog).getByLabelText("Artifact file (optional)"), "/nope/model.bin");
    await user.click(within(dialog).getByRole("button", { name: "Register model" }));
    expect(await within(toasts()).findByText(message)).toBeInTheDocument();
    expect(within(toasts()).getByText("Couldn't register the model")).toBeInTheDocument();
    expect(dialog).toContainElement(toasts());
    expect(screen.getByRole("dialog", { name: "Register a model" })).toBeInTheDocument();
  });

  it("Choose file… fills the artifact path from the open dialog; cancelling keeps it", async () => {
    let answer: string | null = "/home/ana/models/fraud.onnx";
    const backend = mockBackend({ "plugin:dialog|open": () => answer });
    const { user } = renderApp();
    const dialog = await openRegister(user);
    await user.click(within(dialog).getByRole("button", { name: "Choose file…" }));
    await waitFor(() => expect(within(dialog).getByLabelText("Artifact file (optional)")).toHaveValue("/home/ana/models/fraud.onnx"));
    expect(backend.callsOf("plugin:dialog|open")[0]?.args).toMatchObject({ options: { multiple: false, directory: false } });
    answer = null;
    await user.click(within(dialog).getByRole("button", { name: "Choose file…" }));
    await waitFor(() => expect(backend.callsOf("plugin:dialog|open")).toHaveLength(2));
    expect(within(dialog).getByLabelText("Artifact file (optional)")).toHaveValue("/home/ana/models/fraud.onnx");
  });

  it("shows the artifact's hashing in MB and Cancel registers nothing: an info toast, the form stays", async () => {
    let reject: (e: unknown) => void = () => {};
    const backend = mockBackend({
      "plugin:dialog|open": () => "/home/ana/models/big.onnx",
      register_model: () => new Promise((_resolve, r) => (reject = r)),
      cancel_task: () => {
        reject({ code: "CANCELLED", message: "Cancelled while hashing the artifact; nothing was registered." });
        return null;
      },
    });
    const { user } = renderApp();
    const dialog = await openRegister(user);
    await user.type(within(dialog).getByLabelText("Name"), "Big");
    await user.type(within(dialog).getByLabelText("Framework"), "ONNX");
    await user.type(within(dialog).getByLabelText("Version"), "1.0.0");
    await fillMetrics(user, dialog);
    await user.click(within(dialog).getByRole("button", { name: "Choose file…" }));
    await waitFor(() => expect(within(dialog).getByLabelText("Artifact file (optional)")).toHaveValue("/home/ana/models/big.onnx"));
    await user.click(within(dialog).getByRole("button", { name: "Register model" }));
    await waitFor(() => expect(backend.callsOf("register_model")).toHaveLength(1));
    const args = backend.callsOf("register_model")[0]?.args;

    sendProgress(args, { phase: "hashing", done: 0, total: 840_500_000 });
    sendProgress(args, { phase: "hashing", done: 12_000_000, total: 840_500_000 });
    const bar = await within(dialog).findByRole("progressbar", { name: "Hashing the artifact" });
    await waitFor(() => expect(within(dialog).getByText("12.0 MB of 840.5 MB")).toBeInTheDocument());
    expect(bar).toHaveAttribute("max", "840500000");

    await user.click(within(dialog).getByTestId("task-cancel"));
    expect(backend.callsOf("cancel_task")).toHaveLength(1);
    expect(await within(toasts()).findByText("Registration cancelled")).toBeInTheDocument();
    await waitFor(() => expect(within(dialog).queryByTestId("task-progress")).not.toBeInTheDocument());
    expect(screen.getByRole("dialog", { name: "Register a model" })).toBeInTheDocument();
    expect(within(dialog).getByLabelText("Name")).toHaveValue("Big");
  });

  it("Esc closes the form and gives focus back to the header button", async () => {
    mockBackend();
    const { user } = renderApp();
    await openRegister(user);
    screen.getByRole("dialog", { name: "Register a model" }).dispatchEvent(new Event("close"));
    await waitFor(() => expect(screen.queryByRole("dialog", { name: "Register a model" })).not.toBeInTheDocument());
    expect(screen.getByRole("button", { name: "Register model" })).toHaveFocus();
  });
});

describe("register a new version", () => {
  it("opens from the details prefilled for the model and sends register_version; the details refresh", async () => {
    let version = "2.1.0";
    // After a rollback the current version (2.1.0) is not the latest (2.2.0): the new one must exceed 2.2.0.
    const backend = mockBackend({
      get_model_details: () => {
        const d = details(model1);
        const v220 = versionInfo(model1, { version: "2.2.0" });
        return version === "2.1.0"
          ? { ...d, versions: [v220, ...d.versions] }
          : {
              ...d,
              model: { ...model1, version, status: "development" },
              versions: [
                versionInfo(model1, { version, isCurrent: true }),
                v220,
                ...d.versions.map((v) => ({ ...v, isCurrent: false })),
              ],
            };
      },
      register_version: () => {
        version = "2.3.0";
        return {
          model: { ...model1, version: "2.3.0", status: "development" },
          version: versionInfo({ ...model1, version: "2.3.0" }, { isCurrent: true }),
          message: "Registered TGNN - Attack Surface Model 2.3.0: it is now current and back in development.",
        };
      },
    });
    const { user } = renderApp();
    await user.click(await screen.findByRole("button", { name: `View details of ${model1.name}` }));
    const detailsDialog = await screen.findByRole("dialog", { name: model1.name });
    await within(detailsDialog).findByText("Test thresholds");
    await user.click(within(detailsDialog).getByRole("button", { name: "Register new version" }));

    const form = await screen.findByRole("dialog", { name: `Register a new version of ${model1.name}` });
    expect(within(form).queryByLabelText("Name")).toBeNull();
    expect(within(form).getByLabelText("Framework")).toHaveValue("PyTorch");
    expect(within(form).getByLabelText("Version")).toHaveValue("2.2.1");
    expect(within(form).getByLabelText("Version")).toHaveFocus();

    await user.clear(within(form).getByLabelText("Version"));
    await user.type(within(form).getByLabelText("Version"), "2.1.5");
    await fillMetrics(user, form, { "Accuracy (%)": "95" });
    await user.click(within(form).getByRole("button", { name: "Register version" }));
    expect(within(form).getByLabelText("Version")).toHaveAccessibleDescription(
      expect.stringContaining("Must be greater than the latest version, 2.2.0."),
    );
    expect(backend.callsOf("register_version")).toHaveLength(0);

    await user.clear(within(form).getByLabelText("Version"));
    await user.type(within(form).getByLabelText("Version"), "2.3.0");
    await user.click(within(form).getByRole("button", { name: "Register version" }));
    await waitFor(() => expect(backend.callsOf("register_version")).toHaveLength(1));
    const request: RegisterVersionRequest = {
      modelId: "model-1",
      framework: "PyTorch",
      version: "2.3.0",
      metrics: { accuracy: 0.95, aiConfidence: 0.92, errorRate: 0.0015, uptime: 99.9, latency: 45, throughput: 1250 },
      tags: [],
    };
    expect(backend.callsOf("register_version")[0]?.args).toEqual({ request, ...taskArgs });
    expect(
      await within(toasts()).findByText("Registered TGNN - Attack Surface Model 2.3.0: it is now current and back in development."),
    ).toBeInTheDocument();
    // Back in the details, which refetched: 2.3.0 is there and current.
    expect(screen.queryByRole("dialog", { name: `Register a new version of ${model1.name}` })).not.toBeInTheDocument();
    const row = await within(detailsDialog).findByText("2.3.0", { selector: "th" });
    expect(row.closest("tbody")).toHaveClass("row-current");
  });
});
