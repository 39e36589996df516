import type { KMSClient } from "@aws-sdk/client-kms";
import type { Remediation } from "./catalog/schema.js";
import { classify } from "./classify.js";
import { FAILURE_KEY, type KmsFailure, withFields } from "./failure.js";
import { isKmsService, serviceOfClientName } from "./reach.js";
import {
  alignRetries,
  isObject,
  keyStoreErrorsRetryMarker,
  keyStoreErrorsRetryMarkerOptions,
} from "./retry-alignment.js";

/** The client's middleware stack, as the SDK types it. */
type Stack = KMSClient["middlewareStack"];
/**
 * What {@link keyStoreErrors} returns: a pluggable for `middlewareStack.use`. `S` is the stack it is
 * used on: a `KMSClient`'s by default, any other AWS SDK v3 client's when TypeScript infers it from
 * the call (`s3.middlewareStack.use(keyStoreErrors())`).
 * @public
 */
export interface KmsPluggable<S = Stack> {
  /** Adds the middleware to a client's stack. */
  applyToStack(stack: S): void;
}

/** What the plugin uses of a stack. */
interface StackLike {
  add(middleware: unknown, options: object): void;
  remove(name: string): boolean;
}

/**
 * Any AWS SDK v3 client, structurally: its middleware stack and its resolved config (a `KMSClient`,
 * the aggregated `KMS`, an `S3Client`, an `SQSClient`…).
 * @public
 */
export interface AwsSdkClient {
  /** The client's middleware stack. */
  readonly middlewareStack: {
    /** Applies a pluggable to the stack. */
    use(pluggable: never): void;
  };
  /** The client's resolved configuration (`serviceId`, `retryStrategy`, `logger` are read). */
  readonly config: object;
}

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
 * the failure, calls `onFailure`, and rethrows the very same error. On another service's client
 * (`service`, else the client name in the context, names one other than KMS) only KMS-caused
 * failures are classified; every other error passes untouched.
 * @internal
 */
export const keyStoreErrorsMiddleware =
  (options: KeyStoreErrorsOptions = {}, service?: string) =>
  (
    next: (args: { input: object }) => Promise<unknown>,
    context: { commandName?: string; clientName?: string; logger?: unknown },
  ) =>
  async (args: { input: object }) => {
    try {
      return await next(args);
    } catch (error) {
      const operation = context.commandName?.replace(/Command$/, "");
      const client = service ?? serviceOfClientName(context.clientName);
      let failure = classify(error, { operation, input: args.input, service: client });
      // Another service's own failure (not KMS-caused) is none of ours.
      if (client !== undefined && !isKmsService(client) && failure.via === undefined) throw error;
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
export function keyStoreErrors<S = Stack>(options: KeyStoreErrorsOptions = {}): KmsPluggable<S> {
  return pluginFor(options, undefined);
}

/** The plugin, for a client whose `serviceId` is known (else read from the context at run time). */
function pluginFor<S>(options: KeyStoreErrorsOptions, service: string | undefined): KmsPluggable<S> {
  return {
    applyToStack: (target) => {
      const stack = target as unknown as StackLike;
      stack.add(keyStoreErrorsMiddleware(options, service), keyStoreErrorsMiddlewareOptions);
      if (options.alignRetries === false) {
        stack.remove(keyStoreErrorsRetryMarkerOptions.name);
      } else {
        stack.add(keyStoreErrorsRetryMarker(service), keyStoreErrorsRetryMarkerOptions);
      }
    },
  };
}

/** The client's `serviceId` (`KMS`, `S3`, `Secrets Manager`…), when its config has a usable one. */
const serviceIdOf = (config: object): string | undefined => {
  let id: unknown;
  try {
    id = (config as { serviceId?: unknown }).serviceId;
  } catch {
    return undefined;
  }
  return typeof id === "string" && id !== "" && id.length <= 128 ? id : undefined;
};

/**
 * Installs the plugin on a client and, unless `alignRetries` is false, makes the client's own retry
 * strategy follow the catalog for KMS service errors: XKS proxy timeouts and proxy throttling (which
 * KMS returns as client faults) are retried with the SDK's backoff and `maxAttempts`;
 * `LimitExceededException` (a resource quota, which the SDK treats as throttling) and configuration
 * failures are not. Transport errors, clock-skew corrections and non-KMS responses keep the SDK's
 * decision. A custom strategy without the SDK's token interface is left alone, with a warning
 * through the client's logger. Idempotent; returns the same client.
 *
 * Any AWS SDK v3 client works. On another service's client (S3, SQS, SNS, Lambda, Kinesis, Secrets
 * Manager, SSM, Step Functions, DynamoDB, RDS…), only the failures KMS caused (the service's KMS
 * wrapper errors, or a KMS error embedded in its message) are classified, attached and passed to
 * `onFailure`, and only their retries follow the catalog; every other error, and its retries, are
 * left exactly as they are.
 *
 * @param client - Any AWS SDK v3 client: a `KMSClient` (any copy of the SDK), or another service's.
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
export function withKeyStoreErrors<C extends AwsSdkClient>(
  client: C,
  options: KeyStoreErrorsOptions = {},
): C {
  const service = serviceIdOf(client.config);
  client.middlewareStack.use(pluginFor(options, service) as never);
  const config = client.config as unknown as { logger?: unknown };
  alignRetries(
    client.config,
    options.alignRetries !== false,
    (problem) =>
      safeCall(config.logger, "retry alignment", () => {
        throw problem;
      }),
    service,
  );
  return client;
}
