/**
 * Every failure `kind`: the exceptions the KMS model declares (with the model's fault and the HTTP
 * status real KMS sends: 400 for every client fault, whatever the model's `httpError` says, as
 * recorded KMS responses show), the unmodeled errors KMS really returns, and the library's own kinds
 * for failures that are not KMS responses. `keyStoreType` is set when the exception names one type of custom key store.
 * `messageRules` marks catch-all exceptions whose message decides the cause.
 */
export const KINDS = [
  // Custom key store exceptions, CloudHSM key stores.
  { kind: "CloudHsmClusterInUseException", fault: "client", status: 400, keyStoreType: "AWS_CLOUDHSM" },
  {
    kind: "CloudHsmClusterInvalidConfigurationException",
    fault: "client",
    status: 400,
    keyStoreType: "AWS_CLOUDHSM",
  },
  { kind: "CloudHsmClusterNotActiveException", fault: "client", status: 400, keyStoreType: "AWS_CLOUDHSM" },
  { kind: "CloudHsmClusterNotFoundException", fault: "client", status: 400, keyStoreType: "AWS_CLOUDHSM" },
  { kind: "CloudHsmClusterNotRelatedException", fault: "client", status: 400, keyStoreType: "AWS_CLOUDHSM" },
  { kind: "IncorrectTrustAnchorException", fault: "client", status: 400, keyStoreType: "AWS_CLOUDHSM" },
  // Custom key store exceptions, both types.
  { kind: "CustomKeyStoreHasCMKsException", fault: "client", status: 400 },
  { kind: "CustomKeyStoreInvalidStateException", fault: "client", status: 400, messageRules: true },
  { kind: "CustomKeyStoreNameInUseException", fault: "client", status: 400 },
  { kind: "CustomKeyStoreNotFoundException", fault: "client", status: 400 },
  // Custom key store exceptions, external key stores.
  { kind: "XksKeyAlreadyInUseException", fault: "client", status: 400, keyStoreType: "EXTERNAL_KEY_STORE" },
  {
    kind: "XksKeyInvalidConfigurationException",
    fault: "client",
    status: 400,
    keyStoreType: "EXTERNAL_KEY_STORE",
    messageRules: true,
  },
  { kind: "XksKeyNotFoundException", fault: "client", status: 400, keyStoreType: "EXTERNAL_KEY_STORE" },
  {
    kind: "XksProxyIncorrectAuthenticationCredentialException",
    fault: "client",
    status: 400,
    keyStoreType: "EXTERNAL_KEY_STORE",
  },
  {
    kind: "XksProxyInvalidConfigurationException",
    fault: "client",
    status: 400,
    keyStoreType: "EXTERNAL_KEY_STORE",
    messageRules: true,
  },
  {
    kind: "XksProxyInvalidResponseException",
    fault: "client",
    status: 400,
    keyStoreType: "EXTERNAL_KEY_STORE",
    messageRules: true,
  },
  {
    kind: "XksProxyUriEndpointInUseException",
    fault: "client",
    status: 400,
    keyStoreType: "EXTERNAL_KEY_STORE",
  },
  { kind: "XksProxyUriInUseException", fault: "client", status: 400, keyStoreType: "EXTERNAL_KEY_STORE" },
  {
    kind: "XksProxyUriUnreachableException",
    fault: "client",
    status: 400,
    keyStoreType: "EXTERNAL_KEY_STORE",
    messageRules: true,
  },
  {
    kind: "XksProxyVpcEndpointServiceInUseException",
    fault: "client",
    status: 400,
    keyStoreType: "EXTERNAL_KEY_STORE",
  },
  {
    kind: "XksProxyVpcEndpointServiceInvalidConfigurationException",
    fault: "client",
    status: 400,
    keyStoreType: "EXTERNAL_KEY_STORE",
  },
  {
    kind: "XksProxyVpcEndpointServiceNotFoundException",
    fault: "client",
    status: 400,
    keyStoreType: "EXTERNAL_KEY_STORE",
  },
  // General modeled exceptions.
  { kind: "AlreadyExistsException", fault: "client", status: 400 },
  { kind: "ConflictException", fault: "client", status: 400 },
  { kind: "DisabledException", fault: "client", status: 400 },
  { kind: "KMSInvalidStateException", fault: "client", status: 400, messageRules: true },
  { kind: "DryRunOperationException", fault: "client", status: 400 },
  { kind: "NotFoundException", fault: "client", status: 400 },
  { kind: "ExpiredImportTokenException", fault: "client", status: 400 },
  { kind: "IncorrectKeyException", fault: "client", status: 400 },
  { kind: "IncorrectKeyMaterialException", fault: "client", status: 400 },
  { kind: "InvalidAliasNameException", fault: "client", status: 400 },
  { kind: "InvalidArnException", fault: "client", status: 400 },
  { kind: "InvalidCiphertextException", fault: "client", status: 400 },
  { kind: "InvalidGrantIdException", fault: "client", status: 400 },
  { kind: "InvalidGrantTokenException", fault: "client", status: 400 },
  { kind: "InvalidImportTokenException", fault: "client", status: 400 },
  { kind: "InvalidKeyUsageException", fault: "client", status: 400 },
  { kind: "InvalidMarkerException", fault: "client", status: 400 },
  { kind: "KMSInvalidMacException", fault: "client", status: 400 },
  { kind: "KMSInvalidSignatureException", fault: "client", status: 400 },
  { kind: "LimitExceededException", fault: "client", status: 400 },
  { kind: "MalformedPolicyDocumentException", fault: "client", status: 400 },
  { kind: "TagException", fault: "client", status: 400 },
  { kind: "UnsupportedOperationException", fault: "client", status: 400, messageRules: true },
  { kind: "DependencyTimeoutException", fault: "server", status: 503 },
  { kind: "KeyUnavailableException", fault: "server", status: 500 },
  { kind: "KMSInternalException", fault: "server", status: 500, messageRules: true },
  // Unmodeled errors that KMS (or the AWS front end before it) returns.
  { kind: "ThrottlingException", fault: "client", status: 400, unmodeled: true },
  { kind: "AccessDeniedException", fault: "client", status: 400, unmodeled: true },
  { kind: "ValidationException", fault: "client", status: 400, unmodeled: true },
  { kind: "UnrecognizedClientException", fault: "client", status: 400, unmodeled: true },
  { kind: "IncompleteSignatureException", fault: "client", status: 400, unmodeled: true },
  { kind: "InvalidSignatureException", fault: "client", status: 400, unmodeled: true, messageRules: true },
  { kind: "ExpiredTokenException", fault: "client", status: 400, unmodeled: true },
  { kind: "InvalidClientTokenId", fault: "client", status: 403, unmodeled: true },
  { kind: "RequestExpired", fault: "client", status: 400, unmodeled: true },
  { kind: "OptInRequired", fault: "client", status: 403, unmodeled: true },
  { kind: "UnknownOperationException", fault: "client", status: 400, unmodeled: true },
  { kind: "SerializationException", fault: "client", status: 400, unmodeled: true },
  { kind: "InternalFailure", fault: "server", status: 500, unmodeled: true },
  { kind: "ServiceUnavailable", fault: "server", status: 503, unmodeled: true },
  // The library's own kinds: failures that are not a KMS error response.
  // Message rules of TransportError read other SDKs' transport texts pasted into `explain`.
  { kind: "TransportError", synthetic: true, messageRules: true },
  { kind: "Aborted", synthetic: true },
  { kind: "CredentialsProviderError", synthetic: true },
  { kind: "TokenProviderError", synthetic: true },
  { kind: "ConnectionFailed", synthetic: true },
  { kind: "UnknownServiceError", synthetic: true },
  // Another AWS service could not use a KMS key on the caller's behalf and named no KMS exception.
  { kind: "KmsAccessFailed", synthetic: true },
  { kind: "Unrecognized", synthetic: true, messageRules: true },
] as const satisfies readonly KindInfo[];

/**
 * What the catalog knows about one failure kind.
 * @internal
 */
export interface KindInfo {
  readonly kind: string;
  /** `$fault` in the KMS model (or as KMS returns it, for unmodeled errors). */
  readonly fault?: "client" | "server";
  /** The HTTP status real KMS sends with it (not the model's `httpError`: KMS sends 400 for those). */
  readonly status?: number;
  /** Set when the exception implies one type of custom key store. */
  readonly keyStoreType?: "AWS_CLOUDHSM" | "EXTERNAL_KEY_STORE";
  /** The message decides the cause (catch-all exceptions). */
  readonly messageRules?: boolean;
  /** A KMS (or AWS front-end) error that is not in the KMS model. */
  readonly unmodeled?: boolean;
  /** The library's own kind: not an error name on the wire. */
  readonly synthetic?: boolean;
}

/**
 * Every failure kind: the name of a KMS exception, a well-known unmodeled AWS error, or one of the
 * library's own kinds (`TransportError`, `Aborted`, `ConnectionFailed`, `UnknownServiceError`,
 * `KmsAccessFailed`, `Unrecognized`, `CredentialsProviderError`, `TokenProviderError`).
 * @public
 */
export type Kind = (typeof KINDS)[number]["kind"];
