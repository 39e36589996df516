/**
 * `checkKeyStoreHealth` through the real `KMSClient`, `CloudWatchClient` and `CloudHSMV2Client`
 * against the KMS emulator and the AWS emulator: each check made to pass, warn, fail and come out
 * unknown by the series the emulator publishes (on the dimension sets KMS uses), the permissions it
 * grants and the clients passed.
 */
import { CloudHSMV2Client } from "@aws-sdk/client-cloudhsm-v2";
import { CloudWatchClient } from "@aws-sdk/client-cloudwatch";
import type { KMSClient } from "@aws-sdk/client-kms";
import {
  checkKeyStoreHealth,
  HEALTH_CHECKS,
  type HealthCheckId,
  type HealthFinding,
  type HealthOptions,
  type HealthReport,
} from "kms-keystore-errors/diagnostics";
import {
  type AwsEmulator,
  type CloudHsmClusterRecord,
  type KmsEmulator,
  startAwsEmulator,
  startKmsEmulator,
} from "kms-keystore-errors/testing";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { closeHostileServers, hostile } from "./support/hostile.js";
import { clientFor, createHsmStore, createXksStore } from "./support/kms.js";

let kmsEmulator: KmsEmulator;
let aws: AwsEmulator;
let kms: KMSClient;
let cloudwatch: CloudWatchClient;
let cloudhsm: CloudHSMV2Client;
let xks: string;
let hsm: string;
let cluster: CloudHsmClusterRecord;

beforeAll(async () => {
  [kmsEmulator, aws] = await Promise.all([startKmsEmulator(), startAwsEmulator()]);
  kms = clientFor(kmsEmulator);
  cloudwatch = new CloudWatchClient({ ...aws.clientConfig, maxAttempts: 1 });
  cloudhsm = new CloudHSMV2Client({ ...aws.clientConfig, maxAttempts: 1 });
  xks = await createXksStore(kms, kmsEmulator.region, 1, {
    name: "payments",
    accessKeyId: "AKIAHEALTHTESTKEYIDQQ",
  });
  cluster = aws.model.addCloudHsmCluster().cluster;
  hsm = await createHsmStore(kms, { name: "ledger", clusterId: cluster.clusterId });
  kmsEmulator.keyStore(xks).setState("CONNECTED");
});
afterAll(async () => {
  for (const c of [kms, cloudwatch, cloudhsm]) c?.destroy();
  await Promise.all([kmsEmulator?.close(), aws?.close()]);
});
afterEach(async () => {
  aws.model.reset();
  aws.model.clusters.push(cluster);
  kmsEmulator.keyStore(xks).setState("CONNECTED");
  await closeHostileServers();
});

const put = (metric: string, dimensions: Record<string, string>, values: readonly number[]) =>
  aws.model.putMetric(metric === "HsmUnhealthy" ? "AWS/CloudHSM" : "AWS/KMS", metric, dimensions, values);

const latency = (values: readonly number[], op = "Decrypt") =>
  put(
    "XksProxyLatency",
    { CustomKeyStoreId: xks, KmsOperation: op, XksOperation: op, KeySpec: "AES_256" },
    values,
  );

const errors = (type: string, exception: string, values: readonly number[]) =>
  put(
    "XksProxyErrors",
    {
      CustomKeyStoreId: xks,
      KmsOperation: "Decrypt",
      XksOperation: "Decrypt",
      KeySpec: "AES_256",
      ErrorType: type,
      ExceptionName: exception,
    },
    values,
  );

async function health(
  options: HealthOptions = {},
  clients: { cloudwatch?: CloudWatchClient | undefined; cloudhsm?: CloudHSMV2Client | undefined } = {
    cloudwatch,
  },
): Promise<HealthReport[]> {
  const result = await checkKeyStoreHealth({ kms, ...clients }, options);
  if (result.isErr()) throw new Error(`unexpected failure ${result.error.kind} ${result.error.cause}`);
  return result.value;
}

async function finding(
  id: HealthCheckId,
  store = xks,
  options: HealthOptions = {},
  clients?: Parameters<typeof health>[1],
): Promise<HealthFinding> {
  const [report] = await health({ customKeyStoreIds: [store], ...options }, clients);
  const found = report?.findings.find((f) => f.id === id);
  if (found === undefined) throw new Error(`no finding ${id}`);
  return found;
}

describe(checkKeyStoreHealth.name, () => {
  it("reports every store with its state and one finding per check of its type", async () => {
    latency([90]);
    const reports = await health();
    expect(reports.map((r) => [r.customKeyStoreId, r.customKeyStoreType, r.connectionState])).toEqual([
      [xks, "EXTERNAL_KEY_STORE", "CONNECTED"],
      [hsm, "AWS_CLOUDHSM", "DISCONNECTED"],
    ]);
    expect(reports[0]?.findings.map((f) => f.id)).toEqual([
      "connection-state",
      "xks-proxy-certificate-days-to-expire",
      "xks-proxy-credential-age",
      "xks-proxy-latency",
      "xks-proxy-errors",
      "xks-external-key-manager-states",
      "external-key-store-throttle",
    ]);
    expect(reports[1]?.findings.map((f) => f.id)).toEqual(["connection-state", "cloudhsm-hsm-unhealthy"]);
    expect(JSON.stringify(reports)).not.toContain("AKIAHEALTHTESTKEYIDQQ");
  });

  describe("what each finding says", () => {
    /** Every finding of both stores, ids replaced by their role so the text is the same each run. */
    const said = async (options: HealthOptions = {}) =>
      (await health(options, { cloudwatch, cloudhsm })).flatMap((r) =>
        r.findings.map((f) =>
          [f.id, f.status, f.value ?? "-", f.threshold ?? "-", f.evidence]
            .join(" | ")
            .replaceAll(xks, "<xks>")
            .replaceAll(hsm, "<hsm>")
            .replaceAll(cluster.clusterId, "<cluster>"),
        ),
      );
    /**
     * Puts datapoints that all end at one instant, so that series summed minute by minute always
     * share their minutes; an average is of one point, so no period boundary can split it.
     */
    const at = (now: number) => (metric: string, extra: Record<string, string>, values: readonly number[]) =>
      metric === "HsmUnhealthy"
        ? aws.model.putMetric("AWS/CloudHSM", metric, extra, values, now)
        : aws.model.putMetric("AWS/KMS", metric, { CustomKeyStoreId: xks, ...extra }, values, now);
    const op = { KmsOperation: "Decrypt", XksOperation: "Decrypt", KeySpec: "AES_256" };
    const hsmSeries = () => ({ Region: aws.region, ClusterId: cluster.clusterId, HsmId: "hsm-abcdefghijk" });

    it("when every reading is within its thresholds", async () => {
      const put = at(Date.now());
      put("XksProxyLatency", op, [105]);
      put("XksProxyLatency", { ...op, KmsOperation: "Encrypt", XksOperation: "Encrypt" }, [40]);
      put("XksProxyCertificateDaysToExpire", { CertificateName: "proxy.example.com" }, [45, 60]);
      put("XksProxyCredentialAge", {}, [12]);
      put("XksExternalKeyManagerStates", { XksExternalKeyManagerState: "Active" }, [2]);
      put("HsmUnhealthy", hsmSeries(), [0]);
      expect(await said()).toMatchSnapshot();
    });

    it("when readings cross their thresholds", async () => {
      kmsEmulator.keyStore(xks).setState("DISCONNECTED");
      const put = at(Date.now());
      const failed = (type: string, exception: string, values: readonly number[]) =>
        put("XksProxyErrors", { ...op, ErrorType: type, ExceptionName: exception }, values);
      put("XksProxyLatency", op, [175]);
      put("XksProxyLatency", { ...op, KmsOperation: "Encrypt", XksOperation: "Encrypt" }, [160]);
      put("XksProxyCertificateDaysToExpire", { CertificateName: "proxy.example.com" }, [25, 8]);
      put("XksProxyCredentialAge", {}, [95]);
      failed("Non-retryable", "AuthenticationFailedException", [2, 7]);
      failed("Non-retryable", "KeyNotFoundException", [1]);
      failed("Retryable", "ThrottlingException", [1]);
      put("XksExternalKeyManagerStates", { XksExternalKeyManagerState: "Degraded" }, [1]);
      put("ExternalKeyStoreThrottle", { KmsOperation: "Decrypt", KeySpec: "AES_256" }, [3]);
      put("HsmUnhealthy", hsmSeries(), [1]);
      expect(await said({ thresholds: { "xks-proxy-credential-age": { fail: 365 } } })).toMatchSnapshot();
    });
  });

  describe("connection-state", () => {
    it("is ok when CONNECTED, warn when DISCONNECTED, fail with the store's own guidance when FAILED", async () => {
      expect((await finding("connection-state")).status).toBe("ok");
      kmsEmulator.keyStore(xks).setState("DISCONNECTED");
      expect((await finding("connection-state")).status).toBe("warn");
      kmsEmulator.keyStore(xks).setState("FAILED", "INVALID_CREDENTIALS");
      const failed = await finding("connection-state");
      expect(failed).toMatchObject({
        status: "fail",
        evidence: "DescribeCustomKeyStores reports FAILED (INVALID_CREDENTIALS)",
      });
      expect(failed.remediation.steps.join(" ")).toMatch(/credential/i);
    });
  });

  describe("xks-proxy-certificate-days-to-expire", () => {
    const cert = (values: readonly number[]) =>
      put(
        "XksProxyCertificateDaysToExpire",
        { CustomKeyStoreId: xks, CertificateName: "xks.example.com" },
        values,
      );

    it("is ok above 30 days, warn below 30 (ours), fail below 10 (AWS's recommended alarm)", async () => {
      cert([45]);
      expect(await finding("xks-proxy-certificate-days-to-expire")).toMatchObject({
        status: "ok",
        value: 45,
      });
      aws.model.metrics.length = 0;
      cert([21]);
      expect(await finding("xks-proxy-certificate-days-to-expire")).toMatchObject({
        status: "warn",
        value: 21,
        threshold: 30,
      });
      aws.model.metrics.length = 0;
      cert([10, 9]);
      const fail = await finding("xks-proxy-certificate-days-to-expire");
      expect(fail).toMatchObject({ status: "fail", value: 9, threshold: 10 });
      expect(fail.evidence).toBe(
        "XksProxyCertificateDaysToExpire minimum 9 days over the last 15 minutes (CertificateName xks.example.com), fail threshold < 10 days (AWS's recommended alarm)",
      );
      expect(fail.remediation.steps.join(" ")).toContain(xks);
    });

    it("is unknown without a series, and never reads a series on CustomKeyStoreId alone", async () => {
      put("XksProxyCertificateDaysToExpire", { CustomKeyStoreId: xks }, [3]);
      const f = await finding("xks-proxy-certificate-days-to-expire");
      expect(f.status).toBe("unknown");
      expect(f.evidence).toContain(
        "KMS published no XksProxyCertificateDaysToExpire series with dimensions CertificateName, CustomKeyStoreId",
      );
      expect(f.value).toBeUndefined();
    });

    it("takes the warning threshold from the options", async () => {
      cert([45]);
      expect(
        await finding("xks-proxy-certificate-days-to-expire", xks, {
          thresholds: { "xks-proxy-certificate-days-to-expire": { warn: 60 } },
        }),
      ).toMatchObject({ status: "warn", threshold: 60 });
    });
  });

  describe("xks-proxy-credential-age", () => {
    const age = (values: readonly number[]) =>
      put("XksProxyCredentialAge", { CustomKeyStoreId: xks }, values);

    it("is ok under 90 days, warn from 90 days (ours), fail past a configured failure threshold", async () => {
      age([30]);
      expect((await finding("xks-proxy-credential-age")).status).toBe("ok");
      aws.model.metrics.length = 0;
      age([90]);
      expect(await finding("xks-proxy-credential-age")).toMatchObject({
        status: "warn",
        value: 90,
        threshold: 90,
      });
      aws.model.metrics.length = 0;
      age([400]);
      const fail = await finding("xks-proxy-credential-age", xks, {
        thresholds: { "xks-proxy-credential-age": { fail: 365 } },
      });
      expect(fail).toMatchObject({ status: "fail", value: 400, threshold: 365 });
      expect(fail.evidence).toContain("(ours)");
      // The catalog reads this metric over 3 hours: KMS publishes it less often than latency.
      expect(fail.evidence).toContain("maximum 400 days over the last 3 hours");
    });

    it("is unknown when the caller may not list metrics", async () => {
      aws.model.deny("cloudwatch:ListMetrics");
      const f = await finding("xks-proxy-credential-age");
      expect(f).toMatchObject({
        status: "unknown",
        evidence: "access denied: the caller lacks cloudwatch:ListMetrics (AccessDenied)",
      });
    });
  });

  describe("xks-proxy-latency", () => {
    it("is ok under 150 ms, warn over 150 (ours), fail over 200 (AWS's), naming the worst series", async () => {
      latency([90]);
      expect(await finding("xks-proxy-latency")).toMatchObject({ status: "ok", value: 90, threshold: 200 });
      latency([170], "Encrypt");
      expect(await finding("xks-proxy-latency")).toMatchObject({
        status: "warn",
        value: 170,
        threshold: 150,
      });
      latency([260], "GenerateDataKey");
      const fail = await finding("xks-proxy-latency");
      expect(fail).toMatchObject({ status: "fail", value: 260 });
      expect(fail.evidence).toContain("KmsOperation GenerateDataKey");
    });

    it("is unknown when the caller may not read metric data", async () => {
      latency([300]);
      aws.model.deny("cloudwatch:GetMetricData");
      expect(await finding("xks-proxy-latency")).toMatchObject({
        status: "unknown",
        evidence: "access denied: the caller lacks cloudwatch:GetMetricData (AccessDenied)",
      });
    });

    it("is unknown when the series has no datapoints in the window", async () => {
      const series = latency([100]);
      for (const p of series.datapoints) p.timestamp -= 3_600_000;
      series.datapoints.push({ timestamp: Date.now() - 2 * 3_600_000, value: 1 });
      const f = await finding("xks-proxy-latency");
      expect(f.status).toBe("unknown");
      expect(f.evidence).toContain("no datapoints over the last 15 minutes");
    });
  });

  describe("xks-proxy-errors", () => {
    it("is ok while requests flow without errors", async () => {
      latency([50]);
      expect(await finding("xks-proxy-errors")).toMatchObject({ status: "ok", value: 0 });
    });

    it("warns past 5 retryable errors a minute, summed over series", async () => {
      latency([50]);
      errors("Retryable", "XksProxyUriUnreachableException", [3]);
      errors("Retryable", "ThrottlingException", [3]);
      const warn = await finding("xks-proxy-errors");
      expect(warn).toMatchObject({ status: "warn", value: 6, threshold: 5 });
      expect(warn.evidence).toContain("XksProxyUriUnreachableException ×3 (XKS_PROXY_URI_UNREACHABLE)");
      expect(warn.evidence).toContain("6 errors in a minute at most over the last 15 minutes");
    });

    it("fails past 5 non-retryable errors a minute, naming the top ExceptionNames and their causes", async () => {
      latency([50]);
      // Published least first, one name with no errors: the evidence ranks them and leaves it out.
      errors("Non-retryable", "KeyNotFoundException", [1]);
      errors("Non-retryable", "ValidationException", [0]);
      errors("Non-retryable", "AuthenticationFailedException", [2, 7]);
      errors("Retryable", "ThrottlingException", [1]);
      const fail = await finding("xks-proxy-errors");
      expect(fail).toMatchObject({ status: "fail", value: 8, threshold: 5 });
      expect(fail.evidence).toContain(
        "top ExceptionName AuthenticationFailedException ×9 (INVALID_CREDENTIALS), KeyNotFoundException ×1 (XKS_KEY_NOT_FOUND), ThrottlingException ×1 (XKS_PROXY_THROTTLED)",
      );
      expect(fail.remediation.steps[0]).toBe(
        "Look up the most frequent ExceptionName: `kms-keystore-errors explain AuthenticationFailedException` (INVALID_CREDENTIALS).",
      );
    });

    it("is unknown when there is neither an error series nor traffic to judge by", async () => {
      const f = await finding("xks-proxy-errors");
      expect(f.status).toBe("unknown");
      expect(f.evidence).toContain("no XksProxyLatency either");
    });
  });

  describe("xks-external-key-manager-states", () => {
    const ekm = (state: string, values: readonly number[]) =>
      put(
        "XksExternalKeyManagerStates",
        { CustomKeyStoreId: xks, XksExternalKeyManagerState: state },
        values,
      );

    it("is ok with all managers Active, warn when one is Degraded, fail when one is Unavailable", async () => {
      ekm("Active", [2]);
      ekm("Degraded", [0]);
      expect((await finding("xks-external-key-manager-states")).status).toBe("ok");
      ekm("Degraded", [1]);
      expect(await finding("xks-external-key-manager-states")).toMatchObject({ status: "warn", value: 1 });
      ekm("Unavailable", [1]);
      const fail = await finding("xks-external-key-manager-states");
      expect(fail.status).toBe("fail");
      expect(fail.evidence).toContain("XksExternalKeyManagerStates Unavailable maximum 1 key managers");
    });

    it("is unknown without a CloudWatch client", async () => {
      ekm("Unavailable", [1]);
      const f = await finding("xks-external-key-manager-states", xks, {}, {});
      expect(f.status).toBe("unknown");
      expect(f.evidence).toContain("no CloudWatchClient was passed (clients.cloudwatch)");
    });
  });

  describe("external-key-store-throttle", () => {
    const throttle = (values: readonly number[]) =>
      put(
        "ExternalKeyStoreThrottle",
        { CustomKeyStoreId: xks, KmsOperation: "Decrypt", KeySpec: "AES_256" },
        values,
      );

    it("is ok without throttling, warn on any, fail past a configured threshold", async () => {
      latency([50]);
      const none = await finding("external-key-store-throttle");
      expect(none).toMatchObject({ status: "ok", value: 0, threshold: 0 });
      expect(none.evidence).toMatch(/^KMS published no ExternalKeyStoreThrottle series .*: none happened; /);
      // No series is a zero, and a configured threshold still judges it.
      expect(
        await finding("external-key-store-throttle", xks, {
          thresholds: { "external-key-store-throttle": { warn: -1 } },
        }),
      ).toMatchObject({ status: "warn", value: 0 });
      throttle([2, 1]);
      expect(await finding("external-key-store-throttle")).toMatchObject({
        status: "warn",
        value: 3,
        threshold: 0,
      });
      expect(
        await finding("external-key-store-throttle", xks, {
          thresholds: { "external-key-store-throttle": { fail: 2 } },
        }),
      ).toMatchObject({ status: "fail", value: 3, threshold: 2 });
    });

    it("is unknown when CloudWatch gives no answer in time", async () => {
      const silent = await hostile(() => {
        // Never answers.
      });
      const slow = new CloudWatchClient({ ...aws.clientConfig, endpoint: silent.url, maxAttempts: 1 });
      try {
        const f = await finding(
          "external-key-store-throttle",
          xks,
          { requestTimeoutMs: 300 },
          { cloudwatch: slow },
        );
        expect(f).toMatchObject({
          status: "unknown",
          evidence: "cloudwatch:ListMetrics gave no answer within 300 ms",
        });
      } finally {
        slow.destroy();
      }
    });
  });

  describe("cloudhsm-hsm-unhealthy", () => {
    const unhealthy = (values: readonly number[]) =>
      put(
        "HsmUnhealthy",
        { Region: aws.region, ClusterId: cluster.clusterId, HsmId: "hsm-abcdefghijk" },
        values,
      );

    it("is ok when no HSM reports unhealthy, fail when one does (with the cluster's HSM states)", async () => {
      unhealthy([0]);
      expect((await finding("cloudhsm-hsm-unhealthy", hsm)).status).toBe("ok");
      unhealthy([1]);
      const fail = await finding("cloudhsm-hsm-unhealthy", hsm, {}, { cloudwatch, cloudhsm });
      expect(fail).toMatchObject({ status: "fail", value: 1, threshold: 0 });
      expect(fail.evidence).toContain("HsmId hsm-abcdefghijk");
      expect(fail.evidence).toContain("cluster ACTIVE, 2 of 2 HSMs ACTIVE (DescribeClusters)");
    });

    it("without a CloudHSM client, says only what CloudWatch saw", async () => {
      unhealthy([1]);
      const f = await finding("cloudhsm-hsm-unhealthy", hsm, {}, { cloudwatch });
      expect(f.status).toBe("fail");
      expect(f.evidence).toBe(
        "HsmUnhealthy maximum 1 unhealthy HSMs over the last 15 minutes (Region us-east-1, HsmId hsm-abcdefghijk), fail threshold > 0 unhealthy HSMs (ours)",
      );
    });

    it("says in the evidence when DescribeClusters is denied or does not list the cluster", async () => {
      unhealthy([1]);
      aws.model.deny("cloudhsm:DescribeClusters");
      const denied = await finding("cloudhsm-hsm-unhealthy", hsm, {}, { cloudwatch, cloudhsm });
      expect(denied.status).toBe("fail");
      expect(denied.evidence).toMatch(
        /; access denied: the caller lacks cloudhsm:DescribeClusters \(AccessDeniedException\)$/,
      );
      aws.model.reset();
      unhealthy([1]);
      const gone = await finding("cloudhsm-hsm-unhealthy", hsm, {}, { cloudwatch, cloudhsm });
      expect(gone.evidence).toMatch(
        new RegExp(`; cloudhsm:DescribeClusters does not list ${cluster.clusterId}$`),
      );
    });

    it("warns past a configured warning threshold, and is unknown without a series", async () => {
      expect((await finding("cloudhsm-hsm-unhealthy", hsm)).status).toBe("unknown");
      unhealthy([0]);
      expect(
        await finding("cloudhsm-hsm-unhealthy", hsm, {
          thresholds: { "cloudhsm-hsm-unhealthy": { warn: -1 } },
        }),
      ).toMatchObject({ status: "warn", threshold: -1 });
    });
  });

  describe("failures and bounds", () => {
    it("fails with CustomKeyStoreNotFoundException for a store KMS does not list", async () => {
      const result = await checkKeyStoreHealth({ kms }, { customKeyStoreIds: ["cks-00000000000000000"] });
      expect(result.isErr() && result.error.kind).toBe("CustomKeyStoreNotFoundException");
    });

    it("takes null options as none", async () => {
      const result = await checkKeyStoreHealth({ kms }, null as never);
      expect(result.isOk() && result.value.map((r) => r.customKeyStoreId).sort()).toEqual([hsm, xks].sort());
    });

    it("fails with the describe call's classification when the stores cannot be described", async () => {
      kmsEmulator.failNext("DescribeCustomKeyStores", { exception: "AccessDeniedException", times: 1 });
      const result = await checkKeyStoreHealth({ kms, cloudwatch });
      expect(result.isErr() && result.error.kind).toBe("AccessDeniedException");
    });

    it("keeps hostile dimension values out of the terminal and bounded", async () => {
      put(
        "XksProxyCertificateDaysToExpire",
        { CustomKeyStoreId: xks, CertificateName: `\u001b]0;pwned\u0007evil\u202e${"x".repeat(900)}` },
        [5],
      );
      const f = await finding("xks-proxy-certificate-days-to-expire");
      expect(f.status).toBe("fail");
      // biome-ignore lint/suspicious/noControlCharactersInRegex: looking for control characters is the point.
      expect(f.evidence).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u202e]/);
      expect(f.evidence.length).toBeLessThanOrEqual(600);
    });

    it("reads each store with one ListMetrics and one batched GetMetricData", async () => {
      latency([50]);
      latency([60], "Encrypt");
      put(
        "XksProxyCertificateDaysToExpire",
        { CustomKeyStoreId: xks, CertificateName: "a.example.com" },
        [40],
      );
      const before = aws.calls().length;
      await health({ customKeyStoreIds: [xks] });
      expect(aws.calls().slice(before)).toEqual([
        { action: "cloudwatch:ListMetrics" },
        { action: "cloudwatch:GetMetricData" },
      ]);
    });

    it("is unknown for a connection state it does not know, read from a KMS that says so", async () => {
      const odd = await hostile((_req, res) => {
        res.writeHead(200, { "content-type": "application/x-amz-json-1.1" });
        res.end(
          JSON.stringify({
            CustomKeyStores: [
              {
                CustomKeyStoreId: "cks-1234567890abcdef0",
                CustomKeyStoreType: "EXTERNAL_KEY_STORE",
                ConnectionState: "REPAIRING",
              },
            ],
          }),
        );
      });
      const oddKms = clientFor(kmsEmulator, { endpoint: odd.url, maxAttempts: 1 });
      try {
        const result = await checkKeyStoreHealth({ kms: oddKms });
        const f = result.isOk() ? result.value[0]?.findings[0] : undefined;
        expect(f).toMatchObject({
          id: "connection-state",
          status: "unknown",
          evidence: "DescribeCustomKeyStores reports REPAIRING",
        });
      } finally {
        oddKms.destroy();
      }
    });

    it("describes stores whose answer lacks their type, state or cluster", async () => {
      const odd = await hostile((_req, res) => {
        res.writeHead(200, { "content-type": "application/x-amz-json-1.1" });
        res.end(
          JSON.stringify({
            CustomKeyStores: [
              { CustomKeyStoreId: "cks-1234567890abcdef0" },
              {
                CustomKeyStoreId: "cks-1234567890abcdef1",
                CustomKeyStoreType: "AWS_CLOUDHSM",
                ConnectionState: "CONNECTED",
              },
            ],
          }),
        );
      });
      const oddKms = clientFor(kmsEmulator, { endpoint: odd.url, maxAttempts: 1 });
      const before = aws.calls().length;
      try {
        const result = await checkKeyStoreHealth({ kms: oddKms, cloudwatch });
        const reports = result.isOk() ? result.value : [];
        expect(
          reports.map((r) => [
            r.customKeyStoreType,
            r.connectionState,
            r.findings.map((f) => [f.id, f.status]),
          ]),
        ).toEqual([
          ["UNKNOWN", "UNKNOWN", [["connection-state", "unknown"]]],
          [
            "AWS_CLOUDHSM",
            "CONNECTED",
            [
              ["connection-state", "ok"],
              ["cloudhsm-hsm-unhealthy", "unknown"],
            ],
          ],
        ]);
        expect(reports[1]?.findings[1]?.evidence).toBe(
          "DescribeCustomKeyStores reports no CloudHsmClusterId for the store",
        );
        expect(aws.calls()).toHaveLength(before);
      } finally {
        oddKms.destroy();
      }
    });

    /**
     * A CloudWatch that lists `series` for any store, and answers GetMetricData with `results`, given
     * the query id asked for each series (by the value of its last dimension: `KeySpec` or `CertificateName`).
     */
    async function scriptedCloudWatch(
      series: readonly Record<string, string>[],
      results: (ids: Readonly<Record<string, string>>) => unknown[],
      metrics: readonly unknown[] = series.map(({ MetricName, ...dims }) => ({
        Namespace: "AWS/KMS",
        MetricName,
        Dimensions: Object.entries({ CustomKeyStoreId: xks, ...dims }).map(([Name, Value]) => ({
          Name,
          Value,
        })),
      })),
    ) {
      const server = await hostile((req, res, body) => {
        res.writeHead(200, { "content-type": "application/x-amz-json-1.0" });
        if (String(req.headers["x-amz-target"]).endsWith("ListMetrics")) {
          res.end(JSON.stringify({ Metrics: metrics }));
          return;
        }
        const queries = (
          JSON.parse(body) as {
            MetricDataQueries: { Id: string; MetricStat: { Metric: { Dimensions: { Value: string }[] } } }[];
          }
        ).MetricDataQueries;
        const ids = Object.fromEntries(
          queries.map((q) => [q.MetricStat.Metric.Dimensions.at(-1)?.Value ?? "", q.Id]),
        );
        res.end(JSON.stringify({ MetricDataResults: results(ids) }));
      });
      const client = new CloudWatchClient({ ...aws.clientConfig, endpoint: server.url, maxAttempts: 1 });
      return { client, seen: server.seen };
    }
    const op = (name: string) => ({ KmsOperation: name, XksOperation: name, KeySpec: name });
    const ago = (minutes: number) => Math.floor(Date.now() / 1000) - minutes * 60;
    /** The latency finding of the store, read through a {@link scriptedCloudWatch} made of `args`. */
    async function latencyThrough(...args: Parameters<typeof scriptedCloudWatch>): Promise<HealthFinding> {
      const { client } = await scriptedCloudWatch(...args);
      try {
        return await finding("xks-proxy-latency", xks, {}, { cloudwatch: client });
      } finally {
        client.destroy();
      }
    }

    it("takes each series' worst point in the window, and the worst series", async () => {
      const { client } = await scriptedCloudWatch(
        [
          { MetricName: "XksProxyLatency", ...op("Decrypt") },
          { MetricName: "XksProxyLatency", ...op("Encrypt") },
          { MetricName: "XksProxyCertificateDaysToExpire", CertificateName: "proxy-a" },
          { MetricName: "XksProxyCertificateDaysToExpire", CertificateName: "proxy-b" },
        ],
        (ids) => [
          // Ignored: an id not asked for, one not of the form sent, a point outside the window, a value not a number.
          { Id: "q9", Timestamps: [ago(1)], Values: [900] },
          { Id: "latency", Timestamps: [ago(1)], Values: [900] },
          { Id: ids.Decrypt, Timestamps: [ago(3), ago(2), ago(1), ago(60)], Values: [120, 180, 140, 900] },
          { Id: ids.Encrypt, Timestamps: [ago(2), ago(1)], Values: [130, "950"] },
          { Id: ids["proxy-a"], Timestamps: [ago(2), ago(1)], Values: [25, 40] },
          { Id: ids["proxy-b"], Timestamps: [ago(2), ago(1)], Values: [90, 60] },
        ],
      );
      try {
        const [report] = await health({ customKeyStoreIds: [xks] }, { cloudwatch: client });
        const of = (id: HealthCheckId) => report?.findings.find((f) => f.id === id);
        expect(of("xks-proxy-latency")).toMatchObject({ status: "warn", value: 180 });
        expect(of("xks-proxy-latency")?.evidence).toContain("KmsOperation Decrypt");
        expect(of("xks-proxy-certificate-days-to-expire")).toMatchObject({ status: "warn", value: 25 });
        expect(of("xks-proxy-certificate-days-to-expire")?.evidence).toContain("CertificateName proxy-a");
      } finally {
        client.destroy();
      }
    });

    it("reads only well-formed series with exactly the check's dimensions", async () => {
      const dim = (Name: string | undefined, Value: string | undefined) => ({ Name, Value });
      const ops = [dim("KmsOperation", "Decrypt"), dim("XksOperation", "Decrypt")];
      const metrics = [
        {
          MetricName: "XksProxyLatency",
          Dimensions: [dim("CustomKeyStoreId", xks), ...ops, dim("KeySpec", "good")],
        },
        // A value at CloudWatch's limit is read.
        {
          MetricName: "XksProxyLatency",
          Dimensions: [dim("CustomKeyStoreId", xks), ...ops, dim("KeySpec", "v".repeat(1024))],
        },
        // Not read: no metric name, a dimension without a name or a value, a value past the limit,
        // fewer dimensions, or as many with another name.
        { Dimensions: [dim("CustomKeyStoreId", xks), ...ops, dim("KeySpec", "no-metric")] },
        {
          MetricName: "XksProxyLatency",
          Dimensions: [dim("CustomKeyStoreId", xks), dim(undefined, "x"), ...ops, dim("KeySpec", "no-name")],
        },
        {
          MetricName: "XksProxyLatency",
          Dimensions: [
            dim("CustomKeyStoreId", xks),
            dim("KmsOperation", undefined),
            ops[1],
            dim("KeySpec", "no-value"),
          ],
        },
        {
          MetricName: "XksProxyLatency",
          Dimensions: [dim("CustomKeyStoreId", xks), ...ops, dim("KeySpec", "v".repeat(1025))],
        },
        {
          MetricName: "XksProxyLatency",
          Dimensions: [dim("CustomKeyStoreId", xks), dim("KeySpec", "fewer")],
        },
        {
          MetricName: "XksProxyLatency",
          Dimensions: [dim("CustomKeyStoreId", xks), ...ops, dim("Other", "other")],
        },
      ];
      // Each series' value by its last dimension's: the well-formed one and the one at the limit.
      const reading = (tag: string) => (tag === "good" ? 120 : tag.length === 1024 ? 130 : 900);
      const { client, seen } = await scriptedCloudWatch(
        [],
        (ids) =>
          Object.entries(ids).map(([tag, Id]) => ({ Id, Timestamps: [ago(1)], Values: [reading(tag)] })),
        metrics,
      );
      try {
        const f = await finding("xks-proxy-latency", xks, {}, { cloudwatch: client });
        expect(f).toMatchObject({ status: "ok", value: 130 });
        const asked = JSON.parse(seen[1] ?? "{}") as { MetricDataQueries: unknown[] };
        expect(asked.MetricDataQueries).toHaveLength(2);
      } finally {
        client.destroy();
      }
    });

    it("reads at most 500 series in one GetMetricData, and says how many it left", async () => {
      const many = Array.from({ length: 501 }, (_, i) => ({
        MetricName: "XksProxyLatency",
        ...op(`Op${i}`),
      }));
      const { client, seen } = await scriptedCloudWatch(many, (ids) =>
        Object.entries(ids).map(([tag, Id]) => ({
          Id,
          Timestamps: [ago(1)],
          Values: [tag === "Op7" ? 120 : 20],
        })),
      );
      try {
        const f = await finding("xks-proxy-latency", xks, {}, { cloudwatch: client });
        expect(f).toMatchObject({ status: "ok", value: 120 });
        expect(f.evidence).toMatch(/KmsOperation Op7.*; only the first 500 of 501 series were read$/);
        const asked = JSON.parse(seen[1] ?? "{}") as { MetricDataQueries: unknown[] };
        expect(asked.MetricDataQueries).toHaveLength(500);
      } finally {
        client.destroy();
      }
    });

    it("stops a ListMetrics that never stops paging", async () => {
      let page = 0;
      const endless = await hostile((_req, res) => {
        page += 1;
        res.writeHead(200, { "content-type": "application/x-amz-json-1.0" });
        res.end(JSON.stringify({ Metrics: [], NextToken: `page-${page}` }));
      });
      const paging = new CloudWatchClient({ ...aws.clientConfig, endpoint: endless.url, maxAttempts: 1 });
      try {
        expect(await finding("xks-proxy-latency", xks, {}, { cloudwatch: paging })).toMatchObject({
          status: "unknown",
          evidence: "cloudwatch:ListMetrics sent more than 20 pages; stopped",
        });
        expect(endless.seen).toHaveLength(20);
      } finally {
        paging.destroy();
      }
    });

    it("stops on a ListMetrics that repeats its NextToken", async () => {
      const endless = await hostile((_req, res) => {
        res.writeHead(200, { "content-type": "application/x-amz-json-1.0" });
        res.end(JSON.stringify({ Metrics: [], NextToken: "again" }));
      });
      const looping = new CloudWatchClient({ ...aws.clientConfig, endpoint: endless.url, maxAttempts: 1 });
      try {
        const f = await finding("xks-proxy-latency", xks, {}, { cloudwatch: looping });
        expect(f).toMatchObject({
          status: "unknown",
          evidence: "cloudwatch:ListMetrics page 2 repeats a NextToken it sent before; stopped",
        });
        expect(endless.seen).toHaveLength(2);
      } finally {
        looping.destroy();
      }
    });

    it("stops reading a GetMetricData answer past 200,000 datapoints", async () => {
      const now = Math.floor(Date.now() / 1000);
      const series = Array.from({ length: 10_000 }, (_, i) => now - i);
      const flood = await hostile((req, res) => {
        res.writeHead(200, { "content-type": "application/x-amz-json-1.0" });
        const target = String(req.headers["x-amz-target"]);
        if (target.endsWith("ListMetrics")) {
          const dims = Object.entries({
            CustomKeyStoreId: xks,
            KmsOperation: "Decrypt",
            XksOperation: "Decrypt",
            KeySpec: "AES_256",
          });
          res.end(
            JSON.stringify({
              Metrics: [
                {
                  Namespace: "AWS/KMS",
                  MetricName: "XksProxyLatency",
                  Dimensions: dims.map(([Name, Value]) => ({ Name, Value })),
                },
              ],
            }),
          );
          return;
        }
        const result = `{"Id":"q0","Timestamps":[${series.join(",")}],"Values":[${series.map(() => 1).join(",")}]}`;
        res.end(`{"MetricDataResults":[${Array(21).fill(result).join(",")}]}`);
      });
      const flooding = new CloudWatchClient({ ...aws.clientConfig, endpoint: flood.url, maxAttempts: 1 });
      try {
        expect(await finding("xks-proxy-latency", xks, {}, { cloudwatch: flooding })).toMatchObject({
          status: "unknown",
          evidence: "cloudwatch:GetMetricData sent more than 200000 datapoints; stopped",
        });
      } finally {
        flooding.destroy();
      }
    });

    it("ends with a REQUEST_TIMEOUT failure at its deadline", async () => {
      const silent = await hostile(() => {
        // Never answers.
      });
      const slow = new CloudWatchClient({ ...aws.clientConfig, endpoint: silent.url, maxAttempts: 1 });
      try {
        const result = await checkKeyStoreHealth({ kms, cloudwatch: slow }, { deadlineMs: 300 });
        expect(result.isErr() && [result.error.kind, result.error.cause]).toEqual([
          "TransportError",
          "REQUEST_TIMEOUT",
        ]);
      } finally {
        slow.destroy();
      }
    });

    it("refuses bad options with a TypeError that names them", () => {
      expect(() => checkKeyStoreHealth({ kms }, { requestTimeoutMs: 0 })).toThrow(/requestTimeoutMs/);
      expect(() => checkKeyStoreHealth({ kms }, { thresholds: { nope: { warn: 1 } } as never })).toThrow(
        /nope/,
      );
      expect(() =>
        checkKeyStoreHealth({ kms }, { thresholds: { "xks-proxy-latency": { fail: Number.NaN } } }),
      ).toThrow(/xks-proxy-latency/);
      expect(() => checkKeyStoreHealth({ kms }, { customKeyStoreIds: "cks-1" as never })).toThrow(
        /customKeyStoreIds/,
      );
      for (const thresholds of [42, null, "fail"]) {
        expect(() => checkKeyStoreHealth({ kms }, { thresholds: thresholds as never })).toThrow(
          new TypeError("checkKeyStoreHealth: `thresholds` must be an object keyed by health check id."),
        );
      }
    });

    it("reads series ordered by ListMetrics: the lowest minimum and, on a tie, the first series", async () => {
      const certs = (a: readonly number[], b: readonly number[]) =>
        scriptedCloudWatch(
          [
            { MetricName: "XksProxyCertificateDaysToExpire", CertificateName: "proxy-a" },
            { MetricName: "XksProxyCertificateDaysToExpire", CertificateName: "proxy-b" },
            { MetricName: "XksProxyLatency", ...op("Decrypt") },
            { MetricName: "XksProxyLatency", ...op("Encrypt") },
          ],
          (ids) => [
            { Id: ids["proxy-a"], Timestamps: [ago(2), ago(1)], Values: a },
            { Id: ids["proxy-b"], Timestamps: [ago(2), ago(1)], Values: b },
            { Id: ids.Decrypt, Timestamps: [ago(1)], Values: [120] },
            { Id: ids.Encrypt, Timestamps: [ago(1)], Values: [120] },
          ],
        );
      const read = async (a: readonly number[], b: readonly number[]) => {
        const { client } = await certs(a, b);
        try {
          const [report] = await health({ customKeyStoreIds: [xks] }, { cloudwatch: client });
          const of = (id: HealthCheckId) => report?.findings.find((f) => f.id === id);
          return [of("xks-proxy-certificate-days-to-expire"), of("xks-proxy-latency")] as const;
        } finally {
          client.destroy();
        }
      };
      // The lowest point of a series comes after a higher one; the second series is lower still.
      const [lower] = await read([60, 50], [40, 25]);
      expect(lower).toMatchObject({ status: "warn", value: 25, threshold: 30 });
      expect(lower?.evidence).toContain("CertificateName proxy-b");
      // Equal readings: the first series listed names the finding.
      const [tie, latencyTie] = await read([25, 40], [40, 25]);
      expect(tie).toMatchObject({ status: "warn", value: 25 });
      expect(tie?.evidence).toContain("CertificateName proxy-a");
      expect(latencyTie).toMatchObject({ status: "ok", value: 120 });
      expect(latencyTie?.evidence).toContain("KmsOperation Decrypt");
    });

    it("grades a reading equal to a threshold by the check's comparison", async () => {
      put(
        "XksProxyCertificateDaysToExpire",
        { CustomKeyStoreId: xks, CertificateName: "xks.example.com" },
        [10],
      );
      expect(await finding("xks-proxy-certificate-days-to-expire")).toMatchObject({
        status: "warn",
        value: 10,
        threshold: 30,
      });
      aws.model.metrics.length = 0;
      put(
        "XksProxyCertificateDaysToExpire",
        { CustomKeyStoreId: xks, CertificateName: "xks.example.com" },
        [30],
      );
      expect(await finding("xks-proxy-certificate-days-to-expire")).toMatchObject({
        status: "ok",
        value: 30,
        threshold: 10,
      });
    });

    it("gives an ok credential age its value and the warning threshold it was compared with", async () => {
      put("XksProxyCredentialAge", { CustomKeyStoreId: xks }, [30]);
      expect(await finding("xks-proxy-credential-age")).toMatchObject({
        status: "ok",
        value: 30,
        threshold: 90,
      });
    });

    it("reads the credential age over its 3-hour window in the same batch as 15-minute checks", async () => {
      aws.model.putMetric(
        "AWS/KMS",
        "XksProxyCredentialAge",
        { CustomKeyStoreId: xks },
        [95],
        Date.now() - 3_600_000,
      );
      latency([50]);
      const [report] = await health({ customKeyStoreIds: [xks] });
      const of = (id: HealthCheckId) => report?.findings.find((f) => f.id === id);
      expect(of("xks-proxy-credential-age")).toMatchObject({ status: "warn", value: 95, threshold: 90 });
      expect(of("xks-proxy-latency")).toMatchObject({ status: "ok", value: 50 });
    });

    it("lists only the series active in the last 3 hours", async () => {
      latency([50]);
      aws.model.putMetric(
        "AWS/KMS",
        "XksProxyErrors",
        {
          CustomKeyStoreId: xks,
          ...op("Decrypt"),
          ErrorType: "Non-retryable",
          ExceptionName: "KeyNotFoundException",
        },
        [9],
        Date.now() - 4 * 3_600_000,
      );
      // An error series older than the listing window: none happened while requests flow.
      expect(await finding("xks-proxy-errors")).toMatchObject({ status: "ok", value: 0, threshold: 5 });
    });

    it("grades the series with datapoints when another listed series has none in the window", async () => {
      latency([120]);
      aws.model.putMetric(
        "AWS/KMS",
        "XksProxyLatency",
        { CustomKeyStoreId: xks, KmsOperation: "Encrypt", XksOperation: "Encrypt", KeySpec: "AES_256" },
        [900],
        Date.now() - 3_600_000,
      );
      expect(await finding("xks-proxy-latency")).toMatchObject({ status: "ok", value: 120, threshold: 200 });
    });

    it("counts as traffic only XksProxyLatency datapoints in the window", async () => {
      // Latency listed but silent for the last 15 minutes, and another metric with datapoints.
      aws.model.putMetric(
        "AWS/KMS",
        "XksProxyLatency",
        { CustomKeyStoreId: xks, KmsOperation: "Encrypt", XksOperation: "Encrypt", KeySpec: "AES_256" },
        [90],
        Date.now() - 3_600_000,
      );
      put(
        "XksProxyCertificateDaysToExpire",
        { CustomKeyStoreId: xks, CertificateName: "xks.example.com" },
        [45],
      );
      const [report] = await health({ customKeyStoreIds: [xks] });
      const of = (id: HealthCheckId) => report?.findings.find((f) => f.id === id);
      expect(of("xks-proxy-certificate-days-to-expire")).toMatchObject({ status: "ok", value: 45 });
      expect(of("xks-proxy-latency")?.status).toBe("unknown");
      expect(of("xks-proxy-errors")?.status).toBe("unknown");
      expect(of("external-key-store-throttle")?.status).toBe("unknown");
    });

    it("fills the store id into the remediation of an error check graded from no series", async () => {
      latency([50]);
      const f = await finding("xks-proxy-errors");
      expect(f).toMatchObject({ status: "ok", value: 0 });
      expect(f.remediation.steps.join(" ")).toContain(xks);
      expect(f.remediation.steps.join(" ")).not.toContain("<custom-key-store-id>");
    });

    it("says which metric it could not read when no series of it is published", async () => {
      latency([50]);
      const f = await finding("xks-proxy-certificate-days-to-expire");
      expect(f.status).toBe("unknown");
      expect(f.evidence).toBe(
        `KMS published no XksProxyCertificateDaysToExpire series with dimensions CertificateName, CustomKeyStoreId for ${xks} in the last 3 hours (cloudwatch:ListMetrics)`,
      );
    });

    it("names the metric each check could not read without a CloudWatch client", async () => {
      const [report] = await health({ customKeyStoreIds: [xks] }, {});
      for (const f of report?.findings.filter((x) => x.id !== "connection-state") ?? []) {
        expect(f.status).toBe("unknown");
      }
      expect(report?.findings.find((f) => f.id === "xks-proxy-latency")?.evidence).toContain(
        "XksProxyLatency",
      );
      expect(report?.findings.find((f) => f.id === "xks-proxy-errors")?.evidence).toContain("XksProxyErrors");
    });

    it("does not read metric data for series of metrics no check reads", async () => {
      aws.model.putMetric("AWS/KMS", "XksProxyHealthScore", { CustomKeyStoreId: xks }, [1]);
      const before = aws.calls().length;
      const f = await finding("xks-proxy-credential-age");
      expect(f.status).toBe("unknown");
      expect(aws.calls().slice(before)).toEqual([{ action: "cloudwatch:ListMetrics" }]);
    });

    it("follows ListMetrics pages, asking for the store's own series only", async () => {
      aws.model.listMetricsPageSize = 1;
      latency([50]);
      latency([60], "Encrypt");
      put(
        "XksProxyCertificateDaysToExpire",
        { CustomKeyStoreId: xks, CertificateName: "xks.example.com" },
        [40],
      );
      // Many series of another store: a listing of every store's series would pass the page limit.
      for (let i = 0; i < 21; i++) {
        put(
          "XksProxyLatency",
          {
            CustomKeyStoreId: "cks-00000000000000000",
            KmsOperation: `Op${i}`,
            XksOperation: "Decrypt",
            KeySpec: "AES_256",
          },
          [900],
        );
      }
      const before = aws.calls().length;
      const [report] = await health({ customKeyStoreIds: [xks] });
      const of = (id: HealthCheckId) => report?.findings.find((f) => f.id === id);
      expect(of("xks-proxy-latency")).toMatchObject({ status: "ok", value: 60 });
      expect(of("xks-proxy-certificate-days-to-expire")).toMatchObject({ status: "ok", value: 40 });
      expect(
        aws
          .calls()
          .slice(before)
          .filter((c) => c.action === "cloudwatch:ListMetrics"),
      ).toHaveLength(3);
    });

    it("ends ListMetrics paging on an empty NextToken", async () => {
      let lists = 0;
      const server = await hostile((req, res, body) => {
        res.writeHead(200, { "content-type": "application/x-amz-json-1.0" });
        if (String(req.headers["x-amz-target"]).endsWith("ListMetrics")) {
          lists += 1;
          res.end(
            JSON.stringify({
              Metrics: [
                {
                  Namespace: "AWS/KMS",
                  MetricName: "XksProxyLatency",
                  Dimensions: Object.entries({ CustomKeyStoreId: xks, ...op("Decrypt") }).map(
                    ([Name, Value]) => ({
                      Name,
                      Value,
                    }),
                  ),
                },
              ],
              NextToken: "",
            }),
          );
          return;
        }
        const id = (JSON.parse(body) as { MetricDataQueries: { Id: string }[] }).MetricDataQueries[0]?.Id;
        res.end(JSON.stringify({ MetricDataResults: [{ Id: id, Timestamps: [ago(1)], Values: [50] }] }));
      });
      const client = new CloudWatchClient({ ...aws.clientConfig, endpoint: server.url, maxAttempts: 1 });
      try {
        expect(await finding("xks-proxy-latency", xks, {}, { cloudwatch: client })).toMatchObject({
          status: "ok",
          value: 50,
        });
        expect(lists).toBe(1);
      } finally {
        client.destroy();
      }
    });

    it("reads no series of another store that a ListMetrics answer holds", async () => {
      const other = "cks-00000000000000000";
      const dims = (store: string, o: string) =>
        Object.entries({ CustomKeyStoreId: store, ...op(o) }).map(([Name, Value]) => ({ Name, Value }));
      const { client, seen } = await scriptedCloudWatch(
        [],
        (ids) => [
          ...(ids.Decrypt === undefined ? [] : [{ Id: ids.Decrypt, Timestamps: [ago(1)], Values: [50] }]),
          ...(ids.Other === undefined ? [] : [{ Id: ids.Other, Timestamps: [ago(1)], Values: [900] }]),
        ],
        [
          { Namespace: "AWS/KMS", MetricName: "XksProxyLatency", Dimensions: dims(xks, "Decrypt") },
          { Namespace: "AWS/KMS", MetricName: "XksProxyLatency", Dimensions: dims(other, "Other") },
        ],
      );
      try {
        expect(await finding("xks-proxy-latency", xks, {}, { cloudwatch: client })).toMatchObject({
          status: "ok",
          value: 50,
        });
        const asked = JSON.parse(seen[1] ?? "{}") as { MetricDataQueries: unknown[] };
        expect(asked.MetricDataQueries).toHaveLength(1);
      } finally {
        client.destroy();
      }
    });

    it("reads the first 30 dimensions of a ListMetrics entry", async () => {
      const dims = [
        ...Array.from({ length: 27 }, () => ({ Name: "CustomKeyStoreId", Value: xks })),
        ...Object.entries(op("Decrypt")).map(([Name, Value]) => ({ Name, Value })),
        // Past the 30th: never read.
        { Name: "CustomKeyStoreId", Value: "cks-00000000000000000" },
      ];
      expect(
        await latencyThrough(
          [],
          (ids) => Object.values(ids).map((Id) => ({ Id, Timestamps: [ago(1)], Values: [70] })),
          [{ Namespace: "AWS/KMS", MetricName: "XksProxyLatency", Dimensions: dims }],
        ),
      ).toMatchObject({
        status: "ok",
        value: 70,
      });
    });

    it("matches GetMetricData results to its queries by their exact ids only", async () => {
      expect(
        await latencyThrough(
          [
            { MetricName: "XksProxyLatency", ...op("Decrypt") },
            { MetricName: "XksProxyLatency", ...op("Encrypt") },
          ],
          (ids) => [
            { Id: ids.Decrypt, Timestamps: [ago(1)], Values: [50] },
            { Id: ids.Encrypt, Timestamps: [ago(1)], Values: [60] },
            { Id: "latency", Timestamps: [ago(1)], Values: [900] },
            { Id: `${ids.Encrypt}x`, Timestamps: [ago(1)], Values: [900] },
            { Id: `x${ids.Encrypt}`, Timestamps: [ago(1)], Values: [900] },
          ],
        ),
      ).toMatchObject({
        status: "ok",
        value: 60,
      });
    });

    it("reads results of queries with two-digit ids", async () => {
      const f = await latencyThrough(
        Array.from({ length: 11 }, (_, i) => ({ MetricName: "XksProxyLatency", ...op(`Op${i}`) })),
        (ids) =>
          Object.entries(ids).map(([tag, Id]) => ({
            Id,
            Timestamps: [ago(1)],
            Values: [tag === "Op10" ? 170 : 20],
          })),
      );
      expect(f).toMatchObject({ status: "warn", value: 170, threshold: 150 });
      expect(f.evidence).toContain("KmsOperation Op10");
    });

    it("ignores values that are not finite numbers", async () => {
      expect(
        await latencyThrough([{ MetricName: "XksProxyLatency", ...op("Decrypt") }], (ids) => [
          { Id: ids.Decrypt, Timestamps: [ago(2), ago(1)], Values: [40, "Infinity"] },
        ]),
      ).toMatchObject({
        status: "ok",
        value: 40,
      });
    });

    it("reads at most 10,000 datapoints of one series", async () => {
      expect(
        await latencyThrough([{ MetricName: "XksProxyLatency", ...op("Decrypt") }], (ids) => [
          {
            Id: ids.Decrypt,
            Timestamps: Array.from({ length: 10_001 }, () => ago(1)),
            Values: [...Array.from({ length: 10_000 }, () => 20), 900],
          },
        ]),
      ).toMatchObject({
        status: "ok",
        value: 20,
      });
    });

    it("reads a GetMetricData answer of exactly 200,000 datapoints", async () => {
      expect(
        await latencyThrough([{ MetricName: "XksProxyLatency", ...op("Decrypt") }], (ids) =>
          Array.from({ length: 20 }, () => ({
            Id: ids.Decrypt,
            Timestamps: Array.from({ length: 10_000 }, () => ago(1)),
            Values: Array.from({ length: 10_000 }, () => 30),
          })),
        ),
      ).toMatchObject({
        status: "ok",
        value: 30,
      });
    });

    it("ranks the top three ExceptionNames, cut to 64 characters, with uncatalogued ones said so", async () => {
      latency([50]);
      const long = `Zz${"q".repeat(70)}`;
      errors("Non-retryable", long, [6]);
      errors("Non-retryable", "KeyNotFoundException", [3]);
      errors("Retryable", "ThrottlingException", [2]);
      errors("Retryable", "XksProxyUriUnreachableException", [1]);
      const f = await finding("xks-proxy-errors");
      expect(f).toMatchObject({ status: "fail", value: 9, threshold: 5 });
      expect(f.remediation.steps[0]).toContain(`explain ${long.slice(0, 64)}\``);
      expect(f.remediation.steps[0]).toContain("(an uncatalogued error)");
      expect(f.evidence).toContain("ThrottlingException ×2");
      expect(f.evidence).not.toContain("XksProxyUriUnreachableException");
    });

    it("fills the cluster id into a CloudHSM store's remediation", async () => {
      put(
        "HsmUnhealthy",
        { Region: aws.region, ClusterId: cluster.clusterId, HsmId: "hsm-abcdefghijk" },
        [1],
      );
      const f = await finding("cloudhsm-hsm-unhealthy", hsm);
      expect(f.status).toBe("fail");
      expect(f.remediation.steps.join(" ")).toContain(`--cluster-id ${cluster.clusterId}`);
      expect(f.remediation.steps.join(" ")).not.toContain("<cluster-id>");
    });

    it("counts the ACTIVE HSMs of the store's own cluster", async () => {
      const other = aws.model.addCloudHsmCluster().cluster;
      aws.model.clusters.splice(0, aws.model.clusters.length, other, cluster);
      other.state = "DEGRADED";
      const hsmRecord = cluster.hsms[1];
      const was = hsmRecord?.state;
      if (hsmRecord !== undefined) hsmRecord.state = "DEGRADED";
      try {
        put(
          "HsmUnhealthy",
          { Region: aws.region, ClusterId: cluster.clusterId, HsmId: "hsm-abcdefghijk" },
          [1],
        );
        const f = await finding("cloudhsm-hsm-unhealthy", hsm, {}, { cloudwatch, cloudhsm });
        expect(f).toMatchObject({ status: "fail", value: 1 });
        expect(f.evidence).toContain("cluster ACTIVE, 1 of 2 HSMs ACTIVE (DescribeClusters)");
      } finally {
        if (hsmRecord !== undefined && was !== undefined) hsmRecord.state = was;
      }
    });

    it("gives a DISCONNECTED store the connection check's own remediation", async () => {
      kmsEmulator.keyStore(xks).setState("DISCONNECTED");
      const f = await finding("connection-state");
      expect(f.status).toBe("warn");
      const check = HEALTH_CHECKS.find((c) => c.id === "connection-state");
      expect(f.remediation.steps).toEqual(
        check?.remediation.steps.map((s) => s.replaceAll("<custom-key-store-id>", xks)),
      );
    });

    it("reports a store without a name or state as UNKNOWN, with no name field", async () => {
      const odd = await hostile((_req, res) => {
        res.writeHead(200, { "content-type": "application/x-amz-json-1.1" });
        res.end(
          JSON.stringify({
            CustomKeyStores: [
              { CustomKeyStoreId: "cks-1234567890abcdef0", CustomKeyStoreType: "EXTERNAL_KEY_STORE" },
            ],
          }),
        );
      });
      const oddKms = clientFor(kmsEmulator, { endpoint: odd.url, maxAttempts: 1 });
      try {
        const result = await checkKeyStoreHealth({ kms: oddKms });
        const [report] = result.isOk() ? result.value : [];
        expect(report?.connectionState).toBe("UNKNOWN");
        expect(Object.keys(report ?? {})).not.toContain("customKeyStoreName");
        expect(report?.findings[0]).toMatchObject({
          id: "connection-state",
          status: "unknown",
          evidence: "DescribeCustomKeyStores reports UNKNOWN",
        });
      } finally {
        oddKms.destroy();
      }
    });

    it("fails for store ids KMS does not list, naming them", async () => {
      const long = `cks-${"9".repeat(80)}`;
      const result = await checkKeyStoreHealth(
        { kms },
        { customKeyStoreIds: [xks, "cks-00000000000000000", long] },
      );
      expect(result.isErr()).toBe(true);
      if (!result.isErr()) return;
      expect(result.error.operation).toBe("DescribeCustomKeyStores");
      expect(result.error.message).toContain(`cks-00000000000000000, ${long.slice(0, 64)}`);
      expect(result.error.message).not.toContain(long.slice(0, 65));
    });

    it("ends with an Aborted failure when the caller's signal aborts", async () => {
      const controller = new AbortController();
      controller.abort();
      const result = await checkKeyStoreHealth({ kms, cloudwatch }, { signal: controller.signal });
      expect(result.isErr() && result.error.kind).toBe("Aborted");
    });

    it("says the deadline in its REQUEST_TIMEOUT failure", async () => {
      const silent = await hostile(() => {
        // Never answers.
      });
      const slow = new CloudWatchClient({ ...aws.clientConfig, endpoint: silent.url, maxAttempts: 1 });
      try {
        const result = await checkKeyStoreHealth({ kms, cloudwatch: slow }, { deadlineMs: 250 });
        expect(result.isErr() && result.error.message).toContain("250 ms");
      } finally {
        slow.destroy();
      }
    });

    it("checks each option and names the function and the option in its TypeError", async () => {
      expect(() => checkKeyStoreHealth({ kms }, { deadlineMs: 0 })).toThrow(
        /^checkKeyStoreHealth: `deadlineMs`/,
      );
      expect(() => checkKeyStoreHealth({ kms }, { requestTimeoutMs: -1 })).toThrow(
        /^checkKeyStoreHealth: `requestTimeoutMs`/,
      );
      expect(() => checkKeyStoreHealth({ kms }, { customKeyStoreIds: [xks, 5] as never })).toThrow(
        /customKeyStoreIds/,
      );
      const id = `x${"y".repeat(99)}`;
      expect(() => checkKeyStoreHealth({ kms }, { thresholds: { [id]: { warn: 1 } } as never })).toThrow(
        `names no health check ${JSON.stringify(id.slice(0, 60))}.`,
      );
      // A JavaScript caller may leave a check's levels undefined: no levels to change.
      const none = { "xks-proxy-latency": undefined } as never;
      const result = await checkKeyStoreHealth({ kms }, { thresholds: none, customKeyStoreIds: [] });
      expect(result.isOk() && result.value).toEqual([]);
    });

    it("says what a DescribeClusters answer holds about the cluster, bounded", async () => {
      const answers: unknown[] = [
        {},
        {
          Clusters: [
            {
              ClusterId: cluster.clusterId,
              Hsms: [
                { HsmId: "hsm-aaaaaaaaaaa", State: "ACTIVE" },
                { HsmId: "hsm-bbbbbbbbbbb", State: "DEGRADED" },
              ],
            },
          ],
        },
        { Clusters: [{ ClusterId: cluster.clusterId, State: "S".repeat(40) }] },
      ];
      const server = await hostile((_req, res) => {
        res.writeHead(200, { "content-type": "application/x-amz-json-1.1" });
        res.end(JSON.stringify(answers.shift() ?? {}));
      });
      const scripted = new CloudHSMV2Client({ ...aws.clientConfig, endpoint: server.url, maxAttempts: 1 });
      put(
        "HsmUnhealthy",
        { Region: aws.region, ClusterId: cluster.clusterId, HsmId: "hsm-abcdefghijk" },
        [1],
      );
      try {
        const evidence = async () =>
          (await finding("cloudhsm-hsm-unhealthy", hsm, {}, { cloudwatch, cloudhsm: scripted })).evidence;
        expect(await evidence()).toMatch(
          new RegExp(`; cloudhsm:DescribeClusters does not list ${cluster.clusterId}$`),
        );
        expect(await evidence()).toMatch(/; cluster \?, 1 of 2 HSMs ACTIVE \(DescribeClusters\)$/);
        expect(await evidence()).toMatch(
          new RegExp(`; cluster ${"S".repeat(32)}, 0 of 0 HSMs ACTIVE \\(DescribeClusters\\)$`),
        );
      } finally {
        scripted.destroy();
      }
    });

    it("asks GetMetricData for each query's data at the check's statistic and period", async () => {
      const { client, seen } = await scriptedCloudWatch(
        [{ MetricName: "XksProxyLatency", ...op("Decrypt") }],
        (ids) => [{ Id: ids.Decrypt, Timestamps: [ago(1)], Values: [50] }],
      );
      try {
        await finding("xks-proxy-latency", xks, {}, { cloudwatch: client });
        const asked = JSON.parse(seen[1] ?? "{}") as {
          MetricDataQueries: { ReturnData?: boolean; MetricStat: { Period: number; Stat: string } }[];
        };
        expect(
          asked.MetricDataQueries.map((q) => [q.ReturnData, q.MetricStat.Stat, q.MetricStat.Period]),
        ).toEqual([[true, "Average", 300]]);
      } finally {
        client.destroy();
      }
    });

    it("bounds the describe call by requestTimeoutMs, well inside the deadline", async () => {
      const silent = await hostile(() => {
        // Never answers.
      });
      const slowKms = clientFor(kmsEmulator, { endpoint: silent.url, maxAttempts: 1 });
      try {
        const result = await checkKeyStoreHealth(
          { kms: slowKms },
          { requestTimeoutMs: 100, deadlineMs: 3000 },
        );
        expect(result.isErr() && [result.error.kind, result.error.cause]).toEqual([
          "TransportError",
          "REQUEST_TIMEOUT",
        ]);
        expect(result.isErr() && result.error.message).not.toContain("deadlineMs");
      } finally {
        slowKms.destroy();
      }
    });
  });
});
