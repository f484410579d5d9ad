import { screen, waitFor, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import type { ConnectionReport } from "../../bindings/ConnectionReport";
import type { RemoteStatus } from "../../bindings/RemoteStatus";
import type { SyncReport } from "../../bindings/SyncReport";
import { conflict, details, localModel, noRemote, remoteLink, remoteSettings, remoteStatus, seedModels, sharedModel, TEAM_URL } from "../../test/fixtures";
import { mockBackend, renderApp, sendProgress, taskArgs } from "../../test/render";
import { UNKNOWN_METRICS_TITLE } from "./team";

const toasts = () => screen.getByRole("region", { name: "Notifications" });
type User = ReturnType<typeof renderApp>["user"];

const models = [...seedModels, sharedModel, localModel];

const report: ConnectionReport = { server: TEAM_URL, mlflowVersion: "3.17.2", registeredModels: 12, more: false };

const syncReport: SyncReport = {
  server: TEAM_URL,
  remoteModels: 12,
  newModels: 2,
  newVersions: 3,
  changesApplied: 1,
  pushed: 4,
  waiting: 0,
  conflicts: [],
  skipped: [],
  requests: 9,
};

async function openTeamDialog(user: User) {
  await screen.findByRole("table", { name: "Models" });
  await user.click(screen.getByTestId("team-registry-button"));
  const dialog = await screen.findByRole("dialog", { name: "Team registry" });
  await within(dialog).findByTestId("team-url");
  return dialog;
}

async function openDetails(user: User, name: string) {
  await user.click(await screen.findByRole("button", { name: `View details of ${name}` }));
  const dialog = await screen.findByRole("dialog", { name });
  await within(dialog).findByText("Test thresholds");
  return dialog;
}

describe("team registry dialog", () => {
  it("saves what was typed: URL, basic auth with the password for the keyring, the aliases", async () => {
    const saved: RemoteStatus = remoteStatus();
    const b = mockBackend({ save_remote_settings: () => saved });
    const { user } = renderApp();
    const dialog = await openTeamDialog(user);
    expect(within(dialog).getByTestId("team-production-alias")).toHaveValue("production");
    expect(within(dialog).getByTestId("team-staging-alias")).toHaveValue("staging");
    expect(screen.queryByTestId("sync-status")).not.toBeInTheDocument();

    await user.type(within(dialog).getByTestId("team-url"), TEAM_URL);
    await user.selectOptions(within(dialog).getByTestId("team-auth"), "basic");
    await user.type(within(dialog).getByTestId("team-username"), "ana");
    const secret = within(dialog).getByTestId("team-secret");
    expect(secret).toHaveAttribute("type", "password");
    await user.type(secret, "s3cret");
    await user.clear(within(dialog).getByTestId("team-production-alias"));
    await user.type(within(dialog).getByTestId("team-production-alias"), "champion");
    await user.clear(within(dialog).getByTestId("team-staging-alias"));
    await user.type(within(dialog).getByTestId("team-staging-alias"), "challenger");
    await user.click(within(dialog).getByTestId("team-save"));

    await waitFor(() =>
      expect(b.callsOf("save_remote_settings").map((c) => c.args)).toEqual([
        { request: { settings: remoteSettings, secret: "s3cret" } },
      ]),
    );
    expect(await within(toasts()).findByText("Team registry saved")).toBeInTheDocument();
    await waitFor(() => expect(screen.queryByTestId("team-registry-dialog")).not.toBeInTheDocument());
    // The header now shows the server's sync status.
    expect(await screen.findByTestId("sync-status")).toHaveTextContent("Synced 3 minutes ago");
  });

  it("never shows a saved secret, and keeps it when the field is left empty", async () => {
    const b = mockBackend({ get_remote_status: () => remoteStatus(), save_remote_settings: () => remoteStatus() });
    const { user } = renderApp();
    const dialog = await openTeamDialog(user);
    expect(within(dialog).getByTestId("team-url")).toHaveValue(TEAM_URL);
    expect(within(dialog).getByTestId("team-secret")).toHaveValue("");
    expect(within(dialog).getByText(/saved in the keyring: leave this empty to keep it/)).toBeInTheDocument();
    await user.click(within(dialog).getByTestId("team-save"));
    await waitFor(() =>
      expect(b.callsOf("save_remote_settings").map((c) => c.args)).toEqual([{ request: { settings: remoteSettings } }]),
    );
  });

  it("says to use an environment variable when there is no keyring, and then saves its name", async () => {
    const message = "There is no system keyring to keep the password in.";
    const b = mockBackend({
      save_remote_settings: (args) => {
        const req = (args as { request: { secret?: string } }).request;
        if (req.secret !== undefined) throw { code: "KEYRING_UNAVAILABLE", message };
        return remoteStatus();
      },
    });
    const { user } = renderApp();
    const dialog = await openTeamDialog(user);
    await user.type(within(dialog).getByTestId("team-url"), TEAM_URL);
    await user.selectOptions(within(dialog).getByTestId("team-auth"), "token");
    await user.type(within(dialog).getByTestId("team-secret"), "tok");
    await user.click(within(dialog).getByTestId("team-save"));

    const alert = await within(dialog).findByRole("alert");
    expect(alert).toHaveTextContent(message);
    expect(alert).toHaveTextContent("Put the token in an environment variable and enter the variable's name instead.");
    const env = within(dialog).getByTestId("team-secret-env");
    await user.type(env, "MLFLOW_TRACKING_TOKEN");
    await user.click(within(dialog).getByTestId("team-save"));
    await waitFor(() => expect(b.callsOf("save_remote_settings")).toHaveLength(2));
    expect(b.callsOf("save_remote_settings")[1]?.args).toEqual({
      request: {
        settings: { url: TEAM_URL, auth: "token", username: null, secretEnv: "MLFLOW_TRACKING_TOKEN", productionAlias: "production", stagingAlias: "staging" },
      },
    });
  });

  it("Test connection shows what it found, or exactly the server's error", async () => {
    const message = "http://mlflow.internal:5000 refused the password for ana (HTTP 401).";
    let fail = false;
    const b = mockBackend({
      test_remote_connection: () => {
        if (fail) throw { code: "REMOTE_UNAUTHORIZED", message };
        return report;
      },
    });
    const { user } = renderApp();
    const dialog = await openTeamDialog(user);
    await user.type(within(dialog).getByTestId("team-url"), TEAM_URL);
    await user.click(within(dialog).getByTestId("team-test"));
    expect(await within(dialog).findByText("MLflow 3.17.2 · 12 registered models")).toBeInTheDocument();
    expect(within(dialog).getByTestId("team-test-result")).toHaveTextContent("MLflow 3.17.2 · 12 registered models");
    expect(b.callsOf("test_remote_connection")[0]?.args).toEqual({
      request: { settings: { url: TEAM_URL, auth: "none", username: null, secretEnv: null, productionAlias: "production", stagingAlias: "staging" } },
    });
    expect(b.callsOf("save_remote_settings")).toHaveLength(0);

    fail = true;
    await user.click(within(dialog).getByTestId("team-test"));
    await waitFor(() => expect(within(dialog).getByTestId("team-test-result")).toHaveTextContent(message));
    expect(within(dialog).getByTestId("team-test-result")).not.toHaveTextContent("MLflow 3.17.2");
  });

  it("refuses an empty tracking URI without asking Rust", async () => {
    const b = mockBackend();
    const { user } = renderApp();
    const dialog = await openTeamDialog(user);
    await user.click(within(dialog).getByTestId("team-test"));
    await user.click(within(dialog).getByTestId("team-save"));
    expect(within(dialog).getByTestId("team-url")).toHaveAttribute("aria-invalid", "true");
    expect(b.callsOf("test_remote_connection")).toHaveLength(0);
    expect(b.callsOf("save_remote_settings")).toHaveLength(0);
  });

  it("Forget server asks first, then clears the settings", async () => {
    let status = remoteStatus();
    const b = mockBackend({
      get_remote_status: () => status,
      clear_remote_settings: () => {
        status = noRemote;
        return noRemote;
      },
    });
    const { user } = renderApp();
    const dialog = await openTeamDialog(user);
    await user.click(within(dialog).getByTestId("team-forget"));
    const confirm = await screen.findByRole("alertdialog", { name: "Forget this server?" });
    expect(b.callsOf("clear_remote_settings")).toHaveLength(0);
    await user.click(within(confirm).getByRole("button", { name: "Forget server" }));
    await waitFor(() => expect(b.callsOf("clear_remote_settings")).toHaveLength(1));
    await waitFor(() => expect(screen.queryByTestId("sync-status")).not.toBeInTheDocument());
  });
});

describe("header sync status", () => {
  it("shows nothing but the button when no server is set", async () => {
    mockBackend();
    renderApp();
    await screen.findByRole("table", { name: "Models" });
    expect(screen.getByTestId("team-registry-button")).toBeInTheDocument();
    expect(screen.queryByTestId("sync-status")).not.toBeInTheDocument();
    expect(screen.queryByTestId("sync-now")).not.toBeInTheDocument();
  });

  it("shows the changes waiting, the conflicts and the last error", async () => {
    let status = remoteStatus({ waiting: 3 });
    mockBackend({ get_remote_status: () => status });
    const { client } = renderApp();
    const el = await screen.findByTestId("sync-status");
    expect(el).toHaveTextContent("3 changes waiting");

    status = remoteStatus({ waiting: 1, conflicts: [conflict] });
    await client.refetchQueries({ queryKey: ["remote"] });
    await waitFor(() => expect(el).toHaveTextContent("1 conflict"));
    expect(within(el).getByRole("button", { name: "1 conflict" })).toHaveClass("sync-conflicts");

    status = remoteStatus({ lastError: "http://mlflow.internal:5000 did not answer within 30 s." });
    await client.refetchQueries({ queryKey: ["remote"] });
    await waitFor(() => expect(el).toHaveTextContent("http://mlflow.internal:5000 did not answer within 30 s."));
    // A failed sync is what the header says, not the time of the last one that worked.
    expect(el).not.toHaveTextContent("Synced");
  });

  it("Sync now calls sync_now, toasts what it did and refreshes the models", async () => {
    const b = mockBackend({ get_remote_status: () => remoteStatus(), sync_now: () => syncReport }, { models });
    const { user } = renderApp();
    await screen.findByRole("table", { name: "Models" });
    const queriesBefore = b.callsOf("query_models").length;
    await user.click(await screen.findByTestId("sync-now"));
    expect(await within(toasts()).findByText(`Synced with ${TEAM_URL}`)).toBeInTheDocument();
    expect(
      within(toasts()).getByText("2 new models, 3 new versions, 1 change from the server, 4 changes sent."),
    ).toBeInTheDocument();
    expect(b.callsOf("sync_now")).toHaveLength(1);
    await waitFor(() => expect(b.callsOf("query_models").length).toBeGreaterThan(queriesBefore));
  });

  it("a long sync shows each phase in the header, and Cancel stops it with a note, not an error", async () => {
    let reject: (e: unknown) => void = () => {};
    const message = "Sync cancelled; what was already sent stays sent and the rest waits.";
    const b = mockBackend({
      get_remote_status: () => remoteStatus(),
      sync_now: () => new Promise((_resolve, r) => (reject = r)),
      cancel_task: () => {
        reject({ code: "CANCELLED", message });
        return null;
      },
    });
    const { user } = renderApp();
    await user.click(await screen.findByTestId("sync-now"));
    await waitFor(() => expect(b.callsOf("sync_now")).toHaveLength(1));
    const args = b.callsOf("sync_now")[0]?.args;
    expect(args).toEqual(taskArgs);
    expect(screen.queryByTestId("task-progress")).not.toBeInTheDocument();

    sendProgress(args, { phase: "readingModels", done: 10000, total: 0 });
    const status = screen.getByTestId("sync-status");
    expect(await within(status).findByText("10,000 registered models read")).toBeInTheDocument();
    // MLflow does not say how many: the bar is indeterminate.
    expect(within(status).getByRole("progressbar", { name: "Syncing" })).not.toHaveAttribute("value");
    sendProgress(args, { phase: "fetchingMetrics", done: 4000, total: 10000 });
    expect(await within(status).findByText("Metrics of 4,000 of 10,000 runs")).toBeInTheDocument();
    expect(within(status).getByRole("progressbar", { name: "Syncing" })).toHaveAttribute("value", "4000");

    await user.click(within(status).getByTestId("task-cancel"));
    expect(b.callsOf("cancel_task")[0]?.args).toEqual({ taskId: (args as { taskId: string }).taskId });
    expect(await within(toasts()).findByText("Sync cancelled")).toBeInTheDocument();
    expect(within(toasts()).queryByText("The sync failed")).not.toBeInTheDocument();
    await waitFor(() => expect(screen.queryByTestId("task-progress")).not.toBeInTheDocument());
    expect(screen.getByTestId("sync-now")).toBeEnabled();
  });

  it("Sync now's failure is the error toast with Rust's message", async () => {
    const message = "Couldn't reach http://mlflow.internal:5000: connection refused.";
    mockBackend({
      get_remote_status: () => remoteStatus(),
      sync_now: () => {
        throw { code: "REMOTE_UNREACHABLE", message };
      },
    });
    const { user } = renderApp();
    await user.click(await screen.findByTestId("sync-now"));
    expect(await within(toasts()).findByText(message)).toBeInTheDocument();
    expect(within(toasts()).getByText("The sync failed")).toBeInTheDocument();
  });

  it("refreshes the models when a background sync moved lastSync", async () => {
    let status = remoteStatus({}, 10);
    const b = mockBackend({ get_remote_status: () => status });
    const { client } = renderApp();
    await screen.findByTestId("sync-status");
    await screen.findByRole("table", { name: "Models" });
    const before = b.callsOf("query_models").length;
    status = remoteStatus({}, 0);
    await client.refetchQueries({ queryKey: ["remote", "status"] });
    await waitFor(() => expect(b.callsOf("query_models").length).toBeGreaterThan(before));
  });
});

describe("conflicts", () => {
  it.each([
    ["Take the server's", "take_server", "The server's champion (version 4) stays; your waiting move was dropped."],
    ["Keep mine", "keep_mine", "Your production at 1.3.0 will be sent at the next sync."],
  ] as const)("%s resolves the conflict with %s and toasts Rust's message", async (button, choice, message) => {
    let status = remoteStatus({ conflicts: [conflict] });
    const b = mockBackend({
      get_remote_status: () => status,
      resolve_conflict: () => {
        status = remoteStatus();
        return message;
      },
    });
    const { user } = renderApp();
    await user.click(await screen.findByRole("button", { name: "1 conflict" }));
    const dialog = await screen.findByTestId("conflicts-dialog");
    const row = within(dialog).getByRole("listitem", { name: "Fraud scorer" });
    expect(row).toHaveTextContent(
      "Alias champion: on the server it now points at version 4 (it was version 3 when last synced); here you want production at 1.3.0.",
    );
    await user.click(within(row).getByRole("button", { name: button }));
    await waitFor(() =>
      expect(b.callsOf("resolve_conflict").map((c) => c.args)).toEqual([{ request: { modelId: "model-shared", choice } }]),
    );
    expect(await within(toasts()).findByText(message)).toBeInTheDocument();
    await waitFor(() => expect(within(dialog).queryByTestId("conflict-row")).not.toBeInTheDocument());
    expect(screen.queryByRole("button", { name: "1 conflict" })).not.toBeInTheDocument();
    expect(screen.getByTestId("sync-status")).toHaveTextContent("Synced 3 minutes ago");
  });
});

describe("shared models in the table and details", () => {
  it("marks shared models with an MLflow badge and shows '—' for metrics the run never logged", async () => {
    mockBackend({}, { models });
    renderApp();
    const row = (await screen.findByRole("button", { name: `View details of ${sharedModel.name}` })).closest("tr")!;
    const badge = within(row).getByTestId("mlflow-badge");
    expect(badge).toHaveTextContent("MLflow");
    expect(badge).toHaveAttribute("title", expect.stringContaining(TEAM_URL));
    const unknown = within(row).getAllByTitle(UNKNOWN_METRICS_TITLE);
    expect(unknown).toHaveLength(6);
    for (const u of unknown) expect(u).toHaveTextContent("—");
    expect(row).not.toHaveTextContent("%");

    const local = (await screen.findByRole("button", { name: `View details of ${localModel.name}` })).closest("tr")!;
    expect(within(local).queryByTestId("mlflow-badge")).not.toBeInTheDocument();
    expect(within(local).queryAllByTitle(UNKNOWN_METRICS_TITLE)).toHaveLength(0);
    expect(local).toHaveTextContent("87.6%");
  });

  it("the details show '—' for unknown metrics, per version, and the Team registry section", async () => {
    const b = mockBackend(
      {
        get_remote_status: () => remoteStatus(),
        get_remote_link: () => remoteLink,
        get_model_details: () => {
          const d = details(sharedModel);
          return { ...d, versions: d.versions.map((v) => ({ ...v, metricsKnown: !v.isCurrent })) };
        },
        open_in_mlflow: () => remoteLink.webUrl,
      },
      { models },
    );
    const { user } = renderApp();
    const dialog = await openDetails(user, sharedModel.name);
    const current = within(dialog).getByRole("heading", { name: "Current version" }).closest("section")!;
    expect(within(current).getAllByTitle(UNKNOWN_METRICS_TITLE)).toHaveLength(6);
    const versions = within(dialog).getByRole("heading", { name: "Version history" }).closest("section")!;
    const rows = versions.querySelectorAll("tbody");
    expect(within(rows[0] as HTMLElement).getAllByTitle(UNKNOWN_METRICS_TITLE)).toHaveLength(6);
    expect(within(rows[1] as HTMLElement).queryAllByTitle(UNKNOWN_METRICS_TITLE)).toHaveLength(0);

    const section = await within(dialog).findByTestId("remote-section");
    expect(section).toHaveTextContent(TEAM_URL);
    expect(section).toHaveTextContent("fraud-scorer");
    expect(section).toHaveTextContent("Production (champion)version 4");
    expect(section).toHaveTextContent("Staging (challenger)version 3");
    expect(section).toHaveTextContent("2 changes waiting");
    expect(within(section).getByRole("row", { name: /1\.3\.0 4/ })).toBeInTheDocument();
    expect(within(section).getByRole("row", { name: /1\.2\.0 3/ })).toBeInTheDocument();
    expect(within(dialog).queryByTestId("share-model")).not.toBeInTheDocument();

    await user.click(within(section).getByTestId("open-in-mlflow"));
    await waitFor(() =>
      expect(b.callsOf("open_in_mlflow").map((c) => c.args)).toEqual([{ request: { modelId: "model-shared" } }]),
    );
  });

  it("the details show the model's conflict", async () => {
    mockBackend(
      { get_remote_status: () => remoteStatus(), get_remote_link: () => ({ ...remoteLink, conflict }) },
      { models },
    );
    const { user } = renderApp();
    const dialog = await openDetails(user, sharedModel.name);
    const section = await within(dialog).findByTestId("remote-section");
    expect(within(section).getByRole("alert")).toHaveTextContent("Conflict: the server moved champion to version 4");
  });

  it("Share with team is offered for a local model when a server is set, and shares it", async () => {
    const message = "Churn predictor is on http://mlflow.internal:5000 with 1 version.";
    const b = mockBackend({ get_remote_status: () => remoteStatus(), share_model: () => message }, { models });
    const { user } = renderApp();
    const dialog = await openDetails(user, localModel.name);
    const share = await within(dialog).findByTestId("share-model");
    expect(share).toHaveTextContent("Share with team");
    await user.click(share);
    await waitFor(() =>
      expect(b.callsOf("share_model").map((c) => c.args)).toEqual([{ request: { modelId: "model-local" } }]),
    );
    expect(await within(toasts()).findByText(message)).toBeInTheDocument();
  });

  it("Share with team is not offered for a demo model", async () => {
    const b = mockBackend({ get_remote_status: () => remoteStatus() }, { models });
    const { user } = renderApp();
    const dialog = await openDetails(user, seedModels[2]!.name);
    await waitFor(() => expect(b.callsOf("get_remote_link").length).toBeGreaterThan(0));
    // Let the link's answer (null) render before looking.
    await new Promise((r) => setTimeout(r, 50));
    expect(within(dialog).queryByTestId("share-model")).not.toBeInTheDocument();
    expect(within(dialog).queryByTestId("remote-section")).not.toBeInTheDocument();
  });

  it("Share with team is not offered without a server", async () => {
    const b = mockBackend({}, { models });
    const { user } = renderApp();
    const dialog = await openDetails(user, localModel.name);
    expect(within(dialog).queryByTestId("share-model")).not.toBeInTheDocument();
    expect(b.callsOf("get_remote_link")).toHaveLength(0);
  });
});
