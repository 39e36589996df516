import { KMSClient, type KMSClientConfig } from "@aws-sdk/client-kms";
import type { KmsEmulator } from "kms-keystore-errors/testing";

/** A real KMSClient pointed at the emulator, with static test credentials. */
export const clientFor = (emulator: KmsEmulator, config: Partial<KMSClientConfig> = {}): KMSClient =>
  new KMSClient({
    endpoint: emulator.endpoint,
    region: emulator.region,
    credentials: { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "test-secret-not-used" },
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
