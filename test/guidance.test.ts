import {
  ConnectCustomKeyStoreCommand,
  CreateKeyCommand,
  DescribeKeyCommand,
  KMSClient,
  ListKeysCommand,
} from "@aws-sdk/client-kms";
import {
  type CatalogEntry,
  catalog,
  classify,
  connectionFailure,
  explain,
  HEALTH_CHECKS,
  type Remediation,
  waitForConnection,
  withKeyStoreErrors,
} from "kms-keystore-errors";
import { type KmsEmulator, startKmsEmulator } from "kms-keystore-errors/testing";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { DOCS, DOCS_LAST_CHECKED, DOCS_UNCONFIRMED } from "../src/catalog/docs.js";
import { MESSAGE_RULES } from "../src/catalog/messages.js";
import { clientFor, createXksStore, rejectionOf } from "./support/kms.js";

const byCause = (cause: string): CatalogEntry => {
  const found = catalog.find((e) => e.cause === cause);
  if (found === undefined) throw new Error(`no catalog entry ${cause}`);
  return found;
};

/** The main remediation and every per-store-type variant of an entry. */
const remediations = (e: CatalogEntry): Remediation[] => [
  e.remediation,
  ...Object.values(e.byKeyStoreType ?? {}).filter((r): r is Remediation => r !== undefined),
];
const citedBy = (e: CatalogEntry): string[] => remediations(e).flatMap((r) => r.docs);

let emulator: KmsEmulator;
beforeAll(async () => {
  emulator = await startKmsEmulator({ connectDelayMs: 5 });
});
afterAll(() => emulator.close());

describe("documentation links", () => {
  // The health checks cite pages of their own (their thresholds' sources) from the same dated table.
  const healthDocs = HEALTH_CHECKS.flatMap((c) => [
    ...c.remediation.docs,
    ...[c.warn, c.fail].flatMap((t) => (t === undefined ? [] : [t.doc])),
  ]);
  const cited = [...new Set([...catalog.flatMap(citedBy), ...healthDocs])];

  it("every cited URL has the date it was last checked on the current AWS page, or a recorded reason", () => {
    const undated = cited.filter(
      (url) => DOCS_LAST_CHECKED[url] === undefined && DOCS_UNCONFIRMED[url] === undefined,
    );
    expect(undated).toEqual([]);
  });

  it("custom key store guidance cites only URLs checked on the current pages", () => {
    const unchecked = catalog
      .filter((e) => e.customKeyStore)
      .flatMap((e) => citedBy(e).map((url) => [e.cause, url] as const))
      .filter(([, url]) => DOCS_LAST_CHECKED[url] === undefined);
    expect(unchecked).toEqual([]);
  });

  it("records real calendar dates, no later than the day the catalog was last reviewed", () => {
    for (const [url, date] of Object.entries(DOCS_LAST_CHECKED)) {
      expect(date, url).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(new Date(`${date}T00:00:00Z`).toISOString().slice(0, 10), url).toBe(date);
      expect(date <= "2026-12-07", url).toBe(true);
    }
  });

  it("keeps no record for a URL the catalog no longer cites, and none both dated and unconfirmed", () => {
    for (const url of [...Object.keys(DOCS_LAST_CHECKED), ...Object.keys(DOCS_UNCONFIRMED)]) {
      expect(cited, url).toContain(url);
      expect(DOCS_LAST_CHECKED[url] !== undefined && DOCS_UNCONFIRMED[url] !== undefined, url).toBe(false);
    }
  });

  it("cites the proxy's own authorization for a proxy denial, not IAM for key store managers", () => {
    const docs = citedBy(byCause("XKS_PROXY_ACCESS_DENIED"));
    expect(docs[0]).toBe(DOCS.xksProxyAuthorization);
    expect(docs).not.toContain(DOCS.authorizeXksManagers);
    expect(byCause("XKS_PROXY_ACCESS_DENIED").remediation.summary).toMatch(/no AWS KMS setting or API call/);
  });

  it("cites the VPC endpoint service requirements, not the VPC's, for the endpoint service causes", () => {
    for (const cause of [
      "XKS_VPC_ENDPOINT_SERVICE_INVALID_CONFIGURATION",
      "XKS_VPC_ENDPOINT_SERVICE_NOT_FOUND",
      "XKS_VPC_ENDPOINT_SERVICE_IN_USE",
    ]) {
      expect(citedBy(byCause(cause)), cause).toContain(DOCS.vpcServiceRequirements);
    }
  });

  it("cites both deletion pages for a key store that still holds keys", () => {
    expect(citedBy(byCause("CUSTOM_KEY_STORE_HAS_KEYS"))).toEqual(
      expect.arrayContaining([DOCS.deleteKeyStore, DOCS.deleteXks]),
    );
  });
});

describe("XksProxyInvalidConfigurationException: the message decides", () => {
  const tls =
    "AWS KMS cannot establish a TLS connection to the external key store proxy. Verify the TLS configuration, including its certificate.";
  const uriPath =
    "The external key store proxy rejected the request because of an invalid URI path. Verify the URI path for your external key store and update if necessary.";

  it("the TLS message is a TLS failure, not a wrong URI path, over the wire", async () => {
    const kms = withKeyStoreErrors(clientFor(emulator, { maxAttempts: 1 }));
    emulator.failNext("ListKeys", { exception: "XksProxyInvalidConfigurationException", message: tls });
    const failure = classify(await rejectionOf(kms.send(new ListKeysCommand({}))));
    expect(failure).toMatchObject({
      kind: "XksProxyInvalidConfigurationException",
      cause: "XKS_PROXY_INVALID_TLS_CONFIGURATION",
      keyStoreType: "EXTERNAL_KEY_STORE",
      retryable: false,
    });
    expect(failure.remediation.steps.join("\n")).toMatch(/TLS 1\.2 or 1\.3/);
    expect(explain(`XksProxyInvalidConfigurationException: ${tls}`)?.cause).toBe(
      "XKS_PROXY_INVALID_TLS_CONFIGURATION",
    );
  });

  it("the URI path message is still a configuration error whose steps fix XksProxyUriPath", async () => {
    const kms = withKeyStoreErrors(clientFor(emulator, { maxAttempts: 1 }));
    emulator.failNext("ListKeys", { exception: "XksProxyInvalidConfigurationException", message: uriPath });
    const failure = classify(await rejectionOf(kms.send(new ListKeysCommand({}))));
    expect(failure.cause).toBe("XKS_PROXY_INVALID_CONFIGURATION");
    expect(failure.remediation.steps.join("\n")).toContain("--xks-proxy-uri-path");
  });

  it("an unknown message gets the generic cause, which no longer claims the path is nearly always wrong", () => {
    const entry = explain("XksProxyInvalidConfigurationException: something new");
    expect(entry?.cause).toBe("XKS_PROXY_INVALID_CONFIGURATION");
    expect(entry?.remediation.summary).not.toMatch(/nearly always/);
    expect(entry?.remediation.steps[0]).toMatch(/^Read the exception message/);
  });
});

describe("CloudHSM connection failures: disconnect first, then update, then connect", () => {
  const firstIndex = (steps: readonly string[], pattern: RegExp) => steps.findIndex((s) => pattern.test(s));

  it.each([
    "CLUSTER_NOT_FOUND",
    "SUBNET_NOT_FOUND",
    "INSUFFICIENT_FREE_ADDRESSES_IN_SUBNET",
    "USER_NOT_FOUND",
    "USER_LOGGED_IN",
    "USER_LOCKED_OUT",
  ])("%s", (cause) => {
    const failure = connectionFailure({
      CustomKeyStoreId: "cks-1234567890abcdef0",
      CustomKeyStoreType: "AWS_CLOUDHSM",
      ConnectionState: "FAILED",
      ConnectionErrorCode: cause as never,
    });
    const steps = failure?.remediation.steps ?? [];
    const disconnect = firstIndex(steps, /disconnect-custom-key-store/);
    const update = firstIndex(steps, /update-custom-key-store/);
    const connect = firstIndex(steps, /aws kms connect-custom-key-store|Connect the key store/);
    expect(disconnect, "disconnect step").toBeGreaterThanOrEqual(0);
    expect(update, "update step").toBeGreaterThan(disconnect);
    expect(connect, "connect step").toBeGreaterThan(update);
  });

  it.each(["XKS_PROXY_INVALID_CONFIGURATION", "INVALID_CREDENTIALS"])(
    "%s for an external key store says the same, before its update step",
    (cause) => {
      const failure = connectionFailure({
        CustomKeyStoreId: "cks-1234567890abcdef0",
        CustomKeyStoreType: "EXTERNAL_KEY_STORE",
        ConnectionState: "FAILED",
        ConnectionErrorCode: cause as never,
      });
      const steps = failure?.remediation.steps ?? [];
      const disconnect = firstIndex(steps, /disconnect-custom-key-store/);
      const update = firstIndex(steps, /update-custom-key-store/);
      const connect = firstIndex(steps, /aws kms connect-custom-key-store/);
      expect(disconnect, "disconnect step").toBeGreaterThanOrEqual(0);
      expect(update, "update step").toBeGreaterThan(disconnect);
      expect(connect, "connect step").toBeGreaterThan(update);
    },
  );
});

describe("retryable on a failed connection means ensureConnected, unchanged, may succeed", () => {
  const retryableConnectionCauses = catalog
    .filter((e) => (e.kinds as readonly string[]).includes("ConnectionFailed") && e.retryable)
    .map((e) => e.cause);

  it("covers the network, internal, timeout, reachability and response codes", () => {
    expect(retryableConnectionCauses).toEqual(
      expect.arrayContaining([
        "NETWORK_ERRORS",
        "INTERNAL_ERROR",
        "XKS_PROXY_TIMED_OUT",
        "XKS_PROXY_NOT_REACHABLE",
        "XKS_PROXY_INVALID_RESPONSE",
        "CONNECT_WAIT_TIMED_OUT",
      ]),
    );
  });

  it.each(retryableConnectionCauses)("%s says so in every remediation variant", (cause) => {
    for (const r of remediations(byCause(cause))) expect(r.steps.join("\n")).toContain("`ensureConnected`");
  });

  it.each(["NETWORK_ERRORS", "INTERNAL_ERROR"])(
    "connectionFailure for %s is retryable and its steps never promise that ConnectCustomKeyStore alone works",
    (code) => {
      for (const type of ["AWS_CLOUDHSM", "EXTERNAL_KEY_STORE"] as const) {
        const failure = connectionFailure({
          CustomKeyStoreId: "cks-1234567890abcdef0",
          CustomKeyStoreType: type,
          ConnectionState: "FAILED",
          ConnectionErrorCode: code as never,
        });
        expect(failure?.retryable).toBe(true);
        const text = failure?.remediation.steps.join("\n") ?? "";
        expect(text).toContain("`ensureConnected`");
        expect(text).toMatch(/refused while the store is `FAILED`/);
      }
    },
  );

  it("a real FAILED store refuses ConnectCustomKeyStore unchanged, as the guidance says", async () => {
    const kms = clientFor(emulator, { maxAttempts: 1 });
    const id = await createXksStore(kms, emulator.region, 7, {
      name: "retry-meaning",
      accessKeyId: "ABCDEFGHIJKLMNOPQRSTUVWXYZ2345",
    });
    emulator.keyStore(id).failConnect("NETWORK_ERRORS");
    await kms.send(new ConnectCustomKeyStoreCommand({ CustomKeyStoreId: id }));
    const waited = await waitForConnection(kms, id, { intervalMs: 5, timeoutMs: 5000 });
    const failed = waited._unsafeUnwrapErr();
    expect(failed).toMatchObject({ kind: "ConnectionFailed", cause: "NETWORK_ERRORS", retryable: true });
    const again = classify(
      await rejectionOf(kms.send(new ConnectCustomKeyStoreCommand({ CustomKeyStoreId: id }))),
    );
    expect(again).toMatchObject({
      kind: "CustomKeyStoreInvalidStateException",
      cause: "CUSTOM_KEY_STORE_FAILED",
    });
  });
});

describe("UnsupportedOperationException: the key's origin names the key store type", () => {
  const arn = "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";
  const cases = [
    ["AWS_CLOUDHSM", "AWS_CLOUDHSM"],
    ["EXTERNAL_KEY_STORE", "EXTERNAL_KEY_STORE"],
    ["EXTERNAL", undefined],
    ["AWS_KMS", undefined],
  ] as const;

  it.each(cases)("origin %s gives keyStoreType %s over the wire", async (origin, keyStoreType) => {
    const kms = withKeyStoreErrors(clientFor(emulator, { maxAttempts: 1 }));
    emulator.failNext("DescribeKey", {
      exception: "UnsupportedOperationException",
      message: `${arn} origin is ${origin} which is not valid for this operation.`,
    });
    const failure = classify(await rejectionOf(kms.send(new DescribeKeyCommand({ KeyId: arn }))));
    expect(failure.kind).toBe("UnsupportedOperationException");
    expect(failure.cause).toBe("UNSUPPORTED_OPERATION");
    expect(failure.keyStoreType).toBe(keyStoreType);
  });

  it("the type comes from the message, not from a rule that mistakes EXTERNAL for an external key store", () => {
    const origins = MESSAGE_RULES.filter((r) => r.cause === "UNSUPPORTED_OPERATION").map(
      (r) => r.keyStoreType,
    );
    expect(origins.sort()).toEqual(["AWS_CLOUDHSM", "EXTERNAL_KEY_STORE"]);
    expect(byCause("UNSUPPORTED_OPERATION").remediation.summary).toMatch(/`EXTERNAL` imported key material/);
  });

  it("a message that names no origin leaves the key store type unknown", async () => {
    const kms = clientFor(emulator, { maxAttempts: 1 });
    emulator.failNext("CreateKey", {
      exception: "UnsupportedOperationException",
      message: "KeySpec RSA_2048 is not supported for custom key stores.",
    });
    const failure = classify(await rejectionOf(kms.send(new CreateKeyCommand({ KeySpec: "RSA_2048" }))));
    expect(failure).toMatchObject({ cause: "UNSUPPORTED_OPERATION" });
    expect(failure.keyStoreType).toBeUndefined();
  });
});

describe("a client without a Region", () => {
  const saved = { ...process.env };
  afterEach(() => {
    for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
    Object.assign(process.env, saved);
  });

  it("fails as a configuration cause of its own, with the fix, not as a bug in application code", async () => {
    delete process.env.AWS_REGION;
    delete process.env.AWS_DEFAULT_REGION;
    delete process.env.AWS_PROFILE;
    process.env.AWS_CONFIG_FILE = "/nonexistent/kms-keystore-errors/config";
    process.env.AWS_SHARED_CREDENTIALS_FILE = "/nonexistent/kms-keystore-errors/credentials";
    const kms = withKeyStoreErrors(
      new KMSClient({ credentials: { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "test-secret-not-used" } }),
    );
    const error = await rejectionOf(kms.send(new ListKeysCommand({})));
    const failure = classify(error, { operation: "ListKeys" });
    expect(failure).toMatchObject({
      kind: "Unrecognized",
      cause: "REGION_MISSING",
      category: "configuration",
      retryable: false,
      operation: "ListKeys",
    });
    expect(failure.remediation.steps[0]).toContain("region:");
    expect(failure.remediation.summary).not.toMatch(/bug in application code/);
    expect(explain("Error: Region is missing")?.cause).toBe("REGION_MISSING");
  });

  it("other plain errors stay unrecognised", () => {
    expect(classify(new Error("something else broke")).cause).toBe("UNRECOGNIZED");
    expect(classify(new Error("")).cause).toBe("UNRECOGNIZED");
  });
});

describe("the rest of the review", () => {
  it("marks the CloudHSM key material rule as an inference and cites the recovery section", () => {
    const rules = MESSAGE_RULES.filter((r) => r.cause === "CLOUDHSM_KEY_MATERIAL_NOT_FOUND");
    expect(rules.length).toBeGreaterThan(0);
    for (const rule of rules) expect("heuristic" in rule && rule.heuristic).toBe(true);
    expect(MESSAGE_RULES.filter((r) => "heuristic" in r).map((r) => r.cause)).toEqual([
      "CLOUDHSM_KEY_MATERIAL_NOT_FOUND",
    ]);
    expect(citedBy(byCause("CLOUDHSM_KEY_MATERIAL_NOT_FOUND"))[0]).toBe(DOCS.fixRecoverBackingKey);
  });

  it("names the Disconnect trigger of the invalid-state exception", () => {
    const text = remediations(byCause("CUSTOM_KEY_STORE_INVALID_STATE"))
      .flatMap((r) => [r.summary, ...r.steps])
      .join("\n");
    expect(text).toMatch(/disconnecting while already `DISCONNECTED` or `DISCONNECTING`/);
  });

  it("does not claim that every backing-store failure is KMSInvalidStateException", () => {
    expect(byCause("KMS_INVALID_STATE").remediation.summary).not.toMatch(/\bevery failure\b/);
    expect(byCause("KMS_INVALID_STATE").remediation.summary).toContain("KMSInternalException");
    expect(byCause("KMS_INTERNAL").remediation.summary).toMatch(/can also mean/);
  });

  it("general entries: ImportKeyMaterial ciphertext, alias ARNs across accounts, ReplicateKey", () => {
    expect(byCause("INVALID_CIPHERTEXT").remediation.summary).toContain("ImportKeyMaterial");
    expect(byCause("NOT_FOUND").remediation.steps.join("\n")).toContain("alias ARN");
    expect(byCause("ALREADY_EXISTS").remediation.summary).toContain("ReplicateKey");
  });

  it("tells an unreachable proxy URI apart by connectivity: public DNS or the verified private DNS name", () => {
    const steps = byCause("XKS_PROXY_URI_UNREACHABLE").remediation.steps.join("\n");
    expect(steps).toMatch(/public endpoint connectivity[^.]*public DNS/);
    expect(steps).toMatch(/VPC endpoint service connectivity[^.]*private DNS name/);
    expect(citedBy(byCause("XKS_PROXY_URI_UNREACHABLE"))).toContain(DOCS.vpcPrivateDns);
  });
});
