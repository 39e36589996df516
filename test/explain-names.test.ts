/**
 * Every form of a name that `lookup`, `explain` and `suggest` know, in the first test of its file:
 * the name index is built on first use, once per process, so this test is the one that sees every
 * part of it built (exception names and their short wire forms, catalog codes and causes, other
 * services' wrapper codes and query codes, any letter case).
 */
import { explain, lookup } from "kms-keystore-errors";
import { describe, expect, it } from "vitest";
import { suggest } from "../src/explain.js";

const causes = (query: string) => lookup(query).map((e) => e.cause);

describe("the names lookup knows", () => {
  it("reads each form of a name as the name it stands for", () => {
    // An exception name, its short wire form, and any letter case of a single name.
    expect(causes("KMSInternalException").length).toBeGreaterThan(0);
    expect(causes("KMSInternal")).toEqual(causes("KMSInternalException"));
    expect(causes("kmsinternalexception")).toEqual(causes("KMSInternalException"));
    expect(causes("DISABLEDEXCEPTION")).toEqual(causes("DisabledException"));
    // A cause and a ConnectionErrorCode.
    expect(explain("XKS_PROXY_TIMED_OUT")?.cause).toBe("XKS_PROXY_TIMED_OUT");
    expect(causes("INVALID_CREDENTIALS").length).toBeGreaterThan(0);
    // Other services' wrappers: SQS's modeled name and query code (read as its last word), SNS's
    // class name and wire code, S3's prefixed code.
    expect(causes("KmsDisabled")).toEqual(causes("DisabledException"));
    expect(causes("InvalidStateException")).toEqual(causes("KMSInvalidStateException"));
    expect(causes("KMSDisabled")).toEqual(causes("DisabledException"));
    expect(causes("KMSThrottlingException")).toEqual(causes("ThrottlingException"));
    expect(causes("KMSKeyNotAccessibleFault").length).toBeGreaterThan(0);
    expect(causes("KMS.NotFoundException")).toEqual(causes("NotFoundException"));
    // Suggestions come from KMS's own names, codes and causes.
    expect(suggest("KMSInternalExceptoin")).toContain("KMSInternalException");
    expect(suggest("XKS_PROXY_TIMED_OUTT")).toContain("XKS_PROXY_TIMED_OUT");
    // Nothing else.
    expect(causes("NoSuchThingException")).toEqual([]);
  });
});
