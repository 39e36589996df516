/**
 * The fault matrix (issue 7, item 7): every fault the emulator can script, sent through a real
 * `KMSClient` over loopback, once with a bare client and once with a `withKeyStoreErrors` client.
 * Each row asserts a well-formed failure, its kind/cause/retryable, the requests the server received
 * (the retry behaviour), the reported attempts, and that logs and text carry no planted secret.
 */
import {
  CreateKeyCommand,
  DecryptCommand,
  DescribeKeyCommand,
  EnableKeyRotationCommand,
  EncryptCommand,
  GenerateDataKeyCommand,
  GetKeyPolicyCommand,
  GetKeyRotationStatusCommand,
  GetPublicKeyCommand,
  type KMSClient,
  type KMSClientConfig,
  ListGrantsCommand,
  ListKeyPoliciesCommand,
  ListResourceTagsCommand,
} from "@aws-sdk/client-kms";
import {
  catalog,
  classify,
  failureOf,
  formatFailure,
  type KmsFailure,
  toLogEntry,
  withKeyStoreErrors,
} from "kms-keystore-errors";
import { type FailSpec, type KmsEmulator, startKmsEmulator } from "kms-keystore-errors/testing";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { clientFor, rejectionOf } from "./support/kms.js";

// The SDK warns once per process that it will need Node 22 in 2027: not this file's news.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";

/** Planted in every command input (Plaintext) and echoed back in scripted messages. */
const MARKER = "FaultMatrixPlaintextMarker-7f3a9c";
const MARKER_B64 = Buffer.from(MARKER).toString("base64");
/** A service message that quotes the request, as a misbehaving proxy might. */
const ECHO = `(request echo: ${MARKER} / ${MARKER_B64})`;
const TIMEOUT_MESSAGE =
  "The external key store proxy did not respond in time. Retry the request. If you see this error repeatedly, report it to your external key store proxy administrator.";
const UNKNOWN = "KmsFaultMatrixFrobnicationException";
/** The SDK's timeout setting; slow responses take far longer. */
const slowClient = (maxAttempts: number): Partial<KMSClientConfig> => ({
  maxAttempts,
  requestHandler: { requestTimeout: 250, throwOnRequestTimeout: true },
});

type Outcome =
  | {
      readonly kind: string;
      readonly cause: string;
      readonly retryable: boolean;
      /** Requests the server received from a bare client (the SDK's decision). */
      readonly bare: number;
      /** Requests the server received from a `withKeyStoreErrors` client. */
      readonly wrapped: number;
      readonly code?: string;
      readonly httpStatusCode?: number;
      /** Checks specific to the row. */
      readonly check?: (failure: KmsFailure) => void;
    }
  | { readonly success: true; readonly requests: number };

interface Row {
  readonly name: string;
  /** Scripted on `Encrypt`. */
  readonly fault: FailSpec;
  /** Client settings (`maxAttempts` 2–3 keeps the SDK's backoff short). */
  readonly client: Partial<KMSClientConfig>;
  /** Abort the send once the server has received it. */
  readonly abort?: true;
  readonly outcome: Outcome;
}

const ROWS: readonly Row[] = [
  {
    name: "slow response past the SDK's requestTimeout",
    fault: { exception: "KMSInternalException", delayMs: 2_000, times: 3 },
    client: slowClient(3),
    outcome: { kind: "TransportError", cause: "REQUEST_TIMEOUT", retryable: true, bare: 3, wrapped: 3 },
  },
  {
    name: "connection dropped before a response",
    fault: { network: "drop", times: 3 },
    client: { maxAttempts: 3 },
    outcome: {
      kind: "TransportError",
      cause: "NETWORK_ERROR",
      retryable: true,
      bare: 3,
      wrapped: 3,
      code: "ECONNRESET",
    },
  },
  {
    name: "connection dropped mid-response (reset-mid-body)",
    fault: { network: "reset-mid-body", times: 3 },
    client: { maxAttempts: 3 },
    outcome: {
      kind: "TransportError",
      cause: "NETWORK_ERROR",
      retryable: true,
      bare: 3,
      wrapped: 3,
      code: "ECONNRESET",
    },
  },
  {
    name: "chunked 200 cut before its last chunk (reset-mid-chunked-body)",
    fault: { network: "reset-mid-chunked-body", times: 3 },
    client: { maxAttempts: 3 },
    outcome: {
      kind: "TransportError",
      cause: "NETWORK_ERROR",
      retryable: true,
      bare: 3,
      wrapped: 3,
      code: "ECONNRESET",
    },
  },
  {
    name: "502 with an HTML body (a load balancer answered)",
    fault: { network: "html", status: 502, times: 3 },
    client: { maxAttempts: 3 },
    outcome: {
      kind: "TransportError",
      cause: "NON_KMS_RESPONSE",
      retryable: true,
      bare: 3,
      wrapped: 3,
      httpStatusCode: 502,
    },
  },
  {
    name: "403 with an HTML body (a proxy refused)",
    fault: { network: "html", status: 403, times: 3 },
    client: { maxAttempts: 3 },
    outcome: {
      kind: "TransportError",
      cause: "NON_KMS_CLIENT_ERROR_RESPONSE",
      retryable: false,
      bare: 1,
      wrapped: 1,
      httpStatusCode: 403,
    },
  },
  {
    // A truncated 200: the SDK throws SyntaxError with status 200. Not retryable (the request may
    // have taken effect), and not described as a 4xx.
    name: "malformed JSON with 200",
    fault: { network: "malformed-json", status: 200, times: 3 },
    client: { maxAttempts: 3 },
    outcome: {
      kind: "TransportError",
      cause: "UNREADABLE_RESPONSE",
      retryable: false,
      bare: 1,
      wrapped: 1,
      httpStatusCode: 200,
    },
  },
  {
    name: "malformed JSON with 500",
    fault: { network: "malformed-json", status: 500, times: 3 },
    client: { maxAttempts: 3 },
    outcome: {
      kind: "TransportError",
      cause: "NON_KMS_RESPONSE",
      retryable: true,
      bare: 3,
      wrapped: 3,
      httpStatusCode: 500,
    },
  },
  {
    // The SDK finds no `__type` and throws `name: "Unknown"`, `$fault: "server"`, message
    // "UnknownError": KMS always names its errors, so this is not a KMS response.
    name: "empty body with 503",
    fault: { network: "empty", status: 503, times: 3 },
    client: { maxAttempts: 3 },
    outcome: {
      kind: "TransportError",
      cause: "NON_KMS_RESPONSE",
      retryable: true,
      bare: 3,
      wrapped: 3,
      code: "Unknown",
      httpStatusCode: 503,
    },
  },
  {
    name: "huge (1 MB) message",
    fault: {
      exception: "KMSInvalidStateException",
      message: `${ECHO} ${"lorem ipsum ".repeat(87_400)}${ECHO}`,
    },
    client: { maxAttempts: 3 },
    outcome: {
      kind: "KMSInvalidStateException",
      cause: "KMS_INVALID_STATE",
      retryable: false,
      bare: 1,
      wrapped: 1,
      check: (failure) => {
        const error = failure.error as Error;
        expect(error.message.length).toBeGreaterThan(1_000_000);
        expect(failure.message?.length).toBeLessThanOrEqual(2_048 + 32);
        expect(failure.message).toMatch(/\[truncated\]$/);
      },
    },
  },
  {
    name: "__type prefix#Name (with an XKS proxy timeout message)",
    fault: {
      exception: "com.amazonaws.kms#KMSInvalidStateException",
      message: `${TIMEOUT_MESSAGE} ${ECHO}`,
      times: 3,
    },
    client: { maxAttempts: 3 },
    outcome: {
      kind: "KMSInvalidStateException",
      cause: "XKS_PROXY_TIMED_OUT",
      retryable: true,
      bare: 1,
      wrapped: 3,
      code: "KMSInvalidStateException",
    },
  },
  {
    name: "__type Name:http://… (with a pending-deletion message)",
    fault: {
      exception: "KMSInvalidStateException:http://internal.amazon.com/coral/com.amazon.coral.service/",
      message: `arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab is pending deletion. ${ECHO}`,
      times: 3,
    },
    client: { maxAttempts: 3 },
    outcome: {
      kind: "KMSInvalidStateException",
      cause: "KEY_PENDING_DELETION",
      retryable: false,
      bare: 1,
      wrapped: 1,
      code: "KMSInvalidStateException",
    },
  },
  {
    name: "unknown __type with 400",
    fault: { exception: UNKNOWN, message: ECHO, status: 400, times: 3 },
    client: { maxAttempts: 3 },
    outcome: {
      kind: "UnknownServiceError",
      cause: "UNKNOWN_SERVICE_ERROR",
      retryable: false,
      bare: 1,
      wrapped: 1,
      code: UNKNOWN,
      httpStatusCode: 400,
    },
  },
  {
    name: "unknown __type with 429",
    fault: { exception: UNKNOWN, message: ECHO, status: 429, times: 3 },
    client: { maxAttempts: 2 },
    outcome: {
      kind: "UnknownServiceError",
      cause: "UNKNOWN_THROTTLING_ERROR",
      retryable: true,
      bare: 2,
      wrapped: 2,
      code: UNKNOWN,
      httpStatusCode: 429,
    },
  },
  {
    name: "unknown __type with 503",
    fault: { exception: UNKNOWN, message: ECHO, status: 503, times: 3 },
    client: { maxAttempts: 3 },
    outcome: {
      kind: "UnknownServiceError",
      cause: "UNKNOWN_SERVER_ERROR",
      retryable: true,
      bare: 3,
      wrapped: 3,
      code: UNKNOWN,
      httpStatusCode: 503,
    },
  },
  {
    name: "throttling burst of 2, then success",
    fault: { exception: "ThrottlingException", message: ECHO, times: 2 },
    client: { maxAttempts: 3 },
    outcome: { success: true, requests: 3 },
  },
  {
    name: "throttling burst of 10 (outlasts maxAttempts)",
    fault: { exception: "ThrottlingException", message: ECHO, times: 10 },
    client: { maxAttempts: 2 },
    outcome: { kind: "ThrottlingException", cause: "THROTTLED", retryable: true, bare: 2, wrapped: 2 },
  },
  {
    name: "XKS proxy timeout (wrapped retries, bare does not)",
    fault: { exception: "KMSInvalidStateException", message: `${TIMEOUT_MESSAGE} ${ECHO}`, times: 10 },
    client: { maxAttempts: 3 },
    outcome: {
      kind: "KMSInvalidStateException",
      cause: "XKS_PROXY_TIMED_OUT",
      retryable: true,
      bare: 1,
      wrapped: 3,
      check: (failure) => expect(failure.keyStoreType).toBe("EXTERNAL_KEY_STORE"),
    },
  },
  {
    name: "LimitExceededException (bare retries, wrapped does not)",
    fault: { exception: "LimitExceededException", message: ECHO, times: 10 },
    client: { maxAttempts: 2 },
    outcome: {
      kind: "LimitExceededException",
      cause: "LIMIT_EXCEEDED",
      retryable: false,
      bare: 2,
      wrapped: 1,
    },
  },
  {
    name: "request aborted through abortSignal",
    fault: { exception: "KMSInternalException", message: ECHO, delayMs: 5_000, times: 3 },
    client: { maxAttempts: 3 },
    abort: true,
    outcome: { kind: "Aborted", cause: "ABORTED", retryable: false, bare: 1, wrapped: 1 },
  },
];

/** `[name, mode, row]`: one test per row and client, titled without quotes or truncation. */
const CASES = ROWS.flatMap((row) => [[row.name, "bare", row] as const, [row.name, "wrapped", row] as const]);

/** Asserts what every failure must be, whatever the fault. */
function expectWellFormed(failure: KmsFailure, error: unknown): void {
  expect(Object.isFrozen(failure)).toBe(true);
  expect(failure.error).toBe(error);
  const entry = catalog.find((e) => e.cause === failure.cause);
  expect(entry, `catalog entry for ${failure.cause}`).toBeDefined();
  expect(entry?.kinds as readonly string[]).toContain(failure.kind);
  expect(typeof failure.retryable).toBe("boolean");
  expect(failure.retryable).toBe(entry?.retryable);
  expect(failure.category).toBe(entry?.category);
  expect(typeof failure.code).toBe("string");
  expect(failure.code).not.toBe("");
  expect(failure.remediation.summary).toMatch(/\S/);
  expect(failure.remediation.steps.length).toBeGreaterThan(0);
  for (const step of failure.remediation.steps) expect(step).toMatch(/\S/);
  for (const url of failure.remediation.docs) expect(url).toMatch(/^https:\/\//);
}

/** Asserts that no rendering of the failure contains the planted secret, and that they render. */
function expectNoSecret(failure: KmsFailure): void {
  const entry = toLogEntry(failure);
  expect(entry["error.type"]).toBe(failure.kind);
  expect(entry["kms.failure.cause"]).toBe(failure.cause);
  expect(entry["kms.failure.retryable"]).toBe(failure.retryable);
  const text = formatFailure(failure);
  expect(text).toContain(failure.cause);
  for (const output of [JSON.stringify(failure), JSON.stringify(entry), text]) {
    expect(output).not.toContain(MARKER);
    expect(output).not.toContain(MARKER_B64);
  }
}

let emulator: KmsEmulator;
let keyId: string;

beforeAll(async () => {
  emulator = await startKmsEmulator();
  const setup = clientFor(emulator);
  keyId = (await setup.send(new CreateKeyCommand({}))).KeyMetadata?.KeyId as string;
  setup.destroy();
});
beforeEach(() => emulator.reset());
afterAll(() => emulator.close());

describe("fault matrix (real KMSClient against the emulator)", () => {
  it.each(CASES)(
    "%s (%s client)",
    async (_name, mode, { fault, client: config, abort, outcome }) => {
      const onFailure = vi.fn();
      const client = clientFor(emulator, config);
      if (mode === "wrapped") withKeyStoreErrors(client, { onFailure });
      emulator.failNext("Encrypt", fault);
      const input = { KeyId: keyId, Plaintext: new TextEncoder().encode(MARKER) };
      const controller = new AbortController();
      try {
        const sent = client.send(new EncryptCommand(input), { abortSignal: controller.signal });
        if (abort === true) {
          // Abort only once the server has the request: the count is then exactly one.
          await vi.waitFor(() => expect(emulator.requests("Encrypt")).toHaveLength(1), {
            timeout: 2_000,
            interval: 5,
          });
          controller.abort();
        }

        if ("success" in outcome) {
          const output = await sent;
          expect(output.KeyId).toContain(keyId);
          expect(output.$metadata.attempts).toBe(outcome.requests);
          expect(emulator.requests("Encrypt")).toHaveLength(outcome.requests);
          expect(onFailure).not.toHaveBeenCalled();
          return;
        }

        const error = await rejectionOf(sent);
        const requests = emulator.requests("Encrypt").length;
        let failure: KmsFailure;
        if (mode === "wrapped") {
          expect(onFailure).toHaveBeenCalledTimes(1);
          failure = failureOf(error) as KmsFailure;
          expect(failure).toBeDefined();
          expect(onFailure.mock.calls[0]?.[0]).toBe(failure);
          expect(classify(error)).toBe(failure);
        } else {
          expect(failureOf(error)).toBeUndefined();
          failure = classify(error, { operation: "Encrypt", input });
        }

        expectWellFormed(failure, error);
        expect({ kind: failure.kind, cause: failure.cause, retryable: failure.retryable }).toEqual({
          kind: outcome.kind,
          cause: outcome.cause,
          retryable: outcome.retryable,
        });
        expect(failure.operation).toBe("Encrypt");
        expect(failure.keyId).toBe(keyId);
        if (outcome.code !== undefined) expect(failure.code).toBe(outcome.code);
        if (outcome.httpStatusCode !== undefined) expect(failure.httpStatusCode).toBe(outcome.httpStatusCode);

        // Retry behaviour: what the server saw, and what the failure reports.
        expect(requests).toBe(mode === "wrapped" ? outcome.wrapped : outcome.bare);
        const reported = (error as { $metadata?: { attempts?: unknown } }).$metadata?.attempts;
        if (typeof reported === "number") {
          expect(reported).toBe(requests);
          expect(failure.attempts).toBe(requests);
        }

        outcome.check?.(failure);
        expectNoSecret(failure);
      } finally {
        controller.abort();
        client.destroy();
      }
    },
    15_000,
  );
});

// ---------------------------------------------------------------------------------------------
// Concurrency: 220 sends in flight at once, one fault per operation (so that which request meets
// which fault does not depend on arrival order), each client with few enough sends that the SDK's
// retry quota (500 tokens, 14 per transient retry) is never exhausted: counts are exact.
// ---------------------------------------------------------------------------------------------

interface Mix {
  readonly operation: string;
  readonly fault?: FailSpec;
  /** Sends one request; returns its input (for a bare client's `classify`) and the promise. */
  readonly send: (client: KMSClient, keyId: string, signal: AbortSignal) => Sent;
  readonly config?: Partial<KMSClientConfig>;
  readonly abort?: true;
  readonly expected?: {
    readonly kind: string;
    readonly cause: string;
    readonly retryable: boolean;
    readonly bare: number;
    readonly wrapped: number;
  };
}

interface Sent {
  readonly input: object;
  readonly promise: Promise<unknown>;
}

const SENDS_PER_CLIENT = 10;
const bytes = (text: string) => new TextEncoder().encode(text);

const MIX: readonly Mix[] = [
  {
    operation: "Encrypt",
    send: (c, id, abortSignal) => {
      const input = { KeyId: id, Plaintext: bytes(MARKER) };
      return { input, promise: c.send(new EncryptCommand(input), { abortSignal }) };
    },
  },
  {
    operation: "Decrypt",
    fault: { exception: "ThrottlingException", message: ECHO, times: Number.POSITIVE_INFINITY },
    send: (c, id, abortSignal) => {
      const input = { KeyId: id, CiphertextBlob: bytes(MARKER) };
      return { input, promise: c.send(new DecryptCommand(input), { abortSignal }) };
    },
    expected: { kind: "ThrottlingException", cause: "THROTTLED", retryable: true, bare: 2, wrapped: 2 },
  },
  {
    operation: "GenerateDataKey",
    fault: {
      exception: "KMSInvalidStateException",
      message: TIMEOUT_MESSAGE,
      times: Number.POSITIVE_INFINITY,
    },
    send: (c, id, abortSignal) => {
      const input = { KeyId: id, KeySpec: "AES_256" as const };
      return { input, promise: c.send(new GenerateDataKeyCommand(input), { abortSignal }) };
    },
    expected: {
      kind: "KMSInvalidStateException",
      cause: "XKS_PROXY_TIMED_OUT",
      retryable: true,
      bare: 1,
      wrapped: 2,
    },
  },
  {
    operation: "DescribeKey",
    fault: { network: "drop", times: Number.POSITIVE_INFINITY },
    send: (c, id, abortSignal) => {
      const input = { KeyId: id };
      return { input, promise: c.send(new DescribeKeyCommand(input), { abortSignal }) };
    },
    expected: { kind: "TransportError", cause: "NETWORK_ERROR", retryable: true, bare: 2, wrapped: 2 },
  },
  {
    operation: "GetKeyPolicy",
    fault: { network: "html", status: 502, times: Number.POSITIVE_INFINITY },
    send: (c, id, abortSignal) => {
      const input = { KeyId: id };
      return { input, promise: c.send(new GetKeyPolicyCommand(input), { abortSignal }) };
    },
    expected: { kind: "TransportError", cause: "NON_KMS_RESPONSE", retryable: true, bare: 2, wrapped: 2 },
  },
  {
    operation: "GetKeyRotationStatus",
    fault: { network: "html", status: 403, times: Number.POSITIVE_INFINITY },
    send: (c, id, abortSignal) => {
      const input = { KeyId: id };
      return { input, promise: c.send(new GetKeyRotationStatusCommand(input), { abortSignal }) };
    },
    expected: {
      kind: "TransportError",
      cause: "NON_KMS_CLIENT_ERROR_RESPONSE",
      retryable: false,
      bare: 1,
      wrapped: 1,
    },
  },
  {
    operation: "ListResourceTags",
    fault: { network: "malformed-json", status: 500, times: Number.POSITIVE_INFINITY },
    send: (c, id, abortSignal) => {
      const input = { KeyId: id };
      return { input, promise: c.send(new ListResourceTagsCommand(input), { abortSignal }) };
    },
    expected: { kind: "TransportError", cause: "NON_KMS_RESPONSE", retryable: true, bare: 2, wrapped: 2 },
  },
  {
    operation: "EnableKeyRotation",
    fault: { exception: "LimitExceededException", times: Number.POSITIVE_INFINITY },
    send: (c, id, abortSignal) => {
      const input = { KeyId: id };
      return { input, promise: c.send(new EnableKeyRotationCommand(input), { abortSignal }) };
    },
    expected: {
      kind: "LimitExceededException",
      cause: "LIMIT_EXCEEDED",
      retryable: false,
      bare: 2,
      wrapped: 1,
    },
  },
  {
    operation: "GetPublicKey",
    fault: { exception: UNKNOWN, status: 503, times: Number.POSITIVE_INFINITY },
    send: (c, id, abortSignal) => {
      const input = { KeyId: id };
      return { input, promise: c.send(new GetPublicKeyCommand(input), { abortSignal }) };
    },
    expected: {
      kind: "UnknownServiceError",
      cause: "UNKNOWN_SERVER_ERROR",
      retryable: true,
      bare: 2,
      wrapped: 2,
    },
  },
  {
    operation: "ListGrants",
    fault: { exception: "KMSInternalException", delayMs: 5_000, times: Number.POSITIVE_INFINITY },
    config: { requestHandler: { requestTimeout: 400, throwOnRequestTimeout: true } },
    send: (c, id, abortSignal) => {
      const input = { KeyId: id };
      return { input, promise: c.send(new ListGrantsCommand(input), { abortSignal }) };
    },
    expected: { kind: "TransportError", cause: "REQUEST_TIMEOUT", retryable: true, bare: 2, wrapped: 2 },
  },
  {
    operation: "ListKeyPolicies",
    fault: { exception: "KMSInternalException", delayMs: 10_000, times: Number.POSITIVE_INFINITY },
    abort: true,
    send: (c, id, abortSignal) => {
      const input = { KeyId: id };
      return { input, promise: c.send(new ListKeyPoliciesCommand(input), { abortSignal }) };
    },
    expected: { kind: "Aborted", cause: "ABORTED", retryable: false, bare: 1, wrapped: 1 },
  },
];

const activeTimers = (): number =>
  process.getActiveResourcesInfo().filter((resource) => resource === "Timeout").length;

describe("fault matrix under concurrency", () => {
  it("gives each of 220 concurrent sends its own correct failure, and leaves nothing behind", async () => {
    const timersBefore = activeTimers();
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on("unhandledRejection", onUnhandled);
    const emu = await startKmsEmulator();
    const clients: KMSClient[] = [];
    try {
      const setup = clientFor(emu);
      clients.push(setup);
      const realKey = (await setup.send(new CreateKeyCommand({}))).KeyMetadata?.KeyId as string;
      for (const mix of MIX) if (mix.fault !== undefined) emu.failNext(mix.operation, mix.fault);

      const controllers: AbortController[] = [];
      const runs = MIX.flatMap((mix, m) =>
        (["bare", "wrapped"] as const).flatMap((mode) => {
          const client = clientFor(emu, { maxAttempts: 2, ...mix.config });
          clients.push(client);
          if (mode === "wrapped") withKeyStoreErrors(client);
          return Array.from({ length: SENDS_PER_CLIENT }, (_, i) => {
            const id =
              mix.expected === undefined
                ? realKey
                : `00000000-0000-4000-8000-${String(m * 100 + (mode === "wrapped" ? 50 : 0) + i).padStart(12, "0")}`;
            const controller = new AbortController();
            if (mix.abort === true) controllers.push(controller);
            const signal = controller.signal;
            return { mix, mode, id, ...mix.send(client, id, signal) };
          });
        }),
      );
      expect(runs.length).toBeGreaterThanOrEqual(200);
      // Handlers go on at once: a rejection seen as unhandled below came from somewhere else.
      const settled = Promise.allSettled(runs.map((run) => run.promise));

      const aborted = MIX.filter((mix) => mix.abort === true);
      await vi.waitFor(
        () => {
          for (const mix of aborted) {
            expect(emu.requests(mix.operation)).toHaveLength(2 * SENDS_PER_CLIENT);
          }
        },
        { timeout: 5_000, interval: 10 },
      );
      for (const controller of controllers) controller.abort();

      const outcomes = await settled;
      const seen = new Set<KmsFailure>();
      outcomes.forEach((outcome, i) => {
        const run = runs[i] as (typeof runs)[number];
        const expected = run.mix.expected;
        if (expected === undefined) {
          expect(outcome.status, run.mix.operation).toBe("fulfilled");
          return;
        }
        expect(outcome.status, `${run.mix.operation} ${run.id}`).toBe("rejected");
        const error = (outcome as PromiseRejectedResult).reason as unknown;
        const failure =
          run.mode === "wrapped"
            ? (failureOf(error) as KmsFailure)
            : classify(error, { operation: run.mix.operation, input: run.input });
        expectWellFormed(failure, error);
        expect(seen.has(failure)).toBe(false);
        seen.add(failure);
        expect(
          {
            kind: failure.kind,
            cause: failure.cause,
            retryable: failure.retryable,
            operation: failure.operation,
            keyId: failure.keyId,
            attempts: failure.attempts,
          },
          `${run.mode} ${run.mix.operation}`,
        ).toEqual({
          kind: expected.kind,
          cause: expected.cause,
          retryable: expected.retryable,
          operation: run.mix.operation,
          keyId: run.id,
          attempts: run.mode === "wrapped" ? expected.wrapped : expected.bare,
        });
        expectNoSecret(failure);
      });

      for (const mix of MIX) {
        const expected = mix.expected;
        const total =
          expected === undefined
            ? 2 * SENDS_PER_CLIENT
            : SENDS_PER_CLIENT * (expected.bare + expected.wrapped);
        expect(emu.requests(mix.operation), mix.operation).toHaveLength(total);
      }
      await new Promise((resolve) => setImmediate(resolve));
      expect(unhandled).toEqual([]);

      // Delayed answers (5 s, 10 s) are still pending in the emulator: close() must cancel them.
      expect(activeTimers()).toBeGreaterThan(timersBefore);
    } finally {
      for (const client of clients) client.destroy();
      // Which comes first, not how long it took: close() must not wait for the 5 s answers.
      let timer: NodeJS.Timeout | undefined;
      const answersDue = new Promise<string>((resolve) => {
        timer = setTimeout(() => resolve("answers due"), 5_000);
      });
      expect(await Promise.race([emu.close().then(() => "closed"), answersDue])).toBe("closed");
      clearTimeout(timer);
      process.off("unhandledRejection", onUnhandled);
    }
    expect(activeTimers()).toBeLessThanOrEqual(timersBefore);
  }, 20_000);
});
