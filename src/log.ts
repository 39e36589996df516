/**
 * Log entries and human-readable text. Both only read the failure, and every string passes
 * {@link redact} (see `redact.ts`).
 */
import type { KmsFailure } from "./failure.js";
import { redact } from "./redact.js";

/**
 * A failure as one flat, JSON-safe log record. Keys are fixed (public API: dashboards and alerts key
 * on them); OpenTelemetry semantic-convention names where one exists, `kms.*` otherwise. Absent
 * context is omitted, never `null`. Every string is redacted. Assignable to OpenTelemetry's
 * `Attributes`, so `span.setAttributes(toLogEntry(failure))` type-checks as it is.
 * @public
 */
export type KmsLogEntry = {
  /** The failure kind (exception name, or `TransportError`, `ConnectionFailed`…). */
  readonly "error.type": string;
  /** The service's message, redacted. */
  readonly "error.message"?: string;
  /** Always `aws-api`. */
  readonly "rpc.system": "aws-api";
  /** Always `KMS`. */
  readonly "rpc.service": "KMS";
  /** The operation, e.g. `Encrypt`. */
  readonly "rpc.method"?: string;
  /** KMS's request id. */
  readonly "aws.request_id"?: string;
  /** HTTP status of the response. */
  readonly "http.response.status_code"?: number;
  /** What the SDK reported (`error.name`, socket code, connection error code). */
  readonly "kms.failure.code": string;
  /** The catalog cause. */
  readonly "kms.failure.cause": string;
  /** Who or what must change. */
  readonly "kms.failure.category": string;
  /** Whether the same request may succeed soon. */
  readonly "kms.failure.retryable": boolean;
  /** Attempts the SDK made. */
  readonly "kms.failure.attempts"?: number;
  /** The custom key store. */
  readonly "kms.custom_key_store.id"?: string;
  /** `AWS_CLOUDHSM` or `EXTERNAL_KEY_STORE`. */
  readonly "kms.custom_key_store.type"?: string;
  /** The KMS key. */
  readonly "kms.key.id"?: string;
  /** The AWS service that called KMS on the caller's behalf (`S3`, `SQS`…, `AWS Encryption SDK`). */
  readonly "kms.via.service"?: string;
  /** The error that service raised (`KMS.DisabledException`, `KmsInvalidState`…). */
  readonly "kms.via.code"?: string;
  /** KMS's own request id, when the service passed it on: the key to KMS's CloudTrail event. */
  readonly "kms.via.kms_request_id"?: string;
  /** One-line explanation. */
  readonly "kms.remediation.summary": string;
  /** The steps, in order. */
  readonly "kms.remediation.steps": string[];
  /** Documentation URLs. */
  readonly "kms.remediation.docs": string[];
};

const text = (value: unknown): string | undefined => (typeof value === "string" ? redact(value) : undefined);
const texts = (value: unknown): string[] =>
  Array.isArray(value) ? value.filter((v): v is string => typeof v === "string").map((v) => redact(v)) : [];
const isRecord = (value: unknown): value is object => value !== null && typeof value === "object";
const count = (value: unknown): number | undefined =>
  typeof value === "number" && Number.isFinite(value) ? value : undefined;

/**
 * A failure as a flat, JSON-safe, redacted log record with OpenTelemetry-style keys.
 *
 * @param failure - A classified failure.
 * @returns The log record; pass it to pino, console, or span attributes.
 * @example
 * ```ts
 * import { classify, toLogEntry } from "kms-keystore-errors";
 * declare const error: unknown;
 * console.error(JSON.stringify(toLogEntry(classify(error))));
 * ```
 * @public
 */
export function toLogEntry(failure: KmsFailure): KmsLogEntry {
  const f = failure as Partial<Record<keyof KmsFailure, unknown>>;
  const remediation = (f.remediation ?? {}) as Record<string, unknown>;
  const via = (isRecord(f.via) ? f.via : {}) as Record<string, unknown>;
  return defined({
    "error.type": text(f.kind) ?? "Unrecognized",
    "error.message": text(f.message),
    "rpc.system": "aws-api" as const,
    "rpc.service": "KMS" as const,
    "rpc.method": text(f.operation),
    "aws.request_id": text(f.requestId),
    "http.response.status_code": count(f.httpStatusCode),
    "kms.failure.code": text(f.code) ?? "",
    "kms.failure.cause": text(f.cause) ?? "UNRECOGNIZED",
    "kms.failure.category": text(f.category) ?? "unknown",
    "kms.failure.retryable": f.retryable === true,
    "kms.failure.attempts": count(f.attempts),
    "kms.custom_key_store.id": text(f.customKeyStoreId),
    "kms.custom_key_store.type": text(f.keyStoreType),
    "kms.key.id": text(f.keyId),
    "kms.via.service": text(via.service),
    "kms.via.code": text(via.code),
    "kms.via.kms_request_id": text(via.kmsRequestId),
    "kms.remediation.summary": text(remediation.summary) ?? "",
    "kms.remediation.steps": texts(remediation.steps),
    "kms.remediation.docs": texts(remediation.docs),
  } satisfies { readonly [K in keyof KmsLogEntry]-?: KmsLogEntry[K] | undefined });
}

/** A record without its undefined members, typed so: those members become optional. */
type Defined<T> = { [K in keyof T as undefined extends T[K] ? never : K]: T[K] } & {
  [K in keyof T as undefined extends T[K] ? K : never]?: Exclude<T[K], undefined>;
};

function defined<T extends object>(record: T): Defined<T> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(record)) if (value !== undefined) out[key] = value;
  return out as Defined<T>;
}

/**
 * A failure as multi-line guidance for people: what happened, why, whether retrying helps, the steps
 * (numbered) and the documentation links.
 *
 * @param failure - A classified failure.
 * @returns Plain text (no colour), redacted.
 * @example
 * ```ts
 * import { classify, formatFailure } from "kms-keystore-errors";
 * declare const error: unknown;
 * console.error(formatFailure(classify(error)));
 * ```
 * @public
 */
export function formatFailure(failure: KmsFailure): string {
  const log = toLogEntry(failure);
  const where = [
    log["rpc.method"] === undefined ? undefined : `during ${log["rpc.method"]}`,
    log["kms.key.id"] === undefined ? undefined : `on key ${log["kms.key.id"]}`,
    log["kms.custom_key_store.id"] === undefined
      ? undefined
      : `in custom key store ${log["kms.custom_key_store.id"]}`,
    log["kms.custom_key_store.type"] === undefined ? undefined : `(${log["kms.custom_key_store.type"]})`,
  ].filter((part) => part !== undefined);
  const request = [
    log["aws.request_id"] === undefined ? undefined : `request id ${log["aws.request_id"]}`,
    log["http.response.status_code"] === undefined ? undefined : `HTTP ${log["http.response.status_code"]}`,
    log["kms.failure.attempts"] === undefined
      ? undefined
      : `${log["kms.failure.attempts"]} attempt${log["kms.failure.attempts"] === 1 ? "" : "s"}`,
  ].filter((part) => part !== undefined);
  const lines = [
    `${log["error.type"]}: ${log["kms.failure.cause"]}${where.length > 0 ? ` ${where.join(" ")}` : ""}`,
    ...(log["error.message"] === undefined ? [] : [`  Message: ${log["error.message"]}`]),
    ...throughLines(failure, log),
    `  Why: ${log["kms.remediation.summary"]}`,
    log["kms.failure.retryable"]
      ? "  Retry: yes, the same request may succeed soon (use backoff)."
      : `  Retry: no, something must change first (category: ${log["kms.failure.category"]}).`,
    ...(log["kms.remediation.steps"].length === 0 ? [] : ["  What to do:"]),
    ...log["kms.remediation.steps"].map((step, i) => `    ${i + 1}. ${step}`),
    ...(log["kms.remediation.docs"].length === 0 ? [] : ["  Docs:"]),
    ...log["kms.remediation.docs"].map((url) => `    - ${url}`),
    ...(request.length === 0 ? [] : [`  Request: ${request.join(", ")}`]),
  ];
  return lines.join("\n");
}

/**
 * For a failure that came through another service: which service called KMS on the caller's behalf,
 * and where KMS's own answer is (CloudTrail, under KMS's request id when the service passed it on).
 */
function throughLines(failure: KmsFailure, log: KmsLogEntry): string[] {
  const service = log["kms.via.service"];
  if (service === undefined) return [];
  const via = (isRecord(failure.via) ? failure.via : {}) as Record<string, unknown>;
  const operation = text(via.operation);
  const code = log["kms.via.code"];
  const requestId = log["kms.via.kms_request_id"];
  const raised = [
    operation === undefined ? undefined : `during ${operation}`,
    code === undefined ? undefined : `it raised ${code}`,
  ]
    .filter((part) => part !== undefined)
    .join(", ");
  const related = Array.isArray(failure.related) ? (failure.related as readonly unknown[]) : [];
  if (related.length > 0) {
    // An aggregated error (the AWS Encryption SDK's): every failure behind it, in order.
    return [
      `  Through: ${service}, which gathered ${related.length} KMS failure${related.length === 1 ? "" : "s"} (the most specific is above):`,
      ...related.map((r, i) => {
        const f = (isRecord(r) ? r : {}) as Record<string, unknown>;
        const message = text(f.message);
        return `    ${i + 1}. ${text(f.kind) ?? "Unrecognized"}: ${text(f.cause) ?? "UNRECOGNIZED"}${message === undefined ? "" : ` (${message})`}`;
      }),
    ];
  }
  return [
    `  Through: ${service} called KMS on your behalf${raised === "" ? "" : ` (${raised})`}.`,
    requestId === undefined
      ? `  KMS's own answer: CloudTrail holds KMS's errorCode and errorMessage for the KMS request ${service} made at the time of the failure.`
      : `  KMS's own answer: CloudTrail holds KMS's errorCode and errorMessage under KMS request id ${requestId}.`,
  ];
}
