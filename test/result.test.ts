import { CreateKeyCommand, DescribeKeyCommand, EncryptCommand } from "@aws-sdk/client-kms";
import { failureOf, type KmsFailure, retryKms, sendResult, withKeyStoreErrors } from "kms-keystore-errors";
import { type KmsEmulator, startKmsEmulator } from "kms-keystore-errors/testing";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { serviceError, socketError } from "./support/errors.js";
import { clientFor, rejectionOf } from "./support/kms.js";

let emulator: KmsEmulator;
let keyId: string;

beforeAll(async () => {
  emulator = await startKmsEmulator();
  keyId = (await clientFor(emulator).send(new CreateKeyCommand({}))).KeyMetadata?.KeyId as string;
});
afterEach(() => {
  emulator.reset();
  vi.useRealTimers();
});
afterAll(() => emulator.close());

describe(sendResult.name, () => {
  it("gives Ok with the command's output", async () => {
    const result = await sendResult(clientFor(emulator), new DescribeKeyCommand({ KeyId: keyId }));
    expect(result.isOk()).toBe(true);
    expect(result._unsafeUnwrap().KeyMetadata?.KeyId).toBe(keyId);
  });

  it("gives Err with the classified failure and its context, without the plugin", async () => {
    emulator.failNext("Encrypt", { exception: "DisabledException", message: "key is disabled." });
    const result = await sendResult(
      clientFor(emulator, { maxAttempts: 1 }),
      new EncryptCommand({ KeyId: keyId, Plaintext: new Uint8Array([1, 2, 3]) }),
    );
    const failure = result._unsafeUnwrapErr();
    expect(failure).toMatchObject({
      kind: "DisabledException",
      operation: "Encrypt",
      keyId,
      retryable: false,
    });
  });

  it("reuses the plugin's failure when installed", async () => {
    const onFailure = vi.fn();
    const client = withKeyStoreErrors(clientFor(emulator), { onFailure });
    emulator.failNext("Encrypt", { exception: "DisabledException" });
    const result = await sendResult(
      client,
      new EncryptCommand({ KeyId: keyId, Plaintext: new Uint8Array([1]) }),
    );
    expect(result._unsafeUnwrapErr()).toBe(onFailure.mock.calls[0]?.[0]);
  });

  it("passes abortSignal through and gives an Aborted failure", async () => {
    emulator.failNext("DescribeKey", { exception: "DisabledException", delayMs: 2000 });
    const controller = new AbortController();
    const pending = sendResult(clientFor(emulator), new DescribeKeyCommand({ KeyId: keyId }), {
      abortSignal: controller.signal,
    });
    setTimeout(() => controller.abort(), 20);
    expect((await pending)._unsafeUnwrapErr()).toMatchObject({ kind: "Aborted", retryable: false });
  });

  it("names the operation only for classes named …Command", async () => {
    const failing = { send: () => Promise.reject(new Error("boom")) };
    class EncryptCommand {
      readonly input = { KeyId: "k" };
    }
    class Custom {
      readonly input = {};
    }
    const named = await sendResult(failing as never, new EncryptCommand() as never);
    expect(named._unsafeUnwrapErr()).toMatchObject({ operation: "Encrypt", keyId: "k" });
    const unnamed = await sendResult(failing as never, new Custom() as never);
    expect(unnamed._unsafeUnwrapErr()).not.toHaveProperty("operation");
    const bare = await sendResult(failing as never, Object.create(null, { input: { value: {} } }) as never);
    expect(bare._unsafeUnwrapErr()).not.toHaveProperty("operation");
  });

  it("never rejects, even when send throws synchronously", async () => {
    const client = {
      send: () => {
        throw socketError("ECONNREFUSED");
      },
    };
    const result = await sendResult(client as never, new DescribeKeyCommand({ KeyId: "k" }));
    expect(result._unsafeUnwrapErr()).toMatchObject({ kind: "TransportError", operation: "DescribeKey" });
  });
});

describe(retryKms.name, () => {
  const fast = { minTimeout: 1, maxTimeout: 2, randomize: false } as const;

  it("retries retryable failures and returns the result", async () => {
    const fn = vi
      .fn<(attempt: number) => Promise<string>>()
      .mockRejectedValueOnce(
        serviceError("KMSInvalidStateException", "The external key store proxy did not respond in time."),
      )
      .mockRejectedValueOnce(socketError("ECONNRESET"))
      .mockResolvedValue("done");
    const attempts: number[] = [];
    await expect(
      retryKms(fn, { ...fast, retries: 3, onFailedAttempt: (a) => void attempts.push(a.attemptNumber) }),
    ).resolves.toBe("done");
    expect(fn).toHaveBeenCalledTimes(3);
    expect(fn.mock.calls.map(([n]) => n)).toEqual([1, 2, 3]);
    expect(attempts).toEqual([1, 2]);
  });

  it("stops at once on a failure that is not retryable, rejecting with exactly that error", async () => {
    const error = serviceError("LimitExceededException", "quota");
    const fn = vi.fn().mockRejectedValue(error);
    expect(await rejectionOf(retryKms(fn, fast))).toBe(error);
    expect(fn).toHaveBeenCalledTimes(1);
  });

  it("gives up after `retries` and rejects with the last error", async () => {
    const errors = [socketError("ECONNRESET"), socketError("ECONNRESET"), socketError("EPIPE")];
    let i = 0;
    const fn = vi.fn(() => Promise.reject(errors[i++]));
    expect(await rejectionOf(retryKms(fn, { ...fast, retries: 2 }))).toBe(errors[2]);
    expect(fn).toHaveBeenCalledTimes(3);
  });

  it("rejects with non-Error values exactly as given", async () => {
    const value = { reason: "not an Error" };
    expect(await rejectionOf(retryKms(() => Promise.reject(value), fast))).toBe(value);
    expect(await rejectionOf(retryKms(() => Promise.reject("plain string"), fast))).toBe("plain string");
  });

  it("gives onFailedAttempt a frozen context with the failure", async () => {
    const seen: unknown[] = [];
    const error = socketError("ECONNRESET");
    await rejectionOf(
      retryKms(() => Promise.reject(error), {
        ...fast,
        retries: 1,
        onFailedAttempt: (attempt) => void seen.push(attempt),
      }),
    );
    expect(seen).toHaveLength(2);
    const first = seen[0] as { error: unknown; failure: KmsFailure; retriesLeft: number };
    expect(Object.isFrozen(first)).toBe(true);
    expect(first.error).toBe(error);
    expect(first.failure.kind).toBe("TransportError");
    expect(first.retriesLeft).toBe(1);
  });

  it("never retries an abort, and rejects with signal.reason when aborted while waiting", async () => {
    const abortError = Object.assign(new Error("aborted"), { name: "AbortError" });
    const once = vi.fn().mockRejectedValue(abortError);
    expect(await rejectionOf(retryKms(once, fast))).toBe(abortError);
    expect(once).toHaveBeenCalledTimes(1);

    const controller = new AbortController();
    const reason = new Error("shutting down");
    const pending = retryKms(() => Promise.reject(socketError("ECONNRESET")), {
      minTimeout: 10_000,
      signal: controller.signal,
    });
    setTimeout(() => controller.abort(reason), 20);
    expect(await rejectionOf(pending)).toBe(reason);
  });

  it("validates its options with messages that name the option and its unit", async () => {
    const fn = async () => 1;
    await expect(retryKms(fn, { retries: -1 })).rejects.toThrow(
      "retryKms: `retries` must be a non-negative number of retries",
    );
    await expect(retryKms(fn, { retries: "2" as never })).rejects.toThrow("retryKms: `retries`");
    await expect(retryKms(fn, { minTimeout: Number.NaN })).rejects.toThrow(
      "retryKms: `minTimeout` must be a non-negative number of milliseconds",
    );
    await expect(retryKms(fn, { maxTimeout: -5 })).rejects.toThrow("retryKms: `maxTimeout`");
    await expect(retryKms(fn, { maxRetryTime: -1 })).rejects.toThrow("retryKms: `maxRetryTime`");
    await expect(retryKms(fn, { randomize: "yes" as never })).rejects.toThrow(
      "retryKms: `randomize` must be a boolean",
    );
    await expect(retryKms(fn, { onFailedAttempt: 3 as never })).rejects.toThrow(
      "retryKms: `onFailedAttempt` must be a function",
    );
    await expect(retryKms(fn, { shouldRetry: () => true } as never)).rejects.toThrow(
      "retryKms: unknown option `shouldRetry` (retryKms decides from the failure's `retryable`)",
    );
    await expect(retryKms(fn, { factor: 3 } as never)).rejects.toThrow(/^retryKms: unknown option `factor`$/);
    await expect(retryKms(fn, null as never)).rejects.toThrow(
      "retryKms: options must be an object, got object",
    );
    await expect(retryKms("nope" as never)).rejects.toThrow("retryKms: `fn` must be a function");
    await expect(
      retryKms(fn, { retries: 0, minTimeout: 0, maxTimeout: 0, maxRetryTime: 0, randomize: false }),
    ).resolves.toBe(1);
  });

  it("retries real KMS work against the emulator", async () => {
    const client = withKeyStoreErrors(clientFor(emulator, { maxAttempts: 1 }));
    emulator.failNext("Encrypt", {
      exception: "KMSInvalidStateException",
      message: "KMS cannot communicate with the external key store proxy. Verify the proxy is reachable.",
      times: 2,
    });
    const out = await retryKms(
      () => client.send(new EncryptCommand({ KeyId: keyId, Plaintext: new Uint8Array([7]) })),
      {
        ...fast,
        retries: 2,
        onFailedAttempt: ({ error }) => expect(failureOf(error)?.cause).toBe("XKS_PROXY_NOT_REACHABLE"),
      },
    );
    expect(out.KeyId).toContain(keyId);
    expect(emulator.requests("Encrypt")).toHaveLength(3);
  });
});
