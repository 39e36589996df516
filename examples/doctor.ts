/**
 * Check every custom key store: its connection state and, for the ones that failed or are
 * disconnected, what to do. The CLI's `kms-keystore-errors doctor` does the same.
 *
 *   AWS_REGION=eu-west-1 npx tsx examples/doctor.ts
 */
import { pathToFileURL } from "node:url";
import { KMSClient, type KMSClientConfig } from "@aws-sdk/client-kms";
import { checkKeyStores, formatFailure, type KeyStoreReport } from "kms-keystore-errors";

/** Prints one line per key store and the guidance for each unhealthy one; returns the reports. */
export async function main(config: KMSClientConfig): Promise<readonly KeyStoreReport[]> {
  const kms = new KMSClient(config);
  try {
    const result = await checkKeyStores(kms);
    if (result.isErr()) {
      console.error("Could not describe the custom key stores:");
      console.error(formatFailure(result.error));
      return [];
    }
    for (const store of result.value) {
      console.log(
        `${store.customKeyStoreId}  ${store.customKeyStoreName ?? ""}  ${store.customKeyStoreType ?? ""}  ${store.connectionState ?? ""}`,
      );
    }
    for (const store of result.value) {
      if (store.failure !== undefined) console.log(`\n${formatFailure(store.failure)}`);
    }
    return result.value;
  } finally {
    kms.destroy();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const reports = await main({});
  process.exitCode = reports.some((r) => r.connectionState === "FAILED") ? 1 : 0;
}
