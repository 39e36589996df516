import { describe, expect, it } from "vitest";
import { MAX_SKEW_MS, signXksRequest, type VerifyInput, verifyXksRequest } from "../src/xks/sigv4.js";

// SigV4 as an XKS proxy verifies it: each check names its own reason, and a request KMS would send
// passes. The fake proxy's wire tests (xks-proxy.test.ts) show the 401 answers these reasons lead to.
const credential = {
  accessKeyId: "AKIAXKSSIGV4TESTKEY2",
  secretAccessKey: "c2lndjQtdGVzdC1zZWNyZXQtYWNjZXNzLWtleS0wMDAw",
};
const region = "eu-west-1";
const signingDate = new Date(Date.UTC(2026, 11, 7, 12, 0, 0));
const path = "/kms/xks/v1/keys/key-1/encrypt";
const body = JSON.stringify({
  requestMetadata: { awsPrincipalArn: "arn:aws:iam::111122223333:root" },
  plaintext: "AA==",
});

/** What KMS signs: one encrypt request to the proxy. */
const KMS_SIGNS = {
  protocol: "https:",
  hostname: "xks.example.com",
  path,
  body,
  region,
  credential,
  signingDate,
};

/** A request as KMS signs it, as the proxy receives it, with `changes` applied. */
async function received(
  changes: {
    headers?: Record<string, string | string[] | undefined>;
    now?: number;
  } & Partial<VerifyInput> = {},
  sign: Partial<Parameters<typeof signXksRequest>[0]> = {},
): Promise<VerifyInput> {
  const headers = await signXksRequest({ ...KMS_SIGNS, ...sign });
  const { headers: headerChanges = {}, ...rest } = changes;
  return {
    method: "POST",
    path,
    query: {},
    headers: { ...headers, ...headerChanges },
    body,
    region,
    credentials: [credential],
    now: signingDate.getTime(),
    ...rest,
  };
}

const reason = async (input: VerifyInput) => {
  const result = await verifyXksRequest(input);
  return result.ok ? `ok ${result.accessKeyId}` : result.reason;
};

describe("verifyXksRequest", () => {
  it("accepts a request signed as KMS signs it, with a string or a byte body, on any port", async () => {
    expect(await reason(await received())).toBe(`ok ${credential.accessKeyId}`);
    expect(await reason(await received({ body: new TextEncoder().encode(body) }))).toBe(
      `ok ${credential.accessKeyId}`,
    );
    const onPort = await received({}, { port: 8443 });
    expect(onPort.headers.host).toBe("xks.example.com:8443");
    expect(await reason(onPort)).toBe(`ok ${credential.accessKeyId}`);
    const padded = await received();
    const authorization = padded.headers.authorization as string;
    expect(
      await reason({ ...padded, headers: { ...padded.headers, authorization: ` ${authorization} ` } }),
    ).toBe(`ok ${credential.accessKeyId}`);
  });

  it("hashes exactly the bytes of a body that is a view into a larger buffer", async () => {
    const bytes = new TextEncoder().encode(body);
    const larger = new Uint8Array(bytes.length + 16).fill(0x7b);
    larger.set(bytes, 8);
    const view = larger.subarray(8, 8 + bytes.length);
    expect(await reason(await received({ body: view }))).toBe(`ok ${credential.accessKeyId}`);
    const shifted = larger.subarray(7, 7 + bytes.length);
    expect(await reason(await received({ body: shifted }))).toContain("does not match");
  });

  it("refuses a request whose query was added after signing", async () => {
    expect(await reason(await received({ query: { "key-id": "key-2" } }))).toContain("does not match");
  });

  it("accepts a clock skew of exactly 5 minutes either way, and not a second more", async () => {
    for (const skew of [MAX_SKEW_MS, -MAX_SKEW_MS]) {
      expect(await reason(await received({ now: signingDate.getTime() + skew }))).toBe(
        `ok ${credential.accessKeyId}`,
      );
    }
    for (const skew of [MAX_SKEW_MS + 1000, -MAX_SKEW_MS - 1000]) {
      expect(await reason(await received({ now: signingDate.getTime() + skew }))).toContain("not current");
    }
  });

  it.each([
    [
      "no Authorization header",
      { headers: { authorization: undefined } },
      "The request is not signed (no Authorization header).",
    ],
    [
      "another scheme",
      { headers: { authorization: "Bearer abc" } },
      "The Authorization header is not a SigV4 (AWS4-HMAC-SHA256) header.",
    ],
    [
      "no X-Amz-Date",
      { headers: { "x-amz-date": undefined } },
      "The X-Amz-Date header is missing or malformed.",
    ],
    [
      "an X-Amz-Date in another format",
      { headers: { "x-amz-date": "2026-12-07T12:00:00Z" } },
      "The X-Amz-Date header is missing or malformed.",
    ],
    [
      "an X-Amz-Date with text around it",
      { headers: { "x-amz-date": "x20261207T120000Z" } },
      "The X-Amz-Date header is missing or malformed.",
    ],
    [
      "an X-Amz-Date of another day",
      { headers: { "x-amz-date": "20261208T120000Z" } },
      "The credential scope date does not match X-Amz-Date.",
    ],
    [
      "the proxy in another Region",
      { region: "us-east-1" },
      'The credential scope names Region "eu-west-1", not the proxy\'s Region.',
    ],
    [
      "an access key the proxy does not know",
      { credentials: [{ ...credential, accessKeyId: "AKIAOTHEROTHEROTHER2" }] },
      "The access key id is not known to the proxy.",
    ],
    [
      "a content hash that is not the body's",
      { headers: { "x-amz-content-sha256": "UNSIGNED-PAYLOAD" } },
      "The x-amz-content-sha256 header is not the SHA-256 of the request body.",
    ],
    [
      "another body",
      { body: `${body} ` },
      "The request signature does not match: check the secret access key and the signed content.",
    ],
    [
      "another secret",
      { credentials: [{ ...credential, secretAccessKey: `${credential.secretAccessKey.slice(0, -1)}1` }] },
      "The request signature does not match: check the secret access key and the signed content.",
    ],
  ] as const)("rejects %s, saying so", async (_, changes, expected) => {
    expect(await reason(await received(changes as Parameters<typeof received>[0]))).toBe(expected);
  });

  it("rejects a scope for another service, SignedHeaders without host or x-amz-date, and a signed header not sent", async () => {
    expect(await reason(await received({}, { service: "kms" }))).toBe(
      'The credential scope names service "kms", not "kms-xks-proxy".',
    );
    const signed = await received();
    const authorization = signed.headers.authorization as string;
    for (const list of ["x-amz-date", "host", "content-type;x-amz-date"]) {
      const changed = authorization.replace("SignedHeaders=host;x-amz-date", `SignedHeaders=${list}`);
      expect(await reason({ ...signed, headers: { ...signed.headers, authorization: changed } }), list).toBe(
        "SignedHeaders must include host and x-amz-date.",
      );
    }
    const extra = authorization.replace(
      "SignedHeaders=host;x-amz-date",
      "SignedHeaders=host;x-amz-date;x-extra",
    );
    expect(await reason({ ...signed, headers: { ...signed.headers, authorization: extra } })).toBe(
      "The signed header x-extra is missing.",
    );
    // A header sent twice reaches the proxy as a list, and is signed as its values joined by commas.
    expect(
      await reason({
        ...signed,
        headers: { ...signed.headers, authorization: extra, "x-extra": ["a", "b"] },
      }),
    ).toBe("The request signature does not match: check the secret access key and the signed content.");
  });

  it("signs the host without a port unless one is given, at the date given", async () => {
    const headers = await signXksRequest(KMS_SIGNS);
    expect(headers.host).toBe("xks.example.com");
    expect(headers["x-amz-date"]).toBe("20261207T120000Z");
    expect(headers.authorization).toContain("/20261207/eu-west-1/kms-xks-proxy/aws4_request");
  });

  it("reads the Authorization and X-Amz-Date headers whole, not a match inside them", async () => {
    const signed = await received();
    const authorization = signed.headers.authorization as string;
    expect(
      await reason({ ...signed, headers: { ...signed.headers, authorization: `x${authorization}` } }),
    ).toBe("The Authorization header is not a SigV4 (AWS4-HMAC-SHA256) header.");
    expect(
      await reason({ ...signed, headers: { ...signed.headers, authorization: `${authorization}0` } }),
    ).toBe("The Authorization header is not a SigV4 (AWS4-HMAC-SHA256) header.");
    expect(
      await reason({ ...signed, headers: { ...signed.headers, "x-amz-date": "20261207T120000Zjunk" } }),
    ).toBe("The X-Amz-Date header is missing or malformed.");
  });

  it("never puts the signature or the secret in a reason", async () => {
    const signed = await received({ credentials: [{ ...credential, secretAccessKey: "x".repeat(43) }] });
    const text = await reason(signed);
    const signature = /Signature=([0-9a-f]{64})/.exec(signed.headers.authorization as string)?.[1] ?? "";
    expect(signature).toHaveLength(64);
    expect(text).not.toContain(signature);
    expect(text).not.toContain(credential.secretAccessKey);
  });
});
