import { ConnectionStateType, DescribeKeyCommand } from "@aws-sdk/client-kms";
import { catalog, classify, explain } from "kms-keystore-errors";
import { type KmsEmulator, startKmsEmulator } from "kms-keystore-errors/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { entriesForKind, entryForCode } from "../src/catalog/index.js";
import { sdkExceptionNames } from "./support/errors.js";
import { clientFor, rejectionOf } from "./support/kms.js";

// Every exception the installed SDK models, as KMS sends it (wire response from the emulator,
// deserialized by the real KMSClient), classified by its name.
let emulator: KmsEmulator;
beforeAll(async () => {
  emulator = await startKmsEmulator();
});
afterAll(() => emulator.close());

describe("classify over wire responses", () => {
  it.each(sdkExceptionNames())("%s", async (name) => {
    emulator.failNext("DescribeKey", { exception: name, message: "" });
    const error = await rejectionOf(
      clientFor(emulator, { maxAttempts: 1 }).send(new DescribeKeyCommand({ KeyId: "key-1" })),
    );
    const failure = classify(error, { operation: "DescribeKey", input: { KeyId: "key-1" } });
    const fallback = entryForCode(name) ?? entriesForKind(name)[0];
    expect(failure).toMatchObject({
      kind: name,
      code: name,
      cause: fallback?.cause,
      retryable: fallback?.retryable,
      operation: "DescribeKey",
      keyId: "key-1",
      attempts: 1,
    });
    expect(failure.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(failure.httpStatusCode).toBeGreaterThanOrEqual(400);
  });
});

describe("connection states", () => {
  it("every state but CONNECTED explains as a catalog entry", () => {
    for (const state of Object.values(ConnectionStateType)) {
      const entry = explain(state);
      if (state === "CONNECTED") expect(entry).toBeUndefined();
      else expect(entry?.kinds, state).toContain("ConnectionFailed");
    }
    expect(catalog.some((e) => e.codes.includes("FAILED"))).toBe(true);
  });
});
