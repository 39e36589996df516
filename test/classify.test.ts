import { ConnectionErrorCodeType } from "@aws-sdk/client-kms";
import { catalog, classify, failureOf, isCustomKeyStoreFailure, type KmsFailure } from "kms-keystore-errors";
import { describe, expect, it } from "vitest";
import { entryForCode, KINDS, MESSAGE_RULES } from "../src/catalog/index.js";
import { FAILURE_KEY } from "../src/failure.js";
import { foreignServiceError, sdkExceptionNames, serviceError, socketError } from "./support/errors.js";
import { fallbackCause } from "./support/services.js";

const wireKinds = KINDS.filter((k) => "status" in k);

/** The cause a kind has when no message rule applies. */

/** Checks the invariants every failure has. */
function expectWellFormed(failure: KmsFailure): void {
  expect(Object.isFrozen(failure)).toBe(true);
  expect(typeof failure.kind).toBe("string");
  expect(typeof failure.code).toBe("string");
  const entry = catalog.find((e) => e.cause === failure.cause);
  expect(entry, `cause ${failure.cause}`).toBeDefined();
  expect(entry?.kinds).toContain(failure.kind);
  expect(failure.retryable).toBe(entry?.retryable);
  expect(failure.category).toBe(entry?.category);
  expect(failure.remediation.steps.length).toBeGreaterThan(0);
  expect(Object.keys(failure)).not.toContain("error");
}

describe(classify.name, () => {
  describe("every exception the SDK exports", () => {
    it.each(sdkExceptionNames())("%s keeps its kind and gets its fallback cause", (name) => {
      const error = serviceError(name, "", { httpStatusCode: 400, requestId: "r-42", attempts: 2 });
      const failure = classify(error);
      expectWellFormed(failure);
      expect(failure.kind).toBe(name);
      expect(failure.code).toBe(name);
      expect(failure.cause).toBe(fallbackCause(name));
      expect(failure.requestId).toBe("r-42");
      expect(failure.httpStatusCode).toBe(400);
      expect(failure.attempts).toBe(2);
      expect(failure.error).toBe(error);
    });
  });

  describe("every wire kind, from another copy of the SDK (duck typing)", () => {
    it.each(wireKinds.map((k) => [k.kind, k.status] as const))("%s", (name, status) => {
      const failure = classify(foreignServiceError(name, "whatever", status));
      expectWellFormed(failure);
      expect(failure.kind).toBe(name);
      expect(failure.httpStatusCode).toBe(status);
    });
  });

  describe("message rules", () => {
    // Rules of the library's own kinds (TransportError, Unrecognized) read pasted text and plain
    // errors, not service errors: test/explain-sdk-texts.test.ts and test/guidance.test.ts cover them.
    const wireRuleKind = (k: string) =>
      KINDS.some((i) => i.kind === k && "messageRules" in i && "status" in i);
    const wireRules = MESSAGE_RULES.filter((rule) =>
      catalog.find((e) => e.cause === rule.cause)?.kinds.some(wireRuleKind),
    );
    const cases = wireRules.flatMap((rule) => {
      const entry = catalog.find((e) => e.cause === rule.cause);
      const kinds = (entry?.kinds ?? []).filter(wireRuleKind);
      const first = rule.match[0];
      const words = typeof first === "string" ? first : (first ?? []).join(" and ");
      return kinds.map((kind) => [rule.cause, kind, words] as const);
    });

    it("has a case for every rule of a wire kind", () => {
      expect(new Set(cases.map(([cause]) => cause)).size).toBe(new Set(wireRules.map((r) => r.cause)).size);
      expect(wireRules.length).toBeGreaterThan(MESSAGE_RULES.length / 2);
    });

    it.each(cases)("%s behind %s", (cause, kind, words) => {
      const sentence = `arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab: ${words.toUpperCase().replaceAll(" ", ",  ")}!`;
      const failure = classify(serviceError(kind, sentence));
      expectWellFormed(failure);
      expect(failure.kind).toBe(kind);
      expect(failure.cause).toBe(cause);
    });

    it("every cause a wire kind lists is reachable: its fallback, or a rule the kind reads", () => {
      const unreachable = catalog.flatMap((entry) =>
        entry.kinds
          .filter((kind) => KINDS.some((k) => k.kind === kind && "status" in k))
          .filter((kind) => fallbackCause(kind) !== entry.cause)
          .filter(
            (kind) =>
              !KINDS.some((k) => k.kind === kind && "messageRules" in k) ||
              !MESSAGE_RULES.some((rule) => rule.cause === entry.cause),
          )
          .map((kind) => `${kind} → ${entry.cause}`),
      );
      expect(unreachable).toEqual([]);
    });

    it("falls back to the exception's generic cause when no rule matches", () => {
      const failure = classify(serviceError("KMSInvalidStateException", "Something entirely new happened."));
      expect(failure.cause).toBe("KMS_INVALID_STATE");
    });

    it("a proxy timeout behind KMSInvalidStateException is retryable, unlike the generic invalid state", () => {
      const timeout = classify(
        serviceError(
          "KMSInvalidStateException",
          "The external key store proxy did not respond in time. Retry the request.",
        ),
      );
      expect(timeout.cause).toBe("XKS_PROXY_TIMED_OUT");
      expect(timeout.retryable).toBe(true);
      expect(timeout.keyStoreType).toBe("EXTERNAL_KEY_STORE");
      expect(isCustomKeyStoreFailure(timeout)).toBe(true);
      expect(classify(serviceError("KMSInvalidStateException", "")).retryable).toBe(false);
    });
  });

  describe("transport and client-side errors", () => {
    it.each(["ECONNREFUSED", "ECONNRESET", "EPIPE", "ENOTFOUND", "EAI_AGAIN", "EHOSTUNREACH"])(
      "%s is a retryable TransportError with the socket code",
      (code) => {
        const failure = classify(socketError(code));
        expectWellFormed(failure);
        expect(failure.kind).toBe("TransportError");
        expect(failure.code).toBe(code);
        expect(failure.retryable).toBe(true);
      },
    );

    it("ETIMEDOUT and TimeoutError are request timeouts", () => {
      expect(classify(socketError("ETIMEDOUT")).cause).toBe("REQUEST_TIMEOUT");
      const timeout = Object.assign(new Error("Connection timed out after 100 ms"), { name: "TimeoutError" });
      expect(classify(timeout)).toMatchObject({
        kind: "TransportError",
        cause: "REQUEST_TIMEOUT",
        retryable: true,
      });
      const withCode = Object.assign(new Error("socket hang up"), {
        name: "TimeoutError",
        code: "ECONNRESET",
      });
      expect(classify(withCode)).toMatchObject({ kind: "TransportError", code: "ECONNRESET" });
    });

    it("a fetch TypeError, with its socket cause, is a TransportError", () => {
      const failure = classify(new TypeError("fetch failed", { cause: socketError("ECONNREFUSED") }));
      expect(failure).toMatchObject({ kind: "TransportError", retryable: true });
      expect(classify(new TypeError("Failed to fetch"))).toMatchObject({
        kind: "TransportError",
        code: "TypeError",
      });
    });

    it("a body that is not KMS's (SyntaxError with a status) is a TransportError, retryable only for 5xx/429", () => {
      const html502 = Object.assign(new SyntaxError("Unexpected token '<'"), {
        $metadata: { httpStatusCode: 502 },
      });
      expect(classify(html502)).toMatchObject({
        kind: "TransportError",
        cause: "NON_KMS_RESPONSE",
        retryable: true,
      });
      const html403 = Object.assign(new SyntaxError("Unexpected token '<'"), {
        $metadata: { httpStatusCode: 403 },
      });
      expect(classify(html403)).toMatchObject({
        kind: "TransportError",
        cause: "NON_KMS_CLIENT_ERROR_RESPONSE",
        retryable: false,
      });
    });

    it("a response without an error code (the SDK's `Unknown`) is not KMS's answer", () => {
      const empty = (status: number) =>
        Object.assign(new Error("UnknownError"), {
          name: "Unknown",
          $fault: status >= 500 ? "server" : "client",
          $metadata: { httpStatusCode: status },
        });
      expect(classify(empty(503))).toMatchObject({
        kind: "TransportError",
        cause: "NON_KMS_RESPONSE",
        retryable: true,
      });
      expect(classify(empty(403))).toMatchObject({
        kind: "TransportError",
        cause: "NON_KMS_CLIENT_ERROR_RESPONSE",
      });
    });

    it("an unreadable body with a success status is not called a client error", () => {
      const cut = Object.assign(new SyntaxError("Unexpected end of JSON input"), {
        $metadata: { httpStatusCode: 200 },
      });
      expect(classify(cut)).toMatchObject({
        kind: "TransportError",
        cause: "UNREADABLE_RESPONSE",
        retryable: false,
      });
    });

    it("AbortError is Aborted and never retryable", () => {
      const abort = Object.assign(new Error("Request aborted"), { name: "AbortError" });
      expect(classify(abort)).toMatchObject({ kind: "Aborted", retryable: false });
      expect(classify(new DOMException("This operation was aborted", "AbortError")).kind).toBe("Aborted");
    });

    it("credential provider errors are authorization failures", () => {
      const error = Object.assign(new Error("Could not load credentials from any providers"), {
        name: "CredentialsProviderError",
      });
      expect(classify(error)).toMatchObject({ kind: "CredentialsProviderError", category: "authorization" });
    });
  });

  describe("unknown service errors", () => {
    it("keep the name as code and follow the SDK's retry rules", () => {
      expect(classify(serviceError("BrandNewException", "m", { httpStatusCode: 400 }))).toMatchObject({
        kind: "UnknownServiceError",
        code: "BrandNewException",
        cause: "UNKNOWN_SERVICE_ERROR",
        retryable: false,
        message: "m",
      });
      expect(classify(serviceError("BrandNewException", "m", { httpStatusCode: 503 }))).toMatchObject({
        cause: "UNKNOWN_SERVER_ERROR",
        retryable: true,
      });
      expect(classify(serviceError("BrandNewException", "m", { httpStatusCode: 429 }))).toMatchObject({
        cause: "UNKNOWN_THROTTLING_ERROR",
        retryable: true,
        category: "throttling",
      });
    });
  });

  describe("LimitExceededException", () => {
    it("is a quota, not retryable, although the SDK treats the name as throttling", () => {
      expect(classify(serviceError("LimitExceededException", "quota"))).toMatchObject({
        category: "quota",
        retryable: false,
      });
    });
  });

  describe("connection error codes", () => {
    it("every ConnectionErrorCodeType value has exactly one ConnectionFailed entry", () => {
      for (const code of Object.values(ConnectionErrorCodeType)) {
        expect(entryForCode(code)?.kinds, code).toContain("ConnectionFailed");
      }
    });
  });

  describe("context", () => {
    it("takes operation and identifiers, never secrets, from the command input", () => {
      const input = {
        CustomKeyStoreId: "cks-1234567890abcdef0",
        KeyStorePassword: "kmsuser-Pa55word!",
        XksProxyAuthenticationCredential: {
          AccessKeyId: "ABCDEFGHIJKLMNOPQRST",
          RawSecretAccessKey: "SECRETSECRETSECRETSECRETSECRETSECRETSECRET1",
        },
      };
      const error = serviceError(
        "XksProxyIncorrectAuthenticationCredentialException",
        "Proxy rejected ABCDEFGHIJKLMNOPQRST / SECRETSECRETSECRETSECRETSECRETSECRETSECRET1 and kmsuser-Pa55word!",
      );
      const failure = classify(error, { operation: "UpdateCustomKeyStore", input });
      expect(failure).toMatchObject({
        operation: "UpdateCustomKeyStore",
        customKeyStoreId: "cks-1234567890abcdef0",
        cause: "INVALID_CREDENTIALS",
        keyStoreType: "EXTERNAL_KEY_STORE",
      });
      const text = JSON.stringify(failure);
      expect(text).not.toContain("ABCDEFGHIJKLMNOPQRST");
      expect(text).not.toContain("SECRETSECRET");
      expect(text).not.toContain("Pa55word");
      expect(failure.message).toBe("Proxy rejected [REDACTED] / [REDACTED] and [REDACTED]");
    });

    it("redacts binary plaintext both as text and as Base64", () => {
      const plaintext = new TextEncoder().encode("card 4111111111111111");
      const b64 = Buffer.from(plaintext).toString("base64");
      const error = serviceError("KMSInvalidStateException", `echo: card 4111111111111111 ${b64}`);
      const failure = classify(error, { input: { KeyId: "k-1", Plaintext: plaintext } });
      expect(failure.message).toBe("echo: [REDACTED] [REDACTED]");
      expect(failure.keyId).toBe("k-1");
    });

    it("removes control characters so a message cannot forge log lines", () => {
      const failure = classify(serviceError("ValidationException", 'bad\n{"level":"info","msg":"forged"}\r'));
      expect(failure.message).not.toMatch(/[\n\r]/);
    });

    it("caps huge messages", () => {
      const failure = classify(serviceError("ValidationException", "x".repeat(1_000_000)));
      expect((failure.message ?? "").length).toBeLessThan(3000);
    });

    it("takes the key store type from the input when the error does not say", () => {
      const failure = classify(serviceError("CustomKeyStoreNameInUseException", "in use"), {
        input: { CustomKeyStoreType: "AWS_CLOUDHSM" },
      });
      expect(failure.keyStoreType).toBe("AWS_CLOUDHSM");
    });
  });

  describe("attached failures", () => {
    const attached = (error: object, failure: KmsFailure) =>
      Object.defineProperty(error, FAILURE_KEY, { value: failure, enumerable: false });

    it("are reused, found through error.cause, and context only fills missing fields", () => {
      const inner = serviceError("DisabledException", "arn is disabled.");
      const original = classify(inner, { operation: "Encrypt" });
      attached(inner, original);
      const wrapper = new Error("wrapped", { cause: new Error("again", { cause: inner }) });
      expect(failureOf(wrapper)).toBe(original);
      expect(classify(wrapper)).toBe(original);
      const more = classify(wrapper, { operation: "Decrypt", keyId: "key-9" });
      expect(more).not.toBe(original);
      expect(more).toMatchObject({ operation: "Encrypt", keyId: "key-9", cause: original.cause });
      expect(Object.isFrozen(more)).toBe(true);
      expect(more.error).toBe(inner);
    });

    it("are not looked for deeper than 10 causes", () => {
      const inner = serviceError("DisabledException", "x");
      attached(inner, classify(inner));
      let chain: Error = inner;
      for (let i = 0; i < 11; i++) chain = new Error(`level ${i}`, { cause: chain });
      expect(failureOf(chain)).toBeUndefined();
    });

    it("ignore a forged value under the key", () => {
      const error = serviceError("DisabledException", "x");
      Object.defineProperty(error, FAILURE_KEY, {
        value: Object.freeze({ kind: "DisabledException", cause: "NOPE" }),
      });
      expect(failureOf(error)).toBeUndefined();
      expect(classify(error).cause).toBe(fallbackCause("DisabledException"));
    });
  });

  describe("hostile input", () => {
    const revoked = Proxy.revocable({}, {});
    revoked.revoke();
    const throwingProxy = new Proxy(
      {},
      {
        get() {
          throw new Error("trap");
        },
        has() {
          throw new Error("trap");
        },
        getPrototypeOf() {
          throw new Error("trap");
        },
      },
    );
    const cyclic: Record<string, unknown> = { name: "KMSInvalidStateException" };
    cyclic.cause = cyclic;
    cyclic.message = cyclic;
    const throwingGetters = Object.defineProperty({}, "name", {
      get() {
        throw new Error("getter");
      },
    });
    const values: [string, unknown][] = [
      ["null", null],
      ["undefined", undefined],
      ["a number", 42],
      ["a string", "KMSInvalidStateException"],
      ["a symbol", Symbol("s")],
      ["a bigint", 10n],
      ["a function", () => 1],
      ["a revoked proxy", revoked.proxy],
      ["a proxy whose traps throw", throwingProxy],
      ["a cyclic object", cyclic],
      ["throwing getters", throwingGetters],
      ["toString: 0", { toString: 0, name: { toString: 0 } }],
      ["a frozen error", Object.freeze(serviceError("DisabledException", "frozen"))],
      ["an object without prototype", Object.create(null)],
    ];
    it.each(values)("%s gives a well-formed failure", (_label, value) => {
      const failure = classify(value);
      expectWellFormed(failure);
    });
  });
});

describe(failureOf.name, () => {
  it("is undefined for errors without a failure and for non-objects", () => {
    expect(failureOf(new Error("x"))).toBeUndefined();
    expect(failureOf(null)).toBeUndefined();
    expect(failureOf("s")).toBeUndefined();
  });
});

describe(isCustomKeyStoreFailure.name, () => {
  it("is true for key store exceptions and false for general ones", () => {
    expect(isCustomKeyStoreFailure(classify(serviceError("XksProxyUriInUseException", "")))).toBe(true);
    expect(isCustomKeyStoreFailure(classify(serviceError("CloudHsmClusterNotActiveException", "")))).toBe(
      true,
    );
    expect(isCustomKeyStoreFailure(classify(serviceError("InvalidCiphertextException", "")))).toBe(false);
    expect(isCustomKeyStoreFailure(classify(serviceError("KMSInvalidStateException", "")))).toBe(false);
  });
});
