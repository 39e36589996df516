/**
 * The one check model of `./diagnostics` and the one `REQUIREMENTS` table behind it: every deep check
 * and every probe step is a row, cited documentation is the catalog's (dated) links, and the public
 * check types are one shape narrowed per producer.
 */
import type {
  Check,
  CheckStatus,
  DeepCheck,
  Diagnosis,
  ProbeCheck,
  ProbeCheckId,
  ProbeReport,
  ProbeStatus,
  RequirementId,
  RequirementIdOf,
} from "kms-keystore-errors/diagnostics";
import { REQUIREMENTS } from "kms-keystore-errors/diagnostics";
import { describe, expect, expectTypeOf, it } from "vitest";
import { DOCS_LAST_CHECKED } from "../src/catalog/docs.js";
import { catalogEntry } from "../src/catalog/index.js";

describe("REQUIREMENTS", () => {
  it("has unique ids", () => {
    const ids = REQUIREMENTS.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it("cites only documentation URLs checked on the current AWS pages", () => {
    const undated = REQUIREMENTS.flatMap((r) =>
      (r.remediation?.docs ?? [])
        .filter((url) => DOCS_LAST_CHECKED[url] === undefined)
        .map((url) => `${r.id}: ${url}`),
    );
    expect(undated).toEqual([]);
  });

  it("gives every deep check a remediation of its own, and no probe step one (the cause found decides)", () => {
    for (const r of REQUIREMENTS) {
      if (r.scope === "xks-proxy") {
        expect(r.remediation, r.id).toBeUndefined();
        expect(r.service, r.id).toBe("xks-proxy");
      } else {
        expect(r.remediation?.steps.length ?? 0, r.id).toBeGreaterThan(0);
        expect(r.remediation?.docs.length ?? 0, r.id).toBeGreaterThan(0);
        expect(r.service, r.id).not.toBe("xks-proxy");
      }
    }
  });

  it("names catalog causes that exist", () => {
    for (const r of REQUIREMENTS) expect(catalogEntry(r.cause).cause, r.id).toBe(r.cause);
  });

  it("has the probe's steps as rows, in the order the probe runs them", () => {
    expect(REQUIREMENTS.filter((r) => r.scope === "xks-proxy").map((r) => r.id)).toEqual([
      "dns",
      "tcp",
      "tls",
      "uri-path",
      "authentication",
      "health",
      "latency",
      "key",
    ]);
  });

  it("says which checks read the load balancers: exactly the NLB checks of the VPC endpoint service", () => {
    expect(REQUIREMENTS.filter((r) => r.service === "elbv2").map((r) => r.id)).toEqual([
      "xks-nlb-internal",
      "xks-nlb-active",
      "xks-nlb-multi-az",
      "xks-nlb-tcp-443-listener",
      "xks-nlb-ip-targets",
      "xks-nlb-healthy-target",
    ]);
  });
});

// Checked by `tsc --noEmit` (part of `npm test`) and run by vitest.
describe("the check model", () => {
  it("has one status union; ProbeStatus is an alias of it", () => {
    expectTypeOf<ProbeStatus>().toEqualTypeOf<CheckStatus>();
    expectTypeOf<CheckStatus>().toEqualTypeOf<"pass" | "fail" | "unknown">();
  });

  it("narrows one Check shape per producer", () => {
    expectTypeOf<DeepCheck>().toExtend<Check>();
    expectTypeOf<ProbeCheck>().toExtend<Check>();
    expectTypeOf<Diagnosis["checks"][number]>().toEqualTypeOf<DeepCheck>();
    expectTypeOf<ProbeReport["checks"][number]>().toEqualTypeOf<ProbeCheck>();
    expectTypeOf<DeepCheck["remediation"]>().not.toBeUndefined();
    expectTypeOf<ProbeCheck["durationMs"]>().toEqualTypeOf<number>();
  });

  it("derives the check ids from the table", () => {
    expectTypeOf<"tls">().toExtend<ProbeCheckId>();
    expectTypeOf<"key:key-1">().toExtend<ProbeCheckId>();
    expectTypeOf<"key">().not.toExtend<ProbeCheckId>();
    expectTypeOf<"tls">().not.toExtend<DeepCheck["id"]>();
    expectTypeOf<"xks-nlb-active">().toExtend<DeepCheck["id"]>();
    expectTypeOf<RequirementIdOf<"cloudhsm">>().toExtend<RequirementId>();
    expectTypeOf<"nope">().not.toExtend<RequirementId>();
  });

  it("leaves room for a finer status (health findings)", () => {
    type Finding = Check<"certificate-expiry", "ok" | "warn" | "fail" | "unknown">;
    const finding: Finding = { id: "certificate-expiry", requirement: "r", status: "warn", evidence: "e" };
    expect(finding.status).toBe("warn");
  });
});
