import { catalog, explain, lookup } from "kms-keystore-errors";
import { describe, expect, it } from "vitest";
import { suggest } from "../src/explain.js";

describe(explain.name, () => {
  it.each(catalog.map((e) => [e.cause, e] as const))("round-trips cause %s", (cause, entry) => {
    expect(explain(cause)).toBe(entry);
  });

  it("round-trips every code to the entry that lists it", () => {
    for (const entry of catalog)
      for (const code of entry.codes) expect(explain(code)?.cause, code).toBe(entry.cause);
  });

  it("matches whole names, longest first", () => {
    expect(explain("XksKeyNotFoundException")?.cause).toBe("XKS_KEY_NOT_FOUND");
    expect(explain("NotFoundException")?.cause).toBe("NOT_FOUND");
  });

  it("accepts qualified names from other SDKs", () => {
    expect(explain("com.amazonaws.services.kms.model.XksProxyUriInUseException")?.cause).toBe(
      "XKS_PROXY_URI_IN_USE",
    );
    expect(explain("KMS.Client.exceptions.CustomKeyStoreHasCMKsException")?.cause).toBe(
      "CUSTOM_KEY_STORE_HAS_KEYS",
    );
    expect(explain("xksproxyvpcendpointserviceinvalidconfigurationexception")?.cause).toBe(
      "XKS_VPC_ENDPOINT_SERVICE_INVALID_CONFIGURATION",
    );
  });

  it("runs the message rules on a pasted log line", () => {
    expect(
      explain(
        "botocore.errorfactory.KMSInvalidStateException: An error occurred (KMSInvalidStateException) when calling the Encrypt operation: The external key store proxy did not respond in time.",
      )?.cause,
    ).toBe("XKS_PROXY_TIMED_OUT");
    expect(
      explain(
        "com.amazonaws.services.kms.model.KMSInvalidStateException: arn:aws:kms:us-east-1:111122223333:key/abc is pending deletion. (Service: AWSKMS; Status Code: 400; Error Code: KMSInvalidStateException; Request ID: 1)",
      )?.cause,
    ).toBe("KEY_PENDING_DELETION");
    expect(explain("KMSInvalidStateException: nothing we know")?.cause).toBe("KMS_INVALID_STATE");
  });

  it("explains a wire short code", () => {
    expect(explain("KMSInternal")?.cause).toBe("KMS_INTERNAL");
  });

  it("is undefined for unknown input", () => {
    expect(explain("")).toBeUndefined();
    expect(explain("definitely not a kms error")).toBeUndefined();
    expect(explain(42 as never)).toBeUndefined();
  });
});

describe(lookup.name, () => {
  it("lists every cause of an exception, the fallback last", () => {
    const all = lookup("KMSInvalidStateException");
    expect(all.length).toBeGreaterThan(5);
    expect(all.at(-1)?.cause).toBe("KMS_INVALID_STATE");
    expect(all.map((e) => e.cause)).toContain("XKS_PROXY_TIMED_OUT");
  });

  it("puts the message's cause first for a log line", () => {
    const all = lookup("KMSInvalidStateException: The external key store proxy did not respond in time.");
    expect(all.map((e) => e.cause)).toEqual(["XKS_PROXY_TIMED_OUT", "KMS_INVALID_STATE"]);
  });

  it("is empty when nothing matches", () => {
    expect(lookup("hello world")).toEqual([]);
  });
});

describe(suggest.name, () => {
  it("suggests close names for typos", () => {
    expect(suggest("XksProxyUriUnreachable")).toContain("XksProxyUriUnreachableException");
    expect(suggest("XKS_PROXY_TIMEDOUT")).toContain("XKS_PROXY_TIMED_OUT");
  });

  it("compares a query of up to 256 characters whole: a name inside it is closest", () => {
    const padded = (length: number) => "kmsinternalexception".padEnd(length, "x");
    expect(suggest(padded(256))).toEqual(["KMSInternal", "KMSInternalException"]);
    // Longer, it is read word by word, and a word longer than 256 characters is no name.
    expect(suggest(padded(257))).toEqual([]);
  });

  it("reads a long text word by word, only the words shaped like a name", () => {
    const prose = "the quick brown fox jumps over the lazy dog ".repeat(7);
    expect(suggest(`${prose} KMSInternalExceptoin and XksProxyUriUnreachableExceptoin`)).toEqual([
      "KMSInternalException",
      "XksProxyUriUnreachableException",
    ]);
    // A typo in a prose word (no capital after the first letter, no underscore) is not read.
    expect(suggest(`${prose} Disabld failed`)).toEqual([]);
    expect(suggest("Disabld")).toEqual(["Disabled"]);
    // Each name keeps its closest word, wherever that word is.
    for (const words of [
      "KMSInternalException KMSInternalExceptio",
      "KMSInternalExceptio KMSInternalException",
    ]) {
      expect(suggest(`${"word ".repeat(60)} ${words}`)).toEqual([
        "KMSInternalException",
        "KMSInvalidMacException",
      ]);
    }
  });

  it("suggests the closest names first, the shorter first at the same distance, at most `limit`", () => {
    expect(suggest("KMSInternalExc")).toEqual(["KMSInternal", "KMSInternalException", "KMS_INTERNAL"]);
    expect(suggest("KMSInternalExc", 1)).toEqual(["KMSInternal"]);
    expect(suggest("abcdefgh")).toEqual([]);
    expect(suggest("   ")).toEqual([]);
  });
});
