/**
 * The XKS proxy API v1 as data: operations, their URI suffixes, and the spec's error names with their
 * HTTP statuses (XKS proxy API spec v1.0.3, "Error codes").
 */

/**
 * The four operations of the XKS proxy API, by the short name this library uses for them:
 * `health` (GetHealthStatus), `metadata` (GetKeyMetadata), `encrypt` (Encrypt), `decrypt` (Decrypt).
 * @example
 * ```ts
 * for (const op of XKS_OPERATIONS) proxy.setFault(op, { errorName: "InternalException" });
 * ```
 * @public
 */
export const XKS_OPERATIONS = ["health", "metadata", "encrypt", "decrypt"] as const;

/**
 * One of {@link XKS_OPERATIONS}.
 * @example
 * ```ts
 * const op: XksOperation = "encrypt";
 * ```
 * @public
 */
export type XksOperation = (typeof XKS_OPERATIONS)[number];

/**
 * The error names of the XKS proxy API, with the HTTP status the spec gives each.
 * @example
 * ```ts
 * XKS_ERROR_STATUS.DependencyTimeoutException; // 503
 * ```
 * @public
 */
export const XKS_ERROR_STATUS = {
  ValidationException: 400,
  InvalidStateException: 400,
  InvalidCiphertextException: 400,
  InvalidKeyUsageException: 400,
  AuthenticationFailedException: 401,
  AccessDeniedException: 403,
  KeyNotFoundException: 404,
  InvalidUriPathException: 404,
  ThrottlingException: 429,
  InternalException: 500,
  UnsupportedOperationException: 501,
  DependencyTimeoutException: 503,
} as const;

/**
 * An error name of the XKS proxy API (`"ThrottlingException"` …); other strings are allowed so that
 * a test can script a non-conforming proxy.
 * @example
 * ```ts
 * const name: XksErrorName = "ThrottlingException";
 * ```
 * @public
 */
export type XksErrorName = keyof typeof XKS_ERROR_STATUS | (string & {});

/** Key ids: opaque, 1–128 characters of `[A-Za-z0-9._-]`. @internal */
export const KEY_ID_PATTERN = /^[A-Za-z0-9._-]{1,128}$/;

/** A URI path: `[/<prefix>]/kms/xks/v1`, at most 128 characters of `[A-Za-z0-9/_-]`. @internal */
export const URI_PATH_PATTERN = /^[A-Za-z0-9/_-]{1,128}$/;

/** The mandatory end of every URI path. @internal */
export const URI_PATH_SUFFIX = "/kms/xks/v1";

/** The SigV4 service name KMS signs proxy requests with. @internal */
export const XKS_SIGNING_SERVICE = "kms-xks-proxy";

/**
 * The URI suffix (after the URI path) of an operation.
 * @internal
 */
export const operationPath = (operation: XksOperation, keyId: string | undefined): string =>
  operation === "health" ? "/health" : `/keys/${encodeURIComponent(keyId ?? "")}/${operation}`;

/**
 * The default HTTP status of an error name: the spec's, else 400 (client errors) for unknown names.
 * @internal
 */
export const statusOfError = (errorName: string): number =>
  (XKS_ERROR_STATUS as Readonly<Record<string, number>>)[errorName] ?? 400;
