import { describe, expect, it } from "vitest";
import type { Event } from "../bindings/Event";
import { eventSentence, fractionPct, metricValue, relative, utc } from "./format";
import { whyNot } from "../features/models/lifecycle";
import { model1, model2, model3, runningAbTest } from "../test/fixtures";

const ev = (e: Partial<Event>): Event => ({
  id: 1,
  at: "2025-01-01T00:00:00Z",
  modelId: "model-1",
  action: "registered",
  fromStatus: null,
  toStatus: null,
  fromVersion: null,
  toVersion: null,
  detail: null,
  actor: "ana",
  reason: null,
  beforeJson: null,
  afterJson: null,
  hash: "00",
  ...e,
});

describe("format", () => {
  it("writes events as sentences", () => {
    expect(eventSentence(ev({ action: "deployed", fromStatus: "staging", toStatus: "production" }))).toBe(
      "Deployed staging → production",
    );
    expect(eventSentence(ev({ action: "promoted", fromStatus: "development", toStatus: "staging" }))).toBe(
      "Promoted development → staging",
    );
    expect(eventSentence(ev({ action: "rolled_back", fromVersion: "2.1.0", toVersion: "2.0.9" }))).toBe(
      "Rolled back 2.1.0 → 2.0.9",
    );
    expect(eventSentence(ev({ action: "tested", detail: "4/5 passed" }))).toBe("Tested 4/5 passed");
    expect(eventSentence(ev({ action: "archived", fromStatus: "production" }))).toBe("Archived (was production)");
    expect(eventSentence(ev({ action: "registered", toVersion: "1.0.0" }))).toBe("Registered version 1.0.0");
  });

  it("formats metrics in their units", () => {
    expect(fractionPct(0.943)).toBe("94.3%");
    expect(metricValue("errorRate", 0.002)).toBe("0.20%");
    expect(metricValue("uptime", 99.9)).toBe("99.90%");
    expect(metricValue("latency", 45)).toBe("45 ms");
    expect(utc("2025-03-05T14:07:09Z")).toBe("2025-03-05 14:07:09 UTC");
    const now = new Date("2025-03-05T14:00:00Z");
    expect(relative("2025-03-05T11:00:00Z", now)).toBe("3 hours ago");
    expect(relative(null, now)).toBe("—");
  });
});

describe("lifecycle hints", () => {
  it("mirror the rules Rust enforces", () => {
    expect(whyNot("deploy", model2)).toBeNull();
    expect(whyNot("deploy", model3)).toMatch(/Promote to staging first/);
    expect(whyNot("deploy", model1)).toMatch(/Already in production/);
    expect(whyNot("promote", model3)).toBeNull();
    expect(whyNot("rollback", model3)).toMatch(/nothing to roll back/);
    expect(whyNot("rollback", model1)).toBeNull();
    expect(whyNot("archive", model1, [runningAbTest])).toMatch(/running A\/B test/);
    expect(whyNot("archive", model1, [{ ...runningAbTest, status: "aborted" }])).toBeNull();
    for (const a of ["deploy", "promote", "rollback", "test", "archive"] as const) {
      expect(whyNot(a, { ...model1, status: "archived" })).toMatch(/read-only/);
    }
  });
});
