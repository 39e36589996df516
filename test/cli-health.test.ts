/**
 * `kms-keystore-errors doctor --health` through `main()` against the KMS emulator and the AWS
 * emulator's CloudWatch (reached through `--aws-endpoint`): findings after the state table, exit 1 on
 * any failing finding, `--json` with the health reports, a missing package as a note and unknown
 * findings.
 */
import type { KMSClient } from "@aws-sdk/client-kms";
import {
  type AwsEmulator,
  type KmsEmulator,
  startAwsEmulator,
  startKmsEmulator,
} from "kms-keystore-errors/testing";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { runDoctor } from "../src/cli/doctor.js";
import { style } from "../src/cli/style.js";
import { runCli } from "./support/cli.js";
import { clientFor, createXksStore } from "./support/kms.js";

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
