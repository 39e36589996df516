/**
 * SigV4 for the XKS proxy API, signing as KMS does and verifying as a proxy should (facts §7b):
 * service `kms-xks-proxy`, the key store's Region, `SignedHeaders=host;x-amz-date`, no
 * `x-amz-content-sha256` header (the raw body is hashed).
 *
 * Shared by the fake proxy (verification), the client, the KMS emulator and the probe (signing).
 * Node-only.
 */
import { createHash, createHmac, type Hash, type Hmac, timingSafeEqual } from "node:crypto";
import { HttpRequest } from "@smithy/protocol-http";
import { SignatureV4 } from "@smithy/signature-v4";
import { XKS_SIGNING_SERVICE } from "./spec.js";

/**
 * An XKS proxy authentication credential: what KMS calls `AccessKeyId` and `RawSecretAccessKey`.
 * It is not an IAM credential.
 * @example
 * ```ts
 * import type { XksCredential } from "kms-keystore-errors/testing";
 *
 * const credential: XksCredential = { accessKeyId: "AKIAIOSFODNN7EXAMPLE", secretAccessKey: process.env.XKS_SECRET ?? "" };
 * ```
 * @public
 */
export interface XksCredential {
  /** The access key id (KMS: 20–30 characters of `[A-Z2-7]`). */
  readonly accessKeyId: string;
  /** The raw secret access key (KMS: 43–64 characters of `[A-Za-z0-9/+=]`). Never logged. */
  readonly secretAccessKey: string;
}

type SourceData = string | ArrayBuffer | ArrayBufferView;

const toBuffer = (data: SourceData): Buffer =>
  typeof data === "string"
    ? Buffer.from(data, "utf8")
    : ArrayBuffer.isView(data)
      ? Buffer.from(data.buffer, data.byteOffset, data.byteLength)
      : Buffer.from(data);

/** SHA-256 (or HMAC-SHA-256 with a secret) from node:crypto, in the shape the smithy signer wants. */
class Sha256 {
  private readonly hash: Hash | Hmac;

  constructor(secret?: SourceData) {
    this.hash = secret === undefined ? createHash("sha256") : createHmac("sha256", toBuffer(secret));
  }

  update(data: SourceData): void {
    this.hash.update(toBuffer(data));
  }

  digest(): Promise<Uint8Array> {
    return Promise.resolve(new Uint8Array(this.hash.digest()));
  }
}

const signerFor = (credential: XksCredential, region: string, service: string): SignatureV4 =>
  new SignatureV4({
    service,
    region,
    credentials: { accessKeyId: credential.accessKeyId, secretAccessKey: credential.secretAccessKey },
    sha256: Sha256,
    applyChecksum: false,
  });

/**
 * What to sign: one POST of the XKS proxy API.
 * @internal
 */
export interface SignInput {
  /** `https:` or `http:`. */
  readonly protocol: string;
  /** The host name (no port). */
  readonly hostname: string;
  /** The port, when not the scheme's default. */
  readonly port?: number | undefined;
  /** The full path (URI path + operation suffix). */
  readonly path: string;
  /** The exact body bytes that will be sent. */
  readonly body: string;
  readonly region: string;
  readonly credential: XksCredential;
  /** @defaultValue "kms-xks-proxy" */
  readonly service?: string | undefined;
  /** @defaultValue now */
  readonly signingDate?: Date | undefined;
}

/**
 * Signs a proxy request as KMS does and returns the headers to send (`host`, `content-type`,
 * `x-amz-date`, `authorization`). The `authorization` header is derived from the secret: never log it.
 *
 * @param input - The request to sign.
 * @returns The headers.
 * @internal
 */
export async function signXksRequest(input: SignInput): Promise<Record<string, string>> {
  const host = input.port === undefined ? input.hostname : `${input.hostname}:${input.port}`;
  const request = new HttpRequest({
    method: "POST",
    protocol: input.protocol,
    hostname: input.hostname,
    ...(input.port === undefined ? {} : { port: input.port }),
    path: input.path,
    query: {},
    headers: { host, "content-type": "application/json" },
    body: input.body,
  });
  const signed = await signerFor(input.credential, input.region, input.service ?? XKS_SIGNING_SERVICE).sign(
    request,
    {
      unsignableHeaders: new Set(["content-type"]),
      ...(input.signingDate === undefined ? {} : { signingDate: input.signingDate }),
    },
  );
  return { ...(signed.headers as Record<string, string>) };
}

const AUTHORIZATION =
  /^AWS4-HMAC-SHA256 Credential=([^/,\s]+)\/(\d{8})\/([^/,\s]+)\/([^/,\s]+)\/aws4_request,\s*SignedHeaders=([a-z0-9;_.-]+),\s*Signature=([0-9a-f]{64})$/;
const AMZ_DATE = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;

/** The largest clock difference accepted between the signer and the proxy. @internal */
export const MAX_SKEW_MS = 5 * 60 * 1000;

/**
 * A received request, as the proxy saw it.
 * @internal
 */
export interface VerifyInput {
  readonly method: string;
  /** The raw request target path, without the query. */
  readonly path: string;
  readonly query: Readonly<Record<string, string | string[]>>;
  /** Lower-case header names. */
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  /** The body bytes as received (a string is taken as UTF-8). */
  readonly body: string | Uint8Array;
  readonly region: string;
  readonly credentials: readonly XksCredential[];
  readonly now: number;
}

/**
 * Why a signature was rejected: a sentence safe to return to the caller (no secret, no signature).
 * @internal
 */
export type VerifyResult =
  | { readonly ok: true; readonly accessKeyId: string }
  | { readonly ok: false; readonly reason: string };

const headerValue = (value: string | string[] | undefined): string | undefined =>
  Array.isArray(value) ? value.join(",") : value;

/** The hex SHA-256 of a body, as SigV4's canonical request ends. */
const bodyHash = (body: string | Uint8Array): string => createHash("sha256").update(body).digest("hex");

/**
 * Verifies a SigV4 signature as an XKS proxy should: parses the `Authorization` header, checks the
 * scope (date, Region, `kms-xks-proxy`), the access key id and the clock skew, then re-signs the
 * request with only the signed headers, the signer's `X-Amz-Date` and the SHA-256 of the body as
 * received (never a hash the request declares), and compares the signatures in constant time.
 *
 * @param input - The received request and the proxy's configuration.
 * @returns Ok with the access key id used, or the reason for rejection.
 * @internal
 */
export async function verifyXksRequest(input: VerifyInput): Promise<VerifyResult> {
  const authorization = headerValue(input.headers.authorization);
  if (authorization === undefined)
    return { ok: false, reason: "The request is not signed (no Authorization header)." };
  const match = AUTHORIZATION.exec(authorization.trim());
  if (match === null)
    return { ok: false, reason: "The Authorization header is not a SigV4 (AWS4-HMAC-SHA256) header." };
  // Every group of the pattern is mandatory.
  const [accessKeyId, scopeDate, scopeRegion, scopeService, signedList, signature] = match.slice(1) as [
    string,
    string,
    string,
    string,
    string,
    string,
  ];
  const amzDate = headerValue(input.headers["x-amz-date"]);
  const dateMatch = amzDate === undefined ? null : AMZ_DATE.exec(amzDate);
  if (amzDate === undefined || dateMatch === null)
    return { ok: false, reason: "The X-Amz-Date header is missing or malformed." };
  if (!amzDate.startsWith(scopeDate))
    return { ok: false, reason: "The credential scope date does not match X-Amz-Date." };
  const [, y, mo, d, h, mi, s] = dateMatch.map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const signedAt = Date.UTC(y, mo - 1, d, h, mi, s);
  if (Math.abs(input.now - signedAt) > MAX_SKEW_MS) {
    return {
      ok: false,
      reason:
        "The signature is not current: X-Amz-Date differs from the proxy's clock by more than 5 minutes.",
    };
  }
  if (scopeService !== XKS_SIGNING_SERVICE) {
    return {
      ok: false,
      reason: `The credential scope names service "${scopeService}", not "${XKS_SIGNING_SERVICE}".`,
    };
  }
  if (scopeRegion !== input.region) {
    return {
      ok: false,
      reason: `The credential scope names Region "${scopeRegion}", not the proxy's Region.`,
    };
  }
  const credential = input.credentials.find((c) => c.accessKeyId === accessKeyId);
  if (credential === undefined) return { ok: false, reason: "The access key id is not known to the proxy." };
  const signedHeaders = signedList.split(";");
  if (!signedHeaders.includes("host") || !signedHeaders.includes("x-amz-date")) {
    return { ok: false, reason: "SignedHeaders must include host and x-amz-date." };
  }
  // The payload hash is always the body's: a signed `x-amz-content-sha256` header (such as
  // `UNSIGNED-PAYLOAD`) would otherwise become the hash the signer uses, and the body would go
  // unchecked.
  const declaredHash = headerValue(input.headers["x-amz-content-sha256"]);
  if (declaredHash !== undefined && declaredHash !== bodyHash(input.body)) {
    return {
      ok: false,
      reason: "The x-amz-content-sha256 header is not the SHA-256 of the request body.",
    };
  }
  const headers: Record<string, string> = {};
  for (const name of signedHeaders) {
    if (name === "x-amz-date") continue;
    const value = headerValue(input.headers[name]);
    if (value === undefined) return { ok: false, reason: `The signed header ${name} is missing.` };
    headers[name] = value;
  }
  const host = headers.host ?? "";
  const resigned = await signerFor(credential, input.region, XKS_SIGNING_SERVICE).sign(
    new HttpRequest({
      method: input.method,
      protocol: "https:",
      hostname: host,
      path: input.path,
      query: { ...input.query },
      headers,
      body: input.body,
    }),
    { signingDate: new Date(signedAt), signableHeaders: new Set(signedHeaders) },
  );
  const expected =
    /Signature=([0-9a-f]{64})/.exec(headerValue(resigned.headers.authorization) ?? "")?.[1] ?? "";
  const same =
    expected.length === signature.length &&
    timingSafeEqual(Buffer.from(expected, "utf8"), Buffer.from(signature, "utf8"));
  return same
    ? { ok: true, accessKeyId }
    : {
        ok: false,
        reason: "The request signature does not match: check the secret access key and the signed content.",
      };
}
