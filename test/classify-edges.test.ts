import { classify, failureOf, isCustomKeyStoreFailure, type KmsFailure } from "kms-keystore-errors";
import { describe, expect, it } from "vitest";
import { catalogEntry } from "../src/catalog/index.js";
import { SERVICE_WRAPPERS } from "../src/catalog/services.js";
import { FAILURE_KEY, makeFailure, withFields } from "../src/failure.js";
import { socketError } from "./support/errors.js";
import { type Row, wrapperError } from "./support/services.js";

/** The keys every failure has, in the order `makeFailure` writes them. */
const BASE_KEYS = ["kind", "code", "cause", "category", "retryable", "remediation"];

/** An SDK-shaped error from another copy of the SDK, with exactly the metadata given. */
const shaped = (name: string, fields: Record<string, unknown>, message = "m") =>
  Object.assign(new Error(message), { name, ...fields });

/** The service table's row of one wrapper. */
const sdkRow = (service: string, code: string): Row => {
  const found = SERVICE_WRAPPERS.find((r) => r.service === service && r.code === code);
  if (found === undefined) throw new Error(`no row ${service} ${code}`);
  return found;
};

const attach = (error: object, value: unknown) =>
  Object.defineProperty(error, FAILURE_KEY, { value, enumerable: false });

/** `count` wrappers around `inner`, each the `cause` of the next. */
const wrapped = (inner: unknown, count: number): Error => {
  let chain = inner;
  for (let i = 0; i < count; i++) chain = new Error(`level ${i}`, { cause: chain });
  return chain as Error;
};

describe("classify: fields present only when known", () => {
  it("an Error with a message has exactly the base keys and the message", () => {
    const failure = classify(new Error("boom"));
    expect(Object.keys(failure)).toEqual([...BASE_KEYS, "message"]);
    expect(failure).toMatchObject({
      kind: "Unrecognized",
      code: "Error",
      cause: "UNRECOGNIZED",
      message: "boom",
    });
    expect(failure.error).toBeInstanceOf(Error);
  });

  it("an empty message is left out, not kept as an empty string", () => {
    const failure = classify(new Error(""));
    expect(Object.keys(failure)).toEqual(BASE_KEYS);
    expect("message" in failure).toBe(false);
  });

  it("a non-string message is left out", () => {
    expect(Object.keys(classify({ name: "AbortError", message: 42 }))).toEqual(BASE_KEYS);
    expect(Object.keys(classify({ name: "AbortError" }))).toEqual(BASE_KEYS);
  });

  it("a plain object gives only the base keys", () => {
    expect(Object.keys(classify({}))).toEqual(BASE_KEYS);
    expect(Object.keys(classify(null))).toEqual(BASE_KEYS);
  });

  it("context fields, request id, status and attempts are added in a fixed order", () => {
    const error = shaped("DisabledException", {
      $fault: "client",
      $metadata: { httpStatusCode: 400, requestId: "req-7", attempts: 3 },
    });
    const failure = classify(error, {
      operation: "Encrypt",
      customKeyStoreId: "cks-1",
      keyId: "key-1",
    });
    expect(Object.keys(failure)).toEqual([
      ...BASE_KEYS,
      "message",
      "operation",
      "customKeyStoreId",
      "keyId",
      "requestId",
      "httpStatusCode",
      "attempts",
    ]);
    expect(failure).toMatchObject({
      operation: "Encrypt",
      customKeyStoreId: "cks-1",
      keyId: "key-1",
      requestId: "req-7",
      httpStatusCode: 400,
      attempts: 3,
    });
  });

  it("without an input, nothing in the message is redacted", () => {
    for (const text of ["password hunter2", "[REDACTED]?"]) {
      expect(classify(new Error(text)).message).toBe(text);
    }
  });
});

describe("classify: status and attempts must be non-negative integers", () => {
  const withMetadata = (metadata: Record<string, unknown>) =>
    classify(shaped("DisabledException", { $fault: "client", $metadata: metadata }));

  it("keeps 0", () => {
    const failure = withMetadata({ httpStatusCode: 0, attempts: 0 });
    expect(failure.httpStatusCode).toBe(0);
    expect(failure.attempts).toBe(0);
    expect(Object.keys(failure)).toEqual([...BASE_KEYS, "message", "httpStatusCode", "attempts"]);
  });

  it.each([
    ["negative", -1],
    ["fractional", 1.5],
    ["a numeric string", "2"],
    ["NaN", Number.NaN],
    ["infinite", Number.POSITIVE_INFINITY],
    ["null", null],
  ])("drops %s values", (_label, value) => {
    const failure = withMetadata({ httpStatusCode: value, attempts: value });
    expect(Object.keys(failure)).toEqual([...BASE_KEYS, "message"]);
  });

  it("a non-integer status of an unknown error counts as no status", () => {
    const failure = classify(
      shaped("BrandNewException", { $fault: "server", $metadata: { httpStatusCode: 502.5 } }),
    );
    expect(failure.cause).toBe("UNKNOWN_SERVICE_ERROR");
    expect("httpStatusCode" in failure).toBe(false);
  });
});

describe("classify: key store type from the command input", () => {
  const typeFrom = (input: Record<string, unknown>) => classify(new Error("x"), { input }).keyStoreType;

  it("reads CustomKeyStoreType, either value", () => {
    expect(typeFrom({ CustomKeyStoreType: "EXTERNAL_KEY_STORE" })).toBe("EXTERNAL_KEY_STORE");
    expect(typeFrom({ CustomKeyStoreType: "AWS_CLOUDHSM" })).toBe("AWS_CLOUDHSM");
  });

  it("falls back to Origin", () => {
    expect(typeFrom({ Origin: "AWS_CLOUDHSM" })).toBe("AWS_CLOUDHSM");
    expect(typeFrom({ Origin: "EXTERNAL_KEY_STORE" })).toBe("EXTERNAL_KEY_STORE");
  });

  it("prefers CustomKeyStoreType to Origin", () => {
    expect(typeFrom({ CustomKeyStoreType: "AWS_CLOUDHSM", Origin: "EXTERNAL_KEY_STORE" })).toBe(
      "AWS_CLOUDHSM",
    );
  });

  it("ignores other values and then leaves the key out", () => {
    const failure = classify(new Error("x"), { input: { CustomKeyStoreType: "FOO", Origin: "AWS_KMS" } });
    expect(failure.keyStoreType).toBeUndefined();
    expect(Object.keys(failure)).toEqual([...BASE_KEYS, "message"]);
    const invalidThenOrigin = classify(new Error("x"), {
      input: { CustomKeyStoreType: "FOO", Origin: "EXTERNAL_KEY_STORE" },
    });
    expect(invalidThenOrigin.keyStoreType).toBe("EXTERNAL_KEY_STORE");
  });

  it("places keyStoreType between retryable and remediation", () => {
    const failure = classify(new Error("x"), { input: { Origin: "AWS_CLOUDHSM" } });
    expect(Object.keys(failure)).toEqual([
      "kind",
      "code",
      "cause",
      "category",
      "retryable",
      "keyStoreType",
      "remediation",
      "message",
    ]);
  });
});

describe("classify: the code of an unrecognized value names its type", () => {
  class CustomThing {}
  class MyError extends Error {}
  const anonymous = [() => 1][0];
  it.each<[string, unknown, string]>([
    ["null", null, "null"],
    ["undefined", undefined, "undefined"],
    ["a number", 42, "number"],
    ["a string", "oops", "string"],
    ["a boolean", true, "boolean"],
    ["a symbol", Symbol("s"), "symbol"],
    ["a bigint", 10n, "bigint"],
    ["an anonymous function", anonymous, "function"],
    ["a plain object", {}, "Object"],
    ["an array", [], "Array"],
    ["a class instance", new CustomThing(), "CustomThing"],
    ["an object without prototype", Object.create(null), "object"],
    ["an object whose constructor name is not a string", { constructor: { name: 7 } }, "object"],
  ])("%s", (_label, value, code) => {
    const failure = classify(value);
    expect(failure).toMatchObject({ kind: "Unrecognized", cause: "UNRECOGNIZED", code });
  });

  it("a proxy whose traps throw is an `object`", () => {
    const proxy = new Proxy(
      {},
      {
        get() {
          throw new Error("trap");
        },
      },
    );
    expect(classify(proxy)).toMatchObject({ kind: "Unrecognized", code: "object" });
  });

  it("prefers error.code, then error.name, to the constructor name", () => {
    expect(classify(Object.assign(new Error("x"), { code: "E_CUSTOM" })).code).toBe("E_CUSTOM");
    // A subclass that does not set `name` keeps Error's.
    expect(classify(new MyError("x")).code).toBe("Error");
    expect(classify(Object.assign(new MyError("x"), { name: "" })).code).toBe("MyError");
  });
});

describe("classify: functions are read like objects, primitives are not read", () => {
  it("a function named like a client error is classified by its name", () => {
    function TokenProviderError() {}
    expect(classify(TokenProviderError)).toMatchObject({
      kind: "TokenProviderError",
      code: "TokenProviderError",
    });
    const withCode = Object.assign(() => undefined, { code: "ECONNRESET" });
    expect(classify(withCode)).toMatchObject({ kind: "TransportError", code: "ECONNRESET" });
  });

  it("a thrown string is not read as an error even when String.prototype is polluted", () => {
    const descriptor = { value: "ECONNRESET", configurable: true, writable: true };
    Object.defineProperty(String.prototype, "code", descriptor);
    let failure: KmsFailure;
    try {
      failure = classify("connection broke");
    } finally {
      delete (String.prototype as unknown as Record<string, unknown>).code;
    }
    expect(failure).toMatchObject({ kind: "Unrecognized", code: "string" });
  });
});

describe("classify: client-side errors", () => {
  it("code ABORT_ERR alone means Aborted; the code is the name when there is one", () => {
    expect(classify({ code: "ABORT_ERR" })).toMatchObject({
      kind: "Aborted",
      code: "ABORT_ERR",
      cause: "ABORTED",
    });
    expect(
      classify(Object.assign(new Error("The operation was aborted"), { code: "ABORT_ERR" })),
    ).toMatchObject({
      kind: "Aborted",
      code: "Error",
      retryable: false,
    });
  });

  it("TokenProviderError is its own kind", () => {
    const error = shaped("TokenProviderError", {}, "Token is expired");
    expect(classify(error)).toMatchObject({
      kind: "TokenProviderError",
      code: "TokenProviderError",
      cause: "TOKEN_NOT_AVAILABLE",
      category: "authorization",
      retryable: false,
      message: "Token is expired",
    });
  });

  it("only a TypeError with a network message is a fetch failure", () => {
    expect(classify(new TypeError("fetch failed"))).toMatchObject({
      kind: "TransportError",
      cause: "NETWORK_ERROR",
      code: "TypeError",
    });
    expect(classify(new TypeError("x is not a function"))).toMatchObject({
      kind: "Unrecognized",
      code: "TypeError",
    });
    expect(classify(new Error("fetch failed"))).toMatchObject({ kind: "Unrecognized", code: "Error" });
  });
});

describe("classify: transport codes found in the cause chain", () => {
  it("the code is the error's name when it has one, else the socket code", () => {
    const fetchFailure = new TypeError("fetch failed", { cause: socketError("ECONNREFUSED") });
    expect(classify(fetchFailure)).toMatchObject({
      kind: "TransportError",
      cause: "NETWORK_ERROR",
      code: "TypeError",
    });
    const nameless = { message: "request failed", cause: socketError("ECONNRESET") };
    expect(classify(nameless)).toMatchObject({ kind: "TransportError", code: "ECONNRESET" });
  });

  it("the error's own code wins over its name", () => {
    const error = Object.assign(new Error("x"), { name: "TimeoutError", code: "ETIMEDOUT" });
    expect(classify(error)).toMatchObject({ cause: "REQUEST_TIMEOUT", code: "ETIMEDOUT" });
  });

  it("is looked for down to depth 10, not deeper", () => {
    expect(classify(wrapped(socketError("ECONNRESET"), 10))).toMatchObject({
      kind: "TransportError",
      code: "Error",
    });
    expect(classify(wrapped(socketError("ECONNRESET"), 11))).toMatchObject({ kind: "Unrecognized" });
  });
});

describe("classify: responses that are not KMS's", () => {
  const syntax = (metadata: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
    Object.assign(new SyntaxError("Unexpected token '<'"), { $metadata: metadata, ...extra });

  it.each<[string, number | undefined, string]>([
    ["no status", undefined, "NON_KMS_RESPONSE"],
    ["429", 429, "NON_KMS_RESPONSE"],
    ["500", 500, "NON_KMS_RESPONSE"],
    ["499", 499, "NON_KMS_CLIENT_ERROR_RESPONSE"],
    ["400", 400, "NON_KMS_CLIENT_ERROR_RESPONSE"],
    ["399", 399, "UNREADABLE_RESPONSE"],
  ])("a SyntaxError with %s", (_label, status, cause) => {
    const failure = classify(syntax(status === undefined ? {} : { httpStatusCode: status }));
    expect(failure).toMatchObject({ kind: "TransportError", code: "SyntaxError", cause });
  });

  it("a SyntaxError with a $fault is still not a service error", () => {
    const failure = classify(syntax({ httpStatusCode: 502 }, { $fault: "server" }));
    expect(failure).toMatchObject({ kind: "TransportError", code: "SyntaxError", cause: "NON_KMS_RESPONSE" });
  });

  it("a SyntaxError without $metadata is a bug in the caller, not a response", () => {
    expect(classify(new SyntaxError("Unexpected end of JSON input"))).toMatchObject({
      kind: "Unrecognized",
      code: "SyntaxError",
    });
  });

  it("a $fault without a name is not a service error", () => {
    const failure = classify({ $fault: "client", $metadata: { httpStatusCode: 400 } });
    expect(failure).toMatchObject({ kind: "Unrecognized", code: "Object", httpStatusCode: 400 });
  });
});

describe("classify: unknown service errors", () => {
  const unknown = (metadata: Record<string, unknown>, name = "BrandNewException") =>
    classify(shaped(name, { $fault: "client", $metadata: metadata }));

  it.each<[string, Record<string, unknown>, string]>([
    ["no status", {}, "UNKNOWN_SERVICE_ERROR"],
    ["status 0", { httpStatusCode: 0 }, "UNKNOWN_SERVICE_ERROR"],
    ["status 499", { httpStatusCode: 499 }, "UNKNOWN_SERVICE_ERROR"],
    ["status 500", { httpStatusCode: 500 }, "UNKNOWN_SERVER_ERROR"],
    ["status 429", { httpStatusCode: 429 }, "UNKNOWN_THROTTLING_ERROR"],
  ])("with %s", (_label, metadata, cause) => {
    expect(unknown(metadata)).toMatchObject({
      kind: "UnknownServiceError",
      code: "BrandNewException",
      cause,
    });
  });

  it("a throttling name is throttling whatever the status", () => {
    expect(unknown({ httpStatusCode: 400 }, "TooManyRequestsException")).toMatchObject({
      kind: "UnknownServiceError",
      code: "TooManyRequestsException",
      cause: "UNKNOWN_THROTTLING_ERROR",
      category: "throttling",
      retryable: true,
    });
  });

  it("a name the catalog lists for another kind follows the status", () => {
    expect(unknown({ httpStatusCode: 400 }, "RequestTimeoutException")).toMatchObject({
      kind: "UnknownServiceError",
      code: "RequestTimeoutException",
      cause: "UNKNOWN_SERVICE_ERROR",
    });
  });
});

describe("classify: a context that throws", () => {
  const hostileContext = Object.defineProperty({}, "input", {
    get() {
      throw new Error("getter");
    },
    enumerable: true,
  });

  it("gives the bare Unrecognized failure, keeping the error", () => {
    const error = new Error("boom");
    const failure = classify(error, hostileContext);
    expect(failure).toMatchObject({ kind: "Unrecognized", code: "Unrecognized", cause: "UNRECOGNIZED" });
    expect(Object.keys(failure)).toEqual(BASE_KEYS);
    expect(Object.isFrozen(failure)).toBe(true);
    expect(failure.error).toBe(error);
  });
});

describe("attached failures", () => {
  it("are found down to depth 10", () => {
    const inner = new Error("inner");
    const original = classify(inner);
    attach(inner, original);
    expect(failureOf(wrapped(inner, 10))).toBe(original);
    expect(classify(wrapped(inner, 10))).toBe(original);
  });

  it("must be frozen", () => {
    const inner = new Error("inner");
    const original = classify(inner);
    attach(inner, { ...original });
    expect(failureOf(inner)).toBeUndefined();
  });

  it("must be objects: a frozen function with failure fields is ignored", () => {
    const error = new Error("x");
    attach(
      error,
      Object.freeze(Object.assign(() => 1, { kind: "DisabledException", cause: "KEY_DISABLED" })),
    );
    expect(failureOf(error)).toBeUndefined();
    expect(classify(error)).toMatchObject({ kind: "Unrecognized", code: "Error" });
  });

  it("must have a kind, and one the cause allows", () => {
    const noKind = new Error("x");
    attach(noKind, Object.freeze({ cause: "KEY_DISABLED" }));
    expect(failureOf(noKind)).toBeUndefined();
    const mismatched = new Error("x");
    attach(mismatched, Object.freeze({ kind: "Aborted", cause: "KEY_DISABLED" }));
    expect(failureOf(mismatched)).toBeUndefined();
  });

  it("a forged value does not hide a real failure further down the chain", () => {
    const inner = new Error("inner");
    const original = classify(inner);
    attach(inner, original);
    const outer = new Error("outer", { cause: inner });
    attach(outer, Object.freeze({ kind: "DisabledException", cause: "NOPE" }));
    expect(failureOf(outer)).toBe(original);
  });

  it("context fills missing fields, from the context first, then the input", () => {
    const inner = new Error("inner");
    const original = classify(inner);
    attach(inner, original);
    const fromContext = classify(inner, {
      customKeyStoreId: "cks-ctx",
      input: { CustomKeyStoreId: "cks-in" },
    });
    expect(fromContext.customKeyStoreId).toBe("cks-ctx");
    const contextOnly = classify(inner, { customKeyStoreId: "cks-ctx", keyId: "key-ctx" });
    expect(contextOnly).toMatchObject({ customKeyStoreId: "cks-ctx", keyId: "key-ctx" });
    const fromInput = classify(inner, { input: { CustomKeyStoreId: "cks-in", KeyId: "key-in" } });
    expect(fromInput).toMatchObject({ customKeyStoreId: "cks-in", keyId: "key-in" });
    expect(Object.keys(fromInput)).toEqual([...BASE_KEYS, "message", "customKeyStoreId", "keyId"]);
  });

  it("the refilled failure keeps the error non-enumerable", () => {
    const inner = new Error("inner");
    attach(inner, classify(inner));
    const more = classify(inner, { operation: "Decrypt" });
    expect(more.error).toBe(inner);
    expect(Object.keys(more)).not.toContain("error");
    expect(JSON.stringify(more)).not.toContain('"error"');
    expect(Object.isFrozen(more)).toBe(true);
  });
});

describe("withFields", () => {
  it("adds only the defined fields, keeps the rest, hides the error, and returns the same failure when nothing changes", () => {
    const error = new Error("e");
    const failure = makeFailure(
      "ThrottlingException",
      "ThrottlingException",
      catalogEntry("THROTTLED"),
      undefined,
      { operation: "Encrypt" },
      error,
    );
    expect(withFields(failure, {})).toBe(failure);
    expect(withFields(failure, { keyId: undefined })).toBe(failure);
    const more = withFields(failure, { keyId: "k", message: undefined }) as unknown as Record<
      string,
      unknown
    >;
    expect(Object.keys(more)).toEqual([...BASE_KEYS, "operation", "keyId"]);
    expect(more.error).toBe(error);
    expect(Object.isFrozen(more)).toBe(true);
  });
});

describe("isCustomKeyStoreFailure on values that are not real failures", () => {
  it("is false for an unknown cause, a missing cause and a hostile value", () => {
    expect(isCustomKeyStoreFailure({ cause: "NOPE" } as unknown as KmsFailure)).toBe(false);
    expect(isCustomKeyStoreFailure({} as unknown as KmsFailure)).toBe(false);
    const proxy = new Proxy(
      {},
      {
        get() {
          throw new Error("trap");
        },
      },
    );
    expect(isCustomKeyStoreFailure(proxy as unknown as KmsFailure)).toBe(false);
  });
});

describe("attached failures and the context's identifiers", () => {
  it("the context's operation fills a failure that has none, never one that came through a service", () => {
    const inner = new Error("inner");
    attach(inner, classify(inner));
    expect(classify(inner, { operation: "Encrypt" }).operation).toBe("Encrypt");

    const viaS3 = wrapperError(sdkRow("S3", "KMS.DisabledException"), "The key is disabled.");
    attach(viaS3, classify(viaS3));
    const refilled = classify(viaS3, { operation: "GetObject", keyId: "key-ctx" });
    expect(refilled.via?.service).toBe("S3");
    expect("operation" in refilled).toBe(false);
    expect(refilled.keyId).toBe("key-ctx");
  });

  it("keeps the failure's own operation, key store and key over the context's", () => {
    const inner = new Error("inner");
    const own = classify(inner, { operation: "Decrypt", customKeyStoreId: "cks-own", keyId: "key-own" });
    attach(inner, own);
    const again = classify(inner, { operation: "Encrypt", customKeyStoreId: "cks-ctx", keyId: "key-ctx" });
    expect(again).toBe(own);
    expect(again).toMatchObject({ operation: "Decrypt", customKeyStoreId: "cks-own", keyId: "key-own" });
  });
});

describe("classify: the service the context names", () => {
  const viaS3 = () => wrapperError(sdkRow("S3", "KMS.DisabledException"), "The key is disabled.");

  it.each([
    ["empty", ""],
    ["longer than 128 characters", "S".repeat(129)],
    ["not a string", 3],
  ])("an %s service counts as none: the wrapper is still recognised", (_label, service) => {
    const failure = classify(viaS3(), { service } as never);
    expect(failure.kind).toBe("DisabledException");
    expect(failure.via?.service).toBe("S3");
  });

  it("a service of 128 characters is the caller's word, and the failure says it came through it", () => {
    const service = "S".repeat(128);
    const failure = classify(viaS3(), { service });
    expect(failure).toMatchObject({
      kind: "DisabledException",
      via: { service, code: "KMS.DisabledException" },
    });
  });
});

describe("classify: the SDK's placeholder name", () => {
  it("is a foreign response only with a $fault: alone it is an unrecognised error", () => {
    const bare = Object.assign(new Error("x"), { name: "Unknown" });
    expect(classify(bare)).toMatchObject({ kind: "Unrecognized", code: "Unknown", message: "x" });
    const answered = Object.assign(new Error("x"), { name: "Unknown", $fault: "client", $metadata: {} });
    expect(classify(answered).kind).toBe("TransportError");
  });
});

describe("classify: the AWS Encryption SDK's aggregated error, at its edges", () => {
  const HEADER = "Unable to decrypt data key and one or more KMS CMKs had an error. \n ";
  const aggregate = (...stacks: string[]) =>
    stacks.reduce((m, s, i) => `${m} Error #${i + 1} \n ${s} \n`, HEADER);

  it("without inner errors, stays the error it is, with its code and message", () => {
    const error = new Error("Unable to decrypt data key: No EDKs supplied.");
    expect(classify(error)).toMatchObject({
      kind: "Unrecognized",
      code: "Error",
      message: "Unable to decrypt data key: No EDKs supplied.",
    });
  });

  it("an error without a name reaches the caller through the Encryption SDK as `Error`", () => {
    const error = { message: aggregate("DisabledException: off\n    at x (y.js:1:1)") };
    const failure = classify(error);
    expect(failure.kind).toBe("DisabledException");
    expect(failure.via).toMatchObject({ code: "Error" });
  });

  it("prefers a transport failure to an unrecognised one, wherever it is in the list", () => {
    const failure = classify(
      new Error(
        aggregate(
          "SomethingOdd: not a KMS error\n    at x (y.js:1:1)",
          "TimeoutError: Socket timed out\n    at x (y.js:1:1)",
        ),
      ),
    );
    expect(failure.kind).toBe("TransportError");
    expect(failure.related?.map((f) => f.kind)).toEqual(["Unrecognized", "TransportError"]);
  });

  it("an inner error without a message has none in its related failure", () => {
    const failure = classify(new Error(aggregate("DisabledException\n    at x (y.js:1:1)")));
    expect(failure.kind).toBe("DisabledException");
    expect(failure.related).toHaveLength(1);
    expect("message" in (failure.related?.[0] ?? {})).toBe(false);
  });
});
