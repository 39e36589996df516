import { getEventListeners } from "node:events";
import type { ServerResponse } from "node:http";
import type {
  CustomKeyStoresListEntry,
  DescribeCustomKeyStoresCommandOutput,
  KMSClient,
} from "@aws-sdk/client-kms";
import { checkKeyStores, connectionFailure, type KmsFailure, waitForConnection } from "kms-keystore-errors";
import { type KmsEmulator, startKmsEmulator } from "kms-keystore-errors/testing";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { closeHostileServers, hostile, kmsJson } from "./support/hostile.js";
import { clientFor, createHsmStore, createXksStore } from "./support/kms.js";

let emulator: KmsEmulator;
let kms: KMSClient;
let counter = 0;

beforeEach(async () => {
  // Connect attempts never finish by themselves here: tests force states with `setState`.
  emulator = await startKmsEmulator({ connectDelayMs: 600_000 });
  kms = clientFor(emulator, { maxAttempts: 1 });
});
afterEach(() => emulator.close());

const DESCRIBE = "DescribeCustomKeyStores";

/** A distinct, valid XKS access key id (20 characters of [A-Z2-7]). */
const accessKeyId = (letter: string) => `ACCESSKEYIDFORSTORE${letter}`;

async function createXks(keyId = accessKeyId("Z")): Promise<string> {
  counter++;
  return createXksStore(kms, emulator.region, counter, { name: `edge-xks-${counter}`, accessKeyId: keyId });
}

/** A distinct cluster id per store (a cluster backs at most one key store). */
const clusterId = (n: number) => `cluster-234abcdef${String(n).padStart(3, "0")}`;

async function createHsm(): Promise<string> {
  counter++;
  return createHsmStore(kms, { name: `edge-hsm-${counter}`, clusterId: clusterId(counter) });
}

interface RecordedSend {
  readonly input: unknown;
  readonly options: unknown;
}

/**
 * Wraps a client's `send`, recording each call (command input and the options passed to `send`)
 * and running hooks, with the 1-based call number, before the call and after it settles.
 */
function recording(
  inner: Pick<KMSClient, "send">,
  hooks: { before?: (call: number) => void; after?: (call: number) => void } = {},
) {
  const calls: RecordedSend[] = [];
  const send = async (command: { input: unknown }, options?: unknown) => {
    calls.push({ input: command.input, options });
    const n = calls.length;
    hooks.before?.(n);
    try {
      return await (inner.send as (c: unknown, o?: unknown) => Promise<unknown>).call(
        inner,
        command,
        options,
      );
    } finally {
      hooks.after?.(n);
    }
  };
  return { client: { send } as unknown as Pick<KMSClient, "send">, calls };
}

/** The options one recorded call passed to `send` (`{}` when there was no such call). */
const optionsOf = (call: RecordedSend | undefined) => (call?.options ?? {}) as Record<string, unknown>;

/** A client answering every describe call with `answer(call)` (no network). */
const fakeClient = (answer: (call: number) => unknown) => {
  let calls = 0;
  const client = {
    send: async () => answer(++calls) as DescribeCustomKeyStoresCommandOutput,
  } as unknown as Pick<KMSClient, "send">;
  return { client, calls: () => calls };
};

const sortedKeys = (value: object) => Object.keys(value).sort();

const ABORT_KEYS = ["category", "cause", "code", "kind", "remediation", "retryable"];

/** The failure for an abort whose reason is not itself an abort error. */
function expectAbortedFor(failure: KmsFailure, reason: unknown): void {
  expect(failure).toMatchObject({ kind: "Aborted", code: "AbortError", cause: "ABORTED", retryable: false });
  expect(sortedKeys(failure)).toEqual(ABORT_KEYS);
  expect(failure.error).toBe(reason);
}

describe(`${connectionFailure.name} edges`, () => {
  const disconnected = (fields: Record<string, unknown>) =>
    connectionFailure({ ConnectionState: "DISCONNECTED", ...fields } as CustomKeyStoresListEntry);

  it("takes keyStoreType, and the matching remediation, from either KMS store type only", () => {
    const hsm = disconnected({ CustomKeyStoreId: "cks-1", CustomKeyStoreType: "AWS_CLOUDHSM" });
    const xks = disconnected({ CustomKeyStoreId: "cks-1", CustomKeyStoreType: "EXTERNAL_KEY_STORE" });
    const generic = disconnected({ CustomKeyStoreId: "cks-1" });
    expect(hsm?.keyStoreType).toBe("AWS_CLOUDHSM");
    expect(xks?.keyStoreType).toBe("EXTERNAL_KEY_STORE");
    expect(generic).not.toHaveProperty("keyStoreType");
    expect(hsm?.remediation.summary).toMatch(/^The CloudHSM key store is not connected/);
    expect(xks?.remediation.summary).toMatch(/^The external key store is not connected/);
    expect(generic?.remediation.summary).toMatch(/^The custom key store is not connected/);
    for (const type of ["OTHER", "", "aws_cloudhsm", 1]) {
      const f = disconnected({ CustomKeyStoreId: "cks-1", CustomKeyStoreType: type });
      expect(f).not.toHaveProperty("keyStoreType");
      expect(f?.remediation).toEqual(generic?.remediation);
    }
  });

  it("gives exactly the failure fields, and leaves out an id that is not a string", () => {
    const f = disconnected({ CustomKeyStoreId: "cks-1", CustomKeyStoreType: "AWS_CLOUDHSM" }) as KmsFailure;
    expect(sortedKeys(f)).toEqual([
      "category",
      "cause",
      "code",
      "customKeyStoreId",
      "keyStoreType",
      "kind",
      "remediation",
      "retryable",
    ]);
    expect(Object.isFrozen(f)).toBe(true);
    const noId = disconnected({ CustomKeyStoreId: 42 });
    expect(noId).toMatchObject({ kind: "ConnectionFailed", code: "DISCONNECTED" });
    expect(noId).not.toHaveProperty("customKeyStoreId");
  });

  it("is undefined for null and for functions, whatever properties they carry", () => {
    expect(() => connectionFailure(null as never)).not.toThrow();
    expect(connectionFailure(null as never)).toBeUndefined();
    const fn = Object.assign(() => undefined, { ConnectionState: "DISCONNECTED", CustomKeyStoreId: "cks-1" });
    expect(connectionFailure(fn as never)).toBeUndefined();
  });
});

describe(`${waitForConnection.name} edges`, () => {
  it("rejects invalid arguments with exact TypeErrors, synchronously", () => {
    const message = (name: string) =>
      `waitForConnection: \`${name}\` must be a non-negative number of milliseconds`;
    for (const id of ["", 7, undefined, null]) {
      expect(() => waitForConnection(kms, id as never)).toThrow(
        new TypeError("waitForConnection: `customKeyStoreId` must be a non-empty string (cks-…)"),
      );
    }
    for (const name of ["intervalMs", "timeoutMs"] as const) {
      for (const value of [-1, -0.5, Number.NaN, Number.POSITIVE_INFINITY, "1", null]) {
        expect(() => waitForConnection(kms, "cks-1", { [name]: value as never })).toThrow(
          new TypeError(message(name)),
        );
      }
    }
    expect(emulator.requests(DESCRIBE)).toHaveLength(0);
  });

  it("accepts 0 as interval and timeout: one poll, then CONNECT_WAIT_TIMED_OUT", async () => {
    const id = await createHsm();
    emulator.keyStore(id).setState("CONNECTING");
    const failure = (await waitForConnection(kms, id, { intervalMs: 0, timeoutMs: 0 }))._unsafeUnwrapErr();
    expect(failure).toMatchObject({
      kind: "ConnectionFailed",
      code: "CONNECTING",
      cause: "CONNECT_WAIT_TIMED_OUT",
      retryable: true,
      customKeyStoreId: id,
      keyStoreType: "AWS_CLOUDHSM",
    });
    expect(emulator.requests(DESCRIBE)).toHaveLength(1);
  });

  it("accepts null options as the defaults", async () => {
    const id = await createXks();
    emulator.keyStore(id).setState("CONNECTED");
    const result = await waitForConnection(kms, id, null as never);
    expect(result._unsafeUnwrap()).toMatchObject({ CustomKeyStoreId: id, ConnectionState: "CONNECTED" });
  });

  it("sends the store id, and the signal as abortSignal only when one is given", async () => {
    const id = await createXks();
    emulator.keyStore(id).setState("CONNECTED");
    const without = recording(kms);
    await waitForConnection(without.client, id, { intervalMs: 1 });
    expect(without.calls).toHaveLength(1);
    expect(without.calls[0]?.input).toStrictEqual({ CustomKeyStoreId: id });
    expect(without.calls[0]?.options).toStrictEqual({});

    const signal = new AbortController().signal;
    const withSignal = recording(kms);
    await waitForConnection(withSignal.client, id, { intervalMs: 1, signal });
    expect(withSignal.calls).toHaveLength(1);
    expect(sortedKeys(optionsOf(withSignal.calls[0]))).toEqual(["abortSignal"]);
    expect(optionsOf(withSignal.calls[0]).abortSignal).toBe(signal);
  });

  it("with an already-aborted signal, fails Aborted without sending anything", async () => {
    const id = await createXks();
    const reason = new Error("shutting down");
    const controller = new AbortController();
    controller.abort(reason);
    const { client, calls } = recording(kms);
    const failure = (await waitForConnection(client, id, { signal: controller.signal }))._unsafeUnwrapErr();
    expectAbortedFor(failure, reason);
    expect(calls).toHaveLength(0);
    expect(emulator.requests(DESCRIBE)).toHaveLength(0);
  });

  it("keeps the classification of an abort error reason (its message included)", async () => {
    const id = await createXks();
    const controller = new AbortController();
    controller.abort();
    const reason = controller.signal.reason as Error;
    const failure = (await waitForConnection(kms, id, { signal: controller.signal }))._unsafeUnwrapErr();
    expect(failure).toMatchObject({
      kind: "Aborted",
      code: "AbortError",
      cause: "ABORTED",
      retryable: false,
    });
    expect(failure.message).toBe(reason.message);
    expect(failure.error).toBe(reason);
  });

  it("ends the wait when the signal aborts during the sleep between polls", async () => {
    const id = await createXks();
    emulator.keyStore(id).setState("CONNECTING");
    const controller = new AbortController();
    const reason = new Error("deploy cancelled");
    const { client, calls } = recording(kms, {
      after: (n) => {
        if (n === 1) setTimeout(() => controller.abort(reason), 0);
      },
    });
    // The interval is far longer than the test may take: only the abort can end the sleep.
    const failure = (
      await waitForConnection(client, id, { intervalMs: 600_000, signal: controller.signal })
    )._unsafeUnwrapErr();
    expectAbortedFor(failure, reason);
    expect(calls).toHaveLength(1);
  });

  it("reports the signal's reason, not the SDK's abort error, when aborted during a describe call", async () => {
    const id = await createXks();
    emulator.delay(DESCRIBE, 10_000);
    const controller = new AbortController();
    const reason = new Error("stop waiting");
    const { client, calls } = recording(kms, {
      before: () => setTimeout(() => controller.abort(reason), 20),
    });
    const failure = (
      await waitForConnection(client, id, { intervalMs: 600_000, signal: controller.signal })
    )._unsafeUnwrapErr();
    expectAbortedFor(failure, reason);
    expect(calls).toHaveLength(1);
  });

  it("leaves no abort listener on the caller's signal once the wait is over", async () => {
    const id = await createXks();
    emulator.keyStore(id).setState("CONNECTING");
    const { client, calls } = recording(kms, {
      before: (n) => {
        if (n === 3) emulator.keyStore(id).setState("CONNECTED");
      },
    });
    const controller = new AbortController();
    const result = await waitForConnection(client, id, { intervalMs: 1, signal: controller.signal });
    expect(result._unsafeUnwrap().ConnectionState).toBe("CONNECTED");
    expect(calls).toHaveLength(3);
    expect(getEventListeners(controller.signal, "abort")).toHaveLength(0);
  });

  it("ends with KEY_STORE_NOT_CONNECTED on the second DISCONNECTED or DISCONNECTING poll, not the first", async () => {
    for (const state of ["DISCONNECTED", "DISCONNECTING"] as const) {
      emulator.reset();
      const id = await createXks();
      emulator.keyStore(id).setState(state);
      const failure = (
        await waitForConnection(kms, id, { intervalMs: 1, timeoutMs: 60_000 })
      )._unsafeUnwrapErr();
      expect(failure).toMatchObject({
        kind: "ConnectionFailed",
        code: state,
        cause: "KEY_STORE_NOT_CONNECTED",
        retryable: false,
        customKeyStoreId: id,
        keyStoreType: "EXTERNAL_KEY_STORE",
      });
      expect(emulator.requests(DESCRIBE)).toHaveLength(2);
    }
  });

  it("keeps waiting after a first DISCONNECTED poll (connect not yet registered)", async () => {
    const id = await createXks();
    const { client, calls } = recording(kms, {
      before: (n) => {
        if (n === 2) emulator.keyStore(id).setState("CONNECTED");
      },
    });
    const result = await waitForConnection(client, id, { intervalMs: 1, timeoutMs: 60_000 });
    expect(result._unsafeUnwrap()).toMatchObject({ CustomKeyStoreId: id, ConnectionState: "CONNECTED" });
    expect(calls).toHaveLength(2);
  });

  it("does not judge an earlier poll's state after a throttled poll", async () => {
    const id = await createXks();
    const { client, calls } = recording(kms, {
      before: (n) => {
        if (n === 2) emulator.failNext(DESCRIBE, { exception: "ThrottlingException" });
        if (n === 3) emulator.keyStore(id).setState("CONNECTED");
      },
    });
    const result = await waitForConnection(client, id, { intervalMs: 1, timeoutMs: 60_000 });
    expect(result._unsafeUnwrap().ConnectionState).toBe("CONNECTED");
    expect(calls).toHaveLength(3);
  });

  it("names the operation and redacts the described credential id from a later describe failure", async () => {
    const keyId = accessKeyId("Q");
    const id = await createXks(keyId);
    emulator.keyStore(id).setState("CONNECTING");
    const { client } = recording(kms, {
      before: (n) => {
        if (n === 2) {
          emulator.failNext(DESCRIBE, { exception: "ValidationException", message: `bad ${keyId} here` });
        }
      },
    });
    const failure = (
      await waitForConnection(client, id, { intervalMs: 1, timeoutMs: 60_000 })
    )._unsafeUnwrapErr();
    expect(failure).toMatchObject({
      kind: "ValidationException",
      operation: "DescribeCustomKeyStores",
      customKeyStoreId: id,
      message: "bad [REDACTED] here",
    });
    expect(JSON.stringify(failure)).not.toContain(keyId);
  });

  it("times out as CONNECTING, with the store id, when describe lists no store", async () => {
    for (const output of [{ CustomKeyStores: [] }, {}]) {
      const { client, calls } = fakeClient(() => output);
      const failure = (
        await waitForConnection(client, "cks-1234567890abcdef0", { intervalMs: 0, timeoutMs: 0 })
      )._unsafeUnwrapErr();
      expect(failure).toMatchObject({
        kind: "ConnectionFailed",
        code: "CONNECTING",
        cause: "CONNECT_WAIT_TIMED_OUT",
        retryable: true,
        customKeyStoreId: "cks-1234567890abcdef0",
      });
      expect(calls()).toBe(1);
    }
  });

  it("with a timeout of 0 polls exactly once, even within the same millisecond", async () => {
    const now = vi.spyOn(Date, "now").mockReturnValue(1_700_000_000_000);
    const { client, calls } = fakeClient((n) => {
      // A second poll would be a bug; move the clock so that it cannot loop forever.
      if (n > 1) now.mockReturnValue(1_700_000_001_000);
      return { CustomKeyStores: [{ CustomKeyStoreId: "cks-1", ConnectionState: "CONNECTING" }] };
    });
    const failure = (
      await waitForConnection(client, "cks-1", { intervalMs: 0, timeoutMs: 0 })
    )._unsafeUnwrapErr();
    expect(failure.cause).toBe("CONNECT_WAIT_TIMED_OUT");
    expect(calls()).toBe(1);
  });

  it("never rejects, even when a described entry throws", async () => {
    const boom = new Error("getter exploded");
    const entry = {
      CustomKeyStoreId: "cks-1",
      get ConnectionState(): string {
        throw boom;
      },
    };
    const { client } = fakeClient(() => ({ CustomKeyStores: [entry] }));
    const failure = (
      await waitForConnection(client, "cks-1", { intervalMs: 0, timeoutMs: 0 })
    )._unsafeUnwrapErr();
    expect(failure).toMatchObject({ kind: "Unrecognized", message: "getter exploded" });
    expect(failure.error).toBe(boom);
  });
});

describe(`${checkKeyStores.name} edges`, () => {
  it("rejects a page size outside 1–1000 with an exact TypeError, synchronously", () => {
    for (const pageSize of [0, -1, 1001, 1.5, Number.NaN, Number.POSITIVE_INFINITY, "1", true, null]) {
      expect(() => checkKeyStores(kms, { pageSize: pageSize as never })).toThrow(
        new TypeError("checkKeyStores: `pageSize` must be an integer from 1 to 1000"),
      );
    }
    expect(emulator.requests(DESCRIBE)).toHaveLength(0);
  });

  it("accepts page sizes 1 and 1000, and null options as the default 100", async () => {
    await createHsm();
    expect((await checkKeyStores(kms, { pageSize: 1 }))._unsafeUnwrap()).toHaveLength(1);
    expect((await checkKeyStores(kms, { pageSize: 1000 }))._unsafeUnwrap()).toHaveLength(1);
    expect((await checkKeyStores(kms, null as never))._unsafeUnwrap()).toHaveLength(1);
    expect((await checkKeyStores(kms))._unsafeUnwrap()).toHaveLength(1);
    expect(emulator.requests(DESCRIBE).map((r) => r.input)).toEqual([
      { Limit: 1 },
      { Limit: 1000 },
      { Limit: 100 },
      { Limit: 100 },
    ]);
  });

  it("follows NextMarker page by page with exact Limit and Marker, keeping KMS's order", async () => {
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push(i % 2 === 0 ? await createHsm() : await createXks());
    const { client, calls } = recording(kms);
    const reports = (await checkKeyStores(client, { pageSize: 2 }))._unsafeUnwrap();
    expect(reports.map((r) => r.customKeyStoreId)).toEqual(ids);
    const marker = (index: number) => Buffer.from(`kms-emulator:${index}`).toString("base64");
    expect(emulator.requests(DESCRIBE).map((r) => r.input)).toEqual([
      { Limit: 2 },
      { Limit: 2, Marker: marker(2) },
      { Limit: 2, Marker: marker(4) },
    ]);
    expect(calls.map((c) => c.input)).toStrictEqual([
      { Limit: 2 },
      { Limit: 2, Marker: marker(2) },
      { Limit: 2, Marker: marker(4) },
    ]);
    expect(calls.map((c) => c.options)).toStrictEqual([{}, {}, {}]);
  });

  it("reports CloudHSM stores with their cluster and no proxy", async () => {
    const id = await createHsm();
    const [report] = (await checkKeyStores(kms))._unsafeUnwrap();
    expect(report).toStrictEqual({
      customKeyStoreId: id,
      customKeyStoreName: `edge-hsm-${counter}`,
      customKeyStoreType: "AWS_CLOUDHSM",
      connectionState: "DISCONNECTED",
      failure: expect.objectContaining({ cause: "KEY_STORE_NOT_CONNECTED", keyStoreType: "AWS_CLOUDHSM" }),
      cloudHsmClusterId: clusterId(counter),
    });
    expect(Object.isFrozen(report)).toBe(true);
  });

  it("redacts the credential ids of every earlier page from a later page's failure", async () => {
    const keyIds = ["A", "B", "C", "D"].map(accessKeyId);
    for (const keyId of keyIds) await createXks(keyId);
    await createHsm();
    const { client, calls } = recording(kms, {
      before: (n) => {
        if (n === 3) {
          emulator.failNext(DESCRIBE, {
            exception: "ValidationException",
            message: `bad ${keyIds.join(",")}`,
          });
        }
      },
    });
    const failure = (await checkKeyStores(client, { pageSize: 2 }))._unsafeUnwrapErr();
    expect(calls).toHaveLength(3);
    expect(failure).toMatchObject({
      kind: "ValidationException",
      operation: "DescribeCustomKeyStores",
      message: "bad [REDACTED],[REDACTED],[REDACTED],[REDACTED]",
    });
  });

  it("passes the signal to send as abortSignal", async () => {
    await createHsm();
    const signal = new AbortController().signal;
    const { client, calls } = recording(kms);
    (await checkKeyStores(client, { signal }))._unsafeUnwrap();
    expect(calls).toHaveLength(1);
    expect(sortedKeys(optionsOf(calls[0]))).toEqual(["abortSignal"]);
    expect(optionsOf(calls[0]).abortSignal).toBe(signal);
  });

  it("with an already-aborted signal, fails Aborted without sending anything", async () => {
    await createHsm();
    const controller = new AbortController();
    const reason = new Error("shutting down");
    controller.abort(reason);
    const { client, calls } = recording(kms);
    const failure = (await checkKeyStores(client, { signal: controller.signal }))._unsafeUnwrapErr();
    expectAbortedFor(failure, reason);
    expect(calls).toHaveLength(0);
    expect(emulator.requests(DESCRIBE)).toHaveLength(0);
  });

  it("stops before the next page when the signal aborts between pages", async () => {
    for (let i = 0; i < 3; i++) await createHsm();
    const controller = new AbortController();
    const reason = new Error("enough");
    const { client, calls } = recording(kms, {
      after: (n) => {
        if (n === 1) controller.abort(reason);
      },
    });
    const failure = (
      await checkKeyStores(client, { pageSize: 1, signal: controller.signal })
    )._unsafeUnwrapErr();
    expectAbortedFor(failure, reason);
    expect(calls).toHaveLength(1);
    expect(emulator.requests(DESCRIBE)).toHaveLength(1);
  });

  it("reports the signal's reason, not the SDK's abort error, when aborted during a describe call", async () => {
    await createHsm();
    emulator.delay(DESCRIBE, 10_000);
    const controller = new AbortController();
    const reason = new Error("stop checking");
    const { client, calls } = recording(kms, {
      before: () => setTimeout(() => controller.abort(reason), 20),
    });
    const failure = (await checkKeyStores(client, { signal: controller.signal }))._unsafeUnwrapErr();
    expectAbortedFor(failure, reason);
    expect(calls).toHaveLength(1);
  });

  it("follows a marker only when the page says it is truncated and the marker is a string", async () => {
    const page = { CustomKeyStores: [{ CustomKeyStoreId: "cks-1", ConnectionState: "CONNECTED" }] };
    for (const tail of [
      { Truncated: false, NextMarker: "next" },
      { NextMarker: "next" },
      { Truncated: true, NextMarker: 5 },
      { Truncated: true },
    ]) {
      const { client, calls } = fakeClient((n) => (n > 3 ? { CustomKeyStores: [] } : { ...page, ...tail }));
      const reports = (await checkKeyStores(client))._unsafeUnwrap();
      expect(reports).toEqual([{ customKeyStoreId: "cks-1", connectionState: "CONNECTED" }]);
      expect(calls()).toBe(1);
    }
  });

  it("reports no store for a page without CustomKeyStores", async () => {
    const { client } = fakeClient(() => ({ Truncated: false }));
    expect((await checkKeyStores(client))._unsafeUnwrap()).toEqual([]);
  });

  it("never rejects, even when a described entry throws", async () => {
    const boom = new Error("getter exploded");
    const entry = {
      CustomKeyStoreId: "cks-1",
      get XksProxyConfiguration(): unknown {
        throw boom;
      },
    };
    const { client } = fakeClient(() => ({ CustomKeyStores: [entry] }));
    const failure = (await checkKeyStores(client))._unsafeUnwrapErr();
    expect(failure).toMatchObject({ kind: "Unrecognized", message: "getter exploded" });
    expect(failure.error).toBe(boom);
  });
});

describe(`${checkKeyStores.name}: bounds on what KMS answers`, () => {
  afterEach(closeHostileServers);

  /** A KMS client of a hostile server that answers each DescribeCustomKeyStores page as `page` says. */
  const answering = async (page: (n: number, res: ServerResponse) => void) => {
    let n = 0;
    const server = await hostile((_req, res) => {
      n += 1;
      page(n, res);
    });
    return {
      client: clientFor(emulator, { endpoint: server.url, maxAttempts: 1 }),
      pages: () => n,
    };
  };

  it("rejects a request timeout that is not a positive number with an exact TypeError, synchronously", () => {
    for (const requestTimeoutMs of [0, -1, Number.NaN, Number.POSITIVE_INFINITY, "5", null]) {
      expect(() => checkKeyStores(kms, { requestTimeoutMs: requestTimeoutMs as never })).toThrow(
        new TypeError("checkKeyStores: `requestTimeoutMs` must be a positive number of milliseconds"),
      );
    }
    expect(emulator.requests(DESCRIBE)).toHaveLength(0);
  });

  it("fails the page that gets no complete answer within requestTimeoutMs, naming it", async () => {
    const { client, pages } = await answering((n, res) => {
      if (n === 1) kmsJson(res, { CustomKeyStores: [], Truncated: true, NextMarker: "next" });
      // The second page never comes.
    });
    const failure = (await checkKeyStores(client, { requestTimeoutMs: 200 }))._unsafeUnwrapErr();
    expect([failure.kind, failure.cause, failure.operation, failure.message, pages()]).toEqual([
      "TransportError",
      "REQUEST_TIMEOUT",
      "DescribeCustomKeyStores",
      "DescribeCustomKeyStores page 2 gave no complete answer within 200 ms (requestTimeoutMs).",
      2,
    ]);
    client.destroy();
  });

  it("redacts each store's credential id from what the store's own entry says", async () => {
    const accessKeyId = "AKIAHOSTILEKEYID0042";
    const { client } = await answering((_n, res) =>
      kmsJson(res, {
        CustomKeyStores: [
          {
            CustomKeyStoreId: "cks-1234567890abcdef0",
            CustomKeyStoreName: `payments ${accessKeyId}`,
            CustomKeyStoreType: "EXTERNAL_KEY_STORE",
            ConnectionState: "CONNECTED",
            XksProxyConfiguration: { Connectivity: "PUBLIC_ENDPOINT", AccessKeyId: accessKeyId },
          },
          // No proxy configuration: nothing to redact, and nothing fails.
          { CustomKeyStoreId: "cks-1234567890abcdef1", CustomKeyStoreName: "ledger" },
        ],
      }),
    );
    const reports = (await checkKeyStores(client))._unsafeUnwrap();
    expect(reports.map((r) => r.customKeyStoreName)).toEqual(["payments [REDACTED]", "ledger"]);
    client.destroy();
  });

  it("stops after 1,000 pages that each name a new marker", async () => {
    const { client, pages } = await answering((n, res) =>
      kmsJson(res, { CustomKeyStores: [], Truncated: true, NextMarker: `marker-${n}` }),
    );
    const failure = (await checkKeyStores(client))._unsafeUnwrapErr();
    expect([failure.kind, failure.cause, failure.message, pages()]).toEqual([
      "TransportError",
      "UNREADABLE_RESPONSE",
      "DescribeCustomKeyStores page 1000: more than 1000 pages; stopped.",
      1000,
    ]);
    client.destroy();
  });

  it("stops past 10,000 custom key stores", async () => {
    const { client, pages } = await answering((n, res) =>
      kmsJson(res, {
        CustomKeyStores: Array.from({ length: 1000 }, (_, i) => ({
          CustomKeyStoreId: `cks-${String(n * 1000 + i).padStart(17, "0")}`,
        })),
        Truncated: true,
        NextMarker: `marker-${n}`,
      }),
    );
    const failure = (await checkKeyStores(client, { pageSize: 1000 }))._unsafeUnwrapErr();
    expect([failure.kind, failure.message, pages()]).toEqual([
      "TransportError",
      "DescribeCustomKeyStores page 11: more than 10000 custom key stores; stopped.",
      11,
    ]);
    client.destroy();
  });
});
