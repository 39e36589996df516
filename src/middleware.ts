import type { KMSClient } from "@aws-sdk/client-kms";
import type { Remediation } from "./catalog/schema.js";
import { classify } from "./classify.js";
import { FAILURE_KEY, type KmsFailure, withFields } from "./failure.js";
import {
  alignRetries,
  isObject,
  keyStoreErrorsRetryMarker,
  keyStoreErrorsRetryMarkerOptions,
} from "./retry-alignment.js";

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
 * import { toLogEntry, withKeyStoreErrors } from "kms-keystore-errors";
 *
 * const kms = withKeyStoreErrors(new KMSClient({}), {
 *   onFailure: (failure) => console.error(JSON.stringify(toLogEntry(failure))), // one line per failed send
 * });
 * ```
 * @public
 */
export function withKeyStoreErrors<C extends Pick<KMSClient, "middlewareStack" | "config">>(
  client: C,
  options: KeyStoreErrorsOptions = {},
): C {
  client.middlewareStack.use(keyStoreErrors(options));
  const config = client.config as unknown as { logger?: unknown };
  alignRetries(client.config, options.alignRetries !== false, (problem) =>
    safeCall(config.logger, "retry alignment", () => {
      throw problem;
    }),
  );
  return client;
}
