/**
 * `kms-keystore-errors doctor --health` through `main()` against the KMS emulator and the AWS
 * emulator's CloudWatch (reached through `--aws-endpoint`): findings after the state table, exit 1 on
 * any failing finding, `--json` with the health reports, a missing package as a note and unknown
 * findings.
 */
import type { KMSClient } from "@aws-sdk/client-kms";
import { classify, type KeyStoreReport, toLogEntry } from "kms-keystore-errors";
import type { HealthFinding } from "kms-keystore-errors/diagnostics";
import {
  type AwsEmulator,
  type KmsEmulator,
  startAwsEmulator,
  startKmsEmulator,
} from "kms-keystore-errors/testing";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { runDoctor } from "../src/cli/doctor.js";
import { renderHealth, runHealth } from "../src/cli/health.js";
import { style } from "../src/cli/style.js";
import { runCli } from "./support/cli.js";
import { clientFor, createXksStore } from "./support/kms.js";
import { recordingLoaders } from "./support/loaders.js";
import { REMEDIATION, remediationBlock } from "./support/remediation.js";

const STACK = /^\s+at /m;

const run = runCli;

let kmsEmulator: KmsEmulator;
let aws: AwsEmulator;
let kms: KMSClient;
let expiring: string;
let healthy: string;

beforeAll(async () => {
  [kmsEmulator, aws] = await Promise.all([startKmsEmulator(), startAwsEmulator()]);
  kms = clientFor(kmsEmulator);
  expiring = await createXksStore(kms, kmsEmulator.region, 1, {
    name: "payments",
    accessKeyId: "AKIAHEALTHCLIKEYIDQQQ",
  });
  healthy = await createXksStore(kms, kmsEmulator.region, 2, {
    name: "ledger",
    accessKeyId: "AKIAHEALTHCLIKEYIDZZZ",
  });
  for (const id of [expiring, healthy]) kmsEmulator.keyStore(id).setState("CONNECTED");
});
afterAll(async () => {
  kms?.destroy();
  await Promise.all([kmsEmulator?.close(), aws?.close()]);
});
afterEach(() => {
  vi.unstubAllEnvs();
  aws.model.reset();
});

const credentials = () => {
  vi.stubEnv("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE");
  vi.stubEnv("AWS_SECRET_ACCESS_KEY", "test-secret-not-used");
};

/** The demo's store: certificate expiring in 9 days, latency creeping up; the other store fine. */
function script(): void {
  const m = aws.model;
  m.putMetric(
    "AWS/KMS",
    "XksProxyCertificateDaysToExpire",
    { CustomKeyStoreId: expiring, CertificateName: "payments.example.com" },
    [9],
  );
  m.putMetric(
    "AWS/KMS",
    "XksProxyLatency",
    { CustomKeyStoreId: expiring, KmsOperation: "Decrypt", XksOperation: "Decrypt", KeySpec: "AES_256" },
    [172],
  );
  m.putMetric(
    "AWS/KMS",
    "XksProxyCertificateDaysToExpire",
    { CustomKeyStoreId: healthy, CertificateName: "ledger.example.com" },
    [200],
  );
  m.putMetric(
    "AWS/KMS",
    "XksProxyLatency",
    { CustomKeyStoreId: healthy, KmsOperation: "Encrypt", XksOperation: "Encrypt", KeySpec: "AES_256" },
    [40],
  );
}

const args = (...extra: string[]) => [
  "doctor",
  "--health",
  "--endpoint",
  kmsEmulator.endpoint,
  "--region",
  kmsEmulator.region,
  "--aws-endpoint",
  aws.endpoint,
  ...extra,
];

describe("doctor --health", () => {
  it("prints the findings after the state table and exits 1 on a failing finding", async () => {
    credentials();
    script();
    const out = await run(args());
    expect(out.code).toBe(1);
    expect(out.stderr).toBe("");
    const table = out.stdout.indexOf("Custom key stores in us-east-1");
    const health = out.stdout.indexOf("\nHealth\n");
    expect(table).toBeGreaterThanOrEqual(0);
    expect(health).toBeGreaterThan(table);
    const section = out.stdout.slice(health).replace(/\s+/g, " ");
    expect(section).toContain(`${expiring} (payments): EXTERNAL_KEY_STORE, CONNECTED`);
    expect(section).toContain("FAIL xks-proxy-certificate-days-to-expire");
    expect(section).toContain("XksProxyCertificateDaysToExpire minimum 9 days over the last 15 minutes");
    expect(section).toContain("WARN xks-proxy-latency");
    expect(section).toMatch(/Renew the server certificate/);
    expect(out.stdout).not.toMatch(STACK);
    expect(out.stdout).not.toContain("AKIAHEALTHCLIKEYID");
  });

  it("prints each store's counts, each finding not ok with its evidence, and guidance for fail and warn", async () => {
    credentials();
    script();
    const options = {
      region: kmsEmulator.region,
      endpoint: kmsEmulator.endpoint,
      style: style(false),
      health: true,
      keyStores: [expiring],
      awsEndpoint: aws.endpoint,
      deadlineMs: 30_000,
    };
    const [text, json] = await Promise.all([
      runDoctor({ ...options, json: false }),
      runDoctor({ ...options, json: true }),
    ]);
    const findings =
      (JSON.parse(json.stdout) as { health: { findings: HealthFinding[] }[] }).health[0]?.findings ?? [];
    const of = (id: string) => findings.find((f) => f.id === id) as HealthFinding;
    const guidance = (f: HealthFinding) => [
      "",
      `    ${f.remediation.summary}`,
      "",
      "    What to do:",
      ...f.remediation.steps.map((step, i) => `      ${i + 1}. ${step}`),
      "",
      "    Docs:",
      ...f.remediation.docs.map((doc) => `      - ${doc}`),
    ];
    const cert = of("xks-proxy-certificate-days-to-expire");
    const latency = of("xks-proxy-latency");
    expect(text.stdout.slice(text.stdout.indexOf("Health\n")).split("\n")).toEqual([
      "Health",
      "",
      `${expiring} (payments): EXTERNAL_KEY_STORE, CONNECTED`,
      "  7 checks: 1 failing, 1 warning, 2 unknown, 3 ok.",
      "",
      "  FAIL xks-proxy-certificate-days-to-expire",
      `    Evidence:    ${cert.evidence}`,
      ...guidance(cert),
      "",
      "  WARN xks-proxy-latency",
      `    Evidence:    ${latency.evidence}`,
      ...guidance(latency),
      "",
      "  UNKNOWN xks-proxy-credential-age",
      `    Evidence:    ${of("xks-proxy-credential-age").evidence}`,
      "",
      "  UNKNOWN xks-external-key-manager-states",
      `    Evidence:    ${of("xks-external-key-manager-states").evidence}`,
      "",
      "  OK connection-state, xks-proxy-errors, external-key-store-throttle",
      "",
    ]);
    expect([cert.status, latency.status]).toEqual(["fail", "warn"]);
  });

  it("names a store only when it has a name (cut at 60), paints each status, and has no OK line without ok findings", () => {
    const remediation = REMEDIATION;
    const finding = (id: string, status: HealthFinding["status"]) =>
      ({ id, status, evidence: `${id} seen`, remediation }) as HealthFinding;
    const report = (customKeyStoreName: string | undefined, findings: HealthFinding[]) => ({
      customKeyStoreId: "cks-1234567890abcdef0",
      ...(customKeyStoreName === undefined ? {} : { customKeyStoreName }),
      customKeyStoreType: "EXTERNAL_KEY_STORE",
      connectionState: "CONNECTED",
      findings,
    });
    const long = `n${"x".repeat(70)}`;
    const text = renderHealth(
      {
        reports: [
          report(long, [finding("xks-proxy-latency", "warn"), finding("xks-proxy-errors", "unknown")]),
          report(undefined, [finding("connection-state", "ok")]),
        ] as never,
        notes: [],
      },
      style(false),
    );
    expect(text.split("\n")).toEqual([
      "Health",
      "",
      `cks-1234567890abcdef0 (${long.slice(0, 60)}): EXTERNAL_KEY_STORE, CONNECTED`,
      "  2 checks: 0 failing, 1 warning, 1 unknown, 0 ok.",
      "",
      "  WARN xks-proxy-latency",
      "    Evidence:    xks-proxy-latency seen",
      ...remediationBlock("    "),
      "",
      "  UNKNOWN xks-proxy-errors",
      "    Evidence:    xks-proxy-errors seen",
      "",
      "cks-1234567890abcdef0: EXTERNAL_KEY_STORE, CONNECTED",
      "  1 check: 0 failing, 0 warning, 0 unknown, 1 ok.",
      "",
      "  OK connection-state",
    ]);
    const paint = style(true);
    const coloured = renderHealth(
      {
        reports: [
          report(undefined, [
            finding("a", "fail"),
            finding("b", "warn"),
            finding("c", "unknown"),
            finding("d", "ok"),
          ]),
        ] as never,
        notes: [],
      },
      paint,
    );
    for (const label of [
      paint.red("FAIL"),
      paint.yellow("WARN"),
      paint.yellow("UNKNOWN"),
      paint.green("OK"),
    ]) {
      expect(coloured).toContain(`  ${label} `);
    }
  });

  it("says why it could not check the stores' health, or that there was none to check", () => {
    const failure = classify(
      Object.assign(new Error("User is not authorized to perform kms:DescribeCustomKeyStores"), {
        name: "AccessDeniedException",
      }),
      { operation: "DescribeCustomKeyStores" },
    );
    expect(renderHealth({ error: toLogEntry(failure), notes: [] }, style(false))).toBe(
      `Health\n\nCould not check the stores' health: AccessDeniedException (${failure.cause}). ${failure.remediation.summary}`,
    );
    expect(renderHealth({ reports: [], notes: [] }, style(false))).toBe(
      "Health\n\nNo custom key store to check.",
    );
  });

  it("builds CloudWatch for any store of a known type, and CloudHSM only for a CloudHSM key store", async () => {
    const report = (customKeyStoreType?: string) =>
      ({
        customKeyStoreId: healthy,
        ...(customKeyStoreType === undefined ? {} : { customKeyStoreType }),
      }) as KeyStoreReport;
    const cases: [KeyStoreReport[], string[]][] = [
      [[report("EXTERNAL_KEY_STORE")], ["cloudwatch"]],
      [[report("AWS_CLOUDHSM")], ["cloudhsm", "cloudwatch"]],
      [[report()], []],
      [[], []],
    ];
    for (const [listed, expected] of cases) {
      const { loaders, loaded } = recordingLoaders();
      await runHealth({
        kms,
        region: kmsEmulator.region,
        listed,
        keyStores: [],
        loaders,
        deadlineMs: 30_000,
      });
      expect([listed, loaded.sort()]).toEqual([listed, expected]);
    }
  });

  it("exits 0 when no finding fails, and limits the checks to --key-store", async () => {
    credentials();
    script();
    const out = await run(args("--key-store", healthy));
    expect(out.code).toBe(0);
    expect(out.stdout).toContain(`${healthy} (ledger)`);
    expect(out.stdout.slice(out.stdout.indexOf("\nHealth\n"))).not.toContain(expiring);
  });

  it("prints { keyStores, health } with --json", async () => {
    credentials();
    script();
    const out = await run(args("--json"));
    expect(out.code).toBe(1);
    const body = JSON.parse(out.stdout) as {
      keyStores: { customKeyStoreId: string }[];
      health: { customKeyStoreId: string; findings: { id: string; status: string; value?: number }[] }[];
    };
    expect(body.keyStores).toHaveLength(2);
    const report = body.health.find((r) => r.customKeyStoreId === expiring);
    expect(report?.findings.find((f) => f.id === "xks-proxy-certificate-days-to-expire")).toMatchObject({
      status: "fail",
      value: 9,
    });
    expect(report?.findings.find((f) => f.id === "xks-proxy-latency")).toMatchObject({
      status: "warn",
      value: 172,
    });
  });

  it("reports denied CloudWatch reads as unknown, never ok", async () => {
    credentials();
    script();
    aws.model.deny("cloudwatch:ListMetrics");
    const out = await run(args("--json", "--key-store", healthy));
    expect(out.code).toBe(0);
    const body = JSON.parse(out.stdout) as { health: { findings: { id: string; status: string }[] }[] };
    const metricFindings = body.health[0]?.findings.filter((f) => f.id !== "connection-state") ?? [];
    expect(metricFindings.length).toBeGreaterThan(0);
    expect(metricFindings.every((f) => f.status === "unknown")).toBe(true);
  });

  it("names the missing CloudWatch package in a note, and its checks are unknown", async () => {
    credentials();
    const out = await runDoctor({
      region: kmsEmulator.region,
      endpoint: kmsEmulator.endpoint,
      json: false,
      style: style(false),
      health: true,
      keyStores: [healthy],
      awsEndpoint: aws.endpoint,
      loaders: {
        cloudwatch: () =>
          Promise.reject(Object.assign(new Error("not found"), { code: "ERR_MODULE_NOT_FOUND" })),
      },
      deadlineMs: 30_000,
    });
    expect(out.code).toBe(0);
    expect(out.stderr).toContain("@aws-sdk/client-cloudwatch is not installed");
    expect(out.stdout).toContain("UNKNOWN xks-proxy-latency");
    expect(out.stdout).toContain("no CloudWatchClient was passed");
  });

  it("refuses --aws-endpoint and --key-store without --deep or --health", async () => {
    const out = await run(["doctor", "--aws-endpoint", "http://127.0.0.1:9"]);
    expect(out.code).toBe(2);
    expect(out.stderr).toContain("--aws-endpoint needs --deep or --health");
    expect((await run(["doctor", "--help"])).stdout).toContain("doctor --health");
  });
});
