/**
 * The fake XKS proxy's request checks: its error type, routing of a path to an operation, the body
 * checks of each operation (the specification's sizes and the proxy's own limits) and
 * `requestMetadata`.
 */
import type { IncomingMessage } from "node:http";
import { xksErrorInfo } from "../../xks/errors.js";
import {
  KEY_ID_PATTERN,
  REQUIRED_METADATA,
  XKS_CONTENT_TYPE,
  XKS_LIMITS,
  type XksOperation,
} from "../../xks/spec.js";
import { BASE64, isRecord } from "../guards.js";

/** The proxy's own limits, above the specification's minimums (4,300 bytes of data, 8,192 of AAD). */
const MAX_DATA_BYTES = 8192;
const MAX_AAD_BYTES = 8192;

/**
 * An XKS error answer: `{ errorName, errorMessage }` with its HTTP status.
 * @internal
 */
export class XksError extends Error {
  /** The HTTP status. */
  readonly status: number;
  /** The XKS error name, e.g. `"ValidationException"`. */
  readonly errorName: string;

  /**
   * @param errorName - The XKS error name.
   * @param message - The `errorMessage`.
   * @param status - The HTTP status; the specification's status for `errorName` by default.
   */
  constructor(errorName: string, message: string, status: number = xksErrorInfo(errorName).status) {
    super(message);
    this.errorName = errorName;
    this.status = status;
  }
}

/**
 * The operation (and external key id) a request path names.
 * @internal
 */
export interface Route {
  /** The operation. */
  readonly operation: XksOperation;
  /** The external key id, for key operations. */
  readonly keyId: string | undefined;
}

/**
 * Routes a request path under the proxy's URI path to an operation.
 *
 * @param uriPath - The proxy's URI path, e.g. `/kms/xks/v1`.
 * @param path - The request path, without query.
 * @returns The route, or undefined for a path that is not one of the API's.
 * @internal
 */
export const routeOf = (uriPath: string, path: string): Route | undefined => {
  if (!path.startsWith(`${uriPath}/`)) return undefined;
  const rest = path.slice(uriPath.length);
  if (rest === "/health") return { operation: "health", keyId: undefined };
  const match = /^\/keys\/([^/]+)\/(metadata|encrypt|decrypt)$/.exec(rest);
  if (match === null) return undefined;
  let keyId: string;
  try {
    keyId = decodeURIComponent(match[1] ?? "");
  } catch {
    return undefined;
  }
  if (!KEY_ID_PATTERN.test(keyId)) return undefined;
  return { operation: match[2] as XksOperation, keyId };
};

/**
 * The query parameters of a request URL, as the SigV4 check takes them (a repeated name becomes a
 * list).
 *
 * @param query - The text after `?` (empty for none).
 * @returns The parameters.
 * @internal
 */
export const queryOf = (query: string): Record<string, string | string[]> => {
  const out: Record<string, string | string[]> = {};
  for (const [k, v] of new URLSearchParams(query)) {
    const prev = out[k];
    out[k] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v];
  }
  return out;
};

/**
 * A request header as one string.
 * @param req - The request.
 * @param name - The header name, lower case.
 * @returns The value, or undefined.
 * @internal
 */
export const headerOf = (req: IncomingMessage, name: string): string | undefined => {
  const value = req.headers[name];
  return Array.isArray(value) ? value.join(",") : value;
};

/**
 * Base64 field → bytes; undefined when absent. Malformed or outside `sizes` (the specification's
 * sizes) → `ValidationException`; over `ownLimit` (this proxy's limit, beyond the specification's
 * minimum) → `UnsupportedOperationException`.
 */
const bytesField = (
  body: Readonly<Record<string, unknown>>,
  name: string,
  required: boolean,
  limits: { readonly sizes?: readonly number[]; readonly max?: number; readonly ownLimit?: number },
): Buffer | undefined => {
  const value = body[name];
  if (value === undefined || value === null) {
    if (required) throw new XksError("ValidationException", `${name} is required.`);
    return undefined;
  }
  if (typeof value !== "string" || !BASE64.test(value)) {
    throw new XksError("ValidationException", `${name} must be a Base64 string.`);
  }
  const bytes = Buffer.from(value, "base64");
  if (limits.sizes !== undefined && !limits.sizes.includes(bytes.length)) {
    throw new XksError("ValidationException", `${name} must be ${limits.sizes.join(" or ")} bytes.`);
  }
  if (limits.max !== undefined && bytes.length > limits.max) {
    throw new XksError("ValidationException", `${name} must be at most ${limits.max} bytes.`);
  }
  if (limits.ownLimit !== undefined && bytes.length > limits.ownLimit) {
    throw new XksError(
      "UnsupportedOperationException",
      `${name} is larger than this proxy supports (${limits.ownLimit} bytes).`,
    );
  }
  return bytes;
};

const checkAlgorithm = (body: Readonly<Record<string, unknown>>): void => {
  if (body.encryptionAlgorithm !== "AES_GCM") {
    throw new XksError("ValidationException", 'encryptionAlgorithm must be "AES_GCM".');
  }
};

/**
 * The Encrypt input, validated.
 * @internal
 */
export interface EncryptInput {
  /** The plaintext. */
  readonly plaintext: Buffer;
  /** The additional authenticated data (empty when absent). */
  readonly aad: Buffer;
  /** Whether a ciphertext data integrity value (SHA-256) was asked for. */
  readonly cdiv: boolean;
}

/**
 * The Decrypt input, validated.
 * @internal
 */
export interface DecryptInput {
  /** The ciphertext. */
  readonly ciphertext: Buffer;
  /** The initialization vector. */
  readonly iv: Buffer;
  /** The authentication tag. */
  readonly tag: Buffer;
  /** The additional authenticated data (empty when absent). */
  readonly aad: Buffer;
  /** The ciphertext metadata (empty when absent). */
  readonly metadata: Buffer;
}

/**
 * Validates an Encrypt body.
 * @param body - The JSON body.
 * @returns The input.
 * @throws XksError `ValidationException` or `UnsupportedOperationException`.
 * @internal
 */
export const encryptInput = (body: Readonly<Record<string, unknown>>): EncryptInput => {
  checkAlgorithm(body);
  const plaintext = bytesField(body, "plaintext", true, { ownLimit: MAX_DATA_BYTES }) as Buffer;
  const aad =
    bytesField(body, "additionalAuthenticatedData", false, { ownLimit: MAX_AAD_BYTES }) ?? Buffer.alloc(0);
  const cdivAlgorithm = body.ciphertextDataIntegrityValueAlgorithm;
  if (cdivAlgorithm !== undefined && cdivAlgorithm !== null && cdivAlgorithm !== "SHA_256") {
    throw new XksError("ValidationException", 'ciphertextDataIntegrityValueAlgorithm must be "SHA_256".');
  }
  return { plaintext, aad, cdiv: cdivAlgorithm === "SHA_256" };
};

/**
 * Validates a Decrypt body.
 * @param body - The JSON body.
 * @returns The input.
 * @throws XksError `ValidationException` or `UnsupportedOperationException`.
 * @internal
 */
export const decryptInput = (body: Readonly<Record<string, unknown>>): DecryptInput => {
  checkAlgorithm(body);
  return {
    ciphertext: bytesField(body, "ciphertext", true, { ownLimit: MAX_DATA_BYTES }) as Buffer,
    iv: bytesField(body, "initializationVector", true, { sizes: XKS_LIMITS.ivLengths }) as Buffer,
    tag: bytesField(body, "authenticationTag", true, { sizes: [XKS_LIMITS.tagLength] }) as Buffer,
    aad:
      bytesField(body, "additionalAuthenticatedData", false, { ownLimit: MAX_AAD_BYTES }) ?? Buffer.alloc(0),
    metadata:
      bytesField(body, "ciphertextMetadata", false, { max: XKS_LIMITS.maxCiphertextMetadata }) ??
      Buffer.alloc(0),
  };
};

/**
 * The checks every authenticated request passes before its operation runs: `Content-Type:
 * application/json`, a JSON object body, and a `requestMetadata` that is present and not empty (in
 * strict mode, with every member the specification marks REQUIRED for the operation).
 *
 * @param operation - The operation.
 * @param contentType - The `Content-Type` header.
 * @param body - The parsed body (undefined when it was not JSON).
 * @param strict - Whether to check the REQUIRED `requestMetadata` members.
 * @returns The body, a JSON object.
 * @throws XksError `ValidationException`.
 * @internal
 */
export const checkRequest = (
  operation: XksOperation,
  contentType: string | undefined,
  body: unknown,
  strict: boolean,
): Readonly<Record<string, unknown>> => {
  if (contentType === undefined || contentType.split(";")[0]?.trim().toLowerCase() !== XKS_CONTENT_TYPE) {
    throw new XksError("ValidationException", `Content-Type must be ${XKS_CONTENT_TYPE}.`);
  }
  if (!isRecord(body)) throw new XksError("ValidationException", "The request body is not a JSON object.");
  const metadata = body.requestMetadata;
  if (!isRecord(metadata) || Object.keys(metadata).length === 0) {
    throw new XksError("ValidationException", "requestMetadata is required.");
  }
  if (strict) {
    for (const member of REQUIRED_METADATA[operation]) {
      const value = metadata[member];
      if (typeof value !== "string" || value === "") {
        throw new XksError("ValidationException", `requestMetadata.${member} is required.`);
      }
    }
  }
  return body;
};
