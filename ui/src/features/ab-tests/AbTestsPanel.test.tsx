import { fireEvent, screen, waitFor, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { model2, model3, runningAbTest } from "../../test/fixtures";
import { mockBackend, renderApp } from "../../test/render";

const toasts = () => screen.getByRole("region", { name: "Notifications" });

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

    await user.selectOptions(within(form).getByLabelText("Model A (control)"), "model-2");
    await user.selectOptions(within(form).getByLabelText("Model B (challenger)"), "model-3");
    // Model B can't be model A.
    expect(
      within(within(form).getByLabelText("Model B (challenger)")).queryByRole("option", { name: /Graph Neural/ }),
    ).toBeNull();
    expect(within(form).getByText("A 50% · B 50%")).toBeInTheDocument();

    fireEvent.change(within(form).getByLabelText("Traffic to model B"), { target: { value: "20" } });
    expect(within(form).getByText("A 80% · B 20%")).toBeInTheDocument();
    await user.click(start);

    await waitFor(() => expect(backend.callsOf("start_ab_test")).toHaveLength(1));
    expect(backend.callsOf("start_ab_test")[0]?.args).toEqual({
      request: { modelA: "model-2", modelB: "model-3", trafficSplit: 20 },
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
    await user.selectOptions(within(form).getByLabelText("Model A (control)"), "model-3");
    await user.selectOptions(within(form).getByLabelText("Model B (challenger)"), "model-2");
    const num = within(form).getByLabelText("Traffic to model B, percent");
    await user.clear(num);
    await user.type(num, "99");
    expect(within(form).getByText("A 1% · B 99%")).toBeInTheDocument();
    await user.click(within(form).getByRole("button", { name: "Start A/B test" }));
    await waitFor(() => expect(backend.callsOf("start_ab_test")).toHaveLength(1));
    expect(backend.callsOf("start_ab_test")[0]?.args).toEqual({
      request: { modelA: "model-3", modelB: "model-2", trafficSplit: 99 },
    });
    expect(
      await within(toasts()).findByText("Graph Neural Network - Threat Detection is already in a running A/B test."),
    ).toBeInTheDocument();
  });

  it("rejects a split outside 1–99 before calling Rust", async () => {
    const backend = mockBackend();
    const { user } = renderApp();
    const form = await screen.findByRole("form", { name: "Start an A/B test" });
    await user.selectOptions(within(form).getByLabelText("Model A (control)"), "model-3");
    await user.selectOptions(within(form).getByLabelText("Model B (challenger)"), "model-2");
    const num = within(form).getByLabelText("Traffic to model B, percent");
    await user.clear(num);
    await user.type(num, "100");
    expect(within(form).getByRole("button", { name: "Start A/B test" })).toBeDisabled();
    expect(backend.callsOf("start_ab_test")).toHaveLength(0);
  });

  it("lists running and past tests and stops a running one", async () => {
    const backend = mockBackend({ stop_ab_test: () => ({ ...runningAbTest, status: "stopped", stoppedAt: new Date().toISOString() }) });
    const { user } = renderApp();
    const stop = await screen.findByRole("button", {
      name: "Stop A/B test TGNN - Attack Surface Model vs Ensemble - Multi-Model Predictor",
    });
    // Only the running test has a Stop button.
    expect(screen.getAllByRole("button", { name: /^Stop A\/B test/ })).toHaveLength(1);
    expect(screen.getByText(/routes no traffic itself/)).toBeInTheDocument();

    await user.click(stop);
    await waitFor(() => expect(backend.callsOf("stop_ab_test")).toHaveLength(1));
    expect(backend.callsOf("stop_ab_test")[0]?.args).toEqual({ request: { testId: "ab-1" } });
    expect(await within(toasts()).findByText("A/B test stopped")).toBeInTheDocument();
    await waitFor(() => expect(backend.callsOf("list_ab_tests").length).toBeGreaterThanOrEqual(2));
  });
});
