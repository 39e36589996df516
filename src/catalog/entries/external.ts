/**
 * Causes specific to external key stores (XKS): the XKS exceptions, the XKS connection error codes, and
 * the run-time proxy failures that KMS reports through its catch-all exceptions (the message decides).
 */
import { DOCS } from "../docs.js";
import type { Kind } from "../kinds.js";
import { type CatalogEntry, entry } from "../schema.js";

const XT = DOCS.xksTroubleshooting;
const CODES = DOCS.xksConnectionErrorCodes;

const DESCRIBE =
  "Read the key store's settings and state: `aws kms describe-custom-key-stores --custom-key-store-id <cks-id>` (`ConnectionState`, `ConnectionErrorCode`, `XksProxyConfiguration`).";
const RECONNECT =
  "For a failed connection: disconnect the store (`aws kms disconnect-custom-key-store --custom-key-store-id <cks-id>`; a `FAILED` store cannot connect again before that), then `aws kms connect-custom-key-store --custom-key-store-id <cks-id>` and poll `DescribeCustomKeyStores` until `ConnectionState` is `CONNECTED` or `FAILED` (about 5 minutes).";
/**
 * What `retryable` means for a failed connection: a `FAILED` store refuses `ConnectCustomKeyStore`,
 * so "the same request, unchanged" is the whole reconnect cycle.
 */
const ENSURE_CONNECTED =
  "For a failed connection, retryable means that `ensureConnected` (disconnect, wait for `DISCONNECTED`, connect, wait for `CONNECTED`), unchanged, may succeed; sending `ConnectCustomKeyStore` again is refused while the store is `FAILED`.";
const DISCONNECT_IF_FAILED =
  "If the key store is `FAILED`, disconnect it first: `aws kms disconnect-custom-key-store --custom-key-store-id <cks-id>`. A `FAILED` store refuses every update, and `ConnectCustomKeyStore`, until it is `DISCONNECTED`.";
const CONNECT_AGAIN =
  "After a failed connection, once the store is `DISCONNECTED` and updated, connect it again (`aws kms connect-custom-key-store --custom-key-store-id <cks-id>`) and poll `DescribeCustomKeyStores` until `ConnectionState` is `CONNECTED` or `FAILED` (about 5 minutes).";
const PROXY_LOGS =
  "Find the failing request in the proxy's logs by its `kmsRequestId` (the KMS request ID, also in CloudTrail) to see what the proxy and the external key manager did.";

/**
 * The exceptions that carry an XKS proxy's run-time failures (timeouts, unreachable, unhealthy,
 * throttled): KMSInvalidStateException for cryptographic operations, CustomKeyStoreInvalidState for
 * CreateKey, XksProxyUriUnreachable for Create/UpdateCustomKeyStore, and KMSInternalException, which
 * has been seen carrying the same messages.
 */
const PROXY_FAILURE_KINDS = [
  "KMSInvalidStateException",
  "CustomKeyStoreInvalidStateException",
  "XksProxyUriUnreachableException",
  "KMSInternalException",
] as const;

/** @internal */
export const XKS_ENTRIES = [
  entry({
    cause: "XKS_PROXY_TIMED_OUT",
    kinds: ["ConnectionFailed", ...PROXY_FAILURE_KINDS],
    codes: ["XKS_PROXY_TIMED_OUT"],
    keyStoreType: "EXTERNAL_KEY_STORE",
    category: "connectivity",
    retryable: true,
    customKeyStore: true,
    remediation: {
      summary:
        "The external key store proxy did not answer AWS KMS within its 250 ms timeout. Usual causes: a slow or overloaded proxy or external key manager, or too much network distance between the AWS Region, the proxy and the external key manager.",
      steps: [
        "Retry the request with backoff: a single timeout is often transient.",
        ENSURE_CONNECTED,
        "Look at the `XksProxyLatency` CloudWatch metric of the key store (alarm above 200 ms) and at the proxy's own latency logs.",
        "Keep the network round trip between the AWS Region and the external key manager at or below 35 ms: run the proxy next to the external key manager and use the Region closest to them.",
        "Size the proxy and the external key manager for the key store's request rate (up to 1,800 requests per second per key store), or lower the key store's request quota so that KMS throttles early instead of the proxy slowing down.",
        "If timeouts persist, report them to your external key store proxy administrator or vendor with the `kmsRequestId` values.",
      ],
      docs: [XT, CODES, DOCS.xksMonitoring],
    },
  }),
  entry({
    cause: "XKS_PROXY_DEPENDENCY_TIMEOUT",
    kinds: PROXY_FAILURE_KINDS,
    codes: [],
    keyStoreType: "EXTERNAL_KEY_STORE",
    category: "connectivity",
    retryable: true,
    customKeyStore: true,
    remediation: {
      summary:
        "The proxy answered `DependencyTimeoutException` (HTTP 503): it did not get an answer from its external key manager in the time allotted. The external key manager is slow, overloaded or far from the proxy.",
      steps: [
        "Retry the request with backoff; this failure is retryable.",
        "Check the health and load of the external key manager and the network path between the proxy and the external key manager; move them closer together if the latency is high.",
        "Watch `XksProxyErrors` (dimension `ExceptionName`) and `XksProxyLatency` of the key store to see how often it happens.",
        "If it persists, report it to your external key store proxy administrator with the `kmsRequestId` values from the proxy's logs.",
      ],
      docs: [XT, DOCS.xksMonitoring],
    },
  }),
  entry({
    cause: "XKS_PROXY_NOT_REACHABLE",
    kinds: ["ConnectionFailed", ...PROXY_FAILURE_KINDS],
    codes: ["XKS_PROXY_NOT_REACHABLE"],
    keyStoreType: "EXTERNAL_KEY_STORE",
    category: "connectivity",
    retryable: true,
    customKeyStore: true,
    remediation: {
      summary:
        "AWS KMS cannot communicate with the external key store proxy (no TCP connection), or the proxy reports that every external key manager is unavailable. Usual causes: the proxy is down, a wrong `XksProxyUriEndpoint`, `XksProxyUriPath` or VPC endpoint service, a firewall or port problem, or an unhealthy external key manager.",
      steps: [
        "Retry once: a single failure can be a transient network issue.",
        ENSURE_CONNECTED,
        DESCRIBE,
        "Check that the proxy is running and accepts HTTPS on port 443 (not configurable) at `XksProxyUriEndpoint`: DNS, firewalls, security groups and network ACLs; for VPC endpoint service connectivity, also the health of the Network Load Balancer's targets (`aws elbv2 describe-target-health --target-group-arn <arn>`).",
        "Check that at least one external key manager instance is up: the proxy's `GetHealthStatus` must not report all of them `UNAVAILABLE`.",
        "Keep the round trip between the AWS Region and the external key manager at or below 35 ms; KMS reaches the proxy over IPv4 only.",
        "Correct a wrong setting with `aws kms update-custom-key-store` (the endpoint and the VPC endpoint service can change only while the store is `DISCONNECTED`; disconnect a `FAILED` store first), then connect the store and poll `DescribeCustomKeyStores` until it is `CONNECTED`.",
      ],
      docs: [XT, CODES, DOCS.ipv6Limitations],
    },
  }),
  entry({
    cause: "XKS_PROXY_INVALID_TLS_CONFIGURATION",
    kinds: [
      "ConnectionFailed",
      "KMSInvalidStateException",
      "CustomKeyStoreInvalidStateException",
      "XksProxyUriUnreachableException",
      "XksProxyInvalidConfigurationException",
    ],
    codes: ["XKS_PROXY_INVALID_TLS_CONFIGURATION"],
    keyStoreType: "EXTERNAL_KEY_STORE",
    category: "configuration",
    retryable: false,
    customKeyStore: true,
    remediation: {
      summary:
        "AWS KMS cannot establish a TLS connection to the external key store proxy: the proxy's TLS setup or certificate is invalid for KMS. CreateCustomKeyStore and UpdateCustomKeyStore report it as `XksProxyInvalidConfigurationException` or `XksProxyUriUnreachableException`; the message names TLS.",
      steps: [
        "Serve TLS 1.2 or 1.3 on the proxy, with at least one cipher suite that the XKS proxy API specification lists.",
        "Use a certificate whose subject name matches the host of `XksProxyUriEndpoint` (public endpoint connectivity) or the private DNS name of the VPC endpoint service (VPC endpoint service connectivity); a wildcard for the parent domain is allowed.",
        "Use a certificate that has not expired (watch the `XksProxyCertificateDaysToExpire` metric) and that chains to a certificate authority on the XKS proxy specification's trusted CA list.",
        "Serve the complete certificate chain and check it with `openssl s_client -connect <host>:443 -servername <host>`.",
        RECONNECT,
      ],
      docs: [XT, CODES, DOCS.xksMonitoring],
    },
  }),
  entry({
    cause: "XKS_PROXY_INVALID_RESPONSE",
    kinds: [
      "ConnectionFailed",
      "XksProxyInvalidResponseException",
      "KMSInvalidStateException",
      "CustomKeyStoreInvalidStateException",
      "KMSInternalException",
    ],
    codes: ["XKS_PROXY_INVALID_RESPONSE", "XksProxyInvalidResponseException"],
    keyStoreType: "EXTERNAL_KEY_STORE",
    category: "transient",
    retryable: true,
    customKeyStore: true,
    remediation: {
      summary:
        "AWS KMS cannot interpret the response of the external key store proxy: a malformed or non-conforming reply, or a proxy `ValidationException`. An occasional one can be a passing fault; a repeated one is a defect of the proxy.",
      steps: [
        "Retry once: sporadic network errors can cause it.",
        ENSURE_CONNECTED,
        `${PROXY_LOGS} Check the HTTP status and that the body is JSON with an \`errorName\`.`,
        "Run the AWS XKS proxy test client (aws-samples/aws-kms-xksproxy-test-client) against the proxy to check that it conforms to the XKS proxy API specification.",
        "Check the external key manager behind the proxy, and report repeated failures to your proxy vendor.",
        RECONNECT,
      ],
      docs: [XT, CODES],
    },
  }),
  entry({
    cause: "XKS_EXTERNAL_KEY_MANAGER_ERROR",
    kinds: [
      "XksProxyInvalidResponseException",
      "KMSInvalidStateException",
      "CustomKeyStoreInvalidStateException",
      "KMSInternalException",
    ],
    codes: [],
    keyStoreType: "EXTERNAL_KEY_STORE",
    category: "connectivity",
    retryable: true,
    customKeyStore: true,
    remediation: {
      summary:
        "The external key store proxy answered `InternalException` (HTTP 500): it cannot communicate with its external key manager.",
      steps: [
        "Retry the request with backoff; this failure is retryable.",
        "Check that the external key manager is running and reachable from the proxy, and that the proxy's settings for it (address, certificates, credentials) are correct.",
        PROXY_LOGS,
        "Watch `XksProxyErrors` for the key store; if the error persists, escalate to the external key manager or proxy vendor.",
      ],
      docs: [XT, DOCS.xksMonitoring],
    },
  }),
  entry({
    cause: "XKS_PROXY_THROTTLED",
    kinds: PROXY_FAILURE_KINDS,
    codes: [],
    keyStoreType: "EXTERNAL_KEY_STORE",
    category: "throttling",
    retryable: true,
    customKeyStore: true,
    remediation: {
      summary:
        "The external key store proxy answered `ThrottlingException` (HTTP 429): it received more requests than it or its external key manager accepts. KMS reports this with this message, not as `ThrottlingException`.",
      steps: [
        "Retry with exponential backoff and jitter, and reduce the rate of calls that use keys in this key store (for example, cache and reuse data keys).",
        "Compare the request rate with the proxy's capacity: `XksProxyErrors` shows proxy-side throttling and `ExternalKeyStoreThrottle` shows KMS-side throttling of the key store.",
        "Scale the proxy and the external key manager, or lower the key store's request quota (adjustable for external key stores) so that KMS throttles early instead of the proxy failing slowly.",
        "Remember that every account that uses keys in this key store shares its request budget.",
      ],
      docs: [DOCS.requestsPerSecondKeyStores, DOCS.xksMonitoring, DOCS.throttling],
    },
  }),
  entry({
    cause: "XKS_PROXY_UNHEALTHY",
    kinds: PROXY_FAILURE_KINDS,
    codes: [],
    keyStoreType: "EXTERNAL_KEY_STORE",
    category: "connectivity",
    retryable: true,
    customKeyStore: true,
    remediation: {
      summary:
        "The external key store proxy reports that it is unhealthy, or that none of its external key managers is available (all `UNAVAILABLE` in its `GetHealthStatus` answer).",
      steps: [
        "Retry after a short wait: the proxy may cache its health for up to a minute.",
        "Check each external key manager instance that the proxy reports (`ekmFleetDetails` of `GetHealthStatus`) and bring at least one back to `ACTIVE`.",
        "Check the proxy's logs and metrics for the operational problem behind the unhealthy state.",
        "If it persists, notify your external key store proxy administrator or vendor.",
      ],
      docs: [XT, DOCS.xksMonitoring],
    },
  }),
  entry({
    cause: "XKS_PROXY_ACCESS_DENIED",
    kinds: ["ConnectionFailed", "KMSInvalidStateException", "CustomKeyStoreInvalidStateException"],
    codes: ["XKS_PROXY_ACCESS_DENIED"],
    keyStoreType: "EXTERNAL_KEY_STORE",
    category: "authorization",
    retryable: false,
    customKeyStore: true,
    remediation: {
      summary:
        "The external key store proxy's own authorization rules denied the request (HTTP 403). This is the proxy's policy, not IAM or the key policy: it is fixed with the proxy's tools, and no AWS KMS setting or API call changes it.",
      steps: [
        "Find the denied request in the proxy's logs by its `kmsRequestId` and see which rule denied it; KMS sends `awsPrincipalArn`, `kmsOperation`, `kmsKeyArn` and, for callers in the key's account that use a VPC endpoint, `awsSourceVpc` and `awsSourceVpce`.",
        "Update the authorization policy with your external key store proxy's tools to allow this principal, operation and external key, or change the caller to one that is allowed.",
        "For a failed connection, make sure the proxy's rules allow AWS KMS itself, then disconnect the store, connect it again and poll `DescribeCustomKeyStores`.",
      ],
      docs: [DOCS.xksProxyAuthorization, XT, CODES],
    },
  }),
  entry({
    cause: "XKS_PROXY_INVALID_CONFIGURATION",
    kinds: [
      "ConnectionFailed",
      "XksProxyInvalidConfigurationException",
      "KMSInvalidStateException",
      "CustomKeyStoreInvalidStateException",
    ],
    codes: ["XKS_PROXY_INVALID_CONFIGURATION", "XksProxyInvalidConfigurationException"],
    keyStoreType: "EXTERNAL_KEY_STORE",
    category: "configuration",
    retryable: false,
    customKeyStore: true,
    remediation: {
      summary:
        "The external key store proxy rejected KMS's requests because of the key store's configuration. When the message names an invalid URI path (the proxy answered `InvalidUriPathException`, HTTP 404), `XksProxyUriPath` is wrong; `XksProxyInvalidConfigurationException` also carries other configuration messages (a TLS failure is its own cause, `XKS_PROXY_INVALID_TLS_CONFIGURATION`), so read the message first.",
      steps: [
        "Read the exception message: an invalid URI path means the steps below; TLS, certificate or VPC endpoint service wording points at that setting instead.",
        "Look up the path that your proxy serves in its documentation or proxy configuration file; it has the form `/<optional-prefix>/kms/xks/v1`.",
        "Compare it with the key store's `XksProxyConfiguration.UriPath`: `aws kms describe-custom-key-stores --custom-key-store-id <cks-id>`.",
        "Check that `XksProxyUriEndpoint` points at the right proxy and that the proxy serves that path with POST on port 443.",
        DISCONNECT_IF_FAILED,
        "Correct the path with `aws kms update-custom-key-store --custom-key-store-id <cks-id> --xks-proxy-uri-path <path>`; it can change while the store is `CONNECTED` or `DISCONNECTED`.",
        CONNECT_AGAIN,
      ],
      docs: [XT, CODES, DOCS.requirePath, DOCS.updateXksKeyStore],
    },
  }),
  entry({
    cause: "XKS_KEY_NOT_FOUND",
    kinds: ["XksKeyNotFoundException", "KMSInvalidStateException"],
    codes: ["XksKeyNotFoundException"],
    keyStoreType: "EXTERNAL_KEY_STORE",
    category: "not-found",
    retryable: false,
    customKeyStore: true,
    remediation: {
      summary:
        "The external key store proxy cannot find the external key named by `XksKeyId`: the ID is wrong or no longer resolves (for example a renamed alias), or the key was deleted from the external key manager.",
      steps: [
        "For CreateKey: pass `XksKeyId` in exactly the form your proxy uses to identify keys (see its documentation), and confirm that the key exists in the external key manager.",
        "For an existing KMS key: read its external key ID with `aws kms describe-key --key-id <key-id>` (`XksKeyConfiguration.Id`); it cannot be changed.",
        "Make that ID resolve again in the external key manager (restore the key from a backup, or re-create the alias); ciphertexts of this KMS key cannot be decrypted by any other KMS key.",
        "If the KMS key never encrypted anything, schedule its deletion and create a new KMS key with a valid `XksKeyId`.",
      ],
      docs: [XT, DOCS.createXksKeys],
    },
  }),
  entry({
    cause: "XKS_KEY_DISABLED",
    kinds: ["KMSInvalidStateException", "XksKeyInvalidConfigurationException"],
    codes: [],
    keyStoreType: "EXTERNAL_KEY_STORE",
    category: "key-state",
    retryable: false,
    customKeyStore: true,
    remediation: {
      summary:
        "The external key is not enabled in the external key manager. The KMS key's own state does not show this: a KMS key can be `Enabled` while its external key is disabled.",
      steps: [
        "Find the external key: `aws kms describe-key --key-id <key-id>` shows `XksKeyConfiguration.Id`.",
        "Enable that key with your external key manager's tools (its status must be `ENABLED`), then retry the request.",
        "If the key was disabled on purpose, the failure is expected: cryptographic operations stay blocked until it is enabled again.",
      ],
      docs: [XT, DOCS.createXksKeys],
    },
  }),
  entry({
    cause: "XKS_KEY_UNSUPPORTED_OPERATION",
    kinds: ["KMSInvalidStateException", "XksKeyInvalidConfigurationException"],
    codes: [],
    keyStoreType: "EXTERNAL_KEY_STORE",
    category: "configuration",
    retryable: false,
    customKeyStore: true,
    remediation: {
      summary:
        "The external key does not allow the requested operation: the proxy answered `InvalidKeyUsageException`. An external key must allow both `ENCRYPT` and `DECRYPT`.",
      steps: [
        "Find the external key ID: `aws kms describe-key --key-id <key-id>` (`XksKeyConfiguration.Id`).",
        "Enable the `ENCRYPT` and `DECRYPT` key usages of that key in the external key manager, then retry.",
        "Do not swap the external key of a KMS key that has encrypted data: its ciphertexts can be decrypted only with the original external key.",
      ],
      docs: [XT, DOCS.createXksKeys],
    },
  }),
  entry({
    cause: "XKS_PROXY_UNSUPPORTED_OPERATION",
    kinds: [
      "KMSInvalidStateException",
      "CustomKeyStoreInvalidStateException",
      "UnsupportedOperationException",
    ],
    codes: [],
    keyStoreType: "EXTERNAL_KEY_STORE",
    category: "configuration",
    retryable: false,
    customKeyStore: true,
    remediation: {
      summary:
        "The external key store proxy answered `UnsupportedOperationException` (HTTP 501): it does not implement an operation of the XKS proxy API, or the request exceeded the proxy's size limits.",
      steps: [
        "Check the proxy's version and documentation: it must implement `GetHealthStatus`, `GetKeyMetadata`, `Encrypt` and `Decrypt` of the XKS proxy API specification and accept plaintexts and ciphertexts of at least 4,300 bytes.",
        "Run the AWS XKS proxy test client (aws-samples/aws-kms-xksproxy-test-client) against the proxy to find the missing operation.",
        "Upgrade or reconfigure the proxy, or report it to the proxy vendor.",
      ],
      docs: [XT],
    },
  }),
  entry({
    cause: "XKS_PROXY_REJECTED_CIPHERTEXT",
    kinds: ["KMSInvalidStateException"],
    codes: [],
    keyStoreType: "EXTERNAL_KEY_STORE",
    category: "input",
    retryable: true,
    customKeyStore: true,
    remediation: {
      summary:
        "The external key store proxy (or its external key manager) rejected the ciphertext or additional authenticated data of a Decrypt or ReEncrypt request as corrupted, missing or otherwise invalid. Usually a wrong ciphertext or encryption context; rarely a bit flip in transit.",
      steps: [
        "Retry the request once: a corruption in transit can cause it.",
        "If it fails again, check that the ciphertext blob is exactly what Encrypt returned (not truncated, re-encoded or decoded from Base64 twice).",
        "Pass exactly the encryption context that was used to encrypt, with the same keys and values.",
        "Check that the ciphertext was produced under this KMS key.",
      ],
      docs: [XT, DOCS.api("Decrypt"), DOCS.api("ReEncrypt")],
    },
  }),
  entry({
    cause: "XKS_PROXY_INVALID_CIPHERTEXT",
    kinds: ["KMSInvalidStateException"],
    codes: [],
    keyStoreType: "EXTERNAL_KEY_STORE",
    category: "transient",
    retryable: true,
    customKeyStore: true,
    remediation: {
      summary:
        "AWS KMS rejected the ciphertext that the external key store proxy returned to it: the proxy or the external key manager produced corrupted or invalid output.",
      steps: [
        "Retry the request once: a corruption in transit can cause it.",
        "If it repeats, check the health of the external key manager and make sure that the proxy returns what the external key manager produced, unchanged.",
        "Report repeated occurrences to your proxy vendor with the `kmsRequestId` values.",
      ],
      docs: [XT, DOCS.api("Decrypt")],
    },
  }),
  entry({
    cause: "XKS_PROXY_URI_UNREACHABLE",
    kinds: ["XksProxyUriUnreachableException"],
    codes: ["XksProxyUriUnreachableException"],
    keyStoreType: "EXTERNAL_KEY_STORE",
    category: "connectivity",
    retryable: true,
    customKeyStore: true,
    remediation: {
      summary:
        "AWS KMS could not reach or validate the external key store proxy while creating or updating the key store: no TCP or TLS connection, no answer within 250 ms, a proxy that throttled or timed out, or all external key managers unavailable. The message usually says which.",
      steps: [
        "Read the exception message: it names the specific failure (timeout, TLS, throttling, unhealthy proxy).",
        "Check `XksProxyUriEndpoint` and `XksProxyUriPath`. With public endpoint connectivity the host name must resolve in public DNS; with VPC endpoint service connectivity it is the private DNS name of your VPC endpoint service, whose domain must be verified (KMS creates the private hosted zone itself). Port 443 must be open through firewalls, and the proxy's TLS certificate must be valid for that host.",
        "Check that the proxy and the external key manager are healthy; for VPC endpoint service connectivity, also the Network Load Balancer's targets (`aws elbv2 describe-target-health --target-group-arn <arn>`).",
        "Retry with backoff: timeouts and throttling are often transient.",
      ],
      docs: [XT, DOCS.vpcPrivateDns, DOCS.requireEndpoint],
    },
  }),
  entry({
    cause: "XKS_KEY_ALREADY_IN_USE",
    kinds: ["XksKeyAlreadyInUseException"],
    codes: ["XksKeyAlreadyInUseException"],
    keyStoreType: "EXTERNAL_KEY_STORE",
    category: "conflict",
    retryable: false,
    customKeyStore: true,
    remediation: {
      summary:
        "Another KMS key in this external key store already uses this `XksKeyId`. Each KMS key in an external key store needs its own external key.",
      steps: [
        "Find the KMS key that uses it: `aws kms describe-key --key-id <key-id>` shows each key's `XksKeyConfiguration.Id` and `CustomKeyStoreId`.",
        "Use that existing KMS key, or create the new KMS key with a different external key.",
        "Do not work around the check with another name (such as an alias) of the same external key: KMS cannot detect it, and the two KMS keys would not be interoperable.",
      ],
      docs: [DOCS.createXksKeys, XT],
    },
  }),
  entry({
    cause: "XKS_KEY_INVALID_CONFIGURATION",
    kinds: ["XksKeyInvalidConfigurationException"],
    codes: ["XksKeyInvalidConfigurationException"],
    keyStoreType: "EXTERNAL_KEY_STORE",
    category: "configuration",
    retryable: false,
    customKeyStore: true,
    remediation: {
      summary:
        "The external key does not meet the requirements for a KMS key: it must be a 256-bit AES key (`AES_256`), have status `ENABLED`, and allow both `ENCRYPT` and `DECRYPT`.",
      steps: [
        "Read the exception message: it names the failing property (key spec, status or key usage).",
        "Fix the key in your external key manager (enable it, add the `ENCRYPT` and `DECRYPT` usages), or choose an external key that meets all three requirements.",
        "Retry CreateKey with that `XksKeyId`.",
      ],
      docs: [DOCS.createXksKeys, XT],
    },
  }),
  entry({
    cause: "XKS_PROXY_URI_ENDPOINT_IN_USE",
    kinds: ["XksProxyUriEndpointInUseException"],
    codes: ["XksProxyUriEndpointInUseException"],
    keyStoreType: "EXTERNAL_KEY_STORE",
    category: "conflict",
    retryable: false,
    customKeyStore: true,
    remediation: {
      summary:
        "`XksProxyUriEndpoint` is already taken in this Region: a public endpoint equal to the endpoint of a key store with VPC endpoint service connectivity (in any account), or a private DNS name that another key store uses.",
      steps: [
        "List the endpoints of your key stores: `aws kms describe-custom-key-stores --query 'CustomKeyStores[].[CustomKeyStoreId,XksProxyConfiguration.UriEndpoint]'`.",
        "For VPC endpoint service connectivity, give each key store its own VPC endpoint service with its own private DNS name, and use `https://` plus that name as the endpoint.",
        "For public endpoint connectivity, key stores may share an endpoint only with different `XksProxyUriPath` values, and never the endpoint of a VPC-connected key store.",
      ],
      docs: [DOCS.requireEndpoint],
    },
  }),
  entry({
    cause: "XKS_PROXY_URI_IN_USE",
    kinds: ["XksProxyUriInUseException"],
    codes: ["XksProxyUriInUseException"],
    keyStoreType: "EXTERNAL_KEY_STORE",
    category: "conflict",
    retryable: false,
    customKeyStore: true,
    remediation: {
      summary:
        "The combination of `XksProxyUriEndpoint` and `XksProxyUriPath` is already used by another external key store in this account and Region.",
      steps: [
        "Find the key store that uses it: `aws kms describe-custom-key-stores --query 'CustomKeyStores[].[CustomKeyStoreId,XksProxyConfiguration.UriEndpoint,XksProxyConfiguration.UriPath]'`.",
        "Configure a distinct path prefix for this key store on the proxy (`/<prefix>/kms/xks/v1`) and set `XksProxyUriPath` to it, or use the existing key store.",
      ],
      docs: [DOCS.requirePath],
    },
  }),
  entry({
    cause: "XKS_VPC_ENDPOINT_SERVICE_IN_USE",
    kinds: ["XksProxyVpcEndpointServiceInUseException"],
    codes: ["XksProxyVpcEndpointServiceInUseException"],
    keyStoreType: "EXTERNAL_KEY_STORE",
    category: "conflict",
    retryable: false,
    customKeyStore: true,
    remediation: {
      summary:
        "The VPC endpoint service in `XksProxyVpcEndpointServiceName` (the service you provide for your proxy, `com.amazonaws.vpce.<region>.vpce-svc-…`) already backs another external key store in this Region. Each external key store needs its own VPC endpoint service; an interface endpoint to AWS KMS (`com.amazonaws.<region>.kms`) is unrelated to this error.",
      steps: [
        "Find the key store that uses it: `aws kms describe-custom-key-stores --query 'CustomKeyStores[].[CustomKeyStoreId,XksProxyConfiguration.VpcEndpointServiceName]'`.",
        "Use that key store, or set up a dedicated VPC endpoint service for this one: an interface endpoint service in front of an internal Network Load Balancer (TCP 443, IP targets, at least two Availability Zones), acceptance not required, `cks.kms.<region>.amazonaws.com` in its allowed principals, and its own verified private DNS name. The VPC may be shared.",
        "Set `XksProxyVpcEndpointServiceName` to the new service's name and `XksProxyUriEndpoint` to `https://` plus its private DNS name.",
        "You create no endpoint yourself: KMS creates its own endpoint to your service when the key store connects.",
      ],
      docs: [DOCS.vpcCreateService, DOCS.vpcServiceRequirements],
    },
  }),
  entry({
    cause: "XKS_VPC_ENDPOINT_SERVICE_INVALID_CONFIGURATION",
    kinds: ["XksProxyVpcEndpointServiceInvalidConfigurationException", "ConnectionFailed"],
    codes: [
      "XKS_VPC_ENDPOINT_SERVICE_INVALID_CONFIGURATION",
      "XksProxyVpcEndpointServiceInvalidConfigurationException",
    ],
    keyStoreType: "EXTERNAL_KEY_STORE",
    category: "configuration",
    retryable: false,
    customKeyStore: true,
    remediation: {
      summary:
        "The VPC endpoint service that you provide for your external key store proxy (`XksProxyVpcEndpointServiceName`, `com.amazonaws.vpce.<region>.vpce-svc-…`) does not meet KMS's requirements. This is not about an interface endpoint to AWS KMS (`com.amazonaws.<region>.kms`), which is unrelated to this error: you create no endpoint here, KMS creates its own endpoint to your service when the key store connects.",
      steps: [
        "Inspect the service: `aws ec2 describe-vpc-endpoint-service-configurations --filters Name=service-name,Values=<XksProxyVpcEndpointServiceName>`. It must be in the key store's Region and owned by the account in `XksProxyVpcEndpointServiceOwner` (your account by default).",
        "It must be an interface endpoint service (`ServiceType` `Interface`) in front of a Network Load Balancer, not a Gateway Load Balancer: `NetworkLoadBalancerArns` set, `GatewayLoadBalancerArns` empty, `ServiceState` `Available`.",
        "Check the Network Load Balancer with `aws elbv2 describe-load-balancers`, `aws elbv2 describe-listeners` and `aws elbv2 describe-target-groups`: scheme `internal`, private subnets in at least two Availability Zones, a TCP listener on port 443, and target type `ip` with healthy proxy targets on port 443.",
        "Turn acceptance off: `AcceptanceRequired` must be false (`aws ec2 modify-vpc-endpoint-service-configuration --service-id <vpce-svc-id> --no-acceptance-required`).",
        "Allow KMS as a consumer: `aws ec2 describe-vpc-endpoint-service-permissions --service-id <vpce-svc-id>` must list `cks.kms.<region>.amazonaws.com`; add it with `aws ec2 modify-vpc-endpoint-service-permissions --service-id <vpce-svc-id> --add-allowed-principals cks.kms.<region>.amazonaws.com`.",
        "Give the service a private DNS name that is a subdomain of a public domain and unique in the Region, and verify its domain: `PrivateDnsNameConfiguration.State` must be `verified` (publish the TXT record, then `aws ec2 start-vpc-endpoint-service-private-dns-verification --service-id <vpce-svc-id>`; it can take several minutes).",
        "Set `XksProxyUriEndpoint` to `https://` plus that private DNS name (no port), use one VPC endpoint service per key store, and serve a TLS certificate for that name on the proxy. Disconnect the key store first if it is `FAILED` (a `FAILED` store refuses updates), update it while it is `DISCONNECTED`, then connect it and poll `DescribeCustomKeyStores` until it is `CONNECTED`.",
      ],
      docs: [DOCS.vpcServiceRequirements, DOCS.vpcCreateService, DOCS.vpcPrivateDns, CODES],
    },
  }),
  entry({
    cause: "XKS_VPC_ENDPOINT_SERVICE_NOT_FOUND",
    kinds: ["XksProxyVpcEndpointServiceNotFoundException", "ConnectionFailed"],
    codes: ["XKS_VPC_ENDPOINT_SERVICE_NOT_FOUND", "XksProxyVpcEndpointServiceNotFoundException"],
    keyStoreType: "EXTERNAL_KEY_STORE",
    category: "configuration",
    retryable: false,
    customKeyStore: true,
    remediation: {
      summary:
        "AWS KMS cannot find or use the VPC endpoint service in `XksProxyVpcEndpointServiceName`: the name is wrong, the service is in another Region, or the KMS service principal `cks.kms.<region>.amazonaws.com` is not an allowed principal. This is the endpoint service you provide for your proxy, in front of a Network Load Balancer; an interface endpoint to AWS KMS (`com.amazonaws.<region>.kms`) is unrelated to this error.",
      steps: [
        "Compare the key store's `XksProxyConfiguration.VpcEndpointServiceName` (`aws kms describe-custom-key-stores --custom-key-store-id <cks-id>`) with the real name from `aws ec2 describe-vpc-endpoint-service-configurations` (owner) or `aws ec2 describe-vpc-endpoint-services --service-names <name>`.",
        "Check the Region inside the name (`com.amazonaws.vpce.<region>.vpce-svc-…`): it must be the key store's Region. Neither can move, so create the key store in the service's Region if they differ.",
        "Allow KMS: `aws ec2 describe-vpc-endpoint-service-permissions --service-id <vpce-svc-id>` must list `cks.kms.<region>.amazonaws.com`; add it with `aws ec2 modify-vpc-endpoint-service-permissions --service-id <vpce-svc-id> --add-allowed-principals cks.kms.<region>.amazonaws.com`.",
        "If another account owns the service, set `XksProxyVpcEndpointServiceOwner` to that account and allow the key store's managers `ec2:DescribeVpcEndpointServices`.",
        "Disconnect the key store first if it is `FAILED` (a `FAILED` store refuses updates), correct the name with `aws kms update-custom-key-store` while it is `DISCONNECTED`, then connect it and poll `DescribeCustomKeyStores`. You create no endpoint yourself: KMS creates its own endpoint to your service when it connects.",
      ],
      docs: [DOCS.vpcAuthorizeKms, DOCS.vpcServiceRequirements, CODES, DOCS.authorizeXksManagers],
    },
  }),
] as const satisfies readonly CatalogEntry<string, Kind>[];
