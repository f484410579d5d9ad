import { mockIPC } from "@tauri-apps/api/mocks";
import { describe, expect, it } from "vitest";
import { ApiError, call, toApiError } from "./client";
import { defaultExportFileName, deployModel, pickExportPath, startAbTest } from "./commands";

describe("toApiError", () => {
  it("keeps an IpcError's code and message", () => {
    const e = toApiError({ code: "NO_PREVIOUS_VERSION", message: "Can't roll back X: 1.0 is its first version." });
    expect(e).toBeInstanceOf(ApiError);
    expect(e.code).toBe("NO_PREVIOUS_VERSION");
    expect(e.message).toBe("Can't roll back X: 1.0 is its first version.");
  });

  it("maps an unknown code to INTERNAL but keeps the message", () => {
    const e = toApiError({ code: "SOMETHING_NEW", message: "boom" });
    expect(e.code).toBe("INTERNAL");
    expect(e.message).toBe("boom");
  });

  it("treats a plain string (Tauri's own argument errors) as INVALID_INPUT", () => {
    const e = toApiError("invalid args `request` for command `deploy_model`: missing field `targetEnv`");
    expect(e.code).toBe("INVALID_INPUT");
    expect(e.message).toContain("missing field `targetEnv`");
  });

  it("turns anything else into INTERNAL", () => {
    expect(toApiError(new TypeError("x is undefined"))).toMatchObject({ code: "INTERNAL", message: "x is undefined" });
    expect(toApiError(undefined)).toMatchObject({ code: "INTERNAL", message: "Unexpected error." });
    expect(toApiError(42).code).toBe("INTERNAL");
    expect(toApiError({ message: "no code" }).code).toBe("INTERNAL");
  });

  it("returns an ApiError unchanged", () => {
    const original = new ApiError("CONFLICT", "busy");
    expect(toApiError(original)).toBe(original);
  });
});

describe("call", () => {
  it("resolves with the command's answer", async () => {
    mockIPC((cmd) => (cmd === "get_summary" ? { total: 3 } : null));
    await expect(call("get_summary")).resolves.toEqual({ total: 3 });
  });

  it("takes only the names of commands Rust registers", () => {
    // Checked by the compiler (npm run typecheck): the directive fails the build if the misspelt name compiles.
    // @ts-expect-error "get_sumary" is not a Command
    const misspelt = () => call("get_sumary");
    expect(misspelt).toBeTypeOf("function");
  });

  it("rejects with a normalized ApiError for object and string rejections", async () => {
    mockIPC(() => {
      throw { code: "CONFLICT", message: "model-1 is already in a running A/B test." };
    });
    await expect(call("start_ab_test")).rejects.toMatchObject({
      name: "ApiError",
      code: "CONFLICT",
      message: "model-1 is already in a running A/B test.",
    });

    mockIPC(() => {
      throw "invalid type: string, expected i64";
    });
    const err = await call("start_ab_test").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({ code: "INVALID_INPUT", message: "invalid type: string, expected i64" });
  });
});

describe("commands", () => {
  it("wrap every argument in a single `request` key", async () => {
    const seen: Array<[string, unknown]> = [];
    mockIPC((cmd, args) => {
      seen.push([cmd, args]);
      return {};
    });
    await deployModel("model-2", "production");
    await startAbTest({ modelA: "model-1", modelB: "model-2", trafficSplit: 25 });
    expect(seen).toEqual([
      ["deploy_model", { request: { modelId: "model-2", targetEnv: "production" } }],
      ["start_ab_test", { request: { modelA: "model-1", modelB: "model-2", trafficSplit: 25 } }],
    ]);
  });

  it("asks the dialog plugin for a CSV path with a dated default name", async () => {
    const seen: Array<[string, unknown]> = [];
    mockIPC((cmd, args) => {
      seen.push([cmd, args]);
      return "/home/me/out.csv";
    });
    await expect(pickExportPath(new Date(2025, 2, 7))).resolves.toBe("/home/me/out.csv");
    expect(seen[0]?.[0]).toBe("plugin:dialog|save");
    expect(seen[0]?.[1]).toMatchObject({
      options: { defaultPath: "modelops-models-2025-03-07.csv", filters: [{ name: "CSV", extensions: ["csv"] }] },
    });
    expect(defaultExportFileName(new Date(2024, 11, 31))).toBe("modelops-models-2024-12-31.csv");
  });
});
