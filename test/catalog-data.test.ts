import { ConnectionErrorCodeType } from "@aws-sdk/client-kms";
import { describe, expect, it } from "vitest";
import { CLIENT_ENTRIES } from "../src/catalog/entries/client.js";
import { CLOUDHSM_ENTRIES } from "../src/catalog/entries/cloudhsm.js";
import { XKS_ENTRIES } from "../src/catalog/entries/external.js";
import { GENERAL_ENTRIES } from "../src/catalog/entries/general.js";
import { SHARED_ENTRIES } from "../src/catalog/entries/shared.js";
import { KINDS } from "../src/catalog/kinds.js";
import { MESSAGE_RULES } from "../src/catalog/messages.js";
import {
  CATEGORIES,
  type CatalogEntry,
  KEY_STORE_TYPES,
  type MessageRule,
  type Remediation,
} from "../src/catalog/schema.js";

const ENTRIES: readonly CatalogEntry[] = [
  ...XKS_ENTRIES,
  ...CLOUDHSM_ENTRIES,
  ...SHARED_ENTRIES,
  ...GENERAL_ENTRIES,
  ...CLIENT_ENTRIES,
];
const RULES: readonly MessageRule[] = MESSAGE_RULES;

const kindNames = new Set<string>(KINDS.map((k) => k.kind));
const wireKinds = KINDS.filter((k) => !("synthetic" in k)).map((k) => k.kind);
const messageRuleKinds = new Set<string>(KINDS.filter((k) => "messageRules" in k).map((k) => k.kind));
const connectionCodes: string[] = Object.values(ConnectionErrorCodeType);
const byCause = new Map(ENTRIES.map((e) => [e.cause, e]));

/** Every remediation of an entry: the main one and its per-store-type variants. */
const remediations = (e: CatalogEntry): [string, Remediation][] => [
  ["remediation", e.remediation],
  ...Object.entries(e.byKeyStoreType ?? {}).flatMap(([type, r]) =>
    r === undefined ? [] : [[type, r] as [string, Remediation]],
  ),
];

/** Every piece of text an entry shows a reader. */
const textOf = (e: CatalogEntry): string =>
  remediations(e)
    .flatMap(([, r]) => [r.summary, ...r.steps])
    .join("\n");

/** The same normalisation as the classifier: lowercase, runs of non-alphanumerics as one space, padded. */
const normalize = (text: string): string =>
  ` ${text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, " ")
    .trim()} `;
const ruleMatches = (normalized: string, rule: MessageRule): boolean =>
  rule.match.some((m) =>
    typeof m === "string" ? normalized.includes(` ${m} `) : m.every((f) => normalized.includes(` ${f} `)),
  );
const fragmentText = (m: string | readonly string[]): string => (typeof m === "string" ? m : m.join(" "));

describe("catalog entries", () => {
  it("has unique SCREAMING_SNAKE causes", () => {
    const causes = ENTRIES.map((e) => e.cause);
    expect(new Set(causes).size).toBe(causes.length);
    for (const cause of causes) expect(cause).toMatch(/^[A-Z][A-Z0-9]*(_[A-Z0-9]+)*$/);
  });

  it("lists only real kinds", () => {
    for (const e of ENTRIES) {
      expect(e.kinds.length, e.cause).toBeGreaterThan(0);
      for (const kind of e.kinds) expect(kindNames.has(kind), `${e.cause}: ${kind}`).toBe(true);
      expect(new Set(e.kinds).size, e.cause).toBe(e.kinds.length);
    }
  });

  it.each([...kindNames])("kind %s has at least one cause", (kind) => {
    expect(ENTRIES.some((e) => e.kinds.includes(kind))).toBe(true);
  });

  it.each(wireKinds)(
    "exception %s is the code of exactly one entry (its fallback), which lists the kind",
    (kind) => {
      const owners = ENTRIES.filter((e) => e.codes.includes(kind));
      expect(owners.map((e) => e.cause)).toHaveLength(1);
      expect(owners[0]?.kinds).toContain(kind);
    },
  );

  it.each(connectionCodes)(
    "connection error code %s belongs to exactly one ConnectionFailed entry",
    (code) => {
      const owners = ENTRIES.filter((e) => e.codes.includes(code));
      expect(owners).toHaveLength(1);
      expect(owners[0]?.kinds).toContain("ConnectionFailed");
      expect(owners[0]?.customKeyStore).toBe(true);
    },
  );

  it("uses every code once, and never another entry's cause as a code", () => {
    const codes = ENTRIES.flatMap((e) => e.codes);
    expect(new Set(codes).size).toBe(codes.length);
    for (const e of ENTRIES) {
      for (const code of e.codes) {
        const other = byCause.get(code);
        if (other !== undefined) expect(other.cause, code).toBe(e.cause);
      }
    }
  });

  it("has valid categories and key store types", () => {
    for (const e of ENTRIES) {
      expect(CATEGORIES, e.cause).toContain(e.category);
      if (e.keyStoreType !== undefined) {
        expect(KEY_STORE_TYPES, e.cause).toContain(e.keyStoreType);
        expect(e.customKeyStore, e.cause).toBe(true);
      }
    }
  });

  it("marks the exceptions of one store type with that type (or a variant for it)", () => {
    for (const info of KINDS) {
      if (!("keyStoreType" in info)) continue;
      const fallback = ENTRIES.find((e) => e.codes.includes(info.kind));
      const typed =
        fallback?.keyStoreType === info.keyStoreType ||
        fallback?.byKeyStoreType?.[info.keyStoreType] !== undefined;
      expect(typed, info.kind).toBe(true);
    }
  });

  it.each(ENTRIES.map((e) => [e.cause, e] as const))(
    "%s has useful, well-formed remediation",
    (_cause, e) => {
      for (const [where, r] of remediations(e)) {
        expect(r.summary.trim().length, `${where} summary`).toBeGreaterThan(20);
        expect(r.steps.length, `${where} steps`).toBeGreaterThanOrEqual(2);
        for (const step of r.steps) {
          expect(step.trim(), where).not.toBe("");
          expect(step, where).toMatch(/\.$/);
        }
        expect(r.docs.length, `${where} docs`).toBeGreaterThanOrEqual(1);
        for (const url of r.docs) expect(url, where).toMatch(/^https:\/\/docs\.aws\.amazon\.com\/kms\//);
        expect(new Set(r.docs).size, `${where} duplicate docs`).toBe(r.docs.length);
      }
    },
  );

  it("gives both store-type variants whenever it gives one", () => {
    for (const e of ENTRIES) {
      if (e.byKeyStoreType === undefined) continue;
      expect(e.keyStoreType, e.cause).toBeUndefined();
      for (const type of KEY_STORE_TYPES) expect(e.byKeyStoreType[type], `${e.cause} ${type}`).toBeDefined();
    }
  });

  it("gives both variants for the connection codes shared by both store types", () => {
    for (const cause of ["INTERNAL_ERROR", "NETWORK_ERRORS", "INVALID_CREDENTIALS"]) {
      const e = byCause.get(cause);
      expect(e?.byKeyStoreType?.AWS_CLOUDHSM, cause).toBeDefined();
      expect(e?.byKeyStoreType?.EXTERNAL_KEY_STORE, cause).toBeDefined();
    }
  });

  it("treats LimitExceededException as a resource quota, not retryable", () => {
    const e = ENTRIES.find((x) => x.codes.includes("LimitExceededException"));
    expect(e).toMatchObject({ category: "quota", retryable: false });
  });

  it("gives the fixed fallback causes of the catch-all exceptions", () => {
    const fallback = (kind: string) => ENTRIES.find((e) => e.codes.includes(kind))?.cause;
    expect(fallback("KMSInvalidStateException")).toBe("KMS_INVALID_STATE");
    expect(fallback("KMSInternalException")).toBe("KMS_INTERNAL");
    expect(fallback("CustomKeyStoreInvalidStateException")).toBe("CUSTOM_KEY_STORE_INVALID_STATE");
    expect(fallback("XksProxyUriUnreachableException")).toBe("XKS_PROXY_URI_UNREACHABLE");
    expect(fallback("XksProxyInvalidResponseException")).toBe("XKS_PROXY_INVALID_RESPONSE");
    expect(fallback("InvalidSignatureException")).toBe("INVALID_SIGNATURE");
    expect(fallback("DISCONNECTED")).toBe("KEY_STORE_NOT_CONNECTED");
    expect(fallback("FAILED")).toBe("UNKNOWN_CONNECTION_ERROR");
  });

  it("marks general causes as not specific to custom key stores, and key store causes as specific", () => {
    for (const e of GENERAL_ENTRIES) expect(e.customKeyStore, e.cause).toBe(e.cause === "KEY_UNAVAILABLE");
    for (const e of [...XKS_ENTRIES, ...CLOUDHSM_ENTRIES, ...SHARED_ENTRIES])
      expect(e.customKeyStore, e.cause).toBe(true);
    for (const e of CLIENT_ENTRIES) expect(e.customKeyStore, e.cause).toBe(false);
  });

  it("puts no secret-looking values in the text", () => {
    for (const e of ENTRIES) {
      const text = textOf(e);
      // An XKS access key ID is 20-30 characters of [A-Z2-7]; an IAM access key ID starts with AKIA/ASIA.
      expect(text, e.cause).not.toMatch(/\b(?:AKIA|ASIA)[A-Z0-9]{12,}\b/);
      expect(text, e.cause).not.toMatch(/\b[A-Z2-7]{20,30}\b/);
      expect(text, e.cause).not.toMatch(/(?:password|secret)\s*[:=]\s*[^\s<…`]/i);
    }
  });
});

describe("XKS VPC endpoint service entries", () => {
  const causes = [
    "XKS_VPC_ENDPOINT_SERVICE_INVALID_CONFIGURATION",
    "XKS_VPC_ENDPOINT_SERVICE_NOT_FOUND",
    "XKS_VPC_ENDPOINT_SERVICE_IN_USE",
  ];

  it.each(causes)("%s names the KMS principal and the Network Load Balancer", (cause) => {
    const text = textOf(byCause.get(cause) as CatalogEntry);
    expect(text).toContain("cks.kms.");
    expect(text).toContain("Network Load Balancer");
    expect(text).toContain("com.amazonaws.vpce.");
  });

  it.each(causes)("%s never tells the reader to create an interface endpoint to KMS", (cause) => {
    const text = textOf(byCause.get(cause) as CatalogEntry);
    expect(text).not.toMatch(
      /\bcreate (?:an |a )?(?:interface )?(?:VPC )?endpoint (?:to|for) (?:AWS )?KMS\b/i,
    );
    expect(text).not.toMatch(
      /(?:^|[.:]\s+)(?:Create|Add|Set up)\b[^.]*\binterface (?:VPC )?endpoint\b[^.]*\bKMS\b/m,
    );
    expect(text).not.toMatch(/create-vpc-endpoint\b/);
  });

  it.each(causes.slice(0, 2))("%s says that an interface endpoint to KMS is unrelated", (cause) => {
    const text = textOf(byCause.get(cause) as CatalogEntry);
    expect(text).toContain("com.amazonaws.<region>.kms");
    expect(text).toMatch(/unrelated/);
  });

  it("lists the whole checklist for the invalid configuration", () => {
    const text = textOf(byCause.get(causes[0] as string) as CatalogEntry);
    for (const needle of [
      "not a Gateway Load Balancer",
      "internal",
      "TCP listener on port 443",
      "`ip`",
      "two Availability Zones",
      "--no-acceptance-required",
      "verified",
      "`XksProxyUriEndpoint` to `https://`",
      "one VPC endpoint service per key store",
      "describe-vpc-endpoint-service-configurations",
      "describe-vpc-endpoint-service-permissions",
    ]) {
      expect(text).toContain(needle);
    }
  });
});

describe("message rules", () => {
  it("name causes that have an entry", () => {
    for (const rule of RULES) expect(byCause.has(rule.cause), rule.cause).toBe(true);
  });

  it("apply to at least one catch-all kind of their cause", () => {
    for (const rule of RULES) {
      const kinds = byCause.get(rule.cause)?.kinds ?? [];
      expect(
        kinds.some((k) => messageRuleKinds.has(k)),
        rule.cause,
      ).toBe(true);
    }
  });

  it("use normalised fragments", () => {
    for (const rule of RULES) {
      expect(rule.match.length, rule.cause).toBeGreaterThan(0);
      for (const m of rule.match) {
        const parts = typeof m === "string" ? [m] : m;
        expect(parts.length, rule.cause).toBeGreaterThan(0);
        for (const fragment of parts) expect(fragment, rule.cause).toMatch(/^[a-z0-9]+( [a-z0-9]+)*$/);
      }
    }
  });

  it("agree with the key store type of their cause", () => {
    for (const rule of RULES) {
      const entryType = byCause.get(rule.cause)?.keyStoreType;
      if (entryType !== undefined) expect(rule.keyStoreType, rule.cause).toBe(entryType);
    }
  });

  it("are not shadowed by an earlier rule", () => {
    RULES.forEach((rule, i) => {
      for (const m of rule.match) {
        const text = normalize(fragmentText(m));
        const earlier = RULES.slice(0, i).find((r) => ruleMatches(text, r));
        expect(earlier?.cause, `${rule.cause}: "${fragmentText(m)}"`).toBeUndefined();
      }
    });
  });

  it("never match the identifiers in a message", () => {
    const ids = normalize(
      "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab cks-1234567890abcdef0 cluster-1a23b4cdefg https://myproxy.xks.example.com/kms/xks/v1 vpce-svc-0123456789abcdef0",
    );
    for (const rule of RULES) expect(ruleMatches(ids, rule), rule.cause).toBe(false);
  });

  const documented: [string, string][] = [
    ["The external key store proxy did not respond in time. Retry the request.", "XKS_PROXY_TIMED_OUT"],
    [
      "AWS KMS rejected the request because the external key store proxy did not respond in time. Retry the request. If you see this error repeatedly, report it to your external key store proxy administrator.",
      "XKS_PROXY_TIMED_OUT",
    ],
    [
      "The external key store proxy did not respond to the request in the time allotted. Retry the request.",
      "XKS_PROXY_DEPENDENCY_TIMEOUT",
    ],
    [
      "AWS KMS cannot communicate with the external key store proxy. This might be a transient network issue.",
      "XKS_PROXY_NOT_REACHABLE",
    ],
    [
      "AWS KMS can't communicate with your external key store proxy. Verify that your external key store proxy is active and is connected to the network.",
      "XKS_PROXY_NOT_REACHABLE",
    ],
    [
      "AWS KMS cannot establish a TLS connection to the external key store proxy. Verify the TLS configuration, including its certificate.",
      "XKS_PROXY_INVALID_TLS_CONFIGURATION",
    ],
    [
      "AWS KMS cannot interpret the response from the external key store proxy. If you see this error repeatedly, report it to your external key store proxy administrator.",
      "XKS_PROXY_INVALID_RESPONSE",
    ],
    [
      "The external key store proxy rejected the request because it cannot communicate with the external key manager. Verify that the external key store proxy configuration is correct and that the external key manager is available.",
      "XKS_EXTERNAL_KEY_MANAGER_ERROR",
    ],
    [
      "The external key store proxy rejected the request due to a very high request rate. Reduce the frequency of your calls using KMS keys in this external key store.",
      "XKS_PROXY_THROTTLED",
    ],
    [
      "The external key store proxy is in an unhealthy state. If you see this message repeatedly, notify your external key store proxy administrator.",
      "XKS_PROXY_UNHEALTHY",
    ],
    [
      "The external key store proxy rejected the request because it could not authenticate AWS KMS. Verify the XKS proxy authentication credentials for your external key store and update if necessary.",
      "INVALID_CREDENTIALS",
    ],
    [
      "The external key store proxy denied access to the operation. Verify that the user and the external key are both authorized for this operation, and try the request again.",
      "XKS_PROXY_ACCESS_DENIED",
    ],
    [
      "The external key store proxy rejected the request because of an invalid URI path. Verify the URI path for your external key store and update if necessary.",
      "XKS_PROXY_INVALID_CONFIGURATION",
    ],
    [
      "The external key associated with this KMS key in an external key store was not found in its external key manager. If the external key ID associated with this KMS key is incorrect, create a new KMS key with the correct external key ID.",
      "XKS_KEY_NOT_FOUND",
    ],
    [
      "The external key store proxy rejected the request because it could not find the external key.",
      "XKS_KEY_NOT_FOUND",
    ],
    [
      "The external key associated with this KMS key in an external key store is not enabled in the external key manager. Enable the external key in the external key manager and retry the request.",
      "XKS_KEY_DISABLED",
    ],
    [
      "The external key associated with this KMS key in an external key store does not support the requested operation. Enable the operation on the key in your external key manager, and try the request again.",
      "XKS_KEY_UNSUPPORTED_OPERATION",
    ],
    [
      "The external key store proxy rejected the request because the external key does not support the requested operation.",
      "XKS_KEY_UNSUPPORTED_OPERATION",
    ],
    [
      "The external key store proxy rejected the request because it does not support the requested operation. If you see this error repeatedly, report it to your external key store proxy administrator.",
      "XKS_PROXY_UNSUPPORTED_OPERATION",
    ],
    [
      "The external key store proxy rejected the request because the specified ciphertext or encryption context is corrupted, missing, or otherwise invalid.",
      "XKS_PROXY_REJECTED_CIPHERTEXT",
    ],
    [
      "The ciphertext that the external key store proxy submitted for decryption, or the encryption context, is corrupted, missing, or otherwise invalid.",
      "XKS_PROXY_INVALID_CIPHERTEXT",
    ],
    [
      "This KMS key is in a custom key store that is not connected to its external key store proxy. Connect the external key store and try the request again.",
      "KEY_STORE_NOT_CONNECTED",
    ],
    [
      "KMSInvalidStateException: KMS cannot communicate with your CloudHSM cluster",
      "CLOUDHSM_CLUSTER_UNREACHABLE",
    ],
    [
      "The AWS CloudHSM cluster did not have any available PKCS #11 sessions.",
      "CLOUDHSM_PKCS11_SESSIONS_EXHAUSTED",
    ],
    ["arn:aws:kms:us-east-1:111122223333:key/abc is pending deletion.", "KEY_PENDING_DELETION"],
    ["arn:aws:kms:us-east-1:111122223333:key/abc is not pending deletion.", "KEY_NOT_PENDING_DELETION"],
    [
      "arn:aws:kms:us-east-1:111122223333:key/abc is pending replica deletion.",
      "KEY_PENDING_REPLICA_DELETION",
    ],
    ["arn:aws:kms:us-east-1:111122223333:key/abc is pending import.", "KEY_PENDING_IMPORT"],
    ["arn:aws:kms:us-east-1:111122223333:key/abc is unavailable.", "KEY_UNAVAILABLE"],
    ["arn:aws:kms:us-east-1:111122223333:key/abc is disabled.", "KEY_DISABLED"],
    [
      "Custom key store cks-1234567890abcdef0 must be disconnected to update XksProxyUriEndpoint. Its connection state is CONNECTED.",
      "CUSTOM_KEY_STORE_MUST_BE_DISCONNECTED",
    ],
    [
      "Custom key store cks-1234567890abcdef0 is in the FAILED connection state (USER_LOCKED_OUT). Disconnect it, fix the cause of the failure, then connect it again.",
      "CUSTOM_KEY_STORE_FAILED",
    ],
    [
      "Signature expired: 20240101T000000Z is now earlier than 20240101T000500Z (20240101T001000Z - 5 min.)",
      "SIGNATURE_EXPIRED",
    ],
  ];

  it.each(documented)("%s -> %s", (message, cause) => {
    expect(RULES.find((r) => ruleMatches(normalize(message), r))?.cause).toBe(cause);
  });

  it("leave unknown messages to the fallback cause", () => {
    for (const message of [
      "",
      "whatever",
      "Something entirely new happened.",
      "definitely not a kms error",
    ]) {
      expect(RULES.find((r) => ruleMatches(normalize(message), r))).toBeUndefined();
    }
  });
});
