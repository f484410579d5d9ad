/// <reference types="node" />
// Node types for this file only: it reads the stylesheet from disk; the app itself never runs in Node.
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { hex } from "wcag-contrast";
import { describe, expect, it } from "vitest";

// Read from disk: vitest runs with `css: false`, which empties even a `?raw` import of a stylesheet.
const here = dirname(fileURLToPath(import.meta.url));
const css = readFileSync(join(here, "app.css"), "utf8");
const gatesCss = readFileSync(join(here, "../features/gates/gates.css"), "utf8");

/** The custom properties declared directly in the first rule whose selector is exactly `selector`. */
function tokens(selector: string): Record<string, string> {
  const start = css.indexOf(`${selector} {`);
  if (start < 0) throw new Error(`no rule for ${selector} in app.css`);
  const body = css.slice(start + selector.length + 2, css.indexOf("}", start));
  const out: Record<string, string> = {};
  for (const m of body.matchAll(/(--[\w-]+)\s*:\s*([^;]+);/g)) out[m[1]!] = m[2]!.trim();
  return out;
}

const LIGHT = tokens(":root");
const DARK_EXPLICIT = tokens(':root[data-theme="dark"]');
const DARK_SYSTEM = tokens(':root:not([data-theme="light"])');
const THEMES = { light: LIGHT, dark: { ...LIGHT, ...DARK_EXPLICIT } };

/** WCAG 2.x: 4.5:1 for text (1.4.3), 3:1 for the parts of a control or a graphic one must see (1.4.11). */
const TEXT = 4.5;
const UI = 3;

type Pair = [fg: string, bg: string, min: number];

/** Every pair of tokens the stylesheet puts one over the other, found by reading its `color:` and `background` rules. */
const PAIRS: Pair[] = [
  // Body text, secondary text and hints, on every surface they sit on.
  ...["--text", "--text-2", "--muted"].flatMap((fg) =>
    ["--bg", "--surface", "--surface-2", "--surface-hover"].map((bg): Pair => [fg, bg, TEXT]),
  ),
  ["--text", "--accent-soft", TEXT], // pressed segmented button, current version row
  ["--text", "--danger-soft", TEXT], // .error-message, .import-error-message
  ["--text-2", "--accent-soft", TEXT],
  // The primary button.
  ["--accent-text", "--accent-fill", TEXT],
  ["--accent-text", "--accent-fill-hover", TEXT],
  // Accent as text: ghost and link buttons, the current badge, the A tag, the action chips.
  ["--accent", "--surface", TEXT],
  ["--accent", "--surface-2", TEXT],
  ["--accent", "--surface-hover", TEXT],
  ["--accent", "--accent-soft", TEXT],
  // Outcomes, as text on the page and on their own soft backgrounds.
  ...(["danger", "success", "warn"] as const).flatMap((tone): Pair[] => [
    [`--${tone}`, "--surface", TEXT],
    [`--${tone}`, "--surface-2", TEXT],
    [`--${tone}`, `--${tone}-soft`, TEXT],
  ]),
  ["--danger", "--surface-hover", TEXT], // a failed check in a hovered row
  // Status badges and chips, backup reasons, import actions and audit tags share these.
  ...(["dev", "staging", "prod", "arch"] as const).map((st): Pair => [`--st-${st}-fg`, `--st-${st}-bg`, TEXT]),
  // Chart axes and ticks, on the chart's box and on the page.
  ["--chart-axis", "--surface-2", TEXT],
  ["--chart-axis", "--surface", TEXT],
  // Non-text: the focus ring wherever it can be drawn, the borders of form fields, the summary cards' stripes.
  ...["--bg", "--surface", "--surface-2", "--surface-hover"].map((bg): Pair => ["--focus", bg, UI]),
  ["--border-input", "--surface", UI],
  ["--border-input", "--surface-2", UI],
  ...(["dev", "staging", "prod", "arch"] as const).map((st): Pair => [`--st-${st}-fg`, "--surface", UI]),
  ["--warn", "--surface", UI],
  // One line per version in the metric charts, told apart by colour and by the legend.
  ...[1, 2, 3, 4, 5, 6, 7, 8].map((n): Pair => [`--chart-${n}`, "--surface-2", UI]),
];

/** Colours written as literals, not tokens: the confirm dialog's destructive button is the same in both themes. */
const LITERAL_PAIRS: Pair[] = [
  ["#ffffff", "#b91c1c", TEXT],
  ["#ffffff", "#991b1b", TEXT],
];

function colour(theme: Record<string, string>, name: string): string {
  if (name.startsWith("#")) return name;
  const value = theme[name];
  if (!value || !/^#[0-9a-f]{6}$/i.test(value)) throw new Error(`${name} is not a #rrggbb colour: ${value}`);
  return value;
}

/** The pairs below their minimum, with their ratio, e.g. "--muted on --surface: 3.10 < 4.5". */
function failures(theme: Record<string, string>, pairs: Pair[]): string[] {
  return pairs.flatMap(([fg, bg, min]) => {
    const ratio = hex(colour(theme, fg), colour(theme, bg));
    return ratio >= min ? [] : [`${fg} on ${bg}: ${ratio.toFixed(2)} < ${min}`];
  });
}

describe("colour contrast of app.css (WCAG 2.x AA)", () => {
  it("computes WCAG's ratios", () => {
    expect(hex("#000000", "#ffffff")).toBeCloseTo(21, 5);
    expect(hex("#767676", "#ffffff")).toBeGreaterThanOrEqual(4.5); // the lightest grey that passes on white
    expect(hex("#777777", "#ffffff")).toBeLessThan(4.5);
  });

  it("reports a pair below its minimum", () => {
    // A border colour used as text: what the check is for.
    expect(failures(LIGHT, [["--border", "--surface", TEXT]])).toEqual([expect.stringMatching(/^--border on --surface: 1\.\d\d < 4\.5$/)]);
  });

  for (const [name, theme] of Object.entries(THEMES)) {
    it(`has every text and control pair at AA in the ${name} theme`, () => {
      expect(failures(theme, [...PAIRS, ...LITERAL_PAIRS])).toEqual([]);
    });
  }

  it("declares the same dark tokens for an explicit choice and for the system's preference", () => {
    expect(Object.keys(DARK_EXPLICIT).length).toBeGreaterThan(20);
    expect(DARK_SYSTEM).toEqual(DARK_EXPLICIT);
  });

  it("overrides in the dark theme only tokens that the light theme declares", () => {
    expect(Object.keys(DARK_EXPLICIT).filter((k) => !(k in LIGHT))).toEqual([]);
  });
});

describe("focus ring", () => {
  it("is drawn with --focus on every :focus-visible element and removed nowhere", () => {
    expect(css).toMatch(/^:focus-visible \{\s*outline: 2px solid var\(--focus\);/m);
    for (const sheet of [css, gatesCss]) expect(sheet).not.toMatch(/outline(-style|-width)?\s*:\s*(none|0)\b/);
  });
});
