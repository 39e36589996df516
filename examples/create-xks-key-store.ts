/**
 * Create (or update) an external key store whose proxy is reached through a VPC endpoint service,
 * and print the guidance when KMS refuses it: e.g.
 * `XksProxyVpcEndpointServiceInvalidConfigurationException`, which is about the endpoint *service*
 * you provide for the proxy (Network Load Balancer, allowed principal, acceptance, private DNS).
 *
 *   AWS_REGION=eu-west-1 XKS_SETTINGS=./xks.json npx tsx examples/create-xks-key-store.ts
 */
import { readFileSync } from "node:fs";
import { pathToFileURL } from "node:url";
import {
  CreateCustomKeyStoreCommand,
  KMSClient,
  type KMSClientConfig,
  UpdateCustomKeyStoreCommand,
} from "@aws-sdk/client-kms";
import { formatFailure, type KmsFailure, sendResult } from "kms-keystore-errors";
import type { Result } from "neverthrow";

/** What an external key store with VPC endpoint service connectivity needs. */
export interface XksSettings {
  readonly name: string;
  /** `https://` and the private DNS name of the VPC endpoint service. */
  readonly uriEndpoint: string;
  /** e.g. `/example/kms/xks/v1`. */
  readonly uriPath: string;
  /** `com.amazonaws.vpce.<region>.vpce-svc-…`. */
  readonly vpcEndpointServiceName: string;
  /** The proxy's SigV4 credential (secret: never logged, never in a failure). */
  readonly credential: { readonly accessKeyId: string; readonly rawSecretAccessKey: string };
}

/** Creates the key store; the Ok value is its id. */
export async function createExternalKeyStore(
  kms: KMSClient,
  settings: XksSettings,
): Promise<Result<string, KmsFailure>> {
  const result = await sendResult(
    kms,
    new CreateCustomKeyStoreCommand({
      CustomKeyStoreName: settings.name,
      CustomKeyStoreType: "EXTERNAL_KEY_STORE",
      XksProxyConnectivity: "VPC_ENDPOINT_SERVICE",
      XksProxyUriEndpoint: settings.uriEndpoint,
      XksProxyUriPath: settings.uriPath,
      XksProxyVpcEndpointServiceName: settings.vpcEndpointServiceName,
      XksProxyAuthenticationCredential: {
        AccessKeyId: settings.credential.accessKeyId,
        RawSecretAccessKey: settings.credential.rawSecretAccessKey,
      },
    }),
  );
  return result
    .map((out) => out.CustomKeyStoreId ?? "")
    .mapErr((failure) => {
      console.error(`Could not create external key store "${settings.name}":`);
      console.error(formatFailure(failure));
      return failure;
    });
}

/**
 * Points a (disconnected) external key store at another VPC endpoint service. KMS checks the new
 * service the same way as on create.
 */
export async function updateVpcEndpointService(
  kms: KMSClient,
  customKeyStoreId: string,
  vpcEndpointServiceName: string,
): Promise<Result<string, KmsFailure>> {
  const result = await sendResult(
    kms,
    new UpdateCustomKeyStoreCommand({
      CustomKeyStoreId: customKeyStoreId,
      XksProxyVpcEndpointServiceName: vpcEndpointServiceName,
    }),
  );
  return result
    .map(() => customKeyStoreId)
    .mapErr((failure) => {
      console.error(`Could not update external key store ${customKeyStoreId}:`);
      console.error(formatFailure(failure));
      return failure;
    });
}

/** Creates the key store and prints its id, or the guidance. */
export async function main(
  config: KMSClientConfig,
  settings: XksSettings,
): Promise<Result<string, KmsFailure>> {
  const kms = new KMSClient(config);
  try {
    const result = await createExternalKeyStore(kms, settings);
    if (result.isOk())
      console.log(`Created external key store ${result.value} (DISCONNECTED until you connect it).`);
    return result;
  } finally {
    kms.destroy();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const file = process.env.XKS_SETTINGS;
  if (file === undefined) throw new Error("Set XKS_SETTINGS to a JSON file with the XksSettings fields.");
  const result = await main({}, JSON.parse(readFileSync(file, "utf8")) as XksSettings);
  process.exitCode = result.isOk() ? 0 : 1;
}
