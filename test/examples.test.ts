import { readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import {
  ConnectCustomKeyStoreCommand,
  CreateCustomKeyStoreCommand,
  CreateKeyCommand,
  type KMSClient,
  type KMSClientConfig,
} from "@aws-sdk/client-kms";
import { type KmsEmulator, startAwsEmulator, startKmsEmulator } from "kms-keystore-errors/testing";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import * as connectAndWait from "../examples/connect-and-wait.js";
import * as createXksKeyStore from "../examples/create-xks-key-store.js";
import { EXAMPLES, GuidanceOnce, INTRODUCTION, runDemo } from "../examples/demo.js";
import * as doctor from "../examples/doctor.js";
import * as doctorDeep from "../examples/doctor-deep.js";
import * as opentelemetry from "../examples/opentelemetry.js";
import * as retryKms from "../examples/retry-kms.js";
import * as sendResult from "../examples/send-result.js";
import * as switchOnFailure from "../examples/switch-on-failure.js";
import * as wrapClient from "../examples/wrap-client.js";
import { clientFor } from "./support/kms.js";

const SECRET_KEY = "SECRETMARKERsecretmarkerSECRETMARKER0123456";
const SECRET_ID = "AKIAMARKERMARKERMARKQ";

let emulator: KmsEmulator;
let config: KMSClientConfig;
let kms: KMSClient;
let printed: () => string;

beforeEach(async () => {
  emulator = await startKmsEmulator({ connectDelayMs: 5 });
  config = { ...emulator.clientConfig };
  kms = clientFor(emulator);
  const lines: string[] = [];
  const capture = (...args: unknown[]) => {
    lines.push(args.map((a) => (typeof a === "string" ? a : JSON.stringify(a))).join(" "));
  };
  for (const method of ["log", "error", "warn", "info"] as const)
    vi.spyOn(console, method).mockImplementation(capture);
  printed = () => lines.join("\n");
});
afterEach(async () => {
  kms.destroy();
  await emulator.close();
});

const settings = (n: number, secret = false): createXksKeyStore.XksSettings => ({
  name: `xks-${n}`,
  uriEndpoint: `https://xks-${n}.example.com`,
  uriPath: "/kms/xks/v1",
  vpcEndpointServiceName: `com.amazonaws.vpce.${emulator.region}.vpce-svc-0${n}23456789abcdef`,
  credential: {
    accessKeyId: secret ? SECRET_ID : "ABCDEFGHIJKLMNOPQRST",
    rawSecretAccessKey: secret ? SECRET_KEY : "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQ",
  },
});

async function createStore(n: number): Promise<string> {
  const s = settings(n);
  const out = await kms.send(
    new CreateCustomKeyStoreCommand({
      CustomKeyStoreName: s.name,
      CustomKeyStoreType: "EXTERNAL_KEY_STORE",
      XksProxyConnectivity: "VPC_ENDPOINT_SERVICE",
      XksProxyUriEndpoint: s.uriEndpoint,
      XksProxyUriPath: s.uriPath,
      XksProxyVpcEndpointServiceName: s.vpcEndpointServiceName,
      XksProxyAuthenticationCredential: {
        AccessKeyId: s.credential.accessKeyId,
        RawSecretAccessKey: s.credential.rawSecretAccessKey,
      },
    }),
  );
  return out.CustomKeyStoreId as string;
}

/** A connected external key store with one key, whose proxy then times out. */
async function timingOutKey(times = Number.POSITIVE_INFINITY): Promise<string> {
  const id = await createStore(1);
  await kms.send(new ConnectCustomKeyStoreCommand({ CustomKeyStoreId: id }));
  await vi.waitFor(() => expect(emulator.keyStore(id).state()).toBe("CONNECTED"));
  const key = await kms.send(
    new CreateKeyCommand({ CustomKeyStoreId: id, Origin: "EXTERNAL_KEY_STORE", XksKeyId: "k1" }),
  );
  emulator.reset(); // a clean request log: the test counts Encrypt requests
  emulator.keyStore(id).proxyFault("timeout", { times });
  return key.KeyMetadata?.KeyId as string;
}

describe("examples", () => {
  it("demo.ts runs every example file", () => {
    const dir = fileURLToPath(new URL("../examples/", import.meta.url));
    const files = readdirSync(dir).filter((f) => f.endsWith(".ts") && f !== "demo.ts");
    expect(Object.keys(EXAMPLES).sort()).toEqual(files.sort());
    for (const module of Object.values(EXAMPLES)) expect(typeof module.main).toBe("function");
  });

  it("wrap-client: retries a proxy timeout, then succeeds (console)", async () => {
    const keyId = await timingOutKey(1);
    const outcome = await wrapClient.main(config, { keyId });
    expect(outcome).toEqual({ encrypted: true });
    expect(emulator.requests("Encrypt")).toHaveLength(2);
  });

  it("wrap-client: logs one record after all attempts (console and pino)", async () => {
    const keyId = await timingOutKey();
    const consoleOutcome = await wrapClient.main(config, { keyId });
    expect(consoleOutcome.encrypted).toBe(false);
    const record = JSON.parse(printed().split("\n")[0] as string);
    expect(record).toMatchObject({ "kms.failure.cause": "XKS_PROXY_TIMED_OUT", "kms.failure.attempts": 3 });
    expect(printed()).toContain("Retry: yes");

    const lines: string[] = [];
    const outcome = await wrapClient.main(config, {
      keyId,
      logger: "pino",
      pinoDestination: { write: (line: string) => lines.push(line) },
    });
    expect(outcome.encrypted === false && outcome.failure.cause).toBe("XKS_PROXY_TIMED_OUT");
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0] as string)).toMatchObject({
      level: 50,
      msg: "KMS request failed",
      "error.type": "KMSInvalidStateException",
      "kms.failure.cause": "XKS_PROXY_TIMED_OUT",
      "rpc.method": "Encrypt",
    });
    expect(emulator.requests("Encrypt")).toHaveLength(6);
  });

  it("switch-on-failure: decide() covers kinds, causes and the default branch", async () => {
    const keyId = await timingOutKey();
    expect(await switchOnFailure.main({ ...config, maxAttempts: 1 }, { keyId })).toBe("retry-later");
    expect(printed()).toContain("XKS_PROXY_TIMED_OUT");
    emulator.failNext("Encrypt", { exception: "AccessDeniedException" });
    expect(await switchOnFailure.main({ ...config, maxAttempts: 1 }, { keyId })).toBe("page-security");
    emulator.failNext("Encrypt", { exception: "LimitExceededException" });
    expect(await switchOnFailure.main({ ...config, maxAttempts: 1 }, { keyId })).toBe("fail");
  });

  it("send-result: Ok on success, Err with the failure otherwise", async () => {
    const plain = (await kms.send(new CreateKeyCommand({}))).KeyMetadata?.KeyId as string;
    const ok = await sendResult.main(config, { keyId: plain });
    expect(ok.isOk() && ok.value.keyId).toContain(plain);
    const keyId = await timingOutKey();
    const result = await sendResult.main({ ...config, maxAttempts: 1 }, { keyId });
    expect(result.isErr() && result.error.cause).toBe("XKS_PROXY_TIMED_OUT");
    expect(printed()).toContain("Could not generate a data key: XKS_PROXY_TIMED_OUT");
  });

  it("retry-kms: retries retryable failures, stops at the others", async () => {
    const keyId = await timingOutKey(2);
    const outcome = await retryKms.main(config, { keyId, minTimeout: 1 });
    expect(outcome).toEqual({ encrypted: 3, retried: 2 });
    expect(emulator.requests("Encrypt")).toHaveLength(5);
    emulator.failNext("Encrypt", { exception: "DisabledException" });
    const stopped = await retryKms.main(config, { keyId, minTimeout: 1 });
    expect(stopped).toMatchObject({ encrypted: 0, retried: 0, stoppedBy: "KEY_DISABLED" });
  });

  it("create-xks-key-store: guidance for a misconfigured VPC endpoint service, no secrets", async () => {
    emulator.failNext("CreateCustomKeyStore", {
      exception: "XksProxyVpcEndpointServiceInvalidConfigurationException",
      message: `The VPC endpoint service is invalid (credential ${SECRET_ID}:${SECRET_KEY}).`,
    });
    const refused = await createXksKeyStore.main(config, settings(2, true));
    expect(refused.isErr() && refused.error.cause).toBe("XKS_VPC_ENDPOINT_SERVICE_INVALID_CONFIGURATION");
    const created = await createXksKeyStore.main(config, settings(2, true));
    expect(created.isOk()).toBe(true);
    const id = created.isOk() ? created.value : "";
    emulator.failNext("UpdateCustomKeyStore", {
      exception: "XksProxyVpcEndpointServiceInvalidConfigurationException",
    });
    const update = await createXksKeyStore.updateVpcEndpointService(
      kms,
      id,
      settings(3).vpcEndpointServiceName,
    );
    expect(update.isErr() && update.error.operation).toBe("UpdateCustomKeyStore");
    expect(printed()).toContain("XKS_VPC_ENDPOINT_SERVICE_INVALID_CONFIGURATION");
    expect(printed()).toContain("https://docs.aws.amazon.com/kms/");
    expect(printed()).not.toContain(SECRET_KEY);
    expect(printed()).not.toContain(SECRET_ID);
  });

  it("connect-and-wait: FAILED is disconnected; a retryable failure reconnects; success is Ok", async () => {
    const id = await createStore(4);
    const fast = { customKeyStoreId: id, intervalMs: 5, timeoutMs: 2_000 };
    emulator.keyStore(id).failConnect("XKS_VPC_ENDPOINT_SERVICE_INVALID_CONFIGURATION");
    const failed = await connectAndWait.main(config, fast);
    expect(failed.isErr() && failed.error.cause).toBe("XKS_VPC_ENDPOINT_SERVICE_INVALID_CONFIGURATION");
    expect(emulator.keyStore(id).state()).toBe("DISCONNECTED");
    expect(emulator.requests("ConnectCustomKeyStore")).toHaveLength(1);

    emulator.keyStore(id).failConnect("XKS_PROXY_TIMED_OUT");
    const recovered = await connectAndWait.main(config, fast);
    expect(recovered.isOk() && recovered.value.ConnectionState).toBe("CONNECTED");
    expect(emulator.requests("ConnectCustomKeyStore")).toHaveLength(3);
    expect(printed()).toContain("connecting again");
  });

  it("doctor: lists every store and prints guidance for unhealthy ones", async () => {
    const failed = await createStore(5);
    await createStore(6);
    emulator.keyStore(failed).setState("FAILED", "XKS_PROXY_NOT_REACHABLE");
    const reports = await doctor.main(config);
    expect(reports.map((r) => r.connectionState).sort()).toEqual(["DISCONNECTED", "FAILED"]);
    expect(printed()).toContain("ConnectionFailed: XKS_PROXY_NOT_REACHABLE");
    expect(printed()).toContain("KEY_STORE_NOT_CONNECTED");
    emulator.failNext("DescribeCustomKeyStores", { exception: "AccessDeniedException" });
    expect(await doctor.main(config)).toEqual([]);
    expect(printed()).toContain("Could not describe the custom key stores");
  });

  it("doctor-deep: names the failing requirements of the VPC endpoint service, with the fix", async () => {
    const aws = await startAwsEmulator({ region: emulator.region });
    try {
      const setup = aws.model.addXksVpcEndpointService();
      const s = settings(7, true);
      const out = await kms.send(
        new CreateCustomKeyStoreCommand({
          CustomKeyStoreName: s.name,
          CustomKeyStoreType: "EXTERNAL_KEY_STORE",
          XksProxyConnectivity: "VPC_ENDPOINT_SERVICE",
          XksProxyUriEndpoint: setup.uriEndpoint,
          XksProxyUriPath: s.uriPath,
          XksProxyVpcEndpointServiceName: setup.service.serviceName,
          XksProxyAuthenticationCredential: {
            AccessKeyId: s.credential.accessKeyId,
            RawSecretAccessKey: s.credential.rawSecretAccessKey,
          },
        }),
      );
      const customKeyStoreId = out.CustomKeyStoreId as string;
      const healthy = await doctorDeep.main(config, { customKeyStoreId, aws: aws.clientConfig });
      expect(healthy?.failing).toEqual([]);
      expect(healthy?.checks.every((c) => c.status === "pass")).toBe(true);

      setup.service.acceptanceRequired = true;
      setup.service.allowedPrincipals = [];
      aws.model.deny("elasticloadbalancing:DescribeLoadBalancers");
      const d = await doctorDeep.main(config, { customKeyStoreId, aws: aws.clientConfig });
      expect(d?.failing.map((c) => c.id).sort()).toEqual([
        "xks-vpc-acceptance-not-required",
        "xks-vpc-kms-principal-allowed",
      ]);
      const text = printed();
      expect(text).toContain("FAIL xks-vpc-acceptance-not-required");
      expect(text).toContain(`--service-id ${setup.service.serviceId} --no-acceptance-required`);
      expect(text).toContain("--add-allowed-principals cks.kms.us-east-1.amazonaws.com");
      expect(text).toContain("UNKNOWN xks-nlb-internal");
      expect(text).toContain("elasticloadbalancing:DescribeLoadBalancers");
      expect(text).not.toContain(SECRET_KEY);
      expect(text).not.toContain(SECRET_ID);

      expect(await doctorDeep.main(config, { customKeyStoreId: "cks-00000000000000000" })).toBeUndefined();
      expect(printed()).toContain("Could not diagnose cks-00000000000000000");
    } finally {
      await aws.close();
    }
  });

  it("demo: GuidanceOnce keeps the first guidance block per cause, at any indentation, and cuts repeats to one line", () => {
    const block = (indent: string, kind: string, cause: string, retry: "yes" | "no") =>
      [
        `${indent}${kind}: ${cause} during Encrypt`,
        `${indent}  Why: something`,
        `${indent}  Retry: ${retry}, more words.`,
        `${indent}  What to do:`,
        `${indent}    1. A step.`,
      ].join("\n");
    const guidance = new GuidanceOnce();
    const first = block("", "KMSInvalidStateException", "XKS_PROXY_TIMED_OUT", "yes");
    expect(guidance.filter(first)).toBe(first);
    // The same cause under another kind and indented inside other text (as the CLI's doctor prints it).
    const again = `Table\n\n${block("  ", "ConnectionFailed", "XKS_PROXY_TIMED_OUT", "yes")}\nafter`;
    expect(guidance.filter(again)).toBe(
      "Table\n\n  ConnectionFailed: XKS_PROXY_TIMED_OUT during Encrypt [retryable; guidance above]\nafter",
    );
    const other = block("", "DisabledException", "KEY_DISABLED", "no");
    expect(guidance.filter(other)).toBe(other);
    expect(guidance.filter(other)).toBe(
      "DisabledException: KEY_DISABLED during Encrypt [not retryable; guidance above]",
    );
    // A line that only looks like a head is left alone.
    expect(guidance.filter("KMSInvalidStateException: The proxy did not respond.\nEncrypt requests: 1")).toBe(
      "KMSInvalidStateException: The proxy did not respond.\nEncrypt requests: 1",
    );
  });

  it("opentelemetry: sets the log entry as span attributes", async () => {
    const keyId = await timingOutKey();
    const attributes = await opentelemetry.main({ ...config, maxAttempts: 1 }, { keyId });
    expect(attributes).toMatchObject({
      "error.type": "KMSInvalidStateException",
      "rpc.system": "aws-api",
      "kms.failure.cause": "XKS_PROXY_TIMED_OUT",
      "kms.failure.retryable": true,
    });
    expect(Array.isArray(attributes?.["kms.remediation.docs"])).toBe(true);
  });

  it("demo: every section behaves as expected", async () => {
    const pinoLines: string[] = [];
    const problems = await runDemo({
      cli: false,
      pinoDestination: { write: (line: string) => pinoLines.push(line) },
    });
    expect(problems).toEqual([]);
    const out = printed();
    // It starts by saying what it shows.
    expect(out.startsWith(INTRODUCTION)).toBe(true);
    // The full guidance once per cause; every repeat is one line.
    const full = [...out.matchAll(/^\S+: ([A-Z][A-Z0-9_]+)\b.*\n {2}(?:Message|Why): /gm)].map((m) => m[1]);
    expect(full).toEqual([
      "XKS_VPC_ENDPOINT_SERVICE_INVALID_CONFIGURATION",
      "XKS_PROXY_TIMED_OUT",
      "XKS_PROXY_INVALID_TLS_CONFIGURATION",
      "KEY_STORE_NOT_CONNECTED",
    ]);
    expect(out.match(/^ {2}Why: /gm)).toHaveLength(full.length);
    const repeats = [
      ...out.matchAll(/^\S+: ([A-Z][A-Z0-9_]+)\b.* \[(not retryable|retryable); guidance above\]$/gm),
    ];
    expect(repeats.map((m) => `${m[1]} ${m[2]}`)).toEqual([
      "XKS_VPC_ENDPOINT_SERVICE_INVALID_CONFIGURATION not retryable",
      "XKS_VPC_ENDPOINT_SERVICE_INVALID_CONFIGURATION not retryable",
      "XKS_PROXY_TIMED_OUT retryable",
      "XKS_VPC_ENDPOINT_SERVICE_INVALID_CONFIGURATION not retryable",
      // (e) the same proxy timeout, through S3 and through the AWS Encryption SDK.
      "XKS_PROXY_TIMED_OUT retryable",
      "XKS_PROXY_TIMED_OUT retryable",
    ]);
    for (const [line] of repeats) expect(out).not.toContain(`${line}\n  `);
    expect(out).toContain(
      "XksProxyVpcEndpointServiceInvalidConfigurationException: XKS_VPC_ENDPOINT_SERVICE_INVALID_CONFIGURATION",
    );
    expect(out).toContain("ConnectionFailed: XKS_VPC_ENDPOINT_SERVICE_INVALID_CONFIGURATION");
    expect(out).toContain("Encrypt requests: 2 (timed out, retried, succeeded)");
    // (c) the seed scenario: exactly the two failing requirements, then the store connects.
    expect(out).toContain("FAIL xks-vpc-acceptance-not-required");
    expect(out).toContain("FAIL xks-vpc-kms-principal-allowed");
    expect(out.match(/^FAIL /gm)).toHaveLength(2);
    expect(out).toMatch(/CONNECTED; 18 checks: 0 failing, 0 unknown, 18 passing/);
    expect(out).not.toContain("demoRawSecretAccessKeyDoNotLogMe");
    // (e) S3 retried by the plugin, then the failure S3 reported, classified with via.
    expect(out).toContain("GetObject requests: 3 (timed out twice, retried by the plugin, succeeded)");
    expect(out).toContain(
      'via: {"service":"S3","code":"KMS.KMSInvalidStateException","operation":"GetObject"}',
    );
    expect(out).not.toContain("demoProxySecretDoNotLogMe");
    expect(out).not.toContain("order 1234");
    expect(pinoLines.join("")).toContain('"kms.failure.cause":"XKS_PROXY_TIMED_OUT"');
    // KMS sends HTTP 400 for KMSInvalidStateException (the model's 409 never reaches the wire).
    expect(pinoLines.join("")).toContain('"http.response.status_code":400');
    expect(out).toMatch(/^ {2}Request: request id [0-9a-f-]{36}, HTTP 400, 3 attempts$/m);
    expect(out).not.toMatch(/HTTP (?:404|409|412)\b/);
  });
});
