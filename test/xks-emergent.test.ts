import { readFileSync } from "node:fs";
import {
  ConnectCustomKeyStoreCommand,
  CreateCustomKeyStoreCommand,
  type CreateCustomKeyStoreRequest,
  CreateKeyCommand,
  type CustomKeyStoresListEntry,
  DecryptCommand,
  DescribeCustomKeyStoresCommand,
  DisconnectCustomKeyStoreCommand,
  EncryptCommand,
  GenerateDataKeyCommand,
  KMSClient,
  ReEncryptCommand,
  UpdateCustomKeyStoreCommand,
} from "@aws-sdk/client-kms";
import { classify, connectionFailure } from "kms-keystore-errors";
import {
  type KmsEmulator,
  startKmsEmulator,
  startXksProxy,
  type XksProxy,
  type XksProxyOptions,
} from "kms-keystore-errors/testing";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

// ---------------------------------------------------------------------------------------------------
// Helpers: a real KMSClient against the emulator, whose external key stores call a real fake proxy.

const ACCESS_KEY_ID = "AKIAXKSEMERGENTTEST2";
const SECRET = "SECRETMARKERemergent0123456789abcdefghijklmnop";
const WRONG_SECRET = "WRONGSECRETemergent0123456789abcdefghijklmnopq";
const credential = { accessKeyId: ACCESS_KEY_ID, secretAccessKey: SECRET };
const fixture = (name: string): string =>
  readFileSync(new URL(`./fixtures/xks-proxy/${name}`, import.meta.url), "utf8");

type SdkError = Error & { $metadata: { requestId?: string; httpStatusCode?: number } };

const rejectionOf = async (promise: Promise<unknown>): Promise<SdkError> => {
  try {
    await promise;
  } catch (error) {
    return error as SdkError;
  }
  throw new Error("Expected the promise to reject.");
};

let emu: KmsEmulator;
let kms: KMSClient;
const proxies: XksProxy[] = [];
let unique = 0;

beforeEach(async () => {
  emu = await startKmsEmulator({ connectDelayMs: 1 });
  kms = new KMSClient({ ...emu.clientConfig, maxAttempts: 1 });
});

afterEach(async () => {
  kms.destroy();
  await emu.close();
  await Promise.all(proxies.splice(0).map((p) => p.close()));
});

/** Starts a fake proxy with one healthy key, `key-1`, routed from a fresh `https://` endpoint. */
const routedProxy = async (
  options: Partial<XksProxyOptions> = {},
): Promise<{ proxy: XksProxy; endpoint: string }> => {
  const proxy = await startXksProxy({ credential, keys: [{ id: "key-1" }], ...options });
  proxies.push(proxy);
  unique += 1;
  const endpoint = `https://xks-${unique}.example.com`;
  emu.routeXksProxy(endpoint, proxy);
  return { proxy, endpoint };
};

const storeInput = (
  endpoint: string,
  overrides: Partial<CreateCustomKeyStoreRequest> = {},
): CreateCustomKeyStoreRequest => ({
  CustomKeyStoreName: `emergent-${unique}`,
  CustomKeyStoreType: "EXTERNAL_KEY_STORE",
  XksProxyConnectivity: "PUBLIC_ENDPOINT",
  XksProxyUriEndpoint: endpoint,
  XksProxyUriPath: "/kms/xks/v1",
  XksProxyAuthenticationCredential: { AccessKeyId: ACCESS_KEY_ID, RawSecretAccessKey: SECRET },
  ...overrides,
});

/** A VPC store: `CreateCustomKeyStore` does not call the proxy, `ConnectCustomKeyStore` does. */
const vpcInput = (
  endpoint: string,
  overrides: Partial<CreateCustomKeyStoreRequest> = {},
): CreateCustomKeyStoreRequest =>
  storeInput(endpoint, {
    XksProxyConnectivity: "VPC_ENDPOINT_SERVICE",
    XksProxyVpcEndpointServiceName: `com.amazonaws.vpce.us-east-1.vpce-svc-0${unique}23456789abcdef`,
    ...overrides,
  });

const createStore = async (input: CreateCustomKeyStoreRequest): Promise<string> =>
  (await kms.send(new CreateCustomKeyStoreCommand(input))).CustomKeyStoreId ?? "";

/** Connects and polls `DescribeCustomKeyStores` until the store leaves `CONNECTING`. */
const connect = async (id: string): Promise<{ entry: CustomKeyStoresListEntry; requestId: string }> => {
  const out = await kms.send(new ConnectCustomKeyStoreCommand({ CustomKeyStoreId: id }));
  const deadline = Date.now() + 5000;
  for (;;) {
    const described = await kms.send(new DescribeCustomKeyStoresCommand({ CustomKeyStoreId: id }));
    const entry = described.CustomKeyStores?.[0];
    if (entry === undefined) throw new Error(`no store ${id}`);
    if (entry.ConnectionState !== "CONNECTING") return { entry, requestId: out.$metadata.requestId ?? "" };
    if (Date.now() > deadline) throw new Error(`${id} is still CONNECTING`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
};

const createKey = (storeId: string, xksKeyId = "key-1") =>
  kms.send(
    new CreateKeyCommand({ CustomKeyStoreId: storeId, Origin: "EXTERNAL_KEY_STORE", XksKeyId: xksKeyId }),
  );

/** A healthy store with a KMS key backed by `key-1`, connected. */
const connectedKey = async (
  options: Partial<XksProxyOptions> = {},
): Promise<{ proxy: XksProxy; storeId: string; keyId: string }> => {
  const { proxy, endpoint } = await routedProxy(options);
  const storeId = await createStore(storeInput(endpoint));
  expect((await connect(storeId)).entry.ConnectionState).toBe("CONNECTED");
  const keyId = (await createKey(storeId)).KeyMetadata?.KeyId ?? "";
  return { proxy, storeId, keyId };
};

const encrypt = (keyId: string, text = "hello") =>
  kms.send(new EncryptCommand({ KeyId: keyId, Plaintext: Buffer.from(text) }));

interface Classified {
  kind: string;
  cause: string;
  retryable: boolean;
}

/** The wire error and what `classify` says of it; an external key store's, never echoing the secret. */
const expectFailure = (error: SdkError, expected: Classified): void => {
  expect(error.name).toBe(expected.kind);
  expect(error.message).not.toContain(SECRET);
  expect(error.message).not.toContain(WRONG_SECRET);
  const failure = classify(error);
  expect({ kind: failure.kind, cause: failure.cause, retryable: failure.retryable }).toEqual(expected);
  expect(failure.keyStoreType).toBe("EXTERNAL_KEY_STORE");
};

// ---------------------------------------------------------------------------------------------------

describe("a routed external key store, healthy", () => {
  it("creates, connects, creates a key and round-trips through the proxy with KMS's request ids", async () => {
    const { proxy, endpoint } = await routedProxy();
    const created = await kms.send(new CreateCustomKeyStoreCommand(storeInput(endpoint)));
    const storeId = created.CustomKeyStoreId ?? "";
    const connected = await connect(storeId);
    expect(connected.entry.ConnectionState).toBe("CONNECTED");
    const key = await createKey(storeId);
    const keyId = key.KeyMetadata?.KeyId ?? "";
    expect(key.KeyMetadata?.XksKeyConfiguration?.Id).toBe("key-1");

    const context = { purpose: "test" };
    const encrypted = await kms.send(
      new EncryptCommand({ KeyId: keyId, Plaintext: Buffer.from("top secret"), EncryptionContext: context }),
    );
    const blob = encrypted.CiphertextBlob ?? new Uint8Array();
    expect(Buffer.from(blob).includes(Buffer.from("top secret"))).toBe(false);
    const decrypted = await kms.send(
      new DecryptCommand({ CiphertextBlob: blob, EncryptionContext: context }),
    );
    expect(Buffer.from(decrypted.Plaintext ?? new Uint8Array()).toString()).toBe("top secret");
    expect(decrypted.KeyId).toBe(key.KeyMetadata?.Arn);

    // The wrong encryption context fails KMS's own layer after the proxy decrypted its layer.
    const wrongContext = await rejectionOf(
      kms.send(new DecryptCommand({ CiphertextBlob: blob, EncryptionContext: { purpose: "other" } })),
    );
    expect(wrongContext.name).toBe("InvalidCiphertextException");

    const calls = proxy.requests().map((r) => [r.operation, r.kmsOperation, r.kmsRequestId, r.status]);
    expect(calls).toEqual([
      ["health", "CreateCustomKeyStore", created.$metadata.requestId, 200],
      ["health", "ConnectCustomKeyStore", connected.requestId, 200],
      ["metadata", "CreateKey", key.$metadata.requestId, 200],
      ["encrypt", "Encrypt", encrypted.$metadata.requestId, 200],
      ["decrypt", "Decrypt", decrypted.$metadata.requestId, 200],
      ["decrypt", "Decrypt", wrongContext.$metadata.requestId, 200], // KMS's own layer failed
    ]);
  });

  it("generates data keys and re-encrypts through the proxy", async () => {
    const { proxy, keyId } = await connectedKey();
    const dataKey = await kms.send(new GenerateDataKeyCommand({ KeyId: keyId, KeySpec: "AES_256" }));
    expect(dataKey.Plaintext).toHaveLength(32);
    const reEncrypted = await kms.send(
      new ReEncryptCommand({ CiphertextBlob: dataKey.CiphertextBlob, DestinationKeyId: keyId }),
    );
    const back = await kms.send(new DecryptCommand({ CiphertextBlob: reEncrypted.CiphertextBlob }));
    expect(Buffer.from(back.Plaintext ?? new Uint8Array())).toEqual(Buffer.from(dataKey.Plaintext ?? []));
    expect(proxy.requests().map((r) => `${r.operation}:${r.kmsOperation}`)).toEqual([
      "health:CreateCustomKeyStore",
      "health:ConnectCustomKeyStore",
      "metadata:CreateKey",
      "encrypt:GenerateDataKey",
      "decrypt:ReEncrypt",
      "encrypt:ReEncrypt",
      "decrypt:Decrypt",
    ]);
  });

  it("connects over TLS when the proxy's certificate is trusted", async () => {
    const proxy = await startXksProxy({
      credential,
      tls: { key: fixture("localhost-key.pem"), cert: fixture("localhost.pem") },
      hostname: "localhost",
    });
    proxies.push(proxy);
    emu.routeXksProxy("https://tls.example.com", {
      url: proxy.url,
      tls: { ca: fixture("ca.pem"), servername: "localhost" },
    });
    const storeId = await createStore(storeInput("https://tls.example.com"));
    expect((await connect(storeId)).entry.ConnectionState).toBe("CONNECTED");
  });

  it("refuses an endpoint KMS would refuse, and unrouted stores keep the model's behaviour", async () => {
    const proxy = await startXksProxy({ credential });
    proxies.push(proxy);
    expect(() => emu.routeXksProxy("http://xks.example.com", proxy)).toThrow(TypeError);
    expect(() => emu.routeXksProxy("https://xks.example.com:8443", proxy)).toThrow(TypeError);
    emu.routeXksProxy("https://gone.example.com", proxy);
    emu.routeXksProxy("https://gone.example.com", undefined);
    const storeId = await createStore(
      storeInput("https://gone.example.com", { CustomKeyStoreName: "unrouted" }),
    );
    expect((await connect(storeId)).entry.ConnectionState).toBe("CONNECTED");
    expect(proxy.requests()).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------------
// ConnectCustomKeyStore: only a ConnectionErrorCode (facts §7c).

interface ConnectCase {
  name: string;
  proxy?: Partial<XksProxyOptions>;
  store?: Partial<CreateCustomKeyStoreRequest>;
  arrange?: (proxy: XksProxy) => Promise<void> | void;
  code: string;
  retryable: boolean;
  /** False when the proxy logs no `requestMetadata` (no answer in time, unknown path, no TLS). */
  logged?: false;
}

const CONNECT_CASES: ConnectCase[] = [
  {
    name: "wrong credential on the store (401)",
    store: {
      XksProxyAuthenticationCredential: { AccessKeyId: ACCESS_KEY_ID, RawSecretAccessKey: WRONG_SECRET },
    },
    code: "INVALID_CREDENTIALS",
    retryable: false,
  },
  {
    name: "wrong XksProxyUriPath (404 InvalidUriPath)",
    store: { XksProxyUriPath: "/wrong/kms/xks/v1" },
    code: "XKS_PROXY_INVALID_CONFIGURATION",
    retryable: false,
    logged: false,
  },
  {
    name: "slow proxy (400 ms > 250 ms)",
    proxy: { latencyMs: 400 },
    code: "XKS_PROXY_TIMED_OUT",
    retryable: true,
    logged: false,
  },
  {
    name: "every key manager UNAVAILABLE",
    proxy: { ekmHealth: ["UNAVAILABLE", "UNAVAILABLE"] },
    code: "XKS_PROXY_NOT_REACHABLE",
    retryable: true,
  },
  {
    name: "AccessDeniedException (403)",
    proxy: { faults: { health: { errorName: "AccessDeniedException" } } },
    code: "XKS_PROXY_ACCESS_DENIED",
    retryable: false,
  },
  {
    name: "malformed answer",
    proxy: { faults: { health: "malformed" } },
    code: "XKS_PROXY_INVALID_RESPONSE",
    retryable: true,
  },
  {
    name: "InternalException (500)",
    proxy: { faults: { health: { errorName: "InternalException" } } },
    code: "XKS_PROXY_INVALID_RESPONSE",
    retryable: true,
  },
  {
    name: "ThrottlingException (429)",
    proxy: { faults: { health: { errorName: "ThrottlingException" } } },
    code: "XKS_PROXY_NOT_REACHABLE",
    retryable: true,
  },
  {
    name: "DependencyTimeoutException (503)",
    proxy: { faults: { health: { errorName: "DependencyTimeoutException" } } },
    code: "XKS_PROXY_NOT_REACHABLE",
    retryable: true,
  },
  {
    name: "dropped connection",
    proxy: { faults: { health: "drop" } },
    code: "XKS_PROXY_NOT_REACHABLE",
    retryable: true,
  },
  { name: "proxy closed", arrange: (p) => p.close(), code: "XKS_PROXY_NOT_REACHABLE", retryable: true },
  {
    name: "untrusted TLS certificate",
    proxy: {
      tls: { key: fixture("localhost-key.pem"), cert: fixture("localhost.pem") },
      hostname: "localhost",
    },
    code: "XKS_PROXY_INVALID_TLS_CONFIGURATION",
    retryable: false,
    logged: false,
  },
];

describe("ConnectCustomKeyStore against a failing proxy", () => {
  it.each(CONNECT_CASES)(
    "$name → FAILED, $code",
    async ({ proxy: options, store, arrange, code, retryable, logged }) => {
      const { proxy, endpoint } = await routedProxy(options);
      const storeId = await createStore(vpcInput(endpoint, store));
      expect(proxy.requests()).toEqual([]); // a VPC store's creation does not call the proxy
      await arrange?.(proxy);
      const { entry, requestId } = await connect(storeId);
      expect(entry).toMatchObject({ ConnectionState: "FAILED", ConnectionErrorCode: code });
      expect(JSON.stringify(entry)).not.toContain(SECRET);
      expect(connectionFailure(entry)).toMatchObject({
        kind: "ConnectionFailed",
        code,
        cause: code,
        retryable,
        keyStoreType: "EXTERNAL_KEY_STORE",
        customKeyStoreId: storeId,
      });
      if (arrange === undefined && logged !== false) {
        expect(proxy.requests("health").at(-1)).toMatchObject({
          kmsOperation: "ConnectCustomKeyStore",
          kmsRequestId: requestId,
        });
      }
    },
  );

  it("connects once the cause is fixed (disconnect, update, connect)", async () => {
    const { endpoint } = await routedProxy();
    const storeId = await createStore(vpcInput(endpoint, { XksProxyUriPath: "/wrong/kms/xks/v1" }));
    expect((await connect(storeId)).entry.ConnectionErrorCode).toBe("XKS_PROXY_INVALID_CONFIGURATION");
    await kms.send(new DisconnectCustomKeyStoreCommand({ CustomKeyStoreId: storeId }));
    await kms.send(
      new UpdateCustomKeyStoreCommand({ CustomKeyStoreId: storeId, XksProxyUriPath: "/kms/xks/v1" }),
    );
    expect((await connect(storeId)).entry.ConnectionState).toBe("CONNECTED");
  });
});

// ---------------------------------------------------------------------------------------------------
// CreateCustomKeyStore / UpdateCustomKeyStore of a public-endpoint store (facts §7c "CCKS/UCKS →").

interface ManageCase {
  name: string;
  proxy?: Partial<XksProxyOptions>;
  store?: Partial<CreateCustomKeyStoreRequest>;
  arrange?: (proxy: XksProxy) => Promise<void> | void;
  expected: Classified;
  fragment: string;
}

const MANAGE_CASES: ManageCase[] = [
  {
    name: "wrong credential (401)",
    store: {
      XksProxyAuthenticationCredential: { AccessKeyId: ACCESS_KEY_ID, RawSecretAccessKey: WRONG_SECRET },
    },
    expected: {
      kind: "XksProxyIncorrectAuthenticationCredentialException",
      cause: "INVALID_CREDENTIALS",
      retryable: false,
    },
    fragment: "could not authenticate",
  },
  {
    name: "wrong XksProxyUriPath (404)",
    store: { XksProxyUriPath: "/wrong/kms/xks/v1" },
    expected: {
      kind: "XksProxyInvalidConfigurationException",
      cause: "XKS_PROXY_INVALID_CONFIGURATION",
      retryable: false,
    },
    fragment: "invalid URI path",
  },
  {
    name: "InternalException (500)",
    proxy: { faults: { health: { errorName: "InternalException" } } },
    expected: {
      kind: "XksProxyInvalidResponseException",
      cause: "XKS_EXTERNAL_KEY_MANAGER_ERROR",
      retryable: true,
    },
    fragment: "cannot communicate with the external key manager",
  },
  {
    name: "ValidationException (400)",
    proxy: { faults: { health: { errorName: "ValidationException" } } },
    expected: {
      kind: "XksProxyInvalidResponseException",
      cause: "XKS_PROXY_INVALID_RESPONSE",
      retryable: true,
    },
    fragment: "cannot interpret the response",
  },
  {
    name: "malformed answer",
    proxy: { faults: { health: "malformed" } },
    expected: {
      kind: "XksProxyInvalidResponseException",
      cause: "XKS_PROXY_INVALID_RESPONSE",
      retryable: true,
    },
    fragment: "cannot interpret the response",
  },
  {
    name: "ThrottlingException (429)",
    proxy: { faults: { health: { errorName: "ThrottlingException" } } },
    expected: { kind: "XksProxyUriUnreachableException", cause: "XKS_PROXY_THROTTLED", retryable: true },
    fragment: "very high request rate",
  },
  {
    name: "DependencyTimeoutException (503)",
    proxy: { faults: { health: { errorName: "DependencyTimeoutException" } } },
    expected: {
      kind: "XksProxyUriUnreachableException",
      cause: "XKS_PROXY_DEPENDENCY_TIMEOUT",
      retryable: true,
    },
    fragment: "in the time allotted",
  },
  {
    name: "slow proxy (400 ms)",
    proxy: { latencyMs: 400 },
    expected: { kind: "XksProxyUriUnreachableException", cause: "XKS_PROXY_TIMED_OUT", retryable: true },
    fragment: "did not respond in time",
  },
  {
    name: "every key manager UNAVAILABLE",
    proxy: { ekmHealth: "UNAVAILABLE" },
    expected: { kind: "XksProxyUriUnreachableException", cause: "XKS_PROXY_UNHEALTHY", retryable: true },
    fragment: "unhealthy state",
  },
  {
    name: "proxy closed",
    arrange: (p) => p.close(),
    expected: { kind: "XksProxyUriUnreachableException", cause: "XKS_PROXY_NOT_REACHABLE", retryable: true },
    fragment: "cannot communicate with the external key store proxy",
  },
  {
    name: "untrusted TLS certificate",
    proxy: {
      tls: { key: fixture("localhost-key.pem"), cert: fixture("localhost.pem") },
      hostname: "localhost",
    },
    expected: {
      kind: "XksProxyUriUnreachableException",
      cause: "XKS_PROXY_INVALID_TLS_CONFIGURATION",
      retryable: false,
    },
    fragment: "cannot establish a TLS connection",
  },
];

describe("CreateCustomKeyStore (public endpoint) against a failing proxy", () => {
  it.each(MANAGE_CASES)(
    "$name → $expected.kind",
    async ({ proxy: options, store, arrange, expected, fragment }) => {
      const { proxy, endpoint } = await routedProxy(options);
      await arrange?.(proxy);
      const error = await rejectionOf(kms.send(new CreateCustomKeyStoreCommand(storeInput(endpoint, store))));
      expectFailure(error, expected);
      expect(error.message.toLowerCase()).toContain(fragment.toLowerCase());
      const described = await kms.send(new DescribeCustomKeyStoresCommand({}));
      expect(described.CustomKeyStores).toEqual([]); // nothing was created
    },
  );

  it("UpdateCustomKeyStore with a credential the proxy rejects fails and keeps the old one", async () => {
    const { proxy, endpoint } = await routedProxy();
    const storeId = await createStore(storeInput(endpoint));
    const error = await rejectionOf(
      kms.send(
        new UpdateCustomKeyStoreCommand({
          CustomKeyStoreId: storeId,
          XksProxyAuthenticationCredential: { AccessKeyId: ACCESS_KEY_ID, RawSecretAccessKey: WRONG_SECRET },
        }),
      ),
    );
    expectFailure(error, {
      kind: "XksProxyIncorrectAuthenticationCredentialException",
      cause: "INVALID_CREDENTIALS",
      retryable: false,
    });
    expect(proxy.requests("health").at(-1)).toMatchObject({
      kmsOperation: "UpdateCustomKeyStore",
      kmsRequestId: error.$metadata.requestId,
      status: 401,
    });
    expect((await connect(storeId)).entry.ConnectionState).toBe("CONNECTED");
  });
});

// ---------------------------------------------------------------------------------------------------
// CreateKey → GetKeyMetadata.

interface CreateKeyCase {
  name: string;
  arrange: (proxy: XksProxy) => Promise<void> | void;
  expected: Classified;
  fragment: string;
}

const CREATE_KEY_CASES: CreateKeyCase[] = [
  {
    name: "external key missing (404 KeyNotFound)",
    arrange: (p) => p.removeKey("key-1"),
    expected: { kind: "XksKeyNotFoundException", cause: "XKS_KEY_NOT_FOUND", retryable: false },
    fragment: "could not find the external key",
  },
  {
    name: "external key of the wrong spec",
    arrange: (p) => p.setKey({ id: "key-1", spec: "AES_128" }),
    expected: {
      kind: "XksKeyInvalidConfigurationException",
      cause: "XKS_KEY_INVALID_CONFIGURATION",
      retryable: false,
    },
    fragment: "AES_256",
  },
  {
    name: "external key without DECRYPT",
    arrange: (p) => p.setKey({ id: "key-1", usage: ["ENCRYPT"] }),
    expected: {
      kind: "XksKeyInvalidConfigurationException",
      cause: "XKS_KEY_UNSUPPORTED_OPERATION",
      retryable: false,
    },
    fragment: "external key does not support",
  },
  {
    name: "slow proxy (400 ms)",
    arrange: (p) => p.setLatency(400),
    expected: { kind: "CustomKeyStoreInvalidStateException", cause: "XKS_PROXY_TIMED_OUT", retryable: true },
    fragment: "did not respond in time",
  },
  {
    name: "proxy rotated its credential (401)",
    arrange: (p) => p.setCredential({ accessKeyId: ACCESS_KEY_ID, secretAccessKey: WRONG_SECRET }),
    expected: { kind: "CustomKeyStoreInvalidStateException", cause: "INVALID_CREDENTIALS", retryable: false },
    fragment: "could not authenticate",
  },
  {
    name: "AccessDeniedException (403)",
    arrange: (p) => p.setFault("metadata", { errorName: "AccessDeniedException" }),
    expected: {
      kind: "CustomKeyStoreInvalidStateException",
      cause: "XKS_PROXY_ACCESS_DENIED",
      retryable: false,
    },
    fragment: "denied access to the operation",
  },
  {
    name: "ThrottlingException (429)",
    arrange: (p) => p.setFault("metadata", { errorName: "ThrottlingException" }),
    expected: { kind: "CustomKeyStoreInvalidStateException", cause: "XKS_PROXY_THROTTLED", retryable: true },
    fragment: "very high request rate",
  },
  {
    name: "InternalException (500)",
    arrange: (p) => p.setFault("metadata", { errorName: "InternalException" }),
    expected: {
      kind: "CustomKeyStoreInvalidStateException",
      cause: "XKS_EXTERNAL_KEY_MANAGER_ERROR",
      retryable: true,
    },
    fragment: "cannot communicate with the external key manager",
  },
  {
    name: "malformed answer",
    arrange: (p) => p.setFault("metadata", "malformed"),
    expected: {
      kind: "CustomKeyStoreInvalidStateException",
      cause: "XKS_PROXY_INVALID_RESPONSE",
      retryable: true,
    },
    fragment: "cannot interpret the response",
  },
  {
    name: "proxy closed",
    arrange: (p) => p.close(),
    expected: {
      kind: "CustomKeyStoreInvalidStateException",
      cause: "XKS_PROXY_NOT_REACHABLE",
      retryable: true,
    },
    fragment: "cannot communicate with the external key store proxy",
  },
];

describe("CreateKey against a failing proxy", () => {
  const connectedStore = async (): Promise<{ proxy: XksProxy; storeId: string }> => {
    const { proxy, endpoint } = await routedProxy();
    const storeId = await createStore(storeInput(endpoint));
    expect((await connect(storeId)).entry.ConnectionState).toBe("CONNECTED");
    return { proxy, storeId };
  };

  it.each(CREATE_KEY_CASES)("$name → $expected.kind", async ({ arrange, expected, fragment }) => {
    const { proxy, storeId } = await connectedStore();
    await arrange(proxy);
    const error = await rejectionOf(createKey(storeId));
    expectFailure(error, expected);
    expect(error.message.toLowerCase()).toContain(fragment.toLowerCase());
  });

  it("external key disabled → XksKeyInvalidConfigurationException, not enabled in the external key manager", async () => {
    const { proxy, storeId } = await connectedStore();
    proxy.setKey({ id: "key-1", status: "DISABLED" });
    const error = await rejectionOf(createKey(storeId));
    expect(error.name).toBe("XksKeyInvalidConfigurationException");
    expect(error.message).toContain("not enabled in the external key manager");
    expect(proxy.requests("metadata").at(-1)).toMatchObject({
      kmsOperation: "CreateKey",
      kmsRequestId: error.$metadata.requestId,
      status: 200,
    });
    const failure = classify(error);
    expect(failure).toMatchObject({ retryable: false, keyStoreType: "EXTERNAL_KEY_STORE" });
  });

  // Known gap, reported: XksKeyInvalidConfigurationException has no message rules (catalog/kinds.ts),
  // so the XKS_KEY_DISABLED rule, whose entry lists that kind, never runs for it. Remove `.fails`
  // once classify reads the message of this exception.
  it("classify names the disabled external key behind CreateKey XKS_KEY_DISABLED", async () => {
    const { proxy, storeId } = await connectedStore();
    proxy.setKey({ id: "key-1", status: "DISABLED" });
    expect(classify(await rejectionOf(createKey(storeId))).cause).toBe("XKS_KEY_DISABLED");
  });
});

// ---------------------------------------------------------------------------------------------------
// Encrypt / Decrypt → the proxy's Encrypt / Decrypt: always KMSInvalidStateException (facts §4).

interface CryptoCase {
  name: string;
  arrange: (proxy: XksProxy) => Promise<void> | void;
  cause: string;
  retryable: boolean;
  fragment: string;
}

const CRYPTO_CASES: CryptoCase[] = [
  {
    name: "slow proxy (400 ms)",
    arrange: (p) => p.setLatency(400),
    cause: "XKS_PROXY_TIMED_OUT",
    retryable: true,
    fragment: "did not respond in time",
  },
  {
    name: "DependencyTimeoutException (503)",
    arrange: (p) => p.setFault("*", { errorName: "DependencyTimeoutException" }),
    cause: "XKS_PROXY_DEPENDENCY_TIMEOUT",
    retryable: true,
    fragment: "in the time allotted",
  },
  {
    name: "ThrottlingException (429)",
    arrange: (p) => p.setFault("*", { errorName: "ThrottlingException" }),
    cause: "XKS_PROXY_THROTTLED",
    retryable: true,
    fragment: "very high request rate",
  },
  {
    name: "InternalException (500)",
    arrange: (p) => p.setFault("*", { errorName: "InternalException" }),
    cause: "XKS_EXTERNAL_KEY_MANAGER_ERROR",
    retryable: true,
    fragment: "cannot communicate with the external key manager",
  },
  {
    name: "AccessDeniedException (403)",
    arrange: (p) => p.setFault("*", { errorName: "AccessDeniedException" }),
    cause: "XKS_PROXY_ACCESS_DENIED",
    retryable: false,
    fragment: "denied access to the operation",
  },
  {
    name: "proxy rotated its credential (401)",
    arrange: (p) => p.setCredential({ accessKeyId: ACCESS_KEY_ID, secretAccessKey: WRONG_SECRET }),
    cause: "INVALID_CREDENTIALS",
    retryable: false,
    fragment: "could not authenticate",
  },
  {
    name: "InvalidUriPathException (404)",
    arrange: (p) => p.setFault("*", { errorName: "InvalidUriPathException" }),
    cause: "XKS_PROXY_INVALID_CONFIGURATION",
    retryable: false,
    fragment: "invalid URI path",
  },
  {
    name: "malformed answer",
    arrange: (p) => p.setFault("*", "malformed"),
    cause: "XKS_PROXY_INVALID_RESPONSE",
    retryable: true,
    fragment: "cannot interpret the response",
  },
  {
    name: "ValidationException (400)",
    arrange: (p) => p.setFault("*", { errorName: "ValidationException" }),
    cause: "XKS_PROXY_INVALID_RESPONSE",
    retryable: true,
    fragment: "cannot interpret the response",
  },
  {
    name: "dropped connection",
    arrange: (p) => p.setFault("*", "drop"),
    cause: "XKS_PROXY_NOT_REACHABLE",
    retryable: true,
    fragment: "cannot communicate with the external key store proxy",
  },
  {
    name: "proxy closed",
    arrange: (p) => p.close(),
    cause: "XKS_PROXY_NOT_REACHABLE",
    retryable: true,
    fragment: "cannot communicate with the external key store proxy",
  },
  {
    name: "external key disabled (InvalidStateException)",
    arrange: (p) => p.setKey({ id: "key-1", status: "DISABLED" }),
    cause: "XKS_KEY_DISABLED",
    retryable: false,
    fragment: "not enabled in the external key manager",
  },
  {
    name: "external key missing (KeyNotFoundException)",
    arrange: (p) => p.removeKey("key-1"),
    cause: "XKS_KEY_NOT_FOUND",
    retryable: false,
    fragment: "not found in its external key manager",
  },
  {
    name: "external key without the usage (InvalidKeyUsageException)",
    arrange: (p) => p.setKey({ id: "key-1", usage: ["SIGN"] }),
    cause: "XKS_KEY_UNSUPPORTED_OPERATION",
    retryable: false,
    fragment: "external key does not support",
  },
  {
    name: "UnsupportedOperationException (501)",
    arrange: (p) => p.setFault("*", { errorName: "UnsupportedOperationException" }),
    cause: "XKS_PROXY_UNSUPPORTED_OPERATION",
    retryable: false,
    fragment: "because it does not support the requested",
  },
];

describe("Encrypt and Decrypt against a failing proxy", () => {
  it.each(CRYPTO_CASES)(
    "$name → KMSInvalidStateException, $cause",
    async ({ arrange, cause, retryable, fragment }) => {
      const { proxy, keyId } = await connectedKey();
      const blob = (await encrypt(keyId)).CiphertextBlob;
      await arrange(proxy);
      for (const operation of [
        encrypt(keyId),
        kms.send(new DecryptCommand({ CiphertextBlob: blob })),
        kms.send(new GenerateDataKeyCommand({ KeyId: keyId, NumberOfBytes: 32 })),
      ]) {
        const error = await rejectionOf(operation);
        expectFailure(error, { kind: "KMSInvalidStateException", cause, retryable });
        expect(error.message.toLowerCase()).toContain(fragment.toLowerCase());
      }
    },
  );

  it("a tampered ciphertext → the proxy's InvalidCiphertextException → KMSInvalidStateException", async () => {
    const { proxy, keyId } = await connectedKey();
    const blob = Buffer.from((await encrypt(keyId)).CiphertextBlob ?? new Uint8Array());
    blob[blob.length - 1] = (blob[blob.length - 1] ?? 0) ^ 1; // a bit of the proxy's ciphertext
    const error = await rejectionOf(kms.send(new DecryptCommand({ CiphertextBlob: blob })));
    expectFailure(error, {
      kind: "KMSInvalidStateException",
      cause: "XKS_PROXY_REJECTED_CIPHERTEXT",
      retryable: true,
    });
    expect(error.message).toContain("external key store proxy rejected");
    expect(error.message).toContain("otherwise invalid");
    expect(proxy.requests("decrypt").at(-1)).toMatchObject({
      errorName: "InvalidCiphertextException",
      kmsOperation: "Decrypt",
      kmsRequestId: error.$metadata.requestId,
    });
  });

  it("a slow proxy fails within KMS's budget, with the SDK's request id in the proxy's log", async () => {
    const { proxy, keyId } = await connectedKey();
    proxy.setLatency(400);
    const error = await rejectionOf(encrypt(keyId));
    // KMS gave up first: the proxy had not answered when the SDK got the error.
    expect(
      proxy.requests("encrypt").find((r) => r.kmsRequestId === error.$metadata.requestId),
    ).toBeUndefined();
    expect(classify(error)).toMatchObject({ cause: "XKS_PROXY_TIMED_OUT", retryable: true });
    // The proxy logs the request when it answers, 400 ms after it arrived.
    await vi.waitFor(() =>
      expect(proxy.requests("encrypt").at(-1)).toMatchObject({
        kmsOperation: "Encrypt",
        kmsRequestId: error.$metadata.requestId,
      }),
    );
  });
});
