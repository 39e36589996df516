/**
 * Connect a custom key store and wait for it. `ConnectCustomKeyStore` is asynchronous: it returns at
 * once and the store goes `CONNECTING`, then `CONNECTED` or `FAILED`. A `FAILED` store must be
 * disconnected before it can connect again; the fix for the failure (the guidance) comes first
 * unless the failure is retryable.
 *
 *   AWS_REGION=eu-west-1 CUSTOM_KEY_STORE_ID=cks-1234567890abcdef0 npx tsx examples/connect-and-wait.ts
 */
import { pathToFileURL } from "node:url";
import {
  ConnectCustomKeyStoreCommand,
  type CustomKeyStoresListEntry,
  DisconnectCustomKeyStoreCommand,
  KMSClient,
  type KMSClientConfig,
} from "@aws-sdk/client-kms";
import {
  formatFailure,
  type KmsFailure,
  sendResult,
  waitForConnection,
  withKeyStoreErrors,
} from "kms-keystore-errors";
import { err, type Result } from "neverthrow";

/** Options of {@link connectAndWait}. */
export interface ConnectOptions {
  /** Polling interval, in milliseconds (the management APIs allow about 5 requests/s). @defaultValue 5000 */
  readonly intervalMs?: number | undefined;
  /** How long to wait, in milliseconds (CloudHSM can take 20 minutes). @defaultValue 1200000 */
  readonly timeoutMs?: number | undefined;
  /** Connect attempts after a retryable `FAILED` (each one disconnects first). @defaultValue 1 */
  readonly reconnects?: number | undefined;
}

/** True for a failure that means the store is `FAILED` (not timed out, not disconnected). */
const isFailedConnection = (failure: KmsFailure): boolean =>
  failure.kind === "ConnectionFailed" &&
  failure.cause !== "KEY_STORE_NOT_CONNECTED" &&
  failure.cause !== "CONNECT_WAIT_TIMED_OUT";

/** Connects, waits, and handles `FAILED`: disconnect, then reconnect only when that may help. */
export async function connectAndWait(
  kms: KMSClient,
  customKeyStoreId: string,
  options: ConnectOptions = {},
): Promise<Result<CustomKeyStoresListEntry, KmsFailure>> {
  const wait = { intervalMs: options.intervalMs, timeoutMs: options.timeoutMs };
  for (let attempt = 0; ; attempt++) {
    const connect = await sendResult(
      kms,
      new ConnectCustomKeyStoreCommand({ CustomKeyStoreId: customKeyStoreId }),
    );
    if (connect.isErr()) return err(connect.error);
    console.log(`${customKeyStoreId}: connecting…`);
    const result = await waitForConnection(kms, customKeyStoreId, wait);
    if (result.isOk()) {
      console.log(`${customKeyStoreId}: CONNECTED`);
      return result;
    }
    const failure = result.error;
    console.error(formatFailure(failure));
    if (!isFailedConnection(failure)) return result;
    // A FAILED store cannot connect again until it is disconnected, and most settings can only be
    // updated on a disconnected store: disconnect either way.
    await sendResult(kms, new DisconnectCustomKeyStoreCommand({ CustomKeyStoreId: customKeyStoreId }));
    console.log(`${customKeyStoreId}: disconnected after ${failure.code}`);
    if (!failure.retryable || attempt >= (options.reconnects ?? 1)) return result;
    console.log(`${customKeyStoreId}: ${failure.cause} may be transient; connecting again`);
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
