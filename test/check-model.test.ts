/**
 * The one check model of the diagnostics (src/diagnostics/check.ts): a scope's checks reported in
 * `REQUIREMENTS` order, unknown until recorded, the first outcome of a check kept; spans of time in
 * words for evidence and alarm descriptions.
 */
import { REQUIREMENTS } from "kms-keystore-errors/diagnostics";
import { describe, expect, it } from "vitest";
import { CheckSet, spanText } from "../src/diagnostics/check.js";

const scopeIds = (scope: string) => REQUIREMENTS.filter((r) => r.scope === scope).map((r) => r.id);

describe("CheckSet", () => {
  it("reports every check of its scope, in REQUIREMENTS order, unknown until recorded", () => {
    const checks = new CheckSet("cloudhsm").build({ "custom-key-store-id": "cks-1234567890abcdef0" });
    expect(checks.map((c) => c.id)).toEqual(scopeIds("cloudhsm"));
    for (const check of checks) {
      expect(check).toMatchObject({ status: "unknown", evidence: "not checked" });
      const row = REQUIREMENTS.find((r) => r.id === check.id);
      expect(check.cause).toBe(row?.cause);
      expect(check.requirement).not.toMatch(/<custom-key-store-id>/);
      expect(check.remediation.steps.length).toBeGreaterThan(0);
    }
  });

  it("keeps the first outcome of a check, and fills only the rest with setRest", () => {
    const [first, second] = scopeIds("xks-vpc") as [never, never];
    const set = new CheckSet("xks-vpc");
    set.set(first, "fail", "seen first");
    set.set(first, "pass", "seen later");
    set.setRest("unknown", "the deadline passed");
    const checks = set.build({});
    expect(checks.length).toBeGreaterThan(2);
    expect(checks.find((c) => c.id === first)).toMatchObject({ status: "fail", evidence: "seen first" });
    expect(checks.find((c) => c.id === second)).toMatchObject({
      status: "unknown",
      evidence: "the deadline passed",
    });
  });
});

describe("spanText", () => {
  it("says a minute, minutes, one hour and hours", () => {
    expect(spanText(60)).toBe("a minute");
    expect(spanText(120)).toBe("2 minutes");
    expect(spanText(300)).toBe("5 minutes");
    expect(spanText(900)).toBe("15 minutes");
    expect(spanText(3600)).toBe("1 hour");
    expect(spanText(7200)).toBe("2 hours");
    expect(spanText(10_800)).toBe("3 hours");
    // Whole minutes that are not whole hours stay minutes.
    expect(spanText(5400)).toBe("90 minutes");
  });
});
