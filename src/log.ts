/**
 * Redaction: the one function that keeps secrets out of failures, log entries, formatted text and
 * CLI output. Redaction is by field (secret members of a command input are never copied) and by value
 * (any occurrence of a secret value inside a foreign string, such as a service or proxy message,
 * becomes `[REDACTED]`).
 */

/** The placeholder that replaces every secret value. @internal */
export const REDACTED = "[REDACTED]";

/**
 * Members of KMS command inputs (at any depth) whose values are secret: plaintext, ciphertext,
 * passwords and the external key store proxy credential (both its parts).
 * @internal
 */
export const SECRET_FIELDS: ReadonlySet<string> = new Set([
  "Plaintext",
  "CiphertextBlob",
  "SourceCiphertextBlob",
  "KeyStorePassword",
  "RawSecretAccessKey",
  "AccessKeyId",
  "XksProxyAuthenticationCredential",
  "Message",
  "Mac",
  "EncryptedKeyMaterial",
  "ImportToken",
  "CiphertextForRecipient",
  "SharedSecret",
  "PrivateKeyPlaintext",
  "PrivateKeyCiphertextBlob",
]);

/** Values shorter than this are not searched for: they cannot be told apart from ordinary text. */
const MIN_SECRET_LENGTH = 4;
/** Longest message kept on a failure; longer foreign text is cut (and marked). */
const MAX_TEXT_LENGTH = 2048;
const MAX_DEPTH = 6;

const safeGet = (obj: object, key: string): unknown => {
  try {
    return (obj as Record<string, unknown>)[key];
  } catch {
    return undefined;
  }
};

const safeKeys = (obj: object): string[] => {
  try {
    return Object.keys(obj);
  } catch {
    return [];
  }
};

const decodeUtf8 = new TextDecoder("utf-8", { fatal: false });

function bytesToBase64(bytes: Uint8Array): string {
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary);
}

function addSecretValue(value: unknown, out: Set<string>): void {
  if (typeof value === "string") {
    if (value.length >= MIN_SECRET_LENGTH) out.add(value);
  } else if (value instanceof Uint8Array) {
    if (value.length === 0) return;
    const text = decodeUtf8.decode(value);
    if (text.length >= MIN_SECRET_LENGTH && !text.includes("\uFFFD")) out.add(text);
    const b64 = bytesToBase64(value);
    if (b64.length >= MIN_SECRET_LENGTH) out.add(b64);
  } else if (value !== null && typeof value === "object") {
    for (const key of safeKeys(value)) addSecretValue(safeGet(value, key), out);
  }
}

function walk(value: unknown, depth: number, out: Set<string>, seen: WeakSet<object>): void {
  if (value === null || typeof value !== "object" || depth > MAX_DEPTH || value instanceof Uint8Array) return;
  if (seen.has(value)) return;
  seen.add(value);
  for (const key of safeKeys(value)) {
    const child = safeGet(value, key);
    if (SECRET_FIELDS.has(key)) addSecretValue(child, out);
    else walk(child, depth + 1, out, seen);
  }
}

/**
 * Collects the secret values of a command input (or of anything shaped like one): strings as they
 * are, binary values both as UTF-8 text and as Base64. Never throws.
 *
 * @param input - A command input, or any untrusted value.
 * @returns The secret values, longest first.
 * @internal
 */
export function collectSecrets(input: unknown): readonly string[] {
  const out = new Set<string>();
  try {
    walk(input, 0, out, new WeakSet());
  } catch {
    // A hostile input cannot stop classification; what was collected so far is still redacted.
  }
  return [...out].sort((a, b) => b.length - a.length);
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: removing control characters is the point.
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g;

/**
 * Replaces every occurrence of every secret in `text` with `[REDACTED]`, removes control characters
 * (no forged log lines) and caps the length.
 *
 * @param text - Foreign text, e.g. a service or proxy message.
 * @param secrets - Values from {@link collectSecrets}.
 * @returns Text safe to log.
 * @internal
 */
export function redact(text: string, secrets: readonly string[] = []): string {
  let out = text;
  for (const secret of secrets) out = out.replaceAll(secret, REDACTED);
  // C0/C1 control characters and Unicode line/paragraph separators: no forged log lines.
  out = out.replace(CONTROL_CHARACTERS, " ");
  return out.length > MAX_TEXT_LENGTH ? `${out.slice(0, MAX_TEXT_LENGTH)}… [truncated]` : out;
}

// ---------------------------------------------------------------------------------------------
// Log entries and human-readable text. Both only read the failure.
// ---------------------------------------------------------------------------------------------

import type { KmsFailure } from "./failure.js";

/**
 * A failure as one flat, JSON-safe log record. Keys are fixed (public API: dashboards and alerts key
 * on them); OpenTelemetry semantic-convention names where one exists, `kms.*` otherwise. Absent
 * context is omitted, never `null`. Every string is redacted.
 * @public
 */
export interface KmsLogEntry {
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
  /** One-line explanation. */
  readonly "kms.remediation.summary": string;
  /** The steps, in order. */
  readonly "kms.remediation.steps": readonly string[];
  /** Documentation URLs. */
  readonly "kms.remediation.docs": readonly string[];
}

const text = (value: unknown): string | undefined => (typeof value === "string" ? redact(value) : undefined);
const texts = (value: unknown): readonly string[] =>
  Array.isArray(value) ? value.filter((v): v is string => typeof v === "string").map((v) => redact(v)) : [];
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
  const entry: Record<string, unknown> = {
    "error.type": text(f.kind) ?? "Unrecognized",
    "error.message": text(f.message),
    "rpc.system": "aws-api",
    "rpc.service": "KMS",
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
    "kms.remediation.summary": text(remediation.summary) ?? "",
    "kms.remediation.steps": texts(remediation.steps),
    "kms.remediation.docs": texts(remediation.docs),
  };
  for (const key of Object.keys(entry)) if (entry[key] === undefined) delete entry[key];
  return entry as unknown as KmsLogEntry;
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
