import { assertNever, classify, hasCause } from "kms-keystore-errors";
import { describe, expect, it } from "vitest";
import { serviceError } from "./support/errors.js";

describe(hasCause.name, () => {
  const quota = classify(serviceError("LimitExceededException", "Too many keys"));

  it("is true when the failure's cause is one of those given", () => {
    expect(quota.cause).toBe("LIMIT_EXCEEDED");
    expect(hasCause(quota, "LIMIT_EXCEEDED")).toBe(true);
    expect(hasCause(quota, "XKS_PROXY_TIMED_OUT", "LIMIT_EXCEEDED")).toBe(true);
  });

  it("is false for other causes and for none", () => {
    expect(hasCause(quota, "XKS_PROXY_TIMED_OUT")).toBe(false);
    expect(hasCause(quota, "XKS_PROXY_TIMED_OUT", "XKS_PROXY_NOT_REACHABLE")).toBe(false);
    expect(hasCause(quota)).toBe(false);
  });
});

describe(assertNever.name, () => {
  it("throws a TypeError naming the value a switch did not handle", () => {
    expect(() => assertNever("SomeNewKind" as never)).toThrow(new TypeError("Unexpected value: SomeNewKind"));
    expect(() => assertNever(undefined as never)).toThrow(new TypeError("Unexpected value: undefined"));
  });
});
