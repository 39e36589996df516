/**
 * `retryKms`: retry a unit of work (here, each record of an encrypt loop) only while the failure is
 * retryable, e.g. an XKS proxy timeout, never a configuration or key-state failure. The client
 * retries each request too, so the worst case is (retries + 1) x maxAttempts requests; an external
 * key store shares one request budget, so keep both small.
 *
 *   AWS_REGION=eu-west-1 KMS_KEY_ID=alias/payments npx tsx examples/retry-kms.ts
 */
import { pathToFileURL } from "node:url";
import { EncryptCommand, KMSClient, type KMSClientConfig } from "@aws-sdk/client-kms";
import { classify, formatFailure, retryKms } from "kms-keystore-errors";

/** Options of {@link main}. */
export interface RetryKmsExampleOptions {
  readonly keyId: string;
  /** The records to encrypt. */
  readonly records?: readonly string[] | undefined;
  /** First delay between attempts, in milliseconds. @defaultValue 1000 */
  readonly minTimeout?: number | undefined;
}

/** What {@link main} did. */
export interface RetryKmsOutcome {
  /** Records encrypted. */
  readonly encrypted: number;
  /** Failed attempts that were retried. */
  readonly retried: number;
  /** The cause that stopped the loop, if any. */
  readonly stoppedBy?: string;
}

/** Encrypts each record, retrying retryable failures; stops at the first one that retrying cannot fix. */
export async function main(
  config: KMSClientConfig,
  options: RetryKmsExampleOptions,
): Promise<RetryKmsOutcome> {
  // One attempt per send: retryKms is the only retry layer here, so the budget is easy to see.
  const kms = new KMSClient({ ...config, maxAttempts: 1 });
  const records = options.records ?? ["invoice 1", "invoice 2", "invoice 3"];
  let encrypted = 0;
  let retried = 0;
  try {
    for (const [i, record] of records.entries()) {
      await retryKms(
        () =>
          kms.send(new EncryptCommand({ KeyId: options.keyId, Plaintext: new TextEncoder().encode(record) })),
        {
          retries: 2,
          minTimeout: options.minTimeout ?? 1000,
          onFailedAttempt: ({ failure, attemptNumber, retriesLeft }) => {
            if (retriesLeft > 0 && failure.retryable) retried++;
            console.warn(
              `record ${i + 1}: attempt ${attemptNumber} failed: ${failure.cause} (retryable: ${failure.retryable}, retries left: ${retriesLeft})`,
            );
          },
        },
      );
      encrypted++;
      console.log(`record ${i + 1}: encrypted`);
    }
    return { encrypted, retried };
  } catch (error) {
    // retryKms rejects with exactly what the last attempt threw.
    const failure = classify(error, { operation: "Encrypt", keyId: options.keyId });
    console.error(formatFailure(failure));
    return { encrypted, retried, stoppedBy: failure.cause };
  } finally {
    kms.destroy();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const keyId = process.env.KMS_KEY_ID;
  if (keyId === undefined) throw new Error("Set KMS_KEY_ID to a key (id, ARN or alias).");
  const outcome = await main({}, { keyId });
  process.exitCode = outcome.stoppedBy === undefined ? 0 : 1;
}
