/**
 * What is about to fail: `checkKeyStoreHealth` reads every custom key store's connection state and
 * the CloudWatch metrics KMS publishes for it (certificate expiry, credential age, latency, errors,
 * key managers, throttling; HsmUnhealthy for a CloudHSM cluster) and prints each finding that is not
 * ok; then `keyStoreAlarms` writes AWS's recommended alarms for the external key stores as a
 * CloudFormation template. The CLI's `doctor --health` and `alarms` do the same.
 *
 *   AWS_REGION=eu-west-1 npx tsx examples/health.ts > kms-alarms.json
 */
import { pathToFileURL } from "node:url";
import { CloudWatchClient } from "@aws-sdk/client-cloudwatch";
import { KMSClient, type KMSClientConfig } from "@aws-sdk/client-kms";
import { formatFailure } from "kms-keystore-errors";
import { checkKeyStoreHealth, type HealthReport, keyStoreAlarms } from "kms-keystore-errors/diagnostics";

/** Settings of the CloudWatch client (defaults: the SDK's chain). */
export interface CloudWatchSettings {
  readonly region?: string;
  /** Only to point the client at an emulator. */
  readonly endpoint?: string;
  readonly credentials?: { readonly accessKeyId: string; readonly secretAccessKey: string };
}

/** What the example returns: the reports, and the alarms template (empty without external key stores). */
export interface HealthExample {
  readonly reports: readonly HealthReport[];
  readonly template: string;
}

/**
 * Checks every store's health, prints the findings that are not ok (on stderr, so that stdout is the
 * template), and returns the reports and the CloudFormation template; undefined when the stores could
 * not be described.
 */
export async function main(
  config: KMSClientConfig,
  options: { readonly cloudwatch?: CloudWatchSettings | undefined } = {},
): Promise<HealthExample | undefined> {
  const kms = new KMSClient(config);
  const region = typeof config.region === "string" ? config.region : undefined;
  const cloudwatch = new CloudWatchClient({
    ...(region === undefined ? {} : { region }),
    ...options.cloudwatch,
  });
  try {
    const result = await checkKeyStoreHealth({ kms, cloudwatch });
    if (result.isErr()) {
      console.error(formatFailure(result.error));
      return undefined;
    }
    for (const store of result.value) {
      console.error(
        `${store.customKeyStoreId} (${store.customKeyStoreName ?? "unnamed"}): ${store.connectionState}`,
      );
      for (const finding of store.findings) {
        if (finding.status === "ok") continue;
        console.error(`  [${finding.status}] ${finding.id}: ${finding.evidence}`);
        if (finding.status !== "unknown")
          console.error(`         next: ${finding.remediation.steps[0] ?? ""}`);
      }
    }
    const template = keyStoreAlarms(result.value, { format: "cloudformation" });
    if (template !== "") console.log(template);
    return { reports: result.value, template };
  } finally {
    kms.destroy();
    cloudwatch.destroy();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const outcome = await main({});
  process.exitCode =
    outcome === undefined || outcome.reports.some((r) => r.findings.some((f) => f.status === "fail")) ? 1 : 0;
}
