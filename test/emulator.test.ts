import { request as httpRequest } from "node:http";
import * as Kms from "@aws-sdk/client-kms";
import {
  CancelKeyDeletionCommand,
  ConnectCustomKeyStoreCommand,
  CreateCustomKeyStoreCommand,
  CreateKeyCommand,
  DecryptCommand,
  DeleteCustomKeyStoreCommand,
  DescribeCustomKeyStoresCommand,
  DescribeKeyCommand,
  DisableKeyCommand,
  DisconnectCustomKeyStoreCommand,
  EnableKeyCommand,
  EncryptCommand,
  GenerateDataKeyCommand,
  GenerateDataKeyWithoutPlaintextCommand,
  KMSClient,
  type KMSClientConfig,
  KMSServiceException,
  ListKeysCommand,
  ReEncryptCommand,
  ScheduleKeyDeletionCommand,
  UpdateCustomKeyStoreCommand,
} from "@aws-sdk/client-kms";
import { type KmsEmulator, startKmsEmulator, type XksProxyFault } from "kms-keystore-errors/testing";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { KINDS } from "../src/catalog/kinds.js";

// ---------------------------------------------------------------------------------------------------
// Helpers

const clientFor = (emu: KmsEmulator, config: Partial<KMSClientConfig> = {}): KMSClient =>
  new KMSClient({ ...emu.clientConfig, maxAttempts: 1, ...config });

type SdkError = Error & {
  $metadata: { httpStatusCode?: number; requestId?: string; attempts?: number };
} & Record<string, unknown>;

const rejectionOf = async (promise: Promise<unknown>): Promise<SdkError> => {
  try {
    await promise;
  } catch (error) {
    return error as SdkError;
  }
  throw new Error("Expected the promise to reject.");
};

/** A raw JSON 1.1 call, unsigned: the status, headers and body exactly as the server wrote them. */
const rawCall = async (
  emu: KmsEmulator,
  operation: string | undefined,
  body: unknown,
): Promise<{ status: number; headers: Headers; text: string; json: Record<string, unknown> }> => {
  const headers: Record<string, string> = { "content-type": "application/x-amz-json-1.1" };
  if (operation !== undefined) headers["x-amz-target"] = `TrentService.${operation}`;
  const response = await fetch(emu.endpoint, {
    method: "POST",
    headers,
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
  const text = await response.text();
  let json: Record<string, unknown> = {};
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch {}
  return { status: response.status, headers: response.headers, text, json };
};

const ACCESS_KEY_ID = "ABCDEFGHIJKLMNOPQRST";
const RAW_SECRET = "SecretSecretSecretSecretSecretSecretSecret1";
const HSM_PASSWORD = "kmsuser-Passw0rd!";
const VPC_SERVICE = "com.amazonaws.vpce.us-east-1.vpce-svc-0123456789abcdef0";

let unique = 0;
const next = (): number => ++unique;

const xksInput = (
  overrides: Partial<Kms.CreateCustomKeyStoreRequest> = {},
): Kms.CreateCustomKeyStoreRequest => {
  const n = next();
  return {
    CustomKeyStoreName: `xks-${n}`,
    CustomKeyStoreType: "EXTERNAL_KEY_STORE",
    XksProxyConnectivity: "PUBLIC_ENDPOINT",
    XksProxyUriEndpoint: `https://xks-${n}.example.com`,
    XksProxyUriPath: "/prefix/kms/xks/v1",
    XksProxyAuthenticationCredential: { AccessKeyId: ACCESS_KEY_ID, RawSecretAccessKey: RAW_SECRET },
    ...overrides,
  };
};

const vpcInput = (
  overrides: Partial<Kms.CreateCustomKeyStoreRequest> = {},
): Kms.CreateCustomKeyStoreRequest => {
  const n = next();
  return xksInput({
    XksProxyConnectivity: "VPC_ENDPOINT_SERVICE",
    XksProxyUriEndpoint: `https://xks-${n}.private.example.com`,
    XksProxyVpcEndpointServiceName: `com.amazonaws.vpce.us-east-1.vpce-svc-0${n}23456789abcdef`,
    ...overrides,
  });
};

const hsmInput = (
  overrides: Partial<Kms.CreateCustomKeyStoreRequest> = {},
): Kms.CreateCustomKeyStoreRequest => {
  const n = next();
  return {
    CustomKeyStoreName: `hsm-${n}`,
    CloudHsmClusterId: `cluster-${String(n).padStart(11, "a")}`,
    TrustAnchorCertificate: "-----BEGIN CERTIFICATE-----\nMIIBfake\n-----END CERTIFICATE-----",
    KeyStorePassword: HSM_PASSWORD,
    ...overrides,
  };
};

const createStore = async (kms: KMSClient, input: Kms.CreateCustomKeyStoreRequest): Promise<string> => {
  const out = await kms.send(new CreateCustomKeyStoreCommand(input));
  return out.CustomKeyStoreId ?? "";
};

const describeStore = async (kms: KMSClient, id: string): Promise<Kms.CustomKeyStoresListEntry> => {
  const out = await kms.send(new DescribeCustomKeyStoresCommand({ CustomKeyStoreId: id }));
  const entry = out.CustomKeyStores?.[0];
  if (entry === undefined) throw new Error(`no entry for ${id}`);
  return entry;
};

/** Polls DescribeCustomKeyStores until the store leaves CONNECTING. */
const settled = async (kms: KMSClient, id: string): Promise<Kms.CustomKeyStoresListEntry> => {
  const deadline = Date.now() + 2000;
  for (;;) {
    const entry = await describeStore(kms, id);
    if (entry.ConnectionState !== "CONNECTING") return entry;
    if (Date.now() > deadline) throw new Error(`${id} stayed CONNECTING`);
    await new Promise((r) => setTimeout(r, 3));
  }
};

const connect = async (kms: KMSClient, id: string): Promise<Kms.CustomKeyStoresListEntry> => {
  await kms.send(new ConnectCustomKeyStoreCommand({ CustomKeyStoreId: id }));
  return settled(kms, id);
};

const createStoreKey = async (
  kms: KMSClient,
  storeId: string,
  xksKeyId?: string,
): Promise<Kms.KeyMetadata> => {
  const out = await kms.send(
    new CreateKeyCommand(
      xksKeyId === undefined
        ? { Origin: "AWS_CLOUDHSM", CustomKeyStoreId: storeId }
        : { Origin: "EXTERNAL_KEY_STORE", CustomKeyStoreId: storeId, XksKeyId: xksKeyId },
    ),
  );
  if (out.KeyMetadata === undefined) throw new Error("no metadata");
  return out.KeyMetadata;
};

const plaintext = new TextEncoder().encode("attack at dawn");

// ---------------------------------------------------------------------------------------------------

let emu: KmsEmulator;
let kms: KMSClient;

// A fresh emulator per test: the custom key store quota (10) and request counts stay per test.
beforeEach(async () => {
  emu = await startKmsEmulator({ connectDelayMs: 2 });
  kms = clientFor(emu);
});
afterEach(async () => {
  kms.destroy();
  await emu.close();
});

describe("startKmsEmulator", () => {
  it("listens on 127.0.0.1 with the given Region and account", async () => {
    const other = await startKmsEmulator({ region: "eu-west-3", accountId: "123456789012" });
    try {
      expect(other.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(other.endpoint).toBe(`http://127.0.0.1:${other.port}`);
      const key = await clientFor(other).send(new CreateKeyCommand({}));
      expect(key.KeyMetadata?.Arn).toBe(`arn:aws:kms:eu-west-3:123456789012:key/${key.KeyMetadata?.KeyId}`);
    } finally {
      await other.close();
    }
  });

  it("rejects bad options with a message naming the option", async () => {
    await expect(startKmsEmulator({ accountId: "12" })).rejects.toThrow(/accountId/);
    await expect(startKmsEmulator({ port: -1 })).rejects.toThrow(/port/);
    await expect(startKmsEmulator({ connectDelayMs: -5 })).rejects.toThrow(/connectDelayMs/);
  });

  it("closes promptly even with a kept-alive socket and a pending delayed response", async () => {
    const other = await startKmsEmulator();
    const client = clientFor(other);
    await client.send(new ListKeysCommand({}));
    other.delay("ListKeys", 5000);
    const pending = rejectionOf(client.send(new ListKeysCommand({})));
    await new Promise((r) => setTimeout(r, 20));
    // Which comes first, not how long it took: close() must not wait for the 5 s answer.
    let timer: NodeJS.Timeout | undefined;
    const answerDue = new Promise<string>((resolve) => {
      timer = setTimeout(() => resolve("answer due"), 5000);
    });
    const closing = (async () => {
      await other.close();
      await other.close(); // idempotent
      return "closed";
    })();
    expect(await Promise.race([closing, answerDue])).toBe("closed");
    clearTimeout(timer);
    expect((await pending).name).toBeTruthy();
    client.destroy();
  });
});

describe("JSON 1.1 protocol", () => {
  it("answers with x-amzn-requestid (a fresh UUID) and the JSON 1.1 content type", async () => {
    const a = await rawCall(emu, "ListKeys", {});
    const b = await rawCall(emu, "ListKeys", {});
    expect(a.status).toBe(200);
    expect(a.headers.get("content-type")).toBe("application/x-amz-json-1.1");
    expect(a.headers.get("x-amzn-requestid")).toMatch(/^[0-9a-f-]{36}$/);
    expect(a.headers.get("x-amzn-requestid")).not.toBe(b.headers.get("x-amzn-requestid"));
    expect(emu.requests("ListKeys").map((r) => r.requestId)).toEqual([
      a.headers.get("x-amzn-requestid"),
      b.headers.get("x-amzn-requestid"),
    ]);
  });

  it("answers a body that is not JSON with SerializationException (400)", async () => {
    const res = await rawCall(emu, "ListKeys", "{not json");
    expect(res.status).toBe(400);
    expect(res.json.__type).toBe("SerializationException");
    expect(res.headers.get("x-amzn-requestid")).toMatch(/^[0-9a-f-]{36}$/);
    expect((await rawCall(emu, "ListKeys", "[1,2]")).json.__type).toBe("SerializationException");
  });

  it("answers a missing or unknown X-Amz-Target with UnknownOperationException (400)", async () => {
    const missing = await rawCall(emu, undefined, {});
    expect([missing.status, missing.json.__type]).toEqual([400, "UnknownOperationException"]);
    const unknown = await rawCall(emu, "FlyToTheMoon", {});
    expect([unknown.status, unknown.json.__type]).toEqual([400, "UnknownOperationException"]);
  });

  it("answers missing required members with ValidationException (400)", async () => {
    const res = await rawCall(emu, "Encrypt", {});
    expect([res.status, res.json.__type]).toEqual([400, "ValidationException"]);
    expect(res.json.message).toMatch(/keyId/);
    const err = await rejectionOf(
      kms.send(new CreateCustomKeyStoreCommand({} as Kms.CreateCustomKeyStoreRequest)),
    );
    expect(err).toBeInstanceOf(KMSServiceException);
    expect([err.name, err.$metadata.httpStatusCode]).toEqual(["ValidationException", 400]);
  });

  it("records requests per operation, with secrets redacted", async () => {
    await createStore(kms, hsmInput());
    await rejectionOf(kms.send(new EncryptCommand({ KeyId: "nope", Plaintext: plaintext })));
    expect(emu.requests().map((r) => r.operation)).toEqual(["CreateCustomKeyStore", "Encrypt"]);
    expect(emu.requests("CreateCustomKeyStore")[0]?.input?.KeyStorePassword).toBe("[REDACTED]");
    expect(emu.requests("Encrypt")[0]?.input?.Plaintext).toBe("[REDACTED]");
    expect(emu.requests("Encrypt")[0]?.input?.KeyId).toBe("nope");
  });
});

describe("failNext", () => {
  const withStatus = KINDS.flatMap((k) =>
    "status" in k ? [{ kind: k.kind, status: k.status, unmodeled: "unmodeled" in k }] : [],
  );
  const modeled = withStatus.filter((k) => !k.unmodeled);
  const unmodeled = withStatus.filter((k) => k.unmodeled);

  it("covers every modeled exception of the SDK", () => {
    const sdk = Object.keys(Kms).filter(
      (name) => name.endsWith("Exception") && name !== "KMSServiceException",
    );
    expect(modeled.map((k) => k.kind).sort()).toEqual(sdk.sort());
  });

  it.each(modeled.map((k) => [k.kind, k.status] as const))(
    "%s arrives as the SDK's own class with status %i and the request id",
    async (kind, status) => {
      emu.failNext("ListKeys", { exception: kind, message: `scripted ${kind}` });
      const err = await rejectionOf(kms.send(new ListKeysCommand({})));
      const sdkClass = (Kms as unknown as Record<string, new (...args: never[]) => Error>)[kind];
      expect(sdkClass).toBeTypeOf("function");
      expect(err).toBeInstanceOf(sdkClass as new (...args: never[]) => Error);
      expect(err.name).toBe(kind);
      expect(err.message).toBe(`scripted ${kind}`);
      expect(err.$metadata.httpStatusCode).toBe(status);
      expect(err.$metadata.requestId).toBe(emu.requests("ListKeys").at(-1)?.requestId);
      expect(err.$metadata.requestId).toMatch(/^[0-9a-f-]{36}$/);
    },
  );

  it.each(unmodeled.map((k) => [k.kind, k.status] as const))(
    "unmodeled %s arrives as KMSServiceException with status %i",
    async (kind, status) => {
      emu.failNext("ListKeys", { exception: kind });
      const err = await rejectionOf(kms.send(new ListKeysCommand({})));
      expect(err).toBeInstanceOf(KMSServiceException);
      expect(err.name).toBe(kind);
      expect(err.$metadata.httpStatusCode).toBe(status);
      expect(err.$metadata.requestId).toBe(emu.requests("ListKeys").at(-1)?.requestId);
    },
  );

  it("sends the status real KMS sends: 400 for every client fault, 500 or 503 for server faults", async () => {
    const serverStatus: Readonly<Record<string, number>> = {
      KMSInternalException: 500,
      KeyUnavailableException: 500,
      DependencyTimeoutException: 503,
    };
    const seen: Record<string, number | undefined> = {};
    const expected: Record<string, number> = {};
    for (const { kind } of modeled) {
      emu.failNext("ListKeys", { exception: kind });
      const err = await rejectionOf(kms.send(new ListKeysCommand({})));
      seen[kind] = err.$metadata.httpStatusCode;
      // `$fault` comes from the SDK's model of the exception class.
      expected[kind] = (err as { $fault?: string }).$fault === "client" ? 400 : (serverStatus[kind] ?? 0);
    }
    expect(seen).toEqual(expected);
    expect(Object.values(expected).filter((s) => s === 400)).toHaveLength(modeled.length - 3);
  });

  it("sends 400 for an unknown exception name, and any status when told", async () => {
    emu.failNext("ListKeys", { exception: "MadeUpException" });
    const unknown = await rejectionOf(kms.send(new ListKeysCommand({})));
    expect([unknown.name, unknown.$metadata.httpStatusCode]).toEqual(["MadeUpException", 400]);
    emu.failNext("ListKeys", { exception: "NotFoundException", status: 418 });
    const teapot = await rejectionOf(kms.send(new ListKeysCommand({})));
    expect([teapot.name, teapot.$metadata.httpStatusCode]).toEqual(["NotFoundException", 418]);
  });

  it("fails `times` requests, then serves normally; the operation's script runs before '*'", async () => {
    emu.failNext("*", { exception: "ThrottlingException", times: 2 });
    emu.failNext("ListKeys", { exception: "AccessDeniedException" });
    expect((await rejectionOf(kms.send(new ListKeysCommand({})))).name).toBe("AccessDeniedException");
    expect((await rejectionOf(kms.send(new ListKeysCommand({})))).name).toBe("ThrottlingException");
    expect((await rejectionOf(kms.send(new CreateKeyCommand({})))).name).toBe("ThrottlingException");
    await expect(kms.send(new ListKeysCommand({}))).resolves.toBeDefined();
  });

  it("keeps failing with times: Infinity until reset()", async () => {
    emu.failNext("ListKeys", { exception: "KMSInternalException", times: Number.POSITIVE_INFINITY });
    for (let i = 0; i < 3; i++)
      expect((await rejectionOf(kms.send(new ListKeysCommand({})))).name).toBe("KMSInternalException");
    emu.reset();
    await expect(kms.send(new ListKeysCommand({}))).resolves.toBeDefined();
  });

  it("rejects malformed scripts", () => {
    expect(() => emu.failNext("ListKeys", { exception: "X", times: 0 })).toThrow(/times/);
    expect(() => emu.failNext("ListKeys", { exception: "X", delayMs: -1 })).toThrow(/delayMs/);
    expect(() => emu.failNext("ListKeys", { network: "smoke" as "drop" })).toThrow(/smoke/);
    expect(() => emu.failNext("ListKeys", { exception: "X", status: 42 })).toThrow(/status/);
  });

  it("counts the SDK's retries at the server", async () => {
    const retrying = clientFor(emu, { maxAttempts: 3 });
    emu.failNext("ListKeys", { exception: "KMSInternalException", times: 5 });
    const err = await rejectionOf(retrying.send(new ListKeysCommand({})));
    expect(err.name).toBe("KMSInternalException");
    expect(err.$metadata.attempts).toBe(3);
    expect(emu.requests("ListKeys")).toHaveLength(3);
    emu.reset();
    emu.failNext("ListKeys", { exception: "KMSInvalidStateException" });
    await rejectionOf(retrying.send(new ListKeysCommand({})));
    expect(emu.requests("ListKeys")).toHaveLength(1);
  });
});

describe("network faults", () => {
  it("drop: the socket closes without a response; the SDK reports a socket error", async () => {
    emu.failNext("ListKeys", { network: "drop" });
    const err = await rejectionOf(kms.send(new ListKeysCommand({})));
    expect(err).not.toBeInstanceOf(KMSServiceException);
    expect(["ECONNRESET", "EPIPE"]).toContain(err.code);
    expect(err.$metadata?.httpStatusCode).toBeUndefined();
  });

  it("reset-mid-body: the connection dies while the body is arriving", async () => {
    emu.failNext("ListKeys", { network: "reset-mid-body" });
    const err = await rejectionOf(kms.send(new ListKeysCommand({})));
    expect(err).not.toBeInstanceOf(KMSServiceException);
  });

  it("reset-mid-chunked-body: a chunked 200 cut before its last chunk fails, with no Content-Length to trust", async () => {
    emu.failNext("ListKeys", { network: "reset-mid-chunked-body" });
    const err = await rejectionOf(kms.send(new ListKeysCommand({})));
    expect(err).not.toBeInstanceOf(KMSServiceException);
    // On the wire: status 200, chunked framing, no Content-Length, and no terminating chunk.
    emu.failNext("ListKeys", { network: "reset-mid-chunked-body" });
    const wire = await new Promise<{ status: number; headers: Record<string, unknown>; error: string }>(
      (resolve) => {
        const req = httpRequest(
          `${emu.endpoint}/`,
          {
            method: "POST",
            headers: {
              "content-type": "application/x-amz-json-1.1",
              "x-amz-target": "TrentService.ListKeys",
            },
          },
          (res) => {
            res.on("data", () => undefined);
            res.on("error", (e: NodeJS.ErrnoException) =>
              resolve({ status: res.statusCode ?? 0, headers: res.headers, error: e.code ?? e.message }),
            );
            res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, error: "" }));
          },
        );
        req.end("{}");
      },
    );
    expect(wire.status).toBe(200);
    expect(wire.headers["transfer-encoding"]).toBe("chunked");
    expect(wire.headers).not.toHaveProperty("content-length");
    expect(wire.error).toBe("ECONNRESET");
  });

  it("html: a load balancer's 502 page reaches the SDK with $metadata.httpStatusCode 502", async () => {
    emu.failNext("ListKeys", { network: "html" });
    const err = await rejectionOf(kms.send(new ListKeysCommand({})));
    expect(err.$metadata.httpStatusCode).toBe(502);
    emu.failNext("ListKeys", { network: "html", status: 504 });
    const raw = await rawCall(emu, "ListKeys", {});
    expect(raw.status).toBe(504);
    expect(raw.headers.get("content-type")).toBe("text/html");
    expect(raw.text).toContain("<html>");
    expect(raw.text).toContain("504 Gateway Timeout");
  });

  it("empty and malformed-json bodies", async () => {
    emu.failNext("ListKeys", { network: "empty" });
    const empty = await rejectionOf(kms.send(new ListKeysCommand({})));
    expect(empty.$metadata.httpStatusCode).toBe(503);
    emu.failNext("ListKeys", { network: "malformed-json" });
    const malformed = await rejectionOf(kms.send(new ListKeysCommand({})));
    expect(malformed).not.toBeInstanceOf(KMSServiceException);
    emu.failNext("ListKeys", { network: "malformed-json", status: 500 });
    const raw = await rawCall(emu, "ListKeys", {});
    expect(raw.status).toBe(500);
    expect(() => JSON.parse(raw.text)).toThrow();
  });

  it("delayMs with requestTimeout and throwOnRequestTimeout gives the SDK's TimeoutError", async () => {
    const impatient = clientFor(emu, { requestHandler: { requestTimeout: 50, throwOnRequestTimeout: true } });
    emu.failNext("ListKeys", { exception: "KMSInternalException", delayMs: 1000 });
    const err = await rejectionOf(impatient.send(new ListKeysCommand({})));
    expect(err.name).toBe("TimeoutError");
    impatient.destroy();
  });

  it("delay() slows every response of an operation until removed", async () => {
    // Which answer arrives first, not how long it took: the machine's speed does not matter.
    const order: string[] = [];
    const track = (label: string, p: Promise<unknown>) => p.then(() => order.push(label));
    emu.delay("ListKeys", 300);
    await Promise.all([
      track("ListKeys", kms.send(new ListKeysCommand({}))),
      track("CreateKey", kms.send(new CreateKeyCommand({}))),
    ]);
    expect(order).toEqual(["CreateKey", "ListKeys"]);
    order.length = 0;
    emu.delay("ListKeys", 0);
    emu.delay("CreateKey", 300);
    await Promise.all([
      track("CreateKey", kms.send(new CreateKeyCommand({}))),
      track("ListKeys", kms.send(new ListKeysCommand({}))),
    ]);
    expect(order).toEqual(["ListKeys", "CreateKey"]);
  });
});

describe("keys", () => {
  it("round-trips Encrypt/Decrypt with the encryption context bound", async () => {
    const key = (await kms.send(new CreateKeyCommand({ Description: "test" }))).KeyMetadata;
    expect(key).toMatchObject({
      KeyState: "Enabled",
      Enabled: true,
      Origin: "AWS_KMS",
      KeyManager: "CUSTOMER",
      KeySpec: "SYMMETRIC_DEFAULT",
      KeyUsage: "ENCRYPT_DECRYPT",
      EncryptionAlgorithms: ["SYMMETRIC_DEFAULT"],
      Description: "test",
    });
    expect(key?.CreationDate).toBeInstanceOf(Date);
    const ctx = { purpose: "test", tenant: "a" };
    const enc = await kms.send(
      new EncryptCommand({ KeyId: key?.Arn, Plaintext: plaintext, EncryptionContext: ctx }),
    );
    expect(enc.KeyId).toBe(key?.Arn);
    const dec = await kms.send(
      new DecryptCommand({
        CiphertextBlob: enc.CiphertextBlob,
        EncryptionContext: { tenant: "a", purpose: "test" },
      }),
    );
    expect(Buffer.from(dec.Plaintext ?? []).toString()).toBe("attack at dawn");
    expect(dec.KeyId).toBe(key?.Arn);

    const wrong = await rejectionOf(
      kms.send(
        new DecryptCommand({ CiphertextBlob: enc.CiphertextBlob, EncryptionContext: { tenant: "b" } }),
      ),
    );
    expect(wrong).toBeInstanceOf(Kms.InvalidCiphertextException);
    const tampered = Uint8Array.from(enc.CiphertextBlob ?? []);
    tampered[tampered.length - 1] = (tampered[tampered.length - 1] ?? 0) ^ 1;
    const bad = await rejectionOf(
      kms.send(new DecryptCommand({ CiphertextBlob: tampered, EncryptionContext: ctx })),
    );
    expect(bad).toBeInstanceOf(Kms.InvalidCiphertextException);
    const garbage = await rejectionOf(
      kms.send(new DecryptCommand({ CiphertextBlob: new Uint8Array([9, 9, 9]) })),
    );
    expect(garbage).toBeInstanceOf(Kms.InvalidCiphertextException);
  });

  it("Decrypt with another KeyId is IncorrectKeyException; ReEncrypt moves the ciphertext", async () => {
    const a = (await kms.send(new CreateKeyCommand({}))).KeyMetadata?.KeyId;
    const b = (await kms.send(new CreateKeyCommand({}))).KeyMetadata?.KeyId;
    const enc = await kms.send(new EncryptCommand({ KeyId: a, Plaintext: plaintext }));
    const err = await rejectionOf(
      kms.send(new DecryptCommand({ CiphertextBlob: enc.CiphertextBlob, KeyId: b })),
    );
    expect(err).toBeInstanceOf(Kms.IncorrectKeyException);
    const re = await kms.send(
      new ReEncryptCommand({ CiphertextBlob: enc.CiphertextBlob, DestinationKeyId: b }),
    );
    expect(re.SourceKeyId).toContain(a);
    const dec = await kms.send(new DecryptCommand({ CiphertextBlob: re.CiphertextBlob, KeyId: b }));
    expect(Buffer.from(dec.Plaintext ?? []).toString()).toBe("attack at dawn");
  });

  it("GenerateDataKey returns a data key that decrypts back", async () => {
    const keyId = (await kms.send(new CreateKeyCommand({}))).KeyMetadata?.KeyId;
    const dk = await kms.send(new GenerateDataKeyCommand({ KeyId: keyId, KeySpec: "AES_128" }));
    expect(dk.Plaintext).toHaveLength(16);
    const dec = await kms.send(new DecryptCommand({ CiphertextBlob: dk.CiphertextBlob }));
    expect(Buffer.from(dec.Plaintext ?? []).equals(Buffer.from(dk.Plaintext ?? []))).toBe(true);
    const bytes = await kms.send(new GenerateDataKeyCommand({ KeyId: keyId, NumberOfBytes: 64 }));
    expect(bytes.Plaintext).toHaveLength(64);
    const without = await kms.send(
      new GenerateDataKeyWithoutPlaintextCommand({ KeyId: keyId, KeySpec: "AES_256" }),
    );
    expect("Plaintext" in without).toBe(false);
    const neither = await rejectionOf(kms.send(new GenerateDataKeyCommand({ KeyId: keyId })));
    expect(neither.name).toBe("ValidationException");
  });

  it("reports key states as KMS does", async () => {
    const key = (await kms.send(new CreateKeyCommand({}))).KeyMetadata as Kms.KeyMetadata;
    await kms.send(new DisableKeyCommand({ KeyId: key.KeyId }));
    const disabled = await rejectionOf(
      kms.send(new EncryptCommand({ KeyId: key.KeyId, Plaintext: plaintext })),
    );
    expect(disabled).toBeInstanceOf(Kms.DisabledException);
    expect(disabled.message).toBe(`${key.Arn} is disabled.`);
    expect(disabled.$metadata.httpStatusCode).toBe(400);
    await kms.send(new EnableKeyCommand({ KeyId: key.Arn }));
    await kms.send(new EncryptCommand({ KeyId: key.KeyId, Plaintext: plaintext }));

    const scheduled = await kms.send(
      new ScheduleKeyDeletionCommand({ KeyId: key.KeyId, PendingWindowInDays: 7 }),
    );
    expect(scheduled).toMatchObject({ KeyId: key.Arn, KeyState: "PendingDeletion", PendingWindowInDays: 7 });
    expect(scheduled.DeletionDate).toBeInstanceOf(Date);
    const pending = await rejectionOf(
      kms.send(new EncryptCommand({ KeyId: key.KeyId, Plaintext: plaintext })),
    );
    expect(pending).toBeInstanceOf(Kms.KMSInvalidStateException);
    expect(pending.message).toBe(`${key.Arn} is pending deletion.`);
    expect((await kms.send(new DescribeKeyCommand({ KeyId: key.KeyId }))).KeyMetadata?.KeyState).toBe(
      "PendingDeletion",
    );
    await kms.send(new CancelKeyDeletionCommand({ KeyId: key.KeyId }));
    expect((await kms.send(new DescribeKeyCommand({ KeyId: key.KeyId }))).KeyMetadata?.KeyState).toBe(
      "Disabled",
    );

    const missing = await rejectionOf(
      kms.send(new DescribeKeyCommand({ KeyId: "00000000-0000-0000-0000-000000000000" })),
    );
    expect(missing).toBeInstanceOf(Kms.NotFoundException);
    expect(missing.$metadata.httpStatusCode).toBe(400);
  });

  it("lists keys with pagination", async () => {
    const fresh = await startKmsEmulator();
    const client = clientFor(fresh);
    try {
      for (let i = 0; i < 3; i++) await client.send(new CreateKeyCommand({}));
      const first = await client.send(new ListKeysCommand({ Limit: 2 }));
      expect([first.Keys?.length, first.Truncated]).toEqual([2, true]);
      const second = await client.send(new ListKeysCommand({ Limit: 2, Marker: first.NextMarker }));
      expect([second.Keys?.length, second.Truncated, second.NextMarker]).toEqual([1, false, undefined]);
      const bad = await rejectionOf(client.send(new ListKeysCommand({ Marker: "bogus" })));
      expect(bad).toBeInstanceOf(Kms.InvalidMarkerException);
    } finally {
      await fresh.close();
    }
  });
});

describe("custom key stores", () => {
  it("round-trips the whole lifecycle of both store types", async () => {
    // Long enough to observe CONNECTING on a loaded machine; `settled` polls past it.
    const fresh = await startKmsEmulator({ connectDelayMs: 400 });
    const client = clientFor(fresh);
    try {
      const hsm = await createStore(client, hsmInput());
      const xks = await createStore(client, vpcInput());
      expect(hsm).toMatch(/^cks-[0-9a-f]{17}$/);

      // Describe, paginated.
      const page1 = await client.send(new DescribeCustomKeyStoresCommand({ Limit: 1 }));
      expect(page1.Truncated).toBe(true);
      const page2 = await client.send(
        new DescribeCustomKeyStoresCommand({ Limit: 1, Marker: page1.NextMarker }),
      );
      expect(page2.Truncated).toBe(false);
      const [hsmEntry, xksEntry] = [...(page1.CustomKeyStores ?? []), ...(page2.CustomKeyStores ?? [])];
      expect(hsmEntry).toMatchObject({
        CustomKeyStoreId: hsm,
        CustomKeyStoreType: "AWS_CLOUDHSM",
        ConnectionState: "DISCONNECTED",
        CloudHsmClusterId: expect.stringMatching(/^cluster-/),
        TrustAnchorCertificate: expect.stringContaining("BEGIN CERTIFICATE"),
      });
      expect(hsmEntry?.CreationDate).toBeInstanceOf(Date);
      expect(hsmEntry?.ConnectionErrorCode).toBeUndefined();
      expect(xksEntry?.XksProxyConfiguration).toEqual({
        Connectivity: "VPC_ENDPOINT_SERVICE",
        AccessKeyId: ACCESS_KEY_ID,
        UriEndpoint: expect.stringMatching(/^https:\/\//),
        UriPath: "/prefix/kms/xks/v1",
        VpcEndpointServiceName: expect.stringMatching(/^com\.amazonaws\.vpce\./),
      });

      for (const [id, xksKeyId] of [
        [hsm, undefined],
        [xks, "external-key-1"],
      ] as const) {
        // Connect: asynchronous.
        await client.send(new ConnectCustomKeyStoreCommand({ CustomKeyStoreId: id }));
        expect((await describeStore(client, id)).ConnectionState).toBe("CONNECTING");
        expect((await settled(client, id)).ConnectionState).toBe("CONNECTED");

        // Keys in the store, with real round trips.
        const key = await createStoreKey(client, id, xksKeyId);
        expect(key).toMatchObject({
          CustomKeyStoreId: id,
          Origin: xksKeyId === undefined ? "AWS_CLOUDHSM" : "EXTERNAL_KEY_STORE",
          KeyState: "Enabled",
          KeySpec: "SYMMETRIC_DEFAULT",
        });
        if (xksKeyId !== undefined) expect(key.XksKeyConfiguration).toEqual({ Id: xksKeyId });
        else expect(key.CloudHsmClusterId).toMatch(/^cluster-/);
        const ctx = { app: "lifecycle" };
        const enc = await client.send(
          new EncryptCommand({ KeyId: key.KeyId, Plaintext: plaintext, EncryptionContext: ctx }),
        );
        const dec = await client.send(
          new DecryptCommand({ CiphertextBlob: enc.CiphertextBlob, EncryptionContext: ctx }),
        );
        expect(Buffer.from(dec.Plaintext ?? []).toString()).toBe("attack at dawn");
        const dk = await client.send(new GenerateDataKeyCommand({ KeyId: key.Arn, KeySpec: "AES_256" }));
        expect(dk.Plaintext).toHaveLength(32);

        // Disconnect: keys become unavailable.
        await client.send(new DisconnectCustomKeyStoreCommand({ CustomKeyStoreId: id }));
        expect((await describeStore(client, id)).ConnectionState).toBe("DISCONNECTED");
        const unavailable = await rejectionOf(
          client.send(new EncryptCommand({ KeyId: key.KeyId, Plaintext: plaintext })),
        );
        expect(unavailable).toBeInstanceOf(Kms.KMSInvalidStateException);
        expect(unavailable.message).toBe(`${key.Arn} is unavailable.`);
        expect((await client.send(new DescribeKeyCommand({ KeyId: key.KeyId }))).KeyMetadata?.KeyState).toBe(
          "Unavailable",
        );

        // Delete: refused while keys remain, pending deletion included; allowed once they are deleted.
        const hasKeys = await rejectionOf(
          client.send(new DeleteCustomKeyStoreCommand({ CustomKeyStoreId: id })),
        );
        expect(hasKeys).toBeInstanceOf(Kms.CustomKeyStoreHasCMKsException);
        await client.send(new ScheduleKeyDeletionCommand({ KeyId: key.KeyId }));
        const pending = await rejectionOf(
          client.send(new DeleteCustomKeyStoreCommand({ CustomKeyStoreId: id })),
        );
        expect(pending).toBeInstanceOf(Kms.CustomKeyStoreHasCMKsException);
        expect(fresh.completeKeyDeletions()).toBe(1);
        await client.send(new DeleteCustomKeyStoreCommand({ CustomKeyStoreId: id }));
        const gone = await rejectionOf(describeStore(client, id));
        expect(gone).toBeInstanceOf(Kms.CustomKeyStoreNotFoundException);
      }
    } finally {
      await fresh.close();
    }
  });

  it("describes by name, and reports unknown ids, names and markers", async () => {
    const input = hsmInput();
    const id = await createStore(kms, input);
    const byName = await kms.send(
      new DescribeCustomKeyStoresCommand({ CustomKeyStoreName: input.CustomKeyStoreName }),
    );
    expect(byName.CustomKeyStores?.map((s) => s.CustomKeyStoreId)).toEqual([id]);
    for (const request of [{ CustomKeyStoreId: "cks-00000000000000000" }, { CustomKeyStoreName: "nope" }]) {
      const err = await rejectionOf(kms.send(new DescribeCustomKeyStoresCommand(request)));
      expect(err).toBeInstanceOf(Kms.CustomKeyStoreNotFoundException);
    }
    const marker = await rejectionOf(
      kms.send(new DescribeCustomKeyStoresCommand({ Marker: "not-a-marker" })),
    );
    expect(marker).toBeInstanceOf(Kms.InvalidMarkerException);
  });

  it("failConnect ends the attempt in FAILED with the code; connect is refused until disconnect", async () => {
    const id = await createStore(kms, vpcInput());
    emu.keyStore(id).failConnect("XKS_VPC_ENDPOINT_SERVICE_INVALID_CONFIGURATION");
    const failed = await connect(kms, id);
    expect(failed).toMatchObject({
      ConnectionState: "FAILED",
      ConnectionErrorCode: "XKS_VPC_ENDPOINT_SERVICE_INVALID_CONFIGURATION",
    });
    expect(emu.keyStore(id).state()).toBe("FAILED");
    const refused = await rejectionOf(kms.send(new ConnectCustomKeyStoreCommand({ CustomKeyStoreId: id })));
    expect(refused).toBeInstanceOf(Kms.CustomKeyStoreInvalidStateException);
    const noKey = await rejectionOf(createStoreKey(kms, id, "k"));
    expect(noKey).toBeInstanceOf(Kms.CustomKeyStoreInvalidStateException);
    expect(noKey.message).toContain("not connected to its external key store proxy");

    await kms.send(new DisconnectCustomKeyStoreCommand({ CustomKeyStoreId: id }));
    const after = await describeStore(kms, id);
    expect([after.ConnectionState, after.ConnectionErrorCode]).toEqual(["DISCONNECTED", undefined]);
    expect((await connect(kms, id)).ConnectionState).toBe("CONNECTED");
  });

  it("failConnect with times fails that many attempts", async () => {
    const id = await createStore(kms, hsmInput());
    emu.keyStore(id).failConnect("USER_LOCKED_OUT", { times: 2 });
    for (let i = 0; i < 2; i++) {
      expect((await connect(kms, id)).ConnectionErrorCode).toBe("USER_LOCKED_OUT");
      await kms.send(new DisconnectCustomKeyStoreCommand({ CustomKeyStoreId: id }));
    }
    expect((await connect(kms, id)).ConnectionState).toBe("CONNECTED");
  });

  it("applies KMS's connection state rules", async () => {
    const id = await createStore(kms, hsmInput());
    const disconnectIdle = await rejectionOf(
      kms.send(new DisconnectCustomKeyStoreCommand({ CustomKeyStoreId: id })),
    );
    expect(disconnectIdle).toBeInstanceOf(Kms.CustomKeyStoreInvalidStateException);
    emu.keyStore(id).setState("DISCONNECTING");
    const connecting = await rejectionOf(
      kms.send(new ConnectCustomKeyStoreCommand({ CustomKeyStoreId: id })),
    );
    expect(connecting).toBeInstanceOf(Kms.CustomKeyStoreInvalidStateException);
    emu.keyStore(id).setState("DISCONNECTED");

    await connect(kms, id);
    // Connecting a connected store is a no-op.
    await kms.send(new ConnectCustomKeyStoreCommand({ CustomKeyStoreId: id }));
    expect(emu.keyStore(id).state()).toBe("CONNECTED");
    const del = await rejectionOf(kms.send(new DeleteCustomKeyStoreCommand({ CustomKeyStoreId: id })));
    expect(del).toBeInstanceOf(Kms.CustomKeyStoreInvalidStateException);
    const unknown = await rejectionOf(
      kms.send(new ConnectCustomKeyStoreCommand({ CustomKeyStoreId: "cks-00000000000000000" })),
    );
    expect(unknown).toBeInstanceOf(Kms.CustomKeyStoreNotFoundException);
    expect(() => emu.keyStore("cks-00000000000000000")).toThrow(/cks-00000000000000000/);
  });

  it("UpdateCustomKeyStore: only the name, credential and path while connected", async () => {
    const xks = await createStore(kms, xksInput());
    await connect(kms, xks);
    await kms.send(
      new UpdateCustomKeyStoreCommand({
        CustomKeyStoreId: xks,
        NewCustomKeyStoreName: `renamed-${next()}`,
        XksProxyUriPath: "/other/kms/xks/v1",
        XksProxyAuthenticationCredential: {
          AccessKeyId: "ZYXWVUTSRQPONMLKJIHG",
          RawSecretAccessKey: RAW_SECRET,
        },
      }),
    );
    const updated = await describeStore(kms, xks);
    expect(updated.XksProxyConfiguration).toMatchObject({
      UriPath: "/other/kms/xks/v1",
      AccessKeyId: "ZYXWVUTSRQPONMLKJIHG",
    });
    expect(updated.CustomKeyStoreName).toMatch(/^renamed-/);
    const endpoint = await rejectionOf(
      kms.send(
        new UpdateCustomKeyStoreCommand({
          CustomKeyStoreId: xks,
          XksProxyUriEndpoint: "https://moved.example.com",
        }),
      ),
    );
    expect(endpoint).toBeInstanceOf(Kms.CustomKeyStoreInvalidStateException);
    await kms.send(new DisconnectCustomKeyStoreCommand({ CustomKeyStoreId: xks }));
    await kms.send(
      new UpdateCustomKeyStoreCommand({
        CustomKeyStoreId: xks,
        XksProxyUriEndpoint: "https://moved.example.com",
      }),
    );
    expect((await describeStore(kms, xks)).XksProxyConfiguration?.UriEndpoint).toBe(
      "https://moved.example.com",
    );

    const hsm = await createStore(kms, hsmInput());
    await connect(kms, hsm);
    const password = await rejectionOf(
      kms.send(
        new UpdateCustomKeyStoreCommand({ CustomKeyStoreId: hsm, KeyStorePassword: "another-password" }),
      ),
    );
    expect(password).toBeInstanceOf(Kms.CustomKeyStoreInvalidStateException);
    expect(password.message).not.toContain("another-password");
    const unknown = await rejectionOf(
      kms.send(
        new UpdateCustomKeyStoreCommand({
          CustomKeyStoreId: "cks-00000000000000000",
          NewCustomKeyStoreName: "x",
        }),
      ),
    );
    expect(unknown).toBeInstanceOf(Kms.CustomKeyStoreNotFoundException);
  });

  it("validates CreateCustomKeyStore and UpdateCustomKeyStore as KMS does", async () => {
    const fresh = await startKmsEmulator();
    const client = clientFor(fresh);
    const nameOf = async (input: Kms.CreateCustomKeyStoreRequest): Promise<string> =>
      (await rejectionOf(client.send(new CreateCustomKeyStoreCommand(input)))).name;
    try {
      const hsm = hsmInput();
      await createStore(client, hsm);
      expect(await nameOf(hsmInput({ CustomKeyStoreName: hsm.CustomKeyStoreName }))).toBe(
        "CustomKeyStoreNameInUseException",
      );
      expect(await nameOf(hsmInput({ CloudHsmClusterId: hsm.CloudHsmClusterId }))).toBe(
        "CloudHsmClusterInUseException",
      );

      const pub = xksInput();
      await createStore(client, pub);
      expect(await nameOf(xksInput({ XksProxyUriEndpoint: pub.XksProxyUriEndpoint }))).toBe(
        "XksProxyUriInUseException",
      );
      // Public stores may share an endpoint with different paths.
      await createStore(
        client,
        xksInput({ XksProxyUriEndpoint: pub.XksProxyUriEndpoint, XksProxyUriPath: "/b/kms/xks/v1" }),
      );
      const vpc = vpcInput();
      await createStore(client, vpc);
      expect(
        await nameOf(vpcInput({ XksProxyVpcEndpointServiceName: vpc.XksProxyVpcEndpointServiceName })),
      ).toBe("XksProxyVpcEndpointServiceInUseException");
      expect(
        await nameOf(
          xksInput({ XksProxyUriEndpoint: vpc.XksProxyUriEndpoint, XksProxyUriPath: "/c/kms/xks/v1" }),
        ),
      ).toBe("XksProxyUriEndpointInUseException");

      // Required members per type and connectivity.
      expect(await nameOf(hsmInput({ KeyStorePassword: undefined }))).toBe("ValidationException");
      expect(await nameOf(hsmInput({ TrustAnchorCertificate: undefined }))).toBe("ValidationException");
      expect(await nameOf(xksInput({ XksProxyUriPath: undefined }))).toBe("ValidationException");
      expect(await nameOf(xksInput({ XksProxyAuthenticationCredential: undefined }))).toBe(
        "ValidationException",
      );
      expect(await nameOf(xksInput({ XksProxyConnectivity: undefined }))).toBe("ValidationException");
      expect(await nameOf(vpcInput({ XksProxyVpcEndpointServiceName: undefined }))).toBe(
        "ValidationException",
      );
      expect(await nameOf(xksInput({ XksProxyVpcEndpointServiceName: VPC_SERVICE }))).toBe(
        "ValidationException",
      );
      expect(await nameOf(xksInput({ XksProxyUriPath: "/not/the/path" }))).toBe("ValidationException");
      expect(await nameOf(xksInput({ CloudHsmClusterId: "cluster-aaaaaaaaaaa" }))).toBe(
        "ValidationException",
      );
      const shortSecret = { AccessKeyId: ACCESS_KEY_ID, RawSecretAccessKey: "too-short-secret" };
      const short = await rejectionOf(
        client.send(
          new CreateCustomKeyStoreCommand(xksInput({ XksProxyAuthenticationCredential: shortSecret })),
        ),
      );
      expect(short.name).toBe("ValidationException");
      expect(short.message).toContain("rawSecretAccessKey");
      expect(short.message).not.toContain("too-short-secret");
      const lowerId = { AccessKeyId: "abcdefghijklmnopqrst", RawSecretAccessKey: RAW_SECRET };
      expect(await nameOf(xksInput({ XksProxyAuthenticationCredential: lowerId }))).toBe(
        "ValidationException",
      );

      // The same validations on update.
      const other = await createStore(client, xksInput());
      const clash = await rejectionOf(
        client.send(
          new UpdateCustomKeyStoreCommand({
            CustomKeyStoreId: other,
            NewCustomKeyStoreName: hsm.CustomKeyStoreName,
          }),
        ),
      );
      expect(clash).toBeInstanceOf(Kms.CustomKeyStoreNameInUseException);
      const toVpc = await rejectionOf(
        client.send(
          new UpdateCustomKeyStoreCommand({
            CustomKeyStoreId: other,
            XksProxyConnectivity: "VPC_ENDPOINT_SERVICE",
          }),
        ),
      );
      expect(toVpc.name).toBe("ValidationException");

      // The quota: 10 stores per account and Region (SDK retries LimitExceededException; one attempt here).
      const { CustomKeyStores = [] } = await client.send(new DescribeCustomKeyStoresCommand({}));
      for (let i = CustomKeyStores.length; i < 10; i++) await createStore(client, hsmInput());
      const limit = await rejectionOf(client.send(new CreateCustomKeyStoreCommand(hsmInput())));
      expect(limit).toBeInstanceOf(Kms.LimitExceededException);
    } finally {
      await fresh.close();
    }
  });

  it("CreateKey validates the store and the external key", async () => {
    const xks = await createStore(kms, xksInput());
    const notConnected = await rejectionOf(createStoreKey(kms, xks, "k1"));
    expect(notConnected).toBeInstanceOf(Kms.CustomKeyStoreInvalidStateException);
    await connect(kms, xks);
    await createStoreKey(kms, xks, "k1");
    expect(await rejectionOf(createStoreKey(kms, xks, "k1"))).toBeInstanceOf(Kms.XksKeyAlreadyInUseException);
    const noXksKey = await rejectionOf(
      kms.send(new CreateKeyCommand({ Origin: "EXTERNAL_KEY_STORE", CustomKeyStoreId: xks })),
    );
    expect(noXksKey.name).toBe("ValidationException");
    const rsa = await rejectionOf(
      kms.send(
        new CreateKeyCommand({
          Origin: "EXTERNAL_KEY_STORE",
          CustomKeyStoreId: xks,
          XksKeyId: "k2",
          KeySpec: "RSA_2048",
        }),
      ),
    );
    expect(rsa).toBeInstanceOf(Kms.UnsupportedOperationException);
    const unknown = await rejectionOf(createStoreKey(kms, "cks-00000000000000000"));
    expect(unknown).toBeInstanceOf(Kms.CustomKeyStoreNotFoundException);
  });
});

// ---------------------------------------------------------------------------------------------------
// XKS proxy faults: expectations written from the reference (§4, §7c), not read from the emulator's table.

interface Expected {
  fragment: string;
  createKey: string;
  createKeyFragment?: string;
  connect: string | undefined;
  manage: string | undefined;
}

const EXPECTED: Record<XksProxyFault, Expected> = {
  timeout: {
    fragment: "did not respond in time",
    createKey: "CustomKeyStoreInvalidStateException",
    connect: "XKS_PROXY_TIMED_OUT",
    manage: "XksProxyUriUnreachableException",
  },
  "dependency-timeout": {
    fragment: "in the time allotted",
    createKey: "CustomKeyStoreInvalidStateException",
    connect: "XKS_PROXY_NOT_REACHABLE",
    manage: "XksProxyUriUnreachableException",
  },
  unreachable: {
    fragment: "cannot communicate with the external key store proxy",
    createKey: "CustomKeyStoreInvalidStateException",
    connect: "XKS_PROXY_NOT_REACHABLE",
    manage: "XksProxyUriUnreachableException",
  },
  tls: {
    fragment: "cannot establish a TLS connection",
    createKey: "CustomKeyStoreInvalidStateException",
    connect: "XKS_PROXY_INVALID_TLS_CONFIGURATION",
    manage: "XksProxyUriUnreachableException",
  },
  "invalid-response": {
    fragment: "cannot interpret the response",
    createKey: "CustomKeyStoreInvalidStateException",
    connect: "XKS_PROXY_INVALID_RESPONSE",
    manage: "XksProxyInvalidResponseException",
  },
  "ekm-unreachable": {
    fragment: "cannot communicate with the external key manager",
    createKey: "CustomKeyStoreInvalidStateException",
    connect: "XKS_PROXY_INVALID_RESPONSE",
    manage: "XksProxyInvalidResponseException",
  },
  "access-denied": {
    fragment: "denied access to the operation",
    createKey: "CustomKeyStoreInvalidStateException",
    connect: "XKS_PROXY_ACCESS_DENIED",
    manage: undefined,
  },
  "bad-credentials": {
    fragment: "could not authenticate",
    createKey: "CustomKeyStoreInvalidStateException",
    connect: "INVALID_CREDENTIALS",
    manage: "XksProxyIncorrectAuthenticationCredentialException",
  },
  "invalid-uri-path": {
    fragment: "invalid URI path",
    createKey: "CustomKeyStoreInvalidStateException",
    connect: "XKS_PROXY_INVALID_CONFIGURATION",
    manage: "XksProxyInvalidConfigurationException",
  },
  throttled: {
    fragment: "very high request rate",
    createKey: "CustomKeyStoreInvalidStateException",
    connect: "XKS_PROXY_NOT_REACHABLE",
    manage: "XksProxyUriUnreachableException",
  },
  unhealthy: {
    fragment: "unhealthy state",
    createKey: "CustomKeyStoreInvalidStateException",
    connect: "XKS_PROXY_NOT_REACHABLE",
    manage: "XksProxyUriUnreachableException",
  },
  "key-not-found": {
    fragment: "not found in its external key manager",
    createKey: "XksKeyNotFoundException",
    createKeyFragment: "could not find the external key",
    connect: undefined,
    manage: undefined,
  },
  "key-disabled": {
    fragment: "not enabled in the external key manager",
    createKey: "XksKeyInvalidConfigurationException",
    connect: undefined,
    manage: undefined,
  },
  "key-unsupported-usage": {
    fragment: "external key does not support",
    createKey: "XksKeyInvalidConfigurationException",
    connect: undefined,
    manage: undefined,
  },
};

const FAULTS = Object.keys(EXPECTED) as XksProxyFault[];

describe("XKS proxy faults", () => {
  const connectedXks = async (): Promise<{ id: string; key: Kms.KeyMetadata }> => {
    const id = await createStore(kms, xksInput());
    await connect(kms, id);
    const key = await createStoreKey(kms, id, `xks-key-${next()}`);
    return { id, key };
  };

  it.each(FAULTS)(
    "%s: Encrypt, Decrypt and GenerateDataKey fail with KMSInvalidStateException",
    async (fault) => {
      const { id, key } = await connectedXks();
      const enc = await kms.send(new EncryptCommand({ KeyId: key.KeyId, Plaintext: plaintext }));
      emu.keyStore(id).proxyFault(fault);
      const calls = [
        kms.send(new EncryptCommand({ KeyId: key.KeyId, Plaintext: plaintext })),
        kms.send(new DecryptCommand({ CiphertextBlob: enc.CiphertextBlob })),
        kms.send(new GenerateDataKeyCommand({ KeyId: key.KeyId, KeySpec: "AES_256" })),
        kms.send(new ReEncryptCommand({ CiphertextBlob: enc.CiphertextBlob, DestinationKeyId: key.KeyId })),
      ];
      for (const call of calls) {
        const err = await rejectionOf(call);
        expect(err).toBeInstanceOf(Kms.KMSInvalidStateException);
        expect(err.$metadata.httpStatusCode).toBe(400);
        expect(err.message.toLowerCase()).toContain(EXPECTED[fault].fragment.toLowerCase());
        expect(err.message).not.toContain("{");
      }
      // DescribeKey does not reach the proxy.
      expect((await kms.send(new DescribeKeyCommand({ KeyId: key.KeyId }))).KeyMetadata?.KeyState).toBe(
        "Enabled",
      );
    },
  );

  it.each(FAULTS)("%s: CreateKey fails as KMS reports it", async (fault) => {
    const { id } = await connectedXks();
    emu.keyStore(id).proxyFault(fault);
    const err = await rejectionOf(createStoreKey(kms, id, "new-key"));
    expect(err.name).toBe(EXPECTED[fault].createKey);
    expect(err).toBeInstanceOf(
      (Kms as unknown as Record<string, new () => Error>)[EXPECTED[fault].createKey] as new () => Error,
    );
    expect(err.message.toLowerCase()).toContain(EXPECTED[fault].fragment.toLowerCase());
    const also = EXPECTED[fault].createKeyFragment;
    if (also !== undefined) expect(err.message.toLowerCase()).toContain(also);
  });

  it.each(FAULTS)("%s: ConnectCustomKeyStore ends with the matching ConnectionErrorCode", async (fault) => {
    const id = await createStore(kms, vpcInput());
    emu.keyStore(id).proxyFault(fault);
    const entry = await connect(kms, id);
    const code = EXPECTED[fault].connect;
    if (code === undefined) expect(entry.ConnectionState).toBe("CONNECTED");
    else expect([entry.ConnectionState, entry.ConnectionErrorCode]).toEqual(["FAILED", code]);
  });

  it.each(FAULTS)("%s: CreateCustomKeyStore and UpdateCustomKeyStore of a public store", async (fault) => {
    const input = xksInput();
    const endpoint = input.XksProxyUriEndpoint as string;
    emu.xksProxy(endpoint).proxyFault(fault);
    const expected = EXPECTED[fault].manage;
    if (expected === undefined) {
      const id = await createStore(kms, input);
      emu.keyStore(id).proxyFault(fault);
      await kms.send(
        new UpdateCustomKeyStoreCommand({ CustomKeyStoreId: id, XksProxyUriPath: "/new/kms/xks/v1" }),
      );
      return;
    }
    const err = await rejectionOf(kms.send(new CreateCustomKeyStoreCommand(input)));
    expect(err.name).toBe(expected);
    expect(err).toBeInstanceOf(
      (Kms as unknown as Record<string, new () => Error>)[expected] as new () => Error,
    );
    expect(err.message.toLowerCase()).toContain(EXPECTED[fault].fragment.toLowerCase());
    expect(err.message).toContain(endpoint);
    emu.xksProxy(endpoint).proxyFault(undefined);
    const id = await createStore(kms, input);
    emu.keyStore(id).proxyFault(fault);
    const update = await rejectionOf(
      kms.send(new UpdateCustomKeyStoreCommand({ CustomKeyStoreId: id, XksProxyUriPath: "/new/kms/xks/v1" })),
    );
    expect(update.name).toBe(expected);
  });

  it("counts faults down with times, and clears them with undefined", async () => {
    const { id, key } = await connectedXks();
    emu.keyStore(id).proxyFault("timeout", { times: 1 });
    expect(
      (await rejectionOf(kms.send(new EncryptCommand({ KeyId: key.KeyId, Plaintext: plaintext })))).name,
    ).toBe("KMSInvalidStateException");
    await kms.send(new EncryptCommand({ KeyId: key.KeyId, Plaintext: plaintext }));
    emu.keyStore(id).proxyFault("throttled");
    for (let i = 0; i < 2; i++)
      await rejectionOf(kms.send(new EncryptCommand({ KeyId: key.KeyId, Plaintext: plaintext })));
    emu.keyStore(id).proxyFault(undefined);
    await kms.send(new EncryptCommand({ KeyId: key.KeyId, Plaintext: plaintext }));
    expect(() => emu.keyStore(id).proxyFault("cluster-unreachable")).toThrow(TypeError);
  });

  it("cluster-unreachable: CloudHSM crypto fails with KMSInvalidStateException; connect gets NETWORK_ERRORS", async () => {
    const id = await createStore(kms, hsmInput());
    await connect(kms, id);
    const key = await createStoreKey(kms, id);
    emu.keyStore(id).proxyFault("cluster-unreachable");
    const err = await rejectionOf(kms.send(new EncryptCommand({ KeyId: key.KeyId, Plaintext: plaintext })));
    expect(err).toBeInstanceOf(Kms.KMSInvalidStateException);
    expect(err.message).toContain("cannot communicate with your CloudHSM cluster");
    await kms.send(new DisconnectCustomKeyStoreCommand({ CustomKeyStoreId: id }));
    expect((await connect(kms, id)).ConnectionErrorCode).toBe("NETWORK_ERRORS");
    expect(() => emu.keyStore(id).proxyFault("timeout")).toThrow(TypeError);
  });
});

// ---------------------------------------------------------------------------------------------------

describe("secrets", () => {
  it("never appear in any response body", async () => {
    const secret = "TopSecretRawSecretAccessKeyValue1234567890abc";
    const password = "Hunter2-password";
    const bodies: string[] = [];
    const call = async (operation: string, body: unknown): Promise<Record<string, unknown>> => {
      const res = await rawCall(emu, operation, body);
      bodies.push(res.text);
      return res.json;
    };
    const xks = xksInput({
      XksProxyAuthenticationCredential: { AccessKeyId: ACCESS_KEY_ID, RawSecretAccessKey: secret },
    });
    const { CustomKeyStoreId: xksId } = await call("CreateCustomKeyStore", xks);
    const { CustomKeyStoreId: hsmId } = await call(
      "CreateCustomKeyStore",
      hsmInput({ KeyStorePassword: password }),
    );
    // Errors that quote the request: duplicates, validation, invalid state, proxy faults.
    await call("CreateCustomKeyStore", xks);
    await call("CreateCustomKeyStore", hsmInput({ KeyStorePassword: `${password}${"x".repeat(40)}` }));
    await call(
      "CreateCustomKeyStore",
      xksInput({
        XksProxyAuthenticationCredential: { AccessKeyId: ACCESS_KEY_ID, RawSecretAccessKey: `${secret}!` },
      }),
    );
    await call(
      "CreateCustomKeyStore",
      xksInput({ XksProxyAuthenticationCredential: { AccessKeyId: "lower", RawSecretAccessKey: secret } }),
    );
    await call("DescribeCustomKeyStores", {});
    await call("UpdateCustomKeyStore", { CustomKeyStoreId: hsmId, KeyStorePassword: password });
    await call("ConnectCustomKeyStore", { CustomKeyStoreId: xksId });
    await new Promise((r) => setTimeout(r, 20));
    await call("UpdateCustomKeyStore", {
      CustomKeyStoreId: hsmId,
      KeyStorePassword: password,
      CloudHsmClusterId: "cluster-zzzzzzzzzzz",
    });
    emu.keyStore(String(xksId)).proxyFault("bad-credentials");
    await call("UpdateCustomKeyStore", {
      CustomKeyStoreId: xksId,
      XksProxyAuthenticationCredential: { AccessKeyId: ACCESS_KEY_ID, RawSecretAccessKey: secret },
    });
    const key = (await call("CreateKey", {})).KeyMetadata as { KeyId: string };
    const text = "my plaintext is private";
    const enc = await call("Encrypt", { KeyId: key.KeyId, Plaintext: Buffer.from(text).toString("base64") });
    await call("Encrypt", { KeyId: "missing", Plaintext: Buffer.from(text).toString("base64") });

    expect(bodies.some((b) => b.includes("CustomKeyStoreNameInUseException"))).toBe(true);
    expect(bodies.some((b) => b.includes("XksProxyIncorrectAuthenticationCredentialException"))).toBe(true);
    expect(bodies.some((b) => b.includes(ACCESS_KEY_ID))).toBe(true); // DescribeCustomKeyStores returns it, as KMS does
    expect(enc.CiphertextBlob).toBeTypeOf("string");
    for (const body of bodies) {
      for (const forbidden of [secret, password, text, Buffer.from(text).toString("base64")]) {
        expect(body).not.toContain(forbidden);
      }
    }
  });
});
