import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { render } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { mockIPC } from "@tauri-apps/api/mocks";
import { App } from "../App";
import { ToastProvider } from "../components/Toast";
import type { AbTest } from "../bindings/AbTest";
import type { Model } from "../bindings/Model";
import { details, modelList, runningAbTest, seedModels, stoppedAbTest, summary } from "./fixtures";

export interface IpcCall {
  cmd: string;
  args: unknown;
}

type Handler = (args: unknown) => unknown;

/**
 * Mocks the Rust side with the seed data. `overrides` replace a command's answer (throw to reject);
 * every call is recorded in `calls` in order.
 */
export function mockBackend(
  overrides: Record<string, Handler> = {},
  opts: { models?: Model[]; abTests?: AbTest[] } = {},
) {
  const models = opts.models ?? seedModels;
  const abTests = opts.abTests ?? [runningAbTest, stoppedAbTest];
  const calls: IpcCall[] = [];
  const defaults: Record<string, Handler> = {
    list_models: () => modelList(models),
    get_summary: () => summary,
    list_ab_tests: () => abTests,
    get_model_details: (args) => {
      const id = (args as { request: { modelId: string } }).request.modelId;
      const m = models.find((x) => x.id === id);
      if (!m) throw { code: "NOT_FOUND", message: `No model with id "${id}".` };
      return details(m, abTests.filter((t) => t.modelA === id || t.modelB === id));
    },
  };
  mockIPC((cmd, args) => {
    calls.push({ cmd, args });
    const handler = overrides[cmd] ?? defaults[cmd];
    if (!handler) throw new Error(`unmocked command ${cmd}`);
    return handler(args);
  });
  return {
    calls,
    /** Calls of one command, without the background reads. */
    callsOf: (cmd: string) => calls.filter((c) => c.cmd === cmd),
  };
}

export function renderApp() {
  const client = new QueryClient({
    defaultOptions: { queries: { retry: false, gcTime: Infinity }, mutations: { retry: false } },
  });
  const user = userEvent.setup();
  const utils = render(
    <QueryClientProvider client={client}>
      <ToastProvider>
        <App />
      </ToastProvider>
    </QueryClientProvider>,
  );
  return { ...utils, user, client };
}
