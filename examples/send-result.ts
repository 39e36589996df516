/**
 * `sendResult`: KMS calls as neverthrow `ResultAsync` values, with `KmsFailure` as the error type.
 * No try/catch; the output type comes from the command.
 *
 *   AWS_REGION=eu-west-1 KMS_KEY_ID=alias/payments npx tsx examples/send-result.ts
 */
import { pathToFileURL } from "node:url";
import { EncryptCommand, GenerateDataKeyCommand, KMSClient, type KMSClientConfig } from "@aws-sdk/client-kms";
import { formatFailure, type KmsFailure, sendResult, withKeyStoreErrors } from "kms-keystore-errors";
import type { Result, ResultAsync } from "neverthrow";

/** An envelope: the data key, encrypted under the KMS key. */
export interface Envelope {
  readonly keyId: string;
  readonly encryptedDataKey: Uint8Array;
}

/**
 * Generates a data key, then encrypts a small header with the same KMS key: one Result pipeline,
 * the first failure short-circuits. The plaintext data key is never printed.
 */
export function envelope(kms: KMSClient, keyId: string): ResultAsync<Envelope, KmsFailure> {
  return sendResult(kms, new GenerateDataKeyCommand({ KeyId: keyId, KeySpec: "AES_256" })).andThen(
    (dataKey) => {
      // dataKey is typed as GenerateDataKeyCommandOutput.
      const id = dataKey.KeyId ?? keyId;
      const encryptedDataKey = dataKey.CiphertextBlob ?? new Uint8Array();
      const header = new EncryptCommand({ KeyId: id, Plaintext: new TextEncoder().encode("header v1") });
      return sendResult(kms, header).map(() => ({ keyId: id, encryptedDataKey }));
    },
  );
}

/** Runs the pipeline and prints what an application would log. */
export async function main(
  config: KMSClientConfig,
  options: { readonly keyId: string },
): Promise<Result<Envelope, KmsFailure>> {
  const kms = withKeyStoreErrors(new KMSClient(config));
  try {
    const result = await envelope(kms, options.keyId);
    result.match(
      (value) =>
        console.log(
          `Data key generated under ${value.keyId} (${value.encryptedDataKey.length} bytes encrypted).`,
        ),
      (failure) => {
        console.error(`Could not generate a data key: ${failure.cause} (retryable: ${failure.retryable}).`);
        console.error(formatFailure(failure));
      },
    );
    return result;
  } finally {
    kms.destroy();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const keyId = process.env.KMS_KEY_ID;
  if (keyId === undefined) throw new Error("Set KMS_KEY_ID to a key (id, ARN or alias).");
  const result = await main({}, { keyId });
  process.exitCode = result.isOk() ? 0 : 1;
}
