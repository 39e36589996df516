/**
 * Causes that exist for both types of custom key store: the exceptions shared by CloudHSM and external
 * key stores, the connection error codes both can report (with a remediation per store type), and the
 * lifecycle causes found while connecting.
 */
import { DOCS } from "../docs.js";
import type { Kind } from "../kinds.js";
import { type CatalogEntry, entry } from "../schema.js";

const XT = DOCS.xksTroubleshooting;
const CODES = DOCS.xksConnectionErrorCodes;

/**
 * What `retryable` means for a failed connection: a `FAILED` store refuses `ConnectCustomKeyStore`,
 * so "the same request, unchanged" is the whole reconnect cycle.
 */
const ENSURE_CONNECTED =
  "Retryable here means that `ensureConnected` (disconnect, wait for `DISCONNECTED`, connect, wait for `CONNECTED`), unchanged, may succeed; sending `ConnectCustomKeyStore` again is refused while the store is `FAILED`.";
const DISCONNECT_IF_FAILED =
  "If the key store is `FAILED`, disconnect it first: `aws kms disconnect-custom-key-store --custom-key-store-id <cks-id>`. A `FAILED` store refuses every update, and `ConnectCustomKeyStore`, until it is `DISCONNECTED`.";
const CONNECT_AGAIN =
  "After a failed connection, once the store is `DISCONNECTED` and updated, connect it again (`aws kms connect-custom-key-store --custom-key-store-id <cks-id>`) and poll `DescribeCustomKeyStores` until it is `CONNECTED`.";
const DESCRIBE =
  "Read the key store's state: `aws kms describe-custom-key-stores --custom-key-store-id <cks-id>` (`CustomKeyStoreType`, `ConnectionState`, `ConnectionErrorCode`).";
const DISCONNECT =
  "Disconnect the key store: `aws kms disconnect-custom-key-store --custom-key-store-id <cks-id>` (a `FAILED` store cannot connect again before that).";
const CONNECT_AND_POLL =
  "Connect it with `aws kms connect-custom-key-store --custom-key-store-id <cks-id>`: the call returns at once and the connection is made in the background, so poll `DescribeCustomKeyStores` (slowly: the API allows about 5 requests per second) until `ConnectionState` is `CONNECTED` or `FAILED`.";
const CONNECT_CLOUDHSM =
  "Connect it with `aws kms connect-custom-key-store --custom-key-store-id <cks-id>` and poll `DescribeCustomKeyStores` until `ConnectionState` is `CONNECTED` or `FAILED`; a CloudHSM key store can take up to 20 minutes.";
const CONNECT_XKS =
  "Connect it with `aws kms connect-custom-key-store --custom-key-store-id <cks-id>` and poll `DescribeCustomKeyStores` until `ConnectionState` is `CONNECTED` or `FAILED`; an external key store takes about 5 minutes.";

/** @internal */
export const SHARED_ENTRIES = [
  entry({
    cause: "INTERNAL_ERROR",
    kinds: ["ConnectionFailed"],
    codes: ["INTERNAL_ERROR"],
    category: "transient",
    retryable: true,
    customKeyStore: true,
    remediation: {
      summary: "AWS KMS could not connect the custom key store because of an internal error in KMS.",
      steps: [
        ENSURE_CONNECTED,
        DISCONNECT,
        CONNECT_AND_POLL,
        "If it fails again with `INTERNAL_ERROR`, wait a few minutes and repeat; if it keeps failing, contact AWS Support with the key store ID and the times of the attempts.",
      ],
      docs: [DOCS.fixKeyStoreFailed, CODES],
    },
    byKeyStoreType: {
      AWS_CLOUDHSM: {
        summary:
          "AWS KMS could not connect the CloudHSM key store to its cluster because of an internal error in KMS.",
        steps: [
          ENSURE_CONNECTED,
          DISCONNECT,
          CONNECT_CLOUDHSM,
          "If it fails again with `INTERNAL_ERROR`, wait a few minutes and repeat; if it keeps failing, contact AWS Support with the key store ID and the times of the attempts.",
        ],
        docs: [DOCS.fixKeyStoreFailed],
      },
      EXTERNAL_KEY_STORE: {
        summary:
          "AWS KMS could not connect the external key store to its proxy because of an internal error in KMS.",
        steps: [
          ENSURE_CONNECTED,
          DISCONNECT,
          CONNECT_XKS,
          "If it fails again with `INTERNAL_ERROR`, wait a few minutes and repeat; if it keeps failing, contact AWS Support with the key store ID and the times of the attempts.",
        ],
        docs: [CODES],
      },
    },
  }),
  entry({
    cause: "NETWORK_ERRORS",
    kinds: ["ConnectionFailed"],
    codes: ["NETWORK_ERRORS"],
    category: "connectivity",
    retryable: true,
    customKeyStore: true,
    remediation: {
      summary:
        "Network errors kept AWS KMS from connecting the custom key store to its backing store (the CloudHSM cluster, or the external key store proxy). Often transient.",
      steps: [
        ENSURE_CONNECTED,
        `${DISCONNECT} Wait a few minutes.`,
        CONNECT_AND_POLL,
        "CloudHSM key store, if it fails again: check the cluster security group `cloudhsm-cluster-<cluster-id>-sg` (TCP 2223-2225 in and out, itself as source and destination), network ACLs and route tables of the cluster's subnets.",
        "External key store, if it fails again: check that the proxy answers HTTPS on port 443 at `XksProxyUriEndpoint` (DNS, firewalls, security groups, network ACLs) and, for VPC endpoint service connectivity, that the Network Load Balancer's targets are healthy.",
      ],
      docs: [DOCS.fixKeyStoreFailed, CODES],
    },
    byKeyStoreType: {
      AWS_CLOUDHSM: {
        summary:
          "Network errors kept AWS KMS from connecting the CloudHSM key store to its cluster. Usually transient; otherwise a security group, network ACL or route blocks the traffic.",
        steps: [
          ENSURE_CONNECTED,
          `${DISCONNECT} Wait a few minutes.`,
          CONNECT_CLOUDHSM,
          "If it fails again, check the cluster security group `cloudhsm-cluster-<cluster-id>-sg`: inbound and outbound TCP 2223-2225 with the group itself as source and destination (`aws ec2 describe-security-groups --group-ids <sg-id>`).",
          "Check the network ACLs and route tables of the cluster's subnets, and that the cluster has at least one `ACTIVE` HSM (`aws cloudhsmv2 describe-clusters --filters clusterIds=<cluster-id>`).",
        ],
        docs: [DOCS.fixKeyStoreFailed, DOCS.fixKeyStoreCommunication],
      },
      EXTERNAL_KEY_STORE: {
        summary:
          "Network errors kept AWS KMS from connecting the external key store to its proxy. Often transient; otherwise the proxy is not reachable on port 443.",
        steps: [
          ENSURE_CONNECTED,
          `${DISCONNECT} Wait a few minutes.`,
          CONNECT_XKS,
          "If it fails again, check that the proxy answers HTTPS on port 443 at `XksProxyUriEndpoint`: public DNS, firewalls, security groups and network ACLs on the way.",
          "For VPC endpoint service connectivity, check the Network Load Balancer's targets (`aws elbv2 describe-target-health --target-group-arn <arn>`) and that the VPC's CIDR does not overlap the external key manager's network; KMS connects over IPv4 only.",
          "Look in the proxy's logs for KMS's `GetHealthStatus` requests (`kmsOperation` `ConnectCustomKeyStore`) to see whether they arrive.",
        ],
        docs: [CODES, XT, DOCS.ipv6Limitations],
      },
    },
  }),
  entry({
    cause: "INVALID_CREDENTIALS",
    kinds: [
      "ConnectionFailed",
      "XksProxyIncorrectAuthenticationCredentialException",
      "KMSInvalidStateException",
      "CustomKeyStoreInvalidStateException",
    ],
    codes: ["INVALID_CREDENTIALS", "XksProxyIncorrectAuthenticationCredentialException"],
    category: "authorization",
    retryable: false,
    customKeyStore: true,
    remediation: {
      summary:
        "The backing store rejected the credential that AWS KMS used. For a CloudHSM key store, `KeyStorePassword` does not match the `kmsuser` password in the cluster; for an external key store, the proxy rejected the SigV4 signature made with `XksProxyAuthenticationCredential` (HTTP 401).",
      steps: [
        DESCRIBE,
        "CloudHSM key store: disconnect it, find or reset the `kmsuser` password with the CloudHSM CLI, and set the same value with `aws kms update-custom-key-store --custom-key-store-id <cks-id> --key-store-password …` (this does not change the password in the cluster).",
        "External key store: if it is `FAILED`, disconnect it first (a `FAILED` store refuses every update); then set `XksProxyAuthenticationCredential` to the access key ID and secret access key that the proxy accepts, both together, with `aws kms update-custom-key-store --custom-key-store-id <cks-id> --xks-proxy-authentication-credential …`, which works while the store is `CONNECTED` or `DISCONNECTED`.",
        CONNECT_AGAIN,
      ],
      docs: [DOCS.fixKeyStorePassword, XT],
    },
    byKeyStoreType: {
      AWS_CLOUDHSM: {
        summary:
          "AWS KMS cannot log in to the cluster as `kmsuser`: the key store's `KeyStorePassword` does not match the `kmsuser` password in the cluster (for example, it was changed while the key store was disconnected).",
        steps: [
          DISCONNECT,
          "Find the current `kmsuser` password, or set a known one as the cluster admin with the CloudHSM CLI.",
          "Tell KMS the password: `aws kms update-custom-key-store --custom-key-store-id <cks-id> --key-store-password …`; this changes only the value KMS uses, not the password in the cluster.",
          CONNECT_CLOUDHSM,
          "Fix it before retrying often: after five failed logins the cluster locks `kmsuser` out (`USER_LOCKED_OUT`).",
        ],
        docs: [DOCS.fixKeyStorePassword, DOCS.api("UpdateCustomKeyStore")],
      },
      EXTERNAL_KEY_STORE: {
        summary:
          "The external key store proxy rejected AWS KMS's SigV4 signature (`AuthenticationFailedException`, HTTP 401): `XksProxyAuthenticationCredential` does not match a credential configured on the proxy, or something between KMS and the proxy changed the signed request.",
        steps: [
          "Get the access key ID and secret access key configured on the proxy (from its proxy configuration file or its administrator).",
          DISCONNECT_IF_FAILED,
          "Set the key store's `XksProxyAuthenticationCredential` to that pair: `aws kms update-custom-key-store --custom-key-store-id <cks-id> --xks-proxy-authentication-credential AccessKeyId=…,RawSecretAccessKey=…`. Both parts are required; the change works while the store is `CONNECTED` or `DISCONNECTED`.",
          "Check that no reverse proxy or load balancer in front of the proxy rewrites the `Host`, `X-Amz-Date` or `Authorization` headers, and that the proxy's clock is right (it may reject signatures more than 5 minutes off).",
          "When rotating the credential, add the new pair on the proxy first, update the key store, then remove the old pair from the proxy.",
          CONNECT_AGAIN,
        ],
        docs: [XT, DOCS.xksCredential, DOCS.updateXksKeyStore],
      },
    },
  }),
  entry({
    cause: "KEY_STORE_NOT_CONNECTED",
    kinds: ["ConnectionFailed", "KMSInvalidStateException", "CustomKeyStoreInvalidStateException"],
    codes: ["DISCONNECTED", "DISCONNECTING"],
    category: "conflict",
    retryable: false,
    customKeyStore: true,
    remediation: {
      summary:
        "The custom key store is not connected to its backing store (never connected, or disconnected on purpose), so its KMS keys are `Unavailable` and CreateKey, cryptographic operations and (CloudHSM) GenerateRandom fail.",
      steps: [
        DESCRIBE,
        "If `ConnectionState` is `FAILED`, disconnect the key store first: `aws kms disconnect-custom-key-store --custom-key-store-id <cks-id>`.",
        CONNECT_AND_POLL,
        "Allow for the time it takes: up to 20 minutes for a CloudHSM key store, about 5 minutes for an external key store. If it ends `FAILED`, the `ConnectionErrorCode` says what to fix.",
        "Retry the original request once the key store is `CONNECTED`; its keys return to their previous key state automatically.",
      ],
      docs: [DOCS.xksConnectionState, DOCS.connectKeyStore, DOCS.connectXks, DOCS.fixUnavailableCmks, XT],
    },
    byKeyStoreType: {
      AWS_CLOUDHSM: {
        summary:
          "The CloudHSM key store is not connected to its cluster, so its KMS keys are `Unavailable` and CreateKey, GenerateRandom and cryptographic operations fail.",
        steps: [
          DESCRIBE,
          "If `ConnectionState` is `FAILED`, disconnect the key store first: `aws kms disconnect-custom-key-store --custom-key-store-id <cks-id>`.",
          "Make sure the cluster has at least one `ACTIVE` HSM (two in different Availability Zones for CreateKey): `aws cloudhsmv2 describe-clusters --filters clusterIds=<cluster-id>`.",
          CONNECT_CLOUDHSM,
          "Retry the original request once the key store is `CONNECTED`.",
        ],
        docs: [DOCS.connectKeyStore, DOCS.fixUnavailableCmks],
      },
      EXTERNAL_KEY_STORE: {
        summary:
          "The external key store is not connected to its proxy, so its KMS keys are `Unavailable` and CreateKey and cryptographic operations fail.",
        steps: [
          DESCRIBE,
          "If `ConnectionState` is `FAILED`, disconnect the key store first: `aws kms disconnect-custom-key-store --custom-key-store-id <cks-id>`.",
          CONNECT_XKS,
          "Retry the original request once the key store is `CONNECTED`.",
        ],
        docs: [DOCS.connectXks, DOCS.xksConnectionState, XT],
      },
    },
  }),
  entry({
    cause: "CONNECT_WAIT_TIMED_OUT",
    kinds: ["ConnectionFailed"],
    codes: ["CONNECTING"],
    category: "transient",
    retryable: true,
    customKeyStore: true,
    remediation: {
      summary:
        "The key store was not `CONNECTED` yet when the wait ended: still `CONNECTING` (`code` `CONNECTING`), or, in `ensureConnected`, still being disconnected before it could be connected again (`code` `DISCONNECTING`, or `FAILED` until the disconnection shows). Both are asynchronous and slow: a CloudHSM key store can take up to 20 minutes to connect; an external key store takes about 5 minutes to connect and about 5 to disconnect.",
      steps: [
        "Retryable here means that `ensureConnected`, unchanged, may succeed: it carries on from the state the store is in and waits for a connection or disconnection under way without starting another; give it a longer `timeoutMs`.",
        "Or keep polling `aws kms describe-custom-key-stores --custom-key-store-id <cks-id>` every few seconds (the API allows about 5 requests per second) until `ConnectionState` is `CONNECTED` or `FAILED`.",
        "Allow at least 20 minutes for a CloudHSM key store before treating it as stuck.",
        "Do not call `ConnectCustomKeyStore` while the store is `CONNECTING` or `DISCONNECTING` (KMS refuses it while `DISCONNECTING`); connect it once it is `DISCONNECTED`.",
        "If it ends `FAILED`, fix what its `ConnectionErrorCode` names, disconnect it, then connect it again.",
      ],
      docs: [DOCS.connectKeyStore, DOCS.xksConnectionState, DOCS.requestsPerSecondKeyStores],
    },
  }),
  entry({
    cause: "UNKNOWN_CONNECTION_ERROR",
    kinds: ["ConnectionFailed"],
    codes: ["FAILED", "ConnectionFailed"],
    category: "unknown",
    retryable: false,
    customKeyStore: true,
    remediation: {
      summary:
        "The key store is `FAILED` without a `ConnectionErrorCode`, or with a code this version of the library does not know.",
      steps: [
        `${DESCRIBE} Look the \`ConnectionErrorCode\` up in the AWS KMS troubleshooting pages, or with \`npx kms-keystore-errors explain <code>\`.`,
        DISCONNECT,
        `Fix the cause, then: ${CONNECT_AND_POLL}`,
        "If it keeps failing without a known code, contact AWS Support with the key store ID.",
      ],
      docs: [DOCS.fixKeyStoreFailed, CODES, DOCS.xksConnectionState],
    },
  }),
  entry({
    cause: "CUSTOM_KEY_STORE_HAS_KEYS",
    kinds: ["CustomKeyStoreHasCMKsException"],
    codes: ["CustomKeyStoreHasCMKsException"],
    category: "conflict",
    retryable: false,
    customKeyStore: true,
    remediation: {
      summary:
        "The custom key store cannot be deleted because it still contains KMS keys, including keys that are pending deletion.",
      steps: [
        "Find the KMS keys in the key store: `aws kms describe-key --key-id <key-id>` shows each key's `CustomKeyStoreId` (the KMS console lists them on the key store's page).",
        "Make sure no data still needs them: anything encrypted under a deleted KMS key is unrecoverable.",
        "Schedule their deletion: `aws kms schedule-key-deletion --key-id <key-id> --pending-window-in-days <7-30>` (30 days by default), and wait until the waiting period ends.",
        "Disconnect the key store, then delete it: `aws kms delete-custom-key-store --custom-key-store-id <cks-id>`.",
      ],
      docs: [DOCS.api("DeleteCustomKeyStore"), DOCS.deleteKeyStore, DOCS.deleteXks, DOCS.deletingKeys],
    },
  }),
  entry({
    cause: "CUSTOM_KEY_STORE_INVALID_STATE",
    kinds: ["CustomKeyStoreInvalidStateException"],
    codes: ["CustomKeyStoreInvalidStateException"],
    category: "conflict",
    retryable: false,
    customKeyStore: true,
    remediation: {
      summary:
        "The connection state of the custom key store does not allow this operation: for example connecting while `FAILED` or `DISCONNECTING`, disconnecting while already `DISCONNECTED` or `DISCONNECTING`, updating or deleting while not `DISCONNECTED`, or CreateKey and (CloudHSM) GenerateRandom while not connected.",
      steps: [
        DESCRIBE,
        "`FAILED`: disconnect the key store, fix the cause named by `ConnectionErrorCode`, then connect it again.",
        "UpdateCustomKeyStore and DeleteCustomKeyStore: disconnect first (while connected, a key store can change only its name, and an external key store also its credential and `XksProxyUriPath`).",
        "CreateKey and GenerateRandom: connect the key store and wait until it is `CONNECTED`.",
        "DisconnectCustomKeyStore on a store that is already `DISCONNECTED` or `DISCONNECTING`: nothing to do; wait until `DescribeCustomKeyStores` reports `DISCONNECTED`.",
        "`CONNECTING` or `DISCONNECTING`: wait for the transition to finish, polling `DescribeCustomKeyStores`.",
      ],
      docs: [DOCS.xksConnectionState, DOCS.connectXks, DOCS.api("UpdateCustomKeyStore")],
    },
  }),
  entry({
    cause: "CUSTOM_KEY_STORE_NAME_IN_USE",
    kinds: ["CustomKeyStoreNameInUseException"],
    codes: ["CustomKeyStoreNameInUseException"],
    category: "conflict",
    retryable: false,
    customKeyStore: true,
    remediation: {
      summary: "Another custom key store in this account and Region already has this `CustomKeyStoreName`.",
      steps: [
        "List the names in use: `aws kms describe-custom-key-stores --query 'CustomKeyStores[].[CustomKeyStoreName,CustomKeyStoreId]'`.",
        "If an earlier attempt already created the key store, use it instead of creating another one.",
        "Otherwise choose a name that no custom key store in this account and Region uses.",
      ],
      docs: [DOCS.createKeyStoreBefore, DOCS.createXksKeyStore, DOCS.api("UpdateCustomKeyStore")],
    },
  }),
  entry({
    cause: "CUSTOM_KEY_STORE_NOT_FOUND",
    kinds: ["CustomKeyStoreNotFoundException"],
    codes: ["CustomKeyStoreNotFoundException"],
    category: "not-found",
    retryable: false,
    customKeyStore: true,
    remediation: {
      summary:
        "No custom key store with this ID or name exists in this account and Region. Custom key stores cannot be used from another account.",
      steps: [
        "List the key stores the caller can see: `aws kms describe-custom-key-stores` (in the client's Region).",
        "Check the ID (`cks-` followed by 17 hexadecimal characters), the client's Region and the account of the credentials (`aws sts get-caller-identity`).",
        "If the key store was deleted, create a new one; its keys cannot be recovered through another store.",
      ],
      docs: [DOCS.api("DescribeCustomKeyStores")],
    },
  }),
  entry({
    cause: "CUSTOM_KEY_STORE_MUST_BE_DISCONNECTED",
    kinds: ["CustomKeyStoreInvalidStateException"],
    codes: [],
    category: "conflict",
    retryable: false,
    customKeyStore: true,
    remediation: {
      summary:
        "The operation needs the custom key store to be `DISCONNECTED`: deleting it, and most updates (cluster ID, `KeyStorePassword`, proxy endpoint, connectivity, VPC endpoint service) are refused while it is connected.",
      steps: [
        "Check whether the change can be made while connected: a CloudHSM key store can then change only its name; an external key store its name, `XksProxyAuthenticationCredential` and `XksProxyUriPath`.",
        "Otherwise disconnect it: `aws kms disconnect-custom-key-store --custom-key-store-id <cks-id>`. Its KMS keys are `Unavailable` until you reconnect, so plan for the outage.",
        "Wait until `DescribeCustomKeyStores` reports `DISCONNECTED`, then repeat the update or the deletion.",
        "After an update, connect the key store again and poll `DescribeCustomKeyStores` until it is `CONNECTED`.",
      ],
      docs: [DOCS.api("UpdateCustomKeyStore"), DOCS.updateXksKeyStore, DOCS.xksConnectionState],
    },
  }),
  entry({
    cause: "CUSTOM_KEY_STORE_FAILED",
    kinds: ["CustomKeyStoreInvalidStateException"],
    codes: [],
    category: "conflict",
    retryable: false,
    customKeyStore: true,
    remediation: {
      summary:
        "The custom key store is in the `FAILED` connection state: its last connection attempt failed, and it cannot be connected or used until it is disconnected.",
      steps: [
        `${DESCRIBE} \`ConnectionErrorCode\` says why it failed.`,
        "The exception message usually names that code in parentheses, for example `(XKS_VPC_ENDPOINT_SERVICE_INVALID_CONFIGURATION)`: look it up with `npx kms-keystore-errors explain <code>` for what to fix.",
        DISCONNECT,
        "Fix the cause named by the connection error code; update the key store while it is `DISCONNECTED` if a setting was wrong.",
        CONNECT_AND_POLL,
      ],
      docs: [DOCS.fixKeyStoreFailed, CODES, DOCS.xksConnectionState],
    },
  }),
] as const satisfies readonly CatalogEntry<string, Kind>[];
