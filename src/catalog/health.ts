/**
 * The health checks of custom key stores, as data: what `checkKeyStoreHealth` reads (the connection
 * state, the CloudWatch metrics KMS publishes for external key stores, and `AWS/CloudHSM` metrics for
 * the cluster of a CloudHSM key store), the thresholds it grades them by (each marked as AWS's
 * recommended alarm or as our own, with the page it comes from), and what to do. `keyStoreAlarms`
 * builds AWS's recommended alarms from the same rows. Plain data: nothing runs at import.
 *
 * Texts may hold the placeholder `<custom-key-store-id>`, filled in per store.
 */
import { DOCS } from "./docs.js";
import type { KeyStoreType, Remediation } from "./schema.js";

const {
  createKeyStoreBefore,
  fixKeyStoreFailed,
  metricCertificateDaysToExpire,
  monitoringCloudWatch,
  requestsPerSecondKeyStores,
  updateXksKeyStore,
  xksAlarmCertificate,
  xksAlarmLatency,
  xksAlarmNonRetryableErrors,
  xksAlarmRetryableErrors,
  xksConnectionState,
  xksCredential,
  xksMonitoring,
  xksTroubleshooting,
} = DOCS;

/**
 * The id of a health check: one row of {@link HEALTH_CHECKS}.
 * @public
 */
export type HealthCheckId = (typeof HEALTH_CHECKS)[number]["id"];

/**
 * How a metric value is compared with a threshold (CloudWatch's `ComparisonOperator` names).
 * @public
 */
export type HealthComparison = "LessThanThreshold" | "GreaterThanThreshold" | "GreaterThanOrEqualToThreshold";

/**
 * The CloudWatch statistic a check reads.
 * @public
 */
export type HealthStatistic = "Minimum" | "Maximum" | "Average" | "Sum";

/**
 * One threshold of a health check.
 * @public
 */
export interface HealthThreshold {
  /** The value compared with the metric (in the check's `unit`). */
  readonly value: number;
  /**
   * `aws-recommended`: AWS's recommended alarm for external key stores (`keyStoreAlarms` creates
   * it); `ours`: this library's own judgement, which `checkKeyStoreHealth`'s `thresholds` option
   * can change.
   */
  readonly source: "aws-recommended" | "ours";
  /** The page the threshold comes from (or, for ours, the page that explains the metric). */
  readonly doc: string;
  /**
   * Only the series whose dimensions have these values count, e.g. `{ ErrorType: "Retryable" }`;
   * absent: every series of the store.
   */
  readonly where?: Readonly<Record<string, string>> | undefined;
}

/**
 * One health check of a custom key store. A metric check reads `metric` in `namespace` over the
 * series with exactly the `dimensions` KMS publishes it with (found with `ListMetrics`, never a query
 * on `CustomKeyStoreId` alone), at `statistic` per `periodSeconds`, over the last `lookbackSeconds`;
 * `combine` says whether the worst single series counts (`worst`) or the series' sum per period
 * (`sum`). The connection-state check reads `DescribeCustomKeyStores` instead (`states`).
 * @public
 */
export interface HealthCheck {
  /** Stable, kebab-case id. */
  readonly id: string;
  /** What the check watches, in a few words. */
  readonly title: string;
  /** The key store types it applies to. */
  readonly keyStoreTypes: readonly KeyStoreType[];
  /** The CloudWatch namespace, for a metric check. */
  readonly namespace?: "AWS/KMS" | "AWS/CloudHSM" | undefined;
  /** The CloudWatch metric name, for a metric check. */
  readonly metric?: string | undefined;
  /** The dimension set the metric is published with (kms-facts §12), sorted. */
  readonly dimensions?: readonly string[] | undefined;
  /** The dimension that names the store's resource in `dimensions`. */
  readonly keyDimension?: "CustomKeyStoreId" | "ClusterId" | undefined;
  /** The statistic read per period. */
  readonly statistic?: HealthStatistic | undefined;
  /** Seconds per period (also the alarm's period). */
  readonly periodSeconds?: number | undefined;
  /** Seconds of history `checkKeyStoreHealth` reads. */
  readonly lookbackSeconds?: number | undefined;
  /** `worst`: the worst series decides; `sum`: the series (of one `where`) are added per period. */
  readonly combine?: "worst" | "sum" | undefined;
  /** How the value is compared with the thresholds. */
  readonly comparison?: HealthComparison | undefined;
  /** The unit of the value and the thresholds, e.g. `days`. */
  readonly unit?: string | undefined;
  /** The connection states that warn or fail, for the connection-state check. */
  readonly states?: { readonly warn: readonly string[]; readonly fail: readonly string[] } | undefined;
  /** Past this, the finding is `warn`. */
  readonly warn?: HealthThreshold | undefined;
  /** Past this, the finding is `fail`. */
  readonly fail?: HealthThreshold | undefined;
  /**
   * With `true`, a store that shows traffic (`XksProxyLatency` series) but no series of this metric
   * is `ok`: KMS publishes error and throttle series only when they happen.
   */
  readonly absentMeansNone?: boolean | undefined;
  /** What to do when the check warns or fails. */
  readonly remediation: Remediation;
}

/** Types the table: each row keeps its literal id, and every field of {@link HealthCheck} is readable. */
const checks = <const T extends HealthCheck>(table: readonly T[]): readonly (T & HealthCheck)[] => table;

/**
 * Every health check, in the order findings are reported: the connection state, the `AWS/KMS`
 * metrics of external key stores (kms-facts §12), and `HsmUnhealthy` of a CloudHSM key store's
 * cluster. Thresholds marked `aws-recommended` are the alarms of AWS's "Create CloudWatch alarms for
 * external key stores" page; those marked `ours` are this library's and configurable.
 *
 * @example
 * ```ts
 * import { HEALTH_CHECKS } from "kms-keystore-errors";
 *
 * const cert = HEALTH_CHECKS.find((c) => c.id === "xks-proxy-certificate-days-to-expire");
 * console.log(cert?.fail?.value, cert?.fail?.source); // 10 "aws-recommended"
 * ```
 * @public
 */
// Marked pure: a bundle that never reads HEALTH_CHECKS leaves the table out.
export const HEALTH_CHECKS = /* @__PURE__ */ checks([
  {
    id: "connection-state",
    title: "connection state",
    keyStoreTypes: ["AWS_CLOUDHSM", "EXTERNAL_KEY_STORE"],
    states: { warn: ["CONNECTING", "DISCONNECTED", "DISCONNECTING"], fail: ["FAILED"] },
    remediation: {
      summary:
        "KMS keys in a custom key store work only while the store is CONNECTED; a FAILED store has a ConnectionErrorCode that names the fix.",
      steps: [
        "Read the state and error code: `aws kms describe-custom-key-stores --custom-key-store-id <custom-key-store-id>`.",
        "For FAILED, fix what the ConnectionErrorCode names (`kms-keystore-errors explain <code>`), then `aws kms disconnect-custom-key-store --custom-key-store-id <custom-key-store-id>` and connect again.",
        "For DISCONNECTED, connect it when its keys are needed: `aws kms connect-custom-key-store --custom-key-store-id <custom-key-store-id>`, then poll until CONNECTED (a CloudHSM key store can take 20 minutes).",
      ],
      docs: [xksConnectionState, fixKeyStoreFailed],
    },
  },
  {
    id: "xks-proxy-certificate-days-to-expire",
    title: "XKS proxy TLS certificate expiry",
    keyStoreTypes: ["EXTERNAL_KEY_STORE"],
    namespace: "AWS/KMS",
    metric: "XksProxyCertificateDaysToExpire",
    dimensions: ["CertificateName", "CustomKeyStoreId"],
    keyDimension: "CustomKeyStoreId",
    statistic: "Minimum",
    periodSeconds: 300,
    lookbackSeconds: 900,
    combine: "worst",
    comparison: "LessThanThreshold",
    unit: "days",
    warn: { value: 30, source: "ours", doc: metricCertificateDaysToExpire },
    fail: { value: 10, source: "aws-recommended", doc: xksAlarmCertificate },
    remediation: {
      summary:
        "The TLS certificate of the external key store proxy's endpoint expires soon; when it has expired, KMS can no longer reach the proxy and every key in the store stops working.",
      steps: [
        "Renew the server certificate of the proxy's XksProxyUriEndpoint with a public certificate authority that KMS trusts, for the same host name.",
        "Install it on the proxy (or its load balancer) and check the served chain: `openssl s_client -connect <host>:443 -servername <host>`.",
        "No change to the key store is needed; watch XksProxyCertificateDaysToExpire rise for <custom-key-store-id> after the next requests.",
      ],
      docs: [xksAlarmCertificate, metricCertificateDaysToExpire],
    },
  },
  {
    id: "xks-proxy-credential-age",
    title: "XKS proxy authentication credential age",
    keyStoreTypes: ["EXTERNAL_KEY_STORE"],
    namespace: "AWS/KMS",
    metric: "XksProxyCredentialAge",
    dimensions: ["CustomKeyStoreId"],
    keyDimension: "CustomKeyStoreId",
    statistic: "Maximum",
    periodSeconds: 300,
    lookbackSeconds: 10_800,
    combine: "worst",
    comparison: "GreaterThanOrEqualToThreshold",
    unit: "days",
    warn: { value: 90, source: "ours", doc: monitoringCloudWatch },
    remediation: {
      summary:
        "The proxy authentication credential of the external key store has not been rotated for a long time.",
      steps: [
        "Create a new access key id and secret access key on the external key store proxy (keep the old one valid until KMS uses the new one).",
        "Give them to KMS: `aws kms update-custom-key-store --custom-key-store-id <custom-key-store-id> --xks-proxy-authentication-credential AccessKeyId=<new-id>,RawSecretAccessKey=<new-secret>` (allowed while CONNECTED).",
        "Once KMS requests succeed with the new credential, remove the old one from the proxy.",
      ],
      docs: [xksCredential, updateXksKeyStore],
    },
  },
  {
    id: "xks-proxy-latency",
    title: "XKS proxy latency",
    keyStoreTypes: ["EXTERNAL_KEY_STORE"],
    namespace: "AWS/KMS",
    metric: "XksProxyLatency",
    dimensions: ["CustomKeyStoreId", "KeySpec", "KmsOperation", "XksOperation"],
    keyDimension: "CustomKeyStoreId",
    statistic: "Average",
    periodSeconds: 300,
    lookbackSeconds: 900,
    combine: "worst",
    comparison: "GreaterThanThreshold",
    unit: "ms",
    warn: { value: 150, source: "ours", doc: xksMonitoring },
    fail: { value: 200, source: "aws-recommended", doc: xksAlarmLatency },
    remediation: {
      summary:
        "The external key store proxy answers slowly: KMS gives each proxy request 250 ms (and retries once), so a proxy near that budget turns into XKS_PROXY_TIMED_OUT failures.",
      steps: [
        "Find the slow leg: time the proxy's own work and its calls to the external key manager, per XksOperation.",
        "Move the proxy closer to the external key manager (and to the store's Region), or add proxy capacity.",
        "Probe it from where KMS reaches it: `kms-keystore-errors probe-xks --uri-endpoint <endpoint> --uri-path <path> --region <region>`.",
      ],
      docs: [xksAlarmLatency, xksMonitoring],
    },
  },
  {
    id: "xks-proxy-errors",
    title: "XKS proxy errors",
    keyStoreTypes: ["EXTERNAL_KEY_STORE"],
    namespace: "AWS/KMS",
    metric: "XksProxyErrors",
    dimensions: ["CustomKeyStoreId", "ErrorType", "ExceptionName", "KeySpec", "KmsOperation", "XksOperation"],
    keyDimension: "CustomKeyStoreId",
    statistic: "Sum",
    periodSeconds: 60,
    lookbackSeconds: 900,
    combine: "sum",
    comparison: "GreaterThanThreshold",
    unit: "errors",
    absentMeansNone: true,
    warn: {
      value: 5,
      source: "aws-recommended",
      doc: xksAlarmRetryableErrors,
      where: { ErrorType: "Retryable" },
    },
    fail: {
      value: 5,
      source: "aws-recommended",
      doc: xksAlarmNonRetryableErrors,
      where: { ErrorType: "Non-retryable" },
    },
    remediation: {
      summary:
        "KMS requests to the external key store proxy fail: non-retryable errors mean a configuration or key problem, retryable ones an overloaded or unreachable proxy or key manager.",
      steps: [
        "Look up the most frequent ExceptionName: `kms-keystore-errors explain <top-exception>` (<top-cause>).",
        "Find the failing requests in CloudTrail (errorCode, additionalEventData.customKeyStoreId <custom-key-store-id>) and in the proxy's log by kmsRequestId.",
        "Fix the cause, then watch XksProxyErrors fall.",
      ],
      docs: [xksAlarmNonRetryableErrors, xksTroubleshooting],
    },
  },
  {
    id: "xks-external-key-manager-states",
    title: "external key manager health",
    keyStoreTypes: ["EXTERNAL_KEY_STORE"],
    namespace: "AWS/KMS",
    metric: "XksExternalKeyManagerStates",
    dimensions: ["CustomKeyStoreId", "XksExternalKeyManagerState"],
    keyDimension: "CustomKeyStoreId",
    statistic: "Maximum",
    periodSeconds: 300,
    lookbackSeconds: 900,
    combine: "worst",
    comparison: "GreaterThanThreshold",
    unit: "key managers",
    warn: { value: 0, source: "ours", doc: xksMonitoring, where: { XksExternalKeyManagerState: "Degraded" } },
    fail: {
      value: 0,
      source: "ours",
      doc: xksMonitoring,
      where: { XksExternalKeyManagerState: "Unavailable" },
    },
    remediation: {
      summary:
        "The proxy's GetHealthStatus reports external key managers that are Degraded or Unavailable: requests that reach them fail or slow down.",
      steps: [
        "Check the external key manager instances behind the proxy (cluster state, network, licences) and bring the unavailable ones back.",
        "Confirm with the proxy's health answer: `kms-keystore-errors probe-xks --uri-endpoint <endpoint> --uri-path <path> --region <region>` (step health).",
      ],
      docs: [xksMonitoring, xksTroubleshooting],
    },
  },
  {
    id: "external-key-store-throttle",
    title: "KMS throttling of the external key store",
    keyStoreTypes: ["EXTERNAL_KEY_STORE"],
    namespace: "AWS/KMS",
    metric: "ExternalKeyStoreThrottle",
    dimensions: ["CustomKeyStoreId", "KeySpec", "KmsOperation"],
    keyDimension: "CustomKeyStoreId",
    statistic: "Sum",
    periodSeconds: 300,
    lookbackSeconds: 900,
    combine: "sum",
    comparison: "GreaterThanThreshold",
    unit: "throttled requests",
    absentMeansNone: true,
    warn: { value: 0, source: "ours", doc: requestsPerSecondKeyStores },
    remediation: {
      summary:
        "KMS throttled cryptographic requests to this external key store: the store's request quota is shared by every key in it.",
      steps: [
        "Spread or cache the calls (data key caching, fewer Decrypt calls per item), and retry throttled requests with backoff.",
        "If the steady rate is legitimately above the store's quota, request an increase in Service Quotas.",
      ],
      docs: [requestsPerSecondKeyStores, monitoringCloudWatch],
    },
  },
  {
    id: "cloudhsm-hsm-unhealthy",
    title: "CloudHSM cluster HSM health",
    keyStoreTypes: ["AWS_CLOUDHSM"],
    namespace: "AWS/CloudHSM",
    metric: "HsmUnhealthy",
    dimensions: ["ClusterId", "HsmId", "Region"],
    keyDimension: "ClusterId",
    statistic: "Maximum",
    periodSeconds: 300,
    lookbackSeconds: 900,
    combine: "worst",
    comparison: "GreaterThanThreshold",
    unit: "unhealthy HSMs",
    fail: { value: 0, source: "ours", doc: createKeyStoreBefore },
    remediation: {
      summary:
        "An HSM in the CloudHSM cluster behind this key store reports itself unhealthy; KMS needs active HSMs in the cluster to use the store's keys.",
      steps: [
        "List the cluster's HSMs and their states: `aws cloudhsmv2 describe-clusters --filters clusterIds=<cluster-id>`.",
        "Replace an unhealthy HSM: `aws cloudhsmv2 delete-hsm --cluster-id <cluster-id> --hsm-id <hsm-id>`, then `aws cloudhsmv2 create-hsm --cluster-id <cluster-id> --availability-zone <zone>`; keep at least two active HSMs in different Availability Zones.",
      ],
      docs: [createKeyStoreBefore, fixKeyStoreFailed],
    },
  },
]);
