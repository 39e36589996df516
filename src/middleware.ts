import type { KMSClient } from "@aws-sdk/client-kms";
import type { Remediation } from "./catalog/schema.js";
import { classify } from "./classify.js";
import { FAILURE_KEY, type KmsFailure, withFields } from "./failure.js";

/** The client's middleware stack, as the SDK types it. */
type Stack = KMSClient["middlewareStack"];
/** What `middlewareStack.use` accepts. @public */
export type KmsPluggable = Parameters<Stack["use"]>[0];

/**
 * Options of {@link keyStoreErrors} and {@link withKeyStoreErrors}.
 * @public
 */
export interface KeyStoreErrorsOptions {
  /**
   * Called once per failed `send`, after all retries, with the classified failure. Runs inside a
   * `try`: if it throws (or rejects), the KMS error is still what the caller gets, and the problem is
   * reported through the client's logger.
   */
  readonly onFailure?: ((failure: KmsFailure) => unknown) | undefined;
  /**
   * Make the client's retry decision follow the catalog for KMS service errors: retry XKS proxy
   * timeouts and proxy throttling, never retry quota or configuration failures.
   * @defaultValue true
   */
  readonly alignRetries?: boolean | undefined;
  /**
   * Adds to (or replaces parts of) the catalog's remediation, e.g. links to your own runbooks.
   * Returned `steps` and `docs` replace the catalog's; spread `failure.remediation.steps` to append.
   */
  readonly remediation?: ((failure: KmsFailure) => Partial<Remediation> | undefined) | undefined;
}

const isObject = (value: unknown): value is object =>
  value !== null && (typeof value === "object" || typeof value === "function");

/** True for a response from KMS itself: the SDK parsed a modeled or unmodeled KMS error. */
const isKmsServiceError = (error: unknown): boolean => {
  if (!isObject(error)) return false;
  const e = error as { $fault?: unknown; $metadata?: { httpStatusCode?: unknown } };
  return (e.$fault === "client" || e.$fault === "server") && typeof e.$metadata?.httpStatusCode === "number";
};

/**
 * Errors whose retry the SDK decides for reasons outside the catalog: a signature the SDK re-signs
 * after correcting clock skew, and expired signatures.
 */
const isSignatureTiming = (error: object, failure: KmsFailure): boolean =>
  (error as { $metadata?: { clockSkewCorrected?: unknown } }).$metadata?.clockSkewCorrected === true ||
  failure.cause === "SIGNATURE_EXPIRED" ||
  failure.cause === "REQUEST_EXPIRED";

/**
 * The catalog's retry decision for one attempt's error: "THROTTLING"/"TRANSIENT" to retry, false to
 * stop, undefined to keep the SDK's own decision.
 * @internal
 */
export function catalogRetryDecision(error: unknown): "THROTTLING" | "TRANSIENT" | false | undefined {
  try {
    if (!isKmsServiceError(error)) return undefined;
    const failure = classify(error);
    // Not KMS's answer after all (an empty or foreign body), or a signature the SDK re-signs.
    if (failure.kind === "TransportError" || isSignatureTiming(error as object, failure)) return undefined;
    if (!failure.retryable) return false;
    return failure.category === "throttling" ? "THROTTLING" : "TRANSIENT";
  } catch {
    // An error that cannot be read (a Proxy whose traps throw, say) keeps the SDK's own decision.
    return undefined;
  }
}

function safeCall(logger: unknown, what: string, fn: () => unknown): unknown {
  const report = (problem: unknown) => {
    const log = (logger as { warn?: (...args: unknown[]) => void } | undefined)?.warn;
    try {
      if (typeof log === "function") log.call(logger, `kms-keystore-errors: ${what} failed`, problem);
    } catch {
      // A broken logger must not replace the KMS error either.
    }
  };
  try {
    const result = fn();
    if (isObject(result) && typeof (result as PromiseLike<unknown>).then === "function") {
      Promise.resolve(result).catch(report);
    }
    return result;
  } catch (problem) {
    report(problem);
    return undefined;
  }
}

const stringList = (value: unknown): readonly string[] | undefined =>
  Array.isArray(value) && value.every((v) => typeof v === "string") ? Object.freeze([...value]) : undefined;

/** The failure with the caller's remediation additions merged in (only well-typed fields are taken). */
function withUserRemediation(failure: KmsFailure, extra: unknown): KmsFailure {
  if (!isObject(extra)) return failure;
  const e = extra as Record<string, unknown>;
  const remediation: Remediation = Object.freeze({
    summary: typeof e.summary === "string" ? e.summary : failure.remediation.summary,
    steps: stringList(e.steps) ?? failure.remediation.steps,
    docs: stringList(e.docs) ?? failure.remediation.docs,
  });
  return withFields(failure, { remediation });
}

/** Attaches the failure to the error, non-enumerably. Frozen errors cannot carry it: classify recomputes. */
function attach(error: unknown, failure: KmsFailure): void {
  if (!isObject(error)) return;
  try {
    Object.defineProperty(error, FAILURE_KEY, { value: failure, enumerable: false, configurable: true });
  } catch {
    // Frozen or hostile error: `classify(error)` still gives the same answer from scratch.
  }
}

/**
 * The initialize-step middleware: on a failed `send` it classifies once (after all retries), attaches
 * the failure, calls `onFailure`, and rethrows the very same error.
 * @internal
 */
export const keyStoreErrorsMiddleware =
  (options: KeyStoreErrorsOptions = {}) =>
  (
    next: (args: { input: object }) => Promise<unknown>,
    context: { commandName?: string; logger?: unknown },
  ) =>
  async (args: { input: object }) => {
    try {
      return await next(args);
    } catch (error) {
      const operation = context.commandName?.replace(/Command$/, "");
      let failure = classify(error, { operation, input: args.input });
      if (options.remediation !== undefined) {
        const remediate = options.remediation;
        failure = withUserRemediation(
          failure,
          safeCall(context.logger, "remediation", () => remediate(failure)),
        );
      }
      attach(error, failure);
      if (options.onFailure !== undefined) {
        const onFailure = options.onFailure;
        const final = failure;
        safeCall(context.logger, "onFailure", () => onFailure(final));
      }
      throw error;
    }
  };

/** @internal */
export const keyStoreErrorsMiddlewareOptions = {
  name: "keyStoreErrorsMiddleware",
  step: "initialize" as const,
  tags: ["KMS_KEYSTORE_ERRORS"],
  override: true,
};

/**
 * A deserialize-step middleware that marks errors the catalog deems retryable (an XKS proxy timeout,
 * say) with `$retryable`, the SDK's own signal, so the client's retry strategy retries them. It can
 * only add retries; removing one needs {@link withKeyStoreErrors}.
 * @internal
 */
export const keyStoreErrorsRetryMarker =
  () => (next: (args: unknown) => Promise<unknown>) => async (args: unknown) => {
    try {
      return await next(args);
    } catch (error) {
      markRetryable(error);
      throw error;
    }
  };

/** Marks an error the catalog retries and the SDK would not; the error itself is never replaced. */
function markRetryable(error: unknown): void {
  const decision = catalogRetryDecision(error);
  // A decision to retry is only ever made for a KMS service error, which is an object.
  if (decision !== "THROTTLING" && decision !== "TRANSIENT") return;
  try {
    if ((error as { $retryable?: unknown }).$retryable !== undefined) return;
    Object.defineProperty(error, "$retryable", {
      value: { throttling: decision === "THROTTLING" },
      enumerable: false,
      configurable: true,
      writable: true,
    });
  } catch {
    // A frozen or hostile error keeps the SDK's decision.
  }
}

/** @internal */
export const keyStoreErrorsRetryMarkerOptions = {
  name: "keyStoreErrorsRetryMarker",
  step: "deserialize" as const,
  priority: "high" as const,
  tags: ["KMS_KEYSTORE_ERRORS", "RETRY"],
  override: true,
};

/**
 * The middleware plugin: `client.middlewareStack.use(keyStoreErrors(options))`. A plugin sees only
 * the middleware stack, so this form classifies, calls `onFailure` and can add retries the catalog
 * wants (XKS proxy timeouts), but cannot remove a retry the SDK makes (`LimitExceededException`):
 * {@link withKeyStoreErrors} does both. Installing it twice replaces, never stacks.
 *
 * @param options - `onFailure`, `alignRetries` (default true), `remediation`.
 * @returns A pluggable for `middlewareStack.use`.
 * @example
 * ```ts
 * import { KMSClient } from "@aws-sdk/client-kms";
 * import { keyStoreErrors } from "kms-keystore-errors";
 *
 * const kms = new KMSClient({});
 * kms.middlewareStack.use(keyStoreErrors({ onFailure: (f) => console.warn(f.kind, f.cause) }));
 * ```
 * @public
 */
export function keyStoreErrors(options: KeyStoreErrorsOptions = {}): KmsPluggable {
  return {
    applyToStack: (stack) => {
      stack.add(keyStoreErrorsMiddleware(options) as never, keyStoreErrorsMiddlewareOptions);
      if (options.alignRetries === false) {
        stack.remove(keyStoreErrorsRetryMarkerOptions.name);
      } else {
        stack.add(keyStoreErrorsRetryMarker() as never, keyStoreErrorsRetryMarkerOptions);
      }
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Retry alignment through the client's retry strategy.
// ---------------------------------------------------------------------------------------------

/** Marks a wrapped retry-strategy provider, and keeps the original so alignment can be undone. */
const ALIGNED = Symbol.for("kms-keystore-errors.retryStrategy.v1");

interface RetryErrorInfo {
  readonly error?: unknown;
  readonly errorType?: string;
  readonly [key: string]: unknown;
}

interface RetryStrategyV2 {
  acquireInitialRetryToken(scope: string): Promise<unknown>;
  refreshRetryTokenForRetry(token: unknown, info: RetryErrorInfo): Promise<unknown>;
  recordSuccess(token: unknown): void;
  readonly mode?: string;
}

const isRetryStrategyV2 = (s: unknown): s is RetryStrategyV2 =>
  isObject(s) &&
  typeof (s as RetryStrategyV2).acquireInitialRetryToken === "function" &&
  typeof (s as RetryStrategyV2).refreshRetryTokenForRetry === "function" &&
  typeof (s as RetryStrategyV2).recordSuccess === "function";

/**
 * Wraps a retry strategy so that, for KMS service errors, it retries exactly when the catalog says
 * the failure is retryable (as throttling when its category is `throttling`, else as transient),
 * with the strategy's own backoff, token bucket and `maxAttempts`. Everything else is delegated.
 */
function alignStrategy(inner: RetryStrategyV2): RetryStrategyV2 {
  const aligned: RetryStrategyV2 = Object.create(inner);
  aligned.acquireInitialRetryToken = (scope) => inner.acquireInitialRetryToken(scope);
  aligned.recordSuccess = (token) => inner.recordSuccess(token);
  aligned.refreshRetryTokenForRetry = (token, info) => {
    const decision = catalogRetryDecision(info.error);
    if (decision === undefined) return inner.refreshRetryTokenForRetry(token, info);
    if (decision === false) return Promise.reject(info.error);
    return inner.refreshRetryTokenForRetry(token, { ...info, errorType: decision });
  };
  return aligned;
}

type StrategyProvider = (() => Promise<unknown>) & { [ALIGNED]?: () => Promise<unknown> };

/**
 * Installs the plugin on a client and, unless `alignRetries` is false, makes the client's own retry
 * strategy follow the catalog for KMS service errors: XKS proxy timeouts and proxy throttling (which
 * KMS returns as client faults) are retried with the SDK's backoff and `maxAttempts`;
 * `LimitExceededException` (a resource quota, which the SDK treats as throttling) and configuration
 * failures are not. Transport errors, clock-skew corrections and non-KMS responses keep the SDK's
 * decision. A custom strategy without the SDK's token interface is left alone, with a warning
 * through the client's logger. Idempotent; returns the same client.
 *
 * @param client - A `KMSClient` (any copy of the SDK).
 * @param options - `onFailure`, `alignRetries` (default true), `remediation`.
 * @returns The same client.
 * @example
 * ```ts
 * import { KMSClient } from "@aws-sdk/client-kms";
 * import { withKeyStoreErrors, failureOf } from "kms-keystore-errors";
 *
 * const kms = withKeyStoreErrors(new KMSClient({}), {
 *   onFailure: (failure) => console.error(JSON.stringify(failure)),
 * });
 * ```
 * @public
 */
export function withKeyStoreErrors<C extends Pick<KMSClient, "middlewareStack" | "config">>(
  client: C,
  options: KeyStoreErrorsOptions = {},
): C {
  client.middlewareStack.use(keyStoreErrors(options));
  const config = client.config as unknown as { retryStrategy?: StrategyProvider; logger?: unknown };
  const current = config.retryStrategy;
  if (typeof current !== "function") return client;
  const original = current[ALIGNED] ?? current;
  if (options.alignRetries === false) {
    config.retryStrategy = original;
    return client;
  }
  if (current[ALIGNED] !== undefined) return client;
  let wrapped: Promise<unknown> | undefined;
  const provider: StrategyProvider = () => {
    wrapped ??= Promise.resolve(original()).then((strategy) => {
      if (isRetryStrategyV2(strategy)) return alignStrategy(strategy);
      safeCall(config.logger, "retry alignment", () => {
        throw new TypeError(
          "the client's retryStrategy has no acquireInitialRetryToken/refreshRetryTokenForRetry; its retries are left as they are",
        );
      });
      return strategy;
    });
    return wrapped;
  };
  provider[ALIGNED] = original;
  config.retryStrategy = provider;
  return client;
}
