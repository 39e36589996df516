/**
 * Amazon CloudWatch as `@aws-sdk/client-cloudwatch` 3.1164 speaks it: AWS JSON 1.0
 * (`X-Amz-Target: GraniteServiceVersion20100801.<Operation>`) with `awsQueryCompatible` errors (the
 * query-protocol code in the `x-amzn-query-error` header). `ListMetrics` and `GetMetricData`
 * (`MetricStat` queries) over the {@link AwsModel}'s series; a query matches a series only with exactly
 * its dimension set, as in CloudWatch, so a query on `CustomKeyStoreId` alone finds nothing.
 */
import type { AwsModel, MetricSeriesRecord } from "./model.js";
import { AwsServiceError } from "./protocol.js";

/** @internal */
export const CLOUDWATCH_TARGET_PREFIX = "GraniteServiceVersion20100801.";

/** The most queries one `GetMetricData` call takes (CloudWatch's limit). */
const MAX_QUERIES = 500;

/** A CloudWatch error: its query-protocol code, the JSON `__type`, the status. */
class CloudWatchError extends AwsServiceError {
  /** The `__type` of the JSON body. */
  readonly type: string;
  constructor(code: string, type: string, message: string, status = 400) {
    super(code, message, status);
    this.type = type;
  }
}

const invalid = (message: string): CloudWatchError =>
  new CloudWatchError(
    "InvalidParameterValue",
    "com.amazonaws.cloudwatch#InvalidParameterValueException",
    message,
  );

const invalidToken = (token: string): CloudWatchError =>
  new CloudWatchError(
    "InvalidNextToken",
    "com.amazonaws.cloudwatch#InvalidNextToken",
    `The next token ${token} is invalid.`,
  );

interface Dimension {
  readonly Name?: unknown;
  readonly Value?: unknown;
}

const dimensionsOf = (value: unknown): Dimension[] => (Array.isArray(value) ? (value as Dimension[]) : []);

const dimensionsJson = (series: MetricSeriesRecord) =>
  Object.entries(series.dimensions).map(([Name, Value]) => ({ Name, Value }));

/** Epoch milliseconds of a JSON 1.0 timestamp (epoch seconds, possibly fractional, or ISO text). */
function timeOf(value: unknown, name: string): number {
  if (typeof value === "number" && Number.isFinite(value)) return value * 1000;
  if (typeof value === "string" && !Number.isNaN(Date.parse(value))) return Date.parse(value);
  throw invalid(`The parameter ${name} must be a timestamp.`);
}

/** The page offset a `NextToken` stands for. */
function offsetOf(token: unknown, total: number): number {
  if (token === undefined || token === null) return 0;
  const text = String(token);
  const offset = /^o(\d{1,9})$/.exec(text)?.[1];
  if (offset === undefined || Number(offset) > total) throw invalidToken(text);
  return Number(offset);
}

function listMetrics(input: Record<string, unknown>, model: AwsModel): unknown {
  const filters = dimensionsOf(input.Dimensions);
  const recent = input.RecentlyActive === "PT3H" ? Date.now() - 3 * 3600_000 : undefined;
  const matching = model.metrics.filter(
    (m) =>
      (input.Namespace === undefined || m.namespace === input.Namespace) &&
      (input.MetricName === undefined || m.metricName === input.MetricName) &&
      filters.every(
        (f) =>
          typeof f.Name === "string" &&
          Object.hasOwn(m.dimensions, f.Name) &&
          (f.Value === undefined || m.dimensions[f.Name] === f.Value),
      ) &&
      (recent === undefined || m.datapoints.some((p) => p.timestamp >= recent)),
  );
  const size = Math.max(1, model.listMetricsPageSize);
  const start = offsetOf(input.NextToken, matching.length);
  const page = matching.slice(start, start + size);
  return {
    Metrics: page.map((m) => ({
      Namespace: m.namespace,
      MetricName: m.metricName,
      Dimensions: dimensionsJson(m),
    })),
    ...(start + size < matching.length ? { NextToken: `o${start + size}` } : {}),
  };
}

const STATISTICS: Readonly<Record<string, (values: readonly number[]) => number>> = {
  Minimum: (v) => Math.min(...v),
  Maximum: (v) => Math.max(...v),
  Sum: (v) => v.reduce((a, b) => a + b, 0),
  Average: (v) => v.reduce((a, b) => a + b, 0) / v.length,
  SampleCount: (v) => v.length,
};

interface MetricStatInput {
  readonly Metric?: {
    readonly Namespace?: unknown;
    readonly MetricName?: unknown;
    readonly Dimensions?: unknown;
  };
  readonly Period?: unknown;
  readonly Stat?: unknown;
}

/** The series a `MetricStat` names: same namespace, name and exactly the same dimension set. */
function seriesOf(stat: MetricStatInput, model: AwsModel): MetricSeriesRecord | undefined {
  const dims = dimensionsOf(stat.Metric?.Dimensions);
  return model.metrics.find(
    (m) =>
      m.namespace === stat.Metric?.Namespace &&
      m.metricName === stat.Metric?.MetricName &&
      Object.keys(m.dimensions).length === dims.length &&
      dims.every((d) => typeof d.Name === "string" && m.dimensions[d.Name] === d.Value),
  );
}

function getMetricData(input: Record<string, unknown>, model: AwsModel): unknown {
  const queries = Array.isArray(input.MetricDataQueries)
    ? (input.MetricDataQueries as Record<string, unknown>[])
    : [];
  if (queries.length === 0) throw invalid("The parameter MetricDataQueries is required.");
  if (queries.length > MAX_QUERIES) {
    throw invalid(`The collection MetricDataQueries must not have a size greater than ${MAX_QUERIES}.`);
  }
  const start = timeOf(input.StartTime, "StartTime");
  const end = timeOf(input.EndTime, "EndTime");
  if (end <= start) throw invalid("The parameter StartTime must be less than the parameter EndTime.");
  const results = queries.map((query) => {
    const stat = query.MetricStat as MetricStatInput | undefined;
    if (stat === undefined) {
      throw invalid("The emulator answers MetricStat queries only (no Expression).");
    }
    const period = Number(stat.Period);
    if (!Number.isInteger(period) || period < 1 || (period >= 60 && period % 60 !== 0)) {
      throw invalid("The parameter MetricStat.Period must be 1, 5, 10, 30 or a multiple of 60.");
    }
    const statistic = STATISTICS[String(stat.Stat)];
    if (statistic === undefined) throw invalid(`The statistic ${String(stat.Stat)} is not supported.`);
    const series = seriesOf(stat, model);
    const buckets = new Map<number, number[]>();
    for (const point of series?.datapoints ?? []) {
      if (point.timestamp < start || point.timestamp >= end) continue;
      const bucket = start + Math.floor((point.timestamp - start) / (period * 1000)) * period * 1000;
      buckets.set(bucket, [...(buckets.get(bucket) ?? []), point.value]);
    }
    const times = [...buckets.keys()].sort((a, b) => b - a);
    return {
      Id: query.Id,
      Label: typeof query.Label === "string" ? query.Label : String(stat.Metric?.MetricName ?? ""),
      Timestamps: times.map((t) => t / 1000),
      Values: times.map((t) => statistic(buckets.get(t) as number[])),
      StatusCode: "Complete",
    };
  });
  return { MetricDataResults: results, Messages: [] };
}

const OPERATIONS: Readonly<Record<string, (input: Record<string, unknown>, model: AwsModel) => unknown>> = {
  ListMetrics: listMetrics,
  GetMetricData: getMetricData,
};

/**
 * Answers one CloudWatch JSON 1.0 request.
 *
 * @param target - The `X-Amz-Target` header, e.g. `GraniteServiceVersion20100801.GetMetricData`.
 * @param body - The JSON body.
 * @param model - The model.
 * @returns The HTTP status, the JSON body and the `x-amzn-query-error` header of an error.
 * @internal
 */
export const handleCloudWatch = (
  target: string,
  body: string,
  model: AwsModel,
): { status: number; body: string; queryError?: string } => {
  const action = target.slice(CLOUDWATCH_TARGET_PREFIX.length);
  try {
    const operation = OPERATIONS[action];
    if (operation === undefined) {
      throw new CloudWatchError(
        "UnknownOperation",
        "com.amazon.coral.service#UnknownOperationException",
        `Unknown operation ${action}`,
      );
    }
    if (model.isDenied(`cloudwatch:${action}`)) {
      throw new CloudWatchError(
        "AccessDenied",
        "com.amazon.coral.service#AccessDeniedException",
        `User: arn:aws:iam::${model.accountId}:user/diagnose is not authorized to perform: cloudwatch:${action} because no identity-based policy allows the cloudwatch:${action} action`,
        403,
      );
    }
    let input: unknown;
    try {
      input = body === "" ? {} : JSON.parse(body);
    } catch {
      throw new CloudWatchError(
        "SerializationException",
        "com.amazon.coral.service#SerializationException",
        "The request body is not JSON.",
      );
    }
    const output = operation((input ?? {}) as Record<string, unknown>, model);
    return { status: 200, body: JSON.stringify(output) };
  } catch (error) {
    const e =
      error instanceof CloudWatchError
        ? error
        : new CloudWatchError(
            "InternalServiceError",
            "com.amazonaws.cloudwatch#InternalServiceFault",
            String(error),
            500,
          );
    return {
      status: e.status,
      body: JSON.stringify({ __type: e.type, message: e.message }),
      queryError: `${e.code};${e.status >= 500 ? "Receiver" : "Sender"}`,
    };
  }
};
