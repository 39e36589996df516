/**
 * The AWS emulator's CloudWatch, through the real `CloudWatchClient` (AWS JSON 1.0 with
 * query-compatible errors): ListMetrics with dimension filters and pages, GetMetricData statistics per
 * period on exact dimension sets only, and IAM denials as CloudWatch reports them.
 */
import {
  CloudWatchClient,
  GetMetricDataCommand,
  ListMetricsCommand,
  type ListMetricsCommandOutput,
} from "@aws-sdk/client-cloudwatch";
import { type AwsEmulator, startAwsEmulator } from "kms-keystore-errors/testing";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { rejectionOf } from "./support/kms.js";

const STORE = "cks-1234567890abcdef0";
let aws: AwsEmulator;
let cloudwatch: CloudWatchClient;

beforeAll(async () => {
  aws = await startAwsEmulator();
  cloudwatch = new CloudWatchClient({ ...aws.clientConfig, maxAttempts: 1 });
});
afterAll(async () => {
  cloudwatch?.destroy();
  await aws?.close();
});
afterEach(() => aws.model.reset());

const latency = (op: string) => ({
  CustomKeyStoreId: STORE,
  KmsOperation: op,
  XksOperation: op,
  KeySpec: "AES_256",
});

describe("CloudWatch in the AWS emulator", () => {
  it("speaks JSON 1.0 with the Granite target, as the client sends it", async () => {
    await cloudwatch.send(new ListMetricsCommand({ Namespace: "AWS/KMS" }));
    expect(aws.calls().at(-1)).toEqual({ action: "cloudwatch:ListMetrics" });
  });

  it("lists the series that have a dimension, with their whole dimension set, page by page", async () => {
    aws.model.putMetric("AWS/KMS", "XksProxyLatency", latency("Decrypt"), [100]);
    aws.model.putMetric("AWS/KMS", "XksProxyLatency", latency("Encrypt"), [120]);
    aws.model.putMetric(
      "AWS/KMS",
      "XksProxyLatency",
      { ...latency("Decrypt"), CustomKeyStoreId: "cks-other" },
      [1],
    );
    aws.model.listMetricsPageSize = 1;
    const pages: ListMetricsCommandOutput[] = [];
    let token: string | undefined;
    do {
      const page = await cloudwatch.send(
        new ListMetricsCommand({
          Namespace: "AWS/KMS",
          MetricName: "XksProxyLatency",
          Dimensions: [{ Name: "CustomKeyStoreId", Value: STORE }],
          NextToken: token,
        }),
      );
      pages.push(page);
      token = page.NextToken;
    } while (token !== undefined && pages.length < 5);
    expect(pages).toHaveLength(2);
    const ops = pages
      .flatMap((p) => p.Metrics ?? [])
      .map((m) => m.Dimensions?.find((d) => d.Name === "KmsOperation")?.Value);
    expect(ops).toEqual(["Decrypt", "Encrypt"]);
    expect(pages[0]?.Metrics?.[0]?.Dimensions).toHaveLength(4);
  });

  it("computes the statistic per period over the window, newest first", async () => {
    const now = Date.now();
    aws.model.putMetric(
      "AWS/KMS",
      "XksProxyLatency",
      latency("Decrypt"),
      [100, 200, 300, 400, 500, 600],
      now,
    );
    const out = await cloudwatch.send(
      new GetMetricDataCommand({
        StartTime: new Date(now - 600_000),
        EndTime: new Date(now),
        MetricDataQueries: ["Average", "Maximum", "Minimum", "Sum"].map((Stat, i) => ({
          Id: `m${i}`,
          MetricStat: {
            Metric: {
              Namespace: "AWS/KMS",
              MetricName: "XksProxyLatency",
              Dimensions: Object.entries(latency("Decrypt")).map(([Name, Value]) => ({ Name, Value })),
            },
            Period: 600,
            Stat,
          },
        })),
      }),
    );
    expect(out.MetricDataResults?.map((r) => r.Values)).toEqual([[350], [600], [100], [2100]]);
    expect(out.MetricDataResults?.[0]?.Timestamps?.[0]).toBeInstanceOf(Date);
    expect(out.MetricDataResults?.[0]?.StatusCode).toBe("Complete");
  });

  it("answers a query on CustomKeyStoreId alone with no data, as CloudWatch does", async () => {
    aws.model.putMetric("AWS/KMS", "XksProxyLatency", latency("Decrypt"), [100]);
    const out = await cloudwatch.send(
      new GetMetricDataCommand({
        StartTime: new Date(Date.now() - 600_000),
        EndTime: new Date(),
        MetricDataQueries: [
          {
            Id: "m0",
            MetricStat: {
              Metric: {
                Namespace: "AWS/KMS",
                MetricName: "XksProxyLatency",
                Dimensions: [{ Name: "CustomKeyStoreId", Value: STORE }],
              },
              Period: 300,
              Stat: "Average",
            },
          },
        ],
      }),
    );
    expect(out.MetricDataResults?.[0]?.Values).toEqual([]);
  });

  it("denies as IAM does: AccessDenied through the query-compatible header", async () => {
    aws.model.deny("cloudwatch:GetMetricData");
    const error = (await rejectionOf(
      cloudwatch.send(
        new GetMetricDataCommand({
          StartTime: new Date(Date.now() - 600_000),
          EndTime: new Date(),
          MetricDataQueries: [{ Id: "m0", Expression: "1" }],
        }),
      ),
    )) as { name: string; message: string; $metadata: { httpStatusCode: number } };
    expect(error.name).toBe("AccessDenied");
    expect(error.$metadata.httpStatusCode).toBe(403);
    expect(error.message).toContain("cloudwatch:GetMetricData");
  });

  it("refuses bad input with CloudWatch's codes", async () => {
    const error = (await rejectionOf(
      cloudwatch.send(
        new GetMetricDataCommand({
          StartTime: new Date(),
          EndTime: new Date(Date.now() - 1000),
          MetricDataQueries: [{ Id: "m0", Expression: "1" }],
        }),
      ),
    )) as { name: string };
    expect(error.name).toBe("InvalidParameterValueException");
    const token = (await rejectionOf(cloudwatch.send(new ListMetricsCommand({ NextToken: "bogus" })))) as {
      name: string;
    };
    expect(token.name).toBe("InvalidNextToken");
  });
});
