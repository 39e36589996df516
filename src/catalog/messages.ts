/**
 * Message rules: for the catch-all exceptions (`KMSInvalidStateException`, `KMSInternalException`,
 * `CustomKeyStoreInvalidStateException`, `XksProxyUriUnreachableException`,
 * `XksProxyInvalidResponseException`, `XksProxyInvalidConfigurationException`,
 * `InvalidSignatureException`, `UnsupportedOperationException`) the message decides the cause; for
 * `Unrecognized` it recognises the SDK's own configuration errors, and for `TransportError` the
 * transport texts of other SDKs that users paste into `explain`.
 *
 * Fragments are written normalised (lowercase words separated by single spaces: `can't` is `can t`)
 * and match whole words. A rule applies to a kind when its cause's catalog entry lists that kind.
 * Order matters: the first matching rule wins, so specific rules come before generic ones. Messages
 * are no contract: each rule lists the wording of the KMS Developer Guide, of the XKS proxy API
 * specification and their known variants, and never depends on ARNs or IDs in the message.
 */
import type { MessageRule } from "./schema.js";

/** @internal */
export const MESSAGE_RULES = [
  // External key stores: ciphertext problems (Decrypt, ReEncrypt).
  {
    cause: "XKS_PROXY_INVALID_CIPHERTEXT",
    match: [
      "ciphertext that the external key store proxy submitted",
      ["proxy submitted for decryption", "otherwise invalid"],
    ],
    keyStoreType: "EXTERNAL_KEY_STORE",
  },
  {
    cause: "XKS_PROXY_REJECTED_CIPHERTEXT",
    match: [
      ["external key store proxy rejected", "otherwise invalid"],
      ["specified ciphertext", "otherwise invalid"],
      ["external key store proxy rejected", "ciphertext"],
    ],
    keyStoreType: "EXTERNAL_KEY_STORE",
  },
  // External key stores: the external key.
  {
    cause: "XKS_PROXY_UNSUPPORTED_OPERATION",
    match: ["because it does not support the requested", "proxy does not support the requested"],
    keyStoreType: "EXTERNAL_KEY_STORE",
  },
  {
    cause: "XKS_KEY_UNSUPPORTED_OPERATION",
    match: ["external key does not support", "does not support the requested operation"],
    keyStoreType: "EXTERNAL_KEY_STORE",
  },
  {
    cause: "XKS_KEY_DISABLED",
    match: [
      "not enabled in the external key manager",
      "external key is not enabled",
      "external key is disabled",
    ],
    keyStoreType: "EXTERNAL_KEY_STORE",
  },
  {
    cause: "XKS_KEY_NOT_FOUND",
    match: [
      "not found in its external key manager",
      "could not find the external key",
      "cannot find the external key",
      "not found in the external key manager",
    ],
    keyStoreType: "EXTERNAL_KEY_STORE",
  },
  // External key stores: the proxy's answers.
  {
    cause: "INVALID_CREDENTIALS",
    match: ["could not authenticate", "cannot authenticate aws kms", "can t authenticate aws kms"],
    keyStoreType: "EXTERNAL_KEY_STORE",
  },
  {
    cause: "XKS_PROXY_ACCESS_DENIED",
    match: ["denied access to the operation", "external key store proxy denied access"],
    keyStoreType: "EXTERNAL_KEY_STORE",
  },
  {
    cause: "XKS_PROXY_INVALID_CONFIGURATION",
    match: ["invalid uri path", "uri path is invalid"],
    keyStoreType: "EXTERNAL_KEY_STORE",
  },
  {
    cause: "XKS_PROXY_THROTTLED",
    match: ["very high request rate"],
    keyStoreType: "EXTERNAL_KEY_STORE",
  },
  {
    cause: "XKS_PROXY_UNHEALTHY",
    match: ["unhealthy state", "external key store proxy is unhealthy"],
    keyStoreType: "EXTERNAL_KEY_STORE",
  },
  {
    cause: "XKS_EXTERNAL_KEY_MANAGER_ERROR",
    match: [
      "cannot communicate with the external key manager",
      "can t communicate with the external key manager",
      "could not communicate with the external key manager",
      "external key manager is unavailable",
    ],
    keyStoreType: "EXTERNAL_KEY_STORE",
  },
  {
    cause: "XKS_PROXY_INVALID_TLS_CONFIGURATION",
    match: [
      "cannot establish a tls connection",
      "can t establish a tls connection",
      "could not establish a tls connection",
    ],
    keyStoreType: "EXTERNAL_KEY_STORE",
  },
  // The proxy's DependencyTimeoutException: "did not respond to the request in the time allotted".
  {
    cause: "XKS_PROXY_DEPENDENCY_TIMEOUT",
    match: ["in the time allotted"],
    keyStoreType: "EXTERNAL_KEY_STORE",
  },
  {
    cause: "XKS_PROXY_TIMED_OUT",
    match: ["did not respond in time", "does not respond in time", "external key store proxy timed out"],
    keyStoreType: "EXTERNAL_KEY_STORE",
  },
  {
    cause: "XKS_PROXY_NOT_REACHABLE",
    match: [
      "cannot communicate with the external key store proxy",
      "cannot communicate with your external key store proxy",
      "can t communicate with the external key store proxy",
      "can t communicate with your external key store proxy",
      "could not communicate with the external key store proxy",
    ],
    keyStoreType: "EXTERNAL_KEY_STORE",
  },
  {
    cause: "XKS_PROXY_INVALID_RESPONSE",
    match: [
      "cannot interpret the response",
      "can t interpret the response",
      "could not interpret the response",
    ],
    keyStoreType: "EXTERNAL_KEY_STORE",
  },
  // CloudHSM key stores.
  {
    cause: "CLOUDHSM_CLUSTER_UNREACHABLE",
    match: [
      "cannot communicate with your cloudhsm cluster",
      "cannot communicate with your aws cloudhsm cluster",
      "cannot communicate with the cloudhsm cluster",
      "cannot communicate with the aws cloudhsm cluster",
      "can t communicate with your cloudhsm cluster",
      ["cannot communicate", "cloudhsm"],
    ],
    keyStoreType: "AWS_CLOUDHSM",
  },
  {
    cause: "CLOUDHSM_PKCS11_SESSIONS_EXHAUSTED",
    match: ["pkcs 11 session", "pkcs 11 sessions", "pkcs11 session", "pkcs11 sessions"],
    keyStoreType: "AWS_CLOUDHSM",
  },
  {
    cause: "CLOUDHSM_KEY_MATERIAL_NOT_FOUND",
    match: [
      ["key material", "cloudhsm"],
      ["key material", "cluster"],
    ],
    keyStoreType: "AWS_CLOUDHSM",
    heuristic: true,
  },
  // Connection state of the custom key store.
  {
    cause: "KEY_STORE_NOT_CONNECTED",
    match: ["not connected to its external key store proxy"],
    keyStoreType: "EXTERNAL_KEY_STORE",
  },
  {
    cause: "KEY_STORE_NOT_CONNECTED",
    match: ["not connected to its aws cloudhsm cluster", "not connected to its cloudhsm cluster"],
    keyStoreType: "AWS_CLOUDHSM",
  },
  {
    cause: "KEY_STORE_NOT_CONNECTED",
    match: ["not connected"],
  },
  {
    cause: "CUSTOM_KEY_STORE_MUST_BE_DISCONNECTED",
    match: [
      "must be disconnected",
      "must be in a disconnected state",
      "must be in the disconnected state",
      "not disconnected",
      "disconnect the custom key store before",
      "while the custom key store is connected",
      "while it is connected",
    ],
  },
  {
    cause: "CUSTOM_KEY_STORE_FAILED",
    match: [
      "failed connection state",
      "connection state is failed",
      "connection state of failed",
      "in the failed state",
      "is in a failed state",
    ],
  },
  // Key states (KMSInvalidStateException).
  {
    cause: "KEY_NOT_PENDING_DELETION",
    match: ["not pending deletion"],
  },
  {
    cause: "KEY_PENDING_REPLICA_DELETION",
    match: ["pending replica deletion", "pendingreplicadeletion"],
  },
  {
    cause: "KEY_PENDING_DELETION",
    match: ["pending deletion", "pendingdeletion"],
  },
  {
    cause: "KEY_PENDING_IMPORT",
    match: ["pending import", "pendingimport"],
  },
  {
    cause: "KEY_UNAVAILABLE",
    match: ["is unavailable", "key state unavailable"],
  },
  {
    cause: "KEY_DISABLED",
    match: ["is disabled", "key state disabled"],
  },
  {
    cause: "KEY_CREATING",
    match: ["is creating", "is being created", "key state creating"],
  },
  {
    cause: "KEY_UPDATING",
    match: ["is updating", "key state updating"],
  },
  // Request signing (InvalidSignatureException).
  {
    cause: "SIGNATURE_EXPIRED",
    match: ["signature expired", "signature not yet current"],
  },
  // UnsupportedOperationException: "<key-arn> origin is <Origin> which is not valid for this
  // operation". The origin is the only clue to the key store type; origin EXTERNAL (imported key
  // material) names no key store and is left to the fallback.
  {
    cause: "UNSUPPORTED_OPERATION",
    match: ["origin is aws cloudhsm"],
    keyStoreType: "AWS_CLOUDHSM",
  },
  {
    cause: "UNSUPPORTED_OPERATION",
    match: ["origin is external key store"],
    keyStoreType: "EXTERNAL_KEY_STORE",
  },
  // The AWS SDK's own configuration error (Unrecognized): a client built without a Region.
  {
    cause: "REGION_MISSING",
    match: ["region is missing"],
  },
  // Transport failures as other SDKs word them (AWS CLI and botocore, Go v2, Java v1), for text
  // pasted into explain. Node errors are recognised by their codes, not by these rules.
  {
    cause: "REQUEST_TIMEOUT",
    match: [
      "read timeout on endpoint url",
      "connect timeout on endpoint url",
      "read timed out",
      "connect timed out",
      "sockettimeoutexception",
      "connecttimeoutexception",
      "i o timeout",
      "context deadline exceeded",
      "client timeout exceeded",
      "timeout awaiting response headers",
      "tls handshake timeout",
      "did not complete before the specified timeout",
    ],
  },
  {
    cause: "NETWORK_ERROR",
    match: [
      "could not connect to the endpoint url",
      "connection was closed before we received a valid response",
      "connection refused",
      "connection reset by peer",
      "connection reset",
      "no such host",
      "unknownhostexception",
      "name or service not known",
      "nodename nor servname provided",
      "temporary failure in name resolution",
      "target server failed to respond",
      "nohttpresponseexception",
      "unexpected eof",
      "broken pipe",
    ],
  },
  {
    cause: "NON_KMS_RESPONSE",
    match: [
      "an error occurred 500 when calling",
      "an error occurred 502 when calling",
      "an error occurred 503 when calling",
      "an error occurred 504 when calling",
      "bad gateway",
      "gateway timeout",
      "statuscode 502",
      "statuscode 503",
      "statuscode 504",
      "status code 502",
      "status code 503",
      "status code 504",
      ["status code 500", "error code null"],
    ],
  },
] as const satisfies readonly MessageRule[];
