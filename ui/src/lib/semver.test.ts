import { describe, expect, it } from "vitest";
import { compareSemver, latestVersion, nextPatch, parseSemver } from "./semver";
import { localInputToUtc, toLocalInput } from "./time";
import { deploymentsText, formatBytes, shortHash } from "./format";
import { percentToFraction } from "../features/register/form";

const cmp = (a: string, b: string) => Math.sign(compareSemver(parseSemver(a)!, parseSemver(b)!));

describe("semver", () => {
  it("parses MAJOR.MINOR.PATCH with pre-release and build, refuses the rest", () => {
    expect(parseSemver("2.1.0")).toEqual({ major: 2, minor: 1, patch: 0, pre: [] });
    expect(parseSemver(" 1.0.0-rc.1+build.5 ")).toEqual({ major: 1, minor: 0, patch: 0, pre: ["rc", "1"] });
    for (const bad of ["2.x", "2.1", "v2.1.0", "01.0.0", "1.0.0-", "", "1.0.0.0"]) expect(parseSemver(bad)).toBeNull();
  });

  it("orders by precedence", () => {
    expect(cmp("2.1.0", "2.0.9")).toBe(1);
    expect(cmp("2.0.10", "2.0.9")).toBe(1);
    expect(cmp("1.0.0-rc.1", "1.0.0")).toBe(-1);
    expect(cmp("1.0.0-alpha", "1.0.0-alpha.1")).toBe(-1);
    expect(cmp("1.0.0-rc.2", "1.0.0-rc.10")).toBe(-1);
    expect(cmp("1.0.0+a", "1.0.0+b")).toBe(0);
    expect(latestVersion(["2.0.9", "2.1.0", "2.0.10", "junk"])).toBe("2.1.0");
    expect(nextPatch("2.1.0")).toBe("2.1.1");
    expect(nextPatch("2.1.0-rc.1")).toBe("2.1.0");
  });
});

describe("conversions", () => {
  it("turns datetime-local values into RFC 3339 UTC and back", () => {
    const utc = localInputToUtc("2025-03-05T14:07");
    expect(utc).toBe(new Date(2025, 2, 5, 14, 7).toISOString());
    expect(utc).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    expect(localInputToUtc("")).toBeNull();
    expect(localInputToUtc("nope")).toBeNull();
    expect(toLocalInput(new Date(2025, 2, 5, 4, 7))).toBe("2025-03-05T04:07");
  });

  it("percentages become fractions without float noise", () => {
    expect(percentToFraction(94.3)).toBe(0.943);
    expect(percentToFraction(99.99)).toBe(0.9999);
    expect(percentToFraction(0.15)).toBe(0.0015);
  });

  it("formats bytes, hashes and deployments", () => {
    expect(formatBytes(2_500_000_000)).toBe("2.5 GB");
    expect(formatBytes(450_000_000)).toBe("450 MB");
    expect(formatBytes(999)).toBe("999 B");
    expect(shortHash("3f2a9c1d4e5b6a7980f1")).toBe("3f2a9c1d4e5b…");
    const now = new Date(2025, 10, 20);
    expect(
      deploymentsText(
        [
          { environment: "staging", at: new Date(2025, 10, 3, 12).toISOString(), action: "promoted" },
          { environment: "production", at: new Date(2025, 10, 5, 12).toISOString(), action: "deployed" },
        ],
        now,
      ),
    ).toBe("staging Nov 3 · production Nov 5");
  });
});
