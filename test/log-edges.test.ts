import { formatFailure, type KmsFailure, toLogEntry } from "kms-keystore-errors";
import { describe, expect, it } from "vitest";

/** A failure built by hand: only the fields given, nothing from the catalog. */
const forge = (fields: Record<string, unknown>) => fields as unknown as KmsFailure;

const full = forge({
  kind: "KMSInvalidStateException",
  message: "proxy slow",
  operation: "Encrypt",
  requestId: "req-1",
  httpStatusCode: 400,
  code: "KMSInvalidStateException",
  cause: "XKS_PROXY_TIMED_OUT",
  category: "connectivity",
  retryable: true,
  attempts: 2,
  customKeyStoreId: "cks-1",
  keyStoreType: "EXTERNAL_KEY_STORE",
  keyId: "key-1",
  remediation: {
    summary: "The proxy is slow.",
    steps: ["Check the proxy.", "Check the network."],
    docs: ["https://a.example/1", "https://b.example/2"],
  },
});

describe("toLogEntry: exact records", () => {
  it("writes every field of a complete failure", () => {
    expect(toLogEntry(full)).toStrictEqual({
      "error.type": "KMSInvalidStateException",
      "error.message": "proxy slow",
      "rpc.system": "aws-api",
      "rpc.service": "KMS",
      "rpc.method": "Encrypt",
      "aws.request_id": "req-1",
      "http.response.status_code": 400,
      "kms.failure.code": "KMSInvalidStateException",
      "kms.failure.cause": "XKS_PROXY_TIMED_OUT",
      "kms.failure.category": "connectivity",
      "kms.failure.retryable": true,
      "kms.failure.attempts": 2,
      "kms.custom_key_store.id": "cks-1",
      "kms.custom_key_store.type": "EXTERNAL_KEY_STORE",
      "kms.key.id": "key-1",
      "kms.remediation.summary": "The proxy is slow.",
      "kms.remediation.steps": ["Check the proxy.", "Check the network."],
      "kms.remediation.docs": ["https://a.example/1", "https://b.example/2"],
    });
  });

  it("fills the required keys with fixed defaults and leaves the optional keys out of an empty failure", () => {
    const entry = toLogEntry(forge({}));
    expect(entry).toStrictEqual({
      "error.type": "Unrecognized",
      "rpc.system": "aws-api",
      "rpc.service": "KMS",
      "kms.failure.code": "",
      "kms.failure.cause": "UNRECOGNIZED",
      "kms.failure.category": "unknown",
      "kms.failure.retryable": false,
      "kms.remediation.summary": "",
      "kms.remediation.steps": [],
      "kms.remediation.docs": [],
    });
    expect(Object.keys(entry)).toHaveLength(10);
  });

  it("uses the defaults for fields of the wrong type", () => {
    const entry = toLogEntry(
      forge({
        kind: 1,
        code: {},
        cause: null,
        category: 7,
        remediation: { summary: 3, steps: "x", docs: {} },
      }),
    );
    expect(entry["error.type"]).toBe("Unrecognized");
    expect(entry["kms.failure.code"]).toBe("");
    expect(entry["kms.failure.cause"]).toBe("UNRECOGNIZED");
    expect(entry["kms.failure.category"]).toBe("unknown");
    expect(entry["kms.remediation.summary"]).toBe("");
    expect(entry["kms.remediation.steps"]).toEqual([]);
    expect(entry["kms.remediation.docs"]).toEqual([]);
  });

  it.each([
    [true, true],
    [false, false],
    ["true", false],
    [1, false],
    [undefined, false],
  ])("reports retryable %j as %j", (retryable, expected) => {
    expect(toLogEntry(forge({ retryable }))["kms.failure.retryable"]).toBe(expected);
  });

  it("keeps finite numbers (zero included) and drops non-numbers and non-finite numbers", () => {
    expect(toLogEntry(forge({ attempts: 0, httpStatusCode: 503 }))).toMatchObject({
      "kms.failure.attempts": 0,
      "http.response.status_code": 503,
    });
    for (const bad of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, "3", null]) {
      const entry = toLogEntry(forge({ attempts: bad, httpStatusCode: bad }));
      expect(Object.keys(entry)).not.toContain("kms.failure.attempts");
      expect(Object.keys(entry)).not.toContain("http.response.status_code");
    }
  });

  it("keeps only the string steps and docs, each redacted, in order", () => {
    const entry = toLogEntry(
      forge({
        remediation: {
          summary: "s",
          steps: ["first", 2, null, "sec\nond"],
          docs: [undefined, "https://x.example/a"],
        },
      }),
    );
    expect(entry["kms.remediation.steps"]).toEqual(["first", "sec ond"]);
    expect(entry["kms.remediation.docs"]).toEqual(["https://x.example/a"]);
  });

  it("cleans every optional string field", () => {
    const entry = toLogEntry(
      forge({
        message: "m\n1",
        operation: "o\n2",
        requestId: "r\n3",
        customKeyStoreId: "c\n4",
        keyStoreType: "t\n5",
        keyId: "k\n6",
      }),
    );
    expect(entry).toMatchObject({
      "error.message": "m 1",
      "rpc.method": "o 2",
      "aws.request_id": "r 3",
      "kms.custom_key_store.id": "c 4",
      "kms.custom_key_store.type": "t 5",
      "kms.key.id": "k 6",
    });
  });
});

describe("formatFailure: exact text", () => {
  it("renders every section of a complete failure, in order", () => {
    expect(formatFailure(full)).toBe(
      [
        "KMSInvalidStateException: XKS_PROXY_TIMED_OUT during Encrypt on key key-1 in custom key store cks-1 (EXTERNAL_KEY_STORE)",
        "  Message: proxy slow",
        "  Why: The proxy is slow.",
        "  Retry: yes, the same request may succeed soon (use backoff).",
        "  What to do:",
        "    1. Check the proxy.",
        "    2. Check the network.",
        "  Docs:",
        "    - https://a.example/1",
        "    - https://b.example/2",
        "  Request: request id req-1, HTTP 400, 2 attempts",
      ].join("\n"),
    );
  });

  it("renders only the headline, why and retry lines for an empty failure", () => {
    expect(formatFailure(forge({}))).toBe(
      "Unrecognized: UNRECOGNIZED\n  Why: \n  Retry: no, something must change first (category: unknown).",
    );
  });

  const base = { kind: "K", cause: "C", category: "input", remediation: { summary: "S" } };
  const tail = "\n  Why: S\n  Retry: no, something must change first (category: input).";

  it.each([
    [{ operation: "Sign" }, "K: C during Sign"],
    [{ keyId: "key-9" }, "K: C on key key-9"],
    [{ customKeyStoreId: "cks-9" }, "K: C in custom key store cks-9"],
    [{ keyStoreType: "AWS_CLOUDHSM" }, "K: C (AWS_CLOUDHSM)"],
    [{ operation: "Sign", keyStoreType: "AWS_CLOUDHSM" }, "K: C during Sign (AWS_CLOUDHSM)"],
  ])("puts only the known context %j on the headline", (context, headline) => {
    expect(formatFailure(forge({ ...base, ...context }))).toBe(`${headline}${tail}`);
  });

  it.each([
    [{ requestId: "req-9" }, "request id req-9"],
    [{ httpStatusCode: 500 }, "HTTP 500"],
    [{ attempts: 1 }, "1 attempt"],
    [{ attempts: 0 }, "0 attempts"],
    [{ attempts: 4 }, "4 attempts"],
    [{ requestId: "req-9", attempts: 1 }, "request id req-9, 1 attempt"],
  ])("puts only the known request details %j on the last line", (details, request) => {
    expect(formatFailure(forge({ ...base, ...details }))).toBe(`K: C${tail}\n  Request: ${request}`);
  });

  it("shows the message line only when there is a message, even an empty one", () => {
    expect(formatFailure(forge({ ...base, message: "boom" }))).toBe(`K: C\n  Message: boom${tail}`);
    expect(formatFailure(forge({ ...base, message: "" }))).toBe(`K: C\n  Message: ${tail}`);
  });

  it("shows steps without docs and docs without steps", () => {
    expect(formatFailure(forge({ ...base, remediation: { summary: "S", steps: ["only step"] } }))).toBe(
      `K: C${tail}\n  What to do:\n    1. only step`,
    );
    expect(
      formatFailure(forge({ ...base, remediation: { summary: "S", docs: ["https://d.example"] } })),
    ).toBe(`K: C${tail}\n  Docs:\n    - https://d.example`);
  });

  it("says yes to retrying only when retryable is exactly true", () => {
    expect(formatFailure(forge({ ...base, retryable: true }))).toBe(
      "K: C\n  Why: S\n  Retry: yes, the same request may succeed soon (use backoff).",
    );
    expect(formatFailure(forge({ ...base, retryable: "yes" }))).toBe(`K: C${tail}`);
  });

  it("has no colour codes and no control characters", () => {
    const text = formatFailure(forge({ ...full, message: "\u001b[31mred\u001b[0m" }));
    expect(text).not.toContain("\u001b");
    expect(text.split("\n")[1]).toBe("  Message: red");
  });
});
