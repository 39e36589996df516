import {
  ConnectCustomKeyStoreCommand,
  type CustomKeyStoresListEntry,
  DisconnectCustomKeyStoreCommand,
  type KMSClient,
} from "@aws-sdk/client-kms";
import {
  catalog,
  ensureConnected,
  formatFailure,
  type KmsFailure,
  toLogEntry,
  type WaitForConnectionOptions,
  waitForConnection,
} from "kms-keystore-errors";
import { type KmsEmulator, startKmsEmulator } from "kms-keystore-errors/testing";
import type { ResultAsync } from "neverthrow";
import { afterEach, beforeEach, describe, expect, expectTypeOf, it, vi } from "vitest";
import { closeHostileServers, hostile, kmsJson } from "./support/hostile.js";
import { clientFor, createHsmStore, createXksStore } from "./support/kms.js";

// Every test goes through a real KMSClient (one attempt per send, so the emulator's request log is
// the library's own calls) against the KMS emulator. States that KMS passes through on its own
// (CONNECTING, DISCONNECTING) are held with `setState` and released once the emulator has answered
// a describe in that state: no test depends on how long anything takes.
let emulator: KmsEmulator;
let kms: KMSClient;
let counter = 0;

const FAST = { intervalMs: 5, timeoutMs: 10_000 } as const;
const ACCESS_KEY_ID = "ENSURECONNECTEDKEYIDQ";
const DESCRIBE = "DescribeCustomKeyStores";
const CONNECT = "ConnectCustomKeyStore";
const DISCONNECT = "DisconnectCustomKeyStore";

async function start(options: { connectDelayMs?: number; disconnectDelayMs?: number } = {}) {
  emulator = await startKmsEmulator({ connectDelayMs: 20, ...options });
  kms = clientFor(emulator, { maxAttempts: 1 });
}
/** Replaces the emulator of this test with one started with other delays. */
async function restart(options: { connectDelayMs?: number; disconnectDelayMs?: number }) {
  kms.destroy();
  await emulator.close();
  await start(options);
}
beforeEach(() => start());
afterEach(async () => {
  kms.destroy();
  await emulator.close();
  await closeHostileServers();
});

type StoreType = "AWS_CLOUDHSM" | "EXTERNAL_KEY_STORE";

/** A new store of either type, `DISCONNECTED` as created. */
async function createStore(type: StoreType = "EXTERNAL_KEY_STORE"): Promise<string> {
  counter++;
  return type === "AWS_CLOUDHSM"
    ? createHsmStore(kms, {
        name: `ensure-hsm-${counter}`,
        clusterId: `cluster-234abcdef${String(counter).padStart(3, "0")}`,
      })
    : createXksStore(kms, emulator.region, counter, {
        name: `ensure-xks-${counter}`,
        accessKeyId: ACCESS_KEY_ID,
      });
}

/** The key store operations the emulator received, in order. */
const lifecycleCalls = () =>
  emulator
    .requests()
    .map((r) => r.operation)
    .filter((op) => op === DESCRIBE || op === CONNECT || op === DISCONNECT);

/** Resolves once the emulator has answered `n` describe calls in all (bounded by vitest's timeout). */
const describedTimes = (n: number) =>
  vi.waitFor(() => expect(emulator.requests(DESCRIBE).length).toBeGreaterThanOrEqual(n), {
    timeout: 15_000,
    interval: 2,
  });

const retryableConnectionCause = (cause: string) =>
  catalog.find((e) => e.cause === cause && (e.kinds as readonly string[]).includes("ConnectionFailed"))
    ?.retryable;

describe(`${ensureConnected.name} from each starting state`, () => {
  it("CONNECTED: Ok at once, after one describe and nothing else", async () => {
    const id = await createStore();
    emulator.keyStore(id).setState("CONNECTED");
    const result = await ensureConnected(kms, id, FAST);
    expect(result._unsafeUnwrap()).toMatchObject({ CustomKeyStoreId: id, ConnectionState: "CONNECTED" });
    expect(lifecycleCalls()).toEqual([DESCRIBE]);
  });

  it.each<StoreType>(["AWS_CLOUDHSM", "EXTERNAL_KEY_STORE"])(
    "DISCONNECTED (%s): connects and waits for CONNECTED",
    async (type) => {
      const id = await createStore(type);
      const result = await ensureConnected(kms, id, FAST);
      expect(result._unsafeUnwrap()).toMatchObject({
        CustomKeyStoreId: id,
        CustomKeyStoreType: type,
        ConnectionState: "CONNECTED",
      });
      expect(emulator.keyStore(id).state()).toBe("CONNECTED");
      const calls = lifecycleCalls();
      expect(calls.slice(0, 2)).toEqual([DESCRIBE, CONNECT]);
      expect(calls.filter((op) => op === CONNECT)).toHaveLength(1);
      expect(calls).not.toContain(DISCONNECT);
    },
  );

  it.each<StoreType>(["AWS_CLOUDHSM", "EXTERNAL_KEY_STORE"])(
    "FAILED (%s): disconnects, then connects and waits for CONNECTED",
    async (type) => {
      const id = await createStore(type);
      emulator.keyStore(id).setState("FAILED", "NETWORK_ERRORS");
      const result = await ensureConnected(kms, id, FAST);
      expect(result._unsafeUnwrap()).toMatchObject({ CustomKeyStoreId: id, ConnectionState: "CONNECTED" });
      expect(emulator.keyStore(id).state()).toBe("CONNECTED");
      const calls = lifecycleCalls();
      expect(calls.slice(0, 2)).toEqual([DESCRIBE, DISCONNECT]);
      expect(calls.indexOf(CONNECT)).toBeGreaterThan(calls.indexOf(DISCONNECT));
      expect(calls.filter((op) => op === DISCONNECT)).toHaveLength(1);
      expect(calls.filter((op) => op === CONNECT)).toHaveLength(1);
    },
  );

  it("FAILED: waits while the disconnect is DISCONNECTING, and connects only once DISCONNECTED", async () => {
    await restart({ disconnectDelayMs: 600_000 });
    const id = await createStore();
    emulator.keyStore(id).setState("FAILED", "XKS_PROXY_NOT_REACHABLE");
    const pending = ensureConnected(kms, id, FAST);
    // The describe after the disconnect, and one more, were answered DISCONNECTING.
    await vi.waitFor(() => expect(emulator.requests(DISCONNECT)).toHaveLength(1), { timeout: 15_000 });
    const afterDisconnect = emulator.requests(DESCRIBE).length;
    await describedTimes(afterDisconnect + 2);
    expect(emulator.keyStore(id).state()).toBe("DISCONNECTING");
    expect(emulator.requests(CONNECT)).toHaveLength(0);
    emulator.keyStore(id).setState("DISCONNECTED");
    const result = await pending;
    expect(result._unsafeUnwrap().ConnectionState).toBe("CONNECTED");
    expect(emulator.requests(CONNECT)).toHaveLength(1);
    expect(emulator.requests(DISCONNECT)).toHaveLength(1);
  });

  it("DISCONNECTING: waits for DISCONNECTED, then connects", async () => {
    const id = await createStore("AWS_CLOUDHSM");
    emulator.keyStore(id).setState("DISCONNECTING");
    const pending = ensureConnected(kms, id, FAST);
    await describedTimes(2);
    expect(emulator.requests(CONNECT)).toHaveLength(0);
    emulator.keyStore(id).setState("DISCONNECTED");
    const result = await pending;
    expect(result._unsafeUnwrap()).toMatchObject({ CustomKeyStoreId: id, ConnectionState: "CONNECTED" });
    expect(emulator.requests(CONNECT)).toHaveLength(1);
    expect(emulator.requests(DISCONNECT)).toHaveLength(0);
  });

  it("DISCONNECTING, through the emulator's own disconnect: ends CONNECTED", async () => {
    await restart({ disconnectDelayMs: 30 });
    const id = await createStore();
    emulator.keyStore(id).setState("CONNECTED");
    await kms.send(new DisconnectCustomKeyStoreCommand({ CustomKeyStoreId: id }));
    const result = await ensureConnected(kms, id, FAST);
    expect(result._unsafeUnwrap().ConnectionState).toBe("CONNECTED");
    expect(emulator.requests(CONNECT)).toHaveLength(1);
  });

  it("CONNECTING: waits for the attempt under way, without connecting again", async () => {
    const id = await createStore();
    emulator.keyStore(id).setState("CONNECTING");
    const pending = ensureConnected(kms, id, FAST);
    await describedTimes(2);
    emulator.keyStore(id).setState("CONNECTED");
    const result = await pending;
    expect(result._unsafeUnwrap().ConnectionState).toBe("CONNECTED");
    expect(lifecycleCalls().every((op) => op === DESCRIBE)).toBe(true);
  });

  it("CONNECTING that ends FAILED: that attempt's failure, no second attempt in the same call", async () => {
    const id = await createStore();
    emulator.keyStore(id).setState("CONNECTING");
    const pending = ensureConnected(kms, id, FAST);
    await describedTimes(2);
    emulator.keyStore(id).setState("FAILED", "XKS_PROXY_TIMED_OUT");
    const failure = (await pending)._unsafeUnwrapErr();
    expect(failure).toMatchObject({
      kind: "ConnectionFailed",
      code: "XKS_PROXY_TIMED_OUT",
      cause: "XKS_PROXY_TIMED_OUT",
      retryable: true,
      customKeyStoreId: id,
      keyStoreType: "EXTERNAL_KEY_STORE",
    });
    expect(lifecycleCalls().every((op) => op === DESCRIBE)).toBe(true);
    // Retryable: the same call again disconnects, connects and succeeds.
    const again = await ensureConnected(kms, id, FAST);
    expect(again._unsafeUnwrap().ConnectionState).toBe("CONNECTED");
    expect(emulator.requests(DISCONNECT)).toHaveLength(1);
    expect(emulator.requests(CONNECT)).toHaveLength(1);
  });
});

describe(`${ensureConnected.name}: each way it can end`, () => {
  it("a store that fails again after reconnecting: its new connection failure; calling again recovers", async () => {
    const id = await createStore();
    emulator.keyStore(id).setState("FAILED", "NETWORK_ERRORS");
    emulator.keyStore(id).failConnect("INTERNAL_ERROR");
    const failure = (await ensureConnected(kms, id, FAST))._unsafeUnwrapErr();
    expect(failure).toMatchObject({
      kind: "ConnectionFailed",
      code: "INTERNAL_ERROR",
      cause: "INTERNAL_ERROR",
      retryable: retryableConnectionCause("INTERNAL_ERROR"),
      customKeyStoreId: id,
      keyStoreType: "EXTERNAL_KEY_STORE",
    });
    expect(failure.retryable).toBe(true);
    expect(emulator.keyStore(id).state()).toBe("FAILED");
    expect(emulator.requests(DISCONNECT)).toHaveLength(1);
    expect(emulator.requests(CONNECT)).toHaveLength(1);

    const again = await ensureConnected(kms, id, FAST);
    expect(again._unsafeUnwrap().ConnectionState).toBe("CONNECTED");
    expect(emulator.requests(DISCONNECT)).toHaveLength(2);
    expect(emulator.requests(CONNECT)).toHaveLength(2);
  });

  it("a connection failure that needs a fix first: not retryable, with the store type's remediation", async () => {
    const id = await createStore("AWS_CLOUDHSM");
    emulator.keyStore(id).failConnect("INVALID_CREDENTIALS");
    const failure = (await ensureConnected(kms, id, FAST))._unsafeUnwrapErr();
    expect(failure).toMatchObject({
      kind: "ConnectionFailed",
      cause: "INVALID_CREDENTIALS",
      retryable: false,
      keyStoreType: "AWS_CLOUDHSM",
    });
    expect(failure.remediation.summary).toMatch(/kmsuser/);
    expect(emulator.requests(CONNECT)).toHaveLength(1);
  });

  it("an unknown store id: CustomKeyStoreNotFoundException from the describe, nothing else sent", async () => {
    const failure = (await ensureConnected(kms, "cks-00000000000000000", FAST))._unsafeUnwrapErr();
    expect(failure).toMatchObject({
      kind: "CustomKeyStoreNotFoundException",
      cause: "CUSTOM_KEY_STORE_NOT_FOUND",
      retryable: false,
      operation: DESCRIBE,
      customKeyStoreId: "cks-00000000000000000",
    });
    expect(lifecycleCalls()).toEqual([DESCRIBE]);
  });

  it("a describe that is denied: its classification", async () => {
    const id = await createStore();
    emulator.failNext(DESCRIBE, { exception: "AccessDeniedException" });
    const failure = (await ensureConnected(kms, id, FAST))._unsafeUnwrapErr();
    expect(failure).toMatchObject({
      kind: "AccessDeniedException",
      operation: DESCRIBE,
      customKeyStoreId: id,
    });
    expect(lifecycleCalls()).toEqual([DESCRIBE]);
  });

  it("a connect refused outright: its classification, with operation ConnectCustomKeyStore", async () => {
    const id = await createStore("AWS_CLOUDHSM");
    emulator.failNext(CONNECT, { exception: "CloudHsmClusterNotActiveException" });
    const failure = (await ensureConnected(kms, id, FAST))._unsafeUnwrapErr();
    expect(failure).toMatchObject({
      kind: "CloudHsmClusterNotActiveException",
      retryable: false,
      operation: CONNECT,
      customKeyStoreId: id,
    });
    expect(emulator.keyStore(id).state()).toBe("DISCONNECTED");
    expect(lifecycleCalls()).toEqual([DESCRIBE, CONNECT]);
  });

  it("a disconnect refused outright: its classification, and no connect", async () => {
    const id = await createStore();
    emulator.keyStore(id).setState("FAILED", "XKS_PROXY_NOT_REACHABLE");
    emulator.failNext(DISCONNECT, { exception: "AccessDeniedException" });
    const failure = (await ensureConnected(kms, id, FAST))._unsafeUnwrapErr();
    expect(failure).toMatchObject({
      kind: "AccessDeniedException",
      retryable: false,
      operation: DISCONNECT,
      customKeyStoreId: id,
    });
    expect(emulator.keyStore(id).state()).toBe("FAILED");
    expect(lifecycleCalls()).toEqual([DESCRIBE, DISCONNECT]);
  });

  it("a throttled or dropped connect and disconnect: sent again within the deadline", async () => {
    const id = await createStore();
    emulator.keyStore(id).setState("FAILED", "NETWORK_ERRORS");
    emulator.failNext(DISCONNECT, { exception: "ThrottlingException", times: 2 });
    emulator.failNext(CONNECT, { network: "drop" });
    const result = await ensureConnected(kms, id, FAST);
    expect(result._unsafeUnwrap().ConnectionState).toBe("CONNECTED");
    expect(emulator.requests(DISCONNECT)).toHaveLength(3);
    expect(emulator.requests(CONNECT)).toHaveLength(2);
  });

  it("a connect refused for the store's state: looks again, and succeeds when the state allows it", async () => {
    const id = await createStore();
    emulator.failNext(CONNECT, { exception: "CustomKeyStoreInvalidStateException", times: 1 });
    const result = await ensureConnected(kms, id, FAST);
    expect(result._unsafeUnwrap().ConnectionState).toBe("CONNECTED");
    expect(emulator.requests(CONNECT)).toHaveLength(2);
  });

  it("a connect always refused for the store's state: a bounded number of tries, then that refusal", async () => {
    const id = await createStore();
    emulator.failNext(CONNECT, {
      exception: "CustomKeyStoreInvalidStateException",
      times: Number.POSITIVE_INFINITY,
    });
    const failure = (await ensureConnected(kms, id, FAST))._unsafeUnwrapErr();
    expect(failure).toMatchObject({ kind: "CustomKeyStoreInvalidStateException", operation: CONNECT });
    const connects = emulator.requests(CONNECT).length;
    expect(connects).toBeGreaterThan(1);
    expect(connects).toBeLessThanOrEqual(10);
  });

  it("a store that is FAILED again after every disconnect: a bounded number of disconnects, then its failure", async () => {
    const id = await createStore();
    emulator.keyStore(id).setState("FAILED", "XKS_PROXY_INVALID_RESPONSE");
    // Something else connects the store again, and it fails, right after each disconnect.
    const refail = setInterval(() => {
      if (emulator.keyStore(id).state() !== "FAILED") {
        emulator.keyStore(id).setState("FAILED", "XKS_PROXY_INVALID_RESPONSE");
      }
    }, 0);
    try {
      const failure = (
        await ensureConnected(kms, id, { intervalMs: 20, timeoutMs: 60_000 })
      )._unsafeUnwrapErr();
      expect(failure).toMatchObject({ kind: "ConnectionFailed", cause: "XKS_PROXY_INVALID_RESPONSE" });
    } finally {
      clearInterval(refail);
    }
    const disconnects = emulator.requests(DISCONNECT).length;
    expect(disconnects).toBeGreaterThan(1);
    expect(disconnects).toBeLessThanOrEqual(10);
  });

  it("the deadline while CONNECTING: CONNECT_WAIT_TIMED_OUT with code CONNECTING, retryable", async () => {
    const id = await createStore("AWS_CLOUDHSM");
    emulator.keyStore(id).setState("CONNECTING");
    const failure = (await ensureConnected(kms, id, { intervalMs: 5, timeoutMs: 50 }))._unsafeUnwrapErr();
    expect(failure).toMatchObject({
      kind: "ConnectionFailed",
      code: "CONNECTING",
      cause: "CONNECT_WAIT_TIMED_OUT",
      retryable: true,
      customKeyStoreId: id,
      keyStoreType: "AWS_CLOUDHSM",
    });
  });

  it("the deadline while DISCONNECTING: CONNECT_WAIT_TIMED_OUT with code DISCONNECTING, no connect sent", async () => {
    const id = await createStore();
    emulator.keyStore(id).setState("DISCONNECTING");
    const failure = (await ensureConnected(kms, id, { intervalMs: 5, timeoutMs: 50 }))._unsafeUnwrapErr();
    expect(failure).toMatchObject({
      kind: "ConnectionFailed",
      code: "DISCONNECTING",
      cause: "CONNECT_WAIT_TIMED_OUT",
      retryable: true,
      customKeyStoreId: id,
    });
    expect(failure.message).toMatch(/still DISCONNECTING .* ConnectCustomKeyStore was not sent/);
    expect(emulator.requests(CONNECT)).toHaveLength(0);
    // Retryable: once the disconnect completes, the same call succeeds.
    emulator.keyStore(id).setState("DISCONNECTED");
    expect((await ensureConnected(kms, id, FAST))._unsafeUnwrap().ConnectionState).toBe("CONNECTED");
  });

  it("the deadline after its own disconnect: CONNECT_WAIT_TIMED_OUT; calling again picks up from there", async () => {
    await restart({ disconnectDelayMs: 600_000 });
    const id = await createStore();
    emulator.keyStore(id).setState("FAILED", "NETWORK_ERRORS");
    // Long enough for the describe and the disconnect on a busy machine; the store then stays
    // DISCONNECTING until the deadline.
    const failure = (await ensureConnected(kms, id, { intervalMs: 5, timeoutMs: 500 }))._unsafeUnwrapErr();
    expect(failure).toMatchObject({
      cause: "CONNECT_WAIT_TIMED_OUT",
      code: "DISCONNECTING",
      retryable: true,
    });
    expect(emulator.keyStore(id).state()).toBe("DISCONNECTING");
    emulator.keyStore(id).setState("DISCONNECTED");
    expect((await ensureConnected(kms, id, FAST))._unsafeUnwrap().ConnectionState).toBe("CONNECTED");
    expect(emulator.requests(DISCONNECT)).toHaveLength(1);
  });

  it("a describe throttled until the deadline: the throttling failure", async () => {
    const id = await createStore();
    emulator.failNext(DESCRIBE, { exception: "ThrottlingException", times: Number.POSITIVE_INFINITY });
    const failure = (await ensureConnected(kms, id, { intervalMs: 5, timeoutMs: 50 }))._unsafeUnwrapErr();
    expect(failure).toMatchObject({ kind: "ThrottlingException", retryable: true, operation: DESCRIBE });
    expect(emulator.requests(CONNECT)).toHaveLength(0);
  });

  it("timeoutMs 0 on a CONNECTED store: Ok (one describe)", async () => {
    const id = await createStore();
    emulator.keyStore(id).setState("CONNECTED");
    expect((await ensureConnected(kms, id, { timeoutMs: 0 }))._unsafeUnwrap().ConnectionState).toBe(
      "CONNECTED",
    );
    expect(lifecycleCalls()).toEqual([DESCRIBE]);
  });

  it("an aborted signal: Aborted, and nothing sent", async () => {
    const id = await createStore();
    const controller = new AbortController();
    controller.abort();
    const failure = (
      await ensureConnected(kms, id, { ...FAST, signal: controller.signal })
    )._unsafeUnwrapErr();
    expect(failure).toMatchObject({ kind: "Aborted", retryable: false });
    expect(lifecycleCalls()).toEqual([]);
  });

  it("a signal aborted while waiting for DISCONNECTED: Aborted, no connect", async () => {
    const id = await createStore();
    emulator.keyStore(id).setState("DISCONNECTING");
    const controller = new AbortController();
    const pending = ensureConnected(kms, id, { intervalMs: 5, signal: controller.signal });
    await describedTimes(1);
    controller.abort();
    expect((await pending)._unsafeUnwrapErr()).toMatchObject({ kind: "Aborted", retryable: false });
    expect(emulator.requests(CONNECT)).toHaveLength(0);
  });

  it("a signal aborted while waiting for CONNECTED after its own connect: Aborted", async () => {
    await restart({ connectDelayMs: 600_000 });
    const held = await createStore();
    const controller = new AbortController();
    const pending = ensureConnected(kms, held, { intervalMs: 5, signal: controller.signal });
    await vi.waitFor(() => expect(emulator.requests(CONNECT)).toHaveLength(1), { timeout: 15_000 });
    await describedTimes(2);
    controller.abort(new Error("shutting down"));
    const failure = (await pending)._unsafeUnwrapErr();
    expect(failure).toMatchObject({ kind: "Aborted" });
    expect(emulator.keyStore(held).state()).toBe("CONNECTING");
  });
});

describe(`${ensureConnected.name}: arguments and output`, () => {
  it("has the public signature: any client with send, waitForConnection's options, a ResultAsync", () => {
    expectTypeOf(ensureConnected).parameter(0).toEqualTypeOf<Pick<KMSClient, "send">>();
    expectTypeOf(ensureConnected).parameter(2).toEqualTypeOf<WaitForConnectionOptions | undefined>();
    expectTypeOf(ensureConnected).returns.toEqualTypeOf<ResultAsync<CustomKeyStoresListEntry, KmsFailure>>();
  });

  it("throws a TypeError for invalid arguments, synchronously, before sending anything", () => {
    for (const id of ["", 7, undefined, null]) {
      expect(() => ensureConnected(kms, id as never)).toThrow(
        new TypeError("ensureConnected: `customKeyStoreId` must be a non-empty string (cks-…)"),
      );
    }
    for (const name of ["intervalMs", "timeoutMs"] as const) {
      for (const value of [-1, Number.NaN, Number.POSITIVE_INFINITY, "1", null]) {
        expect(() => ensureConnected(kms, "cks-1", { [name]: value as never })).toThrow(
          new TypeError(`ensureConnected: \`${name}\` must be a non-negative number of milliseconds`),
        );
      }
    }
    for (const signal of [{}, "abort", null, { aborted: false }]) {
      expect(() => ensureConnected(kms, "cks-1", { signal: signal as never })).toThrow(
        new TypeError("ensureConnected: `signal` must be an AbortSignal"),
      );
    }
    expect(emulator.requests()).toHaveLength(0);
  });

  it("accepts null options as the defaults", async () => {
    const id = await createStore();
    emulator.keyStore(id).setState("CONNECTED");
    expect((await ensureConnected(kms, id, null as never))._unsafeUnwrap().ConnectionState).toBe("CONNECTED");
  });

  it("never puts the store's credential id in a failure, its log entry or its text", async () => {
    const id = await createStore();
    emulator.keyStore(id).setState("FAILED", "INVALID_CREDENTIALS");
    emulator.failNext(DISCONNECT, {
      exception: "AccessDeniedException",
      message: `User is not authorized to disconnect a store whose proxy credential is ${ACCESS_KEY_ID}.`,
    });
    const failure: KmsFailure = (await ensureConnected(kms, id, FAST))._unsafeUnwrapErr();
    expect(failure.message).toContain("[REDACTED]");
    for (const text of [
      JSON.stringify(failure),
      JSON.stringify(toLogEntry(failure)),
      formatFailure(failure),
    ]) {
      expect(text).not.toContain(ACCESS_KEY_ID);
    }
  });

  it("leaves a store that another caller connects alone: both end CONNECTED with one connect", async () => {
    const id = await createStore();
    await kms.send(new ConnectCustomKeyStoreCommand({ CustomKeyStoreId: id }));
    const [mine, theirs] = await Promise.all([
      ensureConnected(kms, id, FAST),
      waitForConnection(kms, id, FAST),
    ]);
    expect(mine._unsafeUnwrap().ConnectionState).toBe("CONNECTED");
    expect(theirs._unsafeUnwrap().ConnectionState).toBe("CONNECTED");
    expect(emulator.requests(CONNECT)).toHaveLength(1);
  });
});

describe(`${ensureConnected.name} against a server that is not KMS`, () => {
  /** A real KMSClient pointed at a loopback server whose describe answers `entries`. */
  async function describing(entries: unknown[]): Promise<KMSClient> {
    const server = await hostile((req, res) => {
      const target = String(req.headers["x-amz-target"]);
      kmsJson(res, target.endsWith(DESCRIBE) ? { CustomKeyStores: entries } : {});
    });
    return clientFor(emulator, { endpoint: server.url, maxAttempts: 1 });
  }

  it.each([
    ["a state KMS does not have", [{ CustomKeyStoreId: "cks-1", ConnectionState: "\u001b[31mREPAIRING" }]],
    ["no state", [{ CustomKeyStoreId: "cks-1" }]],
    ["no entry at all", []],
  ])(
    "%s: keeps looking until timeoutMs, then CONNECT_WAIT_TIMED_OUT with code UNKNOWN_STATE",
    async (_, entries) => {
      const client = await describing(entries);
      try {
        const failure = (
          await ensureConnected(client, "cks-1", { intervalMs: 5, timeoutMs: 40 })
        )._unsafeUnwrapErr();
        expect(failure).toMatchObject({
          kind: "ConnectionFailed",
          cause: "CONNECT_WAIT_TIMED_OUT",
          code: "UNKNOWN_STATE",
          customKeyStoreId: "cks-1",
        });
        expect(failure.message).toMatch(/in no connection state that KMS defines/);
        expect(JSON.stringify(failure)).not.toContain("REPAIRING");
      } finally {
        client.destroy();
      }
    },
  );
});

describe(`${waitForConnection.name} against a server that is not KMS`, () => {
  it("never makes a connection state KMS does not define the failure's code", async () => {
    const server = await hostile((_req, res) => {
      kmsJson(res, {
        CustomKeyStores: [{ CustomKeyStoreId: "cks-1", ConnectionState: "\u001b[2J WAITING" }],
      });
    });
    const client = clientFor(emulator, { endpoint: server.url, maxAttempts: 1 });
    try {
      const failure = (
        await waitForConnection(client, "cks-1", { intervalMs: 5, timeoutMs: 40 })
      )._unsafeUnwrapErr();
      expect(failure).toMatchObject({ cause: "CONNECT_WAIT_TIMED_OUT", code: "UNKNOWN_STATE" });
      expect(JSON.stringify(failure)).not.toContain("WAITING");
    } finally {
      client.destroy();
    }
  });
});

describe("the emulator's disconnectDelayMs", () => {
  it("holds a disconnected store DISCONNECTING, then DISCONNECTED; 0 disconnects at once", async () => {
    const id = await createStore();
    emulator.keyStore(id).setState("CONNECTED");
    await kms.send(new DisconnectCustomKeyStoreCommand({ CustomKeyStoreId: id }));
    expect(emulator.keyStore(id).state()).toBe("DISCONNECTED");

    await restart({ disconnectDelayMs: 20 });
    const slow = await createStore();
    emulator.keyStore(slow).setState("CONNECTED");
    await kms.send(new DisconnectCustomKeyStoreCommand({ CustomKeyStoreId: slow }));
    await vi.waitFor(() => expect(emulator.keyStore(slow).state()).toBe("DISCONNECTED"), { timeout: 15_000 });
  });

  it("refuses a disconnect while DISCONNECTING, as KMS does", async () => {
    await restart({ disconnectDelayMs: 600_000 });
    const id = await createStore();
    emulator.keyStore(id).setState("CONNECTED");
    await kms.send(new DisconnectCustomKeyStoreCommand({ CustomKeyStoreId: id }));
    expect(emulator.keyStore(id).state()).toBe("DISCONNECTING");
    await expect(
      kms.send(new DisconnectCustomKeyStoreCommand({ CustomKeyStoreId: id })),
    ).rejects.toMatchObject({
      name: "CustomKeyStoreInvalidStateException",
    });
  });

  it("rejects a negative delay", async () => {
    await expect(startKmsEmulator({ disconnectDelayMs: -1 })).rejects.toThrow(/disconnectDelayMs/);
  });
});
