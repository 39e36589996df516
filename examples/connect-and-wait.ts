/**
 * Connect a custom key store and wait for it, with `ensureConnected`: from whatever state the store
 * is in (a `FAILED` store is disconnected first), one connection attempt per call. A `retryable`
 * failure may go away by calling it again, unchanged; any other needs its fix first, and most fixes
 * (`UpdateCustomKeyStore`) need the store `DISCONNECTED`, which a `FAILED` store is not.
 *
 *   AWS_REGION=eu-west-1 CUSTOM_KEY_STORE_ID=cks-1234567890abcdef0 npx tsx examples/connect-and-wait.ts
 */
import { pathToFileURL } from "node:url";
import {
  type CustomKeyStoresListEntry,
  DisconnectCustomKeyStoreCommand,
  KMSClient,
  type KMSClientConfig,
} from "@aws-sdk/client-kms";
import {
  ensureConnected,
  formatFailure,
  type KmsFailure,
  sendResult,
  withKeyStoreErrors,
} from "kms-keystore-errors";
import type { Result } from "neverthrow";

/** Options of {@link connectAndWait}. */
export interface ConnectOptions {
  /** Polling interval, in milliseconds (the management APIs allow about 5 requests/s). @defaultValue 5000 */
  readonly intervalMs?: number | undefined;
  /** How long one call may take, in milliseconds (CloudHSM can take 20 minutes). @defaultValue 1200000 */
  readonly timeoutMs?: number | undefined;
  /** Calls of `ensureConnected` again after a retryable failure. @defaultValue 1 */
  readonly reconnects?: number | undefined;
}

/** True for a failure that means the store is `FAILED` (not timed out, not disconnected). */
const isFailedConnection = (failure: KmsFailure): boolean =>
  failure.kind === "ConnectionFailed" &&
  failure.cause !== "KEY_STORE_NOT_CONNECTED" &&
  failure.cause !== "CONNECT_WAIT_TIMED_OUT";

/** Connects and waits; calls again while that may help; leaves a store that needs a fix disconnected. */
export async function connectAndWait(
  kms: KMSClient,
  customKeyStoreId: string,
  options: ConnectOptions = {},
): Promise<Result<CustomKeyStoresListEntry, KmsFailure>> {
  const wait = { intervalMs: options.intervalMs, timeoutMs: options.timeoutMs };
  for (let attempt = 0; ; attempt++) {
    console.log(`${customKeyStoreId}: connecting…`);
    const result = await ensureConnected(kms, customKeyStoreId, wait);
    if (result.isOk()) {
      console.log(`${customKeyStoreId}: CONNECTED`);
      return result;
    }
    const failure = result.error;
    console.error(formatFailure(failure));
    if (failure.retryable && attempt < (options.reconnects ?? 1)) {
      console.log(`${customKeyStoreId}: ${failure.cause} may be transient; connecting again`);
      continue;
    }
    if (isFailedConnection(failure)) {
      // A FAILED store refuses UpdateCustomKeyStore: disconnect it, ready for the fix.
      await sendResult(kms, new DisconnectCustomKeyStoreCommand({ CustomKeyStoreId: customKeyStoreId }));
      console.log(`${customKeyStoreId}: disconnected after ${failure.code}`);
    }
    return result;
  }
}

/** Connects one key store and waits for it. */
export async function main(
  config: KMSClientConfig,
  options: ConnectOptions & { readonly customKeyStoreId: string },
): Promise<Result<CustomKeyStoresListEntry, KmsFailure>> {
  const kms = withKeyStoreErrors(new KMSClient(config));
  try {
    return await connectAndWait(kms, options.customKeyStoreId, options);
  } finally {
    kms.destroy();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const customKeyStoreId = process.env.CUSTOM_KEY_STORE_ID;
  if (customKeyStoreId === undefined) throw new Error("Set CUSTOM_KEY_STORE_ID (cks-…).");
  const result = await main({}, { customKeyStoreId, timeoutMs: 10 * 60_000 });
  process.exitCode = result.isOk() ? 0 : 1;
}
