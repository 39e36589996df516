/**
 * The XKS proxy API v1 as data (XKS proxy API specification v1.0.3): operations, their URI suffixes,
 * the URI and key id patterns, and the size limits the specification sets. The error names live in
 * `errors.ts`.
 */

/**
 * The four operations of the XKS proxy API, by the short name this library uses for them:
 * `health` (GetHealthStatus), `metadata` (GetKeyMetadata), `encrypt` (Encrypt), `decrypt` (Decrypt).
 * @example
 * ```ts
 * import { XKS_OPERATIONS, type XksProxy } from "kms-keystore-errors/testing";
 *
 * declare const proxy: XksProxy; // from startXksProxy
 * for (const op of XKS_OPERATIONS) proxy.setFault(op, { errorName: "InternalException" });
 * ```
 * @public
 */
export const XKS_OPERATIONS = ["health", "metadata", "encrypt", "decrypt"] as const;

/**
 * One of {@link XKS_OPERATIONS}.
 * @example
 * ```ts
 * import type { XksOperation } from "kms-keystore-errors/testing";
 *
 * const op: XksOperation = "encrypt";
 * ```
 * @public
 */
export type XksOperation = (typeof XKS_OPERATIONS)[number];

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

/** The content type of every XKS proxy request and response. @internal */
export const XKS_CONTENT_TYPE = "application/json";

/**
 * Size limits of the XKS proxy API, in bytes before Base64 encoding. `minPlaintext` and `minAad` are
 * what every proxy must accept (a proxy may accept more, and answers `UnsupportedOperationException`
 * beyond its own limit); the others are the specification's exact or maximum sizes, so a value
 * outside them is a `ValidationException`.
 * @internal
 */
export const XKS_LIMITS = {
  /** Plaintext (Encrypt) and ciphertext (Decrypt) every proxy must accept. */
  minPlaintext: 4300,
  /** Additional authenticated data every proxy must accept. */
  minAad: 8192,
  /** The initialization vector is 12 or 16 bytes. */
  ivLengths: [12, 16],
  /** The authentication tag is exactly 16 bytes. */
  tagLength: 16,
  /** Ciphertext metadata is at most 20 bytes. */
  maxCiphertextMetadata: 20,
  /** `errorMessage` is shorter than 512 printable ASCII characters. */
  maxErrorMessage: 511,
  /** `ekmFleetDetails` holds 1 to 10 entries; `keyUsage` at most 10. */
  maxFleet: 10,
} as const;

/**
 * The `requestMetadata` members the specification marks REQUIRED, per operation. A proxy need not
 * validate them (the signature covers the whole body); a strict proxy may.
 * @internal
 */
export const REQUIRED_METADATA: Readonly<Record<XksOperation, readonly string[]>> = {
  health: ["kmsRequestId", "kmsOperation"],
  metadata: ["awsPrincipalArn", "kmsOperation", "kmsRequestId"],
  encrypt: ["awsPrincipalArn", "kmsKeyArn", "kmsOperation", "kmsRequestId"],
  decrypt: ["awsPrincipalArn", "kmsKeyArn", "kmsOperation", "kmsRequestId"],
};

/**
 * The subject common name of the client certificate KMS presents when a proxy asks for one.
 *
 * @param region - The key store's Region.
 * @returns `cks.kms.<region>.amazonaws.com`.
 * @internal
 */
export const kmsClientCertificateName = (region: string): string => `cks.kms.${region}.amazonaws.com`;
