/**
 * Errors shaped exactly as the AWS SDK v3 raises another service's KMS wrapper error, by protocol
 * (read from @aws-sdk/core's protocol code): the name, `$fault` from the status, `$metadata`, the
 * message, and the fields each protocol adds. restXml (S3) copies the body's `Code`, `RequestId` and
 * `HostId` onto the error; awsQuery (SNS, RDS) and query-compatible JSON (SQS) keep the wire code
 * in `Code`, the fault side in `Type`, both again in `Error`, and the request id in `RequestId`.
 */
import { entriesForKind, entryForCode } from "../../src/catalog/index.js";
import { SERVICE_WRAPPERS, SERVICES } from "../../src/catalog/services.js";

export type Row = (typeof SERVICE_WRAPPERS)[number];

/** The wrapper row of a service's error code (throws when the table has none). */
export function rowOf(service: string, code: string): Row {
  const found = SERVICE_WRAPPERS.find((r) => r.service === service && r.code === code);
  if (found === undefined) throw new Error(`no row ${service} ${code}`);
  return found;
}

/** The cause classify gives a kind when nothing more specific is known. */
export const fallbackCause = (kind: string) => (entryForCode(kind) ?? entriesForKind(kind)[0])?.cause;

const protocolOf = (service: string): string => SERVICES.find((s) => s.service === service)?.protocol ?? "";

/** A wrapper error of a row, as the service's client raises it. */
export function wrapperError(row: Row, message: string, extra: Record<string, unknown> = {}): Error {
  const requestId = "svc-req-0001";
  const $metadata = { httpStatusCode: row.status, requestId, attempts: 1, totalRetryDelay: 0 };
  const error = Object.assign(new Error(message), {
    name: row.code,
    $fault: row.status >= 500 ? "server" : "client",
    $metadata,
  });
  const protocol = protocolOf(row.service);
  if (protocol === "restXml")
    Object.assign(error, { Code: row.code, RequestId: requestId, HostId: "host-id" });
  if ("queryCode" in row) {
    const Type = row.status >= 500 ? "Receiver" : "Sender";
    Object.assign(error, {
      Code: row.queryCode,
      Type,
      Error: { Code: row.queryCode, Type, Message: message },
      RequestId: requestId,
    });
  }
  return Object.assign(error, extra);
}

/** KMS's error as the AWS SDK for Java embeds it in another service's message. */
export const javaForm = (code: string, requestId = "0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b", status = 400) =>
  `(Service: AWSKMS; Status Code: ${status}; Error Code: ${code}; Request ID: ${requestId}; Proxy: null)`;

/** Lambda's wording around KMS's error when it cannot decrypt a function's environment variables. */
export const lambdaForm = (code: string, kmsMessage: string) =>
  `Lambda was unable to decrypt the environment variables because KMS access was denied. Please check the function's KMS key settings. KMS Exception: ${code}KMS Message: ${kmsMessage}`;

/** Messages KMS sends (kms-facts §4 and §9). */
export const KMS_MESSAGES = {
  disabled: "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab is disabled.",
  pendingDeletion:
    "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab is pending deletion.",
  xksTimeout: "The external key store proxy did not respond in time. Retry the request.",
  notConnected: "The custom key store is not connected to its external key store proxy.",
} as const;

/**
 * The AWS Encryption SDK's aggregated decrypt error, built as its keyrings build it
 * (aws-encryption-sdk-javascript, modules/kms-keyring/src/kms_keyring.ts and kms_mrk_keyring.ts,
 * modules/material-management/src/multi_keyring.ts): a plain `Error` whose message carries each
 * inner error's stack only.
 */
export const encryptionSdkError = {
  kmsKeyring: (inner: readonly Error[]) =>
    new Error(
      inner.reduce(
        (m, e, i) => `${m} Error #${i + 1} \n ${e.stack} \n`,
        "Unable to decrypt data key and one or more KMS CMKs had an error. \n ",
      ),
    ),
  mrkKeyring: (inner: readonly Error[]) =>
    new Error(
      ["Unable to decrypt data key.", ...inner.map((e, i) => `Error #${i + 1}  \n${e.stack}`)].join("\n"),
    ),
  multiKeyring: (inner: readonly Error[]) =>
    new Error(
      inner.reduce(
        (m, e, i) => `${m} Error #${i + 1} \n ${e.stack} \n`,
        "Unable to decrypt data key and one or more child keyrings had an error. \n ",
      ),
    ),
};
