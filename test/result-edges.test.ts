import { DescribeKeyCommand } from "@aws-sdk/client-kms";
import { type FailedAttempt, type KmsFailure, retryKms, sendResult } from "kms-keystore-errors";
import { describe, expect, it, vi } from "vitest";
import { serviceError, socketError } from "./support/errors.js";
import { rejectionOf } from "./support/kms.js";

const failing = { send: () => Promise.reject(new Error("boom")) };

const failureFor = async (command: object): Promise<KmsFailure> =>
  (await sendResult(failing as never, command as never))._unsafeUnwrapErr();

describe(`${sendResult.name} edges`, () => {
  it("names no operation for a class whose name does not end in Command", async () => {
    class EncryptRequest {
      readonly input = { KeyId: "k" };
    }
    const failure = await failureFor(new EncryptRequest());
    expect(failure).toMatchObject({ kind: "Unrecognized", keyId: "k" });
    expect(failure).not.toHaveProperty("operation");
  });

  it("names no operation when the class name is not a primitive string", async () => {
    class Impostor {
      readonly input = { KeyId: "k" };
    }
    Object.defineProperty(Impostor, "name", { value: new String("EncryptCommand") });
    const failure = await failureFor(new Impostor());
    expect(failure).toMatchObject({ keyId: "k" });
    expect(failure).not.toHaveProperty("operation");
  });

  it("never rejects when reading the command's class throws", async () => {
    const command = {
      input: { KeyId: "k" },
      get constructor(): never {
        throw new Error("no class for you");
      },
    };
    const failure = await failureFor(command);
    expect(failure).toMatchObject({ kind: "Unrecognized", message: "boom", keyId: "k" });
    expect(failure).not.toHaveProperty("operation");
  });

  it("takes the operation from a real SDK command", async () => {
    const failure = await failureFor(new DescribeKeyCommand({ KeyId: "k" }));
    expect(failure.operation).toBe("DescribeKey");
  });
});

/** What `retryKms` rejects with, which must be a TypeError; returns its message. */
async function typeErrorOf(promise: Promise<unknown>): Promise<string> {
  const error = await rejectionOf(promise);
  expect(error).toBeInstanceOf(TypeError);
  return (error as TypeError).message;
}

describe(`${retryKms.name} option validation`, () => {
  const fn = async () => "ran";

  it("rejects each invalid number option with an exact message naming it and its unit", async () => {
    const units = {
      retries: "retries",
      minTimeout: "milliseconds",
      maxTimeout: "milliseconds",
      maxRetryTime: "milliseconds",
    };
    for (const [key, unit] of Object.entries(units)) {
      for (const value of [-1, -0.001, Number.NaN, Number.NEGATIVE_INFINITY, "1", null, true]) {
        const called = vi.fn(fn);
        expect(await typeErrorOf(retryKms(called, { [key]: value }))).toBe(
          `retryKms: \`${key}\` must be a non-negative number of ${unit}`,
        );
        expect(called).not.toHaveBeenCalled();
      }
    }
  });

  it("accepts 0 for every number option, and Infinity where p-retry allows it", async () => {
    for (const key of ["retries", "minTimeout", "maxTimeout", "maxRetryTime"]) {
      await expect(retryKms(fn, { [key]: 0 })).resolves.toBe("ran");
    }
    for (const key of ["retries", "maxTimeout", "maxRetryTime"]) {
      await expect(retryKms(fn, { [key]: Number.POSITIVE_INFINITY })).resolves.toBe("ran");
    }
    await expect(
      retryKms(fn, { maxRetryTime: 10, randomize: true, onFailedAttempt: () => undefined }),
    ).resolves.toBe("ran");
    await expect(retryKms(fn, { signal: new AbortController().signal, retries: undefined })).resolves.toBe(
      "ran",
    );
  });

  it("rejects options that are not an object, naming their type", async () => {
    expect(await typeErrorOf(retryKms(fn, 5 as never))).toBe(
      "retryKms: options must be an object, got number",
    );
    expect(await typeErrorOf(retryKms(fn, "fast" as never))).toBe(
      "retryKms: options must be an object, got string",
    );
    expect(await typeErrorOf(retryKms(fn, true as never))).toBe(
      "retryKms: options must be an object, got boolean",
    );
    expect(await typeErrorOf(retryKms(fn, null as never))).toBe(
      "retryKms: options must be an object, got object",
    );
  });

  it("rejects unknown options, with a hint only for shouldRetry", async () => {
    expect(await typeErrorOf(retryKms(fn, { factor: 3 } as never))).toBe("retryKms: unknown option `factor`");
    expect(await typeErrorOf(retryKms(fn, { forever: true } as never))).toBe(
      "retryKms: unknown option `forever`",
    );
    expect(await typeErrorOf(retryKms(fn, { shouldRetry: () => true } as never))).toBe(
      "retryKms: unknown option `shouldRetry` (retryKms decides from the failure's `retryable`)",
    );
  });

  it("rejects a randomize that is not a boolean and an onFailedAttempt that is not a function", async () => {
    for (const value of ["yes", 1, null]) {
      expect(await typeErrorOf(retryKms(fn, { randomize: value as never }))).toBe(
        "retryKms: `randomize` must be a boolean",
      );
      expect(await typeErrorOf(retryKms(fn, { onFailedAttempt: value as never }))).toBe(
        "retryKms: `onFailedAttempt` must be a function",
      );
    }
  });
});

/**
 * Runs `retryKms` on work that always fails retryably, recording the delay p-retry asks `setTimeout`
 * for before each retry (each timer then fires at once: no test waits for a backoff).
 */
async function backoffDelays(options: Parameters<typeof retryKms>[1]): Promise<number[]> {
  const delays: number[] = [];
  const realSetTimeout = globalThis.setTimeout;
  const spy = vi.spyOn(globalThis, "setTimeout").mockImplementation(((callback: () => void, ms?: number) => {
    delays.push(ms ?? 0);
    return realSetTimeout(callback, 0);
  }) as typeof setTimeout);
  try {
    await rejectionOf(retryKms(() => Promise.reject(socketError("ECONNRESET")), options));
  } finally {
    spy.mockRestore();
  }
  return delays;
}

describe(`${retryKms.name} defaults and backoff`, () => {
  it("by default makes 3 attempts with randomized delays from 1000 ms, doubling", async () => {
    vi.spyOn(Math, "random").mockReturnValue(0.5);
    // A frozen clock: the 60 s default maxRetryTime never shortens a delay here.
    vi.spyOn(performance, "now").mockReturnValue(1000);
    expect(await backoffDelays({})).toEqual([1500, 3000]);
  });

  it("by default caps a delay at 20000 ms", async () => {
    vi.spyOn(performance, "now").mockReturnValue(1000);
    expect(await backoffDelays({ retries: 6, randomize: false })).toEqual([
      1000, 2000, 4000, 8000, 16_000, 20_000,
    ]);
  });

  it("by default shortens a delay to what is left of 60000 ms", async () => {
    vi.spyOn(performance, "now").mockReturnValue(1000);
    expect(
      await backoffDelays({ retries: 1, minTimeout: 100_000, maxTimeout: 100_000, randomize: false }),
    ).toEqual([60_000]);
  });

  it("by default stops retrying once 60000 ms have passed", async () => {
    const clock = vi.spyOn(performance, "now").mockReturnValue(0);
    let calls = 0;
    const error = socketError("ECONNRESET");
    const pending = retryKms(
      () => {
        calls++;
        clock.mockReturnValue(60_000);
        return Promise.reject(error);
      },
      { minTimeout: 0, randomize: false },
    );
    expect(await rejectionOf(pending)).toBe(error);
    expect(calls).toBe(1);
  });

  it("uses the caller's minTimeout, maxTimeout and maxRetryTime", async () => {
    vi.spyOn(performance, "now").mockReturnValue(1000);
    expect(await backoffDelays({ retries: 4, minTimeout: 5, maxTimeout: 12, randomize: false })).toEqual([
      5, 10, 12, 12,
    ]);
    expect(
      await backoffDelays({
        retries: 1,
        minTimeout: 100,
        maxTimeout: 100,
        maxRetryTime: 30,
        randomize: false,
      }),
    ).toEqual([30]);
  });

  it("does not randomize when randomize is false", async () => {
    vi.spyOn(Math, "random").mockReturnValue(0.5);
    vi.spyOn(performance, "now").mockReturnValue(1000);
    expect(await backoffDelays({ minTimeout: 10, randomize: false })).toEqual([10, 20]);
    expect(await backoffDelays({ minTimeout: 10, randomize: true })).toEqual([15, 30]);
  });
});

describe(`${retryKms.name} decisions`, () => {
  it("decides on the failure onFailedAttempt was given, even if the hook then changes the error", async () => {
    const error = serviceError(
      "KMSInvalidStateException",
      "The external key store proxy did not respond in time.",
    );
    const seen: FailedAttempt[] = [];
    const fn = vi
      .fn<(attempt: number) => Promise<string>>()
      .mockRejectedValueOnce(error)
      .mockResolvedValue("ok");
    const result = await retryKms(fn, {
      minTimeout: 0,
      randomize: false,
      onFailedAttempt: (attempt) => {
        seen.push(attempt);
        // A hook that scrubs messages before logging them.
        (attempt.error as Error).message = "scrubbed";
      },
    });
    expect(result).toBe("ok");
    expect(fn).toHaveBeenCalledTimes(2);
    expect(seen.map((a) => [a.failure.cause, a.failure.retryable])).toEqual([["XKS_PROXY_TIMED_OUT", true]]);
  });
});
