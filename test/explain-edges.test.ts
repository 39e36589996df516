import { catalog, explain, lookup } from "kms-keystore-errors";
import { describe, expect, it } from "vitest";
import { suggest } from "../src/explain.js";

const causes = (query: string): string[] => lookup(query).map((e) => e.cause);
const entry = (cause: string) => catalog.find((e) => e.cause === cause);

/** Every cause `lookup` lists for a lone KMSInvalidStateException, the fallback last. */
const KMS_INVALID_STATE_ALL = [
  "XKS_PROXY_TIMED_OUT",
  "XKS_PROXY_DEPENDENCY_TIMEOUT",
  "XKS_PROXY_NOT_REACHABLE",
  "XKS_PROXY_INVALID_TLS_CONFIGURATION",
  "XKS_PROXY_INVALID_RESPONSE",
  "XKS_EXTERNAL_KEY_MANAGER_ERROR",
  "XKS_PROXY_THROTTLED",
  "XKS_PROXY_UNHEALTHY",
  "XKS_PROXY_ACCESS_DENIED",
  "XKS_PROXY_INVALID_CONFIGURATION",
  "XKS_KEY_NOT_FOUND",
  "XKS_KEY_DISABLED",
  "XKS_KEY_UNSUPPORTED_OPERATION",
  "XKS_PROXY_UNSUPPORTED_OPERATION",
  "XKS_PROXY_REJECTED_CIPHERTEXT",
  "XKS_PROXY_INVALID_CIPHERTEXT",
  "CLOUDHSM_CLUSTER_UNREACHABLE",
  "CLOUDHSM_KEY_MATERIAL_NOT_FOUND",
  "INVALID_CREDENTIALS",
  "KEY_STORE_NOT_CONNECTED",
  "KEY_DISABLED",
  "KEY_PENDING_DELETION",
  "KEY_NOT_PENDING_DELETION",
  "KEY_PENDING_REPLICA_DELETION",
  "KEY_PENDING_IMPORT",
  "KEY_UNAVAILABLE",
  "KEY_CREATING",
  "KEY_UPDATING",
  "KMS_INVALID_STATE",
];

const KMS_INTERNAL_ALL = [
  "XKS_PROXY_TIMED_OUT",
  "XKS_PROXY_DEPENDENCY_TIMEOUT",
  "XKS_PROXY_NOT_REACHABLE",
  "XKS_PROXY_INVALID_RESPONSE",
  "XKS_EXTERNAL_KEY_MANAGER_ERROR",
  "XKS_PROXY_THROTTLED",
  "XKS_PROXY_UNHEALTHY",
  "CLOUDHSM_CLUSTER_UNREACHABLE",
  "CLOUDHSM_PKCS11_SESSIONS_EXHAUSTED",
  "KMS_INTERNAL",
];

describe("lookup: what a query names", () => {
  it("returns exactly the one entry of a cause, a wire code or a connection error code", () => {
    expect(lookup("XKS_PROXY_TIMED_OUT")).toEqual([entry("XKS_PROXY_TIMED_OUT")]);
    expect(lookup("XKS_PROXY_TIMED_OUT")[0]).toBe(entry("XKS_PROXY_TIMED_OUT"));
    expect(causes("ECONNREFUSED")).toEqual(["NETWORK_ERROR"]);
    expect(causes("DISCONNECTED")).toEqual(["KEY_STORE_NOT_CONNECTED"]);
    expect(causes("Error: connect ECONNREFUSED 127.0.0.1:443")).toEqual(["NETWORK_ERROR"]);
  });

  it("lists every cause of a lone exception name, the fallback last", () => {
    expect(causes("KMSInvalidStateException")).toEqual(KMS_INVALID_STATE_ALL);
    expect(causes("XksProxyInvalidResponseException")).toEqual([
      "XKS_EXTERNAL_KEY_MANAGER_ERROR",
      "XKS_PROXY_INVALID_RESPONSE",
    ]);
    expect(causes("XksKeyNotFoundException")).toEqual(["XKS_KEY_NOT_FOUND"]);
  });

  it("treats a name with surrounding punctuation as a lone name", () => {
    expect(causes("KMSInvalidStateException.")).toEqual(KMS_INVALID_STATE_ALL);
    expect(causes("  (KMSInternal)  ")).toEqual(KMS_INTERNAL_ALL);
    expect(causes("kmsinternal.")).toEqual(KMS_INTERNAL_ALL);
  });

  it("matches a lone name in any letter case", () => {
    expect(causes("kmsinvalidstateexception")).toEqual(KMS_INVALID_STATE_ALL);
    expect(causes("xksproxyinvalidresponseexception")).toEqual([
      "XKS_EXTERNAL_KEY_MANAGER_ERROR",
      "XKS_PROXY_INVALID_RESPONSE",
    ]);
    expect(causes("xks_proxy_timed_out")).toEqual(["XKS_PROXY_TIMED_OUT"]);
    expect(causes("econnrefused")).toEqual(["NETWORK_ERROR"]);
  });

  it("does not fold the case of names inside a text of several words", () => {
    expect(causes("kmsinternalexception happened")).toEqual([]);
    expect(causes("econnrefused again")).toEqual([]);
    expect(causes("KMSInternalException happened")).toEqual(["KMS_INTERNAL"]);
  });

  it("with several names in a text, puts the longest name's entries first, whatever the order", () => {
    expect(causes("NotFoundException XksKeyNotFoundException")).toEqual(["XKS_KEY_NOT_FOUND", "NOT_FOUND"]);
    expect(causes("XksKeyNotFoundException NotFoundException")).toEqual(["XKS_KEY_NOT_FOUND", "NOT_FOUND"]);
    expect(causes("NotFound ENOTFOUND NotFoundException XksKeyNotFoundException")).toEqual([
      "XKS_KEY_NOT_FOUND",
      "NOT_FOUND",
      "NETWORK_ERROR",
    ]);
    expect(causes("ENOTFOUND NotFound XksKeyNotFoundException NotFoundException")).toEqual([
      "XKS_KEY_NOT_FOUND",
      "NOT_FOUND",
      "NETWORK_ERROR",
    ]);
    expect(causes("EPIPE then ECONNREFUSED then XksKeyNotFoundException")).toEqual([
      "XKS_KEY_NOT_FOUND",
      "NETWORK_ERROR",
    ]);
  });

  it("lists an entry once even when several names in the text lead to it", () => {
    expect(causes("XKS_PROXY_INVALID_RESPONSE XksProxyInvalidResponseException")).toEqual([
      "XKS_PROXY_INVALID_RESPONSE",
    ]);
    expect(causes("NotFoundException NotFoundException")).toEqual(["NOT_FOUND"]);
    expect(causes("NotFound / NotFoundException")).toEqual(["NOT_FOUND"]);
    const all = lookup("XksProxyInvalidResponseException XKS_PROXY_INVALID_RESPONSE");
    expect(all).toHaveLength(1);
    expect(all.every((e) => e !== undefined)).toBe(true);
  });

  it("gives the message rule's entry for a text that names no exception", () => {
    expect(causes("The key is pending deletion")).toEqual(["KEY_PENDING_DELETION"]);
    expect(causes("The external key store proxy did not respond in time.")).toEqual(["XKS_PROXY_TIMED_OUT"]);
    expect(lookup("The key is pending deletion")[0]).toBe(entry("KEY_PENDING_DELETION"));
  });

  it("runs the kind's message rules on a log line naming it, then adds the fallback only", () => {
    expect(causes("KMSInvalidStateException: key/abc is pending deletion")).toEqual([
      "KEY_PENDING_DELETION",
      "KMS_INVALID_STATE",
    ]);
    expect(causes("error: KMSInvalidStateException")).toEqual(["KMS_INVALID_STATE"]);
  });

  it("is empty for empty, blank, unknown and non-string queries", () => {
    expect(lookup("")).toEqual([]);
    expect(lookup("   ")).toEqual([]);
    expect(lookup("...")).toEqual([]);
    expect(lookup("nothing known here")).toEqual([]);
    expect(lookup("zzzz")).toEqual([]);
    expect(lookup(42 as never)).toEqual([]);
    expect(lookup(null as never)).toEqual([]);
    expect(lookup(undefined as never)).toEqual([]);
    expect(lookup({ toString: () => "XKS_PROXY_TIMED_OUT" } as never)).toEqual([]);
  });
});

describe("explain: the single best entry", () => {
  it("uses a lone name in any letter case, ignoring punctuation around it", () => {
    expect(explain("kmsinternal.")?.cause).toBe("KMS_INTERNAL");
    expect(explain("  KMSInternal  ")?.cause).toBe("KMS_INTERNAL");
    expect(explain("xks_proxy_timed_out")).toBe(entry("XKS_PROXY_TIMED_OUT"));
    expect(explain("Econnrefused")?.cause).toBe("NETWORK_ERROR");
  });

  it("does not fold the case of names in a text of several words", () => {
    expect(explain("kmsinternalexception happened")).toBeUndefined();
    expect(explain("KMSInternalException happened")?.cause).toBe("KMS_INTERNAL");
  });

  it("prefers the longest name in the text, whatever the order", () => {
    expect(explain("NotFoundException XksKeyNotFoundException")?.cause).toBe("XKS_KEY_NOT_FOUND");
    expect(explain("XksKeyNotFoundException NotFoundException")?.cause).toBe("XKS_KEY_NOT_FOUND");
    expect(explain("NotFound ENOTFOUND")?.cause).toBe("NETWORK_ERROR");
    expect(explain("ENOTFOUND NotFound")?.cause).toBe("NETWORK_ERROR");
  });

  it("gives the message rule's entry for a text that names no exception", () => {
    expect(explain("The key is pending deletion")).toBe(entry("KEY_PENDING_DELETION"));
  });

  it("gives a kind's fallback when its message matches no rule", () => {
    expect(explain("XksProxyInvalidResponseException")?.cause).toBe("XKS_PROXY_INVALID_RESPONSE");
    expect(explain("KMSInvalidStateException")?.cause).toBe("KMS_INVALID_STATE");
  });

  it("is undefined for empty, blank, unknown and non-string queries", () => {
    expect(explain("")).toBeUndefined();
    expect(explain("   ")).toBeUndefined();
    expect(explain("hello world")).toBeUndefined();
    expect(explain(null as never)).toBeUndefined();
  });
});

describe("suggest: did you mean", () => {
  it("is empty for an empty or blank query", () => {
    expect(suggest("")).toEqual([]);
    expect(suggest("   ")).toEqual([]);
    expect(suggest("\t\n", 1000)).toEqual([]);
  });

  it("trims and lowercases the query", () => {
    expect(suggest("  THROTLING  ", 1000)).toEqual(["Throttling"]);
    expect(suggest(" epipe ", 1000)).toEqual(["EPIPE"]);
  });

  it("counts a one-letter deletion, insertion or substitution as distance 1", () => {
    // deletion inside the word
    expect(suggest("throtling", 1000)).toEqual(["Throttling"]);
    expect(suggest("thrttling", 1000)).toEqual(["Throttling"]);
    // insertion inside the word
    expect(suggest("throtxtling", 1000)).toEqual(["Throttling"]);
    // substitution at the first and at the last position
    expect(suggest("xhrottling", 1000)).toEqual(["Throttling"]);
    expect(suggest("XKS_PROXY_TIMED_OUX", 1000)).toEqual(["XKS_PROXY_TIMED_OUT"]);
    expect(suggest("XKS_PROXY_TIMEDOUT", 1000)).toEqual(["XKS_PROXY_TIMED_OUT"]);
    expect(suggest("TooManyRequestException", 1000)).toEqual(["TooManyRequestsException"]);
  });

  it("suggests a name as long as the query is at most its threshold away, in length too", () => {
    // Three letters inserted into `Throttling` (its threshold is 3).
    expect(suggest("thxrottxlinxg", 1000)).toEqual(["Throttling"]);
    expect(suggest("thxrottxlinxgx", 1000)).toEqual([]);
  });

  it("sorts by distance before name length", () => {
    // Throttling is 1 away, THROTTLED (shorter) 3 away.
    expect(suggest("Throttlinx")).toEqual(["Throttling", "THROTTLED"]);
    expect(suggest("throttlign", 1000)).toEqual(["Throttling", "THROTTLED"]);
  });

  it("sorts names at the same distance by length, shortest first", () => {
    expect(suggest("tag", 1000)).toEqual(["TAG", "Tag", "TagException"]);
    expect(suggest("XksProxyUriUnreachable", 1000)).toEqual([
      "XksProxyUriUnreachable",
      "XksProxyUriUnreachableException",
      "XKS_PROXY_URI_UNREACHABLE",
      "XKS_PROXY_NOT_REACHABLE",
    ]);
  });

  it("returns at most `limit` names, 3 by default", () => {
    expect(suggest("XksProxyUriUnreachable")).toEqual([
      "XksProxyUriUnreachable",
      "XksProxyUriUnreachableException",
      "XKS_PROXY_URI_UNREACHABLE",
    ]);
    expect(suggest("tag", 1)).toEqual(["TAG"]);
    expect(suggest("tag", 0)).toEqual([]);
  });

  it("accepts a distance of exactly 3 for short names and rejects 4", () => {
    // EPIPE: max(3, floor(5 / 3)) = 3
    expect(suggest("zzzpe", 1000)).toEqual(["EPIPE"]);
    expect(suggest("zzzze", 1000)).toEqual([]);
    // THROTTLED: max(3, floor(9 / 3)) = 3
    expect(suggest("zzzottled", 1000)).toEqual(["THROTTLED"]);
    expect(suggest("zzzzttled", 1000)).toEqual([]);
  });

  it("accepts a distance of exactly floor(length / 3) for long names and rejects one more", () => {
    // MalformedPolicyDocumentException: 32 letters, floor(32 / 3) = 10
    expect(suggest("zzzzzzzzzzolicydocumentexception", 1000)).toEqual(["MalformedPolicyDocumentException"]);
    expect(suggest("zzzzzzzzzzzlicydocumentexception", 1000)).toEqual([]);
    // ERR_SOCKET_CONNECTION_TIMEOUT: 29 letters, floor(29 / 3) = 9
    expect(suggest("zzzzzzzzzt_connection_timeout", 1000)).toEqual(["ERR_SOCKET_CONNECTION_TIMEOUT"]);
    expect(suggest("zzzzzzzzzz_connection_timeout", 1000)).toEqual([]);
  });

  it("suggests nothing for a query far from every name", () => {
    expect(suggest("qqqqqqqqqqqqqqqqqqqq", 1000)).toEqual([]);
  });
});

describe("suggest: a long text (a pasted log) is read word by word", () => {
  const prose = "the request went through the load balancer and the proxy answered after a while. ".repeat(4);
  const fillers = (n: number) => Array.from({ length: n }, (_, i) => `qZq${String(i).padStart(4, "0")}`);

  it("suggests for words shaped like a name, not for prose words or words of three characters", () => {
    expect(suggest(`${prose} error: KMSInvalidStateExceptoin then throtling and T_G`, 1000)).toEqual([
      "KMSInvalidStateException",
      "KMSInvalidMacException",
      "KMSInvalidSignatureException",
    ]);
  });

  it("ranks each name by its closest word, wherever that word is", () => {
    expect(
      suggest(`${prose} KMSInvalidStateExceptio DisabledExcepti KMSInvalidStateExcep`, 1000).slice(0, 3),
    ).toEqual(["KMSInvalidStateException", "DisabledException", "KMSInvalidState"]);
  });

  it("compares the first 64 distinct words only", () => {
    const word = "KMSInvalidStateExceptoin";
    expect(suggest(`${prose} ${fillers(63).join(" ")} ${fillers(63).join(" ")} ${word}`, 1)).toEqual([
      "KMSInvalidStateException",
    ]);
    expect(suggest(`${prose} ${fillers(64).join(" ")} ${word}`, 1000)).toEqual([]);
  });
});
