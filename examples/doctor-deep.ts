/**
 * Find the failing requirement of a custom key store: `diagnoseKeyStore` with EC2, ELBv2 and
 * CloudHSM v2 clients reads the VPC endpoint service, its Network Load Balancer (or the CloudHSM
 * cluster) and prints each failing check with the evidence and the fix. The CLI's
 * `kms-keystore-errors doctor --deep` does the same for every FAILED key store.
 *
 *   AWS_REGION=eu-west-1 npx tsx examples/doctor-deep.ts cks-1234567890abcdef0
 */
import { pathToFileURL } from "node:url";
import { CloudHSMV2Client } from "@aws-sdk/client-cloudhsm-v2";
import { EC2Client } from "@aws-sdk/client-ec2";
import { ElasticLoadBalancingV2Client } from "@aws-sdk/client-elastic-load-balancing-v2";
import { KMSClient, type KMSClientConfig } from "@aws-sdk/client-kms";
import { formatFailure } from "kms-keystore-errors";
import { type Diagnosis, diagnoseKeyStore } from "kms-keystore-errors/diagnostics";

/** Settings of the EC2, ELBv2 and CloudHSM v2 clients (defaults: the SDK's chain). */
export interface AwsClientSettings {
  readonly region?: string;
  /** Only to point the clients at an emulator. */
  readonly endpoint?: string;
  readonly credentials?: { readonly accessKeyId: string; readonly secretAccessKey: string };
}

/** What to diagnose, and how to reach the other AWS services. */
export interface DoctorDeepOptions {
  /** The `cks-…` id. */
  readonly customKeyStoreId: string;
  /** Settings of the EC2, ELBv2 and CloudHSM v2 clients. @defaultValue the KMS client's Region */
  readonly aws?: AwsClientSettings | undefined;
}

/**
 * Diagnoses one key store and prints each failing check (requirement, evidence, steps, docs) and
 * each check it could not evaluate; returns the diagnosis, or undefined when the store could not be
 * described.
 */
export async function main(
  config: KMSClientConfig,
  options: DoctorDeepOptions,
): Promise<Diagnosis | undefined> {
  const kms = new KMSClient(config);
  const region = typeof config.region === "string" ? config.region : undefined;
  const settings = { ...(region === undefined ? {} : { region }), ...options.aws };
  const ec2 = new EC2Client(settings);
  const elbv2 = new ElasticLoadBalancingV2Client(settings);
  const cloudhsm = new CloudHSMV2Client(settings);
  try {
    const result = await diagnoseKeyStore({ kms, ec2, elbv2, cloudhsm }, options.customKeyStoreId);
    if (result.isErr()) {
      console.error(`Could not diagnose ${options.customKeyStoreId}:`);
      console.error(formatFailure(result.error));
      return undefined;
    }
    const d = result.value;
    const count = (status: string) => d.checks.filter((c) => c.status === status).length;
    console.log(
      `${d.customKeyStoreId}: ${d.customKeyStoreType}, ${d.connectionState}${
        d.connectionErrorCode === undefined ? "" : ` (${d.connectionErrorCode})`
      }; ${d.checks.length} checks: ${count("fail")} failing, ${count("unknown")} unknown, ${count("pass")} passing`,
    );
    for (const check of d.checks) {
      if (check.status === "pass") continue;
      console.log(`\n${check.status.toUpperCase()} ${check.id}: ${check.requirement}`);
      console.log(`  Evidence: ${check.evidence}`);
      if (check.status === "unknown") continue;
      for (const [i, step] of check.remediation.steps.entries()) console.log(`  ${i + 1}. ${step}`);
      for (const url of check.remediation.docs) console.log(`  - ${url}`);
    }
    return d;
  } finally {
    for (const client of [kms, ec2, elbv2, cloudhsm]) client.destroy();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const customKeyStoreId = process.argv[2];
  if (customKeyStoreId === undefined) throw new Error("Usage: doctor-deep.ts <cks-id>");
  const diagnosis = await main({}, { customKeyStoreId });
  process.exitCode = diagnosis === undefined || diagnosis.failing.length > 0 ? 1 : 0;
}
