import { describe, expect, it } from "vitest";
import type { AbAnalysis } from "../../bindings/AbAnalysis";
import { abResults, analysisOf, bWinsAnalysis, runningAbTest, runningWithResults } from "../../test/fixtures";
import { configText, describeAnalysis, describeTest, pText, thousands } from "./verdict";

const cfg = analysisOf(runningWithResults).config;

const variant = (over: Partial<AbAnalysis>, success: Partial<AbAnalysis["success"]> = {}): AbAnalysis => ({
  ...bWinsAnalysis,
  ...over,
  success: { ...bWinsAnalysis.success, ...success },
});

describe("the verdict in words", () => {
  it("B wins: rates, lift with its interval, p-value and test, latency", () => {
    const t = describeTest(runningWithResults, bWinsAnalysis, cfg);
    expect(t.headline).toBe("B wins");
    expect(t.tone).toBe("win");
    expect(t.success).toBe(
      "B converts better: 12.4 % vs 11.1 % success, lift +1.3 points (95 % CI +0.4 to +2.2), p = 0.004 (two-proportion z-test).",
    );
    expect(t.latency).toBe("Latency: no significant difference (Mann–Whitney p = 0.41).");
    expect(t.notDecisionGrade).toBeNull();
    expect(t.srmWarning).toBeNull();
  });

  it("A wins: worded from A's side, the interval turned around", () => {
    const a = variant(
      { verdict: "aWins", latency: { uStatistic: 1, pValue: 0.003, medianA: 118, medianB: 131.5, significant: true } },
      { rateA: 0.124, rateB: 0.111, diff: -0.013, ciLow: -0.022, ciHigh: -0.004, test: "fisherExact", pValue: 0.0004 },
    );
    const t = describeAnalysis(a, cfg);
    expect(t.headline).toBe("A wins");
    expect(t.success).toBe(
      "A converts better: 12.4 % vs 11.1 % success, lift +1.3 points (95 % CI +0.4 to +2.2), p < 0.001 (Fisher's exact test).",
    );
    expect(t.latency).toBe("Latency: A is faster (median 118 ms vs 131.5 ms, Mann–Whitney p = 0.003).");
  });

  it("inconclusive: no significant difference, with the numbers", () => {
    const a = variant(
      { verdict: "inconclusive", latency: null },
      { rateA: 0.1, rateB: 0.1002, diff: 0.0002, ciLow: -0.0039, ciHigh: 0.0043, pValue: 0.92, significant: false },
    );
    const t = describeAnalysis(a, cfg);
    expect(t.headline).toBe("No clear winner");
    expect(t.tone).toBe("neutral");
    expect(t.success).toBe(
      "No significant difference in success: B 10.0 % vs A 10.0 % success, difference 0.0 points (95 % CI −0.4 to +0.4), p = 0.92 (two-proportion z-test).",
    );
    expect(t.latency).toBe("Latency: no samples imported for both variants.");
  });

  it("not decision-grade: how many requests there are of how many are needed", () => {
    const test = { ...runningAbTest, results: abResults({ assignments: 3_100, requests: 3_100, successes: 344 }, { assignments: 3_150, requests: 3_150, successes: 400 }) };
    const a = variant({ verdict: "notDecisionGrade", decisionGrade: false, requiredSamplePerVariant: 8_200 });
    const t = describeTest(test, a, cfg);
    expect(t.headline).toBe("Not decision-grade yet");
    expect(t.tone).toBe("warning");
    expect(t.notDecisionGrade).toBe("Not decision-grade yet: 3 100 of 8 200 requests needed per variant.");
    expect(t.success).toMatch(/^So far: B 12\.4 % vs A 11\.1 % success, difference \+1\.3 points/);
    expect(t.srmWarning).toBeNull();
  });

  it("a sample-ratio mismatch is a warning in plain words", () => {
    const a = variant({
      verdict: "notDecisionGrade",
      decisionGrade: false,
      srm: { chiSquare: 92.8, pValue: 1e-21, mismatch: true, expectedA: 48_500, expectedB: 48_500 },
    });
    const t = describeTest(runningWithResults, a, cfg);
    expect(t.headline).toBe("Not decision-grade yet");
    expect(t.srmWarning).toBe(
      "Sample-ratio mismatch: the assignments do not match the configured split (expected about 48 500 for A and 48 500 for B, p < 0.001). " +
        "The traffic was not split as configured, so no comparison can be trusted until the assignment is explained.",
    );
    // Enough requests: only the mismatch keeps it from being decision-grade.
    expect(t.notDecisionGrade).toBeNull();
  });

  it("small rates get two decimals", () => {
    const a = variant({}, { rateA: 0.0123, rateB: 0.0145, diff: 0.0022, ciLow: 0.0004, ciHigh: 0.004 });
    expect(describeAnalysis(a, cfg).success).toContain("1.45 % vs 1.23 % success, lift +0.22 points (95 % CI +0.04 to +0.40)");
  });

  it("formats numbers, p-values and settings", () => {
    expect(thousands(8200)).toBe("8 200");
    expect(thousands(1234567)).toBe("1 234 567");
    expect(thousands(12)).toBe("12");
    expect(pText(0.0004)).toBe("p < 0.001");
    expect(pText(0.0042)).toBe("p = 0.004");
    expect(pText(0.412)).toBe("p = 0.41");
    expect(configText(runningAbTest)).toBe("α 0.05 · detects 1 point · power 80 %");
    expect(configText({ alpha: 0.01, minDetectableEffect: 0.025, power: 0.9 })).toBe("α 0.01 · detects 2.5 points · power 90 %");
  });
});
