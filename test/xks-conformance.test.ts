/**
 * The fake XKS proxy's conformance suite, written from the XKS Proxy API specification v1.0.3:
 * every route, every error name with its status, the size limits, SigV4 (Appendix A), the CDIV
 * (Appendix C, with its worked example) and mutual TLS. Requests go over loopback, signed as KMS
 * signs them; negative cases are built on the wire (raw HTTP, re-signed or tampered requests).
 */
import { createHash, createHmac, type Hash, type Hmac } from "node:crypto";
import { request } from "node:http";
import {
  ConnectCustomKeyStoreCommand,
  CreateCustomKeyStoreCommand,
  DescribeCustomKeyStoresCommand,
  KMSClient,
} from "@aws-sdk/client-kms";
import { HttpRequest } from "@smithy/protocol-http";
import { SignatureV4 } from "@smithy/signature-v4";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { startKmsEmulator } from "../src/testing/emulator.js";
import {
  type CallXksProxyOptions,
  callXksProxy,
  startXksProxy,
  type XksCallOutcome,
  type XksProxy,
  type XksProxyOptions,
} from "../src/testing/xks-proxy/index.js";
import { ciphertextDataIntegrityValue } from "../src/xks/cdiv.js";
import { XKS_ERRORS } from "../src/xks/errors.js";
import { signXksRequest } from "../src/xks/sigv4.js";
import { issueCertificate, type TestCertificate } from "./support/x509.js";

const credential = {
  accessKeyId: "CONFORMANCEACCESSKEY",
  secretAccessKey: "conformance-secret-conformance-secret-000000",
};
const region = "eu-west-1";
const principal = "arn:aws:iam::111122223333:user/Alice";
const kmsKeyArn = "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";

/** The requestMetadata KMS sends, per operation (spec: "Request Payload Parameters"). */
const metadataFor = (operation: CallXksProxyOptions["operation"]): Record<string, string> =>
  operation === "health"
    ? { kmsRequestId: "req-health", kmsOperation: "KmsHealthCheck" }
    : operation === "metadata"
      ? { awsPrincipalArn: principal, kmsOperation: "CreateKey", kmsRequestId: "req-metadata" }
      : {
          awsPrincipalArn: principal,
          kmsKeyArn,
          kmsOperation: operation === "encrypt" ? "Encrypt" : "Decrypt",
          kmsRequestId: `req-${operation}`,
        };

const b64 = (bytes: Buffer | string): string =>
  (typeof bytes === "string" ? Buffer.from(bytes) : bytes).toString("base64");

let proxy: XksProxy;
const proxies: XksProxy[] = [];
const start = async (options: Partial<XksProxyOptions> = {}): Promise<XksProxy> => {
  proxy = await startXksProxy({
    credential,
    region,
    keys: [
      { id: "key-1" },
      { id: "disabled", status: "DISABLED" },
      { id: "encrypt-only", usage: ["ENCRYPT"] },
      { id: "decrypt-only", usage: ["DECRYPT"] },
    ],
    ...options,
  });
  proxies.push(proxy);
  return proxy;
};
afterEach(async () => {
  await Promise.all(proxies.splice(0).map((p) => p.close()));
});

const call = (
  operation: CallXksProxyOptions["operation"],
  fields: Record<string, unknown> = {},
  overrides: Partial<CallXksProxyOptions> = {},
): Promise<XksCallOutcome> =>
  callXksProxy({
    url: proxy.url,
    region,
    credential,
    operation,
    keyId: "key-1",
    body: { requestMetadata: metadataFor(operation), ...fields },
    timeoutMs: 5000,
    ...overrides,
  });

const encrypt = (plaintext: Buffer | string, extra: Record<string, unknown> = {}, keyId = "key-1") =>
  call("encrypt", { plaintext: b64(plaintext), encryptionAlgorithm: "AES_GCM", ...extra }, { keyId });

const okBody = (outcome: XksCallOutcome): Readonly<Record<string, unknown>> => {
  if (!outcome.ok) throw new Error(`expected a 200 answer, got ${JSON.stringify(outcome)}`);
  return outcome.body;
};

const decryptFields = (sealed: Readonly<Record<string, unknown>>, extra: Record<string, unknown> = {}) => ({
  ciphertext: sealed.ciphertext,
  initializationVector: sealed.initializationVector,
  authenticationTag: sealed.authenticationTag,
  encryptionAlgorithm: "AES_GCM",
  ...(sealed.ciphertextMetadata === undefined ? {} : { ciphertextMetadata: sealed.ciphertextMetadata }),
  ...extra,
});

const expectError = (outcome: XksCallOutcome, status: number, errorName: string): void => {
  expect(outcome).toMatchObject({ ok: false, reason: "http", status, errorName });
  if (!outcome.ok && outcome.errorMessage !== undefined) {
    // Spec, "Error codes": fewer than 512 characters, printable ASCII only.
    expect(outcome.errorMessage.length).toBeLessThan(512);
    expect(outcome.errorMessage).toMatch(/^[\x20-\x7e]*$/);
  }
};

/** A raw HTTP exchange with the proxy, signed by the caller or not at all. */
const raw = (
  path: string,
  method: string,
  body: string | Buffer,
  headers: Record<string, string>,
): Promise<{ status: number; json: Record<string, unknown> | undefined; headers: Record<string, unknown> }> =>
  new Promise((resolve, reject) => {
    const req = request(`${proxy.endpoint}${path}`, { method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => {
        let json: Record<string, unknown> | undefined;
        try {
          json = JSON.parse(Buffer.concat(chunks).toString("utf8")) as Record<string, unknown>;
        } catch {
          json = undefined;
        }
        resolve({ status: res.statusCode ?? 0, json, headers: res.headers });
      });
    });
    req.on("error", reject);
    req.end(body);
  });

/** Signs as KMS does (SignedHeaders=host;x-amz-date) for a raw request. */
const signedHeaders = async (path: string, body: string): Promise<Record<string, string>> => {
  const headers = await signXksRequest({
    protocol: "http:",
    hostname: "127.0.0.1",
    port: proxy.port,
    path,
    body,
    region,
    credential,
  });
  return { ...headers, "content-type": "application/json" };
};

type SourceData = string | ArrayBuffer | ArrayBufferView;
const bytesOf = (data: SourceData): Uint8Array =>
  typeof data === "string"
    ? Buffer.from(data, "utf8")
    : ArrayBuffer.isView(data)
      ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
      : new Uint8Array(data);

/** SHA-256 and HMAC-SHA-256 from node:crypto in the shape the smithy signer takes. */
class Sha256 {
  readonly #secret: SourceData | undefined;
  #hash: Hash | Hmac;
  constructor(secret?: SourceData) {
    this.#secret = secret;
    this.#hash = Sha256.#create(secret);
  }
  static #create(secret: SourceData | undefined): Hash | Hmac {
    return secret === undefined ? createHash("sha256") : createHmac("sha256", bytesOf(secret));
  }
  update(data: SourceData): void {
    this.#hash.update(bytesOf(data));
  }
  digest(): Promise<Uint8Array> {
    return Promise.resolve(new Uint8Array(this.#hash.digest()));
  }
  reset(): void {
    this.#hash = Sha256.#create(this.#secret);
  }
}

/** Signs with extra headers in SignedHeaders, as a client other than KMS might. */
const signWith = async (
  path: string,
  body: string,
  extra: Record<string, string>,
): Promise<Record<string, string>> => {
  const signer = new SignatureV4({
    service: "kms-xks-proxy",
    region,
    credentials: { accessKeyId: credential.accessKeyId, secretAccessKey: credential.secretAccessKey },
    sha256: Sha256,
    applyChecksum: false,
  });
  const signed = await signer.sign(
    new HttpRequest({
      method: "POST",
      protocol: "http:",
      hostname: "127.0.0.1",
      port: proxy.port,
      path,
      headers: { host: `127.0.0.1:${proxy.port}`, "content-type": "application/json", ...extra },
      body,
    }),
  );
  return signed.headers as Record<string, string>;
};

describe("API content type and operations", () => {
  it("GetHealthStatus: POST <uriPath>/health answers the response syntax", async () => {
    await start({ ekmHealth: ["ACTIVE", "DEGRADED"] });
    const body = okBody(await call("health"));
    expect(Number.isInteger(body.xksProxyFleetSize) && (body.xksProxyFleetSize as number) >= 1).toBe(true);
    for (const field of ["xksProxyVendor", "xksProxyModel", "ekmVendor"])
      expect(body[field]).toBeTypeOf("string");
    const fleet = body.ekmFleetDetails as Array<Record<string, unknown>>;
    expect(fleet.length).toBeGreaterThanOrEqual(1);
    expect(fleet.length).toBeLessThanOrEqual(10);
    expect(fleet.map((m) => m.healthStatus)).toEqual(["ACTIVE", "DEGRADED"]);
    for (const member of fleet) {
      expect(member.id).toBeTypeOf("string");
      expect(member.model).toBeTypeOf("string");
    }
  });

  it("GetKeyMetadata: keySpec AES_256, keyUsage with ENCRYPT and DECRYPT, keyStatus", async () => {
    await start();
    const body = okBody(await call("metadata"));
    expect(body).toEqual({ keySpec: "AES_256", keyUsage: ["ENCRYPT", "DECRYPT"], keyStatus: "ENABLED" });
    expect(okBody(await call("metadata", {}, { keyId: "disabled" })).keyStatus).toBe("DISABLED");
  });

  it("Encrypt: ciphertext as long as the plaintext, a 12- or 16-byte IV, a 16-byte tag", async () => {
    await start();
    const sealed = okBody(await encrypt("twelve bytes"));
    expect(Buffer.from(sealed.ciphertext as string, "base64")).toHaveLength(12);
    expect([12, 16]).toContain(Buffer.from(sealed.initializationVector as string, "base64").length);
    expect(Buffer.from(sealed.authenticationTag as string, "base64")).toHaveLength(16);
    expect(sealed).not.toHaveProperty("ciphertextDataIntegrityValue");
  });

  it("Decrypt: returns the plaintext of an Encrypt answer, AAD and ciphertext metadata included", async () => {
    await start({ ciphertextMetadata: Buffer.from("key_version=1") });
    const aad = b64("project=nile,department=marketing");
    const sealed = okBody(await encrypt("secret data", { additionalAuthenticatedData: aad }));
    expect(Buffer.from(sealed.ciphertextMetadata as string, "base64").length).toBeLessThanOrEqual(20);
    const opened = okBody(await call("decrypt", decryptFields(sealed, { additionalAuthenticatedData: aad })));
    expect(Buffer.from(opened.plaintext as string, "base64").toString()).toBe("secret data");
  });

  it("rejects GET on each of the four URIs with 405", async () => {
    await start();
    for (const suffix of ["/health", "/keys/key-1/metadata", "/keys/key-1/encrypt", "/keys/key-1/decrypt"]) {
      const answer = await raw(`/kms/xks/v1${suffix}`, "GET", "", {});
      expect([suffix, answer.status]).toEqual([suffix, 405]);
    }
  });

  it("answers InvalidUriPathException (404) for a path it does not serve, before authenticating", async () => {
    await start({ uriPath: "/tenant/kms/xks/v1" });
    for (const path of [
      "/kms/xks/v1/health",
      "/tenant/kms/xks/v2/health",
      "/tenant/kms/xks/v1/keys/key-1/sign",
    ]) {
      const answer = await raw(path, "POST", "{}", { "content-type": "application/json" });
      expect([path, answer.status, answer.json?.errorName]).toEqual([path, 404, "InvalidUriPathException"]);
    }
    expect(okBody(await call("health"))).toHaveProperty("xksProxyFleetSize");
  });

  it("requires Content-Type application/json", async () => {
    await start();
    const body = JSON.stringify({ requestMetadata: metadataFor("health") });
    const headers = await signedHeaders("/kms/xks/v1/health", body);
    const plain = await raw("/kms/xks/v1/health", "POST", body, { ...headers, "content-type": "text/plain" });
    expect([plain.status, plain.json?.errorName]).toEqual([400, "ValidationException"]);
    const json = await raw("/kms/xks/v1/health", "POST", body, {
      ...headers,
      "content-type": "application/json; charset=utf-8",
    });
    expect(json.status).toBe(200);
  });
});

describe("requestMetadata", () => {
  it("answers ValidationException (400) when it is missing or empty, on every operation", async () => {
    await start();
    for (const operation of ["health", "metadata", "encrypt", "decrypt"] as const) {
      for (const requestMetadata of [undefined, {}]) {
        const outcome = await call(
          operation,
          {},
          { body: requestMetadata === undefined ? {} : { requestMetadata } },
        );
        expectError(outcome, 400, "ValidationException");
      }
    }
  });

  it("accepts a kmsOperation the specification does not list", async () => {
    await start();
    const outcome = await call(
      "metadata",
      {},
      {
        body: { requestMetadata: { ...metadataFor("metadata"), kmsOperation: "BulkDecrypt" } },
      },
    );
    expect(outcome.ok).toBe(true);
  });

  it("does not validate its members by default, and checks every REQUIRED member in strict mode", async () => {
    await start();
    const sparse = { requestMetadata: { kmsRequestId: "r-1" } };
    expect((await call("metadata", {}, { body: sparse })).ok).toBe(true);
    await start({ strictRequestMetadata: true });
    expectError(await call("metadata", {}, { body: sparse }), 400, "ValidationException");
    const sealed = okBody(await encrypt("x"));
    for (const member of ["awsPrincipalArn", "kmsKeyArn", "kmsOperation", "kmsRequestId"]) {
      const { [member]: _, ...rest } = metadataFor("decrypt");
      const outcome = await call("decrypt", decryptFields(sealed), {
        body: { requestMetadata: rest, ...decryptFields(sealed) },
      });
      expectError(outcome, 400, "ValidationException");
      expect(outcome.ok ? "" : outcome.errorMessage).toContain(member);
    }
    expect((await call("decrypt", decryptFields(sealed))).ok).toBe(true);
  });
});

describe("Authentication (Appendix A: SigV4)", () => {
  it("accepts KMS's signature: service kms-xks-proxy, the Region, SignedHeaders=host;x-amz-date", async () => {
    await start();
    expect((await call("health")).ok).toBe(true);
  });

  it.each([
    ["no signature", "unsigned"],
    ["a wrong secret", "secret"],
    ["another service name in the scope", "service"],
    ["another Region in the scope", "region"],
    ["a request more than 5 minutes old", "skew"],
  ] as const)("answers AuthenticationFailedException (401) to %s", async (_, variant) => {
    await start();
    const body = JSON.stringify({ requestMetadata: metadataFor("health") });
    if (variant === "unsigned") {
      const answer = await raw("/kms/xks/v1/health", "POST", body, { "content-type": "application/json" });
      expect([answer.status, answer.json?.errorName]).toEqual([401, "AuthenticationFailedException"]);
      return;
    }
    const overrides: Partial<CallXksProxyOptions> =
      variant === "secret"
        ? { credential: { ...credential, secretAccessKey: "another-secret-another-secret-another-0000" } }
        : variant === "service"
          ? { signingService: "kms" }
          : variant === "region"
            ? { region: "us-east-1" }
            : { signingDate: new Date(Date.now() - 6 * 60 * 1000) };
    expectError(await call("health", {}, overrides), 401, "AuthenticationFailedException");
  });

  it("answers 401 to a body changed after signing", async () => {
    await start();
    const body = JSON.stringify({ requestMetadata: metadataFor("health") });
    const headers = await signedHeaders("/kms/xks/v1/health", body);
    expect((await raw("/kms/xks/v1/health", "POST", body, headers)).status).toBe(200);
    const tampered = await raw(
      "/kms/xks/v1/health",
      "POST",
      body.replace("req-health", "req-forged"),
      headers,
    );
    expect([tampered.status, tampered.json?.errorName]).toEqual([401, "AuthenticationFailedException"]);
  });

  it("hashes the body it received, whatever x-amz-content-sha256 declares (signed UNSIGNED-PAYLOAD)", async () => {
    await start();
    const path = "/kms/xks/v1/keys/key-1/encrypt";
    const signedBody = JSON.stringify({
      requestMetadata: metadataFor("encrypt"),
      plaintext: b64("what was signed"),
      encryptionAlgorithm: "AES_GCM",
    });
    const headers = await signWith(path, signedBody, { "x-amz-content-sha256": "UNSIGNED-PAYLOAD" });
    expect(headers.authorization).toContain("x-amz-content-sha256");
    const forged = signedBody.replace(b64("what was signed"), b64("something else"));
    const answer = await raw(path, "POST", forged, headers);
    expect([answer.status, answer.json?.errorName]).toEqual([401, "AuthenticationFailedException"]);
    expect(proxy.requests("encrypt").map((r) => r.status)).toEqual([401]);
  });

  it("accepts any SignedHeaders that include host and x-amz-date, a correct content hash among them", async () => {
    await start();
    const path = "/kms/xks/v1/health";
    const body = JSON.stringify({ requestMetadata: metadataFor("health") });
    const hash = createHash("sha256").update(body).digest("hex");
    const headers = await signWith(path, body, { "x-amz-content-sha256": hash });
    expect(headers.authorization).toMatch(/SignedHeaders=[^,]*content-type[^,]*x-amz-content-sha256/);
    expect((await raw(path, "POST", body, headers)).status).toBe(200);
  });

  it("accepts either of two credentials during a rotation", async () => {
    const next = {
      accessKeyId: "CONFORMANCENEXTKEY22",
      secretAccessKey: "next-secret-next-secret-next-secret-000000",
    };
    await start({ credential: [credential, next] });
    expect((await call("health")).ok).toBe(true);
    expect((await call("health", {}, { credential: next })).ok).toBe(true);
  });
});

describe("Error codes: every error name with the specification's status", () => {
  it("ValidationException (400): invalid input parameters", async () => {
    await start();
    const cases: Array<Record<string, unknown>> = [
      { encryptionAlgorithm: "AES_CBC" },
      { plaintext: "not Base64!" },
      { plaintext: undefined },
      { ciphertextDataIntegrityValueAlgorithm: "MD5" },
    ];
    for (const extra of cases) expectError(await encrypt("x", extra), 400, "ValidationException");
    const sealed = okBody(await encrypt("x"));
    expectError(
      await call("decrypt", decryptFields(sealed, { authenticationTag: undefined })),
      400,
      "ValidationException",
    );
  });

  it("InvalidStateException (400): the external key is disabled", async () => {
    await start();
    const sealed = okBody(await encrypt("x"));
    expectError(await encrypt("x", {}, "disabled"), 400, "InvalidStateException");
    expectError(
      await call("decrypt", decryptFields(sealed), { keyId: "disabled" }),
      400,
      "InvalidStateException",
    );
  });

  it("InvalidCiphertextException (400): ciphertext, IV, tag, AAD or metadata changed", async () => {
    await start({ ciphertextMetadata: Buffer.from("v=1") });
    const aad = b64("context");
    const sealed = okBody(await encrypt("hello world", { additionalAuthenticatedData: aad }));
    const flip = (value: unknown): string => {
      const bytes = Buffer.from(value as string, "base64");
      bytes[0] = (bytes[0] ?? 0) ^ 1;
      return bytes.toString("base64");
    };
    const variants = [
      { ciphertext: flip(sealed.ciphertext), additionalAuthenticatedData: aad },
      { initializationVector: flip(sealed.initializationVector), additionalAuthenticatedData: aad },
      { authenticationTag: flip(sealed.authenticationTag), additionalAuthenticatedData: aad },
      { additionalAuthenticatedData: b64("another context") },
      { additionalAuthenticatedData: aad, ciphertextMetadata: b64("v=2") },
    ];
    for (const variant of variants) {
      expectError(await call("decrypt", decryptFields(sealed, variant)), 400, "InvalidCiphertextException");
    }
  });

  it("InvalidKeyUsageException (400): the key lacks the operation's usage", async () => {
    await start();
    expectError(await encrypt("x", {}, "decrypt-only"), 400, "InvalidKeyUsageException");
    const sealed = okBody(await encrypt("x", {}, "encrypt-only"));
    expectError(
      await call("decrypt", decryptFields(sealed), { keyId: "encrypt-only" }),
      400,
      "InvalidKeyUsageException",
    );
  });

  it("KeyNotFoundException (404): on GetKeyMetadata, Encrypt and Decrypt", async () => {
    await start();
    const sealed = okBody(await encrypt("x"));
    expectError(await call("metadata", {}, { keyId: "missing" }), 404, "KeyNotFoundException");
    expectError(await encrypt("x", {}, "missing"), 404, "KeyNotFoundException");
    expectError(
      await call("decrypt", decryptFields(sealed), { keyId: "missing" }),
      404,
      "KeyNotFoundException",
    );
  });

  it("validates the body before it looks up the key", async () => {
    await start();
    expectError(await encrypt("x", { encryptionAlgorithm: "RSA" }, "missing"), 400, "ValidationException");
  });

  it("UnsupportedOperationException (501): data beyond the proxy's own limit, above the spec's minimum", async () => {
    await start();
    expectError(await encrypt(Buffer.alloc(8193)), 501, "UnsupportedOperationException");
  });

  it.each([
    ["AuthenticationFailedException", 401],
    ["AccessDeniedException", 403],
    ["ThrottlingException", 429],
    ["InternalException", 500],
    ["UnsupportedOperationException", 501],
    ["DependencyTimeoutException", 503],
    ["InvalidUriPathException", 404],
  ] as const)("a scripted %s answers HTTP %i", async (errorName, status) => {
    await start();
    proxy.setFault("health", { errorName });
    expectError(await call("health"), status, errorName);
  });

  it("the error table holds exactly the specification's twelve names and statuses", () => {
    expect(Object.fromEntries(Object.entries(XKS_ERRORS).map(([name, info]) => [name, info.status]))).toEqual(
      {
        ValidationException: 400,
        InvalidStateException: 400,
        InvalidCiphertextException: 400,
        InvalidKeyUsageException: 400,
        AuthenticationFailedException: 401,
        AccessDeniedException: 403,
        KeyNotFoundException: 404,
        InvalidUriPathException: 404,
        ThrottlingException: 429,
        InternalException: 500,
        UnsupportedOperationException: 501,
        DependencyTimeoutException: 503,
      },
    );
  });
});

describe("Size limits", () => {
  it("accepts 4,300 bytes of plaintext and 8,192 bytes of AAD, and round-trips them", async () => {
    await start();
    const plaintext = Buffer.alloc(4300, 7);
    const aad = b64(Buffer.alloc(8192, 9));
    const sealed = okBody(await encrypt(plaintext, { additionalAuthenticatedData: aad }));
    const opened = okBody(await call("decrypt", decryptFields(sealed, { additionalAuthenticatedData: aad })));
    expect(Buffer.from(opened.plaintext as string, "base64").equals(plaintext)).toBe(true);
  });

  it.each([
    ["an initialization vector of 17 bytes", { initializationVector: b64(Buffer.alloc(17)) }],
    ["an initialization vector of 13 bytes", { initializationVector: b64(Buffer.alloc(13)) }],
    ["an authentication tag of 17 bytes", { authenticationTag: b64(Buffer.alloc(17)) }],
    ["an authentication tag of 15 bytes", { authenticationTag: b64(Buffer.alloc(15)) }],
    ["ciphertext metadata of 21 bytes", { ciphertextMetadata: b64(Buffer.alloc(21)) }],
  ])("answers ValidationException (400), not 501, to %s", async (_, change) => {
    await start();
    const sealed = okBody(await encrypt("x"));
    expectError(await call("decrypt", decryptFields(sealed, change)), 400, "ValidationException");
  });

  it("refuses a body over 1 MiB as too large, not as a bad signature", async () => {
    await start();
    const body = JSON.stringify({ requestMetadata: metadataFor("health"), padding: "x".repeat(1024 * 1024) });
    const headers = await signedHeaders("/kms/xks/v1/health", body);
    const answer = await raw("/kms/xks/v1/health", "POST", body, headers);
    expect([answer.status, answer.json?.errorName]).toEqual([400, "ValidationException"]);
    expect(answer.json?.errorMessage).toMatch(/larger than/);
  });
});

describe("Appendix C: ciphertext data integrity value", () => {
  it("computes the specification's worked example", () => {
    const hex = (text: string) => Buffer.from(text.replace(/\s+/g, ""), "hex");
    const aad = hex("70726f6a6563743d6e696c652c6465706172746d656e743d6d61726b6574696e67");
    expect(aad.toString()).toBe("project=nile,department=marketing");
    const value = ciphertextDataIntegrityValue({
      aad,
      metadata: hex("6b65795f76657273696f6e3d31"),
      iv: hex("1ccae5470f39700254779031"),
      ciphertext: hex("821c642b5b71783367deaf18"),
      tag: hex("bc1c4dda7707d6812447c5955e99b261"),
    });
    expect(value).toBe("qHA/ImC9h5HsLRXqCyPmWgYx7tzyoTplzILbP0fPXsc=");
    expect(Buffer.from(value, "base64").toString("hex")).toBe(
      "a8703f2260bd8791ec2d15ea0b23e65a0631eedcf2a13a65cc82db3f47cf5ec7",
    );
  });

  it("returns the value exactly when the algorithm is requested, over AAD, metadata, IV, ciphertext and tag", async () => {
    await start({ ciphertextMetadata: Buffer.from("key_version=1") });
    const aad = b64("project=nile");
    const sealed = okBody(
      await encrypt("payload", {
        additionalAuthenticatedData: aad,
        ciphertextDataIntegrityValueAlgorithm: "SHA_256",
      }),
    );
    const expected = createHash("sha256")
      .update(Buffer.from(aad, "base64"))
      .update(Buffer.from(sealed.ciphertextMetadata as string, "base64"))
      .update(Buffer.from(sealed.initializationVector as string, "base64"))
      .update(Buffer.from(sealed.ciphertext as string, "base64"))
      .update(Buffer.from(sealed.authenticationTag as string, "base64"))
      .digest("base64");
    expect(sealed.ciphertextDataIntegrityValue).toBe(expected);
  });

  it("verifies by decrypting before it answers: a key that cannot decrypt gets InvalidKeyUsageException", async () => {
    await start();
    expect(okBody(await encrypt("x", {}, "encrypt-only"))).toHaveProperty("ciphertext");
    expectError(
      await encrypt("x", { ciphertextDataIntegrityValueAlgorithm: "SHA_256" }, "encrypt-only"),
      400,
      "InvalidKeyUsageException",
    );
  });
});

describe("Mutual TLS", () => {
  let ca: TestCertificate;
  let server: TestCertificate;
  let kmsCa: TestCertificate;
  let otherCa: TestCertificate;
  beforeAll(() => {
    ca = issueCertificate({ commonName: "Conformance server CA", ca: true });
    server = issueCertificate({ commonName: "localhost", dnsNames: ["localhost"], issuer: ca });
    kmsCa = issueCertificate({ commonName: "Conformance KMS client CA", ca: true });
    otherCa = issueCertificate({ commonName: "Conformance other CA", ca: true });
  });

  const startMtls = (clientSubject?: string) =>
    start({
      hostname: "localhost",
      tls: {
        key: server.key,
        cert: server.cert,
        clientCa: kmsCa.cert,
        ...(clientSubject === undefined ? {} : { clientSubject }),
      },
    });
  const withClient = (client: TestCertificate | undefined): Partial<CallXksProxyOptions> => ({
    tls: {
      ca: ca.cert,
      ...(client === undefined ? {} : { cert: client.cert, key: client.key }),
    },
  });

  it("accepts KMS's client certificate: CN cks.kms.<region>.amazonaws.com, chained to the configured CA", async () => {
    await startMtls();
    const kms = issueCertificate({ commonName: `cks.kms.${region}.amazonaws.com`, issuer: kmsCa });
    expect((await call("health", {}, withClient(kms))).ok).toBe(true);
  });

  it("accepts the subject the customer configured", async () => {
    await startMtls("xks-client.example.com");
    const client = issueCertificate({ commonName: "xks-client.example.com", issuer: kmsCa });
    expect((await call("health", {}, withClient(client))).ok).toBe(true);
  });

  it.each([
    ["no client certificate", () => undefined],
    [
      "a certificate chained to another CA",
      () => issueCertificate({ commonName: `cks.kms.${region}.amazonaws.com`, issuer: otherCa }),
    ],
    [
      "a certificate with another subject",
      () => issueCertificate({ commonName: "cks.kms.us-east-1.amazonaws.com", issuer: kmsCa }),
    ],
  ])("ends the TLS connection before any request for %s", async (_, client) => {
    await startMtls();
    const outcome = await call("health", {}, withClient(client()));
    expect(outcome.ok).toBe(false);
    expect(outcome.ok ? "" : outcome.reason).toMatch(/^(tls|connect)$/);
    expect(outcome).not.toHaveProperty("status");
    expect(proxy.requests()).toEqual([]);
  });
  it("lets the KMS emulator connect a store through it with KMS's client certificate, and only with it", async () => {
    await startMtls();
    const kmsCert = issueCertificate({ commonName: `cks.kms.${region}.amazonaws.com`, issuer: kmsCa });
    const emu = await startKmsEmulator({ region, connectDelayMs: 1 });
    const kms = new KMSClient({ ...emu.clientConfig, maxAttempts: 1 });
    try {
      const stateAfterConnect = async (endpoint: string, name: string): Promise<unknown> => {
        const id = (
          await kms.send(
            new CreateCustomKeyStoreCommand({
              CustomKeyStoreName: name,
              CustomKeyStoreType: "EXTERNAL_KEY_STORE",
              XksProxyConnectivity: "VPC_ENDPOINT_SERVICE",
              XksProxyUriEndpoint: endpoint,
              XksProxyUriPath: "/kms/xks/v1",
              XksProxyVpcEndpointServiceName: `com.amazonaws.vpce.${region}.vpce-svc-0${name.length}23456789abcdef`,
              XksProxyAuthenticationCredential: {
                AccessKeyId: credential.accessKeyId,
                RawSecretAccessKey: "conformanceSecretConformanceSecretConform00",
              },
            }),
          )
        ).CustomKeyStoreId;
        await kms.send(new ConnectCustomKeyStoreCommand({ CustomKeyStoreId: id }));
        for (;;) {
          const entry = (await kms.send(new DescribeCustomKeyStoresCommand({ CustomKeyStoreId: id })))
            .CustomKeyStores?.[0];
          if (entry?.ConnectionState !== "CONNECTING")
            return [entry?.ConnectionState, entry?.ConnectionErrorCode];
          await new Promise((resolve) => setTimeout(resolve, 5));
        }
      };
      proxy.setCredential({ ...credential, secretAccessKey: "conformanceSecretConformanceSecretConform00" });
      emu.routeXksProxy("https://with-cert.example.com", {
        url: proxy.url,
        tls: { ca: ca.cert, servername: "localhost", cert: kmsCert.cert, key: kmsCert.key },
      });
      emu.routeXksProxy("https://without-cert.example.com", {
        url: proxy.url,
        tls: { ca: ca.cert, servername: "localhost" },
      });
      expect(await stateAfterConnect("https://with-cert.example.com", "mtls-a")).toEqual([
        "CONNECTED",
        undefined,
      ]);
      expect(await stateAfterConnect("https://without-cert.example.com", "mtls-bb")).toEqual([
        "FAILED",
        "XKS_PROXY_INVALID_TLS_CONFIGURATION",
      ]);
    } finally {
      kms.destroy();
      await emu.close();
    }
  });
});

describe("requestMetadata in strict mode: the REQUIRED members of each operation", () => {
  it.each([
    ["health", ["kmsRequestId", "kmsOperation"]],
    ["metadata", ["awsPrincipalArn", "kmsOperation", "kmsRequestId"]],
  ] as const)(
    "%s: accepts KMS's metadata and refuses it without any one of %j",
    async (operation, members) => {
      await start({ strictRequestMetadata: true });
      expect((await call(operation)).ok).toBe(true);
      for (const member of members) {
        const { [member]: _, ...rest } = metadataFor(operation);
        const outcome = await call(operation, {}, { body: { requestMetadata: rest } });
        expectError(outcome, 400, "ValidationException");
        expect(outcome.ok ? "" : outcome.errorMessage).toContain(member);
      }
    },
  );
});
