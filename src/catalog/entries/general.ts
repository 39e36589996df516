/**
 * General KMS causes: the modeled exceptions that are not specific to custom key stores, the
 * unmodeled errors that KMS (or the AWS front end) returns, and the key-state causes that message
 * rules find behind `KMSInvalidStateException`.
 */
import { DOCS } from "../docs.js";
import type { Kind } from "../kinds.js";
import { type CatalogEntry, entry } from "../schema.js";

const DESCRIBE_KEY =
  "Check the key: `aws kms describe-key --key-id <key-id>` (`KeyState`, `KeyUsage`, `KeySpec`, `Origin`, `CustomKeyStoreId`).";
const RETRY =
  "Retry with exponential backoff and jitter; the AWS SDK already retries this error up to `maxAttempts`.";
const HEALTH_DASHBOARD = "If it persists, check the AWS Health Dashboard for KMS in the Region.";
const CHECK_IDENTITY =
  "See which credentials the client really uses: `aws sts get-caller-identity` with the same environment, and check the credential provider chain (environment variables take precedence over profiles and instance roles).";

/** @internal */
export const GENERAL_ENTRIES = [
  // Modeled general exceptions.
  entry({
    cause: "ALREADY_EXISTS",
    kinds: ["AlreadyExistsException"],
    codes: ["AlreadyExistsException"],
    category: "conflict",
    retryable: false,
    customKeyStore: false,
    remediation: {
      summary:
        "A resource with this name already exists: usually an alias (`alias/…`) in this account and Region, or, for ReplicateKey, a replica of this multi-Region key in the target Region.",
      steps: [
        "List the existing aliases: `aws kms list-aliases --query 'Aliases[].[AliasName,TargetKeyId]'`.",
        "To point an existing alias at another key, use `aws kms update-alias --alias-name <alias> --target-key-id <key-id>`; otherwise choose another name.",
        "For ReplicateKey: a replica of this key already exists in that Region; use it (`aws kms describe-key --key-id <key-arn> --region <replica-region>`), or schedule its deletion and wait until it is gone before replicating again.",
        "If this was a retry of a create that already succeeded, treat it as done.",
      ],
      docs: [DOCS.api("CreateAlias"), DOCS.api("UpdateAlias")],
    },
  }),
  entry({
    cause: "CONFLICT",
    kinds: ["ConflictException"],
    codes: ["ConflictException"],
    category: "conflict",
    retryable: false,
    customKeyStore: false,
    remediation: {
      summary:
        "The request conflicts with work in progress on the key: for RotateKeyOnDemand, a rotation of this key is already running or an automatic rotation is due within about 20 minutes.",
      steps: [
        "Check the key's rotations: `aws kms get-key-rotation-status --key-id <key-id>` and `aws kms list-key-rotations --key-id <key-id>`.",
        "Wait for the running or scheduled rotation to finish.",
        "Request the on-demand rotation again only if it is still needed.",
      ],
      docs: [DOCS.api("RotateKeyOnDemand")],
    },
  }),
  entry({
    cause: "KEY_DISABLED",
    kinds: ["DisabledException", "KMSInvalidStateException"],
    codes: ["DisabledException"],
    category: "key-state",
    retryable: false,
    customKeyStore: false,
    remediation: {
      summary:
        "The KMS key is disabled (`KeyState` `Disabled`), so it cannot be used in cryptographic operations.",
      steps: [
        DESCRIBE_KEY,
        "Find who disabled it and why: look for `DisableKey` events for the key in CloudTrail.",
        "If it should be usable, enable it: `aws kms enable-key --key-id <key-id>`.",
        "For a key in a custom key store that is `Unavailable`, enabling takes effect only after the key store is connected again.",
      ],
      docs: [DOCS.keyState],
    },
  }),
  entry({
    cause: "KMS_INVALID_STATE",
    kinds: ["KMSInvalidStateException"],
    codes: ["KMSInvalidStateException"],
    category: "key-state",
    retryable: false,
    customKeyStore: false,
    remediation: {
      summary:
        "The state of the KMS key does not allow the operation. For a key in a custom key store, KMS also reports most failures of the backing store (XKS proxy or CloudHSM cluster) during a cryptographic operation with this exception, and only the message tells which (a CloudHSM cluster without a free PKCS #11 session is reported as `KMSInternalException` instead).",
      steps: [
        "Read the exception message: it names the key state or the backing-store failure.",
        `${DESCRIBE_KEY} Compare \`KeyState\` with the states the operation accepts.`,
        "For a key in a custom key store, check the key store too: `aws kms describe-custom-key-stores --custom-key-store-id <cks-id>` (`ConnectionState`).",
        "Fix the state (cancel a scheduled deletion and enable the key, import key material, or connect the key store), then retry.",
      ],
      docs: [DOCS.keyState, DOCS.xksTroubleshooting, DOCS.fixUnavailableCmks],
    },
  }),
  entry({
    cause: "DRY_RUN_OPERATION",
    kinds: ["DryRunOperationException"],
    codes: ["DryRunOperationException"],
    category: "input",
    retryable: false,
    customKeyStore: false,
    remediation: {
      summary:
        "Not a real failure: the request had `DryRun` set to true, and KMS reports that it would have succeeded (permissions and parameters are fine).",
      steps: [
        "Treat it as a successful permission and parameter check.",
        "Send the request without `DryRun` (or with `DryRun: false`) to perform it.",
      ],
      docs: [DOCS.api("Encrypt"), DOCS.api("CreateGrant")],
    },
  }),
  entry({
    cause: "NOT_FOUND",
    kinds: ["NotFoundException"],
    codes: ["NotFoundException"],
    category: "not-found",
    retryable: false,
    customKeyStore: false,
    remediation: {
      summary:
        "The key, alias, grant or other resource does not exist in this account and Region, or is not visible to the caller (for example a key used from the wrong Region).",
      steps: [
        "Check the client's Region against the Region in the key ARN: KMS keys are regional (multi-Region keys have a separate replica per Region).",
        "For a key in another account, use its key ARN or its alias ARN; a key ID or an alias name (`alias/…`) is looked up only in the caller's own account.",
        "Check that it exists: `aws kms describe-key --key-id <key-id>` or `aws kms list-aliases`.",
        "A deleted KMS key cannot be recovered; data encrypted under it cannot be decrypted.",
      ],
      docs: [DOCS.api("DescribeKey")],
    },
  }),
  entry({
    cause: "EXPIRED_IMPORT_TOKEN",
    kinds: ["ExpiredImportTokenException"],
    codes: ["ExpiredImportTokenException"],
    category: "input",
    retryable: false,
    customKeyStore: false,
    remediation: {
      summary: "The import token from GetParametersForImport has expired (it is valid for 24 hours).",
      steps: [
        "Call `aws kms get-parameters-for-import` again for the KMS key to get a new wrapping public key and import token.",
        "Wrap the key material again with the new public key.",
        "Call `aws kms import-key-material` with the new token and the newly wrapped key material.",
      ],
      docs: [DOCS.importingKeys, DOCS.api("ImportKeyMaterial")],
    },
  }),
  entry({
    cause: "INCORRECT_KEY",
    kinds: ["IncorrectKeyException"],
    codes: ["IncorrectKeyException"],
    category: "input",
    retryable: false,
    customKeyStore: false,
    remediation: {
      summary:
        "The ciphertext was not encrypted under the KMS key named in the request (`KeyId`, or `SourceKeyId` for ReEncrypt).",
      steps: [
        "Pass the KMS key that encrypted the data; for symmetric ciphertexts you may omit `KeyId` and let KMS find it.",
        "Find the key that encrypted the data in the CloudTrail `Encrypt` or `GenerateDataKey` events, or in your own metadata.",
        "Check that the ciphertext was not mixed up with one from another key or application.",
      ],
      docs: [DOCS.api("Decrypt"), DOCS.api("ReEncrypt")],
    },
  }),
  entry({
    cause: "INCORRECT_KEY_MATERIAL",
    kinds: ["IncorrectKeyMaterialException"],
    codes: ["IncorrectKeyMaterialException"],
    category: "input",
    retryable: false,
    customKeyStore: false,
    remediation: {
      summary:
        "The key material being imported is not the key material that was previously imported into this KMS key.",
      steps: [
        "Reimport exactly the key material that was imported before; a KMS key cannot change its key material this way.",
        "To use different key material, create a new KMS key with origin `EXTERNAL` and import it there.",
      ],
      docs: [DOCS.importingKeys, DOCS.api("ImportKeyMaterial")],
    },
  }),
  entry({
    cause: "INVALID_ALIAS_NAME",
    kinds: ["InvalidAliasNameException"],
    codes: ["InvalidAliasNameException"],
    category: "input",
    retryable: false,
    customKeyStore: false,
    remediation: {
      summary:
        "The alias name is not valid: it must start with `alias/`, use only letters, digits, `/`, `_` and `-`, and must not start with the reserved prefix `alias/aws/`.",
      steps: [
        "Correct the name, for example `alias/my-app-key`.",
        "Do not create or change aliases that begin with `alias/aws/`: they belong to AWS managed keys.",
      ],
      docs: [DOCS.api("CreateAlias")],
    },
  }),
  entry({
    cause: "INVALID_ARN",
    kinds: ["InvalidArnException"],
    codes: ["InvalidArnException"],
    category: "input",
    retryable: false,
    customKeyStore: false,
    remediation: {
      summary: "An ARN in the request is malformed.",
      steps: [
        "Use the form `arn:<partition>:kms:<region>:<account-id>:key/<key-id>` (or `:alias/<name>`), with the partition of the Region (`aws`, `aws-cn`, `aws-us-gov`).",
        "Check for truncation, extra whitespace or a wrong service name.",
      ],
      docs: [DOCS.api("DescribeKey")],
    },
  }),
  entry({
    cause: "INVALID_CIPHERTEXT",
    kinds: ["InvalidCiphertextException"],
    codes: ["InvalidCiphertextException"],
    category: "input",
    retryable: false,
    customKeyStore: false,
    remediation: {
      summary:
        "KMS cannot decrypt the ciphertext: it is corrupted, truncated or not a KMS ciphertext, or the encryption context differs from the one used to encrypt. From ImportKeyMaterial it means that KMS cannot decrypt the encrypted key material: it was not wrapped with the public key and wrapping algorithm of the GetParametersForImport response that issued the import token. From Decapsulate, the length of `SharedSecretCiphertextBlob` does not fit the ML-KEM key spec of the key.",
      steps: [
        "Pass the exact ciphertext bytes that KMS returned (decode Base64 once, do not re-encode or trim them).",
        "Pass exactly the encryption context that was used to encrypt.",
        "With envelope encryption, decrypt the encrypted data key with KMS, not the encrypted data itself.",
        "For ImportKeyMaterial: wrap the key material again with the public key and the wrapping algorithm of the same GetParametersForImport response as the import token, and import the wrapped bytes unchanged.",
      ],
      docs: [DOCS.api("Decrypt"), DOCS.api("ImportKeyMaterial"), DOCS.importingKeys],
    },
  }),
  entry({
    cause: "INVALID_GRANT_ID",
    kinds: ["InvalidGrantIdException"],
    codes: ["InvalidGrantIdException"],
    category: "input",
    retryable: false,
    customKeyStore: false,
    remediation: {
      summary: "The grant ID is not valid, or the grant does not belong to the KMS key in the request.",
      steps: [
        "List the key's grants: `aws kms list-grants --key-id <key-id>`.",
        "Use the `GrantId` of the grant on that key (not the grant token).",
      ],
      docs: [DOCS.retireRevokeGrants, DOCS.api("RetireGrant")],
    },
  }),
  entry({
    cause: "INVALID_GRANT_TOKEN",
    kinds: ["InvalidGrantTokenException"],
    codes: ["InvalidGrantTokenException"],
    category: "input",
    retryable: false,
    customKeyStore: false,
    remediation: {
      summary: "A grant token in the request is not valid: malformed, truncated, or not a grant token.",
      steps: [
        "Pass the `GrantToken` that CreateGrant returned, unchanged.",
        "Once the grant is in effect everywhere (usually within a few minutes), drop the grant token from requests; it is needed only right after CreateGrant.",
      ],
      docs: [DOCS.api("CreateGrant")],
    },
  }),
  entry({
    cause: "INVALID_IMPORT_TOKEN",
    kinds: ["InvalidImportTokenException"],
    codes: ["InvalidImportTokenException"],
    category: "input",
    retryable: false,
    customKeyStore: false,
    remediation: {
      summary:
        "The import token does not belong to this KMS key, or the key material was wrapped with a public key from another GetParametersForImport response.",
      steps: [
        "Use the import token and the wrapping public key from the same `GetParametersForImport` response, for the same KMS key.",
        "If unsure, call `aws kms get-parameters-for-import` again, wrap the key material again, and import it with the new token.",
      ],
      docs: [DOCS.importingKeys, DOCS.api("ImportKeyMaterial")],
    },
  }),
  entry({
    cause: "INVALID_KEY_USAGE",
    kinds: ["InvalidKeyUsageException"],
    codes: ["InvalidKeyUsageException"],
    category: "input",
    retryable: false,
    customKeyStore: false,
    remediation: {
      summary:
        "The KMS key's `KeyUsage` or key spec does not support this operation or algorithm, for example Encrypt with a `SIGN_VERIFY` key, or an encryption algorithm the key does not support.",
      steps: [
        `${DESCRIBE_KEY} Also see \`EncryptionAlgorithms\`, \`SigningAlgorithms\` and \`MacAlgorithms\`.`,
        "Use a key whose usage matches the operation, or pass an algorithm that the key supports.",
        "Key usage cannot be changed after creation: create a new key with the right `KeyUsage` if needed.",
      ],
      docs: [DOCS.api("DescribeKey"), DOCS.api("CreateKey")],
    },
  }),
  entry({
    cause: "INVALID_MARKER",
    kinds: ["InvalidMarkerException"],
    codes: ["InvalidMarkerException"],
    category: "input",
    retryable: false,
    customKeyStore: false,
    remediation: {
      summary:
        "The pagination `Marker` is not valid: it must be the `NextMarker` of the previous page of the same call.",
      steps: [
        "Pass the `NextMarker` from the previous response of the same operation with the same parameters, unchanged.",
        "Use the SDK's paginators (for example `paginateListKeys`) instead of handling markers yourself.",
      ],
      docs: [DOCS.api("ListKeys")],
    },
  }),
  entry({
    cause: "KMS_INVALID_MAC",
    kinds: ["KMSInvalidMacException"],
    codes: ["KMSInvalidMacException"],
    category: "input",
    retryable: false,
    customKeyStore: false,
    remediation: {
      summary: "VerifyMac failed: the MAC does not match the message with this HMAC key and algorithm.",
      steps: [
        "Check that you pass the same HMAC key, `MacAlgorithm` and message bytes that GenerateMac used.",
        "Treat a persistent mismatch as a message that was altered or a MAC from another key.",
      ],
      docs: [DOCS.api("VerifyMac")],
    },
  }),
  entry({
    cause: "KMS_INVALID_SIGNATURE",
    kinds: ["KMSInvalidSignatureException"],
    codes: ["KMSInvalidSignatureException"],
    category: "input",
    retryable: false,
    customKeyStore: false,
    remediation: {
      summary: "Verify failed: the signature is not valid for this message, key and signing algorithm.",
      steps: [
        "Check that you pass the same key, `SigningAlgorithm`, `MessageType` (`RAW` or `DIGEST`) and message bytes that Sign used.",
        "Treat a persistent failure as a message that was altered or a signature from another key.",
      ],
      docs: [DOCS.api("Verify")],
    },
  }),
  entry({
    cause: "LIMIT_EXCEEDED",
    kinds: ["LimitExceededException"],
    codes: ["LimitExceededException"],
    category: "quota",
    retryable: false,
    customKeyStore: false,
    remediation: {
      summary:
        "A KMS resource quota was exceeded, for example more than 10 custom key stores in the account and Region, or too many keys, aliases or grants. It is a resource quota, not a request rate: retrying does not help, although the AWS SDK retries it as if it were throttling.",
      steps: [
        "Read the exception message to see which quota was exceeded.",
        "For CreateCustomKeyStore: list the key stores (`aws kms describe-custom-key-stores`) and delete unused ones; stores in every connection state count toward the quota of 10.",
        "For other resources, delete unused aliases, grants or keys.",
        "Otherwise request a quota increase in Service Quotas where the quota is adjustable.",
      ],
      docs: [DOCS.resourceLimits, DOCS.quotas],
    },
  }),
  entry({
    cause: "MALFORMED_POLICY_DOCUMENT",
    kinds: ["MalformedPolicyDocumentException"],
    codes: ["MalformedPolicyDocumentException"],
    category: "input",
    retryable: false,
    customKeyStore: false,
    remediation: {
      summary:
        "The key policy is not valid: a JSON or policy-grammar error, a principal that does not exist, or a policy that would lock out the caller.",
      steps: [
        "Validate the JSON and the policy grammar (for example with IAM Access Analyzer policy validation).",
        "Check that every principal exists; a newly created role may need a few seconds to become visible.",
        "Keep a statement that lets the caller manage the key (`kms:PutKeyPolicy`), or KMS refuses it unless you bypass the lockout safety check.",
      ],
      docs: [DOCS.keyPolicies, DOCS.keyAccess],
    },
  }),
  entry({
    cause: "TAG",
    kinds: ["TagException"],
    codes: ["TagException"],
    category: "input",
    retryable: false,
    customKeyStore: false,
    remediation: {
      summary:
        "A tag is not valid: a key or value too long or with invalid characters, a reserved `aws:` prefix, or too many tags on the resource.",
      steps: [
        "Check each tag's key and value against the length and character rules in the message.",
        "Do not use tag keys that begin with `aws:`.",
        "List the current tags (`aws kms list-resource-tags --key-id <key-id>`) and remove unused ones if the resource has too many.",
      ],
      docs: [DOCS.api("TagResource")],
    },
  }),
  entry({
    cause: "UNSUPPORTED_OPERATION",
    kinds: ["UnsupportedOperationException"],
    codes: ["UnsupportedOperationException"],
    category: "input",
    retryable: false,
    customKeyStore: false,
    remediation: {
      summary:
        "The operation is not supported for this key or key store, for example GenerateRandom with the ID of an external key store, or an asymmetric, HMAC or multi-Region key, or imported key material, in a custom key store (custom key stores hold only symmetric encryption keys). A message of the form `<key-arn> origin is <Origin> which is not valid for this operation` names the key's origin: `AWS_CLOUDHSM` is a CloudHSM key store, `EXTERNAL_KEY_STORE` an external key store, and `EXTERNAL` imported key material (no key store).",
      steps: [
        DESCRIBE_KEY,
        "In a custom key store, create keys with `KeySpec` `SYMMETRIC_DEFAULT` and `KeyUsage` `ENCRYPT_DECRYPT` only.",
        "For GenerateRandom, omit `CustomKeyStoreId` or pass a CloudHSM key store.",
        "Read the message: it names the unsupported combination.",
      ],
      docs: [DOCS.createXksKeys, DOCS.api("CreateKey")],
    },
  }),
  entry({
    cause: "DEPENDENCY_TIMEOUT",
    kinds: ["DependencyTimeoutException"],
    codes: ["DependencyTimeoutException"],
    category: "transient",
    retryable: true,
    customKeyStore: false,
    remediation: {
      summary: "A system that KMS depends on did not respond in time (HTTP 503).",
      steps: [RETRY, HEALTH_DASHBOARD],
      docs: [DOCS.commonErrors],
    },
  }),
  entry({
    cause: "KEY_TEMPORARILY_UNAVAILABLE",
    kinds: ["KeyUnavailableException"],
    codes: ["KeyUnavailableException"],
    category: "transient",
    retryable: true,
    customKeyStore: false,
    remediation: {
      summary: "KMS reported the KMS key as temporarily not available (`KeyUnavailableException`, HTTP 500).",
      steps: [
        RETRY,
        `If it persists: ${DESCRIBE_KEY} For a key in a custom key store, check the key store's \`ConnectionState\` too.`,
      ],
      docs: [DOCS.api("Decrypt"), DOCS.keyState],
    },
  }),
  entry({
    cause: "KMS_INTERNAL",
    kinds: ["KMSInternalException"],
    codes: ["KMSInternalException"],
    category: "transient",
    retryable: true,
    customKeyStore: false,
    remediation: {
      summary:
        "KMS hit an internal error (HTTP 500). For a key in a CloudHSM key store it can also mean that the cluster had no free PKCS #11 session during a burst.",
      steps: [
        RETRY,
        "For keys in a CloudHSM key store, smooth bursts of requests and add HSMs if bursts are regular.",
        "If it persists, check the AWS Health Dashboard and contact AWS Support with the request ID.",
      ],
      docs: [DOCS.commonErrors, DOCS.fixCmkFailed],
    },
  }),
  // Unmodeled errors that KMS, or the AWS front end before it, returns.
  entry({
    cause: "THROTTLED",
    kinds: ["ThrottlingException"],
    codes: ["ThrottlingException"],
    category: "throttling",
    retryable: true,
    customKeyStore: false,
    remediation: {
      summary:
        "The request rate exceeded a KMS request quota: the account's quota for this kind of operation, or for keys in a custom key store also the key store's own 1,800 requests per second (a busy CloudHSM cluster can throttle earlier).",
      steps: [
        'Retry with exponential backoff and jitter (the AWS SDK does this; use `retryMode: "adaptive"` for sustained load).',
        "Reduce calls: cache and reuse data keys (for example with the AWS Encryption SDK's data key caching) instead of calling KMS per object.",
        "Check the applied quotas: `aws service-quotas list-service-quotas --service-code kms`, and request an increase for account-level request quotas if needed.",
        "Remember that the request quota of a custom key store is shared by every account that uses its keys.",
      ],
      docs: [DOCS.throttling, DOCS.requestsPerSecondKeyStores],
    },
  }),
  entry({
    cause: "ACCESS_DENIED",
    kinds: ["AccessDeniedException"],
    codes: ["AccessDeniedException"],
    category: "authorization",
    retryable: false,
    customKeyStore: false,
    remediation: {
      summary:
        "The caller is not allowed to do this: the key policy, IAM policies, grants, a VPC endpoint policy, a service control policy or a permissions boundary denies it, or does not allow it.",
      steps: [
        "Read the message: it names the principal and the action (`kms:<Action>`) that were denied.",
        "Check the key policy: it must allow the principal, directly or by delegating to IAM policies of the account.",
        "Check the principal's IAM policies, permissions boundary, session policy and the organization's service control policies, and any conditions (`kms:ViaService`, `kms:EncryptionContext:…`, `aws:SourceVpce`).",
        "If the client calls KMS through an interface VPC endpoint to KMS, check that endpoint's policy.",
        CHECK_IDENTITY,
      ],
      docs: [DOCS.keyAccess, DOCS.vpcEndpointToKms],
    },
  }),
  entry({
    cause: "VALIDATION_ERROR",
    kinds: ["ValidationException"],
    codes: ["ValidationException"],
    category: "input",
    retryable: false,
    customKeyStore: false,
    remediation: {
      summary:
        "A request parameter does not meet a constraint (required field missing, length, pattern or allowed value).",
      steps: [
        "Read the message: it names the parameter and the constraint it failed.",
        "Check the parameter against the operation's API reference (lengths, patterns, allowed values, which parameters go together).",
      ],
      docs: [DOCS.commonErrors],
    },
  }),
  entry({
    cause: "UNRECOGNIZED_CLIENT",
    kinds: ["UnrecognizedClientException"],
    codes: ["UnrecognizedClientException"],
    category: "authorization",
    retryable: false,
    customKeyStore: false,
    remediation: {
      summary:
        "KMS does not recognize the access key ID or security token: it was deleted or deactivated, belongs to another partition, or the Region is not enabled for the account.",
      steps: [
        CHECK_IDENTITY,
        "Check that the access key is active in IAM and that temporary credentials include their session token.",
        "Check that the client's Region is enabled for the account and in the same partition as the credentials.",
      ],
      docs: [DOCS.commonErrors],
    },
  }),
  entry({
    cause: "INCOMPLETE_SIGNATURE",
    kinds: ["IncompleteSignatureException"],
    codes: ["IncompleteSignatureException"],
    category: "authorization",
    retryable: false,
    customKeyStore: false,
    remediation: {
      summary:
        "The request's SigV4 signature is incomplete or malformed, usually because custom code or a proxy changed the `Authorization` header or the signed headers.",
      steps: [
        "Let the AWS SDK sign requests; do not change headers after signing (middleware after the signing step, HTTP proxies).",
        "Check that no proxy between the client and KMS rewrites or strips headers.",
      ],
      docs: [DOCS.commonErrors],
    },
  }),
  entry({
    cause: "INVALID_SIGNATURE",
    kinds: ["InvalidSignatureException"],
    codes: ["InvalidSignatureException"],
    category: "authorization",
    retryable: false,
    customKeyStore: false,
    remediation: {
      summary:
        "The signature KMS computed does not match the request's: a wrong secret access key, a request changed after signing, or a Region/service mismatch in the signing scope.",
      steps: [
        CHECK_IDENTITY,
        "Check that the secret access key belongs to the access key ID (no stray whitespace or truncation).",
        "Check that nothing changes the request after signing, and that the client's Region matches the endpoint.",
      ],
      docs: [DOCS.commonErrors],
    },
  }),
  entry({
    cause: "SIGNATURE_EXPIRED",
    kinds: ["InvalidSignatureException"],
    codes: [],
    category: "authorization",
    retryable: true,
    customKeyStore: false,
    remediation: {
      summary:
        "The request's signing time is too far from AWS's clock (more than 5 minutes): the client's clock is skewed, or a signed request was held too long before sending.",
      steps: [
        "Retry: the AWS SDK corrects its clock offset from the response and signs the retry again.",
        "Synchronize the host's clock with NTP (chrony or the Amazon Time Sync Service), including inside containers and VMs that drift after suspend.",
        "Do not queue signed requests: sign right before sending.",
      ],
      docs: [DOCS.commonErrors],
    },
  }),
  entry({
    cause: "EXPIRED_TOKEN",
    kinds: ["ExpiredTokenException"],
    codes: ["ExpiredTokenException"],
    category: "authorization",
    retryable: false,
    customKeyStore: false,
    remediation: {
      summary: "The temporary credentials (session token) used to sign the request have expired.",
      steps: [
        "Use a credential provider that refreshes (the SDK's default chain, `fromNodeProviderChain`, `fromTemporaryCredentials`) instead of fixed credentials copied from a session.",
        "Do not cache credentials longer than their expiration in long-running processes.",
        CHECK_IDENTITY,
      ],
      docs: [DOCS.commonErrors],
    },
  }),
  entry({
    cause: "INVALID_CLIENT_TOKEN_ID",
    kinds: ["InvalidClientTokenId"],
    codes: ["InvalidClientTokenId"],
    category: "authorization",
    retryable: false,
    customKeyStore: false,
    remediation: {
      summary:
        "The access key ID or security token does not exist in AWS's records: a deleted key, credentials of another partition, or a Region not enabled for the account.",
      steps: [
        CHECK_IDENTITY,
        "Check that the access key is active in IAM and that temporary credentials include their session token.",
        "Check that the Region is enabled for the account (opt-in Regions) and matches the credentials' partition.",
      ],
      docs: [DOCS.commonErrors],
    },
  }),
  entry({
    cause: "REQUEST_EXPIRED",
    kinds: ["RequestExpired"],
    codes: ["RequestExpired"],
    category: "authorization",
    retryable: true,
    customKeyStore: false,
    remediation: {
      summary:
        "The request reached KMS more than 15 minutes after its signing time, or its signing time is in the future: a skewed clock or a signed request held too long.",
      steps: [
        "Retry: the AWS SDK corrects its clock offset and signs the retry again.",
        "Synchronize the host's clock with NTP (chrony or the Amazon Time Sync Service).",
        "Do not queue or replay signed requests.",
      ],
      docs: [DOCS.commonErrors],
    },
  }),
  entry({
    cause: "OPT_IN_REQUIRED",
    kinds: ["OptInRequired"],
    codes: ["OptInRequired"],
    category: "authorization",
    retryable: false,
    customKeyStore: false,
    remediation: {
      summary:
        "The account is not subscribed to the service in this Region, typically an opt-in Region that is not enabled for the account.",
      steps: [
        "Check the client's Region; enable the Region for the account in the AWS account settings if it is an opt-in Region.",
        "Use a Region that is enabled for the account.",
      ],
      docs: [DOCS.commonErrors],
    },
  }),
  entry({
    cause: "UNKNOWN_OPERATION",
    kinds: ["UnknownOperationException"],
    codes: ["UnknownOperationException"],
    category: "configuration",
    retryable: false,
    customKeyStore: false,
    remediation: {
      summary:
        "The endpoint does not know this operation: the client's `endpoint` is not KMS, or the operation is newer than that Region or endpoint supports.",
      steps: [
        "Check the client's `endpoint` setting (and `AWS_ENDPOINT_URL_KMS`): it should be unset or point at KMS in the right Region.",
        "Check that the operation is available in this Region and partition.",
      ],
      docs: [DOCS.commonErrors],
    },
  }),
  entry({
    cause: "SERIALIZATION_ERROR",
    kinds: ["SerializationException"],
    codes: ["SerializationException"],
    category: "input",
    retryable: false,
    customKeyStore: false,
    remediation: {
      summary:
        "KMS could not parse the request body: a parameter of the wrong type, malformed JSON from a custom client, or a body changed on the way.",
      steps: [
        "Check parameter types (binary fields as bytes, numbers as numbers) and let the SDK serialize the request.",
        "Check that no proxy modifies request bodies.",
      ],
      docs: [DOCS.commonErrors],
    },
  }),
  entry({
    cause: "INTERNAL_FAILURE",
    kinds: ["InternalFailure"],
    codes: ["InternalFailure"],
    category: "transient",
    retryable: true,
    customKeyStore: false,
    remediation: {
      summary: "The request failed because of an unknown error or failure on the AWS side (HTTP 500).",
      steps: [
        RETRY,
        "If it persists, check the AWS Health Dashboard and contact AWS Support with the request ID.",
      ],
      docs: [DOCS.commonErrors],
    },
  }),
  entry({
    cause: "SERVICE_UNAVAILABLE",
    kinds: ["ServiceUnavailable"],
    codes: ["ServiceUnavailable"],
    category: "transient",
    retryable: true,
    customKeyStore: false,
    remediation: {
      summary: "KMS is temporarily unavailable (HTTP 503).",
      steps: [RETRY, HEALTH_DASHBOARD],
      docs: [DOCS.commonErrors],
    },
  }),
  // Key-state causes that message rules find behind KMSInvalidStateException.
  entry({
    cause: "KEY_PENDING_DELETION",
    kinds: ["KMSInvalidStateException"],
    codes: [],
    category: "key-state",
    retryable: false,
    customKeyStore: false,
    remediation: {
      summary:
        "The KMS key is scheduled for deletion (`PendingDeletion`) and cannot be used. If something still uses it, this error is the warning that deleting the key would break it.",
      steps: [
        "Check the key: `aws kms describe-key --key-id <key-id>` (`KeyState`, `DeletionDate`).",
        "If it is still needed, cancel the deletion with `aws kms cancel-key-deletion --key-id <key-id>`, then enable it with `aws kms enable-key --key-id <key-id>` (a cancelled key is `Disabled`).",
        "Otherwise move the caller to another key before the deletion date; data encrypted under a deleted key cannot be decrypted.",
      ],
      docs: [DOCS.deletingKeys, DOCS.keyState],
    },
  }),
  entry({
    cause: "KEY_NOT_PENDING_DELETION",
    kinds: ["KMSInvalidStateException"],
    codes: [],
    category: "key-state",
    retryable: false,
    customKeyStore: false,
    remediation: {
      summary: "CancelKeyDeletion was called for a KMS key that is not scheduled for deletion.",
      steps: [
        "Check the key's state: `aws kms describe-key --key-id <key-id>`; there is nothing to cancel.",
        "If the key is `Disabled`, enable it with `aws kms enable-key --key-id <key-id>`.",
      ],
      docs: [DOCS.deletingKeys, DOCS.keyState],
    },
  }),
  entry({
    cause: "KEY_PENDING_REPLICA_DELETION",
    kinds: ["KMSInvalidStateException"],
    codes: [],
    category: "key-state",
    retryable: false,
    customKeyStore: false,
    remediation: {
      summary:
        "The multi-Region primary key cannot do this while one of its replica keys is being deleted (`PendingReplicaDeletion`).",
      steps: [
        "Check the key and its replicas: `aws kms describe-key --key-id <key-id>` (`KeyState`, `MultiRegionConfiguration`).",
        "Cancel the replica's deletion in its Region (`aws kms cancel-key-deletion --key-id <replica-key-arn> --region <region>`) if it is still needed, or wait until it is deleted.",
      ],
      docs: [DOCS.keyState, DOCS.deletingKeys],
    },
  }),
  entry({
    cause: "KEY_PENDING_IMPORT",
    kinds: ["KMSInvalidStateException"],
    codes: [],
    category: "key-state",
    retryable: false,
    customKeyStore: false,
    remediation: {
      summary:
        "The KMS key has imported key material (origin `EXTERNAL`) but none is in place: never imported, expired or deleted. Imported key material is not an external key store.",
      steps: [
        "Check the key: `aws kms describe-key --key-id <key-id>` (`KeyState` `PendingImport`, `ValidTo`).",
        "Import the same key material again: `aws kms get-parameters-for-import`, wrap the material with the returned public key, then `aws kms import-key-material`.",
        "To avoid a repeat, import with `--expiration-model KEY_MATERIAL_DOES_NOT_EXPIRE` or re-import before `ValidTo`.",
      ],
      docs: [DOCS.importingKeys, DOCS.keyState],
    },
  }),
  entry({
    cause: "KEY_UNAVAILABLE",
    kinds: ["KMSInvalidStateException"],
    codes: [],
    category: "key-state",
    retryable: false,
    customKeyStore: true,
    remediation: {
      summary:
        "The KMS key is `Unavailable`: it is in a custom key store that is disconnected, or whose reconnection failed. You can view and manage the key, but not use it, until the key store is connected.",
      steps: [
        "Find the key store: `aws kms describe-key --key-id <key-id>` (`CustomKeyStoreId`).",
        "Check it: `aws kms describe-custom-key-stores --custom-key-store-id <cks-id>` (`ConnectionState`); if it is `FAILED`, disconnect it first.",
        "Connect it with `aws kms connect-custom-key-store --custom-key-store-id <cks-id>` and poll `DescribeCustomKeyStores` until `CONNECTED` (up to 20 minutes for CloudHSM, about 5 for an external key store).",
        "Keys return to their previous state automatically; enabling or disabling an unavailable key takes effect only once it is available again.",
      ],
      docs: [DOCS.fixUnavailableCmks, DOCS.xksTroubleshooting, DOCS.keyState],
    },
  }),
  entry({
    cause: "KEY_CREATING",
    kinds: ["KMSInvalidStateException"],
    codes: [],
    category: "key-state",
    retryable: true,
    customKeyStore: false,
    remediation: {
      summary: "The KMS key is still being created (`Creating`), for example a new multi-Region replica key.",
      steps: [
        "Wait, polling `aws kms describe-key --key-id <key-id>` until `KeyState` is `Enabled`.",
        "Retry the request after that.",
      ],
      docs: [DOCS.keyState],
    },
  }),
  entry({
    cause: "KEY_UPDATING",
    kinds: ["KMSInvalidStateException"],
    codes: [],
    category: "key-state",
    retryable: true,
    customKeyStore: false,
    remediation: {
      summary:
        "The KMS key is being updated (`Updating`), for example while the primary Region of a multi-Region key changes.",
      steps: [
        "Wait, polling `aws kms describe-key --key-id <key-id>` until `KeyState` is `Enabled` again.",
        "Retry the request after that.",
      ],
      docs: [DOCS.keyState],
    },
  }),
] as const satisfies readonly CatalogEntry<string, Kind>[];
