/**
 * The public types of the fake XKS proxy: its options, keys, faults, request log and handle.
 */
import type { XksErrorName } from "../../xks/errors.js";
import type { XksCredential } from "../../xks/sigv4.js";
import type { XksOperation } from "../../xks/spec.js";

/**
 * An external key held by the fake proxy's key manager.
 * @example
 * ```ts
 * import type { XksProxyKey } from "kms-keystore-errors/testing";
 *
 * const key: XksProxyKey = { id: "key-1", usage: ["ENCRYPT"], status: "DISABLED" };
 * ```
 * @public
 */
export interface XksProxyKey {
  /** The external key id (`XksKeyId`): 1–128 characters of `[A-Za-z0-9._-]`. */
  readonly id: string;
  /** The key spec reported by GetKeyMetadata; only `AES_256` can encrypt. @defaultValue "AES_256" */
  readonly spec?: "AES_256" | (string & {}) | undefined;
  /** The key usages reported by GetKeyMetadata. @defaultValue ["ENCRYPT", "DECRYPT"] */
  readonly usage?: readonly string[] | undefined;
  /** The key status; a disabled key refuses Encrypt and Decrypt. @defaultValue "ENABLED" */
  readonly status?: "ENABLED" | "DISABLED" | undefined;
}

/**
 * The health of one external key manager (EKM) behind the proxy, as GetHealthStatus reports it.
 * @example
 * ```ts
 * import type { EkmHealth } from "kms-keystore-errors/testing";
 *
 * const fleet: EkmHealth[] = ["ACTIVE", "DEGRADED"];
 * ```
 * @public
 */
export type EkmHealth = "ACTIVE" | "DEGRADED" | "UNAVAILABLE";

/**
 * A scripted proxy fault:
 * - `{ errorName, status?, errorMessage? }`: answer with that XKS error (status defaults to the spec's);
 * - `"malformed"`: answer 200 with a body that is not JSON;
 * - `"drop"`: destroy the connection without answering;
 * - `{ delayMs }`: wait, then answer normally.
 * @example
 * ```ts
 * import type { XksProxy, XksProxyServerFault } from "kms-keystore-errors/testing";
 *
 * declare const proxy: XksProxy; // from startXksProxy
 * const throttled: XksProxyServerFault = { errorName: "ThrottlingException" };
 * proxy.setFault("encrypt", throttled, { times: 2 }); // 429 twice
 * proxy.setFault("*", "drop");
 * ```
 * @public
 */
export type XksProxyFault =
  | {
      readonly errorName: XksErrorName;
      readonly status?: number | undefined;
      readonly errorMessage?: string | undefined;
    }
  | "malformed"
  | "drop"
  | { readonly delayMs: number };

/**
 * Where a fault applies: one operation, or `"*"` for every operation (an operation's own fault wins).
 * @example
 * ```ts
 * import type { XksFaultTarget } from "kms-keystore-errors/testing";
 *
 * const target: XksFaultTarget = "*";
 * ```
 * @public
 */
export type XksFaultTarget = XksOperation | "*";

/**
 * Options of {@link startXksProxy}.
 * @example
 * ```ts
 * import type { XksProxyOptions } from "kms-keystore-errors/testing";
 *
 * const options: XksProxyOptions = {
 *   credential: { accessKeyId: "AKIAIOSFODNN7EXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY" },
 *   keys: [{ id: "key-1" }],
 * };
 * ```
 * @public
 */
export interface XksProxyOptions {
  /** The SigV4 credential the proxy accepts, or two pairs during a rotation. */
  credential: XksCredential | readonly XksCredential[];
  /** The URI path: `[/<prefix>]/kms/xks/v1`, ≤ 128 characters of `[A-Za-z0-9/_-]`. @defaultValue "/kms/xks/v1" */
  uriPath?: string | undefined;
  /** The Region in the accepted SigV4 scope (the key store's Region). @defaultValue "us-east-1" */
  region?: string | undefined;
  /** The external keys. @defaultValue [] */
  keys?: readonly XksProxyKey[] | undefined;
  /** Milliseconds added before every response. @defaultValue 0 */
  latencyMs?: number | undefined;
  /** Health of the key manager, or of each member of the fleet. @defaultValue "ACTIVE" */
  ekmHealth?: EkmHealth | readonly EkmHealth[] | undefined;
  /** Faults in force from the start, until changed with {@link XksProxy.setFault}. */
  faults?: Partial<Record<XksFaultTarget, XksProxyFault>> | undefined;
  /**
   * Serve HTTPS with this PEM key and certificate (chain). With `clientCa`, the proxy also asks for
   * a client certificate (mutual TLS) and ends the handshake unless the client presents one chained
   * to `clientCa` whose subject common name is `clientSubject`.
   */
  tls?: XksProxyTlsOptions | undefined;
  /**
   * Check the `requestMetadata` members the specification marks REQUIRED for each operation
   * (`kmsRequestId`, `kmsOperation`, `awsPrincipalArn`, `kmsKeyArn`): a missing or empty one is a
   * `ValidationException`. The specification does not ask a proxy to validate them. @defaultValue false
   */
  strictRequestMetadata?: boolean | undefined;
  /** The TCP port on 127.0.0.1; 0 picks a free one. @defaultValue 0 */
  port?: number | undefined;
  /**
   * The host name used in {@link XksProxy.url} and {@link XksProxy.endpoint} (e.g. `"localhost"` to
   * match a certificate); the server always listens on 127.0.0.1. @defaultValue "127.0.0.1"
   */
  hostname?: string | undefined;
  /** Ciphertext metadata (≤ 20 bytes) returned by every Encrypt and bound into the AAD. */
  ciphertextMetadata?: Uint8Array | undefined;
}

/**
 * The TLS settings of {@link startXksProxy}: a server certificate and, for mutual TLS, the CA and
 * subject the client certificate must have.
 * @example
 * ```ts
 * import { readFileSync } from "node:fs";
 * import type { XksProxyTlsOptions } from "kms-keystore-errors/testing";
 *
 * const tls: XksProxyTlsOptions = {
 *   key: readFileSync("proxy-key.pem"), cert: readFileSync("proxy-cert.pem"),
 *   clientCa: readFileSync("client-ca.pem"), clientSubject: "cks.kms.eu-west-1.amazonaws.com",
 * };
 * ```
 * @public
 */
export interface XksProxyTlsOptions {
  /** The server's private key (PEM). */
  readonly key: string | Buffer;
  /** The server's certificate chain (PEM). */
  readonly cert: string | Buffer;
  /** Require a client certificate chained to this root CA (PEM): mutual TLS. */
  readonly clientCa?: string | Buffer | undefined;
  /**
   * The subject common name the client certificate must carry (with `clientCa`).
   * @defaultValue `cks.kms.<region>.amazonaws.com`, the name KMS presents
   */
  readonly clientSubject?: string | undefined;
}

/**
 * A request the fake proxy received, as {@link XksProxy.requests} lists it.
 * @example
 * ```ts
 * import type { XksProxy, XksProxyRequest } from "kms-keystore-errors/testing";
 *
 * declare const proxy: XksProxy; // from startXksProxy
 * const last: XksProxyRequest | undefined = proxy.requests("encrypt").at(-1);
 * console.log(last?.status, last?.errorName, last?.kmsRequestId);
 * ```
 * @public
 */
export interface XksProxyRequest {
  /** The operation routed to, or undefined for an unknown path. */
  readonly operation: XksOperation | undefined;
  /** The HTTP method. */
  readonly method: string;
  /** The request path (no query). */
  readonly path: string;
  /** The external key id in the path, for key operations. */
  readonly keyId?: string;
  /** The HTTP status answered (0 when the connection was dropped). */
  readonly status: number;
  /** The XKS error name answered, if any. */
  readonly errorName?: string;
  /** True when a `"drop"` fault destroyed the connection. */
  readonly dropped: boolean;
  /** `requestMetadata.kmsRequestId`, when sent. */
  readonly kmsRequestId?: string;
  /** `requestMetadata.kmsOperation`, when sent. */
  readonly kmsOperation?: string;
  /** When the request arrived. */
  readonly receivedAt: Date;
}

/**
 * Options of {@link XksProxy.setFault}.
 * @example
 * ```ts
 * import type { XksFaultOptions, XksProxy } from "kms-keystore-errors/testing";
 *
 * declare const proxy: XksProxy; // from startXksProxy
 * proxy.setFault("decrypt", "drop", { times: 1 } satisfies XksFaultOptions);
 * ```
 * @public
 */
export interface XksFaultOptions {
  /** Apply the fault to this many requests, then remove it; undefined keeps it until replaced. */
  times?: number | undefined;
}

/**
 * A running fake XKS proxy.
 * @example
 * ```ts
 * import { startXksProxy } from "kms-keystore-errors/testing";
 *
 * const credential = { accessKeyId: "AKIAIOSFODNN7EXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY" };
 * const proxy = await startXksProxy({ credential, keys: [{ id: "key-1" }] });
 * // XksProxyUriEndpoint = proxy.endpoint, XksProxyUriPath = proxy.uriPath
 * proxy.setLatency(300); // slower than KMS's 250 ms budget
 * await proxy.close();
 * ```
 * @public
 */
export interface XksProxy {
  /** The base URL of the API: endpoint + URI path, e.g. `http://127.0.0.1:PORT/kms/xks/v1`. */
  readonly url: string;
  /** Scheme, host and port: what KMS calls `XksProxyUriEndpoint`. */
  readonly endpoint: string;
  /** The URI path: what KMS calls `XksProxyUriPath`. */
  readonly uriPath: string;
  /** The port on 127.0.0.1. */
  readonly port: number;
  /** The Region of the accepted SigV4 scope. */
  readonly region: string;
  /**
   * Scripts (or, with `undefined`, removes) a fault for an operation or for every operation.
   *
   * @param target - The operation, or `"*"`.
   * @param fault - The fault, or undefined to remove the target's fault.
   * @param options - `times`: how many requests it applies to (default: until removed).
   *
   * @example
   * ```ts
   * import type { XksProxy } from "kms-keystore-errors/testing";
   *
   * declare const proxy: XksProxy; // from startXksProxy
   * proxy.setFault("health", { errorName: "DependencyTimeoutException" }, { times: 1 });
   * ```
   */
  setFault(target: XksFaultTarget, fault: XksProxyFault | undefined, options?: XksFaultOptions): void;
  /**
   * Sets the delay before every response.
   * @param ms - Milliseconds (0 for none).
   * @example
   * ```ts
   * import type { XksProxy } from "kms-keystore-errors/testing";
   *
   * declare const proxy: XksProxy; // from startXksProxy
   * proxy.setLatency(300);
   * ```
   */
  setLatency(ms: number): void;
  /**
   * Sets the health GetHealthStatus reports.
   * @param health - One state for a single key manager, or one per fleet member.
   * @example
   * ```ts
   * import type { XksProxy } from "kms-keystore-errors/testing";
   *
   * declare const proxy: XksProxy; // from startXksProxy
   * proxy.setEkmHealth(["UNAVAILABLE", "UNAVAILABLE"]);
   * ```
   */
  setEkmHealth(health: EkmHealth | readonly EkmHealth[]): void;
  /**
   * Adds or replaces an external key; replacing keeps its key material, so ciphertexts stay decryptable.
   * @param key - The key.
   * @example
   * ```ts
   * import type { XksProxy } from "kms-keystore-errors/testing";
   *
   * declare const proxy: XksProxy; // from startXksProxy
   * proxy.setKey({ id: "key-1", status: "DISABLED" });
   * ```
   */
  setKey(key: XksProxyKey): void;
  /**
   * Removes an external key (later requests get KeyNotFoundException).
   * @param id - The key id.
   * @example
   * ```ts
   * import type { XksProxy } from "kms-keystore-errors/testing";
   *
   * declare const proxy: XksProxy; // from startXksProxy
   * proxy.removeKey("key-1");
   * ```
   */
  removeKey(id: string): void;
  /**
   * Replaces the accepted credential(s).
   * @param credential - One pair, or two during a rotation.
   * @example
   * ```ts
   * import type { XksCredential, XksProxy } from "kms-keystore-errors/testing";
   *
   * declare const proxy: XksProxy; // from startXksProxy
   * declare const oldCredential: XksCredential, newCredential: XksCredential;
   * proxy.setCredential([oldCredential, newCredential]); // during a rotation both are accepted
   * ```
   */
  setCredential(credential: XksCredential | readonly XksCredential[]): void;
  /**
   * The requests received, oldest first.
   * @param operation - Only this operation's requests.
   * @returns The requests.
   * @example
   * ```ts
   * import type { XksProxy } from "kms-keystore-errors/testing";
   * import { expect } from "vitest";
   *
   * declare const proxy: XksProxy; // from startXksProxy
   * expect(proxy.requests("health").map((r) => r.status)).toEqual([200]);
   * ```
   */
  requests(operation?: XksOperation): readonly XksProxyRequest[];
  /**
   * Stops the server and drops open connections.
   * @returns When the server is closed.
   * @example
   * ```ts
   * import type { XksProxy } from "kms-keystore-errors/testing";
   *
   * declare const proxy: XksProxy; // from startXksProxy
   * await proxy.close();
   * ```
   */
  close(): Promise<void>;
}
