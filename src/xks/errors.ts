/**
 * The error names of the XKS proxy API in one table: the HTTP status the specification gives each,
 * the class of proxy outcome KMS turns it into, and what it means for the key store (the catalog
 * cause). The fake proxy answers with these statuses, the KMS emulator surfaces the outcome classes,
 * and the probe reports the causes: one source for all three.
 */
import type { Cause } from "../catalog/index.js";

/**
 * One error name of the XKS proxy API: a row of {@link XKS_ERRORS}.
 * @example
 * ```ts
 * import { XKS_ERRORS, type XksErrorInfo } from "kms-keystore-errors/testing";
 *
 * const row: XksErrorInfo = XKS_ERRORS.ThrottlingException; // 429, "throttled", XKS_PROXY_THROTTLED
 * ```
 * @public
 */
export interface XksErrorInfo {
  /** The HTTP status the specification gives it. */
  readonly status: number;
  /**
   * The proxy outcome KMS makes of it: the name of a row of the KMS emulator's fault tables (the
   * exception and message a KMS caller sees), e.g. `"throttled"`.
   */
  readonly fault: string;
  /** What it means for the key store: the catalog cause the probe reports. */
  readonly cause: Cause;
  /** KMS's `XksProxyErrors` metric counts it as `Retryable` (else `Non-retryable`). */
  readonly retryable: boolean;
}

/**
 * Every error name of the XKS proxy API (specification v1.0.3, "Error codes") with its status, the
 * outcome KMS makes of it and its cause: the one table the fake proxy, the KMS emulator and the probe
 * read.
 * @example
 * ```ts
 * import { XKS_ERRORS } from "kms-keystore-errors/testing";
 *
 * XKS_ERRORS.DependencyTimeoutException.status; // 503
 * XKS_ERRORS.InvalidUriPathException.cause; // "XKS_PROXY_INVALID_CONFIGURATION"
 * ```
 * @public
 */
export const XKS_ERRORS = {
  ValidationException: {
    status: 400,
    fault: "invalid-response",
    cause: "XKS_PROXY_INVALID_RESPONSE",
    retryable: false,
  },
  InvalidStateException: { status: 400, fault: "key-disabled", cause: "XKS_KEY_DISABLED", retryable: false },
  InvalidCiphertextException: {
    status: 400,
    fault: "invalid-ciphertext",
    cause: "XKS_PROXY_REJECTED_CIPHERTEXT",
    retryable: false,
  },
  InvalidKeyUsageException: {
    status: 400,
    fault: "key-unsupported-usage",
    cause: "XKS_KEY_INVALID_CONFIGURATION",
    retryable: false,
  },
  AuthenticationFailedException: {
    status: 401,
    fault: "bad-credentials",
    cause: "INVALID_CREDENTIALS",
    retryable: false,
  },
  AccessDeniedException: {
    status: 403,
    fault: "access-denied",
    cause: "XKS_PROXY_ACCESS_DENIED",
    retryable: false,
  },
  KeyNotFoundException: { status: 404, fault: "key-not-found", cause: "XKS_KEY_NOT_FOUND", retryable: false },
  InvalidUriPathException: {
    status: 404,
    fault: "invalid-uri-path",
    cause: "XKS_PROXY_INVALID_CONFIGURATION",
    retryable: false,
  },
  ThrottlingException: { status: 429, fault: "throttled", cause: "XKS_PROXY_THROTTLED", retryable: true },
  InternalException: {
    status: 500,
    fault: "ekm-unreachable",
    cause: "XKS_EXTERNAL_KEY_MANAGER_ERROR",
    retryable: true,
  },
  UnsupportedOperationException: {
    status: 501,
    fault: "unsupported-operation",
    cause: "XKS_PROXY_UNSUPPORTED_OPERATION",
    retryable: false,
  },
  DependencyTimeoutException: {
    status: 503,
    fault: "dependency-timeout",
    cause: "XKS_PROXY_DEPENDENCY_TIMEOUT",
    retryable: true,
  },
} as const satisfies Readonly<Record<string, XksErrorInfo>>;

/**
 * What KMS makes of an error name the specification does not define (or of an error answer without
 * one): an answer it cannot interpret.
 * @internal
 */
export const UNKNOWN_XKS_ERROR = {
  status: 400,
  fault: "invalid-response",
  cause: "XKS_PROXY_INVALID_RESPONSE",
  retryable: false,
} as const satisfies XksErrorInfo;

/**
 * The row type of the table (with its literal values).
 * @internal
 */
export type XksErrorRow = (typeof XKS_ERRORS)[keyof typeof XKS_ERRORS] | typeof UNKNOWN_XKS_ERROR;

/**
 * The error names of the XKS proxy API, with the HTTP status the spec gives each (a view of the one
 * error table).
 * @example
 * ```ts
 * import { XKS_ERROR_STATUS } from "kms-keystore-errors/testing";
 *
 * XKS_ERROR_STATUS.DependencyTimeoutException; // 503
 * ```
 * @public
 */
export const XKS_ERROR_STATUS: { readonly [N in keyof typeof XKS_ERRORS]: (typeof XKS_ERRORS)[N]["status"] } =
  Object.freeze(
    Object.fromEntries(Object.entries(XKS_ERRORS).map(([name, info]) => [name, info.status])) as {
      readonly [N in keyof typeof XKS_ERRORS]: (typeof XKS_ERRORS)[N]["status"];
    },
  );

/**
 * An error name of the XKS proxy API (`"ThrottlingException"` …); other strings are allowed so that
 * a test can script a non-conforming proxy.
 * @example
 * ```ts
 * import type { XksErrorName } from "kms-keystore-errors/testing";
 *
 * const name: XksErrorName = "ThrottlingException";
 * ```
 * @public
 */
export type XksErrorName = keyof typeof XKS_ERRORS | (string & {});

/**
 * The table row of an error name; {@link UNKNOWN_XKS_ERROR} for a name the specification does not
 * define (or none).
 *
 * @param errorName - The proxy's `errorName`.
 * @returns The row.
 * @internal
 */
export const xksErrorInfo = (errorName: string | undefined): XksErrorRow =>
  // No name reads as "undefined", which the specification does not define either.
  Object.hasOwn(XKS_ERRORS, String(errorName))
    ? XKS_ERRORS[errorName as keyof typeof XKS_ERRORS]
    : UNKNOWN_XKS_ERROR;
