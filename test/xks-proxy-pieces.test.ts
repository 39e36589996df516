/**
 * The pieces the fake XKS proxy is built from, each on its own: routing, the request checks, the
 * fault script and the external key manager. (The proxy as a whole is tested over the wire in
 * xks-proxy.test.ts and xks-conformance.test.ts.)
 */
import { describe, expect, it } from "vitest";
import { ProxyFaultScript } from "../src/testing/xks-proxy/fault-script.js";
import { ExternalKeyManager } from "../src/testing/xks-proxy/key-manager.js";
import { checkRequest, queryOf, routeOf, XksError } from "../src/testing/xks-proxy/request.js";

const METADATA = { kmsRequestId: "r-1", kmsOperation: "Encrypt" };

/** The XKS error a function throws. */
const xksErrorOf = (run: () => unknown): XksError => {
  try {
    run();
  } catch (error) {
    if (error instanceof XksError) return error;
    throw error;
  }
  throw new Error("Expected an XksError.");
};

describe(routeOf.name, () => {
  it("routes the four operations under the URI path, with the decoded key id", () => {
    expect(routeOf("/kms/xks/v1", "/kms/xks/v1/health")).toEqual({ operation: "health", keyId: undefined });
    expect(routeOf("/p/kms/xks/v1", "/p/kms/xks/v1/keys/key%2D1/encrypt")).toEqual({
      operation: "encrypt",
      keyId: "key-1",
    });
    expect(routeOf("/kms/xks/v1", "/kms/xks/v1/keys/k/metadata")?.operation).toBe("metadata");
    expect(routeOf("/kms/xks/v1", "/kms/xks/v1/keys/k/decrypt")?.operation).toBe("decrypt");
  });

  it("routes nothing outside the URI path, nor a key id the specification does not allow", () => {
    expect(routeOf("/kms/xks/v1", "/other/kms/xks/v1/health")).toBeUndefined();
    expect(routeOf("/kms/xks/v1", "/kms/xks/v1/keys/k/sign")).toBeUndefined();
    expect(routeOf("/kms/xks/v1", "/kms/xks/v1/keys/a%20b/encrypt")).toBeUndefined();
    expect(routeOf("/kms/xks/v1", "/kms/xks/v1/keys/%E0%A4%A/encrypt")).toBeUndefined();
  });
});

describe(queryOf.name, () => {
  it("keeps single values as strings and repeated names as lists", () => {
    expect(queryOf("")).toEqual({});
    expect(queryOf("a=1&b=2&a=3&a=4")).toEqual({ a: ["1", "3", "4"], b: "2" });
  });
});

describe(checkRequest.name, () => {
  it("returns a JSON body with requestMetadata, with charset allowed in the content type", () => {
    const body = { requestMetadata: METADATA };
    expect(checkRequest("health", "application/json; charset=utf-8", body, false)).toBe(body);
  });

  it.each([
    ["text/plain", { requestMetadata: METADATA }, "Content-Type must be application/json."],
    [undefined, { requestMetadata: METADATA }, "Content-Type must be application/json."],
    ["application/json", [1], "The request body is not a JSON object."],
    ["application/json", {}, "requestMetadata is required."],
    ["application/json", { requestMetadata: {} }, "requestMetadata is required."],
  ])("refuses content type %s with body %j as a ValidationException", (contentType, body, message) => {
    const error = xksErrorOf(() => checkRequest("health", contentType, body, false));
    expect({ errorName: error.errorName, status: error.status, message: error.message }).toEqual({
      errorName: "ValidationException",
      status: 400,
      message,
    });
  });

  it("checks the REQUIRED requestMetadata members only in strict mode", () => {
    const body = { requestMetadata: { kmsRequestId: "r-1" } };
    expect(checkRequest("encrypt", "application/json", body, false)).toBe(body);
    expect(xksErrorOf(() => checkRequest("encrypt", "application/json", body, true)).message).toMatch(
      /^requestMetadata\.\w+ is required\.$/,
    );
  });
});

describe(ProxyFaultScript.name, () => {
  it("prefers an operation's own fault over '*', and counts faults with times down", () => {
    const script = new ProxyFaultScript();
    script.set("*", "drop");
    script.set("encrypt", "malformed", { times: 2 });
    expect([script.take("encrypt"), script.take("encrypt"), script.take("encrypt")]).toEqual([
      "malformed",
      "malformed",
      "drop",
    ]);
    expect(script.take("health")).toBe("drop");
    script.set("*", undefined);
    expect(script.take("health")).toBeUndefined();
  });

  it("refuses an unknown target, a negative delay and a times that is not a positive integer", () => {
    const script = new ProxyFaultScript();
    expect(() => script.set("sign" as "health", "drop")).toThrow(TypeError);
    expect(() => script.set("health", { delayMs: -1 })).toThrow("delayMs must be a non-negative number");
    expect(() => script.set("health", "drop", { times: 0 })).toThrow("times must be a positive integer.");
  });
});

describe(ExternalKeyManager.name, () => {
  const encryptBody = (plaintext: Buffer): Record<string, unknown> => ({
    requestMetadata: METADATA,
    encryptionAlgorithm: "AES_GCM",
    plaintext: plaintext.toString("base64"),
  });

  it("encrypts and decrypts with real AES-GCM, and keeps a key's material when it is replaced", () => {
    const manager = new ExternalKeyManager([{ id: "key-1" }], "ACTIVE", undefined);
    const sealed = manager.run({ operation: "encrypt", keyId: "key-1" }, encryptBody(Buffer.from("hi")));
    manager.setKey({ id: "key-1", usage: ["DECRYPT"] });
    const opened = manager.run(
      { operation: "decrypt", keyId: "key-1" },
      {
        requestMetadata: METADATA,
        encryptionAlgorithm: "AES_GCM",
        ciphertext: sealed.ciphertext,
        initializationVector: sealed.initializationVector,
        authenticationTag: sealed.authenticationTag,
      },
    );
    expect(Buffer.from(String(opened.plaintext), "base64").toString("utf8")).toBe("hi");
  });

  it("validates the body before it looks the key up, as the reference proxy does", () => {
    const manager = new ExternalKeyManager([], "ACTIVE", undefined);
    const error = xksErrorOf(() =>
      manager.run({ operation: "encrypt", keyId: "missing" }, { requestMetadata: METADATA }),
    );
    expect(error.errorName).toBe("ValidationException");
    const missing = xksErrorOf(() =>
      manager.run({ operation: "encrypt", keyId: "missing" }, encryptBody(Buffer.from("x"))),
    );
    expect(missing.errorName).toBe("KeyNotFoundException");
  });

  it("reports the key manager health it was given, one entry per fleet member", () => {
    const manager = new ExternalKeyManager([], ["ACTIVE", "DEGRADED"], undefined);
    const health = manager.run({ operation: "health", keyId: undefined }, {});
    expect(health.ekmFleetDetails).toEqual([
      { id: "ekm-1", model: "fake EKM", healthStatus: "ACTIVE" },
      { id: "ekm-2", model: "fake EKM", healthStatus: "DEGRADED" },
    ]);
    expect(() => manager.setHealth([])).toThrow(TypeError);
  });
});
