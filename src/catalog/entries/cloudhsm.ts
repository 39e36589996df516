/**
 * Causes specific to AWS CloudHSM key stores: the CloudHSM exceptions, the CloudHSM connection error
 * codes, and the run-time cluster failures that KMS reports through its catch-all exceptions.
 */
import { DOCS } from "../docs.js";
import type { Kind } from "../kinds.js";
import { type CatalogEntry, entry } from "../schema.js";

const DESCRIBE_CLUSTER =
  "Inspect the cluster: `aws cloudhsmv2 describe-clusters --filters clusterIds=<cluster-id>` (in the key store's account and Region; `State`, `Hsms`, `SubnetMapping`, `SecurityGroup`).";
const RECONNECT =
  "Disconnect the key store (`aws kms disconnect-custom-key-store --custom-key-store-id <cks-id>`; a `FAILED` store cannot connect again before that), connect it (`aws kms connect-custom-key-store --custom-key-store-id <cks-id>`) and poll `DescribeCustomKeyStores` until `ConnectionState` is `CONNECTED` or `FAILED`; it can take up to 20 minutes.";
const DISCONNECT_FIRST =
  "Disconnect the key store first: `aws kms disconnect-custom-key-store --custom-key-store-id <cks-id>`. A `FAILED` key store refuses both `UpdateCustomKeyStore` and `ConnectCustomKeyStore` until it is `DISCONNECTED`.";
const CONNECT_AND_POLL =
  "Connect it: `aws kms connect-custom-key-store --custom-key-store-id <cks-id>`, then poll `DescribeCustomKeyStores` until `ConnectionState` is `CONNECTED` or `FAILED`; it can take up to 20 minutes.";
const SET_PASSWORD =
  "Tell KMS the password with `aws kms update-custom-key-store --custom-key-store-id <cks-id> --key-store-password …` while the store is `DISCONNECTED`; this changes only the value KMS uses, not the password in the cluster.";
const RESTORE_CLUSTER =
  "Create a cluster from the most recent backup of the original (`aws cloudhsmv2 describe-backups --filters clusterIds=<cluster-id>`, then `aws cloudhsmv2 create-cluster --source-backup-id <backup-id> …` in private subnets of at least two Availability Zones) and add HSMs; a cluster restored from a related backup keeps the `kmsuser` account and the key material.";
const SET_CLUSTER =
  "With the key store `DISCONNECTED`, point it at the new cluster: `aws kms update-custom-key-store --custom-key-store-id <cks-id> --cloud-hsm-cluster-id <new-cluster-id>`.";

/** @internal */
export const CLOUDHSM_ENTRIES = [
  entry({
    cause: "CLOUDHSM_CLUSTER_IN_USE",
    kinds: ["CloudHsmClusterInUseException"],
    codes: ["CloudHsmClusterInUseException"],
    keyStoreType: "AWS_CLOUDHSM",
    category: "conflict",
    retryable: false,
    customKeyStore: true,
    remediation: {
      summary:
        "The CloudHSM cluster, or a cluster that shares its backup history (the same cluster certificate), already backs another CloudHSM key store in this account and Region.",
      steps: [
        "Find the key store that uses it: `aws kms describe-custom-key-stores --query 'CustomKeyStores[].[CustomKeyStoreId,CloudHsmClusterId]'`.",
        "Compare the clusters' `Certificates.ClusterCertificate` from `aws cloudhsmv2 describe-clusters`: clusters created from the same backups are related and count as the same cluster.",
        "Use the existing key store, or create the new one with a cluster that is not related to it.",
      ],
      docs: [DOCS.createKeyStoreBefore],
    },
  }),
  entry({
    cause: "CLOUDHSM_CLUSTER_INVALID_CONFIGURATION",
    kinds: ["CloudHsmClusterInvalidConfigurationException"],
    codes: ["CloudHsmClusterInvalidConfigurationException"],
    keyStoreType: "AWS_CLOUDHSM",
    category: "configuration",
    retryable: false,
    customKeyStore: true,
    remediation: {
      summary:
        "The CloudHSM cluster does not meet the key store requirements: private subnets in at least two Availability Zones, the cluster security group's default rules (TCP 2223-2225), and enough active HSMs (two, in different Availability Zones, for CreateCustomKeyStore, UpdateCustomKeyStore and CreateKey; one for ConnectCustomKeyStore).",
      steps: [
        `${DESCRIBE_CLUSTER} Count the HSMs in state \`ACTIVE\` per Availability Zone.`,
        "Add HSMs where needed: `aws cloudhsmv2 create-hsm --cluster-id <cluster-id> --availability-zone <az>` in an Availability Zone that has no active HSM.",
        "Check the cluster security group `cloudhsm-cluster-<cluster-id>-sg` (`aws ec2 describe-security-groups --group-ids <sg-id>`): inbound and outbound TCP 2223-2225 with the group itself as source and destination. Restore these default rules if they were changed.",
        "Check `SubnetMapping`: the cluster needs private subnets in at least two Availability Zones. If it has not, create a cluster from a backup in suitable subnets and, with the key store `DISCONNECTED`, update its `CloudHsmClusterId`.",
        "Retry the operation once the cluster meets the requirements.",
      ],
      docs: [DOCS.createKeyStoreBefore, DOCS.fixCmkFailed],
    },
  }),
  entry({
    cause: "CLOUDHSM_CLUSTER_NOT_ACTIVE",
    kinds: ["CloudHsmClusterNotActiveException"],
    codes: ["CloudHsmClusterNotActiveException"],
    keyStoreType: "AWS_CLOUDHSM",
    category: "configuration",
    retryable: false,
    customKeyStore: true,
    remediation: {
      summary:
        "The CloudHSM cluster is not active: it has not been initialized and activated yet, or it is still changing state.",
      steps: [
        "Check its state: `aws cloudhsmv2 describe-clusters --filters clusterIds=<cluster-id> --query 'Clusters[].State'`.",
        "If it is `UNINITIALIZED`, sign the cluster's CSR with your issuing certificate and initialize the cluster (`aws cloudhsmv2 initialize-cluster`), then activate it with the CloudHSM CLI.",
        "Wait until `State` is `ACTIVE`, then retry.",
      ],
      docs: [DOCS.createKeyStoreBefore],
    },
  }),
  entry({
    cause: "CLOUDHSM_CLUSTER_NOT_RELATED",
    kinds: ["CloudHsmClusterNotRelatedException"],
    codes: ["CloudHsmClusterNotRelatedException"],
    keyStoreType: "AWS_CLOUDHSM",
    category: "configuration",
    retryable: false,
    customKeyStore: true,
    remediation: {
      summary:
        "The new `CloudHsmClusterId` is not related to the key store's original cluster: it has a different cluster certificate, so it cannot hold the key store's key material.",
      steps: [
        "Use a cluster created from a backup of the original cluster, or from a backup that the original was created from (`aws cloudhsmv2 describe-backups --filters clusterIds=<original-cluster-id>`).",
        "Compare the `Certificates.ClusterCertificate` of both clusters with `aws cloudhsmv2 describe-clusters`: related clusters share it.",
        "If no related cluster exists, create a new CloudHSM key store; the keys of the old store cannot move to an unrelated cluster.",
      ],
      docs: [DOCS.api("UpdateCustomKeyStore")],
    },
  }),
  entry({
    cause: "INCORRECT_TRUST_ANCHOR",
    kinds: ["IncorrectTrustAnchorException"],
    codes: ["IncorrectTrustAnchorException"],
    keyStoreType: "AWS_CLOUDHSM",
    category: "input",
    retryable: false,
    customKeyStore: true,
    remediation: {
      summary:
        "`TrustAnchorCertificate` is not the trust anchor of the cluster: it must be the certificate that signed the cluster's CSR when the cluster was initialized (`customerCA.crt`).",
      steps: [
        "Pass the PEM contents of the `customerCA.crt` file created when you initialized the cluster (`--trust-anchor-certificate file://customerCA.crt`).",
        "Check it against the cluster: the `Certificates.ClusterCertificate` from `aws cloudhsmv2 describe-clusters` must be issued by that certificate.",
        "Make sure the certificate belongs to the cluster in `CloudHsmClusterId`, not to another cluster.",
      ],
      docs: [DOCS.createKeyStoreBefore],
    },
  }),
  entry({
    cause: "CLUSTER_NOT_FOUND",
    kinds: ["ConnectionFailed", "CloudHsmClusterNotFoundException"],
    codes: ["CLUSTER_NOT_FOUND", "CloudHsmClusterNotFoundException"],
    keyStoreType: "AWS_CLOUDHSM",
    category: "not-found",
    retryable: false,
    customKeyStore: true,
    remediation: {
      summary:
        "AWS KMS cannot find a CloudHSM cluster with the key store's `CloudHsmClusterId` in this account and Region: the ID is wrong, or the cluster was deleted and not replaced.",
      steps: [
        "Verify the ID: `aws cloudhsmv2 describe-clusters --filters clusterIds=<cluster-id>` in the key store's account and Region.",
        DISCONNECT_FIRST,
        `If the cluster was deleted: ${RESTORE_CLUSTER}`,
        SET_CLUSTER,
        CONNECT_AND_POLL,
      ],
      docs: [DOCS.fixKeyStoreFailed, DOCS.api("UpdateCustomKeyStore")],
    },
  }),
  entry({
    cause: "INSUFFICIENT_CLOUDHSM_HSMS",
    kinds: ["ConnectionFailed"],
    codes: ["INSUFFICIENT_CLOUDHSM_HSMS"],
    keyStoreType: "AWS_CLOUDHSM",
    category: "configuration",
    retryable: false,
    customKeyStore: true,
    remediation: {
      summary: "The CloudHSM cluster has no active HSM, so AWS KMS cannot connect the key store to it.",
      steps: [
        "List the HSMs: `aws cloudhsmv2 describe-clusters --filters clusterIds=<cluster-id> --query 'Clusters[].Hsms[].[HsmId,State,AvailabilityZone]'`.",
        "Add HSMs: `aws cloudhsmv2 create-hsm --cluster-id <cluster-id> --availability-zone <az>`. Create at least two, in different Availability Zones, so that CreateKey works as well.",
        `Wait until they are \`ACTIVE\`. ${RECONNECT}`,
      ],
      docs: [DOCS.fixKeyStoreFailed],
    },
  }),
  entry({
    cause: "INSUFFICIENT_FREE_ADDRESSES_IN_SUBNET",
    kinds: ["ConnectionFailed"],
    codes: ["INSUFFICIENT_FREE_ADDRESSES_IN_SUBNET"],
    keyStoreType: "AWS_CLOUDHSM",
    category: "configuration",
    retryable: false,
    customKeyStore: true,
    remediation: {
      summary:
        "A subnet of the cluster has no free IP address. AWS KMS needs one free address in each cluster subnet (two are better) for the network interfaces it creates when it connects.",
      steps: [
        "Find the cluster's subnets (`SubnetMapping` of `aws cloudhsmv2 describe-clusters`) and their free addresses: `aws ec2 describe-subnets --subnet-ids <subnet-ids> --query 'Subnets[].[SubnetId,AvailableIpAddressCount]'`.",
        DISCONNECT_FIRST,
        "Free addresses in the full subnet by removing unused network interfaces or instances; an existing subnet's CIDR block cannot grow.",
        `If no address can be freed: ${RESTORE_CLUSTER} Choose subnets with more free addresses. ${SET_CLUSTER}`,
        CONNECT_AND_POLL,
      ],
      docs: [DOCS.fixKeyStoreFailed],
    },
  }),
  entry({
    cause: "SUBNET_NOT_FOUND",
    kinds: ["ConnectionFailed"],
    codes: ["SUBNET_NOT_FOUND"],
    keyStoreType: "AWS_CLOUDHSM",
    category: "configuration",
    retryable: false,
    customKeyStore: true,
    remediation: {
      summary:
        "At least one subnet in the cluster's configuration was deleted, so AWS KMS cannot create its network interfaces for the key store.",
      steps: [
        "Compare `SubnetMapping` of `aws cloudhsmv2 describe-clusters` with `aws ec2 describe-subnets --subnet-ids <subnet-ids>` to find the missing subnet.",
        DISCONNECT_FIRST,
        RESTORE_CLUSTER,
        SET_CLUSTER,
        CONNECT_AND_POLL,
      ],
      docs: [DOCS.fixKeyStoreFailed, DOCS.createKeyStoreBefore],
    },
  }),
  entry({
    cause: "USER_LOCKED_OUT",
    kinds: ["ConnectionFailed"],
    codes: ["USER_LOCKED_OUT"],
    keyStoreType: "AWS_CLOUDHSM",
    category: "authorization",
    retryable: false,
    customKeyStore: true,
    remediation: {
      summary:
        "The `kmsuser` crypto user is locked out of the cluster after too many failed logins (five wrong passwords), typically because `KeyStorePassword` no longer matches.",
      steps: [
        "Disconnect the key store: `aws kms disconnect-custom-key-store --custom-key-store-id <cks-id>`.",
        "As the cluster's admin, change the `kmsuser` password with the CloudHSM CLI; this unlocks the user.",
        SET_PASSWORD,
        "Connect the key store and poll `DescribeCustomKeyStores` until it is `CONNECTED` (up to 20 minutes).",
      ],
      docs: [DOCS.fixKeyStorePassword],
    },
  }),
  entry({
    cause: "USER_LOGGED_IN",
    kinds: ["ConnectionFailed"],
    codes: ["USER_LOGGED_IN"],
    keyStoreType: "AWS_CLOUDHSM",
    category: "conflict",
    retryable: false,
    customKeyStore: true,
    remediation: {
      summary:
        "The `kmsuser` crypto user is logged in to the cluster, so AWS KMS cannot log in as `kmsuser` and rotate its password.",
      steps: [
        DISCONNECT_FIRST,
        "Log `kmsuser` out of every session (CloudHSM CLI or any other client logged in as `kmsuser`).",
        `If you changed the \`kmsuser\` password to log in: ${SET_PASSWORD}`,
        CONNECT_AND_POLL,
      ],
      docs: [DOCS.fixLoginAsKmsuser, DOCS.fixKeyStorePassword],
    },
  }),
  entry({
    cause: "USER_NOT_FOUND",
    kinds: ["ConnectionFailed"],
    codes: ["USER_NOT_FOUND"],
    keyStoreType: "AWS_CLOUDHSM",
    category: "configuration",
    retryable: false,
    customKeyStore: true,
    remediation: {
      summary: "The cluster has no `kmsuser` crypto user, which AWS KMS needs to log in to the cluster.",
      steps: [
        DISCONNECT_FIRST,
        "Create a crypto user (CU) named `kmsuser` in the cluster with the CloudHSM CLI, without two-factor authentication and with a password of 7 to 32 characters.",
        SET_PASSWORD,
        CONNECT_AND_POLL,
      ],
      docs: [DOCS.fixKeyStorePassword, DOCS.createKeyStoreBefore],
    },
  }),
  entry({
    cause: "CLOUDHSM_CLUSTER_UNREACHABLE",
    kinds: ["KMSInvalidStateException", "KMSInternalException"],
    codes: [],
    keyStoreType: "AWS_CLOUDHSM",
    category: "connectivity",
    retryable: true,
    customKeyStore: true,
    remediation: {
      summary:
        "AWS KMS cannot communicate with the CloudHSM cluster during a cryptographic operation. It can be a transient network issue; when it persists, a firewall rule, security group or network ACL usually blocks the traffic.",
      steps: [
        "Retry the request with backoff.",
        "If it keeps failing, check the cluster security group `cloudhsm-cluster-<cluster-id>-sg` (TCP 2223-2225 inbound and outbound, the group itself as source and destination) and the security group that KMS created for the key store, `kms-<cks-id>`.",
        "Check the network ACLs, route tables and any firewall of the cluster's subnets for rules that block outgoing traffic.",
        "Check that the cluster still has at least one `ACTIVE` HSM: `aws cloudhsmv2 describe-clusters --filters clusterIds=<cluster-id>`.",
      ],
      docs: [DOCS.fixKeyStoreCommunication, DOCS.fixCmkFailed],
    },
  }),
  entry({
    cause: "CLOUDHSM_KEY_MATERIAL_NOT_FOUND",
    kinds: ["KMSInvalidStateException"],
    codes: [],
    keyStoreType: "AWS_CLOUDHSM",
    category: "not-found",
    retryable: false,
    customKeyStore: true,
    remediation: {
      summary:
        "The key material of the KMS key cannot be used in the CloudHSM cluster: it was deleted from the HSMs, all HSMs were deleted, or the cluster itself was deleted. Data encrypted under the key cannot be decrypted until the key material is back. KMS documents no message text for this case: the library infers it from a message that names key material and the cluster, so confirm it in the cluster before acting.",
      steps: [
        `${DESCRIBE_CLUSTER} Add an HSM if none is active.`,
        "Find the key handle of the KMS key's key material (in CloudTrail, or by logging in to the cluster as `kmsuser` while the store is disconnected) and check that the key exists in the cluster.",
        `If the key material or the cluster was deleted, restore it: ${RESTORE_CLUSTER} Use a backup taken while the key material existed.`,
        `${SET_CLUSTER} Then connect the key store and poll \`DescribeCustomKeyStores\`.`,
      ],
      docs: [DOCS.fixRecoverBackingKey, DOCS.fixCmkFailed],
    },
  }),
  entry({
    cause: "CLOUDHSM_PKCS11_SESSIONS_EXHAUSTED",
    kinds: ["KMSInternalException"],
    codes: [],
    keyStoreType: "AWS_CLOUDHSM",
    category: "throttling",
    retryable: true,
    customKeyStore: true,
    remediation: {
      summary:
        "The CloudHSM cluster had no free PKCS #11 session for the request, typically during a burst of traffic.",
      steps: [
        "Back off and retry the request.",
        "Smooth bursts on keys in this key store: spread requests over time and cache data keys.",
        "If bursts are regular, add HSMs to the cluster for capacity; the key store's request quota (1,800 cryptographic operations per second) is not adjustable for CloudHSM key stores.",
      ],
      docs: [DOCS.fixCmkFailed, DOCS.throttling, DOCS.requestsPerSecondKeyStores],
    },
  }),
] as const satisfies readonly CatalogEntry<string, Kind>[];
