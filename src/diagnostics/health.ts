/**
 * `checkKeyStoreHealth`: what is about to fail in each custom key store, from its connection state and
 * the CloudWatch metrics KMS publishes (kms-facts §12), graded by the thresholds of `HEALTH_CHECKS`.
 * The series are found with `ListMetrics` (one call per store, paginated and bounded) and read with
 * one batched `GetMetricData` per store, on the exact dimension sets KMS publishes.
 */
import type { KMSClient } from "@aws-sdk/client-kms";
import type { ResultAsync } from "neverthrow";
import {
  HEALTH_CHECKS,
  type HealthCheck,
  type HealthCheckId,
  type HealthThreshold,
} from "../catalog/health.js";
import type { Cause } from "../catalog/index.js";
import type { Remediation } from "../catalog/schema.js";
import { classify } from "../classify.js";
import { explain } from "../explain.js";
import type { KmsFailure } from "../failure.js";
import { checkKeyStores, type KeyStoreReport } from "../lifecycle.js";
import { fromPromise } from "../neverthrow.js";
import { redact } from "../redact.js";
import { XKS_ERRORS } from "../xks/errors.js";
import {
  bounded,
  DEFAULT_DIAGNOSIS_DEADLINE_MS,
  DEFAULT_REQUEST_TIMEOUT_MS,
  MAX_DEADLINE_MS,
  milliseconds,
} from "./bounds.js";
import { type Check, fillRemediation, spanText } from "./check.js";
import { AwsCaller, type AwsClientLike, type CallResult } from "./deep-support.js";

/**
 * The grade of a health finding.
 * - `ok`: the data shows no threshold crossed.
 * - `warn`: a warning threshold is crossed: act before it fails.
 * - `fail`: a failure threshold is crossed (or the store is `FAILED`).
 * - `unknown`: the check could not see (no client, no such metric, no datapoints, a denied
 *   permission, the deadline); never read it as `ok`.
 * @public
 */
export type HealthStatus = "ok" | "warn" | "fail" | "unknown";

/**
 * One health check of one store: a `Check` of a `HEALTH_CHECKS` row, graded `ok`/`warn`/`fail`/
 * `unknown`, with the value it read and the threshold it compared it with.
 * @public
 */
export interface HealthFinding
  extends Pick<Check<HealthCheckId, HealthStatus>, "id" | "status" | "evidence"> {
  /** The value that decided the grade (in the check's unit), when one was read. */
  readonly value?: number;
  /** The threshold the value was compared with (the crossed one, else the failure threshold). */
  readonly threshold?: number;
  /** What to do (the store's own failure guidance for a `FAILED` connection state). */
  readonly remediation: Remediation;
}

/**
 * The health of one custom key store. Never carries the raw describe entry (it holds the XKS
 * credential's access key id).
 * @public
 */
export interface HealthReport {
  /** The `cks-…` id. */
  readonly customKeyStoreId: string;
  /** The store's friendly name. */
  readonly customKeyStoreName?: string;
  /** `AWS_CLOUDHSM` or `EXTERNAL_KEY_STORE` (`UNKNOWN` when KMS did not say). */
  readonly customKeyStoreType: string;
  /** `CONNECTED`, `CONNECTING`, `DISCONNECTED`, `DISCONNECTING` or `FAILED` (`UNKNOWN` when absent). */
  readonly connectionState: string;
  /** One finding per check that applies to the store type, in `HEALTH_CHECKS` order. */
  readonly findings: readonly HealthFinding[];
}

/**
 * The clients `checkKeyStoreHealth` uses. Only `kms` is required; without `cloudwatch` every metric
 * check is `unknown`.
 * @public
 */
export interface HealthClients {
  /** A `KMSClient` of the stores' Region. */
  readonly kms: Pick<KMSClient, "send">;
  /** A `CloudWatchClient` from `@aws-sdk/client-cloudwatch`, same Region and account. */
  readonly cloudwatch?: AwsClientLike | undefined;
  /** A `CloudHSMV2Client` from `@aws-sdk/client-cloudhsm-v2`: the cluster's HSM states, as evidence. */
  readonly cloudhsm?: AwsClientLike | undefined;
}

/**
 * Options of `checkKeyStoreHealth`.
 * @public
 */
export interface HealthOptions {
  /** Only these stores (their `cks-…` ids); an id KMS does not list is a failure. @defaultValue every store */
  readonly customKeyStoreIds?: readonly string[] | undefined;
  /**
   * Threshold values to use instead of the catalog's, by check id: `{ "xks-proxy-credential-age":
   * { warn: 180 } }`. Meant for the thresholds marked `ours`.
   */
  readonly thresholds?:
    | Partial<Record<HealthCheckId, { readonly warn?: number; readonly fail?: number }>>
    | undefined;
  /** Aborts the run; it then resolves to an `Aborted` failure. */
  readonly signal?: AbortSignal | undefined;
  /** Milliseconds one AWS call may take (1–3,600,000). @defaultValue 10000 */
  readonly requestTimeoutMs?: number | undefined;
  /**
   * Milliseconds the whole run may take (1–3,600,000); past it, it resolves to a `TransportError`
   * failure with cause `REQUEST_TIMEOUT`.
   * @defaultValue 120000
   */
  readonly deadlineMs?: number | undefined;
}

/** `ListMetrics` pages read per store at most (CloudWatch sends up to 500 series a page). */
const MAX_LIST_PAGES = 20;
/** `GetMetricData` pages read per store at most. */
const MAX_DATA_PAGES = 20;
/** Queries in one `GetMetricData` call (CloudWatch's limit). */
const MAX_QUERIES = 500;
/** How far back `ListMetrics` looks (`RecentlyActive`). */
const RECENTLY_ACTIVE = "PT3H";
/** Datapoints read per store at most (a 3-hour window of 500 one-minute series is 90,000). */
const MAX_POINTS = 200_000;
/** Characters of a server-sent dimension value kept in evidence. */
const MAX_VALUE_CHARS = 64;

interface Series {
  readonly metricName: string;
  readonly dimensions: Readonly<Record<string, string>>;
}

interface Points {
  readonly series: Series;
  readonly points: readonly { readonly time: number; readonly value: number }[];
}

/** What one threshold of one check saw. */
interface Reading {
  readonly value: number;
  readonly label: string;
}

const readArray = (value: unknown, key: string): unknown[] => {
  try {
    const v = (value as Record<string, unknown> | null | undefined)?.[key];
    return Array.isArray(v) ? v : [];
  } catch {
    return [];
  }
};

const readText = (value: unknown, key: string): string | undefined => {
  try {
    const v = (value as Record<string, unknown> | null | undefined)?.[key];
    return typeof v === "string" ? v : undefined;
  } catch {
    return undefined;
  }
};

/** A series from a `ListMetrics` entry (untrusted: names and values are cut and checked). */
function seriesFrom(entry: unknown): Series | undefined {
  const metricName = readText(entry, "MetricName");
  if (metricName === undefined) return undefined;
  const dimensions: Record<string, string> = {};
  for (const d of readArray(entry, "Dimensions").slice(0, 30)) {
    const name = readText(d, "Name");
    const value = readText(d, "Value");
    // CloudWatch's own limit: a longer value names no series it could hold (and is not sent back).
    // Names need no bound: only the checks' own metric and dimension names are ever used.
    if (name === undefined || value === undefined || value.length > 1024) return undefined;
    dimensions[name] = value;
  }
  return { metricName, dimensions };
}

/** True when the series has exactly the dimension set the check reads. */
const hasDimensions = (series: Series, check: HealthCheck): boolean => {
  const names = Object.keys(series.dimensions).sort();
  const wanted = check.dimensions ?? [];
  return names.length === wanted.length && names.every((n, i) => n === wanted[i]);
};

const matches = (series: Series, where: HealthThreshold["where"]): boolean =>
  Object.entries(where ?? {}).every(([k, v]) => series.dimensions[k] === v);

/** The series' dimensions other than the store's, for evidence: `CertificateName xks.example.com`. */
const labelOf = (series: Series, check: HealthCheck): string =>
  Object.entries(series.dimensions)
    .filter(([k]) => k !== check.keyDimension)
    .map(([k, v]) => `${k} ${v.slice(0, MAX_VALUE_CHARS)}`)
    .join(", ");

const below = (check: HealthCheck): boolean => check.comparison === "LessThanThreshold";

const crosses = (check: HealthCheck, value: number, threshold: number): boolean =>
  check.comparison === "LessThanThreshold"
    ? value < threshold
    : check.comparison === "GreaterThanOrEqualToThreshold"
      ? value >= threshold
      : value > threshold;

const SYMBOL: Readonly<Record<string, string>> = {
  LessThanThreshold: "<",
  GreaterThanThreshold: ">",
  GreaterThanOrEqualToThreshold: "≥",
};

/** The worst value of one threshold's series over the check's window, or undefined without data. */
function read(
  check: HealthCheck,
  threshold: HealthThreshold | undefined,
  data: readonly Points[],
): Reading | undefined {
  const selected = data.filter((d) => matches(d.series, threshold?.where));
  if (check.combine === "sum") {
    const sums = new Map<number, number>();
    for (const d of selected) for (const p of d.points) sums.set(p.time, (sums.get(p.time) ?? 0) + p.value);
    if (sums.size === 0) return undefined;
    return { value: [...sums.values()].reduce((a, b) => Math.max(a, b)), label: "" };
  }
  let worst: Reading | undefined;
  for (const d of selected) {
    if (d.points.length === 0) continue;
    const values = d.points.map((p) => p.value);
    const value = values.reduce((a, b) => ((below(check) ? b < a : b > a) ? b : a));
    if (worst === undefined || (below(check) ? value < worst.value : value > worst.value)) {
      worst = { value, label: labelOf(d.series, check) };
    }
  }
  return worst;
}

const round = (value: number): number => Math.round(value * 100) / 100;

/** The top `ExceptionName`s of `XksProxyErrors` over the window, with the catalog cause of each. */
function topExceptions(data: readonly Points[]): { name: string; count: number; cause: string }[] {
  const totals = new Map<string, number>();
  for (const d of data) {
    const name = (d.series.dimensions.ExceptionName ?? "unknown").slice(0, MAX_VALUE_CHARS);
    totals.set(name, (totals.get(name) ?? 0) + d.points.reduce((a, p) => a + p.value, 0));
  }
  return [...totals]
    .filter(([, count]) => count > 0)
    .sort((a, b) => b[1] - a[1])
    .slice(0, 3)
    .map(([name, count]) => ({ name, count, cause: causeOfException(name) }));
}

/** The catalog cause of an `ExceptionName`: an XKS proxy error name, else what `explain` finds. */
function causeOfException(name: string): Cause | "an uncatalogued error" {
  if (Object.hasOwn(XKS_ERRORS, name)) return XKS_ERRORS[name as keyof typeof XKS_ERRORS].cause;
  return explain(name)?.cause ?? "an uncatalogued error";
}

/** Grades one metric check from its series' datapoints. */
function grade(
  check: HealthCheck,
  data: readonly Points[],
  thresholds: HealthOptions["thresholds"],
  vars: Record<string, string>,
): HealthFinding {
  const id = check.id as HealthCheckId;
  const override = thresholds?.[id];
  const window = `over the last ${spanText(check.lookbackSeconds ?? 900)}`;
  const period = spanText(check.periodSeconds ?? 300);
  /** How a reading was made, around its value: `minimum 9 days over the last 15 minutes`. */
  const measured = (value: number): string =>
    check.combine === "sum"
      ? `${round(value)} ${check.unit} in ${period} at most ${window} (all series summed)`
      : check.statistic === "Average" || check.statistic === "Sum"
        ? `${check.statistic.toLowerCase()} ${round(value)} ${check.unit} (the worst ${period} ${window})`
        : `${check.statistic?.toLowerCase()} ${round(value)} ${check.unit} ${window}`;
  if (data.every((d) => d.points.length === 0)) {
    return {
      id,
      status: "unknown",
      evidence: `${check.metric}: no datapoints ${window} (${data.length} series listed)`,
      remediation: fillRemediation(check.remediation, vars),
    };
  }
  // A level the catalog leaves out can still be set through `thresholds` (then it is ours).
  const ours = (value: number | undefined): HealthThreshold | undefined =>
    value === undefined ? undefined : { value, source: "ours", doc: check.remediation.docs[0] ?? "" };
  const levels = [
    {
      status: "fail" as const,
      threshold: check.fail ?? ours(override?.fail),
      value: override?.fail ?? check.fail?.value,
    },
    {
      status: "warn" as const,
      threshold: check.warn ?? ours(override?.warn),
      value: override?.warn ?? check.warn?.value,
    },
  ];
  let top = "";
  if (check.metric === "XksProxyErrors") {
    const exceptions = topExceptions(data);
    const first = exceptions[0];
    if (first !== undefined) {
      vars["top-exception"] = first.name;
      vars["top-cause"] = first.cause;
      top = `; top ExceptionName ${exceptions.map((e) => `${e.name} ×${round(e.count)} (${e.cause})`).join(", ")}`;
    }
  }
  const describe = (reading: Reading, level: (typeof levels)[number]): string => {
    const where = Object.values(level.threshold?.where ?? {}).join(" ");
    const source = level.threshold?.source === "aws-recommended" ? "AWS's recommended alarm" : "ours";
    const text = measured(reading.value);
    // The series' own dimensions join a closing parenthesis rather than open a second one.
    const labelled =
      reading.label === ""
        ? text
        : text.endsWith(")")
          ? `${text.slice(0, -1)}; ${reading.label})`
          : `${text} (${reading.label})`;
    return `${check.metric}${where === "" ? "" : ` ${where}`} ${labelled}, ${level.status} threshold ${SYMBOL[check.comparison ?? ""] ?? ""} ${level.value} ${check.unit} (${source})`;
  };
  // A threshold on some dimension values (an ErrorType) with no such series reads zero.
  const readLevel = (threshold: HealthThreshold): Reading | undefined =>
    read(check, threshold, data) ?? (threshold.where === undefined ? undefined : { value: 0, label: "" });
  const readings: string[] = [];
  for (const level of levels) {
    if (level.threshold === undefined || level.value === undefined) continue;
    const reading = readLevel(level.threshold);
    if (reading === undefined) continue;
    if (crosses(check, reading.value, level.value)) {
      return {
        id,
        status: level.status,
        evidence: `${describe(reading, level)}${top}`,
        value: round(reading.value),
        threshold: level.value,
        remediation: fillRemediation(check.remediation, vars),
      };
    }
    readings.push(describe(reading, level));
  }
  const decided = levels.find((l) => l.value !== undefined && l.threshold !== undefined);
  const reading = decided?.threshold === undefined ? undefined : readLevel(decided.threshold);
  return {
    id,
    status: "ok",
    evidence: `${readings.join("; ")}${top}`,
    ...(reading === undefined ? {} : { value: round(reading.value) }),
    ...(decided?.value === undefined ? {} : { threshold: decided.value }),
    remediation: fillRemediation(check.remediation, vars),
  };
}

/** The connection-state finding. */
function connectionFinding(
  report: KeyStoreReport,
  check: HealthCheck,
  vars: Record<string, string>,
): HealthFinding {
  const state = report.connectionState ?? "UNKNOWN";
  const status: HealthStatus = check.states?.fail.includes(state)
    ? "fail"
    : check.states?.warn.includes(state)
      ? "warn"
      : state === "CONNECTED"
        ? "ok"
        : "unknown";
  const code = state === "FAILED" && report.failure !== undefined ? ` (${report.failure.code})` : "";
  return {
    id: "connection-state",
    status,
    evidence: `DescribeCustomKeyStores reports ${state}${code}`,
    remediation:
      status === "fail" && report.failure !== undefined
        ? report.failure.remediation
        : fillRemediation(check.remediation, vars),
  };
}

/**
 * Every page of one CloudWatch call, bounded: at most `maxPages` pages, and a `NextToken` sent twice
 * ends it. `onPage` reads each page and may stop with a failure of its own.
 */
async function eachPage(
  caller: AwsCaller,
  operation: "ListMetrics" | "GetMetricData",
  input: Record<string, unknown>,
  maxPages: number,
  onPage: (page: unknown) => CallResult<never> | undefined,
): Promise<CallResult<undefined>> {
  const tokens = new Set<string>();
  let token: string | undefined;
  for (let page = 0; page < maxPages; page++) {
    const out = await caller.call<unknown>(
      "cloudwatch",
      operation,
      token === undefined ? input : { ...input, NextToken: token },
      "health checks",
    );
    if (!out.ok) return out;
    const stopped = onPage(out.value);
    if (stopped !== undefined) return stopped;
    token = readText(out.value, "NextToken");
    if (token === undefined || token === "") return { ok: true, value: undefined };
    if (tokens.has(token)) {
      return {
        ok: false,
        evidence: `cloudwatch:${operation} page ${page + 1} repeats a NextToken it sent before; stopped`,
      };
    }
    tokens.add(token);
  }
  return { ok: false, evidence: `cloudwatch:${operation} sent more than ${maxPages} pages; stopped` };
}

/** Every page of `ListMetrics` for one store's resource, bounded. */
async function listSeries(
  caller: AwsCaller,
  namespace: string,
  keyDimension: string,
  key: string,
): Promise<CallResult<Series[]>> {
  const series: Series[] = [];
  const done = await eachPage(
    caller,
    "ListMetrics",
    {
      Namespace: namespace,
      Dimensions: [{ Name: keyDimension, Value: key }],
      RecentlyActive: RECENTLY_ACTIVE,
    },
    MAX_LIST_PAGES,
    (page) => {
      for (const entry of readArray(page, "Metrics")) {
        const s = seriesFrom(entry);
        if (s !== undefined && s.dimensions[keyDimension] === key) series.push(s);
      }
      return undefined;
    },
  );
  return done.ok ? { ok: true, value: series } : done;
}

/** One batched `GetMetricData` (all pages, bounded) for the series of the checks. */
async function readSeries(
  caller: AwsCaller,
  wanted: readonly { readonly check: HealthCheck; readonly series: Series }[],
  now: number,
): Promise<CallResult<Points[]>> {
  const lookback = Math.max(...wanted.map((w) => w.check.lookbackSeconds ?? 900));
  const queries = wanted.map(({ check, series }, i) => ({
    Id: `q${i}`,
    MetricStat: {
      Metric: {
        Namespace: check.namespace,
        MetricName: series.metricName,
        Dimensions: Object.entries(series.dimensions).map(([Name, Value]) => ({ Name, Value })),
      },
      Period: check.periodSeconds,
      Stat: check.statistic,
    },
    ReturnData: true,
  }));
  const points = wanted.map(() => [] as { time: number; value: number }[]);
  let total = 0;
  const done = await eachPage(
    caller,
    "GetMetricData",
    { MetricDataQueries: queries, StartTime: new Date(now - lookback * 1000), EndTime: new Date(now) },
    MAX_DATA_PAGES,
    (page) => {
      for (const result of readArray(page, "MetricDataResults")) {
        const index = Number(/^q(\d{1,3})$/.exec(readText(result, "Id") ?? "")?.[1] ?? -1);
        const into = points[index];
        const check = wanted[index]?.check;
        if (into === undefined || check === undefined) continue;
        const times = readArray(result, "Timestamps");
        const values = readArray(result, "Values");
        const since = now - (check.lookbackSeconds ?? 900) * 1000;
        // Bounded: a few thousand points per series is all a 3-hour window at 1-minute periods holds.
        const count = Math.min(times.length, values.length, 10_000);
        total += count;
        if (total > MAX_POINTS) {
          return {
            ok: false,
            evidence: `cloudwatch:GetMetricData sent more than ${MAX_POINTS} datapoints; stopped`,
          };
        }
        for (let i = 0; i < count; i++) {
          const time = times[i] instanceof Date ? (times[i] as Date).getTime() : Number.NaN;
          const value = values[i];
          if (typeof value === "number" && Number.isFinite(value) && time >= since)
            into.push({ time, value });
        }
      }
      return undefined;
    },
  );
  return done.ok
    ? { ok: true, value: wanted.map((w, i) => ({ series: w.series, points: points[i] ?? [] })) }
    : done;
}

/** The HSM states of a cluster, as one clause of evidence (CloudHSM v2 `DescribeClusters`). */
async function clusterEvidence(caller: AwsCaller, clusterId: string): Promise<string> {
  if (!caller.has("cloudhsm")) return "";
  const out = await caller.call<unknown>(
    "cloudhsm",
    "DescribeClusters",
    { Filters: { clusterIds: [clusterId] } },
    "CloudHSM cluster evidence",
  );
  if (!out.ok) return `; ${out.evidence}`;
  const cluster = readArray(out.value, "Clusters")[0];
  if (cluster === undefined) return `; cloudhsm:DescribeClusters does not list ${clusterId}`;
  const hsms = readArray(cluster, "Hsms");
  const active = hsms.filter((h) => readText(h, "State") === "ACTIVE").length;
  return `; cluster ${(readText(cluster, "State") ?? "?").slice(0, 32)}, ${active} of ${hsms.length} HSMs ACTIVE (DescribeClusters)`;
}

/** Every finding of one store. */
async function storeFindings(
  report: KeyStoreReport,
  caller: AwsCaller,
  options: HealthOptions,
): Promise<HealthFinding[]> {
  const type = report.customKeyStoreType;
  const vars: Record<string, string> = { "custom-key-store-id": report.customKeyStoreId };
  const applicable = HEALTH_CHECKS.filter((c) =>
    type === "AWS_CLOUDHSM" || type === "EXTERNAL_KEY_STORE"
      ? (c.keyStoreTypes as readonly string[]).includes(type)
      : c.id === "connection-state",
  );
  const findings = new Map<string, HealthFinding>();
  const unknown = (check: HealthCheck, evidence: string): void => {
    findings.set(check.id, {
      id: check.id as HealthCheckId,
      status: "unknown",
      evidence,
      remediation: fillRemediation(check.remediation, vars),
    });
  };
  const metricChecks = applicable.filter((c) => c.metric !== undefined);
  for (const check of applicable)
    if (check.states !== undefined) findings.set(check.id, connectionFinding(report, check, vars));
  // Group the metric checks by the resource and namespace they read: one ListMetrics each.
  const key = type === "AWS_CLOUDHSM" ? report.cloudHsmClusterId : report.customKeyStoreId;
  if (report.cloudHsmClusterId !== undefined) vars["cluster-id"] = report.cloudHsmClusterId;
  if (metricChecks.length > 0 && key === undefined) {
    for (const check of metricChecks)
      unknown(check, "DescribeCustomKeyStores reports no CloudHsmClusterId for the store");
  } else if (metricChecks.length > 0 && key !== undefined) {
    if (!caller.has("cloudwatch")) {
      for (const check of metricChecks) {
        unknown(
          check,
          `no CloudWatchClient was passed (clients.cloudwatch): pass one from @aws-sdk/client-cloudwatch to read ${check.metric}`,
        );
      }
    } else {
      const first = metricChecks[0] as HealthCheck;
      const listed = await listSeries(
        caller,
        first.namespace ?? "AWS/KMS",
        first.keyDimension ?? "CustomKeyStoreId",
        key,
      );
      if (!listed.ok) {
        for (const check of metricChecks) unknown(check, listed.evidence);
      } else {
        const wanted = metricChecks.flatMap((check) =>
          listed.value
            .filter((s) => s.metricName === check.metric && hasDimensions(s, check))
            .map((series) => ({ check, series })),
        );
        const capped = wanted.slice(0, MAX_QUERIES);
        const read =
          capped.length === 0
            ? { ok: true as const, value: [] }
            : await readSeries(caller, capped, Date.now());
        const hasTraffic =
          read.ok && read.value.some((d) => d.series.metricName === "XksProxyLatency" && d.points.length > 0);
        for (const check of metricChecks) {
          if (!read.ok) {
            unknown(check, read.evidence);
            continue;
          }
          const data = read.value.filter(
            (d) =>
              d.series.metricName === check.metric &&
              capped.some((w) => w.check === check && w.series === d.series),
          );
          if (data.length === 0) {
            if (check.absentMeansNone === true && hasTraffic) {
              // No series while requests flow: none happened. Graded as a zero, so that a configured
              // threshold still applies.
              const none = [
                {
                  series: { metricName: check.metric ?? "", dimensions: {} },
                  points: [{ time: Date.now(), value: 0 }],
                },
              ];
              const graded = grade(check, none, options.thresholds, { ...vars });
              findings.set(check.id, {
                ...graded,
                evidence: `KMS published no ${check.metric} series for ${report.customKeyStoreId} in the last 3 hours while XksProxyLatency shows requests: none happened; ${graded.evidence}`,
              });
            } else {
              unknown(
                check,
                `KMS published no ${check.metric} series with dimensions ${(check.dimensions ?? []).join(", ")} for ${key} in the last 3 hours (cloudwatch:ListMetrics)${
                  check.absentMeansNone === true
                    ? ", and no XksProxyLatency either: no requests to judge by"
                    : ""
                }`,
              );
            }
            continue;
          }
          const finding = grade(check, data, options.thresholds, { ...vars });
          const extra = check.id === "cloudhsm-hsm-unhealthy" ? await clusterEvidence(caller, key) : "";
          findings.set(
            check.id,
            extra === "" ? finding : { ...finding, evidence: `${finding.evidence}${extra}` },
          );
          if (wanted.length > capped.length && data.length > 0) {
            const f = findings.get(check.id) as HealthFinding;
            findings.set(check.id, {
              ...f,
              evidence: `${f.evidence}; only the first ${MAX_QUERIES} of ${wanted.length} series were read`,
            });
          }
        }
      }
    }
  }
  return applicable.flatMap((c) => {
    const f = findings.get(c.id);
    return f === undefined ? [] : [{ ...f, evidence: redact(f.evidence, undefined, 600) }];
  });
}

/** A failure already classified (the describe call's), passed through as it is. */
class Failed {
  constructor(readonly failure: KmsFailure) {}
}

const notFound = (ids: readonly string[]): Error =>
  Object.assign(new Error(`No custom key store with ID ${ids.join(", ")} was found.`), {
    name: "CustomKeyStoreNotFoundException",
  });

function validThresholds(value: HealthOptions["thresholds"]): void {
  if (value === undefined) return;
  if (typeof value !== "object" || value === null) {
    throw new TypeError("checkKeyStoreHealth: `thresholds` must be an object keyed by health check id.");
  }
  for (const [id, levels] of Object.entries(value)) {
    if (!HEALTH_CHECKS.some((c) => c.id === id)) {
      throw new TypeError(
        `checkKeyStoreHealth: \`thresholds\` names no health check ${JSON.stringify(id.slice(0, 60))}.`,
      );
    }
    for (const level of ["warn", "fail"] as const) {
      const n = (levels as Record<string, unknown> | undefined)?.[level];
      if (n !== undefined && (typeof n !== "number" || !Number.isFinite(n))) {
        throw new TypeError(`checkKeyStoreHealth: \`thresholds["${id}"].${level}\` must be a finite number.`);
      }
    }
  }
}

/**
 * Says what is about to fail in each custom key store: its connection state and, from the CloudWatch
 * metrics KMS publishes, the XKS proxy's certificate expiry, credential age, latency, errors (with the
 * top `ExceptionName`s and their catalog causes), external key manager states and KMS throttling, or
 * for a CloudHSM key store the `HsmUnhealthy` metric of its cluster. Every check is a row of
 * `HEALTH_CHECKS`, graded by its thresholds (AWS's recommended alarms, and ours, which `thresholds`
 * changes) into one finding with evidence and remediation.
 *
 * A missing client, a metric KMS did not publish, a series without datapoints or a denied permission
 * makes the finding `unknown` with the reason, never `ok`. (An error or throttle metric without any
 * series is `ok` only while `XksProxyLatency` shows requests: KMS publishes those only when they happen.)
 *
 * The series are listed with `ListMetrics` (one paginated call per store, recently active ones) and
 * read with one batched `GetMetricData` per store on the exact dimension sets KMS publishes (a query
 * on `CustomKeyStoreId` alone returns no data). Bounded: each call by `requestTimeoutMs` (10 s), the
 * run by `deadlineMs` (120 s), pagination by repeated tokens and page caps.
 *
 * Needs `kms:DescribeCustomKeyStores`, `cloudwatch:ListMetrics`, `cloudwatch:GetMetricData` (and
 * `cloudhsm:DescribeClusters` for the optional cluster evidence).
 *
 * @param clients - `kms` (required), `cloudwatch` and `cloudhsm` (optional).
 * @param options - `customKeyStoreIds`, `thresholds`, `signal`, `requestTimeoutMs`, `deadlineMs`.
 * @returns Ok with one report per store, in the order KMS lists them; Err when the stores cannot be
 * described, a named store does not exist, on abort (`Aborted`) or past the deadline
 * (`TransportError`, `REQUEST_TIMEOUT`).
 * @throws TypeError - synchronously, for a bad timeout, deadline or threshold.
 *
 * @example
 * ```ts
 * import { CloudWatchClient } from "@aws-sdk/client-cloudwatch";
 * import { KMSClient } from "@aws-sdk/client-kms";
 * import { checkKeyStoreHealth } from "kms-keystore-errors/diagnostics";
 *
 * const result = await checkKeyStoreHealth({ kms: new KMSClient({}), cloudwatch: new CloudWatchClient({}) });
 * if (result.isOk()) {
 *   for (const store of result.value)
 *     for (const f of store.findings.filter((f) => f.status !== "ok"))
 *       console.log(store.customKeyStoreId, f.status, f.id, f.evidence);
 * }
 * ```
 * @public
 */
export function checkKeyStoreHealth(
  clients: HealthClients,
  options?: HealthOptions,
): ResultAsync<HealthReport[], KmsFailure> {
  // JavaScript callers may pass null.
  const opts: HealthOptions = options ?? {};
  const requestTimeoutMs = milliseconds(
    "checkKeyStoreHealth",
    "requestTimeoutMs",
    opts.requestTimeoutMs,
    DEFAULT_REQUEST_TIMEOUT_MS,
    MAX_DEADLINE_MS,
  );
  const deadlineMs = milliseconds(
    "checkKeyStoreHealth",
    "deadlineMs",
    opts.deadlineMs,
    DEFAULT_DIAGNOSIS_DEADLINE_MS,
    MAX_DEADLINE_MS,
  );
  validThresholds(opts.thresholds);
  const ids = opts.customKeyStoreIds;
  if (ids !== undefined && (!Array.isArray(ids) || ids.some((id) => typeof id !== "string"))) {
    throw new TypeError("checkKeyStoreHealth: `customKeyStoreIds` must be an array of custom key store ids.");
  }
  const { signal, deadline } = bounded(opts.signal, deadlineMs);
  /** Why the run stopped early: the caller's signal (its reason), or the deadline. */
  const stopped = (): unknown =>
    opts.signal?.aborted === true
      ? opts.signal.reason
      : Object.assign(new Error(`The health check did not finish within ${deadlineMs} ms (deadlineMs).`), {
          name: "TimeoutError",
        });
  const run = async (): Promise<HealthReport[]> => {
    const listed = await checkKeyStores(clients.kms, { signal, requestTimeoutMs });
    if (signal.aborted) throw stopped();
    if (listed.isErr()) throw new Failed(listed.error);
    const missing = (ids ?? []).filter((id) => !listed.value.some((r) => r.customKeyStoreId === id));
    if (missing.length > 0) throw notFound(missing.map((id) => id.slice(0, 64)));
    const stores =
      ids === undefined ? listed.value : listed.value.filter((r) => ids.includes(r.customKeyStoreId));
    const caller = new AwsCaller(
      { cloudwatch: clients.cloudwatch, cloudhsm: clients.cloudhsm },
      signal,
      requestTimeoutMs,
    );
    const reports: HealthReport[] = [];
    for (const report of stores) {
      const findings = await storeFindings(report, caller, opts);
      if (signal.aborted) throw stopped();
      reports.push({
        customKeyStoreId: report.customKeyStoreId,
        ...(report.customKeyStoreName === undefined ? {} : { customKeyStoreName: report.customKeyStoreName }),
        customKeyStoreType: report.customKeyStoreType ?? "UNKNOWN",
        connectionState: report.connectionState ?? "UNKNOWN",
        findings,
      });
    }
    return reports;
  };
  const expired = new Promise<never>((_, reject) => {
    deadline.addEventListener("abort", () => reject(stopped()), { once: true });
  });
  return fromPromise(Promise.race([Promise.resolve().then(run), expired]), (error) =>
    error instanceof Failed ? error.failure : classify(error, { operation: "DescribeCustomKeyStores" }),
  );
}
