import { fireEvent, screen, waitFor, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import type { TimelineQuery } from "../../bindings/TimelineQuery";
import { model1, timelinePage } from "../../test/fixtures";
import { mockBackend, renderApp } from "../../test/render";

const toasts = () => screen.getByRole("region", { name: "Notifications" });
type User = ReturnType<typeof renderApp>["user"];

const panel = async () => {
  const heading = await screen.findByRole("heading", { name: "Timeline" });
  return heading.closest("section") as HTMLElement;
};
const eventsTable = (p: HTMLElement) => within(p).findByRole("table", { name: "Events" });

async function pickModel(user: User, container: HTMLElement, label: string, text: string, modelId: string) {
  const input = within(container).getByRole("combobox", { name: label });
  await user.type(input, text);
  const listbox = await within(container).findByRole("listbox", { name: `${label} options` });
  const option = await waitFor(() => {
    const o = listbox.querySelector(`[role="option"][data-model-id="${modelId}"]`);
    if (!o) throw new Error(`no option ${modelId} yet`);
    return o;
  });
  await user.click(option);
}

describe("timeline", () => {
  it("lists the events newest first with actor, model, action, change and reason; before/after expands", async () => {
    const backend = mockBackend();
    const { user } = renderApp();
    const p = await panel();
    const table = await eventsTable(p);
    const rows = within(table).getAllByRole("row").slice(1);
    expect(rows).toHaveLength(6);
    expect(rows[0]).toHaveAttribute("data-event-id", "6");
    const first = within(rows[0] as HTMLElement);
    expect(first.getByText("ana")).toBeInTheDocument();
    expect(first.getByText(model1.name)).toBeInTheDocument();
    expect(first.getByText("Rolled back")).toBeInTheDocument();
    expect(first.getByText("2.1.0 → 2.0.9")).toBeInTheDocument();
    expect(first.getByText("production")).toBeInTheDocument();
    expect(first.getByText("Error rate spiked")).toBeInTheDocument();
    const time = (rows[0] as HTMLElement).querySelector("time");
    expect(time?.getAttribute("title")).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} UTC$/);

    const toggle = first.getByRole("button", { name: "Before/after" });
    expect(toggle).toHaveAttribute("aria-expanded", "false");
    await user.click(toggle);
    expect(toggle).toHaveAttribute("aria-expanded", "true");
    const json = document.getElementById("event-6-json") as HTMLElement;
    expect(within(json).getByText("Before")).toBeInTheDocument();
    expect(json).toHaveTextContent('"version": "2.1.0"');
    expect(json).toHaveTextContent('"version": "2.0.9"');

    expect(backend.timelineQueries()[0]).toEqual({ actions: [], offset: 0, limit: 100 });
    expect(within(p).getByText("6 of 6 events")).toBeInTheDocument();
  });

  it("sends the model, action and date filters (local time → RFC 3339 UTC)", async () => {
    const backend = mockBackend();
    const { user } = renderApp();
    const p = await panel();
    await eventsTable(p);
    const filters = within(p).getByRole("search", { name: "Filter the timeline" });

    await pickModel(user, filters, "Filter by model", "TGNN", "model-1");
    await waitFor(() => expect(backend.timelineQueries().at(-1)?.modelId).toBe("model-1"));

    const chips = within(filters).getByRole("group", { name: "Filter by action" });
    await user.click(within(chips).getByRole("button", { name: "Tested" }));
    await user.click(within(chips).getByRole("button", { name: "Rolled back" }));
    expect(within(chips).getByRole("button", { name: "Rolled back" })).toHaveAttribute("aria-pressed", "true");

    fireEvent.change(within(filters).getByLabelText("From (local time)"), { target: { value: "2025-03-01T08:30" } });
    fireEvent.change(within(filters).getByLabelText("To (local time)"), { target: { value: "2025-03-31T18:00" } });
    const expected: TimelineQuery = {
      modelId: "model-1",
      actions: ["rolled_back", "tested"], // lifecycle order, whatever the click order
      from: new Date(2025, 2, 1, 8, 30).toISOString(),
      to: new Date(2025, 2, 31, 18, 0).toISOString(),
      offset: 0,
      limit: 100,
    };
    await waitFor(() => expect(backend.timelineQueries().at(-1)).toEqual(expected));
    expect(expected.from).toMatch(/Z$/);

    // A range that ends before it starts is refused here.
    const before = backend.timelineQueries().length;
    fireEvent.change(within(filters).getByLabelText("To (local time)"), { target: { value: "2025-02-01T00:00" } });
    expect(await within(p).findByText("The range starts after it ends.")).toBeInTheDocument();
    expect(backend.timelineQueries()).toHaveLength(before);

    await user.click(within(filters).getByRole("button", { name: "Clear timeline filters" }));
    await waitFor(() => expect(backend.timelineQueries().at(-1)).toEqual({ actions: [], offset: 0, limit: 100 }));
    expect(within(filters).getByRole("combobox", { name: "Filter by model" })).toHaveValue("");
  });

  it("Load more asks for the next 100 events", async () => {
    const backend = mockBackend({
      query_timeline: (args) => timelinePage((args as { request: TimelineQuery }).request, undefined, 250),
    });
    const { user } = renderApp();
    const p = await panel();
    const table = await eventsTable(p);
    expect(within(table).getAllByRole("row")).toHaveLength(101);
    expect(within(p).getByText("100 of 250 events")).toBeInTheDocument();
    await user.click(within(p).getByRole("button", { name: "Load more" }));
    await waitFor(() => expect(within(table).getAllByRole("row")).toHaveLength(201));
    expect(backend.timelineQueries().at(-1)).toMatchObject({ offset: 100, limit: 100 });
    await user.click(within(p).getByRole("button", { name: "Load more" }));
    await waitFor(() => expect(within(p).getByText("250 of 250 events")).toBeInTheDocument());
    expect(within(p).queryByRole("button", { name: "Load more" })).toBeNull();
  });

  it("the header's Timeline button takes the focus to the section", async () => {
    mockBackend();
    const { user } = renderApp();
    await panel();
    await user.click(screen.getByRole("button", { name: "Timeline" }));
    expect(screen.getByRole("heading", { name: "Timeline" })).toHaveFocus();
  });
});

describe("which version was in production", () => {
  async function ask(user: User, at: string) {
    const p = await panel();
    const form = within(p).getByRole("form", { name: "Which version was in production at…" });
    await pickModel(user, form, "Model", "TGNN", "model-1");
    fireEvent.change(within(form).getByLabelText("At (local time)"), { target: { value: at } });
    await user.click(within(form).getByRole("button", { name: "Look up" }));
    return form;
  }

  it("sends production_at with the instant in UTC and shows the version with since/until", async () => {
    const backend = mockBackend({
      production_at: () => ({
        modelId: "model-1",
        at: "2025-03-10T12:00:00Z",
        version: "2.0.9",
        since: "2025-03-01T09:00:00Z",
        until: "2025-03-20T09:00:00Z",
      }),
    });
    const { user } = renderApp();
    const form = await ask(user, "2025-03-10T12:00");
    await waitFor(() => expect(backend.callsOf("production_at")).toHaveLength(1));
    expect(backend.callsOf("production_at")[0]?.args).toEqual({
      request: { modelId: "model-1", at: new Date(2025, 2, 10, 12, 0).toISOString() },
    });
    const answer = form.querySelector(".production-at-answer") as HTMLElement;
    await waitFor(() => expect(answer).toHaveTextContent(`${model1.name} 2.0.9 was in production at`));
    expect(answer).toHaveTextContent(/since .*2025.*, until .*2025/);
    expect(answer.querySelector("time[datetime='2025-03-20T09:00:00Z']")).toHaveAttribute("title", "2025-03-20 09:00:00 UTC");
  });

  it("says so when nothing was in production", async () => {
    mockBackend();
    const { user } = renderApp();
    const form = await ask(user, "2020-01-01T00:00");
    const answer = form.querySelector(".production-at-answer") as HTMLElement;
    await waitFor(() => expect(answer).toHaveTextContent(`Nothing of ${model1.name} was in production then`));
  });
});

describe("audit tools", () => {
  it("Verify audit log shows an intact chain", async () => {
    const backend = mockBackend({
      verify_audit: () => ({ events: 1234, ok: true, firstBroken: null, head: "1234:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08" }),
    });
    const { user } = renderApp();
    const p = await panel();
    await user.click(within(p).getByRole("button", { name: "Verify audit log" }));
    await waitFor(() => expect(backend.callsOf("verify_audit")).toHaveLength(1));
    expect(backend.callsOf("verify_audit")[0]?.args).toEqual({});
    const result = await within(p).findByText(/Audit log intact/);
    expect(result).toHaveTextContent("Audit log intact: 1234 events, head #1234 9f86d081884c…");
    expect(result.closest(".audit-ok")).not.toBeNull();
    expect(await within(toasts()).findByText("Audit log intact")).toBeInTheDocument();
  });

  it("Verify audit log names the first broken event and its problem, as an error", async () => {
    mockBackend({
      verify_audit: () => ({
        events: 56,
        ok: false,
        firstBroken: { eventId: 57, problem: "its hash doesn't match its content (edited after it was written)" },
        head: null,
      }),
    });
    const { user } = renderApp();
    const p = await panel();
    await user.click(within(p).getByRole("button", { name: "Verify audit log" }));
    const result = (await within(p).findByText(/Audit log broken/)).closest(".audit-broken") as HTMLElement;
    expect(result).toHaveTextContent("First broken event: #57: its hash doesn't match its content (edited after it was written)");
    expect(within(toasts()).getByText("Audit log broken")).toBeInTheDocument();
    expect(within(p).queryByText(/Audit log intact/)).toBeNull();
  });

  it("Export audit log: cancelling the save dialog does nothing", async () => {
    const backend = mockBackend({ "plugin:dialog|save": () => null });
    const { user } = renderApp();
    const p = await panel();
    const button = within(p).getByRole("button", { name: "Export audit log" });
    await user.click(button);
    await waitFor(() => expect(backend.callsOf("plugin:dialog|save")).toHaveLength(1));
    await waitFor(() => expect(button).toBeEnabled());
    expect(backend.callsOf("export_audit_csv")).toHaveLength(0);
    expect(within(toasts()).queryAllByRole("listitem")).toHaveLength(0);
  });

  it("Export audit log writes where the user chose and toasts rows and path", async () => {
    const backend = mockBackend({
      "plugin:dialog|save": () => "/home/ana/audit.csv",
      export_audit_csv: () => ({ path: "/home/ana/audit.csv", rows: 1234 }),
    });
    const { user } = renderApp();
    const p = await panel();
    await user.click(within(p).getByRole("button", { name: "Export audit log" }));
    await waitFor(() => expect(backend.callsOf("export_audit_csv")).toHaveLength(1));
    expect(backend.callsOf("plugin:dialog|save")[0]?.args).toMatchObject({
      options: { defaultPath: expect.stringMatching(/^modelops-audit-\d{4}-\d{2}-\d{2}\.csv$/) },
    });
    expect(backend.callsOf("export_audit_csv")[0]?.args).toEqual({ request: { path: "/home/ana/audit.csv" } });
    expect(await within(toasts()).findByText("Exported 1234 events to /home/ana/audit.csv")).toBeInTheDocument();
  });
});
