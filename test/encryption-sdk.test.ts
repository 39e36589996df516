import {
  AwsKmsMrkAwareSymmetricKeyringNode,
  buildAwsKmsMrkAwareStrictMultiKeyringNode,
  buildClient,
  CommitmentPolicy,
  KmsKeyringNode,
  type KmsNodeClientSupplier,
} from "@aws-crypto/client-node";
import {
  ConnectCustomKeyStoreCommand,
  CreateCustomKeyStoreCommand,
  CreateKeyCommand,
  DescribeCustomKeyStoresCommand,
  DisableKeyCommand,
  EnableKeyCommand,
  KMS,
  type KMSClient,
} from "@aws-sdk/client-kms";
import { classify, type KmsFailure, kmsClientProvider } from "kms-keystore-errors";
import {
  type KmsEmulator,
  startKmsEmulator,
  startXksProxy,
  type XksProxy,
} from "kms-keystore-errors/testing";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import * as example from "../examples/encryption-sdk.js";
import { clientFor, rejectionOf } from "./support/kms.js";

// The AWS Encryption SDK for JavaScript against the KMS emulator: an external key store whose
// proxy is the fake XKS proxy, a KMS key in it, and the Encryption SDK's KmsKeyringNode with a
// clientProvider that builds the SDK's aggregated KMS client pointed at the emulator.

const ACCESS_KEY_ID = "AKIAENCRYPTIONSDKTST";
const SECRET = "SECRETMARKERencryptionsdk0123456789abcdefghijk";
const PLAINTEXT = "the Encryption SDK's plaintext, never echoed";
const CONTEXT = { purpose: "encryption-sdk-test" };

let emu: KmsEmulator;
let proxy: XksProxy;
let kms: KMSClient;
let keyArn: string;
let secondKeyArn: string;
const built: KMS[] = [];

/**
 * The Encryption SDK's client provider: an aggregated KMS client on the emulator. The Encryption SDK
 * types its client's outputs with required members, which the SDK's own outputs do not satisfy
 * under `exactOptionalPropertyTypes`; at run time they are what it calls.
 */
const clientProvider = ((region: string): KMS => {
  const client = new KMS({ ...emu.clientConfig, region, maxAttempts: 1 });
  built.push(client);
  return client;
}) as unknown as KmsNodeClientSupplier;

const { encrypt, decrypt } = buildClient(CommitmentPolicy.REQUIRE_ENCRYPT_REQUIRE_DECRYPT);

beforeAll(async () => {
  emu = await startKmsEmulator({ connectDelayMs: 1 });
  proxy = await startXksProxy({
    credential: { accessKeyId: ACCESS_KEY_ID, secretAccessKey: SECRET },
    keys: [{ id: "esdk-key" }, { id: "esdk-key-2" }],
  });
  const endpoint = "https://xks-esdk.example.com";
  emu.routeXksProxy(endpoint, proxy);
  kms = clientFor(emu, { maxAttempts: 1 });
  const store = await kms.send(
    new CreateCustomKeyStoreCommand({
      CustomKeyStoreName: "encryption-sdk",
      CustomKeyStoreType: "EXTERNAL_KEY_STORE",
      XksProxyConnectivity: "PUBLIC_ENDPOINT",
      XksProxyUriEndpoint: endpoint,
      XksProxyUriPath: "/kms/xks/v1",
      XksProxyAuthenticationCredential: { AccessKeyId: ACCESS_KEY_ID, RawSecretAccessKey: SECRET },
    }),
  );
  const storeId = store.CustomKeyStoreId ?? "";
  await kms.send(new ConnectCustomKeyStoreCommand({ CustomKeyStoreId: storeId }));
  // Bounded wait for the asynchronous connect (the emulator connects in about a millisecond).
  for (let i = 0; i < 500; i++) {
    const described = await kms.send(new DescribeCustomKeyStoresCommand({ CustomKeyStoreId: storeId }));
    const state = described.CustomKeyStores?.[0]?.ConnectionState;
    if (state === "CONNECTED") break;
    if (state !== "CONNECTING") throw new Error(`the key store is ${String(state)}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  const key = await kms.send(
    new CreateKeyCommand({ CustomKeyStoreId: storeId, Origin: "EXTERNAL_KEY_STORE", XksKeyId: "esdk-key" }),
  );
  keyArn = key.KeyMetadata?.Arn ?? "";
  const second = await kms.send(
    new CreateKeyCommand({ CustomKeyStoreId: storeId, Origin: "EXTERNAL_KEY_STORE", XksKeyId: "esdk-key-2" }),
  );
  secondKeyArn = second.KeyMetadata?.Arn ?? "";
});

afterEach(() => {
  for (const target of ["*", "encrypt", "decrypt"] as const) proxy.setFault(target, undefined);
});

afterAll(async () => {
  for (const client of built) client.destroy();
  kms?.destroy();
  await emu?.close();
  await proxy?.close();
});

describe("the AWS Encryption SDK against the KMS emulator", () => {
  it("encrypts and decrypts for real through an external key store", async () => {
    const keyring = new KmsKeyringNode({ generatorKeyId: keyArn, clientProvider });
    const { result } = await encrypt(keyring, PLAINTEXT, { encryptionContext: CONTEXT });
    expect(result.includes(Buffer.from(PLAINTEXT))).toBe(false);

    const { plaintext, messageHeader } = await decrypt(keyring, result);
    expect(plaintext.toString("utf8")).toBe(PLAINTEXT);
    expect(messageHeader.encryptionContext).toMatchObject(CONTEXT);
    expect(messageHeader.encryptedDataKeys.map((k) => k.providerInfo)).toEqual([keyArn]);

    // KMS called the proxy for both the data key and its decryption.
    const operations = proxy.requests().map((r) => `${r.operation}:${r.kmsOperation}`);
    expect(operations).toContain("encrypt:GenerateDataKey");
    expect(operations).toContain("decrypt:Decrypt");
  });

  it("throws its aggregated error when the XKS proxy times out on Decrypt", async () => {
    const keyring = new KmsKeyringNode({ generatorKeyId: keyArn, clientProvider });
    const { result } = await encrypt(keyring, PLAINTEXT, { encryptionContext: CONTEXT });

    // The proxy answers Decrypt after 1 s; KMS waits 250 ms and reports the timeout.
    proxy.setFault("decrypt", { delayMs: 1000 });
    const error = (await rejectionOf(decrypt(keyring, result))) as Error & Record<string, unknown>;

    // A plain Error, no cause, no SDK metadata: the inner KMS error survives only as stack text.
    expect(Object.getPrototypeOf(error)).toBe(Error.prototype);
    expect(error.name).toBe("Error");
    expect(error.cause).toBeUndefined();
    expect(error.$metadata).toBeUndefined();
    expect(error.$fault).toBeUndefined();
    expect(Object.keys(error)).toEqual([]);

    const lines = error.message.split("\n");
    expect(lines[0]).toBe("Unable to decrypt data key and one or more KMS CMKs had an error. ");
    expect(lines[1]).toBe("  Error #1 ");
    expect(lines[2]).toBe(
      " KMSInvalidStateException: The external key store proxy did not respond in time. Retry the request. If you see this error repeatedly, report it to your external key store proxy administrator.",
    );
    // Then the inner error's stack frames, and one " \n" after it.
    expect(lines[3]).toMatch(/^ {4}at /);
    expect(error.message.endsWith(" \n")).toBe(true);
    expect(error.message.match(/Error #\d+/g)).toEqual(["Error #1"]);
    // Nothing secret in it: not the plaintext, not the proxy credential.
    expect(error.message).not.toContain(PLAINTEXT);
    expect(error.message).not.toContain(SECRET);

    // KMS did answer it: the Decrypt request reached the emulator (the SDK did not retry a 400).
    expect(emu.requests("Decrypt").length).toBeGreaterThanOrEqual(1);
  });

  it("throws the MRK-aware keyring's aggregated error, in its own layout, for the same timeout", async () => {
    const client = clientProvider("us-east-1");
    if (client === false) throw new Error("no client");
    const keyring = new AwsKmsMrkAwareSymmetricKeyringNode({ client, keyId: keyArn });
    const { result } = await encrypt(keyring, PLAINTEXT, { encryptionContext: CONTEXT });
    proxy.setFault("decrypt", { delayMs: 1000 });
    const error = (await rejectionOf(decrypt(keyring, result))) as Error;

    expect(Object.getPrototypeOf(error)).toBe(Error.prototype);
    expect(error.cause).toBeUndefined();
    const lines = error.message.split("\n");
    expect(lines.slice(0, 3)).toEqual([
      "Unable to decrypt data key.",
      "Error #1  ",
      "KMSInvalidStateException: The external key store proxy did not respond in time. Retry the request. If you see this error repeatedly, report it to your external key store proxy administrator.",
    ]);
    expect(lines[3]).toMatch(/^ {4}at /);
    expect(error.message).not.toContain(SECRET);
  });

  it("lists every inner error in order when each wrapping key fails differently", async () => {
    const keyring = new KmsKeyringNode({ generatorKeyId: keyArn, keyIds: [secondKeyArn], clientProvider });
    const { result } = await encrypt(keyring, PLAINTEXT, { encryptionContext: CONTEXT });
    await kms.send(new DisableKeyCommand({ KeyId: secondKeyArn }));
    try {
      proxy.setFault("decrypt", { delayMs: 1000 });
      const error = (await rejectionOf(decrypt(keyring, result))) as Error;
      const headlines = error.message.split("\n").filter((line) => !/^ {4}at /.test(line));
      expect(headlines).toEqual([
        "Unable to decrypt data key and one or more KMS CMKs had an error. ",
        "  Error #1 ",
        " KMSInvalidStateException: The external key store proxy did not respond in time. Retry the request. If you see this error repeatedly, report it to your external key store proxy administrator.",
        // Each stack ends with " \n" on its last frame's line; the next error starts with one space.
        " Error #2 ",
        ` DisabledException: ${secondKeyArn} is disabled.`,
        "",
      ]);
    } finally {
      await kms.send(new EnableKeyCommand({ KeyId: secondKeyArn }));
    }
  });

  it("nests the MRK-aware keyring's error inside the strict multi-keyring's", async () => {
    const keyring = buildAwsKmsMrkAwareStrictMultiKeyringNode({ generatorKeyId: keyArn, clientProvider });
    const { result } = await encrypt(keyring, PLAINTEXT, { encryptionContext: CONTEXT });
    proxy.setFault("decrypt", { delayMs: 1000 });
    const error = (await rejectionOf(decrypt(keyring, result))) as Error;
    expect(Object.getPrototypeOf(error)).toBe(Error.prototype);
    const headlines = error.message.split("\n").filter((line) => !/^ {4}at /.test(line));
    // The child's error is itself an aggregated error: its stack starts with "Error: " and its
    // message, so the KMS error's text appears once, inside it.
    expect(headlines).toEqual([
      "Unable to decrypt data key and one or more child keyrings had an error. ",
      "  Error #1 ",
      " Error: Unable to decrypt data key.",
      "Error #1  ",
      "KMSInvalidStateException: The external key store proxy did not respond in time. Retry the request. If you see this error repeatedly, report it to your external key store proxy administrator.",
      "",
    ]);
  });

  it("lets a KMS error on Encrypt reach the caller unchanged", async () => {
    const keyring = new KmsKeyringNode({ generatorKeyId: keyArn, clientProvider });
    proxy.setFault("encrypt", { delayMs: 1000 });
    const error = (await rejectionOf(
      encrypt(keyring, PLAINTEXT, { encryptionContext: CONTEXT }),
    )) as Error & {
      $metadata?: { httpStatusCode?: number };
    };
    expect(error.name).toBe("KMSInvalidStateException");
    expect(error.message).toBe(
      "The external key store proxy did not respond in time. Retry the request. If you see this error repeatedly, report it to your external key store proxy administrator.",
    );
    expect(error.$metadata?.httpStatusCode).toBe(400);
  });
});

describe("kmsClientProvider with the Encryption SDK's keyrings", () => {
  /** The provider's clients, pointed at the emulator, reporting every failure they classify. */
  const reported: KmsFailure[] = [];
  let provided: ReturnType<typeof kmsClientProvider>;
  let providerOnEmulator: KmsNodeClientSupplier;
  beforeAll(() => {
    provided = kmsClientProvider({
      clientConfig: { ...emu.clientConfig, maxAttempts: 1 },
      onFailure: (failure) => reported.push(failure),
    });
    // The Encryption SDK types its client's outputs more strictly than the SDK's own (see above).
    providerOnEmulator = provided as unknown as KmsNodeClientSupplier;
  });

  afterEach(() => {
    reported.length = 0;
  });
  afterAll(() => {
    for (const region of ["us-east-1", "eu-west-1"]) {
      const client = provided(region);
      if (client !== false) client.destroy();
    }
  });

  it("builds one client per Region, with the plugin installed, that encrypts and decrypts for real", async () => {
    const client = provided("us-east-1");
    expect(client).toBe(provided("us-east-1"));
    expect(client).not.toBe(provided("eu-west-1"));
    const keyring = new KmsKeyringNode({ generatorKeyId: keyArn, clientProvider: providerOnEmulator });
    const { result } = await encrypt(keyring, PLAINTEXT, { encryptionContext: CONTEXT });
    const { plaintext } = await decrypt(keyring, result);
    expect(plaintext.toString("utf8")).toBe(PLAINTEXT);
    expect(reported).toEqual([]);
  });

  it("classifies the aggregated error of an XKS proxy timeout on Decrypt as XKS_PROXY_TIMED_OUT", async () => {
    const keyring = new KmsKeyringNode({ generatorKeyId: keyArn, clientProvider: providerOnEmulator });
    const { result } = await encrypt(keyring, PLAINTEXT, { encryptionContext: CONTEXT });
    proxy.setFault("decrypt", { delayMs: 1000 });
    const error = await rejectionOf(decrypt(keyring, result));

    // The provider's client saw KMS's own error and reported it as it happened.
    expect(reported.map((f) => [f.kind, f.cause, f.operation])).toEqual([
      ["KMSInvalidStateException", "XKS_PROXY_TIMED_OUT", "Decrypt"],
    ]);
    // The Encryption SDK's aggregated error, classified: the inner failure, with via and related.
    const failure = classify(error);
    expect(failure).toMatchObject({
      kind: "KMSInvalidStateException",
      cause: "XKS_PROXY_TIMED_OUT",
      retryable: true,
      keyStoreType: "EXTERNAL_KEY_STORE",
      via: { service: "AWS Encryption SDK" },
    });
    expect(failure.related?.map((f) => f.cause)).toEqual(["XKS_PROXY_TIMED_OUT"]);
    expect(JSON.stringify(failure)).not.toContain(PLAINTEXT);
  });

  it("picks the custom key store's failure of several, and keeps every one in related, in order", async () => {
    const keyring = new KmsKeyringNode({
      generatorKeyId: secondKeyArn,
      keyIds: [keyArn],
      clientProvider: providerOnEmulator,
    });
    const { result } = await encrypt(keyring, PLAINTEXT, { encryptionContext: CONTEXT });
    await kms.send(new DisableKeyCommand({ KeyId: secondKeyArn }));
    try {
      proxy.setFault("decrypt", { delayMs: 1000 });
      const failure = classify(await rejectionOf(decrypt(keyring, result)));
      expect(failure.related?.map((f) => f.kind)).toEqual(["DisabledException", "KMSInvalidStateException"]);
      expect(failure.cause).toBe("XKS_PROXY_TIMED_OUT");
    } finally {
      await kms.send(new EnableKeyCommand({ KeyId: secondKeyArn }));
    }
  });
});

describe("examples/encryption-sdk.ts", () => {
  it("decrypts what it encrypted, and classifies an XKS proxy timeout on Decrypt", async () => {
    const lines: string[] = [];
    for (const method of ["log", "warn", "error"] as const) {
      vi.spyOn(console, method).mockImplementation((...args: unknown[]) => void lines.push(args.join(" ")));
    }
    const config = { ...emu.clientConfig, maxAttempts: 1 };
    expect(await example.main(config, keyArn)).toEqual({ roundTrip: true });

    proxy.setFault("decrypt", { delayMs: 1000 });
    const outcome = await example.main(config, keyArn);
    expect(outcome.roundTrip).toBe(false);
    expect(outcome.failure).toMatchObject({
      cause: "XKS_PROXY_TIMED_OUT",
      via: { service: "AWS Encryption SDK" },
    });
    const printed = lines.join("\n");
    expect(printed).toContain('"kms.failure.cause":"XKS_PROXY_TIMED_OUT"');
    expect(printed).toContain("Through: AWS Encryption SDK");
    expect(printed).not.toContain("order 1234");
  });
});
