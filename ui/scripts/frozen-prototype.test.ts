// tauri.conf.json turns on `security.freezePrototype`: the window freezes Object.prototype before the page runs.
// These tests bundle the metrics charts as `vite build` does for the app and run them in a separate Node process
// that freezes Object.prototype first (scripts/frozen-prototype.mjs), because freezing it here would break the
// test runner, and jsdom alone never freezes it.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { build } from "vite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const ui = resolve(import.meta.dirname, "..");
const runner = join(ui, "scripts/frozen-prototype.mjs");
let out = "";

function runFrozen(...modules: string[]) {
  const run = spawnSync(process.execPath, ["--enable-source-maps", runner, ...modules], {
    cwd: ui,
    encoding: "utf8",
    timeout: 25_000,
  });
  const result = run.stdout.trim().split("\n").at(-1) ?? "";
  return { status: run.status, stderr: run.stderr, result: run.status === 0 ? JSON.parse(result) : null };
}

beforeAll(async () => {
  out = mkdtempSync(join(tmpdir(), "modelops-frozen-"));
  // Vite and the React plugin read NODE_ENV (vitest's is "test"): build what ships, production React and JSX.
  const nodeEnv = process.env.NODE_ENV;
  process.env.NODE_ENV = "production";
  try {
    // The app's own Vite config (plugins, resolution, target, minifier), with the harness as the only entry.
    await build({
      configFile: join(ui, "vite.config.ts"),
      root: ui,
      mode: "production",
      logLevel: "error",
      build: {
        outDir: out,
        emptyOutDir: true,
        sourcemap: true, // failures name the package file and line, not a minified column
        rolldownOptions: {
          input: join(ui, "src/test/frozen-prototype/harness.tsx"),
          preserveEntrySignatures: "strict",
          output: { entryFileNames: "harness.js", codeSplitting: false },
        },
      },
    });
  } finally {
    process.env.NODE_ENV = nodeEnv;
  }
}, 30_000);

afterAll(() => {
  if (out) rmSync(out, { recursive: true, force: true });
});

describe("charts under a frozen Object.prototype (tauri.conf.json: freezePrototype)", () => {
  it("the check itself fails on a module that assigns an inherited name", () => {
    const bad = join(out, "override-mistake.js");
    writeFileSync(bad, "const proto = {};\nproto.toString = () => 'mine';\nexport const x = String(proto);\n");
    const run = runFrozen(bad);
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/TypeError: Cannot assign to read only property 'toString'/);
  }, 30_000);

  it("loads the metrics charts' modules and draws both views", () => {
    const run = runFrozen(join(out, "harness.js"));
    // On failure, the error and the package line that threw.
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    expect(run.result.frozen).toBe(true);
    // model-1's fixture: 3 versions registered, then a test run = 4 points per metric over time, 3 across versions;
    // a tooltip on each of the 6 charts of each view.
    const { overTime, acrossVersions } = run.result.rendered;
    expect(overTime).toMatchObject({ figures: 6, dots: 24, tooltips: 6 });
    expect(acrossVersions).toMatchObject({ figures: 6, dots: 18, tooltips: 6 });
    expect(overTime.ticks).toBeGreaterThan(0);
    expect(acrossVersions.ticks).toBeGreaterThan(0);
  }, 30_000);
});
