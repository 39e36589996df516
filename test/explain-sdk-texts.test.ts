import { ConnectCustomKeyStoreCommand } from "@aws-sdk/client-kms";
import { catalog, classify, explain, lookup, waitForConnection } from "kms-keystore-errors";
import { type KmsEmulator, startKmsEmulator } from "kms-keystore-errors/testing";
import { describe, expect, it } from "vitest";
import { KINDS } from "../src/catalog/kinds.js";
import { MESSAGE_RULES } from "../src/catalog/messages.js";
import { serviceError } from "./support/errors.js";
import { clientFor, createXksStore, rejectionOf } from "./support/kms.js";

const URL = '"https://kms.eu-west-1.amazonaws.com/"';
const GO =
  "operation error KMS: Encrypt, https response error StatusCode: 0, RequestID: , request send failed, Post";

/** Transport failures as the AWS CLI (botocore), the Go SDK v2 and the Java SDK v1 print them. */
const TRANSPORT_TEXTS: readonly (readonly [sdk: string, what: string, text: string, cause: string])[] = [
  // AWS CLI and boto3 (botocore)
  ["botocore", "connection refused", `Could not connect to the endpoint URL: ${URL}`, "NETWORK_ERROR"],
  [
    "botocore",
    "DNS failure",
    'botocore.exceptions.EndpointConnectionError: Could not connect to the endpoint URL: "https://kms.eu-west-9.amazonaws.com/"',
    "NETWORK_ERROR",
  ],
  ["botocore", "read timeout", `Read timeout on endpoint URL: ${URL}`, "REQUEST_TIMEOUT"],
  [
    "botocore",
    "connect timeout",
    `botocore.exceptions.ConnectTimeoutError: Connect timeout on endpoint URL: ${URL}`,
    "REQUEST_TIMEOUT",
  ],
  [
    "botocore",
    "connection closed",
    `Connection was closed before we received a valid response from endpoint URL: ${URL}.`,
    "NETWORK_ERROR",
  ],
  [
    "botocore",
    "connection reset",
    "urllib3.exceptions.ProtocolError: ('Connection aborted.', ConnectionResetError(104, 'Connection reset by peer'))",
    "NETWORK_ERROR",
  ],
  [
    "botocore",
    "502",
    "An error occurred (502) when calling the Encrypt operation: Bad Gateway",
    "NON_KMS_RESPONSE",
  ],
  [
    "botocore",
    "504",
    "An error occurred (504) when calling the Decrypt operation (reached max retries: 2): Gateway Timeout",
    "NON_KMS_RESPONSE",
  ],
  // Go SDK v2
  [
    "go",
    "connection refused",
    `${GO} ${URL}: dial tcp 52.94.0.1:443: connect: connection refused`,
    "NETWORK_ERROR",
  ],
  [
    "go",
    "DNS failure",
    `${GO} "https://kms.eu-west-9.amazonaws.com/": dial tcp: lookup kms.eu-west-9.amazonaws.com on 127.0.0.53:53: no such host`,
    "NETWORK_ERROR",
  ],
  ["go", "connect timeout", `${GO} ${URL}: dial tcp 52.94.0.1:443: i/o timeout`, "REQUEST_TIMEOUT"],
  [
    "go",
    "read timeout",
    `${GO} ${URL}: context deadline exceeded (Client.Timeout exceeded while awaiting headers)`,
    "REQUEST_TIMEOUT",
  ],
  [
    "go",
    "connection closed",
    `${GO} ${URL}: read tcp 10.0.0.5:51234->52.94.0.1:443: read: connection reset by peer`,
    "NETWORK_ERROR",
  ],
  ["go", "connection cut", `${GO} ${URL}: unexpected EOF`, "NETWORK_ERROR"],
  ["go", "TLS handshake timeout", `${GO} ${URL}: net/http: TLS handshake timeout`, "REQUEST_TIMEOUT"],
  [
    "go",
    "502",
    "operation error KMS: Encrypt, https response error StatusCode: 502, RequestID: , api error BadGateway: Bad Gateway",
    "NON_KMS_RESPONSE",
  ],
  // Java SDK v1
  [
    "java",
    "connection refused",
    "com.amazonaws.SdkClientException: Unable to execute HTTP request: Connect to kms.eu-west-1.amazonaws.com:443 [kms.eu-west-1.amazonaws.com/52.94.0.1] failed: Connection refused (Connection refused)",
    "NETWORK_ERROR",
  ],
  [
    "java",
    "DNS failure",
    "com.amazonaws.SdkClientException: Unable to execute HTTP request: kms.eu-west-9.amazonaws.com: Name or service not known",
    "NETWORK_ERROR",
  ],
  [
    "java",
    "DNS failure (exception)",
    "Caused by: java.net.UnknownHostException: kms.eu-west-9.amazonaws.com",
    "NETWORK_ERROR",
  ],
  [
    "java",
    "read timeout",
    "com.amazonaws.SdkClientException: Unable to execute HTTP request: Read timed out",
    "REQUEST_TIMEOUT",
  ],
  [
    "java",
    "connect timeout",
    "com.amazonaws.SdkClientException: Unable to execute HTTP request: Connect to kms.eu-west-1.amazonaws.com:443 [kms.eu-west-1.amazonaws.com/52.94.0.1] failed: connect timed out",
    "REQUEST_TIMEOUT",
  ],
  [
    "java",
    "call timeout (SDK v2)",
    "software.amazon.awssdk.core.exception.ApiCallTimeoutException: Client execution did not complete before the specified timeout configuration: 2000 millis",
    "REQUEST_TIMEOUT",
  ],
  [
    "java",
    "connection closed",
    "com.amazonaws.SdkClientException: Unable to execute HTTP request: The target server failed to respond",
    "NETWORK_ERROR",
  ],
  [
    "java",
    "connection reset",
    "com.amazonaws.SdkClientException: Unable to execute HTTP request: Connection reset",
    "NETWORK_ERROR",
  ],
  [
    "java",
    "502",
    "com.amazonaws.services.kms.model.AWSKMSException: Bad Gateway (Service: AWSKMS; Status Code: 502; Error Code: null; Request ID: null; Proxy: null)",
    "NON_KMS_RESPONSE",
  ],
  [
    "java",
    "500 from something else",
    "com.amazonaws.services.kms.model.AWSKMSException: null (Service: AWSKMS; Status Code: 500; Error Code: null; Request ID: null; Proxy: null)",
    "NON_KMS_RESPONSE",
  ],
];

describe("explain: other SDKs' transport texts", () => {
  it.each(TRANSPORT_TEXTS)("%s, %s", (_sdk, _what, text, cause) => {
    expect(explain(text)?.cause).toBe(cause);
    expect(lookup(text)[0]).toBe(explain(text));
  });

  it("covers every class for every SDK: refused, DNS, timeout, closed and a non-KMS 5xx", () => {
    for (const sdk of ["botocore", "go", "java"]) {
      const causes = new Set(TRANSPORT_TEXTS.filter(([s]) => s === sdk).map(([, , , cause]) => cause));
      expect([...causes].sort(), sdk).toEqual(["NETWORK_ERROR", "NON_KMS_RESPONSE", "REQUEST_TIMEOUT"]);
    }
  });

  it("explains them with the retry advice of the transport causes", () => {
    for (const [, what, text] of TRANSPORT_TEXTS) expect(explain(text)?.retryable, what).toBe(true);
  });

  it("leaves a KMS error that names itself to its name, even in a Java status line", () => {
    const text =
      "com.amazonaws.services.kms.model.KMSInternalException: null (Service: AWSKMS; Status Code: 500; Error Code: KMSInternalException; Request ID: 1)";
    expect(explain(text)?.cause).toBe("KMS_INTERNAL");
    expect(
      explain("An error occurred (ThrottlingException) when calling the Encrypt operation: Rate exceeded")
        ?.cause,
    ).toBe("THROTTLED");
  });

  it("does not read a KMS message about an external key store proxy as a transport failure", () => {
    expect(explain("AWS KMS cannot communicate with the external key store proxy.")?.cause).toBe(
      "XKS_PROXY_NOT_REACHABLE",
    );
    expect(explain("The external key store proxy did not respond in time.")?.cause).toBe(
      "XKS_PROXY_TIMED_OUT",
    );
  });
});

describe("explain: a pasted exception whose message names a connection error code", () => {
  const message =
    "Custom key store cks-1234567890abcdef0 is in the FAILED connection state (XKS_VPC_ENDPOINT_SERVICE_INVALID_CONFIGURATION). Disconnect it, fix the cause of the failure, then connect it again.";
  const pasted = [
    `An error occurred (CustomKeyStoreInvalidStateException) when calling the ConnectCustomKeyStore operation: ${message}`,
    `com.amazonaws.services.kms.model.CustomKeyStoreInvalidStateException: ${message} (Service: AWSKMS; Status Code: 400; Error Code: CustomKeyStoreInvalidStateException; Request ID: 1)`,
    `CustomKeyStoreInvalidStateException: ${message}`,
  ];

  it.each(pasted)("explains %s as the exception reads it: disconnect first", (text) => {
    const entry = explain(text);
    expect(entry?.cause).toBe("CUSTOM_KEY_STORE_FAILED");
    expect(entry?.remediation.steps.join("\n")).toContain("disconnect-custom-key-store");
    expect(entry?.remediation.steps.join("\n")).toContain("npx kms-keystore-errors explain <code>");
  });

  it.each(pasted)("lists the connection code's entry right after it: %s", (text) => {
    const causes = lookup(text).map((e) => e.cause);
    expect(causes.slice(0, 2)).toEqual([
      "CUSTOM_KEY_STORE_FAILED",
      "XKS_VPC_ENDPOINT_SERVICE_INVALID_CONFIGURATION",
    ]);
    expect(lookup(text)[0]).toBe(explain(text));
  });

  it("the code alone still explains as what to fix", () => {
    expect(explain("XKS_VPC_ENDPOINT_SERVICE_INVALID_CONFIGURATION")?.cause).toBe(
      "XKS_VPC_ENDPOINT_SERVICE_INVALID_CONFIGURATION",
    );
  });

  it("agrees with classify on the real error, from a FAILED store over the wire", async () => {
    const emulator: KmsEmulator = await startKmsEmulator({ connectDelayMs: 5 });
    try {
      const kms = clientFor(emulator, { maxAttempts: 1 });
      const id = await createXksStore(kms, emulator.region, 3, {
        name: "pasted-failed",
        accessKeyId: "ABCDEFGHIJKLMNOPQRSTUVWXYZ2345",
      });
      emulator.keyStore(id).failConnect("XKS_VPC_ENDPOINT_SERVICE_INVALID_CONFIGURATION");
      await kms.send(new ConnectCustomKeyStoreCommand({ CustomKeyStoreId: id }));
      const state = await waitForConnection(kms, id, { intervalMs: 5, timeoutMs: 5000 });
      expect(state._unsafeUnwrapErr().cause).toBe("XKS_VPC_ENDPOINT_SERVICE_INVALID_CONFIGURATION");

      const error = await rejectionOf(kms.send(new ConnectCustomKeyStoreCommand({ CustomKeyStoreId: id })));
      const failure = classify(error, { operation: "ConnectCustomKeyStore" });
      const line = `An error occurred (${failure.kind}) when calling the ConnectCustomKeyStore operation: ${failure.message}`;
      expect(failure.message).toContain("(XKS_VPC_ENDPOINT_SERVICE_INVALID_CONFIGURATION)");
      expect(explain(line)?.cause).toBe(failure.cause);
      expect(lookup(line).map((e) => e.cause)).toContain("XKS_VPC_ENDPOINT_SERVICE_INVALID_CONFIGURATION");
    } finally {
      await emulator.close();
    }
  });
});

describe("explain agrees with classify on every message rule of a KMS exception", () => {
  const wireRuleKinds = new Set<string>(
    KINDS.filter((k) => "messageRules" in k && "status" in k).map((k) => k.kind),
  );
  const cases = MESSAGE_RULES.flatMap((rule) => {
    const first = rule.match[0];
    const words = typeof first === "string" ? first : (first ?? []).join(" ");
    const kinds = catalog.find((e) => e.cause === rule.cause)?.kinds ?? [];
    return kinds.filter((k) => wireRuleKinds.has(k)).map((kind) => [kind, words] as const);
  });

  it("has cases", () => {
    expect(cases.length).toBeGreaterThan(50);
  });

  it.each(cases)("%s: %s", (kind, words) => {
    const message = `Key arn:aws:kms:eu-west-1:111122223333:key/1234 failed: ${words} (XKS_PROXY_TIMED_OUT).`;
    const fromClassify = classify(serviceError(kind, message)).cause;
    const line = `An error occurred (${kind}) when calling the Encrypt operation: ${message}`;
    expect(explain(line)?.cause).toBe(fromClassify);
    expect(lookup(line)[0]?.cause).toBe(fromClassify);
  });
});
