/**
 * The AWS Encryption SDK with `kmsClientProvider`: encrypt and decrypt one message under a KMS key
 * (for instance one in an external key store). Each KMS failure the keyring's clients meet is logged
 * as it happens; when decryption fails, the Encryption SDK's aggregated error is classified into the
 * key store's cause, with every inner failure in `related`.
 *
 *   AWS_REGION=eu-west-1 KMS_KEY_ARN=arn:aws:kms:eu-west-1:111122223333:key/… npx tsx examples/encryption-sdk.ts
 */
import { pathToFileURL } from "node:url";
import {
  buildClient,
  CommitmentPolicy,
  KmsKeyringNode,
  type KmsNodeClientSupplier,
} from "@aws-crypto/client-node";
import type { KMSClientConfig } from "@aws-sdk/client-kms";
import { classify, formatFailure, type KmsFailure, kmsClientProvider, toLogEntry } from "kms-keystore-errors";

/** What {@link main} did. */
export interface EncryptionSdkOutcome {
  /** True when the message decrypted to what was encrypted. */
  readonly roundTrip: boolean;
  /** The classified failure that stopped it, if any. */
  readonly failure?: KmsFailure;
}

const { encrypt, decrypt } = buildClient(CommitmentPolicy.REQUIRE_ENCRYPT_REQUIRE_DECRYPT);

/** Encrypts and decrypts one message under `keyArn`; prints the guidance when either fails. */
export async function main(config: KMSClientConfig, keyArn: string): Promise<EncryptionSdkOutcome> {
  const clientProvider = kmsClientProvider({
    clientConfig: config,
    // Every KMS failure as it happens, one JSON line each (no plaintext, no key material).
    onFailure: (failure) => console.warn(JSON.stringify(toLogEntry(failure))),
  });
  // The Encryption SDK types its clients' outputs more strictly than the AWS SDK does under
  // `exactOptionalPropertyTypes`; at run time the provider's clients are what it calls.
  const keyring = new KmsKeyringNode({
    generatorKeyId: keyArn,
    clientProvider: clientProvider as unknown as KmsNodeClientSupplier,
  });
  const message = "order 1234: 3 items";
  try {
    const { result } = await encrypt(keyring, message, { encryptionContext: { purpose: "example" } });
    const { plaintext } = await decrypt(keyring, result);
    console.log("decrypted the message it encrypted");
    return { roundTrip: plaintext.toString("utf8") === message };
  } catch (error) {
    // On decrypt, the Encryption SDK throws one aggregated error: classify finds the key store's cause.
    const failure = classify(error);
    console.error(formatFailure(failure));
    return { roundTrip: false, failure };
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const keyArn = process.env.KMS_KEY_ARN;
  if (keyArn === undefined) throw new Error("Set KMS_KEY_ARN to the ARN of a symmetric KMS key.");
  const outcome = await main({}, keyArn);
  process.exitCode = outcome.roundTrip ? 0 : 1;
}
