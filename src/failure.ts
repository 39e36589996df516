import type { Cause, CauseOf, KnownCatalogEntry } from "./catalog/index.js";
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
  /**
   * The AWS service whose client raised the error, as its `serviceId` spells it (`S3`, `SQS`,
   * `Secrets Manager`…), when the error alone does not say. With a service other than `KMS`, only its
   * KMS-caused failures get a {@link FailureBase.via}; `KMS` reads the error as KMS's own. The
   * middleware sets it from the client.
   */
  readonly service?: string | undefined;
}

/**
 * How a KMS failure reached the caller when another AWS service (or the AWS Encryption SDK) called
 * KMS on the caller's behalf. Every string is redacted like the rest of the failure.
 * @public
 */
export interface FailureVia {
  /**
   * The service, as its client's `serviceId` spells it (`S3`, `SQS`, `SNS`, `Lambda`, `Kinesis`,
   * `Secrets Manager`, `SSM`, `SFN`, `DynamoDB`, `RDS`), `AWS Encryption SDK`, or `unknown` when
   * neither the error nor `context.service` names it (a KMS error embedded in an unknown service's
   * message).
   */
  readonly service: string;
  /** The service's operation (`GetObject`, `SendMessage`…), when known. */
  readonly operation?: string;
  /** The service's error name, as the SDK raised it (`KMS.DisabledException`, `KmsInvalidState`…). */
  readonly code: string;
  /** The query-compatible code the service sent (SQS `KMS.InvalidStateException`, SNS `KMSDisabled`). */
  readonly queryCode?: string;
  /**
   * KMS's own request id, when the service embedded it: the key to KMS's CloudTrail event (and to the
   * external key store proxy's `kmsRequestId`), whose `errorMessage` says what KMS answered.
   */
  readonly kmsRequestId?: string;
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
  /**
   * True when the same request, unchanged, may succeed soon. For `ConnectionFailed` the request is
   * {@link ensureConnected}: true means that calling it again, unchanged, may succeed (a `FAILED` store
   * refuses `ConnectCustomKeyStore` until it is disconnected, which `ensureConnected` does). Describes
   * the failure, not a retry budget.
   */
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
  /**
   * Set when another AWS service (or the AWS Encryption SDK) called KMS on the caller's behalf and
   * reported KMS's failure in its own words: which service, and what it raised.
   */
  readonly via?: FailureVia;
  /**
   * Every failure behind an aggregated error, in order (the AWS Encryption SDK's decrypt error lists
   * one per encrypted data key it tried); the failure itself is the most specific of them.
   */
  readonly related?: readonly KmsFailure[];
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
 * The failure variants that can carry one of the causes `C`, each with its `cause` narrowed to those
 * of `C` it can carry (a kind with several causes, such as `KMSInvalidStateException`, is kept).
 * @public
 */
export type FailureWithCause<C extends Cause> = {
  [K in Kind]: [Extract<CauseOf<K>, C>] extends [never]
    ? never
    : FailureBase & { readonly kind: K; readonly cause: Extract<CauseOf<K>, C> };
}[Kind];

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
 * The context fields of a failure; undefined ones are left out.
 * @internal
 */
export interface FailureFields {
  readonly message?: string | undefined;
  readonly operation?: string | undefined;
  readonly customKeyStoreId?: string | undefined;
  readonly keyId?: string | undefined;
  readonly requestId?: string | undefined;
  readonly httpStatusCode?: number | undefined;
  readonly attempts?: number | undefined;
  readonly via?: FailureVia | undefined;
  readonly related?: readonly KmsFailure[] | undefined;
}

/** Freezes a failure's fields with the original error kept non-enumerable: every failure ends here. */
function seal(fields: Record<string, unknown>, error: unknown): KmsFailure {
  Object.defineProperty(fields, "error", { value: error, enumerable: false });
  return Object.freeze(fields) as unknown as KmsFailure;
}

/**
 * The remediation for an entry, specialised to the key store type when the entry has variants.
 * @internal
 */
export const remediationFor = (
  entry: KnownCatalogEntry,
  keyStoreType: KeyStoreType | undefined,
): Remediation =>
  (keyStoreType === undefined ? undefined : entry.byKeyStoreType?.[keyStoreType]) ?? entry.remediation;

/**
 * Makes a frozen failure of a kind and catalog entry: category, retryable and remediation come from
 * the entry (remediation specialised to the key store type), context from `fields` (undefined ones
 * left out), and the original error is kept non-enumerable. The one constructor of failures.
 * @internal
 */
export function makeFailure(
  kind: Kind,
  code: string,
  entry: KnownCatalogEntry,
  keyStoreType: KeyStoreType | undefined,
  fields: FailureFields,
  error: unknown,
): KmsFailure {
  const type = keyStoreType ?? entry.keyStoreType;
  const f: Record<string, unknown> = {
    kind,
    code,
    cause: entry.cause,
    category: entry.category,
    retryable: entry.retryable,
  };
  if (type !== undefined) f.keyStoreType = type;
  f.remediation = remediationFor(entry, type);
  // Field by field, not in a loop over the keys: this is the hot path of `classify`.
  if (fields.message !== undefined) f.message = fields.message;
  if (fields.operation !== undefined) f.operation = fields.operation;
  if (fields.customKeyStoreId !== undefined) f.customKeyStoreId = fields.customKeyStoreId;
  if (fields.keyId !== undefined) f.keyId = fields.keyId;
  if (fields.requestId !== undefined) f.requestId = fields.requestId;
  if (fields.httpStatusCode !== undefined) f.httpStatusCode = fields.httpStatusCode;
  if (fields.attempts !== undefined) f.attempts = fields.attempts;
  if (fields.via !== undefined) {
    f.via = Object.freeze({ ...fields.via });
    if (fields.related !== undefined) f.related = Object.freeze([...fields.related]);
  }
  return seal(f, error);
}

/**
 * A copy of a failure with more context or another remediation (a new frozen failure, the same
 * original error); the failure itself when nothing changes.
 * @internal
 */
export function withFields(
  failure: KmsFailure,
  fields: FailureFields & { readonly remediation?: Remediation | undefined },
): KmsFailure {
  const changes = Object.entries(fields).filter(([, value]) => value !== undefined);
  if (changes.length === 0) return failure;
  return seal({ ...failure, ...Object.fromEntries(changes) }, failure.error);
}

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
