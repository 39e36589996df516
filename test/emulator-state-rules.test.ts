/**
 * The KMS emulator's custom key store state rules, one test per rule of the KMS API reference
 * (ConnectCustomKeyStore, DisconnectCustomKeyStore, UpdateCustomKeyStore, DeleteCustomKeyStore,
 * CreateKey), each through the real `KMSClient` over loopback.
 */
import {
  ConnectCustomKeyStoreCommand,
  CreateCustomKeyStoreCommand,
  type CreateCustomKeyStoreRequest,
  CreateKeyCommand,
  DeleteCustomKeyStoreCommand,
  DescribeCustomKeyStoresCommand,
  DescribeKeyCommand,
  DisconnectCustomKeyStoreCommand,
  KMSClient,
  ScheduleKeyDeletionCommand,
  UpdateCustomKeyStoreCommand,
  type UpdateCustomKeyStoreRequest,
} from "@aws-sdk/client-kms";
import { type KmsEmulator, startKmsEmulator } from "kms-keystore-errors/testing";
import { afterEach, beforeEach, describe, expect, it } from "vitest";

let emu: KmsEmulator;
let kms: KMSClient;

// A fresh emulator per rule: KMS allows 10 custom key stores per account and Region.
beforeEach(async () => {
  emu = await startKmsEmulator({ connectDelayMs: 1 });
  kms = new KMSClient({ ...emu.clientConfig, maxAttempts: 1 });
});
afterEach(async () => {
  kms.destroy();
  await emu.close();
});

type Rejection = Error & { $metadata?: { httpStatusCode?: number } };
const rejectionOf = async (promise: Promise<unknown>): Promise<Rejection> => {
  try {
    await promise;
  } catch (error) {
    return error as Rejection;
  }
  throw new Error("Expected the request to be refused.");
};

let n = 0;
const credential = (i: number) => ({
  AccessKeyId: `ABCDEFGHIJKLMNOPQRS${"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"[i % 32]}`,
  RawSecretAccessKey: `SecretSecretSecretSecretSecretSecretSecret${i % 10}`,
});
const xksInput = (overrides: Partial<CreateCustomKeyStoreRequest> = {}): CreateCustomKeyStoreRequest => {
  n += 1;
  return {
    CustomKeyStoreName: `rules-xks-${n}`,
    CustomKeyStoreType: "EXTERNAL_KEY_STORE",
    XksProxyConnectivity: "PUBLIC_ENDPOINT",
    XksProxyUriEndpoint: `https://rules-${n}.example.com`,
    XksProxyUriPath: "/kms/xks/v1",
    XksProxyAuthenticationCredential: credential(n),
    ...overrides,
  };
};
const hsmInput = (): CreateCustomKeyStoreRequest => {
  n += 1;
  return {
    CustomKeyStoreName: `rules-hsm-${n}`,
    CloudHsmClusterId: `cluster-${String(n).padStart(11, "b")}`,
    TrustAnchorCertificate: "-----BEGIN CERTIFICATE-----\nMIIBfake\n-----END CERTIFICATE-----",
    KeyStorePassword: "kmsuser-Passw0rd!",
  };
};

const create = async (input: CreateCustomKeyStoreRequest): Promise<string> =>
  (await kms.send(new CreateCustomKeyStoreCommand(input))).CustomKeyStoreId as string;

const stateOf = async (id: string) =>
  (await kms.send(new DescribeCustomKeyStoresCommand({ CustomKeyStoreId: id }))).CustomKeyStores?.[0];

/** Polls DescribeCustomKeyStores until the store leaves CONNECTING. */
const settle = async (id: string): Promise<string | undefined> => {
  for (let i = 0; i < 200; i += 1) {
    const state = (await stateOf(id))?.ConnectionState;
    if (state !== "CONNECTING") return state;
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
  return "CONNECTING";
};

const connected = async (input: CreateCustomKeyStoreRequest): Promise<string> => {
  const id = await create(input);
  await kms.send(new ConnectCustomKeyStoreCommand({ CustomKeyStoreId: id }));
  expect(await settle(id)).toBe("CONNECTED");
  return id;
};

const failed = async (input: CreateCustomKeyStoreRequest): Promise<string> => {
  const id = await create(input);
  emu.keyStore(id).failConnect("NETWORK_ERRORS");
  await kms.send(new ConnectCustomKeyStoreCommand({ CustomKeyStoreId: id }));
  expect(await settle(id)).toBe("FAILED");
  return id;
};

const update = (id: string, fields: Omit<UpdateCustomKeyStoreRequest, "CustomKeyStoreId">) =>
  kms.send(new UpdateCustomKeyStoreCommand({ CustomKeyStoreId: id, ...fields }));

const expectInvalidState = (error: Rejection): void => {
  expect(error.name).toBe("CustomKeyStoreInvalidStateException");
  expect(error.$metadata?.httpStatusCode).toBe(400);
};

describe("ConnectCustomKeyStore", () => {
  it("returns at once, leaving the store CONNECTING until the attempt ends", async () => {
    const slow = await startKmsEmulator({ connectDelayMs: 600_000 });
    const client = new KMSClient({ ...slow.clientConfig, maxAttempts: 1 });
    try {
      const id = (await client.send(new CreateCustomKeyStoreCommand(xksInput()))).CustomKeyStoreId;
      const describe = async () =>
        (await client.send(new DescribeCustomKeyStoresCommand({ CustomKeyStoreId: id }))).CustomKeyStores?.[0]
          ?.ConnectionState;
      expect(await describe()).toBe("DISCONNECTED");
      expect(await client.send(new ConnectCustomKeyStoreCommand({ CustomKeyStoreId: id }))).toMatchObject({
        $metadata: { httpStatusCode: 200 },
      });
      expect(await describe()).toBe("CONNECTING");
    } finally {
      client.destroy();
      await slow.close();
    }
  });

  it("ends CONNECTED when the backing store answers", async () => {
    const id = await create(xksInput());
    await kms.send(new ConnectCustomKeyStoreCommand({ CustomKeyStoreId: id }));
    expect(await settle(id)).toBe("CONNECTED");
  });

  it("is refused while the store is FAILED (disconnect it first)", async () => {
    const id = await failed(xksInput());
    expectInvalidState(
      await rejectionOf(kms.send(new ConnectCustomKeyStoreCommand({ CustomKeyStoreId: id }))),
    );
    await kms.send(new DisconnectCustomKeyStoreCommand({ CustomKeyStoreId: id }));
    await kms.send(new ConnectCustomKeyStoreCommand({ CustomKeyStoreId: id }));
    expect(await settle(id)).toBe("CONNECTED");
  });

  it("is refused while the store is DISCONNECTING", async () => {
    const id = await connected(xksInput());
    emu.keyStore(id).setState("DISCONNECTING");
    expectInvalidState(
      await rejectionOf(kms.send(new ConnectCustomKeyStoreCommand({ CustomKeyStoreId: id }))),
    );
  });
});

describe("DisconnectCustomKeyStore", () => {
  it("is refused while the store is DISCONNECTED", async () => {
    const id = await create(hsmInput());
    expectInvalidState(
      await rejectionOf(kms.send(new DisconnectCustomKeyStoreCommand({ CustomKeyStoreId: id }))),
    );
  });

  it("disconnects a FAILED store", async () => {
    const id = await failed(hsmInput());
    await kms.send(new DisconnectCustomKeyStoreCommand({ CustomKeyStoreId: id }));
    expect((await stateOf(id))?.ConnectionState).toBe("DISCONNECTED");
  });
});

describe("UpdateCustomKeyStore, CloudHSM key store", () => {
  it("changes the name while CONNECTED", async () => {
    const id = await connected(hsmInput());
    await update(id, { NewCustomKeyStoreName: `renamed-hsm-${id}` });
    expect((await stateOf(id))?.CustomKeyStoreName).toBe(`renamed-hsm-${id}`);
  });

  it("refuses KeyStorePassword and CloudHsmClusterId while CONNECTED", async () => {
    const id = await connected(hsmInput());
    expectInvalidState(await rejectionOf(update(id, { KeyStorePassword: "another-Passw0rd" })));
    expectInvalidState(await rejectionOf(update(id, { CloudHsmClusterId: "cluster-bbbbbbbbbbb" })));
  });

  it("refuses even the name while FAILED", async () => {
    const id = await failed(hsmInput());
    expectInvalidState(await rejectionOf(update(id, { NewCustomKeyStoreName: `renamed-hsm-${id}` })));
    expect((await stateOf(id))?.CustomKeyStoreName).not.toBe(`renamed-hsm-${id}`);
  });

  it("changes every property while DISCONNECTED", async () => {
    const id = await create(hsmInput());
    await update(id, {
      NewCustomKeyStoreName: `renamed-hsm-${id}`,
      KeyStorePassword: "another-Passw0rd",
      CloudHsmClusterId: "cluster-ccccccccccc",
    });
    expect(await stateOf(id)).toMatchObject({
      CustomKeyStoreName: `renamed-hsm-${id}`,
      CloudHsmClusterId: "cluster-ccccccccccc",
    });
  });
});

describe("UpdateCustomKeyStore, external key store", () => {
  it("changes the name, the credential and XksProxyUriPath while CONNECTED", async () => {
    const id = await connected(xksInput());
    const next = credential(n + 7);
    await update(id, {
      NewCustomKeyStoreName: `renamed-xks-${id}`,
      XksProxyAuthenticationCredential: next,
      XksProxyUriPath: "/tenant-a/kms/xks/v1",
    });
    expect(await stateOf(id)).toMatchObject({
      CustomKeyStoreName: `renamed-xks-${id}`,
      XksProxyConfiguration: { AccessKeyId: next.AccessKeyId, UriPath: "/tenant-a/kms/xks/v1" },
    });
  });

  it("refuses XksProxyUriEndpoint and XksProxyConnectivity while CONNECTED", async () => {
    const id = await connected(xksInput());
    expectInvalidState(await rejectionOf(update(id, { XksProxyUriEndpoint: "https://moved.example.com" })));
    expectInvalidState(
      await rejectionOf(
        update(id, {
          XksProxyConnectivity: "VPC_ENDPOINT_SERVICE",
          XksProxyVpcEndpointServiceName: "com.amazonaws.vpce.us-east-1.vpce-svc-0123456789abcdef9",
        }),
      ),
    );
  });

  it("refuses the name, the credential and XksProxyUriPath while FAILED", async () => {
    const id = await failed(xksInput());
    const before = await stateOf(id);
    expectInvalidState(await rejectionOf(update(id, { NewCustomKeyStoreName: `renamed-xks-${id}` })));
    expectInvalidState(
      await rejectionOf(update(id, { XksProxyAuthenticationCredential: credential(n + 9) })),
    );
    expectInvalidState(await rejectionOf(update(id, { XksProxyUriPath: "/tenant-b/kms/xks/v1" })));
    expect(await stateOf(id)).toEqual(before);
  });

  it("changes every property while DISCONNECTED", async () => {
    const id = await create(xksInput());
    await update(id, {
      XksProxyUriEndpoint: `https://moved-${id}.example.com`,
      XksProxyUriPath: "/x/kms/xks/v1",
    });
    expect((await stateOf(id))?.XksProxyConfiguration).toMatchObject({
      UriEndpoint: `https://moved-${id}.example.com`,
      UriPath: "/x/kms/xks/v1",
    });
  });

  it("refuses an XksProxyUriPath that does not end with /kms/xks/v1, at create and at update", async () => {
    const refusedCreate = await rejectionOf(create(xksInput({ XksProxyUriPath: "/kms/xks/v2" })));
    expect([refusedCreate.name, refusedCreate.$metadata?.httpStatusCode]).toEqual([
      "ValidationException",
      400,
    ]);
    expect(refusedCreate.message).toContain("/kms/xks/v1");
    const id = await create(xksInput());
    const refusedUpdate = await rejectionOf(update(id, { XksProxyUriPath: "/prefix/kms/xks/v2" }));
    expect(refusedUpdate.name).toBe("ValidationException");
    expect((await stateOf(id))?.XksProxyConfiguration?.UriPath).toBe("/kms/xks/v1");
  });

  it("quotes the API reference's pattern text in a pattern violation", async () => {
    const refused = await rejectionOf(
      create(xksInput({ XksProxyUriEndpoint: "https://bad_host.example.com" })),
    );
    expect(refused.name).toBe("ValidationException");
    expect(refused.message).toContain(
      "Member must satisfy regular expression pattern: ^https://[a-zA-Z0-9.-]+$",
    );
    const path = await rejectionOf(create(xksInput({ XksProxyUriPath: "/a b/kms/xks/v1" })));
    expect(path.message).toContain(
      "Member must satisfy regular expression pattern: ^(/[a-zA-Z0-9\\/_-]+/kms/xks/v\\d{1,2})$|^(/kms/xks/v\\d{1,2})$",
    );
    const vpc = {
      XksProxyConnectivity: "VPC_ENDPOINT_SERVICE",
      XksProxyUriEndpoint: "https://vpc.example.com",
    } as const;
    const service = await rejectionOf(
      create(
        xksInput({ ...vpc, XksProxyVpcEndpointServiceName: "org.amazonaws.vpce.us-east-1.vpce-svc-0abc" }),
      ),
    );
    expect(service.message).toContain(
      "Member must satisfy regular expression pattern: ^(com|eu)\\.amazonaws\\.vpce\\.([a-z]+-){2,3}\\d+\\.vpce-svc-[0-9a-z]+$",
    );
    await create(
      xksInput({
        ...vpc,
        XksProxyVpcEndpointServiceName: "eu.amazonaws.vpce.eusc-de-east-1.vpce-svc-0abc123",
      }),
    );
  });
});

describe("DeleteCustomKeyStore", () => {
  it("is refused while the store is not DISCONNECTED", async () => {
    const id = await connected(hsmInput());
    expectInvalidState(
      await rejectionOf(kms.send(new DeleteCustomKeyStoreCommand({ CustomKeyStoreId: id }))),
    );
  });

  it("is refused while the store holds a KMS key", async () => {
    const id = await connected(xksInput());
    await kms.send(
      new CreateKeyCommand({ Origin: "EXTERNAL_KEY_STORE", CustomKeyStoreId: id, XksKeyId: "k-1" }),
    );
    await kms.send(new DisconnectCustomKeyStoreCommand({ CustomKeyStoreId: id }));
    const refused = await rejectionOf(kms.send(new DeleteCustomKeyStoreCommand({ CustomKeyStoreId: id })));
    expect([refused.name, refused.$metadata?.httpStatusCode]).toEqual([
      "CustomKeyStoreHasCMKsException",
      400,
    ]);
  });

  it("is refused while a key is pending deletion, and succeeds once the key is deleted", async () => {
    const id = await connected(hsmInput());
    const key = await kms.send(new CreateKeyCommand({ Origin: "AWS_CLOUDHSM", CustomKeyStoreId: id }));
    await kms.send(new ScheduleKeyDeletionCommand({ KeyId: key.KeyMetadata?.KeyId, PendingWindowInDays: 7 }));
    await kms.send(new DisconnectCustomKeyStoreCommand({ CustomKeyStoreId: id }));
    const refused = await rejectionOf(kms.send(new DeleteCustomKeyStoreCommand({ CustomKeyStoreId: id })));
    expect(refused.name).toBe("CustomKeyStoreHasCMKsException");
    expect(await stateOf(id)).toMatchObject({ CustomKeyStoreId: id });
    expect(emu.completeKeyDeletions()).toBe(1);
    await kms.send(new DeleteCustomKeyStoreCommand({ CustomKeyStoreId: id }));
    const gone = await rejectionOf(stateOf(id));
    expect(gone.name).toBe("CustomKeyStoreNotFoundException");
  });
});

describe("CreateKey in a custom key store", () => {
  it("is refused unless the store is CONNECTED", async () => {
    const id = await create(hsmInput());
    expectInvalidState(
      await rejectionOf(kms.send(new CreateKeyCommand({ Origin: "AWS_CLOUDHSM", CustomKeyStoreId: id }))),
    );
  });

  it("leaves the keys of a disconnected store Unavailable", async () => {
    const id = await connected(hsmInput());
    const key = await kms.send(new CreateKeyCommand({ Origin: "AWS_CLOUDHSM", CustomKeyStoreId: id }));
    await kms.send(new DisconnectCustomKeyStoreCommand({ CustomKeyStoreId: id }));
    const described = await kms.send(new DescribeKeyCommand({ KeyId: key.KeyMetadata?.KeyId }));
    expect(described.KeyMetadata?.KeyState).toBe("Unavailable");
  });
});
