import {
  ConnectCustomKeyStoreCommand,
  type CustomKeyStoresListEntry,
  type KMSClient,
} from "@aws-sdk/client-kms";
import { checkKeyStores, connectionFailure, waitForConnection } from "kms-keystore-errors";
import { type KmsEmulator, startKmsEmulator } from "kms-keystore-errors/testing";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { clientFor, createHsmStore, createXksStore } from "./support/kms.js";

let emulator: KmsEmulator;
let kms: KMSClient;
let counter = 0;

beforeEach(async () => {
  emulator = await startKmsEmulator({ connectDelayMs: 30 });
  kms = clientFor(emulator);
});
afterEach(() => emulator.close());

const ACCESS_KEY_ID = "ABCDEFGHIJKLMNOPQRST";

async function createXks(): Promise<string> {
  counter++;
  return createXksStore(kms, emulator.region, counter, {
    name: `xks-${counter}`,
    accessKeyId: ACCESS_KEY_ID,
  });
}

/** A CloudHSM key store (the emulator does not check the cluster). */
const createHsm = (client: KMSClient): Promise<string> =>
  createHsmStore(client, { name: "hsm", clusterId: "cluster-234abcdefgh" });

describe(connectionFailure.name, () => {
  const entry = (fields: Partial<CustomKeyStoresListEntry>): CustomKeyStoresListEntry => ({
    CustomKeyStoreId: "cks-1234567890abcdef0",
    ...fields,
  });

  it("is undefined for a value that is not an entry", () => {
    expect(connectionFailure(null as never)).toBeUndefined();
    expect(connectionFailure("FAILED" as never)).toBeUndefined();
    expect(connectionFailure({} as never)).toBeUndefined();
  });

  it("leaves keyStoreType out when the entry's type is not one KMS defines", () => {
    const f = connectionFailure(
      entry({
        ConnectionState: "FAILED",
        ConnectionErrorCode: "NETWORK_ERRORS",
        CustomKeyStoreType: "OTHER" as never,
      }),
    );
    expect(f).toMatchObject({ cause: "NETWORK_ERRORS", customKeyStoreId: "cks-1234567890abcdef0" });
    expect(f).not.toHaveProperty("keyStoreType");
  });

  it("is undefined for healthy and transitional states", () => {
    for (const state of ["CONNECTED", "CONNECTING", "DISCONNECTING"] as const) {
      expect(connectionFailure(entry({ ConnectionState: state }))).toBeUndefined();
    }
  });

  it("uses the connection error code as code and cause", () => {
    const f = connectionFailure(
      entry({
        ConnectionState: "FAILED",
        ConnectionErrorCode: "XKS_VPC_ENDPOINT_SERVICE_INVALID_CONFIGURATION",
        CustomKeyStoreType: "EXTERNAL_KEY_STORE",
      }),
    );
    expect(f).toMatchObject({
      kind: "ConnectionFailed",
      code: "XKS_VPC_ENDPOINT_SERVICE_INVALID_CONFIGURATION",
      cause: "XKS_VPC_ENDPOINT_SERVICE_INVALID_CONFIGURATION",
      customKeyStoreId: "cks-1234567890abcdef0",
      keyStoreType: "EXTERNAL_KEY_STORE",
      retryable: false,
    });
  });

  it("chooses the remediation by key store type for shared codes", () => {
    const hsm = connectionFailure(
      entry({
        ConnectionState: "FAILED",
        ConnectionErrorCode: "INVALID_CREDENTIALS",
        CustomKeyStoreType: "AWS_CLOUDHSM",
      }),
    );
    const xks = connectionFailure(
      entry({
        ConnectionState: "FAILED",
        ConnectionErrorCode: "INVALID_CREDENTIALS",
        CustomKeyStoreType: "EXTERNAL_KEY_STORE",
      }),
    );
    expect(hsm?.remediation).not.toEqual(xks?.remediation);
    expect(hsm?.remediation.steps.join(" ")).toContain("kmsuser");
    expect(xks?.remediation.steps.join(" ")).toMatch(/XksProxyAuthenticationCredential/);
  });

  it("handles FAILED without a code and an uncatalogued code", () => {
    expect(connectionFailure(entry({ ConnectionState: "FAILED" }))).toMatchObject({
      code: "FAILED",
      cause: "UNKNOWN_CONNECTION_ERROR",
    });
    expect(
      connectionFailure(entry({ ConnectionState: "FAILED", ConnectionErrorCode: "SOMETHING_NEW" as never })),
    ).toMatchObject({ code: "SOMETHING_NEW", cause: "UNKNOWN_CONNECTION_ERROR" });
  });

  it("reports DISCONNECTED as not connected, not retryable", () => {
    expect(connectionFailure(entry({ ConnectionState: "DISCONNECTED" }))).toMatchObject({
      code: "DISCONNECTED",
      cause: "KEY_STORE_NOT_CONNECTED",
      retryable: false,
    });
  });
});

describe(waitForConnection.name, () => {
  it("is Ok once the store is CONNECTED", async () => {
    const id = await createXks();
    await kms.send(new ConnectCustomKeyStoreCommand({ CustomKeyStoreId: id }));
    const result = await waitForConnection(kms, id, { intervalMs: 10, timeoutMs: 5000 });
    expect(result._unsafeUnwrap().ConnectionState).toBe("CONNECTED");
  });

  it("is Err with the connection error code when the store FAILED", async () => {
    const id = await createXks();
    emulator.keyStore(id).failConnect("XKS_VPC_ENDPOINT_SERVICE_INVALID_CONFIGURATION");
    await kms.send(new ConnectCustomKeyStoreCommand({ CustomKeyStoreId: id }));
    const failure = (
      await waitForConnection(kms, id, { intervalMs: 10, timeoutMs: 5000 })
    )._unsafeUnwrapErr();
    expect(failure).toMatchObject({
      kind: "ConnectionFailed",
      cause: "XKS_VPC_ENDPOINT_SERVICE_INVALID_CONFIGURATION",
      customKeyStoreId: id,
    });
  });

  it("is Err KEY_STORE_NOT_CONNECTED when the store stays DISCONNECTED", async () => {
    const id = await createXks();
    const failure = (await waitForConnection(kms, id, { intervalMs: 5, timeoutMs: 5000 }))._unsafeUnwrapErr();
    expect(failure).toMatchObject({ kind: "ConnectionFailed", cause: "KEY_STORE_NOT_CONNECTED" });
  });

  it("times out while CONNECTING with a retryable CONNECT_WAIT_TIMED_OUT", async () => {
    const slow = await startKmsEmulator({ connectDelayMs: 10_000 });
    try {
      const client = clientFor(slow);
      const id = await createHsm(client);
      await client.send(new ConnectCustomKeyStoreCommand({ CustomKeyStoreId: id }));
      const failure = (
        await waitForConnection(client, id, { intervalMs: 10, timeoutMs: 60 })
      )._unsafeUnwrapErr();
      expect(failure).toMatchObject({ cause: "CONNECT_WAIT_TIMED_OUT", retryable: true, code: "CONNECTING" });
    } finally {
      await slow.close();
    }
  });

  it("retries a throttled describe within the deadline", async () => {
    const id = await createXks();
    await kms.send(new ConnectCustomKeyStoreCommand({ CustomKeyStoreId: id }));
    emulator.failNext("DescribeCustomKeyStores", { exception: "ThrottlingException", times: 4 });
    const result = await waitForConnection(clientFor(emulator, { maxAttempts: 1 }), id, {
      intervalMs: 5,
      timeoutMs: 5000,
    });
    expect(result.isOk()).toBe(true);
  });

  it("ends with the describe failure when it is not retryable", async () => {
    const failure = (
      await waitForConnection(kms, "cks-00000000000000000", { intervalMs: 5 })
    )._unsafeUnwrapErr();
    expect(failure).toMatchObject({
      kind: "CustomKeyStoreNotFoundException",
      customKeyStoreId: "cks-00000000000000000",
    });
  });

  it("ends with Aborted when the signal aborts", async () => {
    const slow = await startKmsEmulator({ connectDelayMs: 10_000 });
    try {
      const client = clientFor(slow);
      const sid = await createHsm(client);
      await client.send(new ConnectCustomKeyStoreCommand({ CustomKeyStoreId: sid }));
      const controller = new AbortController();
      setTimeout(() => controller.abort(), 30);
      const failure = (
        await waitForConnection(client, sid, { intervalMs: 5, signal: controller.signal })
      )._unsafeUnwrapErr();
      expect(failure.kind).toBe("Aborted");
    } finally {
      await slow.close();
    }
  });

  it("throws a TypeError for invalid arguments, synchronously", () => {
    expect(() => waitForConnection(kms, "")).toThrow(
      "waitForConnection: `customKeyStoreId` must be a non-empty string (cks-…)",
    );
    expect(() => waitForConnection(kms, 7 as never)).toThrow("waitForConnection: `customKeyStoreId`");
    expect(() => waitForConnection(kms, "cks-1", { intervalMs: -1 })).toThrow(
      "waitForConnection: `intervalMs` must be a non-negative number of milliseconds",
    );
    expect(() => waitForConnection(kms, "cks-1", { timeoutMs: Number.POSITIVE_INFINITY })).toThrow(
      "waitForConnection: `timeoutMs`",
    );
  });
});

describe(checkKeyStores.name, () => {
  it("reports every store across pages, with failures and without the credential", async () => {
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push(await createXks());
    const [first, second] = ids as [string, string];
    emulator.keyStore(first).failConnect("XKS_PROXY_TIMED_OUT");
    await kms.send(new ConnectCustomKeyStoreCommand({ CustomKeyStoreId: first }));
    await kms.send(new ConnectCustomKeyStoreCommand({ CustomKeyStoreId: second }));
    await waitForConnection(kms, second, { intervalMs: 5 });
    await waitForConnection(kms, first, { intervalMs: 5 });

    const reports = (await checkKeyStores(kms, { pageSize: 2 }))._unsafeUnwrap();
    expect(reports.map((r) => r.customKeyStoreId).sort()).toEqual([...ids].sort());
    const failed = reports.find((r) => r.customKeyStoreId === first);
    expect(failed).toMatchObject({ connectionState: "FAILED", failure: { cause: "XKS_PROXY_TIMED_OUT" } });
    expect(reports.find((r) => r.customKeyStoreId === second)?.failure).toBeUndefined();
    expect(reports.filter((r) => r.connectionState === "DISCONNECTED")).toHaveLength(3);
    expect(failed?.xksProxy).toMatchObject({ connectivity: "VPC_ENDPOINT_SERVICE", uriPath: "/kms/xks/v1" });
    expect(JSON.stringify(reports)).not.toContain(ACCESS_KEY_ID);
  });

  it("redacts a credential id seen on an earlier page from a later page's failure", async () => {
    for (let i = 0; i < 3; i++) await createXks();
    // The second page fails with a message that (hostile or buggy) quotes the credential id.
    const client = clientFor(emulator, { maxAttempts: 1 });
    let calls = 0;
    client.middlewareStack.add(
      (next) => async (args) => {
        calls++;
        if (calls === 2)
          emulator.failNext("DescribeCustomKeyStores", {
            exception: "ValidationException",
            message: `bad ${ACCESS_KEY_ID}`,
          });
        return next(args);
      },
      { step: "initialize", name: "secondPageFails" },
    );
    const failure = (await checkKeyStores(client, { pageSize: 2 }))._unsafeUnwrapErr();
    expect(failure.kind).toBe("ValidationException");
    expect(JSON.stringify(failure)).not.toContain(ACCESS_KEY_ID);
    expect(failure.message).toBe("bad [REDACTED]");
  });

  it("throws a TypeError for a page size outside 1–1000, synchronously", () => {
    for (const pageSize of [0, 1001, 1.5, Number.NaN]) {
      expect(() => checkKeyStores(kms, { pageSize })).toThrow(
        "checkKeyStores: `pageSize` must be an integer from 1 to 1000",
      );
    }
    expect(() => checkKeyStores(kms, { pageSize: 1000 })).not.toThrow();
  });

  it("is Err with the classified failure when describing fails", async () => {
    emulator.failNext("DescribeCustomKeyStores", {
      exception: "AccessDeniedException",
      message: "not allowed",
    });
    const failure = (await checkKeyStores(clientFor(emulator, { maxAttempts: 1 })))._unsafeUnwrapErr();
    expect(failure).toMatchObject({ kind: "AccessDeniedException", operation: "DescribeCustomKeyStores" });
  });
});
