import { fireEvent, screen, waitFor, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import type { ModelQuery } from "../../bindings/ModelQuery";
import { abortedAbTest, model2, model3, runningAbTest } from "../../test/fixtures";
import { manyModels, mockBackend, renderApp } from "../../test/render";
import { PAST_SHOWN } from "./AbTestsPanel";

const toasts = () => screen.getByRole("region", { name: "Notifications" });

type User = ReturnType<typeof renderApp>["user"];

/** Types `text` in the picker labelled `label` and clicks the option of model `modelId`. */
async function pick(user: User, form: HTMLElement, label: string, text: string, modelId: string) {
  const input = within(form).getByRole("combobox", { name: label });
  await user.clear(input);
  await user.type(input, text);
  const listbox = await within(form).findByRole("listbox", { name: `${label} options` });
  const option = await waitFor(() => {
    const o = listbox.querySelector(`[role="option"][data-model-id="${modelId}"]`);
    if (!o) throw new Error(`no option ${modelId} yet`);
    return o;
  });
  await user.click(option);
  return input;
}

describe("A/B tests", () => {
  it("starts a test with the chosen models and split", async () => {
    const backend = mockBackend({
      start_ab_test: () => ({
        ...runningAbTest,
        id: "ab-2",
        modelA: "model-2",
        modelAName: model2.name,
        modelB: "model-3",
        modelBName: model3.name,
        trafficSplit: 20,
      }),
    });
    const { user } = renderApp();
    const form = await screen.findByRole("form", { name: "Start an A/B test" });
    const start = within(form).getByRole("button", { name: "Start A/B test" });
    expect(start).toBeDisabled();

    const a = await pick(user, form, "Model A (control)", "graph", "model-2");
    expect(a).toHaveValue(model2.name);
    expect(a).toHaveAttribute("aria-expanded", "false");
    // Model B can't be model A: its options leave model-2 out.
    const b = within(form).getByRole("combobox", { name: "Model B (challenger)" });
    await user.click(b);
    const listB = await within(form).findByRole("listbox", { name: "Model B (challenger) options" });
    await waitFor(() => expect(within(listB).getAllByRole("option")).toHaveLength(3));
    expect(within(listB).queryByRole("option", { name: /Graph Neural/ })).toBeNull();
    await pick(user, form, "Model B (challenger)", "anomaly", "model-3");
    expect(within(form).getByText("A 50% · B 50%")).toBeInTheDocument();

    fireEvent.change(within(form).getByLabelText("Traffic to model B"), { target: { value: "20" } });
    expect(within(form).getByText("A 80% · B 20%")).toBeInTheDocument();
    await user.click(start);

    await waitFor(() => expect(backend.callsOf("start_ab_test")).toHaveLength(1));
    expect(backend.callsOf("start_ab_test")[0]?.args).toEqual({
      request: { modelA: "model-2", modelB: "model-3", trafficSplit: 20, minDetectableEffect: 0.01, alpha: 0.05, power: 0.8 },
    });
    expect(await within(toasts()).findByText("A/B test started")).toBeInTheDocument();
  });

  it("the number field sets the split too, and the Rust refusal is toasted", async () => {
    const backend = mockBackend({
      start_ab_test: () => {
        throw { code: "CONFLICT", message: "Graph Neural Network - Threat Detection is already in a running A/B test." };
      },
    });
    const { user } = renderApp();
    const form = await screen.findByRole("form", { name: "Start an A/B test" });
    await pick(user, form, "Model A (control)", "Anomaly", "model-3");
    await pick(user, form, "Model B (challenger)", "Graph", "model-2");
    const num = within(form).getByLabelText("Traffic to model B, percent");
    await user.clear(num);
    await user.type(num, "99");
    expect(within(form).getByText("A 1% · B 99%")).toBeInTheDocument();
    await user.click(within(form).getByRole("button", { name: "Start A/B test" }));
    await waitFor(() => expect(backend.callsOf("start_ab_test")).toHaveLength(1));
    expect(backend.callsOf("start_ab_test")[0]?.args).toEqual({
      request: { modelA: "model-3", modelB: "model-2", trafficSplit: 99, minDetectableEffect: 0.01, alpha: 0.05, power: 0.8 },
    });
    expect(
      await within(toasts()).findByText("Graph Neural Network - Threat Detection is already in a running A/B test."),
    ).toBeInTheDocument();
  });

  it("rejects a split outside 1–99 before calling Rust", async () => {
    const backend = mockBackend();
    const { user } = renderApp();
    const form = await screen.findByRole("form", { name: "Start an A/B test" });
    await pick(user, form, "Model A (control)", "Anomaly", "model-3");
    await pick(user, form, "Model B (challenger)", "Graph", "model-2");
    const num = within(form).getByLabelText("Traffic to model B, percent");
    await user.clear(num);
    await user.type(num, "100");
    expect(within(form).getByRole("button", { name: "Start A/B test" })).toBeDisabled();
    expect(backend.callsOf("start_ab_test")).toHaveLength(0);
  });

  it("lists running and past tests and aborts a running one with a reason", async () => {
    const backend = mockBackend({
      abort_ab_test: () => ({ ...runningAbTest, status: "aborted", endedAt: new Date().toISOString(), abortReason: "Wrong split" }),
    });
    const { user } = renderApp();
    const abort = await screen.findByRole("button", {
      name: "Abort A/B test TGNN - Attack Surface Model vs Ensemble - Multi-Model Predictor",
    });
    // Only the running test has actions; the past one shows why it was aborted.
    expect(screen.getAllByRole("button", { name: /^Abort A\/B test/ })).toHaveLength(1);
    expect(screen.getByText("Aborted: The router sent every request to A.")).toBeInTheDocument();
    expect(screen.getByText(/routes no traffic and simulates nothing/)).toBeInTheDocument();

    await user.click(abort);
    const dialog = await screen.findByRole("dialog", { name: /^Abort / });
    const submit = within(dialog).getByRole("button", { name: "Abort test" });
    expect(submit).toBeDisabled();
    await user.type(within(dialog).getByLabelText("Reason"), "  Wrong split ");
    await user.click(submit);
    await waitFor(() => expect(backend.callsOf("abort_ab_test")).toHaveLength(1));
    expect(backend.callsOf("abort_ab_test")[0]?.args).toEqual({ request: { testId: "ab-1", reason: "Wrong split" } });
    expect(await within(toasts()).findByText("A/B test aborted")).toBeInTheDocument();
    await waitFor(() => expect(backend.callsOf("list_ab_tests").length).toBeGreaterThanOrEqual(2));
  });

  it("searches the registry for the picker (non-archived, 20 at most) and chooses with the keyboard", async () => {
    const backend = mockBackend(
      { start_ab_test: () => ({ ...runningAbTest, id: "ab-9" }) },
      { models: manyModels(100_000), abTests: [] },
    );
    const { user } = renderApp();
    const form = await screen.findByRole("form", { name: "Start an A/B test" });
    const a = within(form).getByRole("combobox", { name: "Model A (control)" });
    await user.type(a, "Model 0123");
    const listbox = await within(form).findByRole("listbox", { name: "Model A (control) options" });
    // (The previous, unsearched options stay up while the search runs, and the list says it is busy.)
    expect(listbox).toHaveAttribute("aria-busy", "true");
    expect(await within(form).findByText("First 20 of 100: type more to narrow.")).toBeInTheDocument();
    expect(listbox).toHaveAttribute("aria-busy", "false");
    expect(within(listbox).getAllByRole("option")).toHaveLength(20);
    expect(within(listbox).getAllByRole("option")[0]).toHaveTextContent("Model 012300");

    const picks = (backend.queries() as ModelQuery[]).filter((q) => q.view.filter.search !== undefined);
    // Debounced: one search for the whole typed text, not one per key.
    expect(picks).toHaveLength(1);
    expect(picks[0]).toEqual({
      view: { filter: { search: "Model 0123", statuses: ["development", "staging", "production"] }, sort: "name", dir: "asc" },
      offset: 0,
      limit: 21,
    });

    // Typing highlights the first option; ↓ moves to the second, Enter picks it.
    expect(a).toHaveAttribute("aria-activedescendant", "ab-model-a-option-0");
    await user.keyboard("{ArrowDown}");
    expect(a).toHaveAttribute("aria-activedescendant", "ab-model-a-option-1");
    await user.keyboard("{Enter}");
    expect(a).toHaveValue("Model 012301");
    expect(a).toHaveAttribute("aria-expanded", "false");

    await pick(user, form, "Model B (challenger)", "Model 099999", "model-99999");
    await user.click(within(form).getByRole("button", { name: "Start A/B test" }));
    await waitFor(() => expect(backend.callsOf("start_ab_test")).toHaveLength(1));
    expect(backend.callsOf("start_ab_test")[0]?.args).toEqual({
      request: { modelA: "model-12301", modelB: "model-99999", trafficSplit: 50, minDetectableEffect: 0.01, alpha: 0.05, power: 0.8 },
    });
    // The form never loaded the registry.
    expect(backend.callsOf("list_models")).toHaveLength(0);
  });

  it("Esc closes the list, then clears the choice", async () => {
    mockBackend();
    const { user } = renderApp();
    const form = await screen.findByRole("form", { name: "Start an A/B test" });
    const a = await pick(user, form, "Model A (control)", "TGNN", "model-1");
    expect(a).toHaveValue("TGNN - Attack Surface Model");
    await user.type(a, "x");
    expect(a).toHaveAttribute("aria-expanded", "true");
    await user.keyboard("{Escape}");
    expect(a).toHaveAttribute("aria-expanded", "false");
    await user.keyboard("{Escape}");
    expect(a).toHaveValue("");
    expect(within(form).getByRole("button", { name: "Start A/B test" })).toBeDisabled();
  });

  it("shows the newest past tests and the rest on Show all", async () => {
    const past = Array.from({ length: PAST_SHOWN + 3 }, (_, i) => ({ ...abortedAbTest, id: `ab-past-${i}` }));
    mockBackend({}, { abTests: [runningAbTest, ...past] });
    const { user } = renderApp();
    const section = (await screen.findByRole("heading", { name: "A/B tests" })).closest("section") as HTMLElement;
    const list = (await within(section).findByRole("heading", { name: /^Past/ })).parentElement as HTMLElement;
    expect(within(list).getByRole("heading", { name: /^Past/ })).toHaveTextContent(`Past ${past.length}`);
    expect(within(list).getAllByRole("listitem")).toHaveLength(PAST_SHOWN);
    await user.click(within(list).getByRole("button", { name: `Show all ${past.length} past tests` }));
    expect(within(list).getAllByRole("listitem")).toHaveLength(past.length);
    expect(within(list).queryByRole("button", { name: /Show all/ })).toBeNull();
  });
});

