/**
 * KMS failures that reach the caller through another AWS service or the AWS Encryption SDK, through
 * the public API: `classify` on errors shaped exactly as the SDK raises each service's wrapper
 * (test/support/services.ts), `toLogEntry`/`formatFailure`, `explain` and the CLI on pasted lines.
 * The cases come from the catalog's service table; wire tests through each service's real client
 * live with the services emulator.
 */

import fc from "fast-check";
import {
  catalog,
  classify,
  explain,
  failureOf,
  formatFailure,
  isCustomKeyStoreFailure,
  type KmsFailure,
  lookup,
  toLogEntry,
} from "kms-keystore-errors";
import { describe, expect, it } from "vitest";
import { isServiceKind, KINDS } from "../src/catalog/index.js";
import { ENCRYPTION_SDK, SERVICE_WRAPPERS, SERVICES, SFN_KEY_STATES } from "../src/catalog/services.js";
import { type CliIo, main } from "../src/cli/main.js";
import { FAILURE_KEY } from "../src/failure.js";
import { serviceError } from "./support/errors.js";
import {
  encryptionSdkError,
  fallbackCause,
  javaForm,
  KMS_MESSAGES,
  lambdaForm,
  type Row,
  rowOf,
  wrapperError,
} from "./support/services.js";

const rows: readonly Row[] = SERVICE_WRAPPERS;
const wrappers = rows.filter((r) => !("embeddedOnly" in r));

/** Invariants every failure has (as in classify.test.ts), plus a frozen `via`. */
function expectWellFormed(failure: KmsFailure): void {
  expect(Object.isFrozen(failure)).toBe(true);
  const entry = catalog.find((e) => e.cause === failure.cause);
  expect(entry?.kinds).toContain(failure.kind);
  expect(failure.retryable).toBe(entry?.retryable);
  if (failure.via !== undefined) expect(Object.isFrozen(failure.via)).toBe(true);
  expect(Object.keys(failure)).not.toContain("error");
}

describe("the service table", () => {
  it("covers every service of the facts table, each with at least one wrapper", () => {
    for (const s of SERVICES)
      expect(
        rows.some((r) => r.service === s.service),
        s.service,
      ).toBe(true);
  });

  it("names a real kind for every wrapper, and marks what is unconfirmed", () => {
    const kinds = new Set<string>(KINDS.map((k) => k.kind));
    for (const r of rows) {
      expect(kinds.has(r.kind), `${r.service} ${r.code}`).toBe(true);
      if (r.kmsMessage === "unconfirmed") expect("unconfirmed" in r, `${r.service} ${r.code}`).toBe(true);
    }
  });

  it("maps every Step Functions key state to a KMSInvalidStateException cause", () => {
    for (const cause of Object.values(SFN_KEY_STATES)) {
      expect(catalog.find((e) => e.cause === cause)?.kinds).toContain("KMSInvalidStateException");
    }
  });
});

describe(`${classify.name} through other services`, () => {
  it.each(wrappers.map((r) => [r.service, r.code, r] as const))(
    "%s %s stands for its KMS kind when the caller names the service",
    (service, code, r) => {
      const error = wrapperError(r, "The service could not use the KMS key.");
      const failure = classify(error, { service, operation: "DoThing" });
      expectWellFormed(failure);
      expect(failure.kind).toBe(r.kind);
      expect(failure.code).toBe(code);
      expect(failure.cause).toBe(fallbackCause(r.kind));
      expect(failure.via).toEqual({
        service,
        operation: "DoThing",
        code,
        ...("queryCode" in r ? { queryCode: r.queryCode } : {}),
      });
      expect(failure.operation).toBeUndefined();
      expect(failure.httpStatusCode).toBe(r.status);
      expect(failure.requestId).toBe("svc-req-0001");
      expect(failure.error).toBe(error);
    },
  );

  it.each(wrappers.map((r) => [r.service, r.code, r] as const))(
    "%s %s is recognised from the error alone",
    (service, _code, r) => {
      const failure = classify(wrapperError(r, "The service could not use the KMS key."));
      expect(failure.kind).toBe(r.kind);
      // A name KMS uses itself, with no query code and KMS's own status, is read as KMS's error.
      const indistinguishable = isServiceKind(r.code) && !("queryCode" in r) && r.status < 500;
      expect(failure.via?.service).toBe(indistinguishable ? undefined : service);
    },
  );

  it("reads an XKS proxy timeout behind S3 from KMS's message: retryable, a custom key store cause", () => {
    const failure = classify(
      wrapperError(rowOf("S3", "KMS.KMSInvalidStateException"), KMS_MESSAGES.xksTimeout),
      {
        service: "S3",
        operation: "GetObject",
      },
    );
    expect(failure).toMatchObject({
      kind: "KMSInvalidStateException",
      cause: "XKS_PROXY_TIMED_OUT",
      retryable: true,
      keyStoreType: "EXTERNAL_KEY_STORE",
      via: { service: "S3", operation: "GetObject", code: "KMS.KMSInvalidStateException" },
    });
    expect(isCustomKeyStoreFailure(failure)).toBe(true);
  });

  it("reads key states behind S3 from KMS's message", () => {
    expect(classify(wrapperError(rowOf("S3", "KMS.DisabledException"), KMS_MESSAGES.disabled)).cause).toBe(
      "KEY_DISABLED",
    );
    const pending = classify(
      wrapperError(rowOf("S3", "KMS.KMSInvalidStateException"), KMS_MESSAGES.pendingDeletion),
    );
    expect(pending.cause).toBe("KEY_PENDING_DELETION");
    expect(pending.retryable).toBe(false);
  });

  it("reads S3's form for any KMS exception, beyond the listed codes", () => {
    const error = wrapperError(rowOf("S3", "KMS.DisabledException"), "Rate exceeded", {
      name: "KMS.ThrottlingException",
      Code: "KMS.ThrottlingException",
    });
    const failure = classify(error);
    expect(failure.kind).toBe("ThrottlingException");
    expect(failure.via).toMatchObject({ service: "S3", code: "KMS.ThrottlingException" });
  });

  it("keeps the fallback cause when the service does not pass KMS's message on", () => {
    const failure = classify(wrapperError(rowOf("Kinesis", "KMSInvalidStateException"), "Request failed."), {
      service: "Kinesis",
    });
    expect(failure.cause).toBe("KMS_INVALID_STATE");
    expect(failure.via?.service).toBe("Kinesis");
  });

  it("reads KMS's error embedded by SQS in the Java SDK form, with KMS's request id", () => {
    const message = `${KMS_MESSAGES.pendingDeletion} ${javaForm("KMSInvalidStateException", "8e1e2b77-aaaa-4bbb-8ccc-000000000001")}`;
    const failure = classify(wrapperError(rowOf("SQS", "KmsInvalidState"), message));
    expect(failure).toMatchObject({
      kind: "KMSInvalidStateException",
      code: "KmsInvalidState",
      cause: "KEY_PENDING_DELETION",
      via: {
        service: "SQS",
        code: "KmsInvalidState",
        queryCode: "KMS.InvalidStateException",
        kmsRequestId: "8e1e2b77-aaaa-4bbb-8ccc-000000000001",
      },
    });
  });

  it("reads KMS's error embedded by SNS, recognised by its query code", () => {
    const message = `${KMS_MESSAGES.xksTimeout} ${javaForm("KMSInvalidStateException")}`;
    const failure = classify(wrapperError(rowOf("SNS", "KMSInvalidStateException"), message));
    expect(failure.cause).toBe("XKS_PROXY_TIMED_OUT");
    expect(failure.via).toMatchObject({ service: "SNS", queryCode: "KMSInvalidState" });
  });

  it("reads Lambda's form: the code glued to `KMS Message`, KMS's message after it", () => {
    const failure = classify(
      wrapperError(
        rowOf("Lambda", "KMSInvalidStateException"),
        lambdaForm("KMSInvalidStateException", KMS_MESSAGES.xksTimeout),
      ),
    );
    expect(failure).toMatchObject({
      kind: "KMSInvalidStateException",
      cause: "XKS_PROXY_TIMED_OUT",
      retryable: true,
      httpStatusCode: 502,
      via: { service: "Lambda", code: "KMSInvalidStateException" },
    });
    const disabled = classify(
      wrapperError(
        rowOf("Lambda", "KMSDisabledException"),
        lambdaForm("DisabledException", KMS_MESSAGES.disabled),
      ),
    );
    expect(disabled).toMatchObject({ kind: "DisabledException", cause: "KEY_DISABLED", retryable: false });
  });

  it.each(Object.entries(SFN_KEY_STATES))("reads Step Functions' kmsKeyState %s as %s", (state, cause) => {
    const error = wrapperError(rowOf("SFN", "KmsInvalidStateException"), "The KMS key is not usable.", {
      kmsKeyState: state,
    });
    const failure = classify(error);
    expect(failure.kind).toBe("KMSInvalidStateException");
    expect(failure.cause).toBe(cause);
  });

  it("treats an UNAVAILABLE key behind Step Functions as a disconnected custom key store", () => {
    const error = wrapperError(rowOf("SFN", "KmsInvalidStateException"), "x", { kmsKeyState: "UNAVAILABLE" });
    expect(isCustomKeyStoreFailure(classify(error))).toBe(true);
  });

  it("ignores a kmsKeyState that is not a key state (prototype names included)", () => {
    for (const state of ["toString", "__proto__", "constructor", "unavailable", ""]) {
      const error = wrapperError(rowOf("SFN", "KmsInvalidStateException"), "x", { kmsKeyState: state });
      expect(classify(error).cause, state).toBe("KMS_INVALID_STATE");
    }
  });

  it.each([
    ["Secrets Manager", "DecryptionFailure", "Access to KMS is not allowed"],
    ["Secrets Manager", "EncryptionFailure", "Access to KMS is not allowed"],
    ["RDS", "KMSKeyNotAccessibleFault", "An error occurred accessing an AWS KMS key."],
    ["SSM", "InvalidKeyId", "The query key ID isn't valid."],
  ])(
    "gives %s %s the library's kind KmsAccessFailed when no KMS error is named",
    (service, code, message) => {
      const failure = classify(wrapperError(rowOf(service, code), message), { service });
      expect(failure).toMatchObject({
        kind: "KmsAccessFailed",
        cause: "KMS_KEY_INACCESSIBLE",
        code,
        retryable: false,
        via: { service, code },
      });
      expect(failure.remediation.steps.join(" ")).toContain("CloudTrail");
    },
  );

  it("prefers a KMS error embedded in an SSM InvalidKeyId", () => {
    const message = `Key 'arn:aws:kms:us-east-1:111122223333:key/x' does not exist ${javaForm("NotFoundException", "req-42")}`;
    const failure = classify(wrapperError(rowOf("SSM", "InvalidKeyId"), message), { service: "SSM" });
    expect(failure).toMatchObject({
      kind: "NotFoundException",
      via: { service: "SSM", kmsRequestId: "req-42" },
    });
  });

  it("counts a DynamoDB AccessDeniedException as KMS-caused only when it embeds KMS's error", () => {
    const r = rowOf("DynamoDB", "AccessDeniedException");
    const iam = classify(wrapperError(r, "User is not authorized to perform dynamodb:CreateTable"), {
      service: "DynamoDB",
    });
    expect(iam.via).toBeUndefined();
    expect(iam.kind).toBe("AccessDeniedException");
    const message = `${KMS_MESSAGES.disabled} ${javaForm("DisabledException", "req-7")}`;
    const kms = classify(wrapperError(r, message), { service: "DynamoDB", operation: "CreateTable" });
    expect(kms).toMatchObject({
      kind: "DisabledException",
      cause: "KEY_DISABLED",
      via: {
        service: "DynamoDB",
        operation: "CreateTable",
        code: "AccessDeniedException",
        kmsRequestId: "req-7",
      },
    });
    // Without the service named, the error alone cannot say which one embedded it.
    expect(classify(wrapperError(r, message)).via?.service).toBe("unknown");
  });

  it("leaves another service's own errors alone", () => {
    const error = Object.assign(new Error("The specified key does not exist."), {
      name: "NoSuchKey",
      $fault: "client",
      $metadata: { httpStatusCode: 404 },
    });
    const failure = classify(error, { service: "S3", operation: "GetObject" });
    expect(failure.via).toBeUndefined();
    expect(failure.kind).toBe("UnknownServiceError");
    expect(failure.operation).toBe("GetObject");
  });

  it.each(KINDS.filter((k) => "status" in k).map((k) => [k.kind, k.status] as const))(
    "leaves KMS's own %s as it was (no via)",
    (kind, status) => {
      const error = serviceError(kind, KMS_MESSAGES.xksTimeout, { httpStatusCode: status });
      expect(classify(error).via).toBeUndefined();
      expect(classify(error, { service: "KMS" }).via).toBeUndefined();
      expect(classify(error).kind).toBe(kind);
    },
  );

  it("reads even a 502 KMSDisabledException as KMS's own when the service is KMS", () => {
    const error = wrapperError(rowOf("Lambda", "KMSDisabledException"), lambdaForm("DisabledException", "x"));
    const failure = classify(error, { service: "KMS" });
    expect(failure.via).toBeUndefined();
    expect(failure.kind).toBe("UnknownServiceError");
  });

  it("keeps via on an attached failure, and context fills the service's operation, not KMS's", () => {
    const error = wrapperError(rowOf("S3", "KMS.DisabledException"), KMS_MESSAGES.disabled);
    const first = classify(error, { service: "S3" });
    Object.defineProperty(error, FAILURE_KEY, { value: first });
    expect(failureOf(error)).toBe(first);
    const again = classify(error, { operation: "GetObject", keyId: "alias/app" });
    expect(again.via).toEqual(first.via);
    expect(again.operation).toBeUndefined();
    expect(again.keyId).toBe("alias/app");
  });
});

describe("redaction of failures through other services", () => {
  const SECRET = "SqsMessageBodySecret0123456789";

  it("redacts the caller's payload from the message, via and the log entry", () => {
    const message = `KMS refused ${SECRET} ${javaForm("DisabledException", SECRET)}`;
    const failure = classify(wrapperError(rowOf("SQS", "KmsDisabled"), message), {
      service: "SQS",
      operation: "SendMessage",
      input: { QueueUrl: "https://sqs.us-east-1.amazonaws.com/111122223333/q", MessageBody: SECRET },
    });
    expect(failure.kind).toBe("DisabledException");
    const everything = [
      JSON.stringify(failure),
      JSON.stringify(toLogEntry(failure)),
      formatFailure(failure),
    ].join("\n");
    expect(everything).not.toContain(SECRET);
    expect(failure.via?.kmsRequestId).toBe("[REDACTED]");
  });

  it.each([
    ["S3", { Bucket: "b", Key: "k", Body: SECRET }],
    ["Secrets Manager", { SecretId: "s", SecretString: SECRET }],
    ["SSM", { Name: "/p", Value: SECRET, Type: "SecureString" }],
    ["Kinesis", { StreamName: "s", Data: new TextEncoder().encode(SECRET), PartitionKey: "p" }],
    ["Lambda", { FunctionName: "f", Payload: new TextEncoder().encode(SECRET) }],
  ])("redacts a %s input's payload echoed in the message", (service, input) => {
    const r = rows.find((x) => x.service === service && !("embeddedOnly" in x)) as Row;
    const failure = classify(wrapperError(r, `could not use the key for ${SECRET}`), { service, input });
    expect(failure.via?.service).toBe(service);
    expect(JSON.stringify(failure)).not.toContain(SECRET);
    expect(formatFailure(failure)).not.toContain(SECRET);
  });
});

describe(`${toLogEntry.name} and ${formatFailure.name} through other services`, () => {
  it("carries kms.via.* and leaves them out for KMS's own errors", () => {
    const message = `${KMS_MESSAGES.pendingDeletion} ${javaForm("KMSInvalidStateException", "kms-req-9")}`;
    const entry = toLogEntry(classify(wrapperError(rowOf("SQS", "KmsInvalidState"), message)));
    expect(entry["kms.via.service"]).toBe("SQS");
    expect(entry["kms.via.code"]).toBe("KmsInvalidState");
    expect(entry["kms.via.kms_request_id"]).toBe("kms-req-9");
    const plain = toLogEntry(classify(serviceError("DisabledException", KMS_MESSAGES.disabled)));
    expect(Object.keys(plain).filter((k) => k.startsWith("kms.via."))).toEqual([]);
  });

  it("says which service called KMS, and where KMS's own answer is", () => {
    const withId = formatFailure(
      classify(
        wrapperError(
          rowOf("SQS", "KmsInvalidState"),
          `${KMS_MESSAGES.xksTimeout} ${javaForm("KMSInvalidStateException", "kms-req-9")}`,
        ),
        { service: "SQS", operation: "SendMessage" },
      ),
    );
    expect(withId).toContain(
      "Through: SQS called KMS on your behalf (during SendMessage, it raised KmsInvalidState).",
    );
    expect(withId).toContain(
      "CloudTrail holds KMS's errorCode and errorMessage under KMS request id kms-req-9.",
    );
    const withoutId = formatFailure(
      classify(wrapperError(rowOf("Secrets Manager", "DecryptionFailure"), "Access to KMS is not allowed"), {
        service: "Secrets Manager",
      }),
    );
    expect(withoutId).toContain("Through: Secrets Manager called KMS on your behalf");
    expect(withoutId).toContain(
      "CloudTrail holds KMS's errorCode and errorMessage for the KMS request Secrets Manager made",
    );
    expect(formatFailure(classify(serviceError("DisabledException", "x")))).not.toContain("Through:");
  });
});

describe("the AWS Encryption SDK's aggregated decrypt error", () => {
  const notFound = () =>
    serviceError("NotFoundException", "Key 'arn:aws:kms:us-east-1:111122223333:key/x' does not exist");
  const timeout = () => serviceError("KMSInvalidStateException", KMS_MESSAGES.xksTimeout);

  it.each(Object.entries(encryptionSdkError))(
    "%s: the most specific inner failure, with every inner failure in order",
    (_form, build) => {
      const error = build([notFound(), timeout()]);
      const failure = classify(error);
      expectWellFormed(failure);
      expect(failure).toMatchObject({
        kind: "KMSInvalidStateException",
        code: "KMSInvalidStateException",
        cause: "XKS_PROXY_TIMED_OUT",
        retryable: true,
        message: KMS_MESSAGES.xksTimeout,
        via: { service: ENCRYPTION_SDK, code: "Error" },
      });
      expect(failure.related?.map((f) => [f.kind, f.cause])).toEqual([
        ["NotFoundException", "NOT_FOUND"],
        ["KMSInvalidStateException", "XKS_PROXY_TIMED_OUT"],
      ]);
      for (const f of failure.related ?? []) expectWellFormed(f);
      expect(Object.isFrozen(failure.related)).toBe(true);
      expect(failure.error).toBe(error);
    },
  );

  it("takes the first of equally specific failures, and KMS's errors before transport errors", () => {
    const transport = Object.assign(new Error("Socket timed out"), { name: "TimeoutError" });
    const failure = classify(
      encryptionSdkError.kmsKeyring([transport, notFound(), serviceError("DisabledException", "d")]),
    );
    expect(failure.kind).toBe("NotFoundException");
    expect(failure.related?.map((f) => f.kind)).toEqual([
      "TransportError",
      "NotFoundException",
      "DisabledException",
    ]);
  });

  it("flattens a multi-keyring's error around a KMS keyring's", () => {
    const inner = encryptionSdkError.kmsKeyring([notFound(), timeout()]);
    const failure = classify(
      encryptionSdkError.multiKeyring([inner, serviceError("DisabledException", "d")]),
    );
    expect(failure.cause).toBe("XKS_PROXY_TIMED_OUT");
    expect(failure.related?.map((f) => f.kind)).toEqual([
      "NotFoundException",
      "KMSInvalidStateException",
      "DisabledException",
    ]);
  });

  it("lists every inner failure in the formatted guidance", () => {
    const text = formatFailure(classify(encryptionSdkError.kmsKeyring([notFound(), timeout()])));
    expect(text).toContain("Through: AWS Encryption SDK, which gathered 2 KMS failures");
    expect(text).toContain(
      "    1. NotFoundException: NOT_FOUND (Key 'arn:aws:kms:us-east-1:111122223333:key/x' does not exist)",
    );
    expect(text).toContain(
      `    2. KMSInvalidStateException: XKS_PROXY_TIMED_OUT (${KMS_MESSAGES.xksTimeout})`,
    );
  });

  it("redacts the caller's secrets from the inner messages", () => {
    const SECRET = "EsdkPlaintextSecretValue0123";
    const failure = classify(
      encryptionSdkError.kmsKeyring([serviceError("KMSInvalidStateException", `echo ${SECRET}`)]),
      {
        input: { Plaintext: new TextEncoder().encode(SECRET) },
      },
    );
    expect(JSON.stringify(failure)).not.toContain(SECRET);
  });

  it("bounds its work on hostile text: at most 32 inner failures, no matter how many are listed", () => {
    const many = Array.from({ length: 2000 }, () => notFound());
    const failure = classify(encryptionSdkError.kmsKeyring(many));
    expect(failure.related?.length).toBe(32);
    const huge = new Error(`Unable to decrypt data key.\nError #1  \n${"\n ".repeat(2_000_000)}`);
    expect(classify(huge).kind).toBe("Unrecognized");
    const noInner = new Error("Unable to decrypt data key: No EDKs supplied.");
    expect(classify(noInner)).toMatchObject({ kind: "Unrecognized" });
    expect(classify(noInner).via).toBeUndefined();
  });
});

describe(`${explain.name} and the CLI on pasted lines from other services`, () => {
  const LINES: [string, string][] = [
    [
      `An error occurred (KMS.DisabledException) when calling the GetObject operation: ${KMS_MESSAGES.disabled}`,
      "KEY_DISABLED",
    ],
    [
      `An error occurred (KMS.KMSInvalidStateException) when calling the GetObject operation: ${KMS_MESSAGES.xksTimeout}`,
      "XKS_PROXY_TIMED_OUT",
    ],
    [
      `An error occurred (KMS.InvalidStateException) when calling the SendMessage operation: ${KMS_MESSAGES.pendingDeletion} ${javaForm("KMSInvalidStateException")}`,
      "KEY_PENDING_DELETION",
    ],
    [
      `com.amazonaws.services.sqs.model.KmsDisabledException: The request was rejected because the specified CMK is not enabled. ${javaForm("DisabledException")} (Service: AmazonSQS; Status Code: 400; Error Code: KMS.DisabledException; Request ID: r; Proxy: null)`,
      "KEY_DISABLED",
    ],
    [lambdaForm("KMSInvalidStateException", KMS_MESSAGES.xksTimeout), "XKS_PROXY_TIMED_OUT"],
    [
      `An error occurred (KMSDisabledException) when calling the Invoke operation: ${lambdaForm("DisabledException", KMS_MESSAGES.disabled)}`,
      "KEY_DISABLED",
    ],
    [
      "An error occurred (DecryptionFailure) when calling the GetSecretValue operation: Access to KMS is not allowed",
      "KMS_KEY_INACCESSIBLE",
    ],
    [
      "An error occurred (KMSKeyNotAccessibleFault) when calling the CreateDBInstance operation: An error occurred accessing an AWS KMS key.",
      "KMS_KEY_INACCESSIBLE",
    ],
  ];

  it.each(LINES)("explains %s", (line, cause) => {
    expect(explain(line)?.cause).toBe(cause);
    expect(lookup(line)[0]?.cause).toBe(cause);
  });

  it.each(rows.map((r) => [r.code, r.kind] as const))(
    "explains the lone wrapper name %s as the fallback of %s",
    (code, kind) => {
      const name = code.startsWith("KMS.") ? code.slice(4) : code;
      // A lone wrapper name that is a KMS exception's own name keeps that exception's meaning.
      expect(explain(name)?.cause).toBe(fallbackCause(isServiceKind(name) ? name : kind));
    },
  );

  it("explains the same lines on the command line", async () => {
    for (const [line, cause] of LINES.slice(0, 3)) {
      let stdout = "";
      const code = await main(["explain", ...line.split(" ")], {
        stdout: { write: (t: string) => (stdout += t) },
        stderr: { write: () => true },
        env: {},
        isTTY: false,
      } as unknown as CliIo);
      expect(code).toBe(0);
      expect(stdout.split("\n")[0]).toBe(cause);
    }
  });
});

describe("classify stays total on hostile service errors", () => {
  it("never throws and always gives a catalogued failure (property)", () => {
    const names = [...rows.map((r) => r.code), "KMS.Foo", "KMS.", "AccessDeniedException", "Error"];
    fc.assert(
      fc.property(
        fc.constantFrom(...names),
        fc.oneof(
          fc.string(),
          fc.constant(javaForm("DisabledException")),
          fc.constant(lambdaForm("x", "y")),
          fc.string().map((s) => `Unable to decrypt data key${s}Error #1 \n${s}`),
          fc.string().map((s) => `(Service: AWSKMS; Status Code: 400; Error Code: ${s}; Request ID: ${s}`),
        ),
        fc.oneof(
          fc.constant(undefined),
          fc.string(),
          fc.integer(),
          fc.constantFrom(...rows.map((r) => ("queryCode" in r ? r.queryCode : r.code))),
        ),
        fc.oneof(fc.constant(undefined), fc.constantFrom("S3", "SQS", "KMS", "unknown", ""), fc.string()),
        fc.oneof(fc.constant(undefined), fc.integer({ min: 100, max: 599 })),
        (name, message, Code, service, status) => {
          const error = {
            name,
            message,
            Code,
            kmsKeyState: Code,
            $fault: "client",
            $metadata: { httpStatusCode: status },
          };
          const failure = classify(error, { service });
          expect(catalog.find((e) => e.cause === failure.cause)?.kinds).toContain(failure.kind);
        },
      ),
      { seed: 1607, numRuns: 500 },
    );
  });

  it("reads only the start of a huge message full of embedded-form markers", () => {
    const message = `${"(Service: AWSKMS; Status Code: 400; Error Code: ".repeat(40_000)}${javaForm("DisabledException")}`;
    const failure = classify(wrapperError(rowOf("SQS", "KmsDisabled"), message));
    // The real form lies past what is searched: the wrapper's own kind, no KMS request id.
    expect(failure.kind).toBe("DisabledException");
    expect(failure.via?.kmsRequestId).toBeUndefined();
    const lambda = `${"KMS Exception: ".repeat(100_000)}KMS Message: x`;
    expect(classify(wrapperError(rowOf("Lambda", "KMSNotFoundException"), lambda)).kind).toBe(
      "NotFoundException",
    );
  });

  it("survives getters that throw on the fields it reads", () => {
    const error = {
      name: "KmsDisabled",
      message: "x",
      $fault: "client",
      $metadata: { httpStatusCode: 400 },
      get Code(): string {
        throw new Error("trap");
      },
      get kmsKeyState(): string {
        throw new Error("trap");
      },
    };
    expect(classify(error, { service: "SQS" })).toMatchObject({
      kind: "DisabledException",
      via: { service: "SQS" },
    });
  });
});
