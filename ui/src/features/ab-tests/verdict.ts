// The analysis of an A/B test in plain words. The numbers and the verdict come from Rust (stats.rs); this file
// only words them, so the panel and its tests agree on one text.
import type { AbAnalysis } from "../../bindings/AbAnalysis";
import type { AbAnalysisConfig } from "../../bindings/AbAnalysisConfig";
import type { AbOutcome } from "../../bindings/AbOutcome";
import type { AbTest } from "../../bindings/AbTest";
import type { Verdict } from "../../bindings/Verdict";

export interface VerdictText {
  /** "B wins", "A wins", "No clear winner", "Not decision-grade yet". */
  headline: string;
  tone: "win" | "neutral" | "warning";
  /** The success-rate comparison with its interval and p-value. */
  success: string;
  latency: string;
  /** Set when either variant is short of the planned sample size. */
  notDecisionGrade: string | null;
  /** Set when the assignments do not match the configured split. */
  srmWarning: string | null;
}

/** Digits grouped by thin spaces would be nicer, but plain spaces survive copy and paste and screen readers. */
export function thousands(n: number): string {
  return Math.round(n)
    .toString()
    .replace(/\B(?=(\d{3})+(?!\d))/g, " ");
}

/** "p < 0.001", "p = 0.004", "p = 0.41". */
export function pText(p: number): string {
  if (p < 0.001) return "p < 0.001";
  if (p < 0.01) return `p = ${p.toFixed(3)}`;
  return `p = ${p.toFixed(2)}`;
}

function decimals(a: AbAnalysis): number {
  // Two decimals for small rates, where one would round the differences away.
  return Math.max(a.success.rateA, a.success.rateB) < 0.05 ? 2 : 1;
}

function pctText(rate: number, dec: number): string {
  return `${(rate * 100).toFixed(dec)} %`;
}

/** "+1.3", "−0.4", "0.0" (no sign on a figure that rounds to zero). */
function signedPoints(x: number, dec: number): string {
  const text = Math.abs(x * 100).toFixed(dec);
  if (/^[0.]+$/.test(text)) return text;
  return `${x < 0 ? "−" : "+"}${text}`;
}

function levelText(alpha: number): string {
  const level = (1 - alpha) * 100;
  return `${Number.isInteger(level) ? level.toFixed(0) : level.toFixed(1)} %`;
}

function testName(a: AbAnalysis): string {
  return a.success.test === "zTest" ? "two-proportion z-test" : "Fisher's exact test";
}

function msText(x: number): string {
  return `${Number.isInteger(x) ? x.toFixed(0) : x.toFixed(1)} ms`;
}

/** Words for the stored outcome of a concluded test. */
export const OUTCOME_LABEL: Record<AbOutcome, string> = {
  aWins: "A wins",
  bWins: "B wins",
  inconclusive: "Inconclusive",
};

export function describeAnalysis(a: AbAnalysis, cfg: AbAnalysisConfig): VerdictText {
  const dec = decimals(a);
  const s = a.success;
  const level = levelText(cfg.alpha ?? 0.05);
  const p = `${pText(s.pValue)} (${testName(a)})`;

  let success: string;
  if (a.verdict === "aWins" || a.verdict === "bWins") {
    // Worded from the winner's side: its rate first, its lift over the other positive.
    const bWins = a.verdict === "bWins";
    const win = bWins ? "B" : "A";
    const [rw, rl] = bWins ? [s.rateB, s.rateA] : [s.rateA, s.rateB];
    const sign = bWins ? 1 : -1;
    const [lo, hi] = bWins ? [s.ciLow, s.ciHigh] : [-s.ciHigh, -s.ciLow];
    success =
      `${win} converts better: ${pctText(rw, dec)} vs ${pctText(rl, dec)} success, ` +
      `lift ${signedPoints(sign * s.diff, dec)} points (${level} CI ${signedPoints(lo, dec)} to ${signedPoints(hi, dec)}), ${p}.`;
  } else {
    const lead = a.verdict === "inconclusive" ? "No significant difference in success" : "So far";
    success =
      `${lead}: B ${pctText(s.rateB, dec)} vs A ${pctText(s.rateA, dec)} success, ` +
      `difference ${signedPoints(s.diff, dec)} points (${level} CI ${signedPoints(s.ciLow, dec)} to ${signedPoints(s.ciHigh, dec)}), ${p}.`;
  }

  let latency: string;
  const l = a.latency;
  if (!l) {
    latency = "Latency: no samples imported for both variants.";
  } else if (l.significant && l.medianA !== l.medianB) {
    const faster = l.medianB < l.medianA ? "B" : "A";
    const [mf, ms] = faster === "B" ? [l.medianB, l.medianA] : [l.medianA, l.medianB];
    latency = `Latency: ${faster} is faster (median ${msText(mf)} vs ${msText(ms)}, Mann–Whitney ${pText(l.pValue)}).`;
  } else {
    latency = `Latency: no significant difference (Mann–Whitney ${pText(l.pValue)}).`;
  }

  const srmWarning = a.srm.mismatch
    ? `Sample-ratio mismatch: the assignments do not match the configured split (expected about ` +
      `${thousands(a.srm.expectedA)} for A and ${thousands(a.srm.expectedB)} for B, ${pText(a.srm.pValue)}). ` +
      `The traffic was not split as configured, so no comparison can be trusted until the assignment is explained.`
    : null;

  return {
    headline: HEADLINE[a.verdict],
    tone: a.verdict === "aWins" || a.verdict === "bWins" ? "win" : a.verdict === "inconclusive" ? "neutral" : "warning",
    success,
    latency,
    notDecisionGrade: null,
    srmWarning,
  };
}

const HEADLINE: Record<Verdict, string> = {
  aWins: "A wins",
  bWins: "B wins",
  inconclusive: "No clear winner",
  notDecisionGrade: "Not decision-grade yet",
};

/**
 * The analysis with the test's counts, so the sample-size sentence can say how far along the smaller variant is:
 * "Not decision-grade yet: 3 100 of 8 200 requests needed per variant."
 */
export function describeTest(test: AbTest, a: AbAnalysis, cfg: AbAnalysisConfig): VerdictText {
  const text = describeAnalysis(a, cfg);
  const requests = test.results.map((r) => r.requests);
  const fewest = requests.length > 0 ? Math.min(...requests) : 0;
  if (fewest < a.requiredSamplePerVariant) {
    text.notDecisionGrade =
      `Not decision-grade yet: ${thousands(fewest)} of ${thousands(a.requiredSamplePerVariant)} requests needed per variant.`;
  }
  return text;
}

/** "α 0.05 · detects 1 point · power 80 %". */
export function configText(t: Pick<AbTest, "alpha" | "minDetectableEffect" | "power">): string {
  const mde = Number((t.minDetectableEffect * 100).toFixed(2));
  return `α ${t.alpha} · detects ${mde} ${mde === 1 ? "point" : "points"} · power ${Number((t.power * 100).toFixed(1))} %`;
}
