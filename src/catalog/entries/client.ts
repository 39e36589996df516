/**
 * The library's own kinds: failures that are not a KMS error response (no response, a response that
 * is not KMS's, client-side credential errors, aborts, unknown service errors).
 */
import { DOCS } from "../docs.js";
import type { Kind } from "../kinds.js";
import { type CatalogEntry, entry } from "../schema.js";

const ENDPOINT =
  "Check the client's Region and `endpoint` setting (and `AWS_ENDPOINT_URL_KMS`): leave `endpoint` unset to reach `kms.<region>.amazonaws.com`, or point it at your interface VPC endpoint to KMS.";

/** @internal */
export const CLIENT_ENTRIES = [
  entry({
    cause: "NETWORK_ERROR",
    kinds: ["TransportError"],
    codes: [
      "TransportError",
      "ECONNREFUSED",
      "ECONNRESET",
      "ECONNABORTED",
      "EPIPE",
      "EHOSTUNREACH",
      "EHOSTDOWN",
      "ENETUNREACH",
      "ENETDOWN",
      "ENETRESET",
      "ENOTFOUND",
      "EAI_AGAIN",
      "NGHTTP2_REFUSED_STREAM",
      "ERR_HTTP2_STREAM_ERROR",
      "ERR_HTTP2_STREAM_CANCEL",
      "ERR_HTTP2_GOAWAY_SESSION",
      "ERR_HTTP2_SESSION_ERROR",
      "ERR_HTTP2_INVALID_SESSION",
      "ERR_STREAM_PREMATURE_CLOSE",
      "UND_ERR_SOCKET",
    ],
    category: "connectivity",
    retryable: true,
    customKeyStore: false,
    remediation: {
      summary:
        "No KMS response was received: the connection to the KMS endpoint could not be opened or was dropped (DNS failure, refused or reset connection, closed HTTP/2 stream).",
      steps: [
        "Retry with backoff: resets and refused streams are usually transient, and the AWS SDK retries most of them.",
        ENDPOINT,
        "Check that the host resolves and reaches the endpoint: `nslookup kms.<region>.amazonaws.com`, then `curl -sS https://kms.<region>.amazonaws.com` from the same host or container.",
        "Check HTTP proxies (`HTTPS_PROXY`, `NO_PROXY`), firewalls, security groups and network ACLs on the path to KMS on port 443.",
        "In a VPC without internet access, use an interface VPC endpoint to KMS (`com.amazonaws.<region>.kms`) with private DNS enabled, and allow HTTPS from your clients in its security group.",
      ],
      docs: [DOCS.vpcEndpointToKms],
    },
  }),
  entry({
    cause: "REQUEST_TIMEOUT",
    kinds: ["TransportError"],
    codes: [
      "TimeoutError",
      "ETIMEDOUT",
      "ESOCKETTIMEDOUT",
      "RequestTimeout",
      "RequestTimeoutException",
      "ERR_SOCKET_CONNECTION_TIMEOUT",
      "UND_ERR_CONNECT_TIMEOUT",
      "UND_ERR_HEADERS_TIMEOUT",
      "UND_ERR_BODY_TIMEOUT",
    ],
    category: "transient",
    retryable: true,
    customKeyStore: false,
    remediation: {
      summary:
        "The request to KMS timed out on the client side (connection or response timeout) before a KMS response arrived.",
      steps: [
        "Retry with backoff; the AWS SDK retries timeouts.",
        "Check the client's timeouts (`requestHandler` `connectionTimeout` and `requestTimeout`): too short a value fails requests that would succeed, especially for keys in custom key stores.",
        ENDPOINT,
        "Check for packet loss or blocked traffic on the path to KMS (firewalls, proxies, the security group of an interface VPC endpoint to KMS).",
      ],
      docs: [DOCS.vpcEndpointToKms, DOCS.throttling],
    },
  }),
  entry({
    cause: "NON_KMS_RESPONSE",
    kinds: ["TransportError"],
    codes: [],
    category: "transient",
    retryable: true,
    customKeyStore: false,
    remediation: {
      summary:
        "Something between you and KMS answered instead of KMS, with a server error or no status (for example a load balancer's or proxy's HTML 502 page), so the SDK could not parse the body.",
      steps: [
        "Retry with backoff: gateway errors are often transient.",
        "Find out who answered: corporate or sidecar HTTP proxies (`HTTPS_PROXY`), a custom `endpoint`, a load balancer or API gateway in front of the endpoint.",
        ENDPOINT,
        "Check the health of that intermediary and its logs for the failed request.",
      ],
      docs: [DOCS.vpcEndpointToKms],
    },
  }),
  entry({
    cause: "NON_KMS_CLIENT_ERROR_RESPONSE",
    kinds: ["TransportError"],
    codes: [],
    category: "configuration",
    retryable: false,
    customKeyStore: false,
    remediation: {
      summary:
        "Something other than KMS answered with a client error (HTTP 4xx) that is not a KMS error: usually a wrong endpoint, or a proxy or firewall that blocks the request.",
      steps: [
        ENDPOINT,
        "Check HTTP proxies (`HTTPS_PROXY`, `NO_PROXY`) and egress firewalls: an HTML 403 or 407 usually comes from a proxy that needs authentication or blocks `kms.<region>.amazonaws.com`.",
        "Send the same request with `curl -v` from the same host to see who answers.",
      ],
      docs: [DOCS.vpcEndpointToKms],
    },
  }),
  entry({
    cause: "UNREADABLE_RESPONSE",
    kinds: ["TransportError"],
    codes: ["ERR_RESPONSE_TOO_LARGE"],
    category: "connectivity",
    retryable: false,
    customKeyStore: false,
    remediation: {
      summary:
        "A response arrived with a success or redirect status (HTTP 2xx or 3xx) but a body the SDK could not read: it was cut off, or it was not KMS's JSON. The request may or may not have taken effect.",
      steps: [
        "Check whether the operation took effect before repeating it (for example `DescribeKey` or `DescribeCustomKeyStores`); repeat it only when it is safe to do twice.",
        ENDPOINT,
        "Check HTTP proxies (`HTTPS_PROXY`, `NO_PROXY`) and TLS-inspecting middleboxes between you and KMS: they can rewrite or cut responses.",
        "Send the same request with `curl -v` from the same host to see who answers and what.",
      ],
      docs: [DOCS.vpcEndpointToKms],
    },
  }),
  entry({
    cause: "ABORTED",
    kinds: ["Aborted"],
    codes: ["AbortError", "ABORT_ERR", "Aborted"],
    category: "unknown",
    retryable: false,
    customKeyStore: false,
    remediation: {
      summary: "The request was aborted by the caller (an `AbortSignal` fired) before it completed.",
      steps: [
        "Treat it as cancelled, not as a KMS failure; do not retry it automatically.",
        "If the abort came from a deadline, give the operation more time (connecting a custom key store can take up to 20 minutes).",
      ],
      docs: [DOCS.commonErrors],
    },
  }),
  entry({
    cause: "CREDENTIALS_NOT_AVAILABLE",
    kinds: ["CredentialsProviderError"],
    codes: ["CredentialsProviderError"],
    category: "authorization",
    retryable: false,
    customKeyStore: false,
    remediation: {
      summary: "The AWS SDK could not load credentials from any provider, so no request was sent to KMS.",
      steps: [
        "Provide credentials through the default chain: environment variables, a shared config profile (`AWS_PROFILE`), SSO (`aws sso login`), web identity, or a container or instance role.",
        "On EC2, ECS or Lambda, check that the role is attached and that the metadata endpoint is reachable (IMDSv2 hop limit for containers).",
        "Check with `aws sts get-caller-identity` from the same environment.",
      ],
      docs: [DOCS.keyAccess],
    },
  }),
  entry({
    cause: "TOKEN_NOT_AVAILABLE",
    kinds: ["TokenProviderError"],
    codes: ["TokenProviderError"],
    category: "authorization",
    retryable: false,
    customKeyStore: false,
    remediation: {
      summary:
        "The AWS SDK could not load a token (for example an expired or missing SSO token), so no request was sent.",
      steps: [
        "Refresh the SSO session: `aws sso login --profile <profile>`.",
        "Check the profile's `sso_session` settings and that the token cache is readable by the process.",
      ],
      docs: [DOCS.keyAccess],
    },
  }),
  entry({
    cause: "UNKNOWN_SERVICE_ERROR",
    kinds: ["UnknownServiceError"],
    codes: ["UnknownServiceError"],
    category: "unknown",
    retryable: false,
    customKeyStore: false,
    remediation: {
      summary:
        "KMS (or an AWS front end) returned an error that this version of the library does not know, with a client-error status.",
      steps: [
        "Read `code` and `message`: the error name usually says what is wrong.",
        "Look the name up in the KMS API reference for the operation and in the common errors list.",
        "Upgrade `kms-keystore-errors` and `@aws-sdk/client-kms`: newer versions may know the error.",
      ],
      docs: [DOCS.commonErrors],
    },
  }),
  entry({
    cause: "UNKNOWN_SERVER_ERROR",
    kinds: ["UnknownServiceError"],
    codes: [],
    category: "transient",
    retryable: true,
    customKeyStore: false,
    remediation: {
      summary: "KMS (or an AWS front end) returned an unknown error with a server-error status (HTTP 5xx).",
      steps: [
        "Retry with exponential backoff and jitter; the AWS SDK retries server errors.",
        "If it persists, check the AWS Health Dashboard and contact AWS Support with the request ID.",
      ],
      docs: [DOCS.commonErrors],
    },
  }),
  entry({
    cause: "UNKNOWN_THROTTLING_ERROR",
    kinds: ["UnknownServiceError"],
    codes: [
      "TooManyRequestsException",
      "RequestLimitExceeded",
      "SlowDown",
      "Throttling",
      "ThrottledException",
      "RequestThrottled",
      "RequestThrottledException",
      "BandwidthLimitExceeded",
      "ProvisionedThroughputExceededException",
      "EC2ThrottledException",
      "PriorRequestNotComplete",
      "TransactionInProgressException",
    ],
    category: "throttling",
    retryable: true,
    customKeyStore: false,
    remediation: {
      summary:
        "The request was throttled (HTTP 429 or a throttling error name) by KMS, an AWS front end or an intermediary.",
      steps: [
        "Retry with exponential backoff and jitter; the AWS SDK does this for throttling errors.",
        "Reduce the request rate, for example by caching data keys.",
        "Check the applied KMS request quotas: `aws service-quotas list-service-quotas --service-code kms`.",
      ],
      docs: [DOCS.throttling],
    },
  }),
  entry({
    cause: "REGION_MISSING",
    kinds: ["Unrecognized"],
    codes: [],
    category: "configuration",
    retryable: false,
    customKeyStore: false,
    remediation: {
      summary:
        "The client has no AWS Region (the AWS SDK's `Region is missing`): `new KMSClient({})` found none in its options, in `AWS_REGION` or in the shared config file, so no request was sent.",
      steps: [
        'Pass the Region of your keys and key stores to the client: `new KMSClient({ region: "eu-west-1" })`.',
        "Or set `AWS_REGION` in the process's environment, or `region` in the profile of `~/.aws/config` that `AWS_PROFILE` selects.",
        "Use the Region the KMS keys live in: KMS keys and custom key stores are regional, and the client's Region also picks the endpoint `kms.<region>.amazonaws.com`.",
      ],
      docs: [DOCS.vpcEndpointToKms],
    },
  }),
  entry({
    cause: "KMS_KEY_INACCESSIBLE",
    kinds: ["KmsAccessFailed"],
    codes: ["KmsAccessFailed"],
    category: "unknown",
    retryable: false,
    customKeyStore: false,
    remediation: {
      summary:
        "An AWS service that uses a KMS key on your behalf (Secrets Manager, RDS, SSM Parameter Store…) could not use the key, and its error does not say which KMS failure it met: a disabled or deleted key, a disconnected custom key store, an external key store proxy that failed, or a key policy or grant that does not let the service use the key.",
      steps: [
        "Find KMS's own answer in CloudTrail: look for the failed KMS call (`Decrypt`, `GenerateDataKey`, `Encrypt`) at the time of the failure, made by the service for your principal, and read its `errorCode` and `errorMessage`.",
        "Check the key the service uses: `aws kms describe-key --key-id <key-id>` (`KeyState`, `Origin`, `CustomKeyStoreId`); a `Disabled` key must be enabled, a key `PendingDeletion` must have its deletion cancelled.",
        "If the key is in a custom key store, check the store: `aws kms describe-custom-key-stores --custom-key-store-id <cks-id>` (`ConnectionState`, `ConnectionErrorCode`), and connect it again if it is not `CONNECTED`.",
        "Check that the key policy (or a grant) allows your principal to use the key through the service (`kms:Decrypt`, `kms:GenerateDataKey`, with a `kms:ViaService` condition naming the service if you use one).",
        "Repeat the request once the key is usable.",
      ],
      docs: [DOCS.keyState, DOCS.keyAccess, DOCS.fixUnavailableCmks, DOCS.xksTroubleshooting],
    },
  }),
  entry({
    cause: "UNRECOGNIZED",
    kinds: ["Unrecognized"],
    codes: ["Unrecognized"],
    category: "unknown",
    retryable: false,
    customKeyStore: false,
    remediation: {
      summary:
        "The error is not a KMS error, a transport error or a known SDK client error, for example a bug in application code or middleware.",
      steps: [
        "Inspect the original error (`failure.error`): its name, message and stack show where it came from.",
        "If it comes from custom middleware or a wrapper around the client, fix it there.",
      ],
      docs: [DOCS.commonErrors],
    },
  }),
] as const satisfies readonly CatalogEntry<string, Kind>[];
