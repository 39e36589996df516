/**
 * A fake XKS proxy: a real HTTP(S) server on 127.0.0.1 implementing the XKS proxy API v1 (SigV4
 * `kms-xks-proxy`, the four operations, the spec's error model, real AES-256-GCM), with scriptable
 * keys, key manager health, latency and faults. Node-only.
 */
import { randomBytes } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { TLSSocket } from "node:tls";
import { ciphertextDataIntegrityValue } from "../../xks/cdiv.js";
import { type XksErrorName, xksErrorInfo } from "../../xks/errors.js";
import { verifyXksRequest, type XksCredential } from "../../xks/sigv4.js";
import {
  KEY_ID_PATTERN,
  kmsClientCertificateName,
  REQUIRED_METADATA,
  URI_PATH_PATTERN,
  URI_PATH_SUFFIX,
  XKS_CONTENT_TYPE,
  XKS_LIMITS,
  XKS_OPERATIONS,
  type XksOperation,
} from "../../xks/spec.js";
import { MAX_BODY_BYTES, type RequestBody, startHttpServer } from "../http-server.js";
import { open, seal } from "./crypto.js";

export {
  type CallXksProxyOptions,
  callXksProxy,
  MAX_RESPONSE_BYTES,
  type XksCallOutcome,
} from "../../xks/client.js";
export { XKS_ERROR_STATUS, XKS_ERRORS, type XksErrorInfo, type XksErrorName } from "../../xks/errors.js";
export type { XksCredential } from "../../xks/sigv4.js";
export { XKS_OPERATIONS, type XksOperation } from "../../xks/spec.js";

/**
 * An external key held by the fake proxy's key manager.
 * @example
 * ```ts
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
 * proxy.setFault("encrypt", { errorName: "ThrottlingException" }, { times: 2 }); // 429 twice
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
 * const target: XksFaultTarget = "*";
 * ```
 * @public
 */
export type XksFaultTarget = XksOperation | "*";

/**
 * Options of {@link startXksProxy}.
 * @example
 * ```ts
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
 * const tls: XksProxyTlsOptions = {
 *   key: serverKeyPem, cert: serverCertPem,
 *   clientCa: kmsCaPem, clientSubject: "cks.kms.eu-west-1.amazonaws.com",
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
   * proxy.setFault("health", { errorName: "DependencyTimeoutException" }, { times: 1 });
   * ```
   */
  setFault(target: XksFaultTarget, fault: XksProxyFault | undefined, options?: XksFaultOptions): void;
  /**
   * Sets the delay before every response.
   * @param ms - Milliseconds (0 for none).
   * @example
   * ```ts
   * proxy.setLatency(300);
   * ```
   */
  setLatency(ms: number): void;
  /**
   * Sets the health GetHealthStatus reports.
   * @param health - One state for a single key manager, or one per fleet member.
   * @example
   * ```ts
   * proxy.setEkmHealth(["UNAVAILABLE", "UNAVAILABLE"]);
   * ```
   */
  setEkmHealth(health: EkmHealth | readonly EkmHealth[]): void;
  /**
   * Adds or replaces an external key; replacing keeps its key material, so ciphertexts stay decryptable.
   * @param key - The key.
   * @example
   * ```ts
   * proxy.setKey({ id: "key-1", status: "DISABLED" });
   * ```
   */
  setKey(key: XksProxyKey): void;
  /**
   * Removes an external key (later requests get KeyNotFoundException).
   * @param id - The key id.
   * @example
   * ```ts
   * proxy.removeKey("key-1");
   * ```
   */
  removeKey(id: string): void;
  /**
   * Replaces the accepted credential(s).
   * @param credential - One pair, or two during a rotation.
   * @example
   * ```ts
   * proxy.setCredential([oldCredential, newCredential]);
   * ```
   */
  setCredential(credential: XksCredential | readonly XksCredential[]): void;
  /**
   * The requests received, oldest first.
   * @param operation - Only this operation's requests.
   * @returns The requests.
   * @example
   * ```ts
   * expect(proxy.requests("health").map((r) => r.status)).toEqual([200]);
   * ```
   */
  requests(operation?: XksOperation): readonly XksProxyRequest[];
  /**
   * Stops the server and drops open connections.
   * @returns When the server is closed.
   * @example
   * ```ts
   * await proxy.close();
   * ```
   */
  close(): Promise<void>;
}

interface KeyRecord {
  readonly id: string;
  readonly spec: string;
  readonly usage: readonly string[];
  readonly status: "ENABLED" | "DISABLED";
  readonly material: Buffer;
}

interface ScriptedFault {
  readonly fault: XksProxyFault;
  remaining: number | undefined;
}

class XksError extends Error {
  readonly status: number;
  readonly errorName: string;
  constructor(errorName: string, message: string, status: number = xksErrorInfo(errorName).status) {
    super(message);
    this.errorName = errorName;
    this.status = status;
  }
}

const EKM_STATES: readonly string[] = ["ACTIVE", "DEGRADED", "UNAVAILABLE"];
/** The proxy's own limits, above the specification's minimums (4,300 bytes of data, 8,192 of AAD). */
const MAX_DATA_BYTES = 8192;
const MAX_AAD_BYTES = 8192;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

const credentialsOf = (credential: XksCredential | readonly XksCredential[]): readonly XksCredential[] => {
  const list: readonly XksCredential[] = Array.isArray(credential)
    ? (credential as readonly XksCredential[])
    : [credential as XksCredential];
  if (list.length < 1 || list.length > 2)
    throw new TypeError("credential must be one pair, or two during a rotation.");
  for (const c of list) {
    if (
      !isRecord(c) ||
      typeof c.accessKeyId !== "string" ||
      typeof c.secretAccessKey !== "string" ||
      c.accessKeyId === ""
    ) {
      throw new TypeError("credential must be { accessKeyId: string; secretAccessKey: string }.");
    }
  }
  return list.map((c) => ({ accessKeyId: c.accessKeyId, secretAccessKey: c.secretAccessKey }));
};

const healthOf = (health: EkmHealth | readonly EkmHealth[]): readonly EkmHealth[] => {
  const list: readonly EkmHealth[] = typeof health === "string" ? [health] : health;
  if (list.length < 1 || list.length > 10 || list.some((h) => !EKM_STATES.includes(h))) {
    throw new TypeError(
      'ekmHealth must be "ACTIVE", "DEGRADED" or "UNAVAILABLE", or a list of 1–10 of them.',
    );
  }
  return [...list];
};

const checkDelay = (name: string, ms: number): number => {
  if (!Number.isFinite(ms) || ms < 0)
    throw new TypeError(`${name} must be a non-negative number of milliseconds.`);
  return ms;
};

const sleep = (ms: number): Promise<void> =>
  ms <= 0 ? Promise.resolve() : new Promise((resolve) => setTimeout(resolve, ms).unref());

/**
 * Base64 field → bytes; undefined when absent. Malformed or outside `sizes` (the specification's
 * sizes) → `ValidationException`; over `ownLimit` (this proxy's limit, beyond the specification's
 * minimum) → `UnsupportedOperationException`.
 */
const bytesField = (
  body: Record<string, unknown>,
  name: string,
  required: boolean,
  limits: { readonly sizes?: readonly number[]; readonly max?: number; readonly ownLimit?: number },
): Buffer | undefined => {
  const value = body[name];
  if (value === undefined || value === null) {
    if (required) throw new XksError("ValidationException", `${name} is required.`);
    return undefined;
  }
  if (typeof value !== "string" || !BASE64.test(value)) {
    throw new XksError("ValidationException", `${name} must be a Base64 string.`);
  }
  const bytes = Buffer.from(value, "base64");
  if (limits.sizes !== undefined && !limits.sizes.includes(bytes.length)) {
    throw new XksError("ValidationException", `${name} must be ${limits.sizes.join(" or ")} bytes.`);
  }
  if (limits.max !== undefined && bytes.length > limits.max) {
    throw new XksError("ValidationException", `${name} must be at most ${limits.max} bytes.`);
  }
  if (limits.ownLimit !== undefined && bytes.length > limits.ownLimit) {
    throw new XksError(
      "UnsupportedOperationException",
      `${name} is larger than this proxy supports (${limits.ownLimit} bytes).`,
    );
  }
  return bytes;
};

const checkAlgorithm = (body: Record<string, unknown>): void => {
  if (body.encryptionAlgorithm !== "AES_GCM") {
    throw new XksError("ValidationException", 'encryptionAlgorithm must be "AES_GCM".');
  }
};

/** The Encrypt input, validated. */
interface EncryptInput {
  readonly plaintext: Buffer;
  readonly aad: Buffer;
  readonly cdiv: boolean;
}

/** The Decrypt input, validated. */
interface DecryptInput {
  readonly ciphertext: Buffer;
  readonly iv: Buffer;
  readonly tag: Buffer;
  readonly aad: Buffer;
  readonly metadata: Buffer;
}

const encryptInput = (body: Record<string, unknown>): EncryptInput => {
  checkAlgorithm(body);
  const plaintext = bytesField(body, "plaintext", true, { ownLimit: MAX_DATA_BYTES }) as Buffer;
  const aad =
    bytesField(body, "additionalAuthenticatedData", false, { ownLimit: MAX_AAD_BYTES }) ?? Buffer.alloc(0);
  const cdivAlgorithm = body.ciphertextDataIntegrityValueAlgorithm;
  if (cdivAlgorithm !== undefined && cdivAlgorithm !== null && cdivAlgorithm !== "SHA_256") {
    throw new XksError("ValidationException", 'ciphertextDataIntegrityValueAlgorithm must be "SHA_256".');
  }
  return { plaintext, aad, cdiv: cdivAlgorithm === "SHA_256" };
};

const decryptInput = (body: Record<string, unknown>): DecryptInput => {
  checkAlgorithm(body);
  return {
    ciphertext: bytesField(body, "ciphertext", true, { ownLimit: MAX_DATA_BYTES }) as Buffer,
    iv: bytesField(body, "initializationVector", true, { sizes: XKS_LIMITS.ivLengths }) as Buffer,
    tag: bytesField(body, "authenticationTag", true, { sizes: [XKS_LIMITS.tagLength] }) as Buffer,
    aad:
      bytesField(body, "additionalAuthenticatedData", false, { ownLimit: MAX_AAD_BYTES }) ?? Buffer.alloc(0),
    metadata:
      bytesField(body, "ciphertextMetadata", false, { max: XKS_LIMITS.maxCiphertextMetadata }) ??
      Buffer.alloc(0),
  };
};

/** The `requestMetadata` check: present and not empty; in strict mode, every REQUIRED member set. */
const checkMetadata = (operation: XksOperation, metadata: unknown, strict: boolean): void => {
  if (!isRecord(metadata) || Object.keys(metadata).length === 0) {
    throw new XksError("ValidationException", "requestMetadata is required.");
  }
  if (!strict) return;
  for (const member of REQUIRED_METADATA[operation]) {
    const value = metadata[member];
    if (typeof value !== "string" || value === "") {
      throw new XksError("ValidationException", `requestMetadata.${member} is required.`);
    }
  }
};

/** True when a Content-Type header names `application/json` (parameters such as charset allowed). */
const isJsonContentType = (value: string | undefined): boolean =>
  value !== undefined && value.split(";")[0]?.trim().toLowerCase() === XKS_CONTENT_TYPE;

/** A request header as one string. */
const headerOf = (req: IncomingMessage, name: string): string | undefined => {
  const value = req.headers[name];
  return Array.isArray(value) ? value.join(",") : value;
};

/** The subject common name of the client certificate of a TLS connection, if any. */
const subjectName = (socket: TLSSocket): string | undefined =>
  socket
    .getPeerX509Certificate()
    ?.subject.split("\n")
    .find((part) => part.startsWith("CN="))
    ?.slice(3);

interface Route {
  readonly operation: XksOperation;
  readonly keyId: string | undefined;
}

/**
 * Starts a fake XKS proxy: a `node:http` server (or `node:https` with `tls`) on 127.0.0.1 that
 * implements the XKS proxy API v1 faithfully. POST only (GET on an API URI → 405); an unknown path or
 * prefix → 404 `InvalidUriPathException` before authentication; a body over 1 MiB → 400
 * `ValidationException` saying so; SigV4 with service `kms-xks-proxy` and the configured Region,
 * the payload hash always computed from the body received (→ 401 `AuthenticationFailedException`);
 * `Content-Type: application/json` required and a missing `requestMetadata` refused (→ 400
 * `ValidationException`); the body validated before the key is looked up, the specification's sizes
 * (IV 12 or 16 bytes, tag 16, ciphertext metadata ≤ 20) as `ValidationException` and only data beyond
 * the proxy's own limits as 501 `UnsupportedOperationException`; real AES-256-GCM with the spec's
 * AAD binding; a CDIV answer verified by decrypting it first (Appendix C); optional mutual TLS. It
 * never logs or echoes the secret key or plaintext.
 *
 * @param options - Credential, URI path, Region, keys, latency, key manager health, faults, TLS
 * (mutual TLS included), strict `requestMetadata` checks.
 * @returns The running proxy.
 * @throws TypeError when an option is invalid (the message names it).
 *
 * @example
 * ```ts
 * import { callXksProxy, startXksProxy } from "kms-keystore-errors/testing";
 * const credential = { accessKeyId: "AKIAIOSFODNN7EXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY" };
 * const proxy = await startXksProxy({ credential, keys: [{ id: "key-1" }] });
 * const health = await callXksProxy({
 *   url: proxy.url, region: "us-east-1", credential, operation: "health", timeoutMs: 250,
 *   body: { requestMetadata: { kmsRequestId: "r-1", kmsOperation: "KmsHealthCheck" } },
 * });
 * await proxy.close();
 * ```
 * @public
 */
export async function startXksProxy(options: XksProxyOptions): Promise<XksProxy> {
  if (!isRecord(options)) throw new TypeError("options must be an object with at least a credential.");
  const uriPath = options.uriPath ?? URI_PATH_SUFFIX;
  if (!URI_PATH_PATTERN.test(uriPath) || !uriPath.startsWith("/") || !uriPath.endsWith(URI_PATH_SUFFIX)) {
    throw new TypeError(
      `uriPath must be [/<prefix>]${URI_PATH_SUFFIX}, at most 128 characters of [A-Za-z0-9/_-].`,
    );
  }
  const region = options.region ?? "us-east-1";
  if (typeof region !== "string" || region === "") throw new TypeError("region must be a non-empty string.");
  let credentials = credentialsOf(options.credential);
  let latencyMs = checkDelay("latencyMs", options.latencyMs ?? 0);
  let ekmHealth = healthOf(options.ekmHealth ?? "ACTIVE");
  const metadataBytes =
    options.ciphertextMetadata === undefined ? undefined : Buffer.from(options.ciphertextMetadata);
  if (metadataBytes !== undefined && (metadataBytes.length === 0 || metadataBytes.length > 20)) {
    throw new TypeError("ciphertextMetadata must be 1–20 bytes.");
  }
  const hostname = options.hostname ?? "127.0.0.1";
  const strictRequestMetadata = options.strictRequestMetadata === true;
  if (options.tls?.clientSubject !== undefined && options.tls.clientCa === undefined) {
    throw new TypeError("tls.clientSubject needs tls.clientCa (the root CA of client certificates).");
  }

  const keys = new Map<string, KeyRecord>();
  const setKey = (key: XksProxyKey): void => {
    if (!isRecord(key) || typeof key.id !== "string" || !KEY_ID_PATTERN.test(key.id)) {
      throw new TypeError("keys[].id must be 1–128 characters of [A-Za-z0-9._-].");
    }
    if (key.status !== undefined && key.status !== "ENABLED" && key.status !== "DISABLED") {
      throw new TypeError('keys[].status must be "ENABLED" or "DISABLED".');
    }
    keys.set(key.id, {
      id: key.id,
      spec: key.spec ?? "AES_256",
      usage: [...(key.usage ?? ["ENCRYPT", "DECRYPT"])],
      status: key.status ?? "ENABLED",
      material: keys.get(key.id)?.material ?? randomBytes(32),
    });
  };
  for (const key of options.keys ?? []) setKey(key);

  const faults = new Map<XksFaultTarget, ScriptedFault>();
  const setFault = (
    target: XksFaultTarget,
    fault: XksProxyFault | undefined,
    opts?: XksFaultOptions,
  ): void => {
    if (target !== "*" && !XKS_OPERATIONS.includes(target)) {
      throw new TypeError(`target must be one of ${XKS_OPERATIONS.join(", ")} or "*".`);
    }
    if (fault === undefined) {
      faults.delete(target);
      return;
    }
    if (typeof fault === "object" && "delayMs" in fault) checkDelay("delayMs", fault.delayMs);
    const times = opts?.times;
    if (times !== undefined && (!Number.isInteger(times) || times < 1))
      throw new TypeError("times must be a positive integer.");
    faults.set(target, { fault, remaining: times });
  };
  for (const [target, fault] of Object.entries(options.faults ?? {})) {
    if (fault !== undefined) setFault(target as XksFaultTarget, fault);
  }
  const takeFault = (operation: XksOperation): XksProxyFault | undefined => {
    const target: XksFaultTarget | undefined = faults.has(operation)
      ? operation
      : faults.has("*")
        ? "*"
        : undefined;
    if (target === undefined) return undefined;
    const scripted = faults.get(target) as ScriptedFault;
    if (scripted.remaining !== undefined) {
      scripted.remaining -= 1;
      if (scripted.remaining <= 0) faults.delete(target);
    }
    return scripted.fault;
  };

  const log: XksProxyRequest[] = [];
  const tls = options.tls;
  const mutualTls = tls?.clientCa !== undefined;
  const clientSubject = tls?.clientSubject ?? kmsClientCertificateName(region);

  const routeOf = (path: string): Route | undefined => {
    if (!path.startsWith(`${uriPath}/`)) return undefined;
    const rest = path.slice(uriPath.length);
    if (rest === "/health") return { operation: "health", keyId: undefined };
    const match = /^\/keys\/([^/]+)\/(metadata|encrypt|decrypt)$/.exec(rest);
    if (match === null) return undefined;
    let keyId: string;
    try {
      keyId = decodeURIComponent(match[1] ?? "");
    } catch {
      return undefined;
    }
    if (!KEY_ID_PATTERN.test(keyId)) return undefined;
    return { operation: match[2] as XksOperation, keyId };
  };

  const keyFor = (keyId: string | undefined, use: "ENCRYPT" | "DECRYPT" | undefined): KeyRecord => {
    const key = keyId === undefined ? undefined : keys.get(keyId);
    if (key === undefined)
      throw new XksError("KeyNotFoundException", `No external key with id ${keyId ?? ""}.`);
    if (use === undefined) return key;
    if (key.status !== "ENABLED")
      throw new XksError("InvalidStateException", `External key ${key.id} is not enabled.`);
    if (!key.usage.includes(use) || key.spec !== "AES_256") {
      throw new XksError(
        "InvalidKeyUsageException",
        `External key ${key.id} does not support ${use === "ENCRYPT" ? "Encrypt" : "Decrypt"}.`,
      );
    }
    return key;
  };

  const health = (): Record<string, unknown> => ({
    xksProxyFleetSize: 1,
    xksProxyVendor: "kms-keystore-errors",
    xksProxyModel: "fake XKS proxy",
    ekmVendor: "kms-keystore-errors",
    ekmFleetDetails: ekmHealth.map((healthStatus, i) => ({
      id: `ekm-${i + 1}`,
      model: "fake EKM",
      healthStatus,
    })),
  });

  const encrypt = (key: KeyRecord, input: EncryptInput): Record<string, unknown> => {
    const md = metadataBytes ?? Buffer.alloc(0);
    const sealed = seal(key.material, input.plaintext, input.aad, md);
    let cdiv: string | undefined;
    if (input.cdiv) {
      // Appendix C: compute the value first, then prove the answer decrypts, which needs the
      // DECRYPT usage as well.
      cdiv = ciphertextDataIntegrityValue({ aad: input.aad, metadata: md, ...sealed });
      if (!key.usage.includes("DECRYPT")) {
        throw new XksError(
          "InvalidKeyUsageException",
          `External key ${key.id} does not support Decrypt, which verifying the ciphertext data integrity value needs.`,
        );
      }
      const check = open(key.material, sealed, input.aad, md);
      if (check === undefined || !check.equals(input.plaintext)) {
        throw new XksError("InternalException", "The ciphertext failed its verification decrypt.");
      }
    }
    return {
      ciphertext: sealed.ciphertext.toString("base64"),
      ...(metadataBytes === undefined ? {} : { ciphertextMetadata: metadataBytes.toString("base64") }),
      initializationVector: sealed.iv.toString("base64"),
      authenticationTag: sealed.tag.toString("base64"),
      ...(cdiv === undefined ? {} : { ciphertextDataIntegrityValue: cdiv }),
    };
  };

  const decrypt = (key: KeyRecord, input: DecryptInput): Record<string, unknown> => {
    const plaintext = open(key.material, input, input.aad, input.metadata);
    if (plaintext === undefined) {
      throw new XksError(
        "InvalidCiphertextException",
        "The ciphertext, authentication tag, initialization vector, AAD or ciphertext metadata failed authentication.",
      );
    }
    return { plaintext: plaintext.toString("base64") };
  };

  /** The body is validated before the key is looked up, as the reference proxy does. */
  const operate = (route: Route, body: Record<string, unknown>): Record<string, unknown> => {
    switch (route.operation) {
      case "health":
        return health();
      case "metadata": {
        const key = keyFor(route.keyId, undefined);
        return { keySpec: key.spec, keyUsage: [...key.usage], keyStatus: key.status };
      }
      case "encrypt": {
        const input = encryptInput(body);
        return encrypt(keyFor(route.keyId, "ENCRYPT"), input);
      }
      case "decrypt": {
        const input = decryptInput(body);
        return decrypt(keyFor(route.keyId, "DECRYPT"), input);
      }
    }
  };

  const handle = async (req: IncomingMessage, res: ServerResponse, received: RequestBody): Promise<void> => {
    if (mutualTls && subjectName(req.socket as TLSSocket) !== clientSubject) {
      req.socket.destroy();
      return;
    }
    const receivedAt = new Date();
    const rawUrl = req.url ?? "/";
    const queryAt = rawUrl.indexOf("?");
    const path = queryAt === -1 ? rawUrl : rawUrl.slice(0, queryAt);
    const method = req.method ?? "";
    let entry: {
      operation: XksOperation | undefined;
      keyId?: string;
      kmsRequestId?: string;
      kmsOperation?: string;
    } = { operation: undefined };
    const finish = (status: number, extra: { errorName?: string; dropped?: boolean } = {}): void => {
      log.push({
        ...entry,
        method,
        path,
        status,
        dropped: extra.dropped ?? false,
        ...(extra.errorName === undefined ? {} : { errorName: extra.errorName }),
        receivedAt,
      });
    };
    const sendJson = (status: number, payload: unknown, headers: Record<string, string> = {}): void => {
      if (res.destroyed || res.writableEnded) return;
      const text = JSON.stringify(payload);
      res.writeHead(status, { "content-type": "application/json", ...headers });
      res.end(text);
    };
    const sendError = (error: XksError): void => {
      sendJson(error.status, { errorName: error.errorName, errorMessage: error.message });
      finish(error.status, { errorName: error.errorName });
    };

    if (method === "GET" && path === "/ping") {
      res.writeHead(200, { "content-type": "text/plain" });
      res.end("pong");
      return;
    }
    await sleep(latencyMs);
    const route = routeOf(path);
    if (route === undefined) {
      sendError(new XksError("InvalidUriPathException", "The request URI path is not a path of this proxy."));
      return;
    }
    entry = { operation: route.operation, ...(route.keyId === undefined ? {} : { keyId: route.keyId }) };
    if (method !== "POST") {
      if (!res.destroyed) {
        res.writeHead(405, { allow: "POST", "content-length": "0" });
        res.end();
      }
      finish(405);
      return;
    }
    if (received.tooLarge) {
      sendError(
        new XksError("ValidationException", `The request body is larger than ${MAX_BODY_BYTES} bytes.`),
      );
      return;
    }
    const rawBody = received.bytes;
    const text = rawBody.toString("utf8");
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      body = undefined;
    }
    const metadata = isRecord(body) ? body.requestMetadata : undefined;
    if (isRecord(metadata)) {
      if (typeof metadata.kmsRequestId === "string") entry.kmsRequestId = metadata.kmsRequestId;
      if (typeof metadata.kmsOperation === "string") entry.kmsOperation = metadata.kmsOperation;
    }
    const query: Record<string, string | string[]> = {};
    if (queryAt !== -1) {
      for (const [k, v] of new URLSearchParams(rawUrl.slice(queryAt + 1))) {
        const prev = query[k];
        query[k] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v];
      }
    }
    const verified = await verifyXksRequest({
      method,
      path,
      query,
      headers: req.headers,
      body: rawBody,
      region,
      credentials,
      now: Date.now(),
    });
    if (!verified.ok) {
      sendError(new XksError("AuthenticationFailedException", verified.reason));
      return;
    }
    let fault = takeFault(route.operation);
    if (typeof fault === "object" && "delayMs" in fault) {
      await sleep(fault.delayMs);
      fault = undefined;
    }
    if (fault === "drop") {
      req.socket.destroy();
      finish(0, { dropped: true });
      return;
    }
    if (fault === "malformed") {
      if (!res.destroyed) {
        res.writeHead(200, { "content-type": "text/html" });
        res.end("<html><body>502 Bad Gateway</body></html>");
      }
      finish(200);
      return;
    }
    if (fault !== undefined) {
      sendError(
        new XksError(
          fault.errorName,
          fault.errorMessage ?? `Scripted ${fault.errorName}.`,
          fault.status ?? xksErrorInfo(fault.errorName).status,
        ),
      );
      return;
    }
    try {
      if (!isJsonContentType(headerOf(req, "content-type"))) {
        throw new XksError("ValidationException", `Content-Type must be ${XKS_CONTENT_TYPE}.`);
      }
      if (!isRecord(body))
        throw new XksError("ValidationException", "The request body is not a JSON object.");
      checkMetadata(route.operation, metadata, strictRequestMetadata);
      sendJson(200, operate(route, body));
      finish(200);
    } catch (error) {
      sendError(error instanceof XksError ? error : new XksError("InternalException", "The proxy failed."));
    }
  };

  const server = await startHttpServer({
    handle,
    port: options.port ?? 0,
    tls:
      tls === undefined
        ? undefined
        : {
            key: tls.key,
            cert: tls.cert,
            minVersion: "TLSv1.2",
            ...(tls.clientCa === undefined
              ? {}
              : { requestCert: true, rejectUnauthorized: true, ca: [tls.clientCa] }),
          },
    // The CA is checked during the handshake; the subject right after it, before the HTTP layer
    // sees the connection: a certificate for another name ends it.
    onSecureConnection: mutualTls
      ? (socket) => {
          if (subjectName(socket) !== clientSubject) socket.destroy();
        }
      : undefined,
    onError: (_error, _req, res) => {
      if (!res.destroyed && !res.headersSent) {
        res.writeHead(500, { "content-type": "application/json" });
        res.end(JSON.stringify({ errorName: "InternalException", errorMessage: "The proxy failed." }));
      }
    },
  });
  const port = server.port;
  const endpoint = `${options.tls === undefined ? "http" : "https"}://${hostname}:${port}`;

  return {
    url: `${endpoint}${uriPath}`,
    endpoint,
    uriPath,
    port,
    region,
    setFault,
    setLatency(ms: number) {
      latencyMs = checkDelay("latencyMs", ms);
    },
    setEkmHealth(health: EkmHealth | readonly EkmHealth[]) {
      ekmHealth = healthOf(health);
    },
    setKey,
    removeKey(id: string) {
      keys.delete(id);
    },
    setCredential(credential: XksCredential | readonly XksCredential[]) {
      credentials = credentialsOf(credential);
    },
    requests(operation?: XksOperation) {
      return operation === undefined ? [...log] : log.filter((r) => r.operation === operation);
    },
    close() {
      return server.close();
    },
  };
}
