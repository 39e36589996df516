/**
 * How the KMS emulator calls a real XKS proxy for an external key store whose `XksProxyUriEndpoint`
 * is routed to one: KMS's 250 ms budget, SigV4 with the store's credential, KMS's
 * `requestMetadata`, and the interpretation of every answer as a proxy outcome of the fault tables.
 */

import { ciphertextDataIntegrityValue } from "../xks/cdiv.js";
import { type CallXksProxyOptions, callXksProxy, type XksCallOutcome } from "../xks/client.js";
import { xksErrorInfo } from "../xks/errors.js";
import { XKS_LIMITS, type XksOperation } from "../xks/spec.js";
import { BASE64, isRecord } from "./guards.js";
import { type ProxyOutcomeFault, XKS_TRANSPORT_FAULTS } from "./proxy-faults.js";

/**
 * Where the emulator sends the XKS proxy calls of a routed `XksProxyUriEndpoint`: a running fake
 * proxy (`startXksProxy` returns one) or any `{ url, tls? }`. Only the URL's scheme, host and port
 * are used: the path of every call is the store's own `XksProxyUriPath`, so a store with a wrong
 * path meets the proxy's `InvalidUriPathException`, as in KMS.
 * @example
 * ```ts
 * import { readFileSync } from "node:fs";
 * import { startKmsEmulator, startXksProxy } from "kms-keystore-errors/testing";
 *
 * const emu = await startKmsEmulator();
 * const credential = { accessKeyId: "AKIAIOSFODNN7EXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY1234" }; // KMS takes 43–64-character secrets
 * const proxy = await startXksProxy({ credential, keys: [{ id: "key-1" }] });
 * emu.routeXksProxy("https://xks.example.com", proxy);
 * const ca = readFileSync("test-ca.pem"); // the CA of a proxy's certificate for "localhost"
 * emu.routeXksProxy("https://tls.example.com", { url: "https://127.0.0.1:8443", tls: { ca, servername: "localhost" } });
 * ```
 * @public
 */
export interface XksProxyTarget {
  /** The proxy's URL (`http://127.0.0.1:PORT/...` or `https://…`); its path is ignored. */
  readonly url: string;
  /** TLS settings for an `https:` URL (an extra trusted CA, the name to verify). */
  readonly tls?: CallXksProxyOptions["tls"] | undefined;
}

/**
 * The parts of an external key store's configuration a proxy call needs.
 * @internal
 */
export interface XksCallConfig {
  readonly uriEndpoint: string;
  readonly uriPath: string;
  readonly accessKeyId: string;
  /** Never leaves the emulator except as the SigV4 signing key. */
  readonly rawSecretAccessKey: string;
}

/**
 * The KMS request a proxy call is made for: its request id and operation.
 * @internal
 */
export interface KmsCall {
  readonly requestId: string;
  readonly operation: string;
}

/**
 * What a proxy call yielded: the answer KMS can use, or the outcome row that says how KMS fails.
 * @internal
 */
export type ProxyResult<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly fault: ProxyOutcomeFault };

/**
 * What the proxy's Encrypt returned, checked as KMS checks it.
 * @internal
 */
export interface XksSealed {
  readonly ciphertext: Buffer;
  readonly iv: Buffer;
  readonly tag: Buffer;
  readonly metadata: Buffer;
}

/** KMS's budget per proxy call, in milliseconds (reference §4). */
const KMS_PROXY_TIMEOUT_MS = 250;

/** What `XksProxyUriEndpoint` must look like (KMS's own validation). */
const URI_ENDPOINT = /^https:\/\/[a-zA-Z0-9.-]+$/;

const bytes = (value: unknown): Buffer | undefined =>
  typeof value === "string" && BASE64.test(value) ? Buffer.from(value, "base64") : undefined;

const fail = <T>(fault: ProxyOutcomeFault): ProxyResult<T> => ({ ok: false, fault });

/**
 * The outcome row of a failed call: the proxy's error name, else the transport failure. An error
 * name the spec does not define is an answer KMS cannot interpret.
 *
 * @param outcome - The failed call.
 * @returns The row.
 * @internal
 */
export const faultOfOutcome = (outcome: Extract<XksCallOutcome, { ok: false }>): ProxyOutcomeFault => {
  if (outcome.reason !== "http") return XKS_TRANSPORT_FAULTS[outcome.reason];
  return xksErrorInfo(outcome.errorName).fault;
};

/**
 * A GetHealthStatus answer as KMS reads it: every key manager `UNAVAILABLE` is an unhealthy proxy;
 * a body without a fleet is one KMS cannot interpret.
 *
 * @param body - The 200 body.
 * @returns The outcome row, or undefined when healthy.
 * @internal
 */
export const healthFault = (body: Readonly<Record<string, unknown>>): ProxyOutcomeFault | undefined => {
  const fleet = body.ekmFleetDetails;
  if (!Array.isArray(fleet) || fleet.length === 0) return "invalid-response";
  const states = fleet.map((member: unknown) => (isRecord(member) ? member.healthStatus : undefined));
  if (states.some((s) => s !== "ACTIVE" && s !== "DEGRADED" && s !== "UNAVAILABLE"))
    return "invalid-response";
  return states.every((s) => s === "UNAVAILABLE") ? "unhealthy" : undefined;
};

/**
 * A GetKeyMetadata answer as `CreateKey` reads it: the external key must be an enabled `AES_256`
 * key with the `ENCRYPT` and `DECRYPT` usages.
 *
 * @param body - The 200 body.
 * @returns The outcome row, or undefined when the key is usable.
 * @internal
 */
export const metadataFault = (body: Readonly<Record<string, unknown>>): ProxyOutcomeFault | undefined => {
  const { keySpec, keyUsage, keyStatus } = body;
  if (typeof keySpec !== "string" || !Array.isArray(keyUsage) || typeof keyStatus !== "string") {
    return "invalid-response";
  }
  if (keyStatus !== "ENABLED") return "key-disabled";
  if (keySpec !== "AES_256") return "key-unsupported-spec";
  return keyUsage.includes("ENCRYPT") && keyUsage.includes("DECRYPT") ? undefined : "key-unsupported-usage";
};

/**
 * The emulator's side of the XKS proxy API: routes, budget, signing and `requestMetadata`.
 * @internal
 */
export class XksGateway {
  readonly #routes = new Map<string, XksProxyTarget>();
  readonly #controllers = new Set<AbortController>();
  readonly #region: string;
  readonly #principalArn: string;
  readonly #timeoutMs: number;

  /**
   * @param region - The emulator's Region (the SigV4 scope).
   * @param accountId - The account whose root principal is `awsPrincipalArn`.
   * @param timeoutMs - Milliseconds KMS waits per call (250 in KMS).
   */
  constructor(region: string, accountId: string, timeoutMs = KMS_PROXY_TIMEOUT_MS) {
    this.#region = region;
    this.#principalArn = `arn:aws:iam::${accountId}:root`;
    this.#timeoutMs = timeoutMs;
  }

  /**
   * Routes (or, with undefined, unroutes) an `XksProxyUriEndpoint` to a proxy.
   *
   * @param uriEndpoint - `https://<fqdn>`, as a store's `XksProxyUriEndpoint`.
   * @param target - The proxy, or undefined.
   * @throws TypeError for an endpoint KMS would refuse or a target without an http(s) URL.
   */
  route(uriEndpoint: string, target: XksProxyTarget | undefined): void {
    if (typeof uriEndpoint !== "string" || !URI_ENDPOINT.test(uriEndpoint) || uriEndpoint.length > 128) {
      throw new TypeError(
        `Expected the XksProxyUriEndpoint to be https://<host name> (no port, no path), got ${String(uriEndpoint)}.`,
      );
    }
    if (target === undefined) {
      this.#routes.delete(uriEndpoint);
      return;
    }
    let url: URL;
    try {
      url = new URL(String(target.url));
    } catch {
      throw new TypeError("Expected the proxy target to have a `url` (http: or https:).");
    }
    if (url.protocol !== "http:" && url.protocol !== "https:") {
      throw new TypeError(`Expected the proxy target's url to be http: or https:, got ${url.protocol}`);
    }
    this.#routes.set(uriEndpoint, {
      url: url.origin,
      ...(target.tls === undefined ? {} : { tls: target.tls }),
    });
  }

  /**
   * Whether calls for a store go to a real proxy.
   * @param xks - The store's configuration (undefined for CloudHSM stores).
   * @returns True when its endpoint is routed.
   */
  routed(xks: XksCallConfig | undefined): xks is XksCallConfig {
    return xks !== undefined && this.#routes.has(xks.uriEndpoint);
  }

  /**
   * GetHealthStatus, as KMS calls it for `CreateCustomKeyStore`, `UpdateCustomKeyStore` and
   * `ConnectCustomKeyStore`.
   *
   * @param xks - The store's configuration.
   * @param call - The KMS request.
   * @returns The outcome row, or undefined when the proxy is healthy.
   */
  async health(xks: XksCallConfig, call: KmsCall): Promise<ProxyOutcomeFault | undefined> {
    const outcome = await this.#call(xks, "health", undefined, {
      requestMetadata: { kmsRequestId: call.requestId, kmsOperation: call.operation },
    });
    return outcome.ok ? healthFault(outcome.body) : faultOfOutcome(outcome);
  }

  /**
   * GetKeyMetadata, as `CreateKey` calls it.
   *
   * @param xks - The store's configuration.
   * @param xksKeyId - The external key id.
   * @param call - The KMS request.
   * @returns The outcome row, or undefined when the external key is usable.
   */
  async metadata(
    xks: XksCallConfig,
    xksKeyId: string,
    call: KmsCall,
  ): Promise<ProxyOutcomeFault | undefined> {
    const outcome = await this.#call(xks, "metadata", xksKeyId, {
      requestMetadata: {
        awsPrincipalArn: this.#principalArn,
        kmsOperation: call.operation,
        kmsRequestId: call.requestId,
      },
    });
    return outcome.ok ? metadataFault(outcome.body) : faultOfOutcome(outcome);
  }

  /**
   * Encrypt, as KMS calls it (with a ciphertext data integrity value, which it verifies).
   *
   * @param xks - The store's configuration.
   * @param xksKeyId - The external key id.
   * @param kmsKeyArn - The KMS key.
   * @param plaintext - What the proxy encrypts (KMS's own inner ciphertext).
   * @param aad - The additional authenticated data.
   * @param call - The KMS request.
   * @returns The sealed data, or the outcome row.
   */
  async encrypt(
    xks: XksCallConfig,
    xksKeyId: string,
    kmsKeyArn: string,
    plaintext: Buffer,
    aad: Buffer,
    call: KmsCall,
  ): Promise<ProxyResult<XksSealed>> {
    const outcome = await this.#call(xks, "encrypt", xksKeyId, {
      requestMetadata: this.#cryptoMetadata(kmsKeyArn, call),
      plaintext: plaintext.toString("base64"),
      encryptionAlgorithm: "AES_GCM",
      additionalAuthenticatedData: aad.toString("base64"),
      ciphertextDataIntegrityValueAlgorithm: "SHA_256",
    });
    if (!outcome.ok) return fail(faultOfOutcome(outcome));
    const body = outcome.body;
    const ciphertext = bytes(body.ciphertext);
    const iv = bytes(body.initializationVector);
    const tag = bytes(body.authenticationTag);
    const metadata = body.ciphertextMetadata === undefined ? Buffer.alloc(0) : bytes(body.ciphertextMetadata);
    if (
      ciphertext === undefined ||
      ciphertext.length !== plaintext.length ||
      iv === undefined ||
      !(XKS_LIMITS.ivLengths as readonly number[]).includes(iv.length) ||
      tag?.length !== XKS_LIMITS.tagLength ||
      metadata === undefined ||
      metadata.length > XKS_LIMITS.maxCiphertextMetadata
    ) {
      return fail("invalid-response");
    }
    const sealed = { ciphertext, iv, tag, metadata };
    if (body.ciphertextDataIntegrityValue !== ciphertextDataIntegrityValue({ aad, ...sealed })) {
      return fail("invalid-response");
    }
    return { ok: true, value: sealed };
  }

  /**
   * Decrypt, as KMS calls it.
   *
   * @param xks - The store's configuration.
   * @param xksKeyId - The external key id.
   * @param kmsKeyArn - The KMS key.
   * @param sealed - What the proxy's Encrypt returned.
   * @param aad - The additional authenticated data.
   * @param call - The KMS request.
   * @returns The plaintext (KMS's inner ciphertext), or the outcome row.
   */
  async decrypt(
    xks: XksCallConfig,
    xksKeyId: string,
    kmsKeyArn: string,
    sealed: XksSealed,
    aad: Buffer,
    call: KmsCall,
  ): Promise<ProxyResult<Buffer>> {
    const outcome = await this.#call(xks, "decrypt", xksKeyId, {
      requestMetadata: this.#cryptoMetadata(kmsKeyArn, call),
      ciphertext: sealed.ciphertext.toString("base64"),
      initializationVector: sealed.iv.toString("base64"),
      authenticationTag: sealed.tag.toString("base64"),
      encryptionAlgorithm: "AES_GCM",
      additionalAuthenticatedData: aad.toString("base64"),
      ...(sealed.metadata.length === 0 ? {} : { ciphertextMetadata: sealed.metadata.toString("base64") }),
    });
    if (!outcome.ok) return fail(faultOfOutcome(outcome));
    const plaintext = bytes(outcome.body.plaintext);
    return plaintext === undefined || plaintext.length !== sealed.ciphertext.length
      ? fail("invalid-response")
      : { ok: true, value: plaintext };
  }

  /** Abandons every call in flight (their outcome is a timeout nobody reads). */
  dispose(): void {
    for (const controller of this.#controllers) controller.abort();
    this.#controllers.clear();
  }

  #cryptoMetadata(kmsKeyArn: string, call: KmsCall): Readonly<Record<string, string>> {
    return {
      awsPrincipalArn: this.#principalArn,
      kmsKeyArn,
      kmsOperation: call.operation,
      kmsRequestId: call.requestId,
    };
  }

  async #call(
    xks: XksCallConfig,
    operation: XksOperation,
    keyId: string | undefined,
    body: Readonly<Record<string, unknown>>,
  ): Promise<XksCallOutcome> {
    const target = this.#routes.get(xks.uriEndpoint);
    if (target === undefined) {
      return { ok: false, reason: "connect", detail: "ENOTFOUND", elapsedMs: 0 };
    }
    const controller = new AbortController();
    this.#controllers.add(controller);
    try {
      return await callXksProxy({
        url: `${target.url}${xks.uriPath}`,
        region: this.#region,
        credential: { accessKeyId: xks.accessKeyId, secretAccessKey: xks.rawSecretAccessKey },
        operation,
        keyId,
        body,
        timeoutMs: this.#timeoutMs,
        tls: target.tls,
        signal: controller.signal,
      });
    } finally {
      this.#controllers.delete(controller);
    }
  }
}
