import { EncryptCommand, type KMSClient } from "@aws-sdk/client-kms";
import {
  classify,
  failureOf,
  type KmsFailure,
  keyStoreErrors,
  withKeyStoreErrors,
} from "kms-keystore-errors";
import { type KmsEmulator, startKmsEmulator } from "kms-keystore-errors/testing";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { keyStoreErrorsMiddleware, keyStoreErrorsMiddlewareOptions } from "../src/middleware.js";
import {
  catalogRetryDecision,
  keyStoreErrorsRetryMarker,
  keyStoreErrorsRetryMarkerOptions,
} from "../src/retry-alignment.js";
import { serviceError, socketError } from "./support/errors.js";
import { clientFor, recordingStrategy, rejectionOf } from "./support/kms.js";

const TIMEOUT = "The external key store proxy did not respond in time.";
const PROXY_THROTTLED =
  "The external key store proxy rejected the request because of a very high request rate.";
const FAILURE_KEY = Symbol.for("kms-keystore-errors.failure.v1");
const ALIGNED = Symbol.for("kms-keystore-errors.retryStrategy.v1");
const ALIGNMENT_WARNING =
  "the client's retryStrategy has no acquireInitialRetryToken/refreshRetryTokenForRetry; its retries are left as they are";

/** An error object with exactly the given fields (no SDK class). */
const shaped = (fields: Record<string, unknown>): Error => Object.assign(new Error("slow down"), fields);

describe("catalogRetryDecision edges", () => {
  it("keeps the SDK's decision for anything that is not an object", () => {
    for (const value of [undefined, "ThrottlingException", 42, true, Symbol("x")]) {
      expect(catalogRetryDecision(value)).toBeUndefined();
    }
  });

  it("decides only for errors with a client or server $fault and a numeric HTTP status", () => {
    // The name alone is a KMS kind the catalog retries, but the error is not KMS's answer.
    expect(catalogRetryDecision(shaped({ name: "ThrottlingException" }))).toBeUndefined();
    expect(
      catalogRetryDecision(shaped({ name: "ThrottlingException", $metadata: { httpStatusCode: 400 } })),
    ).toBeUndefined();
    expect(
      catalogRetryDecision(
        shaped({ name: "ThrottlingException", $fault: "other", $metadata: { httpStatusCode: 400 } }),
      ),
    ).toBeUndefined();
    expect(catalogRetryDecision(shaped({ name: "ThrottlingException", $fault: "client" }))).toBeUndefined();
    expect(
      catalogRetryDecision(shaped({ name: "ThrottlingException", $fault: "client", $metadata: {} })),
    ).toBeUndefined();
    expect(
      catalogRetryDecision(
        shaped({ name: "ThrottlingException", $fault: "client", $metadata: { httpStatusCode: "400" } }),
      ),
    ).toBeUndefined();
    expect(
      catalogRetryDecision(
        shaped({ name: "ThrottlingException", $fault: "client", $metadata: { httpStatusCode: 400 } }),
      ),
    ).toBe("THROTTLING");
    expect(
      catalogRetryDecision(
        shaped({ name: "ThrottlingException", $fault: "server", $metadata: { httpStatusCode: 400 } }),
      ),
    ).toBe("THROTTLING");
  });

  it("retries server faults as transient", () => {
    const internal = serviceError("KMSInternalException", "internal", { httpStatusCode: 500 });
    expect((internal as { $fault?: unknown }).$fault).toBe("server");
    expect(catalogRetryDecision(internal)).toBe("TRANSIENT");
  });

  it("keeps the SDK's decision for each kind of signature timing on its own", () => {
    // Clock skew corrected by the SDK on an error the catalog would otherwise retry as throttling.
    const skewed = serviceError("ThrottlingException", "slow down");
    expect(catalogRetryDecision(skewed)).toBe("THROTTLING");
    (skewed as unknown as { $metadata: Record<string, unknown> }).$metadata.clockSkewCorrected = true;
    expect(catalogRetryDecision(skewed)).toBeUndefined();
    // Only `true` counts as corrected.
    const truthy = serviceError("ThrottlingException", "slow down");
    (truthy as unknown as { $metadata: Record<string, unknown> }).$metadata.clockSkewCorrected = "yes";
    expect(catalogRetryDecision(truthy)).toBe("THROTTLING");

    const expired = serviceError("RequestExpired", "Request has expired.");
    expect(classify(expired).cause).toBe("REQUEST_EXPIRED");
    expect(catalogRetryDecision(expired)).toBeUndefined();

    const signature = serviceError("InvalidSignatureException", "Signature expired: 20260101T000000Z");
    expect(classify(signature).cause).toBe("SIGNATURE_EXPIRED");
    expect(catalogRetryDecision(signature)).toBeUndefined();
  });

  it("reads $metadata defensively when it disappears after the first read", () => {
    let reads = 0;
    const error = new Error("slow down");
    Object.defineProperties(error, {
      name: { value: "ThrottlingException" },
      $fault: { value: "client" },
      $metadata: {
        get: () => {
          reads += 1;
          return reads === 1 ? { httpStatusCode: 400 } : undefined;
        },
      },
    });
    expect(catalogRetryDecision(error)).toBe("THROTTLING");
    expect(reads).toBeGreaterThan(1);
  });
});

describe("keyStoreErrorsRetryMarker edges", () => {
  const through = async (error: unknown) => {
    await expect(keyStoreErrorsRetryMarker()(() => Promise.reject(error))({})).rejects.toBe(error);
    return Object.getOwnPropertyDescriptor(error, "$retryable");
  };
  const retryableAfter = async (error: unknown) => (await through(error))?.value;

  it("marks throttling as throttling, with a writable, configurable, hidden property", async () => {
    expect(await through(serviceError("KMSInvalidStateException", PROXY_THROTTLED))).toEqual({
      value: { throttling: true },
      enumerable: false,
      configurable: true,
      writable: true,
    });
    expect(await through(serviceError("KMSInvalidStateException", TIMEOUT, { httpStatusCode: 400 }))).toEqual(
      {
        value: { throttling: false },
        enumerable: false,
        configurable: true,
        writable: true,
      },
    );
  });

  it("leaves errors without a catalog decision unmarked", async () => {
    expect(await retryableAfter(socketError("ECONNRESET"))).toBeUndefined();
    expect(await retryableAfter(shaped({ name: "ThrottlingException" }))).toBeUndefined();
    const skewed = serviceError("ThrottlingException", "slow down");
    (skewed as unknown as { $metadata: Record<string, unknown> }).$metadata.clockSkewCorrected = true;
    expect(await retryableAfter(skewed)).toBeUndefined();
    await expect(keyStoreErrorsRetryMarker()(() => Promise.reject(undefined))({})).rejects.toBeUndefined();
  });

  it("rethrows an error whose properties cannot be read, unchanged and unmarked", async () => {
    const hostile = new Proxy(
      {},
      {
        get() {
          throw new Error("trap");
        },
        defineProperty() {
          throw new Error("trap");
        },
      },
    );
    expect(catalogRetryDecision(hostile)).toBeUndefined();
    await expect(keyStoreErrorsRetryMarker()(() => Promise.reject(hostile))({})).rejects.toBe(hostile);
  });

  it("never overrides the SDK's own $retryable", async () => {
    const own = { throttling: true };
    const error = serviceError("KMSInvalidStateException", TIMEOUT, { httpStatusCode: 400 });
    (error as { $retryable?: unknown }).$retryable = own;
    await expect(keyStoreErrorsRetryMarker()(() => Promise.reject(error))({})).rejects.toBe(error);
    expect((error as { $retryable?: unknown }).$retryable).toBe(own);
    expect(Object.getOwnPropertyDescriptor(error, "$retryable")?.enumerable).toBe(true);
  });
});

describe("keyStoreErrorsMiddleware edges", () => {
  const CONTEXT = { operation: "Encrypt", input: { KeyId: "k-1" } };
  const run = (
    options: Parameters<typeof keyStoreErrorsMiddleware>[0],
    error: unknown,
    context: { commandName?: string; logger?: unknown } = { commandName: "EncryptCommand" },
  ) => keyStoreErrorsMiddleware(options)(() => Promise.reject(error), context)({ input: { KeyId: "k-1" } });

  it("attaches the failure under the versioned symbol, hidden and replaceable", async () => {
    const error = serviceError("DisabledException", "disabled");
    await expect(run({}, error)).rejects.toBe(error);
    const failure = failureOf(error) as KmsFailure;
    expect(Object.getOwnPropertyDescriptor(error, FAILURE_KEY)).toEqual({
      value: failure,
      enumerable: false,
      configurable: true,
      writable: false,
    });
    expect(Object.getOwnPropertySymbols({ ...error })).not.toContain(FAILURE_KEY);
    // A second classification (an outer client, say) can replace it.
    await expect(run({}, error, { commandName: "DecryptCommand" })).rejects.toBe(error);
    expect(failureOf(error)?.operation).toBe("Encrypt");
  });

  it("rethrows errors that cannot carry a failure untouched", async () => {
    await expect(run({}, "plain string")).rejects.toBe("plain string");
    await expect(run({}, undefined)).rejects.toBeUndefined();
    const frozen = Object.freeze(serviceError("DisabledException", "disabled"));
    await expect(run({}, frozen)).rejects.toBe(frozen);
    expect(failureOf(frozen)).toBeUndefined();
  });

  it("strips only a trailing `Command` from the operation, and copes without a command name", async () => {
    const a = serviceError("DisabledException", "disabled");
    await expect(run({}, a, { commandName: "CommandLineTool" })).rejects.toBe(a);
    expect(failureOf(a)?.operation).toBe("CommandLineTool");
    const b = serviceError("DisabledException", "disabled");
    await expect(run({}, b, { commandName: "CommandXCommand" })).rejects.toBe(b);
    expect(failureOf(b)?.operation).toBe("CommandX");
    const c = serviceError("DisabledException", "disabled");
    await expect(run({}, c, {})).rejects.toBe(c);
    expect(failureOf(c)).toMatchObject({ cause: "KEY_DISABLED", keyId: "k-1" });
    expect(failureOf(c)?.operation).toBeUndefined();
  });

  it("keeps the classified failure as is when remediation returns nothing usable", async () => {
    for (const returned of [undefined, null, "use the runbook", 7]) {
      const logger = { warn: vi.fn() };
      const error = serviceError("DisabledException", "disabled");
      const expected = classify(serviceError("DisabledException", "disabled"), CONTEXT);
      await expect(
        run({ remediation: () => returned as never }, error, { commandName: "EncryptCommand", logger }),
      ).rejects.toBe(error);
      const failure = failureOf(error) as KmsFailure;
      expect(failure.remediation).toBe(expected.remediation);
      expect(Object.getOwnPropertyNames(failure)).toEqual(Object.getOwnPropertyNames(expected));
      expect(logger.warn).not.toHaveBeenCalled();
    }
  });

  it("takes a string summary and valid steps from remediation, keeping the rest of the catalog's", async () => {
    const error = serviceError("DisabledException", "disabled");
    const catalog = classify(serviceError("DisabledException", "disabled")).remediation;
    await expect(
      run({ remediation: () => ({ summary: "Page the key owner.", steps: ["Enable the key."] }) }, error),
    ).rejects.toBe(error);
    const failure = failureOf(error) as KmsFailure;
    expect(failure.remediation).toEqual({
      summary: "Page the key owner.",
      steps: ["Enable the key."],
      docs: catalog.docs,
    });
    expect(Object.isFrozen(failure.remediation.steps)).toBe(true);
    expect(Object.isFrozen(failure)).toBe(true);
    expect(failure.error).toBe(error);
    expect(Object.getOwnPropertyDescriptor(failure, "error")).toMatchObject({
      value: error,
      enumerable: false,
    });
    expect(Object.keys(failure)).not.toContain("error");
    expect(Object.keys(failure)).toEqual(
      Object.keys(classify(serviceError("DisabledException", "disabled"), CONTEXT)),
    );
    expect(JSON.parse(JSON.stringify(failure))).not.toHaveProperty("error");
  });

  it("treats a remediation result whose `then` cannot be read as a failed callback", async () => {
    const logger = { warn: vi.fn() };
    const problem = new Error("hostile then");
    const returned = { summary: "Not taken." };
    // biome-ignore lint/suspicious/noThenProperty: a thenable whose `then` throws is the point.
    Object.defineProperty(returned, "then", {
      get() {
        throw problem;
      },
    });
    const error = serviceError("DisabledException", "disabled");
    const catalog = classify(serviceError("DisabledException", "disabled")).remediation;
    await expect(
      run({ remediation: () => returned }, error, { commandName: "EncryptCommand", logger }),
    ).rejects.toBe(error);
    expect(failureOf(error)?.remediation).toBe(catalog);
    expect(logger.warn.mock.calls).toEqual([["kms-keystore-errors: remediation failed", problem]]);
  });

  it("gives remediation and onFailure the classified failure with its context", async () => {
    const remediation = vi.fn(() => ({ docs: ["https://runbooks.example.com"] }));
    const onFailure = vi.fn();
    const error = serviceError("DisabledException", "disabled");
    await expect(run({ remediation, onFailure }, error)).rejects.toBe(error);
    expect(remediation).toHaveBeenCalledTimes(1);
    expect(remediation.mock.calls[0]?.[0 as never]).toMatchObject({
      operation: "Encrypt",
      keyId: "k-1",
      cause: "KEY_DISABLED",
    });
    expect(onFailure).toHaveBeenCalledTimes(1);
    expect(onFailure).toHaveBeenCalledWith(failureOf(error));
    expect((onFailure.mock.calls[0]?.[0] as unknown as KmsFailure | undefined)?.remediation.docs).toEqual([
      "https://runbooks.example.com",
    ]);
  });

  it("does not warn when there is no onFailure or when it returns normally", async () => {
    const logger = { warn: vi.fn() };
    const error = serviceError("DisabledException", "disabled");
    await expect(run({}, error, { logger })).rejects.toBe(error);
    await expect(run({ onFailure: () => undefined }, error, { logger })).rejects.toBe(error);
    await expect(run({ onFailure: () => "done" }, error, { logger })).rejects.toBe(error);
    await expect(run({ onFailure: () => Promise.resolve() }, error, { logger })).rejects.toBe(error);
    await Promise.resolve();
    await new Promise((resolve) => setImmediate(resolve));
    expect(logger.warn).not.toHaveBeenCalled();
  });

  it("reports a throwing onFailure with the exact message, the logger as `this`, and the thrown value", async () => {
    const problem = new Error("broken handler");
    const calls: { self: unknown; args: unknown[] }[] = [];
    const logger = {
      warn(this: unknown, ...args: unknown[]) {
        calls.push({ self: this, args });
      },
    };
    const error = serviceError("DisabledException", "disabled");
    await expect(
      run(
        {
          onFailure: () => {
            throw problem;
          },
        },
        error,
        { commandName: "EncryptCommand", logger },
      ),
    ).rejects.toBe(error);
    expect(calls).toEqual([{ self: logger, args: ["kms-keystore-errors: onFailure failed", problem] }]);
  });

  it("reports a rejecting onFailure once, asynchronously, with the rejection reason", async () => {
    const logger = { warn: vi.fn() };
    const error = serviceError("DisabledException", "disabled");
    await expect(
      run({ onFailure: () => Promise.reject("async broken") }, error, { commandName: "X", logger }),
    ).rejects.toBe(error);
    await vi.waitFor(() => expect(logger.warn).toHaveBeenCalledTimes(1));
    expect(logger.warn).toHaveBeenCalledWith("kms-keystore-errors: onFailure failed", "async broken");
  });

  it("keeps the KMS error when onFailure throws and there is no logger, or the logger has no warn", async () => {
    const throwing = {
      onFailure: () => {
        throw new Error("broken handler");
      },
    };
    const error = serviceError("DisabledException", "disabled");
    await expect(run(throwing, error, { commandName: "EncryptCommand" })).rejects.toBe(error);
    await expect(run(throwing, error, { logger: null })).rejects.toBe(error);
    await expect(run(throwing, error, { logger: { info: vi.fn() } })).rejects.toBe(error);
    const notAFunction = { call: vi.fn() };
    await expect(run(throwing, error, { logger: { warn: notAFunction } })).rejects.toBe(error);
    expect(notAFunction.call).not.toHaveBeenCalled();
    expect(failureOf(error)?.cause).toBe("KEY_DISABLED");
  });

  it("passes a successful result through without calling the callbacks", async () => {
    const onFailure = vi.fn();
    const remediation = vi.fn();
    const result = { output: {} };
    await expect(
      keyStoreErrorsMiddleware({ onFailure, remediation })(() => Promise.resolve(result), {})({ input: {} }),
    ).resolves.toBe(result);
    expect(onFailure).not.toHaveBeenCalled();
    expect(remediation).not.toHaveBeenCalled();
  });
});

describe("middleware registration", () => {
  it("uses the documented names, steps, priority and tags", () => {
    expect(keyStoreErrorsMiddlewareOptions).toEqual({
      name: "keyStoreErrorsMiddleware",
      step: "initialize",
      tags: ["KMS_KEYSTORE_ERRORS"],
      override: true,
    });
    expect(keyStoreErrorsRetryMarkerOptions).toEqual({
      name: "keyStoreErrorsRetryMarker",
      step: "deserialize",
      priority: "high",
      tags: ["KMS_KEYSTORE_ERRORS", "RETRY"],
      override: true,
    });
  });

  it("adds both middleware to a client's stack, the marker ahead of the deserializer, and replaces on reinstall", () => {
    const client = clientFor({ endpoint: "http://127.0.0.1:1", region: "us-east-1" } as KmsEmulator);
    client.middlewareStack.use(keyStoreErrors());
    client.middlewareStack.use(keyStoreErrors({ onFailure: () => undefined }));
    const ids = client.middlewareStack.identify();
    expect(ids.filter((id) => id.startsWith("keyStoreErrors"))).toEqual([
      "keyStoreErrorsMiddleware - initialize",
      "keyStoreErrorsRetryMarker - deserialize",
    ]);
    expect(ids.indexOf("keyStoreErrorsRetryMarker - deserialize")).toBe(
      ids.indexOf("deserializerMiddleware - deserialize") - 1,
    );
    client.middlewareStack.use(keyStoreErrors({ alignRetries: false }));
    expect(client.middlewareStack.identify().filter((id) => id.startsWith("keyStoreErrors"))).toEqual([
      "keyStoreErrorsMiddleware - initialize",
    ]);
  });

  it("can be removed by tag", () => {
    const client = clientFor({ endpoint: "http://127.0.0.1:1", region: "us-east-1" } as KmsEmulator);
    client.middlewareStack.use(keyStoreErrors());
    expect(client.middlewareStack.removeByTag("KMS_KEYSTORE_ERRORS")).toBe(true);
    expect(client.middlewareStack.identify().filter((id) => id.startsWith("keyStoreErrors"))).toEqual([]);

    client.middlewareStack.use(keyStoreErrors());
    expect(client.middlewareStack.removeByTag("RETRY")).toBe(true);
    expect(client.middlewareStack.identify().filter((id) => id.startsWith("keyStoreErrors"))).toEqual([
      "keyStoreErrorsMiddleware - initialize",
    ]);
  });
});

interface Strategy {
  mode?: string;
  acquireInitialRetryToken(scope: string): Promise<unknown>;
  refreshRetryTokenForRetry(token: unknown, info: Record<string, unknown>): Promise<unknown>;
  recordSuccess(token: unknown): void;
}

/** A stand-in for a client: only what withKeyStoreErrors touches. */
const fakeClient = (retryStrategy: unknown, logger?: unknown) => {
  const use = vi.fn();
  const config: Record<PropertyKey, unknown> = { retryStrategy, logger };
  const client = { middlewareStack: { use }, config };
  withKeyStoreErrors(client as never);
  return { client, config, use };
};

const innerStrategy = () => ({
  mode: "inner",
  acquireInitialRetryToken: vi.fn(async (scope: string) => ({ scope })),
  refreshRetryTokenForRetry: vi.fn(async (token: unknown, info: unknown) => ({ token, info })),
  recordSuccess: vi.fn(),
});

describe("withKeyStoreErrors strategy wrapping", () => {
  it("leaves a client without a strategy provider as it is, still installing the plugin", () => {
    const none = fakeClient(undefined);
    expect(none.config.retryStrategy).toBeUndefined();
    expect(none.use).toHaveBeenCalledTimes(1);
    const instance = innerStrategy();
    const asObject = fakeClient(instance);
    expect(asObject.config.retryStrategy).toBe(instance);
  });

  it("marks the provider with the shared symbol, keeping the original", () => {
    const original = () => Promise.resolve(innerStrategy());
    const { config } = fakeClient(original);
    const provider = config.retryStrategy as Record<symbol, unknown>;
    expect(provider).not.toBe(original);
    expect(provider[ALIGNED]).toBe(original);
  });

  it("trusts a provider another copy of the library already aligned", () => {
    const original = () => Promise.resolve(innerStrategy());
    const foreign = Object.assign(() => Promise.resolve(innerStrategy()), { [ALIGNED]: original });
    const use = vi.fn();
    const client = {
      middlewareStack: { use },
      config: { retryStrategy: foreign } as Record<string, unknown>,
    };
    expect(withKeyStoreErrors(client as never)).toBe(client);
    expect(client.config.retryStrategy).toBe(foreign);
    withKeyStoreErrors(client as never, { alignRetries: false });
    expect(client.config.retryStrategy).toBe(original);
  });

  it("delegates token acquisition and success to the wrapped strategy, and resolves it once", async () => {
    const inner = innerStrategy();
    const original = vi.fn(() => Promise.resolve(inner));
    const { config } = fakeClient(original);
    const provider = config.retryStrategy as () => Promise<Strategy>;
    const strategy = await provider();
    expect(await provider()).toBe(strategy);
    expect(original).toHaveBeenCalledTimes(1);
    expect(strategy).not.toBe(inner);
    expect(strategy.mode).toBe("inner");
    expect(await strategy.acquireInitialRetryToken("scope-1")).toEqual({ scope: "scope-1" });
    expect(inner.acquireInitialRetryToken).toHaveBeenCalledWith("scope-1");
    const token = { id: 1 };
    expect(strategy.recordSuccess(token)).toBeUndefined();
    expect(inner.recordSuccess).toHaveBeenCalledTimes(1);
    expect(inner.recordSuccess).toHaveBeenCalledWith(token);
  });

  it("passes errors without a catalog decision to the strategy unchanged", async () => {
    const inner = innerStrategy();
    const { config } = fakeClient(() => Promise.resolve(inner));
    const strategy = await (config.retryStrategy as () => Promise<Strategy>)();
    const token = { id: 1 };
    const info = { error: socketError("ECONNRESET"), errorType: "TRANSIENT" };
    await strategy.refreshRetryTokenForRetry(token, info);
    expect(inner.refreshRetryTokenForRetry).toHaveBeenCalledTimes(1);
    expect(inner.refreshRetryTokenForRetry.mock.calls[0]?.[0]).toBe(token);
    expect(inner.refreshRetryTokenForRetry.mock.calls[0]?.[1]).toBe(info);
  });

  it("leaves an error whose properties cannot be read to the strategy", async () => {
    const inner = innerStrategy();
    const { config } = fakeClient(() => Promise.resolve(inner));
    const strategy = await (config.retryStrategy as () => Promise<Strategy>)();
    const hostile = new Proxy(
      {},
      {
        get() {
          throw new Error("trap");
        },
      },
    );
    const info = { error: hostile, errorType: "CLIENT_ERROR" };
    await strategy.refreshRetryTokenForRetry({}, info);
    expect(inner.refreshRetryTokenForRetry.mock.calls[0]?.[1]).toBe(info);
  });

  it("refuses, without asking the strategy, what the catalog says not to retry", async () => {
    const inner = innerStrategy();
    const { config } = fakeClient(() => Promise.resolve(inner));
    const strategy = await (config.retryStrategy as () => Promise<Strategy>)();
    const quota = serviceError("LimitExceededException", "quota");
    await expect(
      strategy.refreshRetryTokenForRetry({}, { error: quota, errorType: "THROTTLING" }),
    ).rejects.toBe(quota);
    expect(inner.refreshRetryTokenForRetry).not.toHaveBeenCalled();
  });

  it("asks the strategy with the catalog's error type, keeping the rest of the info", async () => {
    const inner = innerStrategy();
    const { config } = fakeClient(() => Promise.resolve(inner));
    const strategy = await (config.retryStrategy as () => Promise<Strategy>)();
    const token = { id: 2 };
    const throttled = serviceError("KMSInvalidStateException", PROXY_THROTTLED);
    await strategy.refreshRetryTokenForRetry(token, {
      error: throttled,
      errorType: "CLIENT_ERROR",
      extra: 1,
    });
    const timeout = serviceError("KMSInvalidStateException", TIMEOUT, { httpStatusCode: 400 });
    await strategy.refreshRetryTokenForRetry(token, { error: timeout, errorType: "CLIENT_ERROR" });
    expect(inner.refreshRetryTokenForRetry.mock.calls).toEqual([
      [token, { error: throttled, errorType: "THROTTLING", extra: 1 }],
      [token, { error: timeout, errorType: "TRANSIENT" }],
    ]);
  });

  it.each([
    ["no acquireInitialRetryToken", { refreshRetryTokenForRetry() {}, recordSuccess() {} }],
    ["no refreshRetryTokenForRetry", { acquireInitialRetryToken() {}, recordSuccess() {} }],
    ["no recordSuccess", { acquireInitialRetryToken() {}, refreshRetryTokenForRetry() {} }],
    ["a string", "standard"],
    ["undefined", undefined],
    ["null", null],
  ])("leaves a strategy with %s alone and warns with the exact message", async (_, strategy) => {
    const logger = { warn: vi.fn() };
    const { config } = fakeClient(() => Promise.resolve(strategy), logger);
    expect(await (config.retryStrategy as () => Promise<unknown>)()).toBe(strategy);
    expect(logger.warn).toHaveBeenCalledTimes(1);
    expect(logger.warn).toHaveBeenCalledWith(
      "kms-keystore-errors: retry alignment failed",
      expect.any(TypeError),
    );
    expect((logger.warn.mock.calls[0]?.[1] as Error | undefined)?.message).toBe(ALIGNMENT_WARNING);
  });

  it("wraps a function-valued strategy that has the token interface", async () => {
    const logger = { warn: vi.fn() };
    const inner = Object.assign(() => undefined, innerStrategy());
    const { config } = fakeClient(() => Promise.resolve(inner), logger);
    const strategy = (await (config.retryStrategy as () => Promise<Strategy>)()) as Strategy;
    expect(strategy).not.toBe(inner);
    expect(logger.warn).not.toHaveBeenCalled();
    const quota = serviceError("LimitExceededException", "quota");
    await expect(strategy.refreshRetryTokenForRetry({}, { error: quota })).rejects.toBe(quota);
  });
});

describe("against the emulator", () => {
  let emulator: KmsEmulator;
  let keyId: string;

  beforeAll(async () => {
    emulator = await startKmsEmulator();
    const { CreateKeyCommand } = await import("@aws-sdk/client-kms");
    keyId = (await clientFor(emulator).send(new CreateKeyCommand({}))).KeyMetadata?.KeyId as string;
  });
  afterEach(() => emulator.reset());
  afterAll(() => emulator.close());

  const encrypt = (client: KMSClient) =>
    client.send(new EncryptCommand({ KeyId: keyId, Plaintext: new TextEncoder().encode("x") }));

  const recording = () => recordingStrategy(3);

  it("the plugin alone marks proxy throttling as throttling and a proxy timeout as transient", async () => {
    const { seen, strategy } = recording();
    const client = clientFor(emulator, { retryStrategy: strategy as never });
    client.middlewareStack.use(keyStoreErrors());
    emulator.failNext("Encrypt", { exception: "KMSInvalidStateException", message: PROXY_THROTTLED });
    emulator.failNext("Encrypt", { exception: "KMSInvalidStateException", message: TIMEOUT });
    const out = await encrypt(client);
    expect(out.$metadata.attempts).toBe(3);
    expect(seen).toEqual(["THROTTLING", "TRANSIENT"]);
  });

  it("with alignRetries: false the plugin leaves proxy errors to the SDK", async () => {
    const { seen, strategy } = recording();
    const client = clientFor(emulator, { retryStrategy: strategy as never });
    client.middlewareStack.use(keyStoreErrors({ alignRetries: false }));
    emulator.failNext("Encrypt", { exception: "KMSInvalidStateException", message: TIMEOUT });
    const error = await rejectionOf(encrypt(client));
    expect(failureOf(error)?.cause).toBe("XKS_PROXY_TIMED_OUT");
    expect(seen).toEqual(["CLIENT_ERROR"]);
  });

  it("reports a throwing onFailure through the client's logger with the exact message", async () => {
    const logger = { debug: vi.fn(), info: vi.fn(), warn: vi.fn(), error: vi.fn() };
    const problem = new Error("broken handler");
    const client = withKeyStoreErrors(clientFor(emulator, { logger, maxAttempts: 1 }), {
      onFailure: () => {
        throw problem;
      },
    });
    emulator.failNext("Encrypt", { exception: "DisabledException" });
    const error = await rejectionOf(encrypt(client));
    expect((error as Error).name).toBe("DisabledException");
    expect(logger.warn.mock.calls).toEqual([["kms-keystore-errors: onFailure failed", problem]]);
    expect(failureOf(error)).toMatchObject({ operation: "Encrypt", keyId, cause: "KEY_DISABLED" });
  });
});
