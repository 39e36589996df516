import { formatFailure, type KmsFailure, type KmsLogEntry, toLogEntry } from "kms-keystore-errors";
import { describe, expect, it } from "vitest";
import { classify } from "../src/classify.js";
import { serviceError, socketError } from "./support/errors.js";

const timeout = () =>
  classify(
    serviceError("KMSInvalidStateException", "The external key store proxy did not respond in time.", {
      httpStatusCode: 400,
      requestId: "req-7",
      attempts: 3,
    }),
    { operation: "Encrypt", input: { KeyId: "key-1", CustomKeyStoreId: "cks-1234567890abcdef0" } },
  );

describe(toLogEntry.name, () => {
  it("has the fixed keys, in order, with OpenTelemetry names where they exist", () => {
    const failure = timeout();
    const entry: KmsLogEntry = toLogEntry(failure);
    expect(Object.keys(entry)).toEqual([
      "error.type",
      "error.message",
      "rpc.system",
      "rpc.service",
      "rpc.method",
      "aws.request_id",
      "http.response.status_code",
      "kms.failure.code",
      "kms.failure.cause",
      "kms.failure.category",
      "kms.failure.retryable",
      "kms.failure.attempts",
      "kms.custom_key_store.id",
      "kms.custom_key_store.type",
      "kms.key.id",
      "kms.remediation.summary",
      "kms.remediation.steps",
      "kms.remediation.docs",
    ]);
    expect(entry).toMatchObject({
      "error.type": "KMSInvalidStateException",
      "error.message": "The external key store proxy did not respond in time.",
      "rpc.system": "aws-api",
      "rpc.service": "KMS",
      "rpc.method": "Encrypt",
      "aws.request_id": "req-7",
      "http.response.status_code": 400,
      "kms.failure.code": "KMSInvalidStateException",
      "kms.failure.cause": "XKS_PROXY_TIMED_OUT",
      "kms.failure.category": "connectivity",
      "kms.failure.retryable": true,
      "kms.failure.attempts": 3,
      "kms.custom_key_store.id": "cks-1234567890abcdef0",
      "kms.custom_key_store.type": "EXTERNAL_KEY_STORE",
      "kms.key.id": "key-1",
      "kms.remediation.summary": failure.remediation.summary,
      "kms.remediation.steps": failure.remediation.steps,
      "kms.remediation.docs": failure.remediation.docs,
    });
  });

  it("omits absent context instead of writing null, and stays JSON-safe", () => {
    const entry = toLogEntry(classify(socketError("ECONNREFUSED")));
    expect(Object.keys(entry)).not.toContain("rpc.method");
    expect(Object.keys(entry)).not.toContain("aws.request_id");
    expect(Object.keys(entry)).not.toContain("kms.key.id");
    expect(Object.values(entry)).not.toContain(null);
    expect(Object.values(entry)).not.toContain(undefined);
    expect(JSON.parse(JSON.stringify(entry))).toEqual(entry);
  });

  it("cleans a hand-made failure too: control characters, wrong types", () => {
    const forged = {
      kind: "ValidationException\nforged=1",
      code: 42,
      cause: "VALIDATION_ERROR",
      category: "input",
      retryable: "yes",
      remediation: { summary: "line\r\nbreak", steps: ["ok", 3], docs: "not a list" },
      attempts: Number.NaN,
    } as unknown as KmsFailure;
    const entry = toLogEntry(forged);
    expect(entry["error.type"]).toBe("ValidationException forged=1");
    expect(entry["kms.failure.code"]).toBe("");
    expect(entry["kms.failure.retryable"]).toBe(false);
    expect(entry["kms.remediation.summary"]).toBe("line break");
    expect(entry["kms.remediation.steps"]).toEqual(["ok"]);
    expect(entry["kms.remediation.docs"]).toEqual([]);
    expect(entry).not.toHaveProperty("kms.failure.attempts");
  });
});

describe(formatFailure.name, () => {
  it("says what happened, why, whether to retry, the numbered steps and the links", () => {
    const failure = timeout();
    const lines = formatFailure(failure).split("\n");
    expect(lines[0]).toBe(
      "KMSInvalidStateException: XKS_PROXY_TIMED_OUT during Encrypt on key key-1 in custom key store cks-1234567890abcdef0 (EXTERNAL_KEY_STORE)",
    );
    expect(lines[1]).toBe("  Message: The external key store proxy did not respond in time.");
    expect(lines[2]).toBe(`  Why: ${failure.remediation.summary}`);
    expect(lines[3]).toBe("  Retry: yes, the same request may succeed soon (use backoff).");
    expect(lines[4]).toBe("  What to do:");
    expect(lines.slice(5, 5 + failure.remediation.steps.length)).toEqual(
      failure.remediation.steps.map((step, i) => `    ${i + 1}. ${step}`),
    );
    const docsAt = 5 + failure.remediation.steps.length;
    expect(lines[docsAt]).toBe("  Docs:");
    expect(lines.slice(docsAt + 1, docsAt + 1 + failure.remediation.docs.length)).toEqual(
      failure.remediation.docs.map((url) => `    - ${url}`),
    );
    expect(lines.at(-1)).toBe("  Request: request id req-7, HTTP 400, 3 attempts");
  });

  it("says no and names the category when retrying cannot help, and leaves out what is unknown", () => {
    const text = formatFailure(
      classify(serviceError("LimitExceededException", "", { attempts: 1, requestId: "r" })),
    );
    expect(text).toContain("  Retry: no, something must change first (category: quota).");
    expect(text).not.toContain("Message:");
    expect(text).toContain("1 attempt");
    expect(text).not.toContain("1 attempts");
    expect(text.split("\n")[0]).toBe("LimitExceededException: LIMIT_EXCEEDED");
  });
});
