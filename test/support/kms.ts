import { CreateCustomKeyStoreCommand, KMSClient, type KMSClientConfig } from "@aws-sdk/client-kms";
import { ConfiguredRetryStrategy } from "@smithy/core/retry";
import type { KmsEmulator } from "kms-keystore-errors/testing";

/**
 * A real KMSClient pointed at the emulator, with static test credentials. Unless `config` brings its
 * own strategy, the client retries as the SDK's standard strategy decides (with `maxAttempts`, 3 by
 * default) but waits 5 ms between attempts instead of a backoff that reaches seconds.
 */
export const clientFor = (emulator: KmsEmulator, config: Partial<KMSClientConfig> = {}): KMSClient =>
  new KMSClient({
    endpoint: emulator.endpoint,
    region: emulator.region,
    credentials: { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "test-secret-not-used" },
    retryStrategy: new ConfiguredRetryStrategy(config.maxAttempts ?? 3, 5),
    ...config,
  });

/** Runs a promise that must reject and returns what it rejected with. */
export async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error("expected the promise to reject");
}

/**
 * A retry strategy of the caller's own with the SDK's token interface: no delay, up to
 * `maxAttempts` attempts, retrying only what it is told is TRANSIENT or THROTTLING (as the SDK's
 * standard strategy does). `seen` records the error type of every retry it was asked for.
 */
export function recordingStrategy(maxAttempts: number) {
  const seen: string[] = [];
  const strategy = {
    mode: "custom",
    acquireInitialRetryToken: async () => ({ count: 0, getRetryCount: () => 0, getRetryDelay: () => 0 }),
    refreshRetryTokenForRetry: async (
      token: { count: number },
      info: { errorType: string; error: unknown },
    ) => {
      seen.push(info.errorType);
      if (
        token.count >= maxAttempts - 1 ||
        (info.errorType !== "TRANSIENT" && info.errorType !== "THROTTLING")
      )
        throw info.error;
      const count = token.count + 1;
      return { count, getRetryCount: () => count, getRetryDelay: () => 0 };
    },
    recordSuccess: () => {},
  };
  return { seen, strategy };
}

/**
 * Creates an external key store with VPC endpoint service connectivity and returns its id. Its proxy
 * endpoint is named after the store; `n` keeps its endpoint service name unique in the emulator.
 */
export async function createXksStore(
  kms: KMSClient,
  region: string,
  n: number,
  fields: { readonly name: string; readonly accessKeyId: string },
): Promise<string> {
  const out = await kms.send(
    new CreateCustomKeyStoreCommand({
      CustomKeyStoreName: fields.name,
      CustomKeyStoreType: "EXTERNAL_KEY_STORE",
      XksProxyConnectivity: "VPC_ENDPOINT_SERVICE",
      XksProxyUriEndpoint: `https://${fields.name}.example.com`,
      XksProxyUriPath: "/kms/xks/v1",
      XksProxyVpcEndpointServiceName: `com.amazonaws.vpce.${region}.vpce-svc-0${n}23456789abcdef`,
      XksProxyAuthenticationCredential: {
        AccessKeyId: fields.accessKeyId,
        RawSecretAccessKey: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQ",
      },
    }),
  );
  return out.CustomKeyStoreId as string;
}

/** Creates a CloudHSM key store (the emulator does not check the cluster) and returns its id. */
export async function createHsmStore(
  kms: KMSClient,
  fields: { readonly name: string; readonly clusterId: string },
): Promise<string> {
  const out = await kms.send(
    new CreateCustomKeyStoreCommand({
      CustomKeyStoreName: fields.name,
      CustomKeyStoreType: "AWS_CLOUDHSM",
      CloudHsmClusterId: fields.clusterId,
      TrustAnchorCertificate: "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----",
      KeyStorePassword: "kmsuser-password",
    }),
  );
  return out.CustomKeyStoreId as string;
}
