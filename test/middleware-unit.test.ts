import { KMSClient } from "@aws-sdk/client-kms";
import { classify, failureOf, keyStoreErrors, withKeyStoreErrors } from "kms-keystore-errors";
import { describe, expect, it, vi } from "vitest";
import { keyStoreErrorsMiddleware } from "../src/middleware.js";
import {
  catalogRetryDecision,
  keyStoreErrorsRetryMarker,
  keyStoreErrorsRetryMarkerOptions,
} from "../src/retry-alignment.js";
import { serviceError, socketError } from "./support/errors.js";

const TIMEOUT = "The external key store proxy did not respond in time.";

describe(catalogRetryDecision.name, () => {
  it("retries what the catalog calls retryable, as throttling or transient", () => {
    expect(
      catalogRetryDecision(serviceError("KMSInvalidStateException", TIMEOUT, { httpStatusCode: 400 })),
    ).toBe("TRANSIENT");
    expect(
      catalogRetryDecision(
        serviceError(
          "KMSInvalidStateException",
          "The external key store proxy rejected the request because of a very high request rate.",
        ),
      ),
    ).toBe("THROTTLING");
    expect(catalogRetryDecision(serviceError("ThrottlingException", "slow down"))).toBe("THROTTLING");
  });

  it("refuses what needs a change first", () => {
    expect(catalogRetryDecision(serviceError("LimitExceededException", "quota"))).toBe(false);
    expect(catalogRetryDecision(serviceError("XksProxyUriInUseException", ""))).toBe(false);
  });

  it("keeps the SDK's decision for transport errors, non-KMS bodies and clock skew", () => {
    expect(catalogRetryDecision(socketError("ECONNRESET"))).toBeUndefined();
    expect(catalogRetryDecision(null)).toBeUndefined();
    const noStatus = Object.assign(new Error("x"), {
      name: "KMSInternalException",
      $fault: "server",
      $metadata: {},
    });
    expect(catalogRetryDecision(noStatus)).toBeUndefined();
    const empty = Object.assign(new Error("UnknownError"), {
      name: "Unknown",
      $fault: "server",
      $metadata: { httpStatusCode: 503 },
    });
    expect(catalogRetryDecision(empty)).toBeUndefined();
    const skewed = serviceError("AccessDeniedException", "Signature expired", { httpStatusCode: 400 });
    (skewed as unknown as { $metadata: Record<string, unknown> }).$metadata.clockSkewCorrected = true;
    expect(catalogRetryDecision(skewed)).toBeUndefined();
    expect(
      catalogRetryDecision(
        serviceError(
          "InvalidSignatureException",
          "Signature expired: 20260101T000000Z is now earlier than …",
        ),
      ),
    ).toBeUndefined();
  });
});

describe(keyStoreErrorsRetryMarker.name, () => {
  it("marks a retryable KMS error with the SDK's $retryable, and leaves others alone", async () => {
    const timeout = serviceError("KMSInvalidStateException", TIMEOUT, { httpStatusCode: 400 });
    await expect(keyStoreErrorsRetryMarker()(() => Promise.reject(timeout))({})).rejects.toBe(timeout);
    expect((timeout as { $retryable?: unknown }).$retryable).toEqual({ throttling: false });
    expect(Object.keys(timeout)).not.toContain("$retryable");

    const quota = serviceError("LimitExceededException", "quota");
    await expect(keyStoreErrorsRetryMarker()(() => Promise.reject(quota))({})).rejects.toBe(quota);
    expect((quota as { $retryable?: unknown }).$retryable).toBeUndefined();

    const frozen = Object.freeze(serviceError("KMSInvalidStateException", TIMEOUT, { httpStatusCode: 400 }));
    await expect(keyStoreErrorsRetryMarker()(() => Promise.reject(frozen))({})).rejects.toBe(frozen);
  });

  it("passes results through untouched", async () => {
    const result = { output: { ok: 1 } };
    await expect(keyStoreErrorsRetryMarker()(() => Promise.resolve(result))({})).resolves.toBe(result);
  });
});

describe(keyStoreErrorsMiddleware.name, () => {
  const run = (options: Parameters<typeof keyStoreErrorsMiddleware>[0], error: unknown, logger?: unknown) =>
    keyStoreErrorsMiddleware(options)(() => Promise.reject(error), { commandName: "EncryptCommand", logger })(
      {
        input: { KeyId: "k-1" },
      },
    );

  it("attaches the failure with the operation without `Command`, and rethrows the same error", async () => {
    const error = serviceError("DisabledException", "disabled");
    await expect(run({}, error)).rejects.toBe(error);
    expect(failureOf(error)).toMatchObject({ operation: "Encrypt", keyId: "k-1", cause: "KEY_DISABLED" });
  });

  it("takes only well-typed fields from a remediation callback", async () => {
    const error = serviceError("DisabledException", "disabled");
    const catalogSteps = classify(serviceError("DisabledException", "")).remediation.steps;
    await expect(
      run({ remediation: () => ({ summary: 42, steps: ["ok", 1], docs: ["https://x"] }) as never }, error),
    ).rejects.toBe(error);
    const failure = failureOf(error);
    expect(failure?.remediation.summary).toBe(
      classify(serviceError("DisabledException", "")).remediation.summary,
    );
    expect(failure?.remediation.steps).toEqual(catalogSteps);
    expect(failure?.remediation.docs).toEqual(["https://x"]);
    expect(Object.isFrozen(failure?.remediation)).toBe(true);
    expect(failure?.error).toBe(error);
  });

  it("reports a throwing remediation callback and keeps the catalog's remediation", async () => {
    const logger = { warn: vi.fn() };
    const error = serviceError("DisabledException", "disabled");
    await expect(
      run(
        {
          remediation: () => {
            throw new Error("bad callback");
          },
        },
        error,
        logger,
      ),
    ).rejects.toBe(error);
    expect(logger.warn).toHaveBeenCalledWith("kms-keystore-errors: remediation failed", expect.any(Error));
    expect(failureOf(error)?.remediation.steps.length).toBeGreaterThan(0);
  });

  it("survives a logger that throws", async () => {
    const logger = {
      warn: () => {
        throw new Error("broken logger");
      },
    };
    const error = serviceError("DisabledException", "disabled");
    await expect(
      run(
        {
          onFailure: () => {
            throw new Error("broken handler");
          },
        },
        error,
        logger,
      ),
    ).rejects.toBe(error);
  });
});

describe(keyStoreErrors.name, () => {
  it("adds the retry marker unless alignRetries is false, which removes it", () => {
    const add = vi.fn();
    const remove = vi.fn();
    keyStoreErrors().applyToStack({ add, remove } as never);
    expect(add).toHaveBeenCalledTimes(2);
    expect(add).toHaveBeenLastCalledWith(expect.any(Function), keyStoreErrorsRetryMarkerOptions);
    expect(remove).not.toHaveBeenCalled();
    keyStoreErrors({ alignRetries: false }).applyToStack({ add, remove } as never);
    expect(remove).toHaveBeenCalledWith(keyStoreErrorsRetryMarkerOptions.name);
  });
});

describe(withKeyStoreErrors.name, () => {
  it("wraps the retry strategy once, and alignRetries: false restores the original", () => {
    const client = new KMSClient({ region: "us-east-1" });
    const original = client.config.retryStrategy;
    withKeyStoreErrors(client);
    const aligned = client.config.retryStrategy;
    expect(aligned).not.toBe(original);
    withKeyStoreErrors(client);
    expect(client.config.retryStrategy).toBe(aligned);
    withKeyStoreErrors(client, { alignRetries: false });
    expect(client.config.retryStrategy).toBe(original);
  });

  it("keeps the strategy's own mode and delegates success to it", async () => {
    const client = withKeyStoreErrors(new KMSClient({ region: "us-east-1", maxAttempts: 2 }));
    const strategy = (await client.config.retryStrategy()) as unknown as {
      mode?: string;
      acquireInitialRetryToken(scope: string): Promise<{ getRetryCount(): number }>;
      recordSuccess(token: unknown): void;
    };
    expect(strategy.mode).toBe("standard");
    const token = await strategy.acquireInitialRetryToken("");
    expect(token.getRetryCount()).toBe(0);
    expect(() => strategy.recordSuccess(token)).not.toThrow();
  });
});
