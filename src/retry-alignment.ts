/**
 * Retry alignment: the client retries a KMS service error exactly when the catalog says the failure
 * is retryable. Two hooks: a deserialize-step marker that can add a retry (`$retryable`, the SDK's
 * own signal), and a wrapped retry strategy that can also refuse one. Both ask one question per
 * failed attempt, answered once per error (the classification is memoised).
 */
import { classify } from "./classify.js";
import type { KmsFailure } from "./failure.js";
import { isKmsService, serviceOfClientName } from "./reach.js";

/**
 * True for objects and functions (what can carry properties).
 * @internal
 */
export const isObject = (value: unknown): value is object =>
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
export function catalogRetryDecision(
  error: unknown,
  service?: string,
): "THROTTLING" | "TRANSIENT" | false | undefined {
  try {
    if (!isKmsServiceError(error)) return undefined;
    const failure = classifiedOnce(error as object, service);
    // Not KMS's answer after all (an empty or foreign body), or a signature the SDK re-signs.
    if (failure.kind === "TransportError" || isSignatureTiming(error as object, failure)) return undefined;
    // Another service's own failure, not KMS-caused: its retries are the SDK's.
    if (service !== undefined && !isKmsService(service) && failure.via === undefined) return undefined;
    if (!failure.retryable) return false;
    return failure.category === "throttling" ? "THROTTLING" : "TRANSIENT";
  } catch {
    // An error that cannot be read (a Proxy whose traps throw, say) keeps the SDK's own decision.
    return undefined;
  }
}

/**
 * Each error's classification for the retry decision, computed once: the marker and the retry
 * strategy both ask about the same error of the same attempt. Without context (the decision needs
 * only the kind, cause and category); the final classification, with the command input, is the
 * middleware's.
 */
const decided = new WeakMap<object, KmsFailure>();

function classifiedOnce(error: object, service: string | undefined): KmsFailure {
  let failure = decided.get(error);
  if (failure === undefined) {
    failure = classify(error, service === undefined ? undefined : { service });
    decided.set(error, failure);
  }
  return failure;
}

/**
 * A deserialize-step middleware that marks errors the catalog deems retryable (an XKS proxy timeout,
 * say) with `$retryable`, the SDK's own signal, so the client's retry strategy retries them. It can
 * only add retries; removing one needs {@link withKeyStoreErrors}.
 * @internal
 */
export const keyStoreErrorsRetryMarker =
  (service?: string) =>
  (next: (args: unknown) => Promise<unknown>, context: { clientName?: string } = {}) =>
  async (args: unknown) => {
    try {
      return await next(args);
    } catch (error) {
      markRetryable(error, service ?? serviceOfClientName(context.clientName));
      throw error;
    }
  };

/** Marks an error the catalog retries and the SDK would not; the error itself is never replaced. */
function markRetryable(error: unknown, service: string | undefined): void {
  const decision = catalogRetryDecision(error, service);
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
function alignStrategy(inner: RetryStrategyV2, service: string | undefined): RetryStrategyV2 {
  const aligned: RetryStrategyV2 = Object.create(inner);
  aligned.acquireInitialRetryToken = (scope) => inner.acquireInitialRetryToken(scope);
  aligned.recordSuccess = (token) => inner.recordSuccess(token);
  aligned.refreshRetryTokenForRetry = (token, info) => {
    const decision = catalogRetryDecision(info.error, service);
    if (decision === undefined) return inner.refreshRetryTokenForRetry(token, info);
    if (decision === false) return Promise.reject(info.error);
    return inner.refreshRetryTokenForRetry(token, { ...info, errorType: decision });
  };
  return aligned;
}

type StrategyProvider = (() => Promise<unknown>) & { [ALIGNED]?: () => Promise<unknown> };

/**
 * Makes a client's retry strategy follow the catalog (`enable`), or restores the strategy it had
 * (`!enable`). Idempotent: the wrapped provider is marked, never wrapped twice. A strategy without
 * the SDK's token interface is left alone, and `warn` is told why.
 *
 * @param config - The client's `config` (its `retryStrategy` provider is read on every request).
 * @param enable - Align (true) or restore (false).
 * @param warn - Reports a strategy that cannot be aligned.
 * @param service - The client's `serviceId`: on a service other than KMS, only KMS-caused failures
 *   are aligned.
 * @internal
 */
export function alignRetries(
  config: object,
  enable: boolean,
  warn: (problem: Error) => void,
  service?: string,
): void {
  const c = config as { retryStrategy?: StrategyProvider };
  const current = c.retryStrategy;
  if (typeof current !== "function") return;
  const original = current[ALIGNED] ?? current;
  if (!enable) {
    c.retryStrategy = original;
    return;
  }
  if (current[ALIGNED] !== undefined) return;
  let wrapped: Promise<unknown> | undefined;
  const provider: StrategyProvider = () => {
    wrapped ??= Promise.resolve(original()).then((strategy) => {
      if (isRetryStrategyV2(strategy)) return alignStrategy(strategy, service);
      warn(
        new TypeError(
          "the client's retryStrategy has no acquireInitialRetryToken/refreshRetryTokenForRetry; its retries are left as they are",
        ),
      );
      return strategy;
    });
    return wrapped;
  };
  provider[ALIGNED] = original;
  c.retryStrategy = provider;
}
