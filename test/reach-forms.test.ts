/**
 * How `classify` tells another service's wrapper of a KMS failure from KMS's own error, and reads
 * the forms in which a service embeds KMS's error (the Java SDK form, Lambda's form) and the AWS
 * Encryption SDK's aggregated decrypt error: which row a name stands for, what evidence counts, where
 * an embedded form is read, and how the aggregated text is bounded.
 */
import { classify, failureOf, type KmsFailure } from "kms-keystore-errors";
import { describe, expect, it, vi } from "vitest";
import { isServiceKind } from "../src/catalog/index.js";
import { ENCRYPTION_SDK } from "../src/catalog/services.js";
import { keyStoreErrorsMiddleware } from "../src/middleware.js";
import { mayBeWrapped, reach } from "../src/reach.js";
import { serviceError } from "./support/errors.js";
import {
  encryptionSdkError,
  fallbackCause,
  javaForm,
  KMS_MESSAGES,
  lambdaForm,
  rowOf,
  wrapperError,
} from "./support/services.js";

/** An error as an SDK client raises it, with only the fields given. */
const sdkError = (name: string, message: string, fields: Record<string, unknown> = {}, status?: number) =>
  Object.assign(new Error(message), {
    name,
    $fault: status !== undefined && status >= 500 ? "server" : "client",
    $metadata: status === undefined ? {} : { httpStatusCode: status },
    ...fields,
  });

const SECURITY_TOKEN = "The security token included in the request is invalid.";

describe("Lambda's form of KMS's error", () => {
  it("takes the kind and cause of the embedded KMS error over the wrapper's own kind", () => {
    // Lambda's real wording when its role's credentials are not valid for KMS.
    const message = lambdaForm("UnrecognizedClientException", SECURITY_TOKEN);
    const failure = classify(wrapperError(rowOf("Lambda", "KMSAccessDeniedException"), message));
    expect(failure.kind).toBe("UnrecognizedClientException");
    expect(failure.cause).toBe(classify(serviceError("UnrecognizedClientException", SECURITY_TOKEN)).cause);
    expect(failure.via).toMatchObject({ service: "Lambda", code: "KMSAccessDeniedException" });
  });

  it("reads the form when the message starts right after one line break", () => {
    const message = `\nKMS Exception: UnrecognizedClientExceptionKMS Message: ${SECURITY_TOKEN}`;
    const failure = classify(wrapperError(rowOf("Lambda", "KMSAccessDeniedException"), message));
    expect(failure.kind).toBe("UnrecognizedClientException");
  });

  it("names Lambda when the wrapper name alone fits several services", () => {
    // No status: the name is Lambda's and Kinesis's; the form says which service wrote it.
    const error = sdkError("KMSNotFoundException", lambdaForm("NotFoundException", "Key does not exist"));
    const failure = classify(error);
    expect(failure.kind).toBe("NotFoundException");
    expect(failure.via?.service).toBe("Lambda");
  });
});

describe("the Java SDK form of KMS's error", () => {
  it("reads a message that is the form alone, with KMS's request id", () => {
    const failure = classify(
      wrapperError(rowOf("SQS", "KmsInvalidState"), javaForm("DisabledException", "kms-r1")),
    );
    expect(failure.kind).toBe("DisabledException");
    expect(failure.via?.kmsRequestId).toBe("kms-r1");
  });

  it("reads the form where its marker is, not an earlier look-alike without the marker's spacing", () => {
    const lookalike = "(Service:AWSKMS;Status Code:400;Error Code:NotFoundException;Request ID:early)";
    const alone = classify(wrapperError(rowOf("SQS", "KmsInvalidState"), `Request failed ${lookalike}`));
    expect(alone.kind).toBe("KMSInvalidStateException");
    expect(alone.via?.kmsRequestId).toBeUndefined();
    const both = classify(
      wrapperError(
        rowOf("SQS", "KmsInvalidState"),
        `Request failed ${lookalike} ${KMS_MESSAGES.disabled} ${javaForm("DisabledException", "late")}`,
      ),
    );
    expect(both.kind).toBe("DisabledException");
    expect(both.via?.kmsRequestId).toBe("late");
  });

  it("reads KMS's message before the form only, not the service's text after it", () => {
    const message = `The request was rejected. ${javaForm("KMSInvalidStateException", "r2")} ${KMS_MESSAGES.pendingDeletion}`;
    const failure = classify(wrapperError(rowOf("SQS", "KmsInvalidState"), message));
    expect(failure.kind).toBe("KMSInvalidStateException");
    expect(failure.cause).toBe(fallbackCause("KMSInvalidStateException"));
    expect(failure.cause).not.toBe("KEY_PENDING_DELETION");
  });

  it("counts KMS's error embedded under a name no wrapper of the named service has", () => {
    const message = `Key 'arn:aws:kms:us-east-1:111122223333:key/x' does not exist ${javaForm("NotFoundException", "r3")}`;
    const failure = classify(sdkError("ValidationException", message, {}, 400), { service: "DynamoDB" });
    expect(failure.kind).toBe("NotFoundException");
    expect(failure.via).toMatchObject({
      service: "DynamoDB",
      code: "ValidationException",
      kmsRequestId: "r3",
    });
  });

  it("keeps a query code that differs from the name when no row of the service lists the name", () => {
    const message = `${KMS_MESSAGES.disabled} ${javaForm("DisabledException", "r4")}`;
    const failure = classify(sdkError("AccessDeniedException", message, { Code: "AccessDenied" }, 400), {
      service: "SQS",
    });
    expect(failure.kind).toBe("DisabledException");
    expect(failure.via).toMatchObject({ service: "SQS", queryCode: "AccessDenied", kmsRequestId: "r4" });
  });
});

describe("which wrapper a name stands for", () => {
  it("finds the row by the query code when the client does not model the error", () => {
    const error = sdkError("SQSServiceException", "KMS refused", { Code: "KMS.DisabledException" }, 400);
    const failure = classify(error, { service: "SQS" });
    expect(failure.kind).toBe("DisabledException");
    expect(failure.via).toMatchObject({ service: "SQS", queryCode: "KMS.DisabledException" });
  });

  it("counts only the named service's wrappers", () => {
    const failure = classify(sdkError("KMSDisabledException", "Disabled", {}, 400), { service: "S3" });
    expect(failure.via).toBeUndefined();
    expect(failure.kind).toBe("UnknownServiceError");
  });

  it("keeps every candidate when the status matches none of them", () => {
    const failure = classify(sdkError("KMSNotFoundException", "Not found"));
    expect(failure.kind).toBe("NotFoundException");
    expect(failure.via?.service).toBe("unknown");
  });

  it("keeps every candidate when the Code is none of their query codes", () => {
    const error = sdkError(
      "KMSThrottlingException",
      "Rate exceeded",
      { Code: "KMSThrottlingException" },
      400,
    );
    const failure = classify(error);
    expect(failure.kind).toBe("ThrottlingException");
    expect(failure.via?.code).toBe("KMSThrottlingException");
  });

  it("reads only the `KMS.` prefix as S3's form", () => {
    const failure = classify(sdkError("EC2.NotFoundException", "Not found", {}, 400));
    expect(failure.via).toBeUndefined();
    expect(failure.kind).toBe("UnknownServiceError");
  });
});

describe("KMSInvalidStateException without the service named", () => {
  const name = "KMSInvalidStateException";

  it("stays KMS's own error under a 5xx status that is no wrapper's", () => {
    const failure = classify(sdkError(name, KMS_MESSAGES.pendingDeletion, {}, 503));
    expect(failure.via).toBeUndefined();
    expect(failure.kind).toBe(name);
    expect(failure.cause).toBe("KEY_PENDING_DELETION");
  });

  it("stays KMS's own error when its Code is no wrapper's query code", () => {
    const failure = classify(sdkError(name, KMS_MESSAGES.pendingDeletion, { Code: name }, 400));
    expect(failure.via).toBeUndefined();
    expect(failure.kind).toBe(name);
  });

  it("stays KMS's own error with KMS's status and no query code, even with the Java form in its message", () => {
    const message = `${KMS_MESSAGES.pendingDeletion} ${javaForm(name, "r5")}`;
    const failure = classify(sdkError(name, message, {}, 400));
    expect(failure.via).toBeUndefined();
    expect(failure.cause).toBe("KEY_PENDING_DELETION");
  });

  it("counts as a wrapper under HTTP 500 with KMS's error embedded", () => {
    const message = `${KMS_MESSAGES.pendingDeletion} ${javaForm(name, "r6")}`;
    const failure = classify(sdkError(name, message, {}, 500));
    expect(failure.via).toMatchObject({ service: "unknown", kmsRequestId: "r6" });
    expect(failure.cause).toBe("KEY_PENDING_DELETION");
  });

  it("keeps the wrapper's kind when the embedded error names no KMS exception", () => {
    expect(isServiceKind("KMSInternalFailure")).toBe(false);
    const message = `Something failed ${javaForm("KMSInternalFailure", "r7")}`;
    const failure = classify(sdkError(name, message, {}, 500));
    expect(failure.kind).toBe(name);
    expect(failure.via?.kmsRequestId).toBe("r7");
  });
});

describe("reach and mayBeWrapped on their own", () => {
  const input = (fields: Partial<Parameters<typeof reach>[0]>) => ({
    name: "DisabledException",
    message: `${KMS_MESSAGES.disabled} ${javaForm("DisabledException", "r8")}`,
    status: 500,
    code: undefined,
    kmsKeyState: undefined,
    service: undefined,
    ...fields,
  });

  it("leaves a KMS exception name that no service uses for a wrapper to KMS", () => {
    expect(mayBeWrapped("DisabledException", true, undefined)).toBe(false);
    expect(reach(input({}))).toBeUndefined();
    expect(mayBeWrapped("KMSInvalidStateException", true, undefined)).toBe(true);
  });

  it("never reads an error of KMS's own client as a wrapper", () => {
    expect(
      reach(input({ name: "KmsDisabled", code: "KMS.DisabledException", status: 400, service: "KMS" })),
    ).toBeUndefined();
    expect(
      reach(input({ name: "KmsDisabled", code: "KMS.DisabledException", status: 400, service: "SQS" })),
    ).toMatchObject({
      kind: "DisabledException",
      service: "SQS",
      kmsRequestId: "r8",
    });
  });
});

describe("Step Functions' kmsKeyState", () => {
  it("counts only on KmsInvalidStateException", () => {
    const error = wrapperError(rowOf("SFN", "KmsAccessDeniedException"), "Not allowed to use the key.", {
      kmsKeyState: "DISABLED",
    });
    const failure = classify(error);
    expect(failure.kind).toBe("AccessDeniedException");
    expect(failure.cause).toBe(fallbackCause("AccessDeniedException"));
  });
});

describe("the service from the client's class name", () => {
  const run = (clientName: string, error: unknown) =>
    keyStoreErrorsMiddleware({ onFailure: vi.fn() })(() => Promise.reject(error), {
      commandName: "PutItemCommand",
      clientName,
    })({ input: {} });
  const s3Like = () => sdkError("KMS.DisabledException", KMS_MESSAGES.disabled, {}, 400);

  it.each([
    ["ElastiCacheClient", "ElastiCache"],
    ["ClientVpnClient", "ClientVpn"],
  ])("names %s's service %s when the table does not list it", async (clientName, service) => {
    const error = s3Like();
    await expect(run(clientName, error)).rejects.toBe(error);
    expect((failureOf(error) as KmsFailure).via?.service).toBe(service);
  });
});

describe("the AWS Encryption SDK's aggregated error, bounded and strict", () => {
  const notFound = () =>
    serviceError("NotFoundException", "Key 'arn:aws:kms:us-east-1:111122223333:key/x' does not exist");
  /** An error whose stack is its header alone (no frames). */
  const frameless = (name: string, message: string) => {
    const error = serviceError(name, message);
    error.stack = message === "" ? name : `${name}: ${message}`;
    return error;
  };

  it("skips an inner text that is no `Name: message` header", () => {
    const message = `Unable to decrypt data key.\nError #1  \nsomething odd happened\nError #2  \n${notFound().stack}`;
    const failure = classify(new Error(message));
    expect(failure.via?.service).toBe(ENCRYPTION_SDK);
    expect(failure.related?.map((f) => f.kind)).toEqual(["NotFoundException"]);
  });

  it("reads only the first 64 KiB of the aggregated message", () => {
    const long = serviceError("DisabledException", `Key is disabled ${"x".repeat(70_000)}`);
    const failure = classify(encryptionSdkError.kmsKeyring([long, notFound()]));
    expect(failure.related?.map((f) => f.kind)).toEqual(["DisabledException"]);
    const short = classify(
      encryptionSdkError.kmsKeyring([serviceError("DisabledException", "d"), notFound()]),
    );
    expect(short.related?.map((f) => f.kind)).toEqual(["DisabledException", "NotFoundException"]);
  });

  it("reads at most 4 KiB of one inner error's header", () => {
    const filler = "a ".repeat(2020);
    const inner = serviceError("KMSInvalidStateException", `${filler}${KMS_MESSAGES.xksTimeout}`);
    const failure = classify(encryptionSdkError.kmsKeyring([inner]));
    expect(failure.related?.[0]?.cause).toBe("KMS_INVALID_STATE");
    const near = serviceError("KMSInvalidStateException", `${"a ".repeat(1000)}${KMS_MESSAGES.xksTimeout}`);
    expect(classify(encryptionSdkError.kmsKeyring([near])).related?.[0]?.cause).toBe("XKS_PROXY_TIMED_OUT");
  });

  it("reads an inner error with no frames and no message", () => {
    const failure = classify(encryptionSdkError.kmsKeyring([frameless("NotFoundException", "")]));
    expect(failure.kind).toBe("NotFoundException");
    expect(failure.related?.map((f) => f.kind)).toEqual(["NotFoundException"]);
  });

  it("trims the whitespace around an inner message", () => {
    const failure = classify(
      encryptionSdkError.kmsKeyring([frameless("NotFoundException", "  Key does not exist")]),
    );
    expect(failure.related?.[0]?.message).toBe("Key does not exist");
  });
});
