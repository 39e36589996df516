import fc from "fast-check";
import { catalog, classify, explain, formatFailure, type KmsFailure, toLogEntry } from "kms-keystore-errors";
import { describe, expect, it } from "vitest";
import { KINDS } from "../src/catalog/index.js";

// Seeded: a failure reproduces. Bump numRuns locally to search harder.
const params = { seed: 20261129, numRuns: 400 } as const;

const kindNames = KINDS.map((k) => k.kind);

/** Values an error handler may really be handed, hostile ones included. */
const hostile = fc.oneof(
  fc.anything({
    withBoxedValues: true,
    withMap: true,
    withSet: true,
    withTypedArray: true,
    withSparseArray: true,
  }),
  fc.record({
    name: fc.oneof(fc.constantFrom(...kindNames), fc.string(), fc.anything()),
    message: fc.oneof(fc.string(), fc.anything()),
    $fault: fc.oneof(fc.constantFrom("client", "server"), fc.anything()),
    $metadata: fc.oneof(
      fc.record({
        httpStatusCode: fc.oneof(fc.integer(), fc.anything()),
        requestId: fc.anything(),
        attempts: fc.anything(),
      }),
      fc.anything(),
    ),
    code: fc.oneof(fc.constantFrom("ECONNRESET", "ETIMEDOUT", "ABORT_ERR"), fc.anything()),
    cause: fc.anything(),
  }),
  fc.constant(null).map(() => {
    const cyclic: Record<string, unknown> = { name: "KMSInternalException", $fault: "server" };
    cyclic.cause = cyclic;
    cyclic.$metadata = cyclic;
    return cyclic;
  }),
  // Proxies are built inside the property (fast-check itself cannot copy or print them).
  fc.record({ proxyThatThrows: fc.string() }),
  fc
    .string()
    .map((s) => ({ toString: 0, valueOf: 0, name: { toString: () => s }, message: { toString: 0 } })),
);

/** A Proxy whose every trap throws. */
const throwingProxy = (message: string) =>
  new Proxy(
    {},
    {
      get() {
        throw new Error(message);
      },
      has() {
        throw new Error(message);
      },
      ownKeys() {
        throw new Error(message);
      },
      getPrototypeOf() {
        throw new Error(message);
      },
      getOwnPropertyDescriptor() {
        throw new Error(message);
      },
    },
  );

const materialise = (value: unknown): unknown =>
  value !== null && typeof value === "object" && "proxyThatThrows" in value && Object.keys(value).length === 1
    ? throwingProxy(String((value as { proxyThatThrows: unknown }).proxyThatThrows))
    : value;

function wellFormed(f: KmsFailure): void {
  expect(Object.isFrozen(f)).toBe(true);
  const entry = catalog.find((e) => e.cause === f.cause);
  expect(entry).toBeDefined();
  expect(entry?.kinds).toContain(f.kind);
  expect(typeof f.code).toBe("string");
  expect(typeof f.retryable).toBe("boolean");
  // Always serialisable, and safe to log.
  expect(() => JSON.stringify(f)).not.toThrow();
  expect(() => JSON.stringify(toLogEntry(f))).not.toThrow();
  expect(typeof formatFailure(f)).toBe("string");
}

describe("classify is total", () => {
  it("gives a well-formed failure for any value", () => {
    fc.assert(
      fc.property(hostile, fc.option(fc.anything(), { nil: undefined }), (value, input) => {
        wellFormed(
          classify(
            materialise(value),
            input === undefined ? undefined : { input: materialise(input), operation: "Encrypt" },
          ),
        );
      }),
      params,
    );
  });
});

describe("redaction", () => {
  /** Secrets that look like what they stand for; the marker makes leaks easy to find. */
  const secret = fc
    .tuple(fc.constantFrom("PASS", "RAWSECRET", "AKID", "PLAIN"), fc.stringMatching(/^[A-Za-z0-9+/]{12,40}$/))
    .map(([label, body]) => `MARK-${label}-${body}`);

  it("keeps every secret of the command input out of failures, log entries and text", () => {
    fc.assert(
      fc.property(
        secret,
        secret,
        secret,
        secret,
        fc.constantFrom(...kindNames),
        fc.string(),
        (password, raw, akid, plaintext, name, noise) => {
          const input = {
            CustomKeyStoreId: "cks-1234567890abcdef0",
            KeyStorePassword: password,
            XksProxyAuthenticationCredential: { AccessKeyId: akid, RawSecretAccessKey: raw },
            Plaintext: new TextEncoder().encode(plaintext),
          };
          const b64 = Buffer.from(plaintext).toString("base64");
          const message = `${noise} ${password} ${raw}${akid} ${plaintext} ${b64} ${noise}`;
          const error = Object.assign(new Error(message), {
            name,
            code: akid,
            $fault: "client",
            $metadata: { httpStatusCode: 400, requestId: raw, attempts: 1 },
          });
          const failure = classify(error, { operation: "CreateCustomKeyStore", input });
          const outputs = [
            JSON.stringify(failure),
            JSON.stringify(toLogEntry(failure)),
            formatFailure(failure),
          ];
          for (const out of outputs) {
            for (const s of [password, raw, akid, plaintext, b64]) expect(out).not.toContain(s);
          }
        },
      ),
      params,
    );
  });
});

describe("explain", () => {
  it("round-trips every catalog key, in any surrounding log text", () => {
    const keys = catalog.flatMap((e) => [e.cause, ...e.codes].map((k) => [k, e] as const));
    fc.assert(
      fc.property(
        fc.constantFrom(...keys),
        fc.constantFrom("", "error: ", "[WARN] "),
        ([key, entry], prefix) => {
          expect(explain(`${prefix}${key}`)?.cause).toBe(entry.cause);
        },
      ),
      params,
    );
  });
});
