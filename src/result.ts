import type { KMSClient } from "@aws-sdk/client-kms";
import type { ResultAsync } from "neverthrow";
import { classify } from "./classify.js";
import type { KmsFailure } from "./failure.js";
import { fromPromise } from "./neverthrow.js";

/**
 * Any KMS command (`new EncryptCommand(...)`, …), typed structurally so that its output type can be
 * inferred: deriving it from `KMSClient["send"]` would widen the output to the union of all outputs.
 * @public
 */
export interface KmsCommand<O> {
  /** The command input. */
  readonly input: object;
  /** The SDK's hook that builds the handler; only its output type matters here. */
  resolveMiddleware(
    stack: never,
    configuration: never,
    options: never,
  ): (args: never) => Promise<{ output: O }>;
}

/** `EncryptCommand` → `Encrypt`, from the command's class name; undefined when it has none. */
const operationOf = (command: object): string | undefined => {
  try {
    const name = (command.constructor as { name?: unknown } | undefined)?.name;
    return typeof name === "string" && name.endsWith("Command")
      ? name.slice(0, -"Command".length)
      : undefined;
  } catch {
    return undefined;
  }
};

/**
 * Per-request options of {@link sendResult}, passed to `send`: the SDK's own, each of which may also be
 * given as `undefined` (as callers do under `exactOptionalPropertyTypes`).
 * @public
 */
export type SendOptions = {
  readonly [K in keyof NonNullable<Parameters<KMSClient["send"]>[1]>]?:
    | NonNullable<Parameters<KMSClient["send"]>[1]>[K]
    | undefined;
};

/**
 * Sends a command and returns a neverthrow `ResultAsync`: `Ok(output)` or `Err(KmsFailure)`. Works
 * with or without the plugin installed (the plugin's failure, with its context, is reused).
 *
 * @param client - A `KMSClient` (only `send` is used).
 * @param command - Any KMS command; the output type is inferred from it.
 * @param options - Passed to `send`: `abortSignal`, `requestTimeout`.
 * @returns The command's output, or the classified failure. Never rejects.
 * @example
 * ```ts
 * import { KMSClient, EncryptCommand } from "@aws-sdk/client-kms";
 * import { sendResult } from "kms-keystore-errors";
 *
 * const kms = new KMSClient({});
 * const result = await sendResult(kms, new EncryptCommand({ KeyId: "alias/app", Plaintext: new Uint8Array([1]) }));
 * result.match(
 *   (out) => console.log(out.KeyId),
 *   (failure) => console.error(failure.cause, failure.remediation.summary),
 * );
 * ```
 * @public
 */
export function sendResult<O>(
  client: Pick<KMSClient, "send">,
  command: KmsCommand<O>,
  options?: SendOptions | undefined,
): ResultAsync<O, KmsFailure> {
  const context = { operation: operationOf(command), input: command.input };
  const send = client.send as (command: unknown, options?: unknown) => Promise<O>;
  let pending: Promise<O>;
  try {
    pending = send.call(client, command, options);
  } catch (error) {
    pending = Promise.reject(error);
  }
  return fromPromise(pending, (error) => classify(error, context));
}

/**
 * What {@link retryKms} tells `onFailedAttempt` after each failed attempt. Frozen.
 * @public
 */
export interface FailedAttempt {
  /** Exactly what `fn` rejected with. */
  readonly error: unknown;
  /** Its classification. */
  readonly failure: KmsFailure;
  /** 1 for the first attempt. */
  readonly attemptNumber: number;
  /** Retries still allowed by `retries` (time limits may end earlier). */
  readonly retriesLeft: number;
}

/**
 * Options of {@link retryKms}.
 * @public
 */
export interface RetryKmsOptions {
  /**
   * Retries after the first attempt.
   * @defaultValue 2
   */
  readonly retries?: number | undefined;
  /**
   * Delay before the first retry, in milliseconds; doubles each time.
   * @defaultValue 1000
   */
  readonly minTimeout?: number | undefined;
  /**
   * Longest delay between attempts, in milliseconds.
   * @defaultValue 20000
   */
  readonly maxTimeout?: number | undefined;
  /**
   * Longest total time for all attempts, in milliseconds; no retry starts after it.
   * @defaultValue 60000
   */
  readonly maxRetryTime?: number | undefined;
  /**
   * Multiply each delay by a random factor between 1 and 2 (spreads retries from many callers).
   * @defaultValue true
   */
  readonly randomize?: boolean | undefined;
  /** Stops waiting and rejects with `signal.reason`. */
  readonly signal?: AbortSignal | undefined;
  /** Called after every failed attempt (retried or not), before the decision. Errors in it reject. */
  readonly onFailedAttempt?: ((attempt: FailedAttempt) => void | Promise<void>) | undefined;
}

/** Carries a non-Error rejection through p-retry, which would otherwise replace it. */
class Rejection extends Error {
  constructor(readonly value: unknown) {
    super("non-Error rejection");
  }
}

/** Every option of {@link RetryKmsOptions}, once: the compiler refuses a missing or an extra key. */
const OPTION_KEYS = {
  retries: true,
  minTimeout: true,
  maxTimeout: true,
  maxRetryTime: true,
  randomize: true,
  signal: true,
  onFailedAttempt: true,
} as const satisfies Record<keyof RetryKmsOptions, true>;
const OPTION_NAMES: ReadonlySet<string> = new Set(Object.keys(OPTION_KEYS));

function validate(options: RetryKmsOptions): void {
  if (options === null || typeof options !== "object") {
    throw new TypeError(`retryKms: options must be an object, got ${typeof options}`);
  }
  for (const key of Object.keys(options)) {
    if (!OPTION_NAMES.has(key)) {
      const hint = key === "shouldRetry" ? " (retryKms decides from the failure's `retryable`)" : "";
      throw new TypeError(`retryKms: unknown option \`${key}\`${hint}`);
    }
  }
  for (const key of ["retries", "minTimeout", "maxTimeout", "maxRetryTime"] as const) {
    const value = options[key];
    if (value !== undefined && (typeof value !== "number" || Number.isNaN(value) || value < 0)) {
      throw new TypeError(
        `retryKms: \`${key}\` must be a non-negative number of ${key === "retries" ? "retries" : "milliseconds"}`,
      );
    }
  }
  if (options.randomize !== undefined && typeof options.randomize !== "boolean") {
    throw new TypeError("retryKms: `randomize` must be a boolean");
  }
  if (options.onFailedAttempt !== undefined && typeof options.onFailedAttempt !== "function") {
    throw new TypeError("retryKms: `onFailedAttempt` must be a function");
  }
}

/**
 * Retries arbitrary KMS work (connect and wait, an encrypt loop…) with backoff, but only while the
 * failure is `retryable`; never after an abort. Rejects with exactly what `fn` rejected with (or with
 * `signal.reason` on abort).
 *
 * The SDK client retries each request too: in the worst case this makes (retries + 1) × the client's
 * `maxAttempts` requests. External key stores share one request budget per store (1,800/s across
 * every account that uses it), so keep both numbers small.
 *
 * @param fn - The work; receives the attempt number (1 first).
 * @param options - Backoff, limits, abort signal, `onFailedAttempt`.
 * @returns What `fn` resolves with.
 * @example
 * ```ts
 * import { KMSClient, EncryptCommand } from "@aws-sdk/client-kms";
 * import { retryKms } from "kms-keystore-errors";
 *
 * const kms = new KMSClient({});
 * const out = await retryKms(() => kms.send(new EncryptCommand({ KeyId: "alias/app", Plaintext: new Uint8Array([1]) })), {
 *   retries: 3,
 *   onFailedAttempt: ({ failure, attemptNumber }) => console.warn(attemptNumber, failure.cause),
 * });
 * ```
 * @public
 */
export async function retryKms<T>(
  fn: (attempt: number) => Promise<T>,
  options: RetryKmsOptions = {},
): Promise<T> {
  if (typeof fn !== "function") throw new TypeError("retryKms: `fn` must be a function returning a promise");
  validate(options);
  const unwrap = (error: unknown) => (error instanceof Rejection ? error.value : error);
  const classified = new WeakMap<object, ReturnType<typeof classify>>();
  const failureOfAttempt = (error: unknown) => {
    const key = error as object;
    let failure = classified.get(key);
    if (failure === undefined) {
      failure = classify(unwrap(error));
      classified.set(key, failure);
    }
    return failure;
  };
  try {
    // Loaded on first use: importing the library costs nothing for p-retry.
    const { default: pRetry } = await import("p-retry");
    return await pRetry(
      async (attempt) => {
        try {
          return await fn(attempt);
        } catch (error) {
          throw error instanceof Error ? error : new Rejection(error);
        }
      },
      {
        retries: options.retries ?? 2,
        minTimeout: options.minTimeout ?? 1000,
        maxTimeout: options.maxTimeout ?? 20_000,
        maxRetryTime: options.maxRetryTime ?? 60_000,
        randomize: options.randomize ?? true,
        ...(options.signal === undefined ? {} : { signal: options.signal }),
        shouldRetry: ({ error }) => failureOfAttempt(error).retryable,
        onFailedAttempt: async ({ error, attemptNumber, retriesLeft }) => {
          if (options.onFailedAttempt === undefined) return;
          const failure = failureOfAttempt(error);
          await options.onFailedAttempt(
            Object.freeze({ error: unwrap(error), failure, attemptNumber, retriesLeft }),
          );
        },
      },
    );
  } catch (error) {
    throw unwrap(error);
  }
}
