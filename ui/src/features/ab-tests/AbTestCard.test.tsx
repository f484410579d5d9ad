import { screen, waitFor, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import type { AbTest } from "../../bindings/AbTest";
import { abortedAbTest, model2, runningAbTest, runningWithResults } from "../../test/fixtures";
import { mockBackend, renderApp } from "../../test/render";
import { winnerDeployProblem } from "./AbTestCard";

const toasts = () => screen.getByRole("region", { name: "Notifications" });
const NAME = "TGNN - Attack Surface Model vs Ensemble - Multi-Model Predictor";
const RESULTS = "/home/ana/results/week1.json";

const concluded: AbTest = {
  ...runningWithResults,
  id: "ab-2",
  modelB: "model-2",
  modelBName: model2.name,
  versionB: "1.8.5",
  status: "concluded",
  endedAt: new Date().toISOString(),
  outcome: "bWins",
  conclusion: "B wins.",
  winner: {
    variant: "B",
    modelId: "model-2",
    modelName: model2.name,
    version: "1.8.5",
    currentVersion: "1.8.5",
    currentStatus: "staging",
  },
};

describe("an A/B test's results, verdict and actions", () => {
  it("imports a results file chosen in the open dialog (.json or .csv) and refreshes the tests", async () => {
    const backend = mockBackend(
      {
        "plugin:dialog|open": () => RESULTS,
        import_ab_results: () => runningWithResults,
      },
      { abTests: [runningAbTest] },
    );
    const { user } = renderApp();
    const card = (await screen.findByRole("button", { name: `Import results for A/B test ${NAME}` })).closest("li")!;
    expect(within(card as HTMLElement).getByText("No results imported yet.")).toBeInTheDocument();
    expect(within(card as HTMLElement).getByRole("button", { name: `Conclude A/B test ${NAME}` })).toBeDisabled();

    await user.click(within(card as HTMLElement).getByRole("button", { name: `Import results for A/B test ${NAME}` }));
    await waitFor(() => expect(backend.callsOf("import_ab_results")).toHaveLength(1));
    const dialog = backend.callsOf("plugin:dialog|open")[0]?.args as { options: { title: string; filters: unknown } };
    expect(dialog.options.title).toBe("Choose the A/B test results");
    expect(dialog.options.filters).toEqual([{ name: "A/B results", extensions: ["json", "csv"] }]);
    expect(backend.callsOf("import_ab_results")[0]?.args).toEqual({ request: { testId: "ab-1", path: RESULTS } });
    expect(await within(toasts()).findByText("Results imported")).toBeInTheDocument();
    await waitFor(() => expect(backend.callsOf("list_ab_tests").length).toBeGreaterThanOrEqual(2));
  });

  it("a cancelled open dialog imports nothing", async () => {
    const backend = mockBackend({ "plugin:dialog|open": () => null }, { abTests: [runningAbTest] });
    const { user } = renderApp();
    await user.click(await screen.findByRole("button", { name: `Import results for A/B test ${NAME}` }));
    await waitFor(() => expect(backend.callsOf("plugin:dialog|open")).toHaveLength(1));
    expect(backend.callsOf("import_ab_results")).toHaveLength(0);
  });

  it("a malformed file is refused with the registry's message", async () => {
    mockBackend(
      {
        "plugin:dialog|open": () => RESULTS,
        import_ab_results: () => {
          throw { code: "INVALID_INPUT", message: "week1.json: variant B: successes (101) exceed requests (100)." };
        },
      },
      { abTests: [runningAbTest] },
    );
    const { user } = renderApp();
    await user.click(await screen.findByRole("button", { name: `Import results for A/B test ${NAME}` }));
    expect(await within(toasts()).findByText("week1.json: variant B: successes (101) exceed requests (100).")).toBeInTheDocument();
  });

  it("shows the imported data per variant and the verdict with its numbers, then concludes", async () => {
    const backend = mockBackend(
      { conclude_ab_test: () => ({ ...runningWithResults, status: "concluded", outcome: "bWins" }) },
      { abTests: [runningWithResults] },
    );
    const { user } = renderApp();
    const verdict = await screen.findByRole("region", { name: `Verdict of ${NAME}` });
    expect(within(verdict).getByText("B wins")).toBeInTheDocument();
    expect(
      within(verdict).getByText(
        "B converts better: 12.4 % vs 11.1 % success, lift +1.3 points (95 % CI +0.4 to +2.2), p = 0.004 (two-proportion z-test).",
      ),
    ).toBeInTheDocument();
    const table = screen.getByRole("table", { name: `Imported results of ${NAME}` });
    const rowB = within(table).getByRole("row", { name: /^B / });
    expect(rowB).toHaveTextContent("9 000");
    expect(rowB).toHaveTextContent("1 116");
    expect(rowB).toHaveTextContent("12.4 %");
    expect(rowB).toHaveTextContent("results.json");

    await user.click(screen.getByRole("button", { name: `Conclude A/B test ${NAME}` }));
    const confirm = await screen.findByRole("alertdialog", { name: `Conclude ${NAME}?` });
    expect(confirm).toHaveTextContent("its verdict is recorded: B wins");
    await user.click(within(confirm).getByRole("button", { name: "Conclude" }));
    await waitFor(() => expect(backend.callsOf("conclude_ab_test")).toHaveLength(1));
    expect(backend.callsOf("conclude_ab_test")[0]?.args).toEqual({ request: { testId: "ab-1" } });
    expect(await within(toasts()).findByText("A/B test concluded")).toBeInTheDocument();
  });

  it("deploys the winner through the ordinary deploy command", async () => {
    const backend = mockBackend(
      {
        deploy_model: () => ({
          model: { ...model2, status: "production" },
          from: "staging",
          to: "production",
          message: `${model2.name} 1.8.5 deployed to production.`,
        }),
      },
      { abTests: [concluded, abortedAbTest] },
    );
    const { user } = renderApp();
    const deploy = await screen.findByRole("button", {
      name: `Deploy the winner ${model2.name} 1.8.5 to production`,
    });
    // Only the concluded test with a winner offers it.
    expect(screen.getAllByRole("button", { name: /^Deploy the winner/ })).toHaveLength(1);
    await user.click(deploy);
    const confirm = await screen.findByRole("alertdialog", { name: `Deploy ${model2.name} 1.8.5 to production?` });
    await user.click(within(confirm).getByRole("button", { name: "Deploy to production" }));
    await waitFor(() => expect(backend.callsOf("deploy_model")).toHaveLength(1));
    expect(backend.callsOf("deploy_model")[0]?.args).toEqual({ request: { modelId: "model-2", targetEnv: "production" } });
    expect(await within(toasts()).findByText("Deployed to production")).toBeInTheDocument();
  });

  it("a deploy refused by the quality gates shows their message", async () => {
    const gate = "Can't deploy Graph Neural Network - Threat Detection 1.8.5: no passing test run of this version.";
    mockBackend(
      {
        deploy_model: () => {
          throw { code: "GATE_BLOCKED", message: gate };
        },
      },
      { abTests: [concluded] },
    );
    const { user } = renderApp();
    await user.click(await screen.findByRole("button", { name: /^Deploy the winner/ }));
    const confirm = await screen.findByRole("alertdialog");
    await user.click(within(confirm).getByRole("button", { name: "Deploy to production" }));
    expect(await within(toasts()).findByText(gate)).toBeInTheDocument();
  });

  it("says why the winner can't be deployed from here", () => {
    const w = concluded.winner!;
    expect(winnerDeployProblem(concluded)).toBeNull();
    expect(winnerDeployProblem({ ...concluded, winner: { ...w, currentVersion: "1.9.0" } })).toMatch(/now at version 1.9.0/);
    expect(winnerDeployProblem({ ...concluded, winner: { ...w, currentStatus: "production" } })).toMatch(/already in production/);
    expect(winnerDeployProblem({ ...concluded, winner: { ...w, currentStatus: "development" } })).toMatch(/Promote it to staging first/);
    expect(winnerDeployProblem({ ...concluded, winner: null })).toMatch(/no winner/);
  });
});
