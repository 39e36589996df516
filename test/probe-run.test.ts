/**
 * One run of the XKS proxy probe on its own (src/diagnostics/probe-run.ts): how it times and records
 * checks, marks the ones left over, says why a stopped run stopped, and keeps what the signed requests
 * carry out of the evidence.
 */
import { describe, expect, it } from "vitest";
import { ProbeRun, type Validated } from "../src/diagnostics/probe-run.js";

const SECRET = "SECRET-MARKER-run-7b1e4c9a2d5f8e0b3a6c9d2e5f8a1b4c7d0e3f6a9b";
const PLANNED = ["dns", "tcp", "tls", "uri-path", "authentication", "health", "latency"] as const;

/** Options as `probeXksProxy` validates them, with the signals given. */
const options = (
  signals: { signal?: AbortSignal; deadline?: AbortSignal; callerSignal?: AbortSignal } = {},
) => {
  const deadline = signals.deadline ?? new AbortController().signal;
  return {
    hostname: "xks.example.com",
    endpoint: "https://xks.example.com",
    port: 443,
    https: true,
    uriPath: "/kms/xks/v1",
    credential: { accessKeyId: "AKIARUNTESTACCESSKEY", secretAccessKey: SECRET },
    region: "eu-west-1",
    keyIds: [],
    samples: 1,
    timeoutMs: 1000,
    deadlineMs: 5000,
    signal: signals.signal ?? deadline,
    deadline,
    callerSignal: signals.callerSignal,
    ca: undefined,
  } satisfies Validated;
};

describe("ProbeRun records", () => {
  it("a check's given duration, to a tenth of a millisecond", () => {
    const run = new ProbeRun(options());
    run.record("dns", "pass", "resolved", undefined, 12.34);
    run.record("tcp", "pass", "connected", undefined, 0.06);
    const [dns, tcp] = run.report().checks;
    expect(dns?.durationMs).toBe(12.3);
    expect(tcp?.durationMs).toBe(0.1);
  });

  it("by default, the time since the run began or the last check, and the whole run's time", () => {
    const before = performance.now();
    const run = new ProbeRun(options());
    run.record("dns", "pass", "resolved");
    const wall = performance.now() - before;
    for (const id of PLANNED.slice(1)) run.record(id, "pass", "fine", undefined, 0);
    const report = run.report();
    const whole = performance.now() - before;
    const dns = report.checks[0]?.durationMs;
    expect(dns).toBeGreaterThanOrEqual(0);
    expect(dns).toBeLessThanOrEqual(wall + 0.1);
    expect(report.durationMs).toBeGreaterThanOrEqual(0);
    expect(report.durationMs).toBeLessThanOrEqual(Math.round(whole) + 1);
  });

  it("marks only the checks not recorded yet when told to mark the rest", () => {
    const run = new ProbeRun(options());
    for (const id of PLANNED) run.record(id, "pass", `${id} fine`, undefined, 1);
    run.rest("Not checked: nothing left.");
    const report = run.report();
    expect(report.ok).toBe(true);
    expect(report.checks.map((c) => [c.id, c.status, c.evidence])).toEqual(
      PLANNED.map((id) => [id, "pass", `${id} fine`]),
    );

    const partial = new ProbeRun(options());
    partial.record("dns", "fail", "did not resolve", undefined, 1);
    partial.rest("Not checked: no address.");
    expect(partial.report().checks.map((c) => [c.id, c.status, c.evidence])).toEqual([
      ["dns", "fail", "did not resolve"],
      ...PLANNED.slice(1).map((id) => [id, "unknown", "Not checked: no address."]),
    ]);
  });
});

describe("ProbeRun's report of a stopped run", () => {
  const evidence = (o: Validated) => {
    const run = new ProbeRun(o);
    run.record("dns", "pass", "resolved", undefined, 1);
    const checks = run.report().checks;
    expect(checks.slice(1).every((c) => c.status === "unknown")).toBe(true);
    return new Set(checks.slice(1).map((c) => c.evidence));
  };

  it("names the deadline when it passed and the caller's own signal did not abort", () => {
    const caller = new AbortController().signal;
    const deadline = AbortSignal.abort();
    expect(
      evidence(options({ callerSignal: caller, deadline, signal: AbortSignal.any([caller, deadline]) })),
    ).toEqual(new Set(["Not run: the probe's deadline of 5000 ms passed (deadlineMs)."]));
  });

  it("says aborted when the caller aborted, even with the deadline passed too", () => {
    const caller = AbortSignal.abort();
    const deadline = AbortSignal.abort();
    expect(
      evidence(options({ callerSignal: caller, deadline, signal: AbortSignal.any([caller, deadline]) })),
    ).toEqual(new Set(["Not run: the probe was aborted."]));
  });
});

describe("ProbeRun keeps a request's signature out of the evidence", () => {
  const signature = "3f1a9c0b7e2d6c4a5b8e9f0a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6e7f8a9b0c";
  const authorization = `AWS4-HMAC-SHA256 Credential=AKIARUNTESTACCESSKEY/20261208/eu-west-1/kms-xks-proxy/aws4_request, SignedHeaders=content-type;host;x-amz-date, Signature=${signature}`;

  it("redacts the signature, whole or cut, once the request is signed", () => {
    const run = new ProbeRun(options());
    run.signed(authorization);
    for (const echo of [signature, signature.slice(0, 24)]) {
      const cleaned = run.clean(`the proxy computed ${echo} instead`);
      expect(cleaned).not.toContain(echo);
      expect(cleaned).toContain("[REDACTED]");
    }
  });

  it("takes a header without a signature, and redacts the header", () => {
    const run = new ProbeRun(options());
    const header = "AWS4-HMAC-SHA256 no-signature-here-0123456789";
    run.signed(header);
    expect(run.clean(`seen ${header}`)).not.toContain(header);
  });
});
