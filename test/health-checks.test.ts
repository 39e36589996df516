/**
 * `HEALTH_CHECKS`: the checks the contract lists, on the dimension sets KMS publishes (kms-facts §12),
 * AWS's recommended alarm thresholds marked as such, our own marked as ours, every cited page dated.
 */
import { HEALTH_CHECKS as FROM_MAIN } from "kms-keystore-errors";
import { HEALTH_CHECKS, type HealthCheck } from "kms-keystore-errors/diagnostics";
import { describe, expect, it } from "vitest";
import { DOCS_LAST_CHECKED } from "../src/catalog/docs.js";

const byId = (id: string): HealthCheck => {
  const check = HEALTH_CHECKS.find((c) => c.id === id);
  if (check === undefined) throw new Error(`no health check ${id}`);
  return check;
};

/** kms-facts §12: the dimension set of each KMS metric for external key stores. */
const PUBLISHED: Readonly<Record<string, readonly string[]>> = {
  ExternalKeyStoreThrottle: ["CustomKeyStoreId", "KmsOperation", "KeySpec"],
  XksProxyCertificateDaysToExpire: ["CustomKeyStoreId", "CertificateName"],
  XksProxyCredentialAge: ["CustomKeyStoreId"],
  XksProxyErrors: [
    "CustomKeyStoreId",
    "KmsOperation",
    "XksOperation",
    "KeySpec",
    "ErrorType",
    "ExceptionName",
  ],
  XksExternalKeyManagerStates: ["CustomKeyStoreId", "XksExternalKeyManagerState"],
  XksProxyLatency: ["CustomKeyStoreId", "KmsOperation", "XksOperation", "KeySpec"],
};

describe("HEALTH_CHECKS", () => {
  it("is the same data from the main entry and from ./diagnostics", () => {
    expect(FROM_MAIN).toBe(HEALTH_CHECKS);
  });

  it("has unique ids and covers every KMS metric of external key stores and HsmUnhealthy", () => {
    const ids = HEALTH_CHECKS.map((c) => c.id);
    expect(new Set(ids).size).toBe(ids.length);
    const metrics = HEALTH_CHECKS.flatMap((c) => (c.metric === undefined ? [] : [c.metric]));
    expect(metrics.sort()).toEqual([...Object.keys(PUBLISHED), "HsmUnhealthy"].sort());
    expect(byId("connection-state").states?.fail).toEqual(["FAILED"]);
  });

  it("queries each KMS metric on exactly the dimension set KMS publishes it with", () => {
    for (const check of HEALTH_CHECKS.filter((c) => c.namespace === "AWS/KMS")) {
      expect(check.dimensions, check.id).toEqual([...(PUBLISHED[check.metric ?? ""] ?? [])].sort());
      expect(check.keyDimension, check.id).toBe("CustomKeyStoreId");
    }
    expect(byId("cloudhsm-hsm-unhealthy").dimensions).toContain("ClusterId");
  });

  it("gives every metric check a statistic, a period, a window and a comparison", () => {
    for (const check of HEALTH_CHECKS.filter((c) => c.metric !== undefined)) {
      expect(check.statistic, check.id).toBeDefined();
      expect(check.periodSeconds, check.id).toBeGreaterThanOrEqual(60);
      expect(check.lookbackSeconds ?? 0, check.id).toBeGreaterThanOrEqual(check.periodSeconds ?? 0);
      expect(check.comparison, check.id).toBeDefined();
      expect(check.warn ?? check.fail, check.id).toBeDefined();
    }
  });

  it("has AWS's recommended alarms as aws-recommended thresholds (xks-alarms page)", () => {
    const cert = byId("xks-proxy-certificate-days-to-expire");
    expect([cert.statistic, cert.periodSeconds, cert.comparison, cert.fail?.value]).toEqual([
      "Minimum",
      300,
      "LessThanThreshold",
      10,
    ]);
    expect(cert.fail?.source).toBe("aws-recommended");
    expect(cert.fail?.doc).toMatch(/xks-alarms\.html#cert-expire-alarm$/);
    const latency = byId("xks-proxy-latency");
    expect([latency.statistic, latency.periodSeconds, latency.comparison, latency.fail?.value]).toEqual([
      "Average",
      300,
      "GreaterThanThreshold",
      200,
    ]);
    expect(latency.fail?.source).toBe("aws-recommended");
    const errors = byId("xks-proxy-errors");
    expect([errors.statistic, errors.periodSeconds, errors.combine]).toEqual(["Sum", 60, "sum"]);
    expect(errors.warn).toMatchObject({
      value: 5,
      source: "aws-recommended",
      where: { ErrorType: "Retryable" },
    });
    expect(errors.fail).toMatchObject({
      value: 5,
      source: "aws-recommended",
      where: { ErrorType: "Non-retryable" },
    });
  });

  it("marks the library's own thresholds as ours: credential age 90 days, certificate 30 days", () => {
    expect(byId("xks-proxy-credential-age").warn).toMatchObject({ value: 90, source: "ours" });
    expect(byId("xks-proxy-credential-age").comparison).toBe("GreaterThanOrEqualToThreshold");
    expect(byId("xks-proxy-certificate-days-to-expire").warn).toMatchObject({ value: 30, source: "ours" });
    expect(byId("xks-external-key-manager-states").fail?.where).toEqual({
      XksExternalKeyManagerState: "Unavailable",
    });
    expect(byId("xks-external-key-manager-states").warn?.where).toEqual({
      XksExternalKeyManagerState: "Degraded",
    });
    expect(byId("external-key-store-throttle").warn).toMatchObject({ value: 0, source: "ours" });
  });

  it("cites only dated documentation pages, for thresholds and remediations", () => {
    const urls = HEALTH_CHECKS.flatMap((c) => [
      ...c.remediation.docs,
      ...(c.warn === undefined ? [] : [c.warn.doc]),
      ...(c.fail === undefined ? [] : [c.fail.doc]),
    ]);
    expect(urls.filter((url) => DOCS_LAST_CHECKED[url] === undefined)).toEqual([]);
    for (const c of HEALTH_CHECKS) expect(c.remediation.steps.length, c.id).toBeGreaterThan(0);
  });
});
