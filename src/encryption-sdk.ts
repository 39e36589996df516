/**
 * The AWS Encryption SDK for JavaScript (`@aws-crypto/client-node`): a `clientProvider` for its KMS
 * keyrings whose clients carry the plugin. Typed structurally: the Encryption SDK is not a
 * dependency.
 */
import { KMS, type KMSClientConfig } from "@aws-sdk/client-kms";
import { type KeyStoreErrorsOptions, withKeyStoreErrors } from "./middleware.js";

/**
 * Options of {@link kmsClientProvider}: those of `withKeyStoreErrors`, plus the configuration of
 * every client it builds.
 * @public
 */
export interface KmsClientProviderOptions extends KeyStoreErrorsOptions {
  /**
   * Configuration for every client (credentials, retries, `requestHandler`…). Its `region` is used
   * when the Encryption SDK asks for the default Region (a key given by alias or key id, no ARN);
   * otherwise the Region the Encryption SDK asks for wins.
   */
  readonly clientConfig?: KMSClientConfig | undefined;
}

/**
 * How many Regions' clients are kept. More than every AWS Region: a hostile message can name any
 * number of made-up Regions in its encrypted data keys (discovery keyrings try them all), and those
 * beyond the cap get a client that is not kept.
 */
const MAX_CACHED_REGIONS = 64;

/** A Region name as AWS spells them (`eu-west-1`, `us-gov-east-1`); anything else gets no client. */
const REGION = /^[a-z]{2,4}(?:-[a-z0-9]{1,16}){1,4}$/;

/**
 * A `clientProvider` for the AWS Encryption SDK's KMS keyrings (`KmsKeyringNode`,
 * `buildAwsKmsMrkAwareStrictMultiKeyringNode`, the discovery keyrings): for each Region it builds one
 * aggregated `KMS` client (it has the `encrypt`, `decrypt` and `generateDataKey` methods the keyrings
 * call) with {@link withKeyStoreErrors} installed, and keeps it. Every KMS failure of a keyring is
 * then classified, passed to `onFailure` and retried as the catalog says; `classify` of the
 * Encryption SDK's aggregated decrypt error gives the most specific of them.
 *
 * The Region comes from the key ARN in the message, which a hostile message chooses: a value that
 * is not shaped like a Region name gets no client (`false`, which the Encryption SDK skips), and at
 * most 64 Regions' clients are kept.
 *
 * @param options - `onFailure`, `alignRetries`, `remediation` (as for {@link withKeyStoreErrors}) and
 *   `clientConfig` for every client.
 * @returns `(region) => KMS | false`, for the keyrings' `clientProvider`.
 * @example
 * ```ts
 * import { kmsClientProvider, toLogEntry } from "kms-keystore-errors";
 *
 * const clientProvider = kmsClientProvider({
 *   onFailure: (failure) => console.error(JSON.stringify(toLogEntry(failure))),
 * });
 * // new KmsKeyringNode({ generatorKeyId, clientProvider }) with @aws-crypto/client-node
 * const kms = clientProvider("eu-west-1");
 * ```
 * @public
 */
export function kmsClientProvider(options: KmsClientProviderOptions = {}): (region: string) => KMS | false {
  const clients = new Map<string, KMS>();
  const { clientConfig, ...pluginOptions } = options;
  const build = (region: string): KMS =>
    withKeyStoreErrors(
      new KMS(region === "" ? { ...clientConfig } : { ...clientConfig, region }),
      pluginOptions,
    );
  return (region: string) => {
    // The Encryption SDK passes "" for a key without a Region (an alias): the configured Region.
    if (typeof region !== "string" || (region !== "" && !REGION.test(region))) return false;
    const cached = clients.get(region);
    if (cached !== undefined) return cached;
    const client = build(region);
    if (clients.size < MAX_CACHED_REGIONS) clients.set(region, client);
    return client;
  };
}
