/**
 * Wrap an existing KMSClient: one line, and every failed `send` is classified, logged once (after
 * the SDK's retries) and carries its guidance. Shown with `console` and with `pino`.
 *
 *   AWS_REGION=eu-west-1 KMS_KEY_ID=alias/payments npx tsx examples/wrap-client.ts [console|pino]
 */
import { pathToFileURL } from "node:url";
import { EncryptCommand, KMSClient, type KMSClientConfig } from "@aws-sdk/client-kms";
import {
  failureOf,
  formatFailure,
  type KmsFailure,
  toLogEntry,
  withKeyStoreErrors,
} from "kms-keystore-errors";
import { type DestinationStream, pino } from "pino";

/** Logs each failure as one JSON line on stderr, the flat, redacted `toLogEntry` record. */
export function withConsoleLogging(client: KMSClient): KMSClient {
  return withKeyStoreErrors(client, {
    onFailure: (failure) =>
      console.error(JSON.stringify({ msg: "KMS request failed", ...toLogEntry(failure) })),
  });
}

/** Logs each failure through pino: the `toLogEntry` record becomes the log line's fields. */
export function withPinoLogging(client: KMSClient, logger: pino.Logger): KMSClient {
  return withKeyStoreErrors(client, {
    onFailure: (failure) => logger.error(toLogEntry(failure), "KMS request failed"),
  });
}

/** Options of {@link main}. */
export interface WrapClientOptions {
  /** The key to encrypt with. */
  readonly keyId: string;
  /** `console` (default) or `pino`. */
  readonly logger?: "console" | "pino" | undefined;
  /** Where pino writes (default: stdout). */
  readonly pinoDestination?: DestinationStream | undefined;
}

/** What {@link main} did: encrypted, or the failure it logged. */
export type WrapClientOutcome =
  | { readonly encrypted: true }
  | { readonly encrypted: false; readonly failure: KmsFailure };

/**
 * Encrypts one small record with a wrapped client. On failure the `onFailure` hook has already
 * logged the record; the application adds the human guidance and decides what to do.
 */
export async function main(config: KMSClientConfig, options: WrapClientOptions): Promise<WrapClientOutcome> {
  const client = new KMSClient(config);
  const kms =
    options.logger === "pino"
      ? withPinoLogging(
          client,
          pino({ base: { app: "payments" } }, options.pinoDestination ?? pino.destination(1)),
        )
      : withConsoleLogging(client);
  try {
    await kms.send(
      new EncryptCommand({ KeyId: options.keyId, Plaintext: new TextEncoder().encode("card 4111") }),
    );
    console.log(`Encrypted with ${options.keyId}.`);
    return { encrypted: true };
  } catch (error) {
    const failure = failureOf(error); // the very error the SDK threw, with the failure attached
    if (failure === undefined) throw error;
    console.error(formatFailure(failure));
    return { encrypted: false, failure };
  } finally {
    kms.destroy();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const keyId = process.env.KMS_KEY_ID;
  if (keyId === undefined) throw new Error("Set KMS_KEY_ID to a key (id, ARN or alias).");
  const logger = process.argv[2] === "pino" ? "pino" : "console";
  const outcome = await main({}, { keyId, logger });
  process.exitCode = outcome.encrypted ? 0 : 1;
}
