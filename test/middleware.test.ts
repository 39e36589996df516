import {
  CreateCustomKeyStoreCommand,
  CreateKeyCommand,
  DisableKeyCommand,
  EncryptCommand,
  type KMSClient,
  KMSInvalidStateException,
  LimitExceededException,
  ScheduleKeyDeletionCommand,
  UpdateCustomKeyStoreCommand,
} from "@aws-sdk/client-kms";
import {
  classify,
  failureOf,
  formatFailure,
  type KmsFailure,
  keyStoreErrors,
  toLogEntry,
  withKeyStoreErrors,
} from "kms-keystore-errors";
import { type KmsEmulator, startKmsEmulator } from "kms-keystore-errors/testing";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { keyStoreErrorsMiddlewareOptions } from "../src/middleware.js";
import { clientFor, recordingStrategy, rejectionOf } from "./support/kms.js";

const TIMEOUT_MESSAGE =
  "The external key store proxy did not respond in time. Retry the request. If you see this error repeatedly, report it to your external key store proxy administrator.";

let emulator: KmsEmulator;
let keyId: string;

beforeAll(async () => {
  emulator = await startKmsEmulator();
  const created = await clientFor(emulator).send(new CreateKeyCommand({}));
  keyId = created.KeyMetadata?.KeyId as string;
});
afterEach(() => emulator.reset());
afterAll(() => emulator.close());

const encrypt = (client: KMSClient, id = keyId) =>
  client.send(new EncryptCommand({ KeyId: id, Plaintext: new TextEncoder().encode("attack at dawn") }));

describe(withKeyStoreErrors.name, () => {
  it("rethrows the very same error, with the failure attached and onFailure called once", async () => {
    const onFailure = vi.fn();
    const client = withKeyStoreErrors(clientFor(emulator), { onFailure });
    emulator.failNext("Encrypt", {
      exception: "KMSInvalidStateException",
      message: "arn is pending deletion.",
    });
    const error = await rejectionOf(encrypt(client));
    expect(error).toBeInstanceOf(KMSInvalidStateException);
    expect((error as KMSInvalidStateException).$metadata.requestId).toMatch(/./);
    expect(onFailure).toHaveBeenCalledTimes(1);
    const failure = onFailure.mock.calls[0]?.[0] as KmsFailure;
    expect(failure.error).toBe(error);
    expect(failureOf(error)).toBe(failure);
    expect(classify(error)).toBe(failure);
    expect(failure).toMatchObject({
      kind: "KMSInvalidStateException",
      cause: "KEY_PENDING_DELETION",
      operation: "Encrypt",
      keyId,
      httpStatusCode: 400,
      attempts: 1,
    });
    expect(Object.keys(error as object)).not.toContain(Symbol.for("kms-keystore-errors.failure.v1"));
  });

  it("is idempotent: installing twice, either way, still classifies and reports once", async () => {
    const first = vi.fn();
    const second = vi.fn();
    const client = clientFor(emulator);
    withKeyStoreErrors(client, { onFailure: first });
    client.middlewareStack.use(keyStoreErrors({ onFailure: second }));
    withKeyStoreErrors(client, { onFailure: second });
    emulator.failNext("Encrypt", { exception: "DisabledException", message: "disabled" });
    await rejectionOf(encrypt(client));
    expect(first).not.toHaveBeenCalled();
    expect(second).toHaveBeenCalledTimes(1);
    expect(
      client.middlewareStack.identify().filter((m) => m.startsWith("keyStoreErrorsMiddleware")),
    ).toHaveLength(1);
  });

  it("keeps the KMS error when onFailure throws or rejects, and reports the problem to the client's logger", async () => {
    const logger = { debug: vi.fn(), info: vi.fn(), warn: vi.fn(), error: vi.fn() };
    const client = withKeyStoreErrors(clientFor(emulator, { logger }), {
      onFailure: () => {
        throw new Error("broken handler");
      },
    });
    emulator.failNext("Encrypt", { exception: "DisabledException" });
    const error = await rejectionOf(encrypt(client));
    expect((error as Error).name).toBe("DisabledException");
    expect(logger.warn).toHaveBeenCalledWith(expect.stringContaining("onFailure"), expect.any(Error));

    const rejecting = withKeyStoreErrors(clientFor(emulator, { logger }), {
      onFailure: async () => Promise.reject(new Error("async broken")),
    });
    emulator.failNext("Encrypt", { exception: "DisabledException" });
    expect(((await rejectionOf(encrypt(rejecting))) as Error).name).toBe("DisabledException");
    await vi.waitFor(() => expect(logger.warn).toHaveBeenCalledTimes(2));
  });

  it("adds the caller's runbook links through `remediation`", async () => {
    const onFailure = vi.fn();
    const client = withKeyStoreErrors(clientFor(emulator), {
      onFailure,
      remediation: (f) => ({ docs: [...f.remediation.docs, "https://runbooks.example.com/kms"] }),
    });
    emulator.failNext("Encrypt", { exception: "DisabledException" });
    const error = await rejectionOf(encrypt(client));
    expect(failureOf(error)?.remediation.docs.at(-1)).toBe("https://runbooks.example.com/kms");
    expect(onFailure.mock.calls[0]?.[0].remediation.docs.at(-1)).toBe("https://runbooks.example.com/kms");
  });

  describe("retry alignment", () => {
    it("retries an XKS proxy timeout that the SDK would not retry, and counts the attempts", async () => {
      const client = withKeyStoreErrors(clientFor(emulator));
      emulator.failNext("Encrypt", {
        exception: "KMSInvalidStateException",
        message: TIMEOUT_MESSAGE,
        times: 2,
      });
      const out = await encrypt(client);
      expect(out.KeyId).toContain(keyId);
      expect(out.$metadata.attempts).toBe(3);
      expect(emulator.requests("Encrypt")).toHaveLength(3);
    });

    it("leaves a bare client next to it with the SDK's behaviour", async () => {
      const bare = clientFor(emulator);
      withKeyStoreErrors(clientFor(emulator));
      emulator.failNext("Encrypt", {
        exception: "KMSInvalidStateException",
        message: TIMEOUT_MESSAGE,
        times: 2,
      });
      const error = await rejectionOf(encrypt(bare));
      expect((error as KMSInvalidStateException).$metadata.attempts).toBe(1);
      expect(emulator.requests("Encrypt")).toHaveLength(1);
    });

    it("never retries LimitExceededException, which the SDK retries as throttling", async () => {
      const onFailure = vi.fn();
      const client = withKeyStoreErrors(clientFor(emulator), { onFailure });
      emulator.failNext("CreateKey", { exception: "LimitExceededException", times: 5 });
      const error = await rejectionOf(client.send(new CreateKeyCommand({})));
      expect(error).toBeInstanceOf(LimitExceededException);
      expect(emulator.requests("CreateKey")).toHaveLength(1);
      expect(onFailure.mock.calls[0]?.[0]).toMatchObject({
        cause: "LIMIT_EXCEEDED",
        attempts: 1,
        retryable: false,
      });

      emulator.reset();
      emulator.failNext("CreateKey", { exception: "LimitExceededException", times: 5 });
      await rejectionOf(clientFor(emulator).send(new CreateKeyCommand({})));
      expect(emulator.requests("CreateKey")).toHaveLength(3);
    });

    it("does not retry a configuration failure", async () => {
      const client = withKeyStoreErrors(clientFor(emulator));
      emulator.failNext("CreateCustomKeyStore", {
        exception: "XksProxyVpcEndpointServiceInvalidConfigurationException",
        times: 3,
      });
      await rejectionOf(client.send(new CreateCustomKeyStoreCommand({ CustomKeyStoreName: "x" })));
      expect(emulator.requests("CreateCustomKeyStore")).toHaveLength(1);
    });

    it("keeps the SDK's decision for server errors the catalog also retries", async () => {
      const client = withKeyStoreErrors(clientFor(emulator));
      emulator.failNext("Encrypt", { exception: "KMSInternalException", times: 5 });
      const error = await rejectionOf(encrypt(client));
      expect(failureOf(error)).toMatchObject({ cause: "KMS_INTERNAL", attempts: 3, retryable: true });
      expect(emulator.requests("Encrypt")).toHaveLength(3);
    });

    it("with alignRetries: false behaves like a bare client", async () => {
      const client = withKeyStoreErrors(clientFor(emulator), { alignRetries: false });
      emulator.failNext("CreateKey", { exception: "LimitExceededException", times: 5 });
      await rejectionOf(client.send(new CreateKeyCommand({})));
      expect(emulator.requests("CreateKey")).toHaveLength(3);
      emulator.failNext("Encrypt", {
        exception: "KMSInvalidStateException",
        message: TIMEOUT_MESSAGE,
        times: 2,
      });
      await rejectionOf(encrypt(client));
      expect(emulator.requests("Encrypt")).toHaveLength(1);
    });

    it("wraps a custom strategy with the SDK's token interface, keeping its own limits", async () => {
      // A strategy of the caller's own: up to 4 attempts, no delay.
      const { seen, strategy: custom } = recordingStrategy(4);
      const client = withKeyStoreErrors(clientFor(emulator, { retryStrategy: custom as never }));
      emulator.failNext("Encrypt", {
        exception: "KMSInvalidStateException",
        message: TIMEOUT_MESSAGE,
        times: 3,
      });
      await encrypt(client);
      expect(emulator.requests("Encrypt")).toHaveLength(4);
      expect(seen).toEqual(["TRANSIENT", "TRANSIENT", "TRANSIENT"]);
      emulator.reset();
      emulator.failNext("Encrypt", {
        exception: "KMSInvalidStateException",
        message: TIMEOUT_MESSAGE,
        times: 9,
      });
      const error = await rejectionOf(encrypt(client));
      expect(failureOf(error)?.attempts).toBe(4);
    });

    it("leaves a custom strategy without the token interface alone, with a warning", async () => {
      const logger = { debug: vi.fn(), info: vi.fn(), warn: vi.fn(), error: vi.fn() };
      const legacy = {
        mode: "legacy",
        retry: (next: (a: unknown) => Promise<unknown>, args: unknown) => next(args),
      };
      const client = withKeyStoreErrors(clientFor(emulator, { logger, retryStrategy: legacy as never }));
      emulator.failNext("Encrypt", { exception: "KMSInvalidStateException", message: TIMEOUT_MESSAGE });
      const error = await rejectionOf(encrypt(client));
      expect(failureOf(error)?.cause).toBe("XKS_PROXY_TIMED_OUT");
      expect(emulator.requests("Encrypt")).toHaveLength(1);
      expect(logger.warn).toHaveBeenCalledWith(expect.stringContaining("retry"), expect.anything());
    });
  });

  it("keeps every failure with its own error under concurrency", async () => {
    const client = withKeyStoreErrors(clientFor(emulator));
    const base = clientFor(emulator);
    const good = (await base.send(new CreateKeyCommand({}))).KeyMetadata?.KeyId as string;
    const disabled = (await base.send(new CreateKeyCommand({}))).KeyMetadata?.KeyId as string;
    await base.send(new DisableKeyCommand({ KeyId: disabled }));
    const pending = (await base.send(new CreateKeyCommand({}))).KeyMetadata?.KeyId as string;
    await base.send(new ScheduleKeyDeletionCommand({ KeyId: pending, PendingWindowInDays: 7 }));
    const cases = [
      { id: good, cause: undefined },
      { id: disabled, cause: "KEY_DISABLED" },
      { id: pending, cause: "KEY_PENDING_DELETION" },
      { id: "00000000-0000-0000-0000-000000000000", cause: "NOT_FOUND" },
    ];
    const runs = Array.from({ length: 300 }, (_, i) => cases[i % cases.length] as (typeof cases)[number]);
    const outcomes = await Promise.allSettled(runs.map((c) => encrypt(client, c.id)));
    outcomes.forEach((outcome, i) => {
      const expected = runs[i] as (typeof cases)[number];
      if (expected.cause === undefined) {
        expect(outcome.status).toBe("fulfilled");
        return;
      }
      expect(outcome.status).toBe("rejected");
      const failure = failureOf((outcome as PromiseRejectedResult).reason);
      expect(failure?.cause).toBe(expected.cause);
      expect(failure?.keyId).toBe(expected.id);
    });
  });

  it("keeps secrets of key store inputs out of failures, logs and text", async () => {
    const secret = "SECRETMARKERsecretmarkerSECRETMARKER0123456";
    const accessKeyId = "AKIAMARKERMARKERMARK";
    const onFailure = vi.fn();
    const client = withKeyStoreErrors(clientFor(emulator), { onFailure });
    emulator.failNext("UpdateCustomKeyStore", {
      exception: "XksProxyIncorrectAuthenticationCredentialException",
      message: `proxy said no to ${accessKeyId}:${secret}`,
    });
    const error = await rejectionOf(
      client.send(
        new UpdateCustomKeyStoreCommand({
          CustomKeyStoreId: "cks-1234567890abcdef0",
          XksProxyAuthenticationCredential: { AccessKeyId: accessKeyId, RawSecretAccessKey: secret },
        }),
      ),
    );
    const failure = failureOf(error) as KmsFailure;
    expect(onFailure).toHaveBeenCalledWith(failure);
    for (const output of [
      JSON.stringify(failure),
      JSON.stringify(toLogEntry(failure)),
      formatFailure(failure),
    ]) {
      expect(output).not.toContain(secret);
      expect(output).not.toContain(accessKeyId);
    }
    expect(failure.customKeyStoreId).toBe("cks-1234567890abcdef0");
  });
});

describe(keyStoreErrors.name, () => {
  it("adds one initialize-step middleware with the exported options", () => {
    const add = vi.fn();
    keyStoreErrors({ alignRetries: false }).applyToStack({ add, remove: vi.fn() } as never);
    expect(add).toHaveBeenCalledTimes(1);
    expect(add).toHaveBeenCalledWith(expect.any(Function), keyStoreErrorsMiddlewareOptions);
  });

  it("as a plugin alone adds the XKS timeout retry but cannot remove the SDK's LimitExceeded retries", async () => {
    const client = clientFor(emulator);
    client.middlewareStack.use(keyStoreErrors());
    emulator.failNext("Encrypt", {
      exception: "KMSInvalidStateException",
      message: TIMEOUT_MESSAGE,
      times: 1,
    });
    await encrypt(client);
    expect(emulator.requests("Encrypt")).toHaveLength(2);
    emulator.failNext("CreateKey", { exception: "LimitExceededException", times: 5 });
    await rejectionOf(client.send(new CreateKeyCommand({})));
    expect(emulator.requests("CreateKey")).toHaveLength(3);
  });
});
