import {
  ConnectCustomKeyStoreCommand,
  type CustomKeyStoresListEntry,
  DescribeCustomKeyStoresCommand,
  type DescribeCustomKeyStoresCommandOutput,
  DisconnectCustomKeyStoreCommand,
  type KMSClient,
} from "@aws-sdk/client-kms";
import type { Result, ResultAsync } from "neverthrow";
import { catalogEntry, type KnownCatalogEntry } from "./catalog/index.js";
import { isKeyStoreType } from "./catalog/schema.js";
import { classify } from "./classify.js";
import { type KmsFailure, makeFailure } from "./failure.js";
import { err, ok, resultAsync } from "./neverthrow.js";
import { redact, redactOutput, Secrets, secretsOf } from "./redact.js";
import { entryOfKind } from "./rules.js";

/** A client that can describe custom key stores (any copy of the SDK). */
type DescribeClient = Pick<KMSClient, "send">;

/** A store as a describe entry gives it (every field untrusted). */
interface StoreLike {
  CustomKeyStoreId?: string | undefined;
  CustomKeyStoreType?: string | undefined;
  XksProxyConfiguration?: { AccessKeyId?: string | undefined } | undefined;
}

/** What a `ConnectionErrorCode` looks like: KMS's are upper-case words joined by `_`. */
const CONNECTION_ERROR_CODE = /^[A-Z][A-Z0-9_]{0,63}$/;

/**
 * The `ConnectionErrorCode` as a failure's `code`: KMS's codes as they are, anything else (a server
 * that puts text there) replaced by `MALFORMED_CONNECTION_ERROR_CODE`, so foreign text never becomes
 * a code that is printed or logged as it is.
 * @internal
 */
export const connectionErrorCode = (value: unknown): string =>
  typeof value !== "string"
    ? "FAILED"
    : CONNECTION_ERROR_CODE.test(value)
      ? value
      : "MALFORMED_CONNECTION_ERROR_CODE";

/** The store's own credential id, to redact from everything else the entry says. */
const secretsOfStore = (store: StoreLike): Secrets => {
  try {
    return secretsOf(store.XksProxyConfiguration?.AccessKeyId ?? []);
  } catch {
    return Secrets.none;
  }
};

/** A `ConnectionFailed` failure for a cause, with the store's identity (and our own message, if any). */
function connectionFailed(
  entry: KnownCatalogEntry,
  code: string,
  store: StoreLike,
  error?: unknown,
  message?: string,
): KmsFailure {
  const keyStoreType = isKeyStoreType(store.CustomKeyStoreType) ? store.CustomKeyStoreType : undefined;
  const customKeyStoreId =
    typeof store.CustomKeyStoreId === "string"
      ? redact(store.CustomKeyStoreId, secretsOfStore(store), 128)
      : undefined;
  return makeFailure("ConnectionFailed", code, entry, keyStoreType, { customKeyStoreId, message }, error);
}

/**
 * The failure a `DescribeCustomKeyStores` entry describes, if any. `FAILED` gives kind
 * `ConnectionFailed` with the `ConnectionErrorCode` as `code` (and as `cause` when catalogued, else
 * `UNKNOWN_CONNECTION_ERROR`), with remediation for the store's type: `INVALID_CREDENTIALS` means the
 * `kmsuser` password for CloudHSM and the proxy credential for an external key store. `DISCONNECTED`
 * gives `KEY_STORE_NOT_CONNECTED` (not retryable: connect it). `CONNECTED`, `CONNECTING` and
 * `DISCONNECTING` give undefined.
 *
 * @param entry - One element of `DescribeCustomKeyStores`' `CustomKeyStores`.
 * @returns The failure, or undefined when the store is not failed or disconnected.
 * @example
 * ```ts
 * import { KMSClient, DescribeCustomKeyStoresCommand } from "@aws-sdk/client-kms";
 * import { connectionFailure } from "kms-keystore-errors";
 *
 * const { CustomKeyStores = [] } = await new KMSClient({}).send(new DescribeCustomKeyStoresCommand({}));
 * for (const store of CustomKeyStores) {
 *   const failure = connectionFailure(store);
 *   if (failure) console.log(store.CustomKeyStoreId, failure.cause, failure.remediation.steps);
 * }
 * ```
 * @public
 */
export function connectionFailure(entry: CustomKeyStoresListEntry): KmsFailure | undefined {
  if (entry === null || typeof entry !== "object") return undefined;
  switch (entry.ConnectionState) {
    case "FAILED": {
      const code = connectionErrorCode(entry.ConnectionErrorCode);
      const known = entryOfKind(code, "ConnectionFailed");
      return connectionFailed(known ?? catalogEntry("UNKNOWN_CONNECTION_ERROR"), code, entry);
    }
    case "DISCONNECTED":
      return connectionFailed(catalogEntry("KEY_STORE_NOT_CONNECTED"), "DISCONNECTED", entry);
    default:
      return undefined;
  }
}

/**
 * Options of {@link waitForConnection}.
 * @public
 */
export interface WaitForConnectionOptions {
  /**
   * Time between `DescribeCustomKeyStores` calls, in milliseconds. The custom key store management
   * APIs allow about 5 requests per second per account and Region: keep polling slow.
   * @defaultValue 5000
   */
  readonly intervalMs?: number | undefined;
  /**
   * How long to wait for `CONNECTED`, in milliseconds. Connecting a CloudHSM key store can take
   * 20 minutes; an external key store about 5.
   * @defaultValue 1200000
   */
  readonly timeoutMs?: number | undefined;
  /** Stops waiting: the result is an `Aborted` failure. */
  readonly signal?: AbortSignal | undefined;
}

const positive = (fn: string, name: string, value: unknown, fallback: number): number => {
  if (value === undefined) return fallback;
  if (typeof value !== "number" || !Number.isFinite(value) || value < 0) {
    throw new TypeError(`${fn}: \`${name}\` must be a non-negative number of milliseconds`);
  }
  return value;
};

/**
 * The checked arguments of `waitForConnection` and `ensureConnected`. Invalid ones are programming
 * errors: thrown at once, synchronously, never as a rejection.
 */
function waitArguments(
  fn: string,
  customKeyStoreId: unknown,
  options: WaitForConnectionOptions | undefined,
): { intervalMs: number; timeoutMs: number; signal: AbortSignal | undefined } {
  if (typeof customKeyStoreId !== "string" || customKeyStoreId === "") {
    throw new TypeError(`${fn}: \`customKeyStoreId\` must be a non-empty string (cks-…)`);
  }
  return {
    intervalMs: positive(fn, "intervalMs", options?.intervalMs, 5000),
    timeoutMs: positive(fn, "timeoutMs", options?.timeoutMs, 1_200_000),
    signal: options?.signal,
  };
}

/** Pages `checkKeyStores` reads at most (100,000 stores at the default page size). */
const MAX_PAGES = 1000;

/**
 * The failure for a paginated answer that would never end: a `NextMarker` sent before, or more pages
 * than any account holds. The answer is not one KMS would send (`UNREADABLE_RESPONSE`).
 */
const endlessPages = (why: string, page: number): KmsFailure =>
  makeFailure(
    "TransportError",
    "EndlessPagination",
    catalogEntry("UNREADABLE_RESPONSE"),
    undefined,
    {
      operation: "DescribeCustomKeyStores",
      message: `DescribeCustomKeyStores page ${page}: ${why}; stopped.`,
    },
    undefined,
  );

/** Custom key stores `checkKeyStores` keeps at most (KMS's quota is 10 per account and Region). */
const MAX_STORES = 10_000;

/** The failure for a page that did not arrive whole within its time. */
const pageTimedOut = (page: number, ms: number, error: unknown): KmsFailure =>
  makeFailure(
    "TransportError",
    "TimeoutError",
    catalogEntry("REQUEST_TIMEOUT"),
    undefined,
    {
      operation: "DescribeCustomKeyStores",
      message: `DescribeCustomKeyStores page ${page} gave no complete answer within ${ms} ms (requestTimeoutMs).`,
    },
    error,
  );

/** An `Aborted` failure for a signal's reason, whatever the reason is. */
const aborted = (reason: unknown): KmsFailure => {
  const failure = classify(reason);
  if (failure.kind === "Aborted") return failure;
  return makeFailure("Aborted", "AbortError", catalogEntry("ABORTED"), undefined, {}, reason);
};

const sleep = (ms: number, signal: AbortSignal | undefined): Promise<void> =>
  new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    }
    signal?.addEventListener("abort", done, { once: true });
  });

/** The connection states KMS reports; any other value counts as a state in transition. */
const CONNECTION_STATES: ReadonlySet<string> = new Set([
  "CONNECTED",
  "CONNECTING",
  "DISCONNECTED",
  "DISCONNECTING",
  "FAILED",
]);

/** A connection state as a failure's `code`: KMS's states as they are, anything else `UNKNOWN_STATE`. */
const stateCode = (state: unknown): string =>
  typeof state === "string" && CONNECTION_STATES.has(state) ? state : "UNKNOWN_STATE";

/**
 * Sends one request about a custom key store: its output, or the error's classification (`Aborted`
 * when `signal` ended it). The credential id of the store as last described is redacted from the
 * failure by value, like any secret.
 */
async function sendAbout<O>(
  operation: string,
  store: CustomKeyStoresListEntry & { CustomKeyStoreId: string },
  signal: AbortSignal | undefined,
  send: (options: { abortSignal?: AbortSignal }) => Promise<O>,
): Promise<Result<O, KmsFailure>> {
  try {
    return ok(await send(signal === undefined ? {} : { abortSignal: signal }));
  } catch (error) {
    if (signal?.aborted) return err(aborted(signal.reason));
    const input = {
      CustomKeyStoreId: store.CustomKeyStoreId,
      AccessKeyId: store.XksProxyConfiguration?.AccessKeyId,
    };
    return err(classify(error, { operation, input }));
  }
}

/**
 * Waits for a custom key store to reach `CONNECTED`. It only polls `DescribeCustomKeyStores`: call
 * `ConnectCustomKeyStore` first (it returns at once; connecting happens in the background).
 * `FAILED` ends the wait with the connection failure (disconnect the store before connecting
 * again); `DISCONNECTED` or `DISCONNECTING` after the first poll ends it with
 * `KEY_STORE_NOT_CONNECTED`; a throttled or transient describe failure is retried until the
 * deadline; any other describe failure ends it with its classification. Never rejects.
 *
 * @param client - A `KMSClient` (only `send` is used).
 * @param customKeyStoreId - The store, `cks-…`.
 * @param options - `intervalMs` (default 5000), `timeoutMs` (default 1,200,000), `signal`.
 * @throws TypeError - synchronously, for an empty id or a negative interval or timeout.
 * @returns `Ok(entry)` once connected, else `Err(failure)`; on timeout `ConnectionFailed` /
 *   `CONNECT_WAIT_TIMED_OUT` (retryable: it may still connect).
 * @example
 * ```ts
 * import { KMSClient, ConnectCustomKeyStoreCommand } from "@aws-sdk/client-kms";
 * import { waitForConnection, formatFailure } from "kms-keystore-errors";
 *
 * const kms = new KMSClient({});
 * await kms.send(new ConnectCustomKeyStoreCommand({ CustomKeyStoreId: "cks-1234567890abcdef0" }));
 * const result = await waitForConnection(kms, "cks-1234567890abcdef0", { timeoutMs: 10 * 60_000 });
 * if (result.isErr()) console.error(formatFailure(result.error));
 * ```
 * @public
 */
export function waitForConnection(
  client: DescribeClient,
  customKeyStoreId: string,
  options: WaitForConnectionOptions = {},
): ResultAsync<CustomKeyStoresListEntry, KmsFailure> {
  const { intervalMs, timeoutMs, signal } = waitArguments("waitForConnection", customKeyStoreId, options);
  return resultAsync(
    (async (): Promise<Result<CustomKeyStoresListEntry, KmsFailure>> => {
      const deadline = Date.now() + timeoutMs;
      const input = { CustomKeyStoreId: customKeyStoreId };
      let last: CustomKeyStoresListEntry = input;
      for (let poll = 1; ; poll++) {
        if (signal?.aborted) return err(aborted(signal.reason));
        let failure: KmsFailure | undefined;
        const described = await sendAbout("DescribeCustomKeyStores", { ...last, ...input }, signal, (o) =>
          client.send(new DescribeCustomKeyStoresCommand(input), o),
        );
        if (described.isOk()) last = described.value.CustomKeyStores?.[0] ?? last;
        else if (!described.error.retryable) return err(described.error);
        else failure = described.error;
        if (failure === undefined) {
          const state = last.ConnectionState;
          if (state === "CONNECTED") return ok(last);
          if (state === "FAILED") return err(connectionFailure(last) as KmsFailure);
          if ((state === "DISCONNECTED" || state === "DISCONNECTING") && poll > 1) {
            return err(connectionFailed(catalogEntry("KEY_STORE_NOT_CONNECTED"), state, last));
          }
        }
        const remaining = deadline - Date.now();
        if (remaining <= 0) {
          return err(
            failure ??
              connectionFailed(
                catalogEntry("CONNECT_WAIT_TIMED_OUT"),
                last.ConnectionState === undefined ? "CONNECTING" : stateCode(last.ConnectionState),
                last,
              ),
          );
        }
        await sleep(Math.min(intervalMs, remaining), signal);
      }
    })().catch((error: unknown) => err(classify(error))),
  );
}

/**
 * How often, in one {@link ensureConnected} call, the store may be found where the call's last step
 * should not have left it (a connect or disconnect refused for the store's state, or still `FAILED`
 * after a disconnect) before the call ends: something else is changing the store at the same time.
 */
const MAX_STATE_CONFLICTS = 3;

/** The failure for a deadline that passed before `ensureConnected` could send `ConnectCustomKeyStore`. */
const reconnectTimedOut = (state: unknown, timeoutMs: number, store: StoreLike): KmsFailure => {
  const code = stateCode(state);
  const was = code === "UNKNOWN_STATE" ? "in no connection state that KMS defines" : `still ${code}`;
  return connectionFailed(
    catalogEntry("CONNECT_WAIT_TIMED_OUT"),
    code,
    store,
    undefined,
    `The key store was ${was} when timeoutMs (${timeoutMs} ms) ran out; ConnectCustomKeyStore was not sent.`,
  );
};

const isAbortSignal = (value: unknown): value is AbortSignal =>
  typeof value === "object" &&
  value !== null &&
  typeof (value as { addEventListener?: unknown }).addEventListener === "function" &&
  typeof (value as { aborted?: unknown }).aborted === "boolean";

/**
 * Brings a custom key store to `CONNECTED`, from whatever state it is in, and waits for it:
 * `CONNECTED` is Ok at once; `CONNECTING` is waited for; `FAILED` is disconnected, then, once
 * `DISCONNECTED`, connected again; `DISCONNECTING` is waited for until `DISCONNECTED`, then connected;
 * `DISCONNECTED` is connected. After `ConnectCustomKeyStore` (or on finding one under way) it waits
 * as {@link waitForConnection} does. It makes at most one connection attempt per call, so a store
 * that fails to connect ends the call with that connection failure: for `kind: "ConnectionFailed"`,
 * `retryable: true` means exactly that calling `ensureConnected` again, unchanged, may succeed.
 *
 * Every way it can end is one `Err`, never a rejection: the describe, disconnect or connect failure
 * as classified (`CustomKeyStoreNotFoundException` for an unknown id; `operation` names the call);
 * the connection failure of a store that ends `FAILED` (its `ConnectionErrorCode` as cause);
 * `ConnectionFailed` / `CONNECT_WAIT_TIMED_OUT` when `timeoutMs` runs out, with the state the store
 * was in as `code`; `Aborted` when `signal` aborts. Throttled and transient failures are retried
 * within `timeoutMs`. Do not call it in a loop on a failure that is not retryable: the fix comes
 * first (a CloudHSM key store's `kmsuser` is locked out after five failed logins).
 *
 * @param client - A `KMSClient` (only `send` is used).
 * @param customKeyStoreId - The store, `cks-…`.
 * @param options - `intervalMs` (default 5000) between calls, `timeoutMs` (default 1,200,000) for
 *   the whole call (disconnecting included), `signal`.
 * @throws TypeError - synchronously, for an empty id, a negative interval or timeout, or a `signal`
 *   that is not an `AbortSignal`.
 * @returns `Ok(entry)` once the store is `CONNECTED`, else `Err(failure)`.
 * @example
 * ```ts
 * import { KMSClient } from "@aws-sdk/client-kms";
 * import { ensureConnected, formatFailure } from "kms-keystore-errors";
 *
 * const result = await ensureConnected(new KMSClient({}), "cks-1234567890abcdef0", {
 *   timeoutMs: 25 * 60_000,
 * });
 * if (result.isErr()) {
 *   console.error(formatFailure(result.error));
 *   if (result.error.retryable) console.error("Calling ensureConnected again may succeed.");
 * }
 * ```
 * @public
 */
export function ensureConnected(
  client: DescribeClient,
  customKeyStoreId: string,
  options: WaitForConnectionOptions = {},
): ResultAsync<CustomKeyStoresListEntry, KmsFailure> {
  const { intervalMs, timeoutMs, signal } = waitArguments("ensureConnected", customKeyStoreId, options);
  if (signal !== undefined && !isAbortSignal(signal)) {
    throw new TypeError("ensureConnected: `signal` must be an AbortSignal");
  }
  return resultAsync(
    (async (): Promise<Result<CustomKeyStoresListEntry, KmsFailure>> => {
      const deadline = Date.now() + timeoutMs;
      const input = { CustomKeyStoreId: customKeyStoreId };
      let last: CustomKeyStoresListEntry = input;
      let disconnected = false;
      let conflicts = 0;
      const call = <O>(operation: string, send: (options: { abortSignal?: AbortSignal }) => Promise<O>) =>
        sendAbout(operation, { ...last, ...input }, signal, send);
      /**
       * Whether a failed disconnect or connect ends the call. A refusal for the store's state means
       * the state changed since it was described: look again, a bounded number of times.
       */
      const ends = (failure: KmsFailure): boolean =>
        failure.kind === "CustomKeyStoreInvalidStateException"
          ? ++conflicts > MAX_STATE_CONFLICTS
          : !failure.retryable;
      const waitFromHere = async () =>
        await waitForConnection(client, customKeyStoreId, {
          intervalMs,
          timeoutMs: Math.max(0, deadline - Date.now()),
          signal,
        });

      for (;;) {
        if (signal?.aborted) return err(aborted(signal.reason));
        // The last failure of this round that did not end the call (retried until the deadline).
        let failure: KmsFailure | undefined;
        let state: string | undefined;
        const described = await call("DescribeCustomKeyStores", (o) =>
          client.send(new DescribeCustomKeyStoresCommand(input), o),
        );
        if (described.isErr()) {
          if (!described.error.retryable) return err(described.error);
          failure = described.error;
        } else {
          const entry = described.value.CustomKeyStores?.[0];
          if (entry !== undefined) last = entry;
          state = entry?.ConnectionState;
        }
        if (state === "CONNECTED") return ok(last);
        if (state === "CONNECTING") return waitFromHere();
        if (state === "FAILED") {
          // Still FAILED after this call disconnected it: something else connected it meanwhile.
          if (disconnected && ++conflicts > MAX_STATE_CONFLICTS) {
            return err(connectionFailure(last) as KmsFailure);
          }
          const sent = await call("DisconnectCustomKeyStore", (o) =>
            client.send(new DisconnectCustomKeyStoreCommand(input), o),
          );
          if (sent.isOk()) disconnected = true;
          else if (ends(sent.error)) return err(sent.error);
          else failure = sent.error;
        } else if (state === "DISCONNECTED") {
          const sent = await call("ConnectCustomKeyStore", (o) =>
            client.send(new ConnectCustomKeyStoreCommand(input), o),
          );
          if (sent.isOk()) return waitFromHere();
          if (ends(sent.error)) return err(sent.error);
          failure = sent.error;
        }
        // DISCONNECTING, a state KMS may add later, or a failure worth another look: wait, look again.
        const remaining = deadline - Date.now();
        if (remaining <= 0) return err(failure ?? reconnectTimedOut(state, timeoutMs, last));
        await sleep(Math.min(intervalMs, remaining), signal);
      }
    })().catch((error: unknown) => err(classify(error))),
  );
}

/**
 * One custom key store as {@link checkKeyStores} reports it. Never the raw describe entry: that one
 * carries the external key store credential's access key id.
 * @public
 */
export interface KeyStoreReport {
  /** `cks-…`. */
  readonly customKeyStoreId: string;
  /** The store's friendly name. */
  readonly customKeyStoreName?: string;
  /** `AWS_CLOUDHSM` or `EXTERNAL_KEY_STORE`. */
  readonly customKeyStoreType?: string;
  /** `CONNECTED`, `CONNECTING`, `DISCONNECTED`, `DISCONNECTING` or `FAILED`. */
  readonly connectionState?: string;
  /** For `FAILED` and `DISCONNECTED` stores: what is wrong and what to do. */
  readonly failure?: KmsFailure;
  /** For external key stores: where KMS reaches the proxy (no credential). */
  readonly xksProxy?: {
    readonly connectivity?: string;
    readonly uriEndpoint?: string;
    readonly uriPath?: string;
    readonly vpcEndpointServiceName?: string;
  };
  /** For CloudHSM key stores: the backing cluster. */
  readonly cloudHsmClusterId?: string;
}

const defined = <T extends object>(fields: T): T =>
  Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined)) as T;

/**
 * The report for one describe entry: identity, state, failure; no credential. Every string is the
 * server's: each is redacted (the entry's own credential id in every form, SigV4 material), then cut
 * to 256 characters.
 */
function report(entry: CustomKeyStoresListEntry): KeyStoreReport {
  const xks = entry.XksProxyConfiguration;
  const failure = connectionFailure(entry);
  const secrets = secretsOfStore(entry);
  // Redacted first, then cut; characters are kept as they are (printing sanitises them).
  const clean = (value: unknown): string | undefined =>
    typeof value === "string" ? redactOutput(value.slice(0, 64 * 1024), secrets).slice(0, 256) : undefined;
  return Object.freeze(
    defined({
      customKeyStoreId: clean(entry.CustomKeyStoreId) ?? "",
      customKeyStoreName: clean(entry.CustomKeyStoreName),
      customKeyStoreType: clean(entry.CustomKeyStoreType),
      connectionState: clean(entry.ConnectionState),
      failure,
      xksProxy:
        xks === undefined
          ? undefined
          : Object.freeze(
              defined({
                connectivity: clean(xks.Connectivity),
                uriEndpoint: clean(xks.UriEndpoint),
                uriPath: clean(xks.UriPath),
                vpcEndpointServiceName: clean(xks.VpcEndpointServiceName),
              }),
            ),
      cloudHsmClusterId: clean(entry.CloudHsmClusterId),
    }),
  ) as KeyStoreReport;
}

/**
 * Options of {@link checkKeyStores}.
 * @public
 */
export interface CheckKeyStoresOptions {
  /** Stops describing: the result is an `Aborted` failure. */
  readonly signal?: AbortSignal | undefined;
  /**
   * Page size for `DescribeCustomKeyStores` (1–1000).
   * @defaultValue 100
   */
  readonly pageSize?: number | undefined;
  /**
   * Milliseconds one page may take, its whole answer included (a server that trickles its answer
   * is cut off too); past it the result is a `TransportError` / `REQUEST_TIMEOUT` failure. No limit
   * when absent (the client's own timeouts and `signal` apply).
   */
  readonly requestTimeoutMs?: number | undefined;
}

/**
 * Describes every custom key store in the account and Region (all pages) and reports each one's
 * state with the failure, if any, that its state implies. `doctor` in the CLI prints this.
 *
 * @param client - A `KMSClient` (only `send` is used).
 * @param options - `signal`, `pageSize`, `requestTimeoutMs`.
 * @returns The reports, in the order KMS lists the stores, or the failure of the describe call.
 * @example
 * ```ts
 * import { KMSClient } from "@aws-sdk/client-kms";
 * import { checkKeyStores } from "kms-keystore-errors";
 *
 * const result = await checkKeyStores(new KMSClient({}));
 * if (result.isOk()) for (const r of result.value) console.log(r.customKeyStoreId, r.connectionState, r.failure?.cause);
 * ```
 * @public
 */
export function checkKeyStores(
  client: DescribeClient,
  options: CheckKeyStoresOptions = {},
): ResultAsync<KeyStoreReport[], KmsFailure> {
  // Only a missing page size means the default: null is as wrong here as it is for the intervals.
  const pageSize = options?.pageSize === undefined ? 100 : options.pageSize;
  if (typeof pageSize !== "number" || !Number.isInteger(pageSize) || pageSize < 1 || pageSize > 1000) {
    throw new TypeError("checkKeyStores: `pageSize` must be an integer from 1 to 1000");
  }
  const signal = options?.signal;
  const requestTimeoutMs = options?.requestTimeoutMs;
  if (
    requestTimeoutMs !== undefined &&
    (typeof requestTimeoutMs !== "number" || !Number.isFinite(requestTimeoutMs) || requestTimeoutMs <= 0)
  ) {
    throw new TypeError("checkKeyStores: `requestTimeoutMs` must be a positive number of milliseconds");
  }
  return resultAsync(
    (async (): Promise<Result<KeyStoreReport[], KmsFailure>> => {
      const reports: KeyStoreReport[] = [];
      // Credential ids seen on earlier pages: redacted by value from any later failure's message.
      const accessKeyIds: string[] = [];
      let marker: string | undefined;
      // Pagination is bounded: a repeated marker or too many pages is a failure, never a loop.
      const markers = new Set<string>();
      let page = 0;
      do {
        if (signal?.aborted) return err(aborted(signal.reason));
        const input = { Limit: pageSize, ...(marker === undefined ? {} : { Marker: marker }) };
        const timeout = requestTimeoutMs === undefined ? undefined : AbortSignal.timeout(requestTimeoutMs);
        const pageSignal =
          timeout === undefined
            ? signal
            : signal === undefined
              ? timeout
              : AbortSignal.any([signal, timeout]);
        let out: DescribeCustomKeyStoresCommandOutput;
        try {
          out = await client.send(
            new DescribeCustomKeyStoresCommand(input),
            pageSignal === undefined ? {} : { abortSignal: pageSignal },
          );
        } catch (error) {
          if (signal?.aborted) return err(aborted(signal.reason));
          if (timeout?.aborted) return err(pageTimedOut(page + 1, requestTimeoutMs as number, error));
          return err(
            classify(error, {
              operation: "DescribeCustomKeyStores",
              input: { ...input, AccessKeyId: accessKeyIds },
            }),
          );
        }
        for (const entry of out.CustomKeyStores ?? []) {
          if (reports.length >= MAX_STORES) {
            return err(endlessPages(`more than ${MAX_STORES} custom key stores`, page + 1));
          }
          reports.push(report(entry));
          const id = entry.XksProxyConfiguration?.AccessKeyId;
          if (typeof id === "string") accessKeyIds.push(id);
        }
        marker = out.Truncated === true && typeof out.NextMarker === "string" ? out.NextMarker : undefined;
        page++;
        if (marker !== undefined && markers.has(marker)) {
          return err(endlessPages("the answer repeats a NextMarker it sent before", page));
        }
        if (marker !== undefined && page >= MAX_PAGES) {
          return err(endlessPages(`more than ${MAX_PAGES} pages`, page));
        }
        if (marker !== undefined) markers.add(marker);
      } while (marker !== undefined);
      return ok(reports);
    })().catch((error: unknown) => err(classify(error))),
  );
}
