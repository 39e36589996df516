/**
 * `keyStoreAlarms`: AWS's recommended CloudWatch alarms for external key stores, built from the
 * `aws-recommended` thresholds of `HEALTH_CHECKS`, as AWS CLI commands, a CloudFormation template or
 * Terraform resources. Every alarm is a Metrics Insights query over the dimension set KMS publishes
 * the metric with (alarms refuse `SEARCH`; a single-metric alarm would need every dimension value).
 */
import {
  HEALTH_CHECKS,
  type HealthCheck,
  type HealthStatistic,
  type HealthThreshold,
} from "../catalog/health.js";
import { sanitize } from "../redact.js";
import { spanText } from "./check.js";

/**
 * A store to create alarms for: `KeyStoreReport` and `HealthReport` both fit.
 * @public
 */
export interface AlarmStore {
  /** The `cks-…` id. */
  readonly customKeyStoreId: string;
  /** The store's name, for the alarm descriptions. */
  readonly customKeyStoreName?: string | undefined;
  /** `EXTERNAL_KEY_STORE` or `AWS_CLOUDHSM`; a CloudHSM key store gets no alarm (AWS recommends none). */
  readonly customKeyStoreType?: string | undefined;
}

/**
 * What `keyStoreAlarms` writes.
 * - `cli`: one `aws cloudwatch put-metric-alarm` command per alarm (POSIX shell).
 * - `cloudformation`: a CloudFormation template (JSON) with one `AWS::CloudWatch::Alarm` per alarm.
 * - `terraform`: one `aws_cloudwatch_metric_alarm` resource per alarm (HCL).
 * @public
 */
export type AlarmFormat = "cli" | "cloudformation" | "terraform";

/**
 * Options of `keyStoreAlarms`.
 * @public
 */
export interface KeyStoreAlarmsOptions {
  /** The output format. */
  readonly format: AlarmFormat;
  /** An SNS topic ARN each alarm notifies; without it the alarms have no action. */
  readonly snsTopicArn?: string | undefined;
}

/** The formats, for validation. @internal */
export const ALARM_FORMATS: readonly AlarmFormat[] = ["cli", "cloudformation", "terraform"];

/** A custom key store id: `cks-` and letters or digits (KMS uses 17). @internal */
export const STORE_ID = /^cks-[A-Za-z0-9]{1,60}$/;
/** An SNS topic ARN (any partition). @internal */
export const SNS_TOPIC_ARN =
  /^arn:aws[a-z-]{0,20}:sns:[a-z0-9-]{1,30}:\d{12}:[A-Za-z0-9_-]{1,256}(?:\.fifo)?$/;

/** One alarm, format-neutral. */
interface AlarmSpec {
  readonly name: string;
  readonly logicalId: string;
  readonly description: string;
  readonly query: string;
  readonly label: string;
  readonly periodSeconds: number;
  readonly comparison: string;
  readonly threshold: number;
  readonly treatMissingData: string;
}

const FUNCTION: Readonly<Record<HealthStatistic, string>> = {
  Minimum: "MIN",
  Maximum: "MAX",
  Average: "AVG",
  Sum: "SUM",
};

const SYMBOL: Readonly<Record<string, string>> = {
  LessThanThreshold: "<",
  GreaterThanThreshold: ">",
  GreaterThanOrEqualToThreshold: ">=",
};

/** A Metrics Insights string literal (single quotes; a quote inside doubled up by a backslash). */
const literal = (value: string): string => `'${value.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}'`;

/**
 * The Metrics Insights query of one threshold of one check for one store: the check's statistic over
 * the dimension set KMS publishes, narrowed to the store and the threshold's dimension values.
 * @param check - A metric check of `HEALTH_CHECKS`.
 * @param threshold - One of its thresholds.
 * @param storeId - The store (or cluster) id.
 * @returns The query.
 * @internal
 */
export function insightsQuery(check: HealthCheck, threshold: HealthThreshold, storeId: string): string {
  const fn = FUNCTION[check.statistic ?? "Average"];
  const where = [
    `${check.keyDimension ?? "CustomKeyStoreId"} = ${literal(storeId)}`,
    ...Object.entries(threshold.where ?? {}).map(([k, v]) => `${k} = ${literal(v)}`),
  ];
  return `SELECT ${fn}(${check.metric}) FROM SCHEMA("${check.namespace}", ${(check.dimensions ?? []).join(", ")}) WHERE ${where.join(" AND ")}`;
}

const pascal = (text: string): string =>
  text
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join("");

/** The alarms AWS recommends for one store: one per `aws-recommended` threshold of `HEALTH_CHECKS`. */
function alarmsOf(store: AlarmStore): AlarmSpec[] {
  const id = store.customKeyStoreId;
  const name =
    typeof store.customKeyStoreName === "string" ? sanitize(store.customKeyStoreName).slice(0, 100) : "";
  const specs: AlarmSpec[] = [];
  for (const check of HEALTH_CHECKS) {
    if (!check.keyStoreTypes.includes("EXTERNAL_KEY_STORE") || check.metric === undefined) continue;
    for (const threshold of [check.warn, check.fail]) {
      if (threshold?.source !== "aws-recommended") continue;
      const qualifier = Object.values(threshold.where ?? {}).join(" ");
      const suffix = qualifier === "" ? "" : `-${qualifier.toLowerCase().replace(/[^a-z0-9]+/g, "-")}`;
      const span = spanText(check.periodSeconds ?? 300);
      const measured = `${check.metric}${qualifier === "" ? "" : ` (${qualifier})`}${check.combine === "sum" ? ", all series summed:" : ""} ${(check.statistic ?? "").toLowerCase()}`;
      specs.push({
        name: `${id}-${check.id}${suffix}`,
        logicalId: `${pascal(id)}${pascal(check.id)}${pascal(suffix)}`,
        description: `AWS's recommended alarm for external key store ${id}${name === "" ? "" : ` (${name})`}: ${measured} ${SYMBOL[check.comparison ?? ""] ?? check.comparison} ${threshold.value} ${check.unit ?? ""} ${check.combine === "sum" ? "in" : "over"} ${span}. ${threshold.doc}`,
        query: insightsQuery(check, threshold, id),
        label: `${check.metric}${qualifier === "" ? "" : ` ${qualifier}`}`,
        periodSeconds: check.periodSeconds ?? 300,
        comparison: check.comparison ?? "GreaterThanThreshold",
        threshold: threshold.value,
        // No error or no request in a period is no data, and healthy; a certificate series that
        // stops is worth knowing about.
        treatMissingData: check.metric === "XksProxyCertificateDaysToExpire" ? "missing" : "notBreaching",
      });
    }
  }
  return specs;
}

const metricsOf = (a: AlarmSpec) => [
  { Id: "q1", Expression: a.query, Label: a.label, Period: a.periodSeconds, ReturnData: true },
];

/** A POSIX shell word: single quotes, each quote inside closed, escaped and reopened. */
const shellWord = (value: string): string => `'${value.replace(/'/g, `'\\''`)}'`;

function cli(alarms: readonly AlarmSpec[], sns: string | undefined): string {
  return alarms
    .map((a) =>
      [
        "aws cloudwatch put-metric-alarm",
        `--alarm-name ${shellWord(a.name)}`,
        `--alarm-description ${shellWord(a.description)}`,
        `--metrics ${shellWord(JSON.stringify(metricsOf(a)))}`,
        `--comparison-operator ${a.comparison}`,
        `--threshold ${a.threshold}`,
        "--evaluation-periods 1",
        "--datapoints-to-alarm 1",
        `--treat-missing-data ${a.treatMissingData}`,
        ...(sns === undefined ? [] : [`--alarm-actions ${shellWord(sns)}`]),
      ].join(" \\\n  "),
    )
    .map((command) => `${command}\n`)
    .join("\n");
}

function cloudFormation(alarms: readonly AlarmSpec[], sns: string | undefined): string {
  const resources: Record<string, unknown> = {};
  for (const a of alarms) {
    resources[a.logicalId] = {
      Type: "AWS::CloudWatch::Alarm",
      Properties: {
        AlarmName: a.name,
        AlarmDescription: a.description,
        Metrics: metricsOf(a),
        ComparisonOperator: a.comparison,
        Threshold: a.threshold,
        EvaluationPeriods: 1,
        DatapointsToAlarm: 1,
        TreatMissingData: a.treatMissingData,
        ...(sns === undefined ? {} : { AlarmActions: [sns] }),
      },
    };
  }
  const template = {
    AWSTemplateFormatVersion: "2010-09-09",
    Description: "AWS's recommended CloudWatch alarms for AWS KMS external key stores (kms-keystore-errors).",
    Resources: resources,
  };
  return `${JSON.stringify(template, null, 2)}\n`;
}

/** An HCL quoted string: escapes, and `${`/`%{` doubled so that nothing is interpolated. */
const hclString = (value: string): string =>
  `"${value.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\$\{/g, "$${").replace(/%\{/g, "%%{")}"`;

function terraform(alarms: readonly AlarmSpec[], sns: string | undefined): string {
  return alarms
    .map((a) =>
      [
        `resource "aws_cloudwatch_metric_alarm" "${a.name.replace(/[^A-Za-z0-9_]/g, "_")}" {`,
        `  alarm_name          = ${hclString(a.name)}`,
        `  alarm_description   = ${hclString(a.description)}`,
        `  comparison_operator = ${hclString(a.comparison)}`,
        `  threshold           = ${a.threshold}`,
        "  evaluation_periods  = 1",
        "  datapoints_to_alarm = 1",
        `  treat_missing_data  = ${hclString(a.treatMissingData)}`,
        ...(sns === undefined ? [] : [`  alarm_actions       = [${hclString(sns)}]`]),
        "",
        "  metric_query {",
        '    id          = "q1"',
        `    expression  = ${hclString(a.query)}`,
        `    label       = ${hclString(a.label)}`,
        `    period      = ${a.periodSeconds}`,
        "    return_data = true",
        "  }",
        "}",
        "",
      ].join("\n"),
    )
    .join("\n");
}

/**
 * Writes AWS's recommended CloudWatch alarms for each external key store among `stores`: the
 * certificate expiry alarm (`XksProxyCertificateDaysToExpire` minimum below 10 days over 5 minutes),
 * the response timeout alarm (`XksProxyLatency` average above 200 ms over 5 minutes) and the
 * retryable and non-retryable error alarms (the sum of `XksProxyErrors` by `ErrorType` above 5 in one
 * minute), all taken from the `aws-recommended` thresholds of `HEALTH_CHECKS`. Each alarm is a
 * CloudWatch Metrics Insights query over the dimension set KMS publishes the metric with, so it
 * watches every series of the store (every certificate name, operation and key spec). CloudHSM key
 * stores get none (AWS recommends none; KMS publishes no metric for them).
 *
 * Store names are untrusted: they appear only in alarm descriptions, made printable and cut to 100
 * characters, and quoted for the format (shell words, JSON strings, HCL strings without
 * interpolation). Store ids must look like `cks-…`.
 *
 * @param stores - The stores: `KeyStoreReport[]` (from `checkKeyStores`) and `HealthReport[]` both fit.
 * @param options - `format` (`cli`, `cloudformation` or `terraform`) and an optional `snsTopicArn`
 * every alarm notifies.
 * @returns The text; an empty string when no store is an external key store.
 * @throws TypeError - for an unknown format, an SNS topic ARN that is not one, or a store id that is
 * not a custom key store id.
 *
 * @example
 * ```ts
 * import { KMSClient } from "@aws-sdk/client-kms";
 * import { checkKeyStores } from "kms-keystore-errors";
 * import { keyStoreAlarms } from "kms-keystore-errors/diagnostics";
 *
 * const stores = await checkKeyStores(new KMSClient({}));
 * if (stores.isOk()) {
 *   console.log(keyStoreAlarms(stores.value, { format: "cloudformation", snsTopicArn: "arn:aws:sns:eu-west-1:111122223333:kms-alarms" }));
 * }
 * ```
 * @public
 */
export function keyStoreAlarms(stores: readonly AlarmStore[], options: KeyStoreAlarmsOptions): string {
  const format = options?.format;
  if (!ALARM_FORMATS.includes(format)) {
    throw new TypeError('keyStoreAlarms: `format` must be "cli", "cloudformation" or "terraform".');
  }
  const sns = options.snsTopicArn;
  if (sns !== undefined && (typeof sns !== "string" || !SNS_TOPIC_ARN.test(sns))) {
    throw new TypeError(
      "keyStoreAlarms: `snsTopicArn` must be an SNS topic ARN, like arn:aws:sns:eu-west-1:111122223333:kms-alarms.",
    );
  }
  if (!Array.isArray(stores)) throw new TypeError("keyStoreAlarms: `stores` must be an array.");
  const seen = new Set<string>();
  const alarms: AlarmSpec[] = [];
  stores.forEach((store, i) => {
    const id: unknown = store?.customKeyStoreId;
    if (typeof id !== "string" || !STORE_ID.test(id)) {
      throw new TypeError(
        `keyStoreAlarms: stores[${i}].customKeyStoreId must be a custom key store id like cks-1234567890abcdef0.`,
      );
    }
    if (seen.has(id) || store.customKeyStoreType === "AWS_CLOUDHSM") return;
    seen.add(id);
    alarms.push(...alarmsOf(store));
  });
  if (alarms.length === 0) return "";
  if (format === "cli") return cli(alarms, sns);
  if (format === "cloudformation") return cloudFormation(alarms, sns);
  return terraform(alarms, sns);
}
