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
