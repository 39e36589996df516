/**
 * A minimal XKS proxy client that signs like KMS: SigV4 with service `kms-xks-proxy`,
 * `SignedHeaders=host;x-amz-date`, the raw body hashed; optionally presents a client certificate.
 * Used by the KMS emulator, the probe and tests. Node-only.
 */
import { type Agent as HttpAgent, request as httpRequest } from "node:http";
import { type Agent as HttpsAgent, request as httpsRequest } from "node:https";
import { isIP } from "node:net";
import { rootCertificates } from "node:tls";
import { signXksRequest, type XksCredential } from "./sigv4.js";
import { operationPath, type XksOperation } from "./spec.js";

/**
 * The most of an XKS proxy's answer that {@link callXksProxy} reads (64 KiB; the largest answer the
 * specification allows, a 4,300-byte plaintext in Base64 with metadata, is well under 8 KiB).
 * @example
 * ```ts
 * import { MAX_RESPONSE_BYTES } from "kms-keystore-errors/testing";
 * console.log(`answers over ${MAX_RESPONSE_BYTES} bytes are reported as oversized`);
 * ```
 * @public
 */
export const MAX_RESPONSE_BYTES = 65_536;

/**
 * Options of {@link callXksProxy}.
 * @example
 * ```ts
 * import type { CallXksProxyOptions } from "kms-keystore-errors/testing";
 *
 * const options: CallXksProxyOptions = {
 *   url: "https://xks.example.com/kms/xks/v1", region: "eu-west-1", operation: "health",
 *   credential: { accessKeyId: "AKIAIOSFODNN7EXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY" },
 *   body: { requestMetadata: { kmsRequestId: "r-1", kmsOperation: "KmsHealthCheck" } }, timeoutMs: 250,
 * };
 * ```
 * @public
 */
export interface CallXksProxyOptions {
  /** The proxy's base URL: `XksProxyUriEndpoint` + `XksProxyUriPath`, e.g. `https://xks.example.com/kms/xks/v1`. */
  url: string;
  /** The key store's Region (the SigV4 scope). */
  region: string;
  /** The proxy authentication credential. */
  credential: XksCredential;
  /** The operation to call. */
  operation: XksOperation;
  /** The external key id, for `metadata`, `encrypt` and `decrypt`. */
  keyId?: string | undefined;
  /** The JSON body (`requestMetadata` included), or a string sent verbatim. */
  body: unknown;
  /** Milliseconds before the call is abandoned with reason `"timeout"` (KMS waits 250). */
  timeoutMs: number;
  /** TLS settings for `https:` URLs. */
  tls?:
    | {
        /** An extra trusted CA (PEM), added to Node's root certificates. */
        readonly ca?: string | Buffer | undefined;
        /** The name to verify and send as SNI, when it differs from the URL's host. */
        readonly servername?: string | undefined;
        /** Set false to skip certificate verification (tests only). @defaultValue true */
        readonly rejectUnauthorized?: boolean | undefined;
        /** A client certificate chain (PEM) to present when the proxy asks for one (mutual TLS). */
        readonly cert?: string | Buffer | undefined;
        /** The private key (PEM) of `cert`. Never logged. */
        readonly key?: string | Buffer | undefined;
      }
    | undefined;
  /** Sign with another service name (to test a proxy's rejection). @defaultValue "kms-xks-proxy" */
  signingService?: string | undefined;
  /** Sign as of this date (to test clock-skew rejection). @defaultValue now */
  signingDate?: Date | undefined;
  /** Abort the call (the outcome is then `{ ok: false, reason: "timeout" }`). */
  signal?: AbortSignal | undefined;
}

/**
 * What {@link callXksProxy} observed. `reason`: `"timeout"` (no answer within `timeoutMs`),
 * `"connect"` (no TCP connection, or the connection was dropped), `"tls"` (handshake or certificate
 * failure), `"malformed"` (the body is not the JSON the status calls for), `"http"` (a non-2xx answer
 * with a JSON error body: `errorName` is the proxy's), `"oversized"` (the body passed
 * {@link MAX_RESPONSE_BYTES}: reading stopped there).
 * @example
 * ```ts
 * import { type CallXksProxyOptions, callXksProxy, type XksCallOutcome } from "kms-keystore-errors/testing";
 *
 * declare const options: CallXksProxyOptions;
 * const outcome: XksCallOutcome = await callXksProxy(options);
 * if (!outcome.ok && outcome.reason === "timeout") console.log("slower than", options.timeoutMs, "ms");
 * ```
 * @public
 */
export type XksCallOutcome =
  | {
      readonly ok: true;
      readonly status: number;
      readonly body: Readonly<Record<string, unknown>>;
      /** Milliseconds from the start of the call to the end of the response. */
      readonly elapsedMs: number;
    }
  | {
      readonly ok: false;
      readonly reason: "timeout" | "connect" | "tls" | "malformed" | "http" | "oversized";
      readonly status?: number;
      readonly errorName?: string;
      /** The proxy's `errorMessage` (not KMS's: KMS never returns it to callers). */
      readonly errorMessage?: string;
      /** A short description of a transport failure (a Node error code such as `ECONNREFUSED`). */
      readonly detail?: string;
      readonly elapsedMs: number;
    };

const TLS_CODES = /CERT|SELF_SIGNED|UNABLE_TO|ERR_TLS|ERR_SSL|SSL_|HOSTNAME|ALTNAME|EPROTO|ISSUER|TLSV1/i;

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/**
 * Calls one operation of an XKS proxy, signed as KMS signs it, and reports the outcome without
 * throwing: a 2xx JSON answer is `ok`; everything else is a typed failure reason.
 *
 * @param options - URL, Region, credential, operation, key id, body, timeout, TLS.
 * @returns The outcome.
 *
 * @example
 * ```ts
 * import { callXksProxy, startXksProxy } from "kms-keystore-errors/testing";
 *
 * const credential = { accessKeyId: "AKIAIOSFODNN7EXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY" };
 * const proxy = await startXksProxy({ credential }); // no external keys
 * const outcome = await callXksProxy({
 *   url: proxy.url, region: "us-east-1", credential, operation: "metadata", keyId: "key-1", timeoutMs: 250,
 *   body: { requestMetadata: { awsPrincipalArn: "AWS Internal", kmsOperation: "CreateKey", kmsRequestId: "r-1" } },
 * });
 * if (!outcome.ok && outcome.reason === "http") console.log(outcome.errorName); // "KeyNotFoundException"
 * await proxy.close();
 * ```
 * @public
 */
export function callXksProxy(options: CallXksProxyOptions): Promise<XksCallOutcome> {
  return sendXksRequest(options);
}

/**
 * How {@link sendXksRequest} reaches the proxy: a (keep-alive) agent and a pinned IP address.
 * @internal
 */
export interface XksTransport {
  /** An agent matching the URL's scheme; by default a new connection per call. */
  readonly agent?: HttpAgent | HttpsAgent | undefined;
  /** Connect to this IP address instead of resolving the URL's host (SNI and Host keep the name). */
  readonly address?: string | undefined;
  /**
   * Told the `Authorization` header of each request before it is sent: the signature is secret
   * (computed from the credential), so whoever reports on the call redacts it in every form.
   */
  readonly onSigned?: ((authorization: string) => void) | undefined;
}

/**
 * {@link callXksProxy} with control over the connection (the probe reuses one connection and pins
 * the address it checked).
 *
 * @param options - As for {@link callXksProxy}.
 * @param transport - Agent and pinned address.
 * @returns The outcome.
 * @internal
 */
export async function sendXksRequest(
  options: CallXksProxyOptions,
  transport: XksTransport = {},
): Promise<XksCallOutcome> {
  const started = performance.now();
  const elapsed = (): number => Math.round((performance.now() - started) * 10) / 10;
  const base = new URL(options.url);
  const path = `${base.pathname.replace(/\/$/, "")}${operationPath(options.operation, options.keyId)}`;
  const body = typeof options.body === "string" ? options.body : JSON.stringify(options.body);
  const https = base.protocol === "https:";
  const hostname = base.hostname.replace(/^\[(.*)\]$/, "$1");
  const port = base.port === "" ? undefined : Number(base.port);
  const headers = await signXksRequest({
    protocol: base.protocol,
    hostname: base.hostname,
    port,
    path,
    body,
    region: options.region,
    credential: options.credential,
    service: options.signingService,
    signingDate: options.signingDate,
  });
  headers["content-length"] = String(Buffer.byteLength(body));
  if (typeof headers.authorization === "string") transport.onSigned?.(headers.authorization);

  return new Promise<XksCallOutcome>((resolve) => {
    // The first outcome settles the promise; a later one (an error after a timeout) changes nothing.
    const done = (outcome: XksCallOutcome): void => {
      clearTimeout(timer);
      options.signal?.removeEventListener("abort", onAbort);
      resolve(outcome);
    };
    const requestOptions = {
      method: "POST",
      hostname: transport.address ?? hostname,
      port: port ?? (https ? 443 : 80),
      path,
      headers,
    };
    const servername = options.tls?.servername ?? (isIP(hostname) === 0 ? hostname : undefined);
    const req = https
      ? httpsRequest({
          ...requestOptions,
          agent: (transport.agent as HttpsAgent | undefined) ?? false,
          ...(options.tls?.ca === undefined ? {} : { ca: [...rootCertificates, options.tls.ca.toString()] }),
          ...(servername === undefined ? {} : { servername }),
          rejectUnauthorized: options.tls?.rejectUnauthorized ?? true,
          ...(options.tls?.cert === undefined ? {} : { cert: options.tls.cert }),
          ...(options.tls?.key === undefined ? {} : { key: options.tls.key }),
        })
      : httpRequest({ ...requestOptions, agent: (transport.agent as HttpAgent | undefined) ?? false });
    const timer = setTimeout(() => {
      done({
        ok: false,
        reason: "timeout",
        detail: `no answer within ${options.timeoutMs} ms`,
        elapsedMs: elapsed(),
      });
      req.destroy();
    }, options.timeoutMs);
    const onAbort = (): void => {
      done({ ok: false, reason: "timeout", detail: "aborted", elapsedMs: elapsed() });
      req.destroy();
    };
    if (options.signal?.aborted) onAbort();
    else options.signal?.addEventListener("abort", onAbort);

    req.on("error", (error: NodeJS.ErrnoException) => {
      const code = typeof error.code === "string" ? error.code : error.name;
      done({
        ok: false,
        reason: TLS_CODES.test(code) ? "tls" : "connect",
        detail: code,
        elapsedMs: elapsed(),
      });
    });
    req.on("response", (res) => {
      const chunks: Buffer[] = [];
      let received = 0;
      res.on("data", (chunk: Buffer) => {
        received += chunk.length;
        if (received > MAX_RESPONSE_BYTES) {
          // Never held in memory: an XKS answer is a few KiB at most.
          done({
            ok: false,
            reason: "oversized",
            status: res.statusCode ?? 0,
            detail: `the proxy answered with an oversized body (more than ${MAX_RESPONSE_BYTES} bytes)`,
            elapsedMs: elapsed(),
          });
          req.destroy();
          return;
        }
        chunks.push(chunk);
      });
      res.on("error", () =>
        done({ ok: false, reason: "connect", detail: "ECONNRESET", elapsedMs: elapsed() }),
      );
      res.on("end", () => {
        const status = res.statusCode ?? 0;
        const text = Buffer.concat(chunks).toString("utf8");
        let json: unknown;
        try {
          json = JSON.parse(text);
        } catch {
          // Not JSON (an empty body included): json stays undefined.
        }
        if (status >= 200 && status < 300) {
          done(
            isRecord(json)
              ? { ok: true, status, body: json, elapsedMs: elapsed() }
              : { ok: false, reason: "malformed", status, elapsedMs: elapsed() },
          );
          return;
        }
        if (isRecord(json) && typeof json.errorName === "string") {
          done({
            ok: false,
            reason: "http",
            status,
            errorName: json.errorName,
            ...(typeof json.errorMessage === "string" ? { errorMessage: json.errorMessage } : {}),
            elapsedMs: elapsed(),
          });
          return;
        }
        done({ ok: false, reason: text === "" ? "http" : "malformed", status, elapsedMs: elapsed() });
      });
    });
    req.end(body);
  });
}
