import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { request } from "node:http";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  type CallXksProxyOptions,
  callXksProxy,
  startXksProxy,
  type XksCallOutcome,
  type XksProxy,
  type XksProxyOptions,
} from "../src/testing/xks-proxy/index.js";
import { ciphertextDataIntegrityValue } from "../src/xks/cdiv.js";
import { signXksRequest } from "../src/xks/sigv4.js";

// ---------------------------------------------------------------------------------------------------
// Helpers

const credential = {
  accessKeyId: "AKIAXKSPROXYTESTKEY2",
  secretAccessKey: "SECRET-MARKER-proxy-test-0123456789abcdefghijklmnopq",
};
const region = "eu-west-1";
const fixture = (name: string): string =>
  readFileSync(new URL(`./fixtures/xks-proxy/${name}`, import.meta.url), "utf8");

const healthBody = { requestMetadata: { kmsRequestId: "req-health-1", kmsOperation: "KmsHealthCheck" } };
const keyMetadata = (kmsOperation: string, kmsRequestId = `req-${kmsOperation}`) => ({
  awsPrincipalArn: "arn:aws:iam::111122223333:user/Alice",
  kmsKeyArn: "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab",
  kmsOperation,
  kmsRequestId,
});
const b64 = (text: string): string => Buffer.from(text, "utf8").toString("base64");

let proxy: XksProxy;

const start = async (options: Partial<XksProxyOptions> = {}): Promise<XksProxy> => {
  proxy = await startXksProxy({ credential, region, keys: [{ id: "key-1" }], ...options });
  return proxy;
};

const call = (
  overrides: Partial<CallXksProxyOptions> & Pick<CallXksProxyOptions, "operation">,
): Promise<XksCallOutcome> =>
  callXksProxy({
    url: proxy.url,
    region,
    credential,
    keyId: "key-1",
    body:
      overrides.operation === "health" ? healthBody : { requestMetadata: keyMetadata(overrides.operation) },
    timeoutMs: 2000,
    ...overrides,
  });

const encrypt = (plaintext: string, extra: Record<string, unknown> = {}, keyId = "key-1") =>
  call({
    operation: "encrypt",
    keyId,
    body: {
      requestMetadata: keyMetadata("Encrypt"),
      plaintext: b64(plaintext),
      encryptionAlgorithm: "AES_GCM",
      ...extra,
    },
  });

const decrypt = (fields: Record<string, unknown>, keyId = "key-1") =>
  call({
    operation: "decrypt",
    keyId,
    body: { requestMetadata: keyMetadata("Decrypt"), encryptionAlgorithm: "AES_GCM", ...fields },
  });

const okBody = (outcome: XksCallOutcome): Readonly<Record<string, unknown>> => {
  if (!outcome.ok) throw new Error(`expected ok, got ${JSON.stringify(outcome)}`);
  return outcome.body;
};

/** A raw HTTP request (no signature unless headers say so). */
const raw = (
  url: string,
  method: string,
  body = "",
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: Record<string, unknown>; text: string }> =>
  new Promise((resolve, reject) => {
    const req = request(
      url,
      { method, headers: { "content-type": "application/json", ...headers } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            text: Buffer.concat(chunks).toString("utf8"),
          }),
        );
      },
    );
    req.on("error", reject);
    req.end(body);
  });

afterEach(async () => {
  await proxy?.close();
});

// ---------------------------------------------------------------------------------------------------

describe("startXksProxy: routes", () => {
  beforeEach(async () => {
    await start();
  });

  it("answers GetHealthStatus with the spec's shape and records the request", async () => {
    const body = okBody(await call({ operation: "health" }));
    expect(body).toEqual({
      xksProxyFleetSize: 1,
      xksProxyVendor: expect.any(String),
      xksProxyModel: expect.any(String),
      ekmVendor: expect.any(String),
      ekmFleetDetails: [{ id: "ekm-1", model: expect.any(String), healthStatus: "ACTIVE" }],
    });
    expect(proxy.requests()).toEqual([
      expect.objectContaining({
        operation: "health",
        method: "POST",
        status: 200,
        dropped: false,
        kmsRequestId: "req-health-1",
        kmsOperation: "KmsHealthCheck",
      }),
    ]);
  });

  it("exposes url, endpoint and uriPath like KMS's XksProxyUriEndpoint and XksProxyUriPath", () => {
    expect(proxy.endpoint).toBe(`http://127.0.0.1:${proxy.port}`);
    expect(proxy.uriPath).toBe("/kms/xks/v1");
    expect(proxy.url).toBe(`${proxy.endpoint}/kms/xks/v1`);
  });

  it("reports the fleet's key manager states", async () => {
    proxy.setEkmHealth(["ACTIVE", "DEGRADED", "UNAVAILABLE"]);
    const body = okBody(await call({ operation: "health" }));
    expect((body.ekmFleetDetails as { healthStatus: string }[]).map((e) => e.healthStatus)).toEqual([
      "ACTIVE",
      "DEGRADED",
      "UNAVAILABLE",
    ]);
  });

  it("answers GetKeyMetadata with AES_256, ENCRYPT+DECRYPT, ENABLED by default", async () => {
    expect(okBody(await call({ operation: "metadata" }))).toEqual({
      keySpec: "AES_256",
      keyUsage: ["ENCRYPT", "DECRYPT"],
      keyStatus: "ENABLED",
    });
    expect(proxy.requests("metadata")[0]).toMatchObject({ keyId: "key-1", kmsOperation: "metadata" });
  });

  it("answers GET on an API URI with 405 and Allow: POST", async () => {
    for (const suffix of ["/health", "/keys/key-1/metadata", "/keys/key-1/encrypt", "/keys/key-1/decrypt"]) {
      const res = await raw(`${proxy.url}${suffix}`, "GET");
      expect(res.status).toBe(405);
      expect(res.headers.allow).toBe("POST");
    }
  });

  it("answers an unknown path or prefix with 404 InvalidUriPathException before checking the signature", async () => {
    for (const path of [
      "/kms/xks/v2/health",
      "/other/kms/xks/v1/health",
      "/kms/xks/v1/keys/key-1/sign",
      "/",
    ]) {
      const res = await raw(`${proxy.endpoint}${path}`, "POST", JSON.stringify(healthBody));
      expect(res.status).toBe(404);
      expect(JSON.parse(res.text)).toMatchObject({ errorName: "InvalidUriPathException" });
    }
    const signed = await callXksProxy({
      url: `${proxy.endpoint}/prefix/kms/xks/v1`,
      region,
      credential,
      operation: "health",
      body: healthBody,
      timeoutMs: 2000,
    });
    expect(signed).toMatchObject({
      ok: false,
      reason: "http",
      status: 404,
      errorName: "InvalidUriPathException",
    });
  });

  it("serves a URI path with a prefix", async () => {
    await proxy.close();
    await start({ uriPath: "/tenant-a/kms/xks/v1" });
    expect(proxy.url).toMatch(/\/tenant-a\/kms\/xks\/v1$/);
    expect((await call({ operation: "health" })).ok).toBe(true);
    const wrong = await callXksProxy({
      url: `${proxy.endpoint}/kms/xks/v1`,
      region,
      credential,
      operation: "health",
      body: healthBody,
      timeoutMs: 2000,
    });
    expect(wrong).toMatchObject({ status: 404, errorName: "InvalidUriPathException" });
  });

  it("answers a missing or empty requestMetadata with 400 ValidationException, health included", async () => {
    for (const body of [{}, { requestMetadata: {} }, { requestMetadata: "x" }]) {
      expect(await call({ operation: "health", body })).toMatchObject({
        ok: false,
        reason: "http",
        status: 400,
        errorName: "ValidationException",
      });
      expect(
        await call({
          operation: "encrypt",
          body: { ...body, plaintext: b64("x"), encryptionAlgorithm: "AES_GCM" },
        }),
      ).toMatchObject({ status: 400, errorName: "ValidationException" });
    }
  });

  it("answers a body that is not JSON with 400 ValidationException", async () => {
    expect(await call({ operation: "health", body: "{not json" })).toMatchObject({
      status: 400,
      errorName: "ValidationException",
    });
  });

  it("answers GET /ping for load balancer health checks", async () => {
    expect((await raw(`${proxy.endpoint}/ping`, "GET")).status).toBe(200);
  });
});

describe("startXksProxy: SigV4", () => {
  beforeEach(async () => {
    await start();
  });

  it("signs like KMS: SignedHeaders=host;x-amz-date, service kms-xks-proxy, no content hash header", async () => {
    const headers = await signXksRequest({
      protocol: "http:",
      hostname: "127.0.0.1",
      port: proxy.port,
      path: "/kms/xks/v1/health",
      body: "{}",
      region,
      credential,
    });
    expect(headers.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIAXKSPROXYTESTKEY2\/\d{8}\/eu-west-1\/kms-xks-proxy\/aws4_request, SignedHeaders=host;x-amz-date, Signature=[0-9a-f]{64}$/,
    );
    expect(headers).not.toHaveProperty("x-amz-content-sha256");
  });

  it("accepts the right credential", async () => {
    expect((await call({ operation: "health" })).ok).toBe(true);
  });

  it.each([
    [
      "a wrong secret",
      { credential: { ...credential, secretAccessKey: "wrong-secret-wrong-secret-wrong-secret-0000" } },
    ],
    ["an unknown access key id", { credential: { ...credential, accessKeyId: "AKIAUNKNOWNUNKNOWN22" } }],
    ["a wrong Region", { region: "us-east-1" }],
    ["the wrong service name", { signingService: "kms" }],
    ["a clock skewed by 10 minutes", { signingDate: new Date(Date.now() - 10 * 60 * 1000) }],
  ] as const)("rejects %s with 401 AuthenticationFailedException", async (_, overrides) => {
    const outcome = await call({ operation: "health", ...overrides });
    expect(outcome).toMatchObject({
      ok: false,
      reason: "http",
      status: 401,
      errorName: "AuthenticationFailedException",
    });
    expect(JSON.stringify(outcome)).not.toContain("SECRET-MARKER");
  });

  it("accepts a clock skew under 5 minutes", async () => {
    expect((await call({ operation: "health", signingDate: new Date(Date.now() - 4 * 60 * 1000) })).ok).toBe(
      true,
    );
  });

  it("rejects an unsigned request and a tampered body with 401", async () => {
    const unsigned = await raw(`${proxy.url}/health`, "POST", JSON.stringify(healthBody));
    expect(unsigned.status).toBe(401);
    expect(JSON.parse(unsigned.text)).toMatchObject({ errorName: "AuthenticationFailedException" });

    const body = JSON.stringify(healthBody);
    const headers = await signXksRequest({
      protocol: "http:",
      hostname: "127.0.0.1",
      port: proxy.port,
      path: "/kms/xks/v1/health",
      body,
      region,
      credential,
    });
    expect((await raw(`${proxy.url}/health`, "POST", body, headers)).status).toBe(200);
    expect(
      (await raw(`${proxy.url}/health`, "POST", body.replace("req-health-1", "req-health-2"), headers))
        .status,
    ).toBe(401);
  });

  it("accepts either of two credentials during a rotation", async () => {
    const next = {
      accessKeyId: "AKIAXKSPROXYNEXTKEY3",
      secretAccessKey: "next-secret-next-secret-next-secret-0000000",
    };
    expect((await call({ operation: "health", credential: next })).ok).toBe(false);
    proxy.setCredential([credential, next]);
    expect((await call({ operation: "health", credential: next })).ok).toBe(true);
    expect((await call({ operation: "health" })).ok).toBe(true);
    proxy.setCredential(next);
    expect(await call({ operation: "health" })).toMatchObject({ status: 401 });
  });
});

describe("startXksProxy: cryptography", () => {
  beforeEach(async () => {
    await start({ ciphertextMetadata: Buffer.from("key_version=1") });
  });

  it("round-trips Encrypt and Decrypt with AAD, a 12-byte IV and a 16-byte tag", async () => {
    const aad = b64("project=nile,department=marketing");
    const sealed = okBody(await encrypt("Hello World!", { additionalAuthenticatedData: aad }));
    expect(Buffer.from(sealed.initializationVector as string, "base64")).toHaveLength(12);
    expect(Buffer.from(sealed.authenticationTag as string, "base64")).toHaveLength(16);
    expect(Buffer.from(sealed.ciphertext as string, "base64")).toHaveLength("Hello World!".length);
    expect(sealed.ciphertextMetadata).toBe(b64("key_version=1"));
    expect(sealed).not.toHaveProperty("ciphertextDataIntegrityValue");
    const { ciphertext, initializationVector, authenticationTag, ciphertextMetadata } = sealed;
    const opened = okBody(
      await decrypt({
        ciphertext,
        initializationVector,
        authenticationTag,
        ciphertextMetadata,
        additionalAuthenticatedData: aad,
      }),
    );
    expect(Buffer.from(opened.plaintext as string, "base64").toString("utf8")).toBe("Hello World!");
  });

  it("binds the AAD and the ciphertext metadata: any change is 400 InvalidCiphertextException", async () => {
    const aad = b64("context=a");
    const sealed = okBody(await encrypt("payload", { additionalAuthenticatedData: aad }));
    const good = {
      ciphertext: sealed.ciphertext,
      initializationVector: sealed.initializationVector,
      authenticationTag: sealed.authenticationTag,
      ciphertextMetadata: sealed.ciphertextMetadata,
      additionalAuthenticatedData: aad,
    };
    const flip = (value: unknown): string => {
      const bytes = Buffer.from(value as string, "base64");
      bytes[0] = (bytes[0] ?? 0) ^ 1;
      return bytes.toString("base64");
    };
    const tampered = [
      { ...good, ciphertext: flip(good.ciphertext) },
      { ...good, authenticationTag: flip(good.authenticationTag) },
      { ...good, initializationVector: flip(good.initializationVector) },
      { ...good, additionalAuthenticatedData: b64("context=b") },
      { ...good, additionalAuthenticatedData: undefined },
      { ...good, ciphertextMetadata: b64("key_version=2") },
      // Moving the metadata into the AAD must not decrypt (the lengths are bound).
      { ...good, additionalAuthenticatedData: undefined, ciphertextMetadata: undefined },
    ];
    for (const fields of tampered) {
      const outcome = await decrypt(fields);
      expect(outcome).toMatchObject({
        ok: false,
        reason: "http",
        status: 400,
        errorName: "InvalidCiphertextException",
      });
      expect(JSON.stringify(outcome)).not.toContain(b64("payload"));
    }
    expect((await decrypt(good)).ok).toBe(true);
  });

  it("returns the ciphertext data integrity value iff the algorithm is requested", async () => {
    const aad = b64("aad");
    const sealed = okBody(
      await encrypt("data key", {
        additionalAuthenticatedData: aad,
        ciphertextDataIntegrityValueAlgorithm: "SHA_256",
      }),
    );
    const parts = [
      aad,
      sealed.ciphertextMetadata,
      sealed.initializationVector,
      sealed.ciphertext,
      sealed.authenticationTag,
    ];
    const expected = createHash("sha256")
      .update(Buffer.concat(parts.map((p) => Buffer.from(p as string, "base64"))))
      .digest("base64");
    expect(sealed.ciphertextDataIntegrityValue).toBe(expected);
    expect(await encrypt("x", { ciphertextDataIntegrityValueAlgorithm: "MD5" })).toMatchObject({
      status: 400,
      errorName: "ValidationException",
    });
  });

  it("computes the spec's Appendix C example value", () => {
    const b = (s: string) => Buffer.from(s, "base64");
    expect(
      ciphertextDataIntegrityValue({
        aad: b("cHJvamVjdD1uaWxlLGRlcGFydG1lbnQ9bWFya2V0aW5n"),
        metadata: b("a2V5X3ZlcnNpb249MQ=="),
        iv: b("HMrlRw85cAJUd5Ax"),
        ciphertext: b("ghxkK1txeDNn3q8Y"),
        tag: b("vBxN2ncH1oEkR8WVXpmyYQ=="),
      }),
    ).toBe("qHA/ImC9h5HsLRXqCyPmWgYx7tzyoTplzILbP0fPXsc=");
  });

  it("validates the request fields", async () => {
    expect(await encrypt("x", { encryptionAlgorithm: "AES_CBC" })).toMatchObject({
      errorName: "ValidationException",
    });
    expect(await encrypt("x", { plaintext: "not base64!" })).toMatchObject({
      errorName: "ValidationException",
    });
    expect(await encrypt("x", { plaintext: undefined })).toMatchObject({ errorName: "ValidationException" });
    expect(await encrypt("x", { plaintext: Buffer.alloc(9000).toString("base64") })).toMatchObject({
      status: 501,
      errorName: "UnsupportedOperationException",
    });
    expect(
      await decrypt({
        ciphertext: b64("x"),
        initializationVector: b64("short"),
        authenticationTag: b64("0123456789abcdef"),
      }),
    ).toMatchObject({ status: 400, errorName: "ValidationException" });
  });

  it("never echoes the plaintext in an error", async () => {
    const outcome = await encrypt("PLAINTEXT-MARKER", { encryptionAlgorithm: "nope" });
    expect(JSON.stringify(outcome)).not.toContain("PLAINTEXT-MARKER");
    expect(JSON.stringify(outcome)).not.toContain(b64("PLAINTEXT-MARKER"));
  });
});

describe("startXksProxy: keys", () => {
  beforeEach(async () => {
    await start({
      keys: [
        { id: "key-1" },
        { id: "disabled", status: "DISABLED" },
        { id: "encrypt-only", usage: ["ENCRYPT"] },
        { id: "decrypt-only", usage: ["DECRYPT"] },
        { id: "rsa", spec: "RSA_2048" },
      ],
    });
  });

  it("answers a missing key with 404 KeyNotFoundException on every key operation", async () => {
    const sealed = okBody(await encrypt("hello"));
    const outcomes = [
      await call({ operation: "metadata", keyId: "missing" }),
      await encrypt("hello", {}, "missing"),
      await decrypt(
        {
          ciphertext: sealed.ciphertext,
          initializationVector: sealed.initializationVector,
          authenticationTag: sealed.authenticationTag,
        },
        "missing",
      ),
    ];
    for (const outcome of outcomes) {
      expect(outcome).toMatchObject({ status: 404, errorName: "KeyNotFoundException" });
    }
  });

  it("reports a disabled key as DISABLED and refuses crypto with 400 InvalidStateException", async () => {
    expect(okBody(await call({ operation: "metadata", keyId: "disabled" }))).toMatchObject({
      keyStatus: "DISABLED",
    });
    expect(await encrypt("x", {}, "disabled")).toMatchObject({
      status: 400,
      errorName: "InvalidStateException",
    });
  });

  it("refuses an operation the key's usage lacks with 400 InvalidKeyUsageException", async () => {
    expect(okBody(await call({ operation: "metadata", keyId: "decrypt-only" }))).toMatchObject({
      keyUsage: ["DECRYPT"],
    });
    expect(await encrypt("x", {}, "decrypt-only")).toMatchObject({
      status: 400,
      errorName: "InvalidKeyUsageException",
    });
    const sealed = okBody(await encrypt("x", {}, "encrypt-only"));
    const { ciphertext, initializationVector, authenticationTag } = sealed;
    expect(
      await decrypt({ ciphertext, initializationVector, authenticationTag }, "encrypt-only"),
    ).toMatchObject({
      status: 400,
      errorName: "InvalidKeyUsageException",
    });
  });

  it("reports a key of another spec, which cannot encrypt", async () => {
    expect(okBody(await call({ operation: "metadata", keyId: "rsa" }))).toMatchObject({
      keySpec: "RSA_2048",
    });
    expect(await encrypt("x", {}, "rsa")).toMatchObject({
      status: 400,
      errorName: "InvalidKeyUsageException",
    });
  });

  it("keeps a key's material across setKey, and forgets the key on removeKey", async () => {
    const sealed = okBody(await encrypt("kept"));
    const fields = {
      ciphertext: sealed.ciphertext,
      initializationVector: sealed.initializationVector,
      authenticationTag: sealed.authenticationTag,
    };
    proxy.setKey({ id: "key-1", status: "DISABLED" });
    expect(await decrypt(fields)).toMatchObject({ errorName: "InvalidStateException" });
    proxy.setKey({ id: "key-1" });
    expect((await decrypt(fields)).ok).toBe(true);
    proxy.removeKey("key-1");
    expect(await decrypt(fields)).toMatchObject({ errorName: "KeyNotFoundException" });
  });
});

describe("startXksProxy: faults and latency", () => {
  beforeEach(async () => {
    await start();
  });

  it.each([
    ["ThrottlingException", 429],
    ["InternalException", 500],
    ["DependencyTimeoutException", 503],
    ["AccessDeniedException", 403],
    ["UnsupportedOperationException", 501],
    ["ValidationException", 400],
    ["InvalidStateException", 400],
  ] as const)("scripts %s with the spec's status %i", async (errorName, status) => {
    proxy.setFault("metadata", { errorName });
    expect(await call({ operation: "metadata" })).toMatchObject({
      ok: false,
      reason: "http",
      status,
      errorName,
    });
    expect(proxy.requests("metadata")[0]).toMatchObject({ status, errorName });
  });

  it("applies a fault `times` times, an operation's own fault before '*', and removes it on undefined", async () => {
    proxy.setFault("*", { errorName: "InternalException" });
    proxy.setFault("health", { errorName: "ThrottlingException", status: 503 }, { times: 1 });
    expect(await call({ operation: "health" })).toMatchObject({
      status: 503,
      errorName: "ThrottlingException",
    });
    expect(await call({ operation: "health" })).toMatchObject({
      status: 500,
      errorName: "InternalException",
    });
    expect(await call({ operation: "metadata" })).toMatchObject({ status: 500 });
    proxy.setFault("*", undefined);
    expect((await call({ operation: "health" })).ok).toBe(true);
  });

  it("answers a malformed (non-JSON) body", async () => {
    proxy.setFault("health", "malformed");
    expect(await call({ operation: "health" })).toMatchObject({
      ok: false,
      reason: "malformed",
      status: 200,
    });
  });

  it("drops the connection", async () => {
    proxy.setFault("encrypt", "drop", { times: 1 });
    expect(await encrypt("x")).toMatchObject({ ok: false, reason: "connect" });
    expect(proxy.requests("encrypt")[0]).toMatchObject({ dropped: true, status: 0 });
    expect((await encrypt("x")).ok).toBe(true);
  });

  it("delays one operation, and every request with latencyMs; the client times out", async () => {
    proxy.setFault("health", { delayMs: 80 }, { times: 1 });
    const slow = await call({ operation: "health" });
    expect(slow.ok).toBe(true);
    expect(slow.elapsedMs).toBeGreaterThanOrEqual(75);
    proxy.setLatency(120);
    expect(await call({ operation: "health", timeoutMs: 50 })).toMatchObject({
      ok: false,
      reason: "timeout",
    });
    proxy.setLatency(0);
    expect((await call({ operation: "health", timeoutMs: 250 })).ok).toBe(true);
  });

  it("takes faults and latency from the options", async () => {
    await proxy.close();
    await start({ faults: { decrypt: { errorName: "DependencyTimeoutException" } }, latencyMs: 20 });
    const outcome = await call({ operation: "decrypt" });
    expect(outcome).toMatchObject({ status: 503, errorName: "DependencyTimeoutException" });
    expect(outcome.elapsedMs).toBeGreaterThanOrEqual(18);
  });

  it("reports a refused connection as connect", async () => {
    const url = proxy.url;
    await proxy.close();
    expect(await call({ operation: "health", url })).toMatchObject({
      ok: false,
      reason: "connect",
      detail: "ECONNREFUSED",
    });
  });
});

describe("startXksProxy: HTTPS", () => {
  const tls = { key: fixture("localhost-key.pem"), cert: fixture("localhost.pem") };

  it("serves HTTPS with the given certificate", async () => {
    await start({ tls, hostname: "localhost" });
    expect(proxy.url).toBe(`https://localhost:${proxy.port}/kms/xks/v1`);
    expect((await call({ operation: "health", tls: { ca: fixture("ca.pem") } })).ok).toBe(true);
  });

  it("fails with reason tls when the certificate is not trusted or names another host", async () => {
    await start({ tls, hostname: "localhost" });
    expect(await call({ operation: "health" })).toMatchObject({ ok: false, reason: "tls" });
    await proxy.close();
    await start({
      tls: { key: fixture("wrong-name-key.pem"), cert: fixture("wrong-name.pem") },
      hostname: "localhost",
    });
    expect(await call({ operation: "health", tls: { ca: fixture("ca.pem") } })).toMatchObject({
      ok: false,
      reason: "tls",
      detail: "ERR_TLS_CERT_ALTNAME_INVALID",
    });
  });
});

describe("startXksProxy: options", () => {
  it.each([
    [{ uriPath: "/kms/xks/v2" }, /uriPath/],
    [{ uriPath: "kms/xks/v1" }, /uriPath/],
    [{ uriPath: `/${"a".repeat(120)}/kms/xks/v1` }, /uriPath/],
    [{ keys: [{ id: "bad id" }] }, /keys/],
    [{ ekmHealth: "BROKEN" as never }, /ekmHealth/],
    [{ latencyMs: -1 }, /latencyMs/],
    [{ credential: [] as never }, /credential/],
    [{ ciphertextMetadata: new Uint8Array(21) }, /ciphertextMetadata/],
  ])("rejects %j with a TypeError naming the option", async (options, message) => {
    await expect(startXksProxy({ credential, ...options } as XksProxyOptions)).rejects.toThrow(message);
  });
});
