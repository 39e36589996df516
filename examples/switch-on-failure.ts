/**
 * Decide what to do from the failure's `kind` and `cause`: narrowing on `kind` narrows `cause`, and
 * `hasCause` narrows on several causes at once. Keep a `default` branch: new kinds and causes arrive
 * in minor releases.
 *
 *   AWS_REGION=eu-west-1 KMS_KEY_ID=alias/payments npx tsx examples/switch-on-failure.ts
 */
import { pathToFileURL } from "node:url";
import { EncryptCommand, KMSClient, type KMSClientConfig } from "@aws-sdk/client-kms";
import { classify, hasCause, isCustomKeyStoreFailure, type KmsFailure } from "kms-keystore-errors";

/** What the application does about a failure. */
export type Decision =
  | "retry-later" // transient: queue the work and try again with backoff
  | "page-key-store-owner" // a custom key store needs an operator
  | "page-security" // credentials or permissions
  | "reject-request" // the caller sent something invalid
  | "fail";

/** The application's policy, as a switch over the typed failure. */
export function decide(failure: KmsFailure): Decision {
  switch (failure.kind) {
    case "KMSInvalidStateException":
      // `failure.cause` is narrowed to the causes this exception can carry.
      if (hasCause(failure, "XKS_PROXY_TIMED_OUT", "XKS_PROXY_THROTTLED", "XKS_PROXY_NOT_REACHABLE"))
        return "retry-later";
      return isCustomKeyStoreFailure(failure) ? "page-key-store-owner" : "fail";
    case "XksProxyVpcEndpointServiceInvalidConfigurationException":
    case "XksProxyIncorrectAuthenticationCredentialException":
    case "CustomKeyStoreInvalidStateException":
    case "ConnectionFailed":
      return failure.retryable ? "retry-later" : "page-key-store-owner";
    case "AccessDeniedException":
    case "CredentialsProviderError":
      return "page-security";
    case "ValidationException":
    case "InvalidCiphertextException":
      return "reject-request";
    default:
      // New kinds and causes arrive in minor releases: decide from the category and `retryable`.
      if (failure.retryable) return "retry-later";
      return failure.category === "authorization" ? "page-security" : "fail";
  }
}

/** Encrypts one record and prints the decision the policy makes on failure. */
export async function main(
  config: KMSClientConfig,
  options: { readonly keyId: string },
): Promise<Decision | "ok"> {
  const kms = new KMSClient(config);
  try {
    await kms.send(
      new EncryptCommand({ KeyId: options.keyId, Plaintext: new TextEncoder().encode("order 42") }),
    );
    console.log("Encrypted.");
    return "ok";
  } catch (error) {
    const failure = classify(error, { operation: "Encrypt", keyId: options.keyId });
    const decision = decide(failure);
    console.log(
      `${failure.kind} / ${failure.cause} (category ${failure.category}, retryable ${failure.retryable}) -> ${decision}`,
    );
    return decision;
  } finally {
    kms.destroy();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const keyId = process.env.KMS_KEY_ID;
  if (keyId === undefined) throw new Error("Set KMS_KEY_ID to a key (id, ARN or alias).");
  console.log(await main({}, { keyId }));
}
