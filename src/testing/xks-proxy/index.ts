/**
 * A fake XKS proxy: a real HTTP(S) server on 127.0.0.1 implementing the XKS proxy API v1 (SigV4
 * `kms-xks-proxy`, the four operations, the spec's error model, real AES-256-GCM), with scriptable
 * keys, key manager health, latency and faults. Node-only.
 */
import type { XksCredential } from "../../xks/sigv4.js";
import { kmsClientCertificateName, URI_PATH_PATTERN, URI_PATH_SUFFIX } from "../../xks/spec.js";
import { isRecord } from "../guards.js";
import { startHttpServer } from "../http-server.js";
import { checkDelay, ProxyFaultScript } from "./fault-script.js";
import { handleXksRequest, type ProxyState, subjectName } from "./handler.js";
import { ExternalKeyManager } from "./key-manager.js";
import type { EkmHealth, XksFaultTarget, XksProxy, XksProxyOptions } from "./types.js";

export {
  type CallXksProxyOptions,
  callXksProxy,
  MAX_RESPONSE_BYTES,
  type XksCallOutcome,
} from "../../xks/client.js";
export { XKS_ERROR_STATUS, XKS_ERRORS, type XksErrorInfo, type XksErrorName } from "../../xks/errors.js";
export type { XksCredential } from "../../xks/sigv4.js";
export { XKS_OPERATIONS, type XksOperation } from "../../xks/spec.js";

export type {
  EkmHealth,
  XksFaultOptions,
  XksFaultTarget,
  XksProxy,
  XksProxyFault,
  XksProxyKey,
  XksProxyOptions,
  XksProxyRequest,
  XksProxyTlsOptions,
} from "./types.js";

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
  const credentials = credentialsOf(options.credential);
  const latencyMs = checkDelay("latencyMs", options.latencyMs ?? 0);
  const ekmHealth = options.ekmHealth ?? "ACTIVE";
  const metadataBytes =
    options.ciphertextMetadata === undefined ? undefined : Buffer.from(options.ciphertextMetadata);
  if (metadataBytes !== undefined && (metadataBytes.length === 0 || metadataBytes.length > 20)) {
    throw new TypeError("ciphertextMetadata must be 1–20 bytes.");
  }
  const hostname = options.hostname ?? "127.0.0.1";
  const tls = options.tls;
  if (tls?.clientSubject !== undefined && tls.clientCa === undefined) {
    throw new TypeError("tls.clientSubject needs tls.clientCa (the root CA of client certificates).");
  }
  const clientSubject =
    tls?.clientCa === undefined ? undefined : (tls.clientSubject ?? kmsClientCertificateName(region));

  const state: ProxyState = {
    uriPath,
    region,
    strictRequestMetadata: options.strictRequestMetadata === true,
    clientSubject,
    keys: new ExternalKeyManager(options.keys ?? [], ekmHealth, metadataBytes),
    faults: new ProxyFaultScript(),
    log: [],
    credentials,
    latencyMs,
  };
  for (const [target, fault] of Object.entries(options.faults ?? {})) {
    if (fault !== undefined) state.faults.set(target as XksFaultTarget, fault);
  }

  const server = await startHttpServer({
    handle: (req, res, body) => handleXksRequest(state, req, res, body),
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
    onSecureConnection:
      clientSubject === undefined
        ? undefined
        : (socket) => {
            if (subjectName(socket) !== clientSubject) socket.destroy();
          },
    onError: (_error, _req, res) => {
      if (!res.destroyed && !res.headersSent) {
        res.writeHead(500, { "content-type": "application/json" });
        res.end(JSON.stringify({ errorName: "InternalException", errorMessage: "The proxy failed." }));
      }
    },
  });
  const endpoint = `${tls === undefined ? "http" : "https"}://${hostname}:${server.port}`;

  return {
    url: `${endpoint}${uriPath}`,
    endpoint,
    uriPath,
    port: server.port,
    region,
    setFault(target, fault, faultOptions) {
      state.faults.set(target, fault, faultOptions);
    },
    setLatency(ms: number) {
      state.latencyMs = checkDelay("latencyMs", ms);
    },
    setEkmHealth(health: EkmHealth | readonly EkmHealth[]) {
      state.keys.setHealth(health);
    },
    setKey(key) {
      state.keys.setKey(key);
    },
    removeKey(id: string) {
      state.keys.removeKey(id);
    },
    setCredential(credential: XksCredential | readonly XksCredential[]) {
      state.credentials = credentialsOf(credential);
    },
    requests(operation) {
      return operation === undefined ? [...state.log] : state.log.filter((r) => r.operation === operation);
    },
    close() {
      return server.close();
    },
  };
}
