/**
 * One errorName table (`src/xks/errors.ts`), three readers that must agree: the fake proxy answers
 * each name with the table's status, the probe reports the table's cause, and the KMS emulator
 * surfaces the table's outcome, for every name of the specification and for a name it does not
 * define. Everything over loopback.
 */
import { CreateCustomKeyStoreCommand, KMSClient } from "@aws-sdk/client-kms";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { probeXksProxy } from "../src/diagnostics/probe.js";
import { type KmsEmulator, startKmsEmulator } from "../src/testing/emulator.js";
import { outcomeConnectionCode, outcomeError } from "../src/testing/key-stores.js";
import { callXksProxy, startXksProxy, type XksProxy } from "../src/testing/xks-proxy/index.js";
import { XKS_ERRORS, xksErrorInfo } from "../src/xks/errors.js";
import { closeHostileServers, hostile } from "./support/hostile.js";

const credential = {
  accessKeyId: "ERRORTABLEACCESSKEY2",
  secretAccessKey: "errorTableSecretErrorTableSecretErrorTable0",
};
const region = "us-east-1";
const NAMES = [...Object.keys(XKS_ERRORS), "MadeUpException"];
/** The error names the specification lists for every operation except GetHealthStatus. */
const NOT_FOR_HEALTH: readonly string[] = [
  "ValidationException",
  "AccessDeniedException",
  "KeyNotFoundException",
];

let proxy: XksProxy;
let emu: KmsEmulator;
let kms: KMSClient;
beforeAll(async () => {
  proxy = await startXksProxy({ credential, region, keys: [{ id: "key-1" }] });
  emu = await startKmsEmulator({ region });
  emu.routeXksProxy("https://errors.example.com", proxy);
  kms = new KMSClient({ ...emu.clientConfig, maxAttempts: 1 });
});
afterAll(async () => {
  kms.destroy();
  await emu.close();
  await proxy.close();
});

describe("the errorName table", () => {
  it("treats a name the specification does not define as an answer KMS cannot interpret", () => {
    expect(xksErrorInfo("MadeUpException")).toMatchObject({
      status: 400,
      fault: "invalid-response",
      cause: "XKS_PROXY_INVALID_RESPONSE",
    });
    expect(xksErrorInfo(undefined)).toEqual(xksErrorInfo("MadeUpException"));
    expect(xksErrorInfo("toString")).toEqual(xksErrorInfo("MadeUpException"));
  });

  it.each(NAMES)(
    "%s: proxy status, probe cause and KMS outcome come from the same row",
    async (errorName) => {
      const row = xksErrorInfo(errorName);
      proxy.setFault("health", { errorName });

      // The fake proxy answers with the row's status.
      const answer = await callXksProxy({
        url: proxy.url,
        region,
        credential,
        operation: "health",
        body: { requestMetadata: { kmsRequestId: "r-1", kmsOperation: "KmsHealthCheck" } },
        timeoutMs: 2000,
      });
      expect(answer).toMatchObject({ ok: false, status: row.status, errorName });

      // The probe reports the row's cause on the first check that fails past TLS (the fake proxy
      // serves plain HTTP here, which the TLS check reports on its own). Names the specification
      // excludes from GetHealthStatus are answered to GetKeyMetadata instead.
      const onKeys = NOT_FOR_HEALTH.includes(errorName);
      if (onKeys) {
        proxy.setFault("health", undefined);
        proxy.setFault("metadata", { errorName });
      }
      const report = await probeXksProxy({
        uriEndpoint: proxy.endpoint,
        uriPath: proxy.uriPath,
        credential,
        region,
        keyIds: ["key-1"],
        samples: 1,
        timeoutMs: 2000,
      });
      const failed = report.checks.find((c) => c.status === "fail" && c.id !== "tls");
      expect([failed?.id, failed?.cause]).toEqual([onKeys ? "key:key-1" : failed?.id, row.cause]);
      proxy.setFault("metadata", undefined);
      proxy.setFault("health", { errorName });

      // The KMS emulator surfaces the row's outcome: CreateCustomKeyStore's exception and message.
      const expected = outcomeError(row.fault, "manage", {
        uri: "https://errors.example.com/kms/xks/v1",
      });
      const error = await kms
        .send(
          new CreateCustomKeyStoreCommand({
            CustomKeyStoreName: `errors-${errorName}`,
            CustomKeyStoreType: "EXTERNAL_KEY_STORE",
            XksProxyConnectivity: "PUBLIC_ENDPOINT",
            XksProxyUriEndpoint: "https://errors.example.com",
            XksProxyUriPath: "/kms/xks/v1",
            XksProxyAuthenticationCredential: {
              AccessKeyId: credential.accessKeyId,
              RawSecretAccessKey: credential.secretAccessKey,
            },
          }),
        )
        .then(
          () => undefined,
          (e: Error & { $metadata?: { httpStatusCode?: number } }) => e,
        );
      expect([error?.name, error?.message, error?.$metadata?.httpStatusCode]).toEqual([
        expected.exception,
        expected.message,
        400,
      ]);
      expect(outcomeConnectionCode(row.fault)).toMatch(/^(XKS_|INVALID_CREDENTIALS)/);
      proxy.setFault("health", undefined);
    },
  );
});

describe("callXksProxy: error answers without an errorName", () => {
  afterEach(closeHostileServers);

  it.each([
    ["an empty body", 503, "", { ok: false, reason: "http", status: 503 }],
    [
      "an HTML page",
      502,
      "<html><body>Bad Gateway</body></html>",
      { ok: false, reason: "malformed", status: 502 },
    ],
    [
      "JSON without errorName",
      500,
      '{"message":"internal"}',
      { ok: false, reason: "malformed", status: 500 },
    ],
    [
      "an errorName without errorMessage",
      429,
      '{"errorName":"ThrottlingException"}',
      { ok: false, reason: "http", status: 429, errorName: "ThrottlingException" },
    ],
  ])("reads %s", async (_name, status, body, expected) => {
    const server = await hostile((_req, res) => {
      res.writeHead(status, { "content-type": body.startsWith("<") ? "text/html" : "application/json" });
      res.end(body);
    });
    const answer = await callXksProxy({
      url: `${server.url}/kms/xks/v1`,
      region,
      credential,
      operation: "health",
      body: { requestMetadata: { kmsRequestId: "r-1", kmsOperation: "KmsHealthCheck" } },
      timeoutMs: 2000,
    });
    expect(answer).toStrictEqual({ ...expected, elapsedMs: expect.any(Number) });
  });
});
