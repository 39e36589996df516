/**
 * The plugin on clients of other services. Until the services emulator's wire tests land, the client
 * is a real `KMSClient` whose `serviceId` says it is another service's (`S3`, `Lambda`): the KMS
 * emulator answers it with the wrapper errors those services send (same name, status and message
 * over the same JSON error path), so the real middleware stack, retry strategy and backoff run. What
 * this cannot show (each service's own protocol and the client's `clientName`) is covered by
 * calling the middleware with the context a real client gives it, and by type checks on other
 * clients.
 */
import { EC2Client } from "@aws-sdk/client-ec2";
import {
  CreateKeyCommand,
  EncryptCommand,
  KMS,
  type KMSClient,
  type KMSClientConfig,
} from "@aws-sdk/client-kms";
import {
  classify,
  failureOf,
  type KmsFailure,
  keyStoreErrors,
  kmsClientProvider,
  withKeyStoreErrors,
} from "kms-keystore-errors";
import { type KmsEmulator, startKmsEmulator } from "kms-keystore-errors/testing";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { keyStoreErrorsMiddleware } from "../src/middleware.js";
import { catalogRetryDecision } from "../src/retry-alignment.js";
import { clientFor, rejectionOf } from "./support/kms.js";
import { KMS_MESSAGES, lambdaForm } from "./support/services.js";

let emulator: KmsEmulator;
let keyId: string;

beforeAll(async () => {
  emulator = await startKmsEmulator();
  const created = await clientFor(emulator).send(new CreateKeyCommand({}));
  keyId = created.KeyMetadata?.KeyId as string;
});
afterEach(() => emulator.reset());
afterAll(() => emulator.close());

/** A real client that reports `service` as its `serviceId`, as that service's client would. */
const clientOf = (service: string, config: Partial<KMSClientConfig> = {}) =>
  clientFor(emulator, { serviceId: service, ...config } as Partial<KMSClientConfig>);

const call = (client: KMSClient) =>
  client.send(new EncryptCommand({ KeyId: keyId, Plaintext: new TextEncoder().encode("attack at dawn") }));

describe(`${withKeyStoreErrors.name} on another service's client`, () => {
  it("classifies a KMS-caused failure, attaches it and reports it once", async () => {
    const onFailure = vi.fn();
    const client = withKeyStoreErrors(clientOf("S3"), { onFailure });
    emulator.failNext("Encrypt", { exception: "KMS.DisabledException", message: KMS_MESSAGES.disabled });
    const error = await rejectionOf(call(client));
    expect(onFailure).toHaveBeenCalledTimes(1);
    const failure = onFailure.mock.calls[0]?.[0] as KmsFailure;
    expect(failureOf(error)).toBe(failure);
    expect(failure).toMatchObject({
      kind: "DisabledException",
      code: "KMS.DisabledException",
      cause: "KEY_DISABLED",
      attempts: 1,
      via: { service: "S3", operation: "Encrypt", code: "KMS.DisabledException" },
    });
    expect(failure.operation).toBeUndefined();
    expect(emulator.requests("Encrypt")).toHaveLength(1);
  });

  it("retries an XKS proxy timeout surfaced by the service (the bare client does not)", async () => {
    const bare = clientOf("S3");
    emulator.failNext("Encrypt", {
      exception: "KMS.KMSInvalidStateException",
      message: KMS_MESSAGES.xksTimeout,
    });
    await rejectionOf(call(bare));
    expect(emulator.requests("Encrypt")).toHaveLength(1);
    emulator.reset();

    const onFailure = vi.fn();
    const wrapped = withKeyStoreErrors(clientOf("S3"), { onFailure });
    emulator.failNext("Encrypt", {
      exception: "KMS.KMSInvalidStateException",
      message: KMS_MESSAGES.xksTimeout,
      times: 2,
    });
    await call(wrapped);
    expect(emulator.requests("Encrypt")).toHaveLength(3);
    expect(onFailure).not.toHaveBeenCalled();
  });

  it("sends Lambda's 502 KMSDisabledException once (the bare client sends it three times)", async () => {
    const spec = {
      exception: "KMSDisabledException",
      status: 502,
      message: lambdaForm("DisabledException", KMS_MESSAGES.disabled),
      times: 5,
    };
    emulator.failNext("Encrypt", spec);
    await rejectionOf(call(clientOf("Lambda")));
    expect(emulator.requests("Encrypt")).toHaveLength(3);
    emulator.reset();

    const onFailure = vi.fn();
    emulator.failNext("Encrypt", spec);
    const error = await rejectionOf(call(withKeyStoreErrors(clientOf("Lambda"), { onFailure })));
    expect(emulator.requests("Encrypt")).toHaveLength(1);
    expect(failureOf(error)).toMatchObject({
      kind: "DisabledException",
      cause: "KEY_DISABLED",
      httpStatusCode: 502,
      attempts: 1,
      via: { service: "Lambda", code: "KMSDisabledException" },
    });
  });

  it("passes the service's own errors through untouched: no failure, no onFailure, the SDK's retries", async () => {
    const onFailure = vi.fn();
    const client = withKeyStoreErrors(clientOf("S3"), { onFailure });
    emulator.failNext("Encrypt", {
      exception: "NoSuchKey",
      status: 404,
      message: "The specified key does not exist.",
    });
    const notFound = await rejectionOf(call(client));
    expect(failureOf(notFound)).toBeUndefined();
    expect(emulator.requests("Encrypt")).toHaveLength(1);
    emulator.reset();

    emulator.failNext("Encrypt", {
      exception: "SlowDown",
      status: 503,
      message: "Please reduce your request rate.",
      times: 5,
    });
    const slowDown = await rejectionOf(call(client));
    expect(failureOf(slowDown)).toBeUndefined();
    expect(emulator.requests("Encrypt")).toHaveLength(3);
    // A name KMS uses too (ServiceUnavailable) is the service's own here: still untouched.
    emulator.reset();
    emulator.failNext("Encrypt", { exception: "ServiceUnavailable", status: 503, times: 5 });
    const unavailable = await rejectionOf(call(client));
    expect(failureOf(unavailable)).toBeUndefined();
    expect(emulator.requests("Encrypt")).toHaveLength(3);
    expect(onFailure).not.toHaveBeenCalled();
  });

  it("keeps KMS's own client unchanged: no via, the same classification", async () => {
    const onFailure = vi.fn();
    const client = withKeyStoreErrors(clientFor(emulator), { onFailure });
    emulator.failNext("Encrypt", {
      exception: "KMSInvalidStateException",
      message: KMS_MESSAGES.pendingDeletion,
    });
    const error = await rejectionOf(call(client));
    const failure = failureOf(error);
    expect(failure).toMatchObject({
      kind: "KMSInvalidStateException",
      cause: "KEY_PENDING_DELETION",
      operation: "Encrypt",
    });
    expect(failure?.via).toBeUndefined();
    expect(onFailure).toHaveBeenCalledTimes(1);
  });

  it("accepts any AWS SDK v3 client, in both forms", () => {
    const ec2 = withKeyStoreErrors(new EC2Client({ region: "us-east-1" }));
    ec2.middlewareStack.use(keyStoreErrors());
    expect(ec2.middlewareStack.identify().some((m) => m.startsWith("keyStoreErrorsMiddleware"))).toBe(true);
  });
});

describe("the middleware as a plugin reads the service from the client name", () => {
  const run = (clientName: string | undefined, error: unknown, onFailure: (f: KmsFailure) => void) =>
    keyStoreErrorsMiddleware({ onFailure })(() => Promise.reject(error), {
      commandName: "GetObjectCommand",
      ...(clientName === undefined ? {} : { clientName }),
    })({ input: { Bucket: "b", Key: "k" } });

  const s3Disabled = () =>
    Object.assign(new Error(KMS_MESSAGES.disabled), {
      name: "KMS.DisabledException",
      $fault: "client",
      $metadata: { httpStatusCode: 400, requestId: "s3-req" },
    });

  it("classifies a KMS wrapper of S3Client with via S3 and the S3 operation", async () => {
    const onFailure = vi.fn();
    const error = s3Disabled();
    await expect(run("S3Client", error, onFailure)).rejects.toBe(error);
    expect(onFailure).toHaveBeenCalledTimes(1);
    expect(failureOf(error)?.via).toEqual({
      service: "S3",
      operation: "GetObject",
      code: "KMS.DisabledException",
    });
  });

  it("leaves another client's own error alone, even one named like a KMS error", async () => {
    const onFailure = vi.fn();
    const error = Object.assign(new Error("denied"), {
      name: "AccessDeniedException",
      $fault: "client",
      $metadata: { httpStatusCode: 400 },
    });
    await expect(run("DynamoDBClient", error, onFailure)).rejects.toBe(error);
    expect(onFailure).not.toHaveBeenCalled();
    expect(failureOf(error)).toBeUndefined();
    const unknownService = Object.assign(new Error("x"), {
      name: "Whatever",
      $fault: "client",
      $metadata: { httpStatusCode: 400 },
    });
    await expect(run("SomeOtherClient", unknownService, onFailure)).rejects.toBe(unknownService);
    expect(onFailure).not.toHaveBeenCalled();
  });

  it("classifies everything on KMSClient, and when the client is not named", async () => {
    for (const clientName of ["KMSClient", undefined]) {
      const onFailure = vi.fn();
      const error = Object.assign(new Error("x"), {
        name: "Whatever",
        $fault: "client",
        $metadata: { httpStatusCode: 400 },
      });
      await expect(run(clientName, error, onFailure)).rejects.toBe(error);
      expect(onFailure).toHaveBeenCalledTimes(1);
    }
  });

  it("decides retries for KMS-caused failures only on another service", () => {
    const timeout = Object.assign(new Error(KMS_MESSAGES.xksTimeout), {
      name: "KMS.KMSInvalidStateException",
      $fault: "client",
      $metadata: { httpStatusCode: 400 },
    });
    expect(catalogRetryDecision(timeout, "S3")).toBe("TRANSIENT");
    expect(catalogRetryDecision(s3Disabled(), "S3")).toBe(false);
    const own = Object.assign(new Error("busy"), {
      name: "SlowDown",
      $fault: "server",
      $metadata: { httpStatusCode: 503 },
    });
    expect(catalogRetryDecision(own, "S3")).toBeUndefined();
    expect(classify(own, { service: "S3" }).via).toBeUndefined();
  });
});

describe(kmsClientProvider.name, () => {
  const config = () => ({
    endpoint: emulator.endpoint,
    credentials: { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "test-secret-not-used" },
  });

  it("builds one aggregated KMS client per Region, with the plugin installed", async () => {
    const onFailure = vi.fn();
    const provider = kmsClientProvider({ clientConfig: config(), onFailure });
    const client = provider(emulator.region);
    expect(client).toBeInstanceOf(KMS);
    expect(provider(emulator.region)).toBe(client);
    expect(provider("eu-west-1")).not.toBe(client);
    if (client === false) throw new Error("no client");
    expect(await client.config.region()).toBe(emulator.region);
    const ok = await client.encrypt({ KeyId: keyId, Plaintext: new TextEncoder().encode("data key") });
    expect(ok.CiphertextBlob?.length).toBeGreaterThan(0);
    emulator.failNext("Decrypt", {
      exception: "KMSInvalidStateException",
      message: KMS_MESSAGES.xksTimeout,
      times: 5,
    });
    const error = await rejectionOf(client.decrypt({ CiphertextBlob: ok.CiphertextBlob as Uint8Array }));
    expect(failureOf(error)).toMatchObject({
      cause: "XKS_PROXY_TIMED_OUT",
      operation: "Decrypt",
      attempts: 3,
    });
    expect(onFailure).toHaveBeenCalledTimes(1);
  });

  it("uses the configured Region for the Encryption SDK's empty Region", async () => {
    const client = kmsClientProvider({ clientConfig: { ...config(), region: "ap-south-1" } })("");
    if (client === false) throw new Error("no client");
    expect(await client.config.region()).toBe("ap-south-1");
  });

  it("gives no client for a value that is not a Region, and keeps a bounded number of clients", () => {
    const provider = kmsClientProvider({ clientConfig: config() });
    for (const bad of ["../../etc", "us-east-1\n", "A".repeat(1000), 42 as unknown as string, "eu west 1"]) {
      expect(provider(bad)).toBe(false);
    }
    const regions = Array.from({ length: 80 }, (_, i) => `xx-fake-${i}`);
    const first = regions.map((r) => provider(r));
    const second = regions.map((r) => provider(r));
    const kept = first.filter((c, i) => c === second[i]).length;
    expect(kept).toBe(64);
  });
});
