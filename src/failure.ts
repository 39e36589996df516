import type { Cause, CauseOf } from "./catalog/index.js";
import type { Kind } from "./catalog/kinds.js";
import type { Category, KeyStoreType, Remediation } from "./catalog/schema.js";

/**
 * The key under which the middleware attaches a failure to the error it rethrows. The major version
 * is part of the key, so a later major version with a different failure shape recomputes instead of
 * trusting an old one.
 * @internal
 */
export const FAILURE_KEY: unique symbol = Symbol.for("kms-keystore-errors.failure.v1") as never;

/**
 * What the caller knows about the request that failed. Every field is optional; `classify` only
 * fills in what the error itself does not say.
 * @public
 */
export interface FailureContext {
  /** The KMS operation, without the `Command` suffix (`"Encrypt"`, `"ConnectCustomKeyStore"`). */
  readonly operation?: string | undefined;
  /**
   * The command input. Identifiers (`CustomKeyStoreId`, `KeyId`, `CustomKeyStoreType`) are read from
   * it, and its secret values (plaintext, ciphertext, `KeyStorePassword`, the XKS credential) are
   * redacted from every string of the failure. It is never stored on the failure.
   */
  readonly input?: unknown;
  /** The custom key store involved, when the input does not name it. */
  readonly customKeyStoreId?: string | undefined;
  /** The KMS key involved, when the input does not name it. */
  readonly keyId?: string | undefined;
}

/**
 * The fields every failure has, whatever its kind.
 * @public
 */
export interface FailureBase {
  /**
   * What the SDK reported: `error.name` for service errors, the socket code (`ECONNRESET`…) for
   * transport errors, the `ConnectionErrorCode` (or state) for `ConnectionFailed`.
   */
  readonly code: string;
  /** Who or what must change for the failure to go away. */
  readonly category: Category;
  /** True when the same request, unchanged, may succeed soon. Describes the failure, not a retry budget. */
  readonly retryable: boolean;
  /** The type of custom key store involved, when known. */
  readonly keyStoreType?: KeyStoreType;
  /** What to do about it. */
  readonly remediation: Remediation;
  /** The service's (or transport's) message, with secrets from the request replaced by `[REDACTED]`. */
  readonly message?: string;
  /** The KMS operation, without `Command`. */
  readonly operation?: string;
  /** The custom key store, when known. */
  readonly customKeyStoreId?: string;
  /** The KMS key, when known. */
  readonly keyId?: string;
  /** KMS's request id (`x-amzn-requestid`). */
  readonly requestId?: string;
  /** The HTTP status of the response, when one was received. */
  readonly httpStatusCode?: number;
  /** How many attempts the SDK made, retries included. */
  readonly attempts?: number;
  /** The original error. Non-enumerable: `JSON.stringify(failure)` never includes it. */
  readonly error?: unknown;
}

/**
 * A classified KMS failure: a discriminated union on `kind`. Narrowing on `kind` narrows `cause` to
 * the causes that kind can have; checking `cause` narrows `kind`.
 *
 * @example
 * ```ts
 * import { classify } from "kms-keystore-errors";
 * declare const error: unknown;
 * const failure = classify(error);
 * switch (failure.kind) {
 *   case "KMSInvalidStateException":
 *     if (failure.cause === "XKS_PROXY_TIMED_OUT") console.log("proxy too slow; retry");
 *     break;
 *   default:
 *     console.log(failure.remediation.summary);
 * }
 * ```
 * @public
 */
export type KmsFailure = {
  [K in Kind]: FailureBase & { readonly kind: K; readonly cause: CauseOf<K> };
}[Kind];

/**
 * The failure variant of one kind.
 * @public
 */
export type FailureOfKind<K extends Kind> = Extract<KmsFailure, { readonly kind: K }>;

/**
 * The failure variants that can carry cause `C`.
 * @public
 */
export type FailureWithCause<C extends Cause> = Extract<KmsFailure, { readonly cause: C }>;

/**
 * Narrows a failure by cause. Distributes over the union, so the result keeps only the kinds that can
 * carry one of the given causes.
 *
 * @param failure - The failure to test.
 * @param causes - One or more causes.
 * @returns True when the failure's cause is one of `causes`.
 * @example
 * ```ts
 * import { classify, hasCause } from "kms-keystore-errors";
 * declare const error: unknown;
 * const f = classify(error);
 * if (hasCause(f, "XKS_PROXY_TIMED_OUT", "XKS_PROXY_NOT_REACHABLE")) console.log(f.kind);
 * ```
 * @public
 */
export const hasCause = <C extends Cause>(
  failure: KmsFailure,
  ...causes: readonly C[]
): failure is FailureWithCause<C> => (causes as readonly Cause[]).includes(failure.cause);

/**
 * Compile-time exhaustiveness check for `switch` statements over `kind` or `cause`.
 *
 * @param value - The value that should be `never` when every case is handled.
 * @returns Never returns.
 * @throws TypeError - always, when reached at run time (a kind added in a newer version).
 * @example
 * ```ts
 * import { assertNever, type KmsFailure } from "kms-keystore-errors";
 * function isXks(f: KmsFailure): boolean {
 *   switch (f.keyStoreType) {
 *     case "EXTERNAL_KEY_STORE": return true;
 *     case "AWS_CLOUDHSM": case undefined: return false;
 *     default: return assertNever(f.keyStoreType);
 *   }
 * }
 * ```
 * @public
 */
export function assertNever(value: never): never {
  throw new TypeError(`Unexpected value: ${String(value)}`);
}
