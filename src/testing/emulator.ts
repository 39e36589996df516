import type { IncomingMessage, ServerResponse } from "node:http";
import { redactTree } from "../redact.js";
import { checkDelay, type FailSpec, FaultScript, writeNetworkFault } from "./faults.js";
import { type RequestBody, startHttpServer } from "./http-server.js";
import { type KeyStoreControl, KeyStoreModel, type ProxyFaultControl } from "./key-stores.js";
import { KeyModel } from "./keys.js";
import { operations } from "./operations.js";
import { KmsError, newRequestId, operationOf, parseBody, writeError, writeOutput } from "./protocol.js";
import { createSleeper } from "./sleeper.js";
import { XksGateway, type XksProxyTarget } from "./xks-gateway.js";

/**
 * Options of {@link startKmsEmulator}.
 * @example
 * ```ts
 * import { startKmsEmulator } from "kms-keystore-errors/testing";
 *
 * const emu = await startKmsEmulator({ region: "eu-west-1", connectDelayMs: 5 });
 * ```
 * @public
 */
export interface KmsEmulatorOptions {
  /** The TCP port on 127.0.0.1; 0 picks a free one. @defaultValue 0 */
  port?: number | undefined;
  /** The Region in ARNs and in {@link KmsEmulator.clientConfig}. @defaultValue "us-east-1" */
  region?: string | undefined;
  /** The 12-digit account id in ARNs. @defaultValue "111122223333" */
  accountId?: string | undefined;
  /** Milliseconds a custom key store stays `CONNECTING` after `ConnectCustomKeyStore`. @defaultValue 50 */
  connectDelayMs?: number | undefined;
  /**
   * Milliseconds a custom key store stays `DISCONNECTING` after `DisconnectCustomKeyStore` (KMS
   * takes about 5 minutes for an external key store); 0 makes it `DISCONNECTED` at once.
   * @defaultValue 0
   */
  disconnectDelayMs?: number | undefined;
  /**
   * Real XKS proxies, by `XksProxyUriEndpoint` (`https://<fqdn>`): external key stores with that
   * endpoint call the proxy for real (see {@link KmsEmulator.routeXksProxy}). A running fake proxy
   * (`startXksProxy`) is a target as it is.
   * @defaultValue {}
   */
  xksProxies?: Readonly<Record<string, XksProxyTarget>> | undefined;
  /**
   * Milliseconds the emulator waits for each call to a real XKS proxy before it counts as timed out
   * (KMS waits 250; raise it on a slow machine). @defaultValue 250
   */
  xksTimeoutMs?: number | undefined;
}

/**
 * A request the emulator received, as `requests()` lists it.
 * @example
 * ```ts
 * import { startKmsEmulator } from "kms-keystore-errors/testing";
 * import { expect } from "vitest";
 *
 * const emu = await startKmsEmulator();
 * emu.failNext("Encrypt", { exception: "KMSInternalException", times: 3 });
 * // … one Encrypt through a KMSClient with the default three attempts, then:
 * expect(emu.requests("Encrypt")).toHaveLength(3); // the SDK retried twice
 * ```
 * @public
 */
export interface RecordedRequest {
  /** The operation from `X-Amz-Target` (`""` when the header is missing or malformed). */
  readonly operation: string;
  /** The `x-amzn-requestid` of the response. */
  readonly requestId: string;
  /** When the request arrived. */
  readonly receivedAt: Date;
  /**
   * The JSON input, redacted as the library redacts (every secret member, such as
   * `KeyStorePassword`, `RawSecretAccessKey` or `Plaintext`, becomes `"[REDACTED]"`, and their values
   * are redacted from every other string; nesting past 64 levels becomes `"[TOO DEEP]"`); undefined
   * when the body was not a JSON object.
   */
  readonly input: Readonly<Record<string, unknown>> | undefined;
}

/**
 * The client configuration that points a `KMSClient` at the emulator (dummy credentials: the
 * emulator does not check signatures).
 * @example
 * ```ts
 * import { KMSClient } from "@aws-sdk/client-kms";
 * import { startKmsEmulator } from "kms-keystore-errors/testing";
 *
 * const emu = await startKmsEmulator();
 * const kms = new KMSClient({ ...emu.clientConfig, maxAttempts: 1 });
 * ```
 * @public
 */
export interface KmsEmulatorClientConfig {
  /** The emulator's endpoint, `http://127.0.0.1:<port>`. */
  readonly endpoint: string;
  /** The emulator's Region. */
  readonly region: string;
  /** Static dummy credentials. */
  readonly credentials: {
    /** `"AKID"`. */
    readonly accessKeyId: string;
    /** `"secret"` (not a real secret: the emulator does not check signatures). */
    readonly secretAccessKey: string;
  };
}

/**
 * A running KMS emulator: a real HTTP server speaking KMS's JSON 1.1 protocol, with a stateful
 * custom key store model and scriptable faults.
 * @example
 * ```ts
 * import { KMSClient } from "@aws-sdk/client-kms";
 * import { startKmsEmulator } from "kms-keystore-errors/testing";
 *
 * const emu = await startKmsEmulator();
 * const kms = new KMSClient({ ...emu.clientConfig });
 * emu.failNext("Encrypt", { exception: "KMSInternalException", times: 5 });
 * // … send, then: emu.requests("Encrypt").length === 3 (the SDK's attempts)
 * await emu.close();
 * ```
 * @public
 */
export interface KmsEmulator {
  /** `http://127.0.0.1:<port>`: pass it as the client's `endpoint`. */
  readonly endpoint: string;
  /** The port the server listens on. */
  readonly port: number;
  /** The Region in ARNs. */
  readonly region: string;
  /** The account id in ARNs. */
  readonly accountId: string;
  /** `{ endpoint, region, credentials }` for `new KMSClient({ ...emu.clientConfig })`. */
  readonly clientConfig: KmsEmulatorClientConfig;
  /**
   * Scripts the next request(s) of an operation to fail: a KMS error or a network fault. Scripts of
   * one operation run in order; an operation's own script runs before the `"*"` script.
   *
   * @param operation - The operation name (e.g. `"Encrypt"`), or `"*"` for every operation.
   * @param spec - The failure: `{ exception, message?, status?, times?, delayMs? }` or
   * `{ network, status?, times?, delayMs? }`.
   *
   * @example
   * ```ts
   * import { startKmsEmulator } from "kms-keystore-errors/testing";
   *
   * const emu = await startKmsEmulator();
   * emu.failNext("Encrypt", { exception: "KMSInternalException", times: 2 });
   * emu.failNext("*", { network: "html" }); // a load balancer's 502 page
   * ```
   */
  failNext(operation: string, spec: FailSpec): void;
  /**
   * Delays every response of an operation until `reset()` (0 removes the delay).
   *
   * @param operation - The operation name, or `"*"` for every operation.
   * @param ms - Milliseconds.
   *
   * @example
   * ```ts
   * import { startKmsEmulator } from "kms-keystore-errors/testing";
   *
   * const emu = await startKmsEmulator();
   * emu.delay("*", 300); // every operation answers after 300 ms
   * ```
   */
  delay(operation: string, ms: number): void;
  /**
   * The requests received, oldest first (retries included: the SDK's retries are separate requests).
   *
   * @param operation - Only this operation's requests.
   * @returns The requests.
   *
   * @example
   * ```ts
   * import { KMSClient, ListKeysCommand } from "@aws-sdk/client-kms";
   * import { startKmsEmulator } from "kms-keystore-errors/testing";
   *
   * const emu = await startKmsEmulator();
   * const kms = new KMSClient({ ...emu.clientConfig });
   * emu.failNext("ListKeys", { exception: "KMSInternalException", times: 5 });
   * await kms.send(new ListKeysCommand({})).catch(() => undefined); // maxAttempts 3
   * emu.requests("ListKeys").length; // 3
   * ```
   */
  requests(operation?: string): readonly RecordedRequest[];
  /**
   * The scripting handle of a custom key store (connect failures, proxy faults, forced states).
   *
   * @param customKeyStoreId - The `cks-…` id.
   * @returns The handle.
   * @throws Error when the emulator has no such store.
   *
   * @example
   * ```ts
   * import { startKmsEmulator } from "kms-keystore-errors/testing";
   *
   * const emu = await startKmsEmulator();
   * declare const id: string; // an external key store's CustomKeyStoreId, from CreateCustomKeyStore
   * emu.keyStore(id).failConnect("XKS_VPC_ENDPOINT_SERVICE_INVALID_CONFIGURATION");
   * ```
   */
  keyStore(customKeyStoreId: string): KeyStoreControl;
  /**
   * Ends the waiting period of every KMS key pending deletion: the keys are deleted, as KMS deletes a
   * key when its deletion date passes (a custom key store that held them can then be deleted).
   *
   * @returns The number of keys deleted.
   *
   * @example
   * ```ts
   * import { KMSClient, ScheduleKeyDeletionCommand } from "@aws-sdk/client-kms";
   * import { startKmsEmulator } from "kms-keystore-errors/testing";
   *
   * const emu = await startKmsEmulator();
   * const kms = new KMSClient({ ...emu.clientConfig });
   * declare const keyId: string; // a KMS key of the emulator
   * await kms.send(new ScheduleKeyDeletionCommand({ KeyId: keyId, PendingWindowInDays: 7 }));
   * emu.completeKeyDeletions(); // 1: seven days later
   * ```
   */
  completeKeyDeletions(): number;
  /**
   * The scripting handle of the XKS proxy at an endpoint, for faults that must exist before a store
   * does (`CreateCustomKeyStore` checks a public proxy's health).
   *
   * @param uriEndpoint - The `XksProxyUriEndpoint`, e.g. `"https://xks.example.com"`.
   * @returns The handle.
   *
   * @example
   * ```ts
   * import { startKmsEmulator } from "kms-keystore-errors/testing";
   *
   * const emu = await startKmsEmulator();
   * emu.xksProxy("https://xks.example.com").proxyFault("unreachable");
   * // CreateCustomKeyStore (public endpoint) -> XksProxyUriUnreachableException
   * ```
   */
  xksProxy(uriEndpoint: string): ProxyFaultControl;
  /**
   * Routes an `XksProxyUriEndpoint` to a real XKS proxy (or, with `undefined`, back to the model).
   * External key stores with that endpoint then behave as KMS with that proxy: `CreateCustomKeyStore`
   * and `UpdateCustomKeyStore` (public endpoint) and `ConnectCustomKeyStore` call its GetHealthStatus,
   * `CreateKey` its GetKeyMetadata, and `Encrypt`, `Decrypt`, `ReEncrypt` and `GenerateDataKey*` its
   * Encrypt and Decrypt, each within {@link KmsEmulatorOptions.xksTimeoutMs}, signed with the store's
   * `XksProxyAuthenticationCredential` and the emulator's Region, with KMS's `requestMetadata`
   * (`kmsRequestId` is the KMS request id). Every proxy outcome surfaces as KMS surfaces it
   * (exception, message, `ConnectionErrorCode`). Scripted proxy faults still apply, first.
   *
   * @param uriEndpoint - The `XksProxyUriEndpoint`, `https://<fqdn>`.
   * @param target - The proxy (`startXksProxy`'s result, or `{ url, tls? }`), or undefined.
   * @throws TypeError when the endpoint is not `https://<fqdn>` or the target has no http(s) URL.
   *
   * @example
   * ```ts
   * import { startKmsEmulator, startXksProxy } from "kms-keystore-errors/testing";
   *
   * const emu = await startKmsEmulator();
   * const credential = { accessKeyId: "AKIAIOSFODNN7EXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY1234" }; // KMS takes 43–64-character secrets
   * const proxy = await startXksProxy({ credential, keys: [{ id: "key-1" }], latencyMs: 400 });
   * emu.routeXksProxy("https://xks.example.com", proxy);
   * // an external key store with VPC connectivity at that endpoint:
   * // ConnectCustomKeyStore -> FAILED, XKS_PROXY_TIMED_OUT (400 ms > 250 ms)
   * // (with a public endpoint, CreateCustomKeyStore already fails: XksProxyUriUnreachableException)
   * ```
   */
  routeXksProxy(uriEndpoint: string, target: XksProxyTarget | undefined): void;
  /**
   * Removes every scripted failure, delay, connect failure and proxy fault, and clears the request
   * log. Key stores and keys stay.
   */
  reset(): void;
  /**
   * Stops the server: destroys open sockets, cancels pending delays and connect attempts.
   *
   * @returns A promise that settles when the server is closed.
   */
  close(): Promise<void>;
}

const tryParse = (body: Buffer): Readonly<Record<string, unknown>> | undefined => {
  try {
    return parseBody(body);
  } catch {
    return undefined;
  }
};

/**
 * Starts an embedded KMS emulator on 127.0.0.1: a real HTTP server speaking KMS's JSON 1.1 protocol,
 * so the unmodified `KMSClient` (middleware, retries, deserializers) runs against it. It models
 * custom key stores (CloudHSM and external), keys with real AES-256-GCM round trips, and lets tests
 * script KMS errors, network faults, connect failures and XKS proxy faults.
 *
 * @param options - Port, Region, account id, connect and disconnect delays, routed XKS proxies.
 * @returns The running emulator; `close()` it when done.
 *
 * @example
 * ```ts
 * import { KMSClient, EncryptCommand } from "@aws-sdk/client-kms";
 * import { startKmsEmulator } from "kms-keystore-errors/testing";
 *
 * const emu = await startKmsEmulator();
 * const kms = new KMSClient({ ...emu.clientConfig, maxAttempts: 1 });
 * emu.failNext("Encrypt", { exception: "KMSInvalidStateException", message: "The external key store proxy did not respond in time." });
 * try {
 *   await kms.send(new EncryptCommand({ KeyId: "1234abcd-12ab-34cd-56ef-1234567890ab", Plaintext: new Uint8Array([1]) }));
 * } catch (error) {
 *   console.log((error as Error).name); // "KMSInvalidStateException"
 * } finally {
 *   await emu.close();
 * }
 * ```
 * @public
 */
export const startKmsEmulator = async (options: KmsEmulatorOptions = {}): Promise<KmsEmulator> => {
  const region = options.region ?? "us-east-1";
  const accountId = options.accountId ?? "111122223333";
  const port = options.port ?? 0;
  const connectDelayMs = checkDelay(options.connectDelayMs ?? 50, "connectDelayMs");
  const disconnectDelayMs = checkDelay(options.disconnectDelayMs ?? 0, "disconnectDelayMs");
  const xksTimeoutMs = options.xksTimeoutMs ?? 250;
  if (!Number.isFinite(xksTimeoutMs) || xksTimeoutMs <= 0) {
    throw new TypeError(`Expected \`xksTimeoutMs\` to be a positive number, got ${String(xksTimeoutMs)}.`);
  }
  if (!/^[a-z0-9-]{1,32}$/.test(region))
    throw new TypeError(`Expected \`region\` to be a Region name, got ${region}.`);
  if (!/^\d{12}$/.test(accountId))
    throw new TypeError(`Expected \`accountId\` to be 12 digits, got ${accountId}.`);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new TypeError(`Expected \`port\` to be an integer from 0 to 65535, got ${String(port)}.`);
  }

  const gateway = new XksGateway(region, accountId, xksTimeoutMs);
  for (const [uriEndpoint, target] of Object.entries(options.xksProxies ?? {})) {
    gateway.route(uriEndpoint, target);
  }
  const stores = new KeyStoreModel(connectDelayMs, gateway, disconnectDelayMs);
  const keys = new KeyModel(region, accountId, stores);
  const dispatch = operations(stores, keys);
  const script = new FaultScript();
  const log: RecordedRequest[] = [];
  const { sleep, wakeAll } = createSleeper();
  let closed = false;

  const handle = async (req: IncomingMessage, res: ServerResponse, received: RequestBody): Promise<void> => {
    const requestId = newRequestId();
    if (received.tooLarge) {
      writeError(res, new KmsError("SerializationException", "The request body is too large."), requestId);
      return;
    }
    const body = received.bytes;
    const operation = operationOf(req);
    const name = operation ?? "";
    const parsed = tryParse(body);
    log.push({
      operation: name,
      requestId,
      receivedAt: new Date(),
      input: parsed === undefined ? undefined : (redactTree(parsed) as Readonly<Record<string, unknown>>),
    });
    const spec = script.take(name);
    const wait = script.delayOf(name) + (spec?.delayMs ?? 0);
    if (wait > 0) await sleep(wait);
    if (closed || res.destroyed) return;
    if (spec !== undefined && "network" in spec) {
      writeNetworkFault(req, res, spec, requestId);
      return;
    }
    if (spec !== undefined) {
      const message = spec.message ?? `${spec.exception} (scripted by the KMS emulator).`;
      writeError(res, new KmsError(spec.exception, message, spec.status), requestId);
      return;
    }
    try {
      if (req.method !== "POST" || operation === undefined) {
        throw new KmsError(
          "UnknownOperationException",
          "The request has no valid X-Amz-Target header (POST / with X-Amz-Target: TrentService.<Operation>).",
        );
      }
      const run = dispatch.get(operation);
      if (run === undefined) {
        throw new KmsError("UnknownOperationException", `The KMS emulator does not implement ${operation}.`);
      }
      const output = await run(parseBody(body), { requestId, operation });
      if (closed) return;
      writeOutput(res, output, requestId);
    } catch (error) {
      writeError(
        res,
        error instanceof KmsError
          ? error
          : new KmsError("KMSInternalException", "The KMS emulator failed to process the request."),
        requestId,
      );
    }
  };

  const server = await startHttpServer({ handle, port });
  const endpoint = `http://127.0.0.1:${server.port}`;

  return {
    endpoint,
    port: server.port,
    region,
    accountId,
    clientConfig: { endpoint, region, credentials: { accessKeyId: "AKID", secretAccessKey: "secret" } },
    failNext: (operation, spec) => script.add(operation, spec),
    delay: (operation, ms) => script.setDelay(operation, ms),
    requests: (operation) =>
      operation === undefined ? [...log] : log.filter((r) => r.operation === operation),
    keyStore: (id) => stores.control(id),
    completeKeyDeletions: () => stores.keys.completeDeletions(),
    xksProxy: (uriEndpoint) => stores.endpointControl(uriEndpoint),
    routeXksProxy: (uriEndpoint, target) => gateway.route(uriEndpoint, target),
    reset: () => {
      script.reset();
      stores.resetFaults();
      log.length = 0;
    },
    close: () => {
      if (!closed) {
        closed = true;
        stores.dispose();
        gateway.dispose();
        wakeAll();
      }
      return server.close();
    },
  };
};
