/**
 * `diagnoseKeyStore` where an optional AWS client's package cannot be imported from the library (a
 * strict package layout that does not let it resolve the caller's `@aws-sdk/client-cloudhsm-v2`), or
 * does not export the command a check needs. The package's absence is made with `vi.doMock`, in a file
 * of its own: the library imports each package once per process, so no other test sees it.
 */
import { CreateCustomKeyStoreCommand, DeleteCustomKeyStoreCommand, KMSClient } from "@aws-sdk/client-kms";
import { type KmsEmulator, startKmsEmulator } from "kms-keystore-errors/testing";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { TRUST_ANCHOR_PEM } from "../src/testing/aws/certificates.js";
import { type AwsEmulator, startAwsEmulator } from "../src/testing/aws/emulator.js";

const REGION = "us-east-1";
const PACKAGE = "@aws-sdk/client-cloudhsm-v2";
let kmsEmulator: KmsEmulator;
let aws: AwsEmulator;
let kms: KMSClient;
let storeId: string;

beforeAll(async () => {
  [kmsEmulator, aws] = await Promise.all([
    startKmsEmulator({ region: REGION, connectDelayMs: 1 }),
    startAwsEmulator({ region: REGION }),
  ]);
  kms = new KMSClient({ ...kmsEmulator.clientConfig, maxAttempts: 1 });
  const setup = aws.model.addCloudHsmCluster();
  const out = await kms.send(
    new CreateCustomKeyStoreCommand({
      CustomKeyStoreName: "missing-package",
      CustomKeyStoreType: "AWS_CLOUDHSM",
      CloudHsmClusterId: setup.cluster.clusterId,
      TrustAnchorCertificate: TRUST_ANCHOR_PEM,
      KeyStorePassword: "MarkedKmsUserPw1",
    }),
  );
  storeId = out.CustomKeyStoreId ?? "";
});

afterEach(() => {
  vi.doUnmock(PACKAGE);
});

afterAll(async () => {
  await kms?.send(new DeleteCustomKeyStoreCommand({ CustomKeyStoreId: storeId }));
  kms?.destroy();
  await Promise.all([kmsEmulator?.close(), aws?.close()]);
});

/** A CloudHSM client that must never be reached: the command to send it cannot be built. */
const unreachable = {
  send: async () => {
    throw new Error("sent although the command could not be loaded");
  },
};

const diagnose = async () => {
  const { diagnoseKeyStore } = await import("kms-keystore-errors/diagnostics");
  const result = await diagnoseKeyStore({ kms, cloudhsm: unreachable as never }, storeId);
  if (result.isErr()) throw new Error(`diagnosis failed: ${result.error.kind}`);
  return result.value;
};

describe("diagnoseKeyStore without an importable optional package", () => {
  it("reports every check it needs unknown, saying which package to install, then retries the import", async () => {
    vi.doMock(PACKAGE, () => {
      throw new Error(`Cannot find package '${PACKAGE}'`);
    });
    const first = await diagnose();
    expect(first.checks.map((c) => c.status)).toEqual(first.checks.map(() => "unknown"));
    // Without it no check can start: the cluster is what every check reads first.
    expect(new Set(first.checks.map((c) => c.evidence))).toEqual(
      new Set([`Install ${PACKAGE} to run the CloudHSM cluster checks`]),
    );
    // A failed import is not kept: once the package resolves, the next diagnosis loads it.
    vi.doUnmock(PACKAGE);
    const second = await diagnose();
    expect(second.checks.map((c) => c.evidence)).toContain(
      "cloudhsm:DescribeClusters failed: Error: sent although the command could not be loaded",
    );
  });

  it("says the same of a package that does not export the command a check needs", async () => {
    // The library keeps each package it imported: load it afresh, so that it imports the mock.
    vi.resetModules();
    vi.doMock(PACKAGE, () => ({}));
    const d = await diagnose();
    expect(new Set(d.checks.map((c) => [c.status, c.evidence].join(": ")))).toEqual(
      new Set([`unknown: Install ${PACKAGE} to run the CloudHSM cluster checks`]),
    );
  });
});
