/**
 * The prerequisites of custom key stores, as data: one row per check of `./diagnostics` (the deep
 * checks through the AWS APIs and the steps of the XKS proxy probe), with the requirement in one
 * sentence, the catalog cause a violation produces, and (for the deep checks) what to do about it.
 * The check code only builds evidence from what it saw; all wording of requirements and fixes lives
 * here.
 *
 * Texts may contain placeholders that the check fills in when it knows the value: `<service-id>`,
 * `<service-name>`, `<region>`, `<private-dns-name>`, `<custom-key-store-id>`, `<nlb-arn>`,
 * `<target-group-arn>`, `<cluster-id>`, `<security-group-id>`, `<subnet-id>`, and the probe's
 * `<key-id>` and `<budget-ms>`. Unfilled, they read as ordinary placeholders.
 */
import { DOCS } from "./docs.js";
import type { Cause } from "./index.js";
import type { KeyStoreType, Remediation } from "./schema.js";

const {
  createKeyStoreBefore: CK,
  fixCmkFailed,
  fixKeyStoreFailed,
  requireEndpoint,
  vpcAuthorizeKms,
  vpcCreateService,
  vpcPrivateDns,
  vpcServiceRequirements: VPCE,
  xksConnectionErrorCodes: CODES,
  xksTroubleshooting: XT,
} = DOCS;

const RECONNECT_XKS =
  "Apply store changes while the store is DISCONNECTED: `aws kms disconnect-custom-key-store --custom-key-store-id <custom-key-store-id>`, update it, then `aws kms connect-custom-key-store --custom-key-store-id <custom-key-store-id>` and poll `aws kms describe-custom-key-stores --custom-key-store-id <custom-key-store-id>` until CONNECTED.";
const RECONNECT_HSM =
  "Apply the change while the store is DISCONNECTED: `aws kms disconnect-custom-key-store --custom-key-store-id <custom-key-store-id>`, then `aws kms update-custom-key-store --custom-key-store-id <custom-key-store-id> --cloud-hsm-cluster-id <new-cluster-id>`, then `aws kms connect-custom-key-store --custom-key-store-id <custom-key-store-id>` (connecting can take up to 20 minutes).";

/**
 * Which checks report a requirement: the deep checks of an external key store with VPC endpoint
 * service connectivity (`xks-vpc`) or with public endpoint connectivity (`xks-public`), those of an
 * AWS CloudHSM key store (`cloudhsm`), or the steps of the XKS proxy probe (`xks-proxy`).
 * @public
 */
export type RequirementScope = "xks-vpc" | "xks-public" | "cloudhsm" | "xks-proxy";

/**
 * What a check reads to judge its requirement: the API of an AWS service (`kms` for what
 * `DescribeCustomKeyStores` says of the store), or the XKS proxy itself (`xks-proxy`).
 * @public
 */
export type RequirementSource = "kms" | "ec2" | "elbv2" | "cloudhsm" | "xks-proxy";

/**
 * One prerequisite of a custom key store, checked from the AWS APIs or by calling its XKS proxy.
 * @public
 */
export interface Requirement {
  /** Stable, kebab-case check id, e.g. `"xks-vpc-acceptance-not-required"` or the probe's `"tls"`. */
  readonly id: string;
  /** Which checks report it. */
  readonly scope: RequirementScope;
  /** What its check reads. */
  readonly service: RequirementSource;
  /** The requirement, in one sentence (it may hold placeholders such as `<key-id>`). */
  readonly requirement: string;
  /** The catalog cause KMS reports when the requirement is not met. */
  readonly cause: Cause;
  /**
   * What to do when the requirement is not met. Absent on the probe's steps: a failing step reports
   * the catalog's remediation of the cause it found, which depends on what the proxy answered.
   */
  readonly remediation?: Remediation | undefined;
}

/** The key store type of each scope, for the catalog remediation of a requirement without its own. @internal */
export const SCOPE_KEY_STORE_TYPES = {
  "xks-vpc": "EXTERNAL_KEY_STORE",
  "xks-public": "EXTERNAL_KEY_STORE",
  "xks-proxy": "EXTERNAL_KEY_STORE",
  cloudhsm: "AWS_CLOUDHSM",
} as const satisfies Readonly<Record<RequirementScope, KeyStoreType>>;

/**
 * Types a table of requirements: each row keeps its literal id and scope, and every field of
 * {@link Requirement} is readable on every row.
 */
const rows = <T extends Requirement>(table: readonly T[]): readonly (T & Requirement)[] => table;

/**
 * Every requirement the diagnostics check, in the order checks are reported: the deep checks of
 * `diagnoseKeyStore` by scope, then the steps of `probeXksProxy` (scope `xks-proxy`; the `key` row is
 * reported once per key id, as `key:<id>`).
 *
 * @example
 * ```ts
 * import { REQUIREMENTS } from "kms-keystore-errors/diagnostics";
 *
 * const acceptance = REQUIREMENTS.find((r) => r.id === "xks-vpc-acceptance-not-required");
 * console.log(acceptance?.remediation?.steps[0]);
 * ```
 * @public
 */
export const REQUIREMENTS = rows([
  {
    id: "xks-vpc-service-exists",
    scope: "xks-vpc",
    service: "ec2",
    requirement:
      "The VPC endpoint service named by XksProxyVpcEndpointServiceName exists in the store's Region and is visible to the caller.",
    cause: "XKS_VPC_ENDPOINT_SERVICE_NOT_FOUND",
    remediation: {
      summary:
        "KMS cannot find the VPC endpoint service for the external key store proxy: the name is wrong, the service was deleted, or it is in another Region or account.",
      steps: [
        "List the services you own in the store's Region: `aws ec2 describe-vpc-endpoint-service-configurations --region <region> --query 'ServiceConfigurations[].ServiceName'` (run it in the account that owns the service).",
        "If the service was deleted, create an interface endpoint service on the proxy's internal Network Load Balancer: `aws ec2 create-vpc-endpoint-service-configuration --network-load-balancer-arns <nlb-arn> --no-acceptance-required --private-dns-name <private-dns-name>`.",
        "Set the exact name on the store: `aws kms update-custom-key-store --custom-key-store-id <custom-key-store-id> --xks-proxy-vpc-endpoint-service-name <service-name>` (add `--xks-proxy-vpc-endpoint-service-owner <account-id>` when another account owns it).",
        RECONNECT_XKS,
      ],
      docs: [CODES, VPCE],
    },
  },
  {
    id: "xks-vpc-same-region",
    scope: "xks-vpc",
    service: "kms",
    requirement:
      "The VPC endpoint service is in the key store's Region (the Region in com.amazonaws.vpce.<region>.vpce-svc-…).",
    cause: "XKS_VPC_ENDPOINT_SERVICE_NOT_FOUND",
    remediation: {
      summary:
        "KMS looks for the VPC endpoint service only in the key store's own Region; a service in another Region is not found.",
      steps: [
        "Create the VPC endpoint service, its internal Network Load Balancer and proxy targets in <region>, the key store's Region.",
        "Point the store at it: `aws kms update-custom-key-store --custom-key-store-id <custom-key-store-id> --xks-proxy-vpc-endpoint-service-name com.amazonaws.vpce.<region>.vpce-svc-…`; or create the key store in the service's Region instead.",
        RECONNECT_XKS,
      ],
      docs: [VPCE, CODES],
    },
  },
  {
    id: "xks-vpc-service-unique",
    scope: "xks-vpc",
    service: "kms",
    requirement: "No other custom key store in the account and Region uses the same VPC endpoint service.",
    cause: "XKS_VPC_ENDPOINT_SERVICE_IN_USE",
    remediation: {
      summary:
        "Each external key store needs its own VPC endpoint service and private DNS name; the VPC and the proxy fleet may be shared.",
      steps: [
        "Create a dedicated endpoint service for this store: `aws ec2 create-vpc-endpoint-service-configuration --network-load-balancer-arns <nlb-arn> --no-acceptance-required --private-dns-name <unique-private-dns-name>`.",
        "Point this store at it: `aws kms update-custom-key-store --custom-key-store-id <custom-key-store-id> --xks-proxy-vpc-endpoint-service-name <new-service-name> --xks-proxy-uri-endpoint https://<unique-private-dns-name>`.",
        RECONNECT_XKS,
      ],
      docs: [vpcCreateService, VPCE],
    },
  },
  {
    id: "xks-vpc-interface-service",
    scope: "xks-vpc",
    service: "ec2",
    requirement: "The VPC endpoint service is an Interface (PrivateLink) endpoint service.",
    cause: "XKS_VPC_ENDPOINT_SERVICE_INVALID_CONFIGURATION",
    remediation: {
      summary:
        "KMS connects through an interface endpoint; a Gateway or Gateway Load Balancer service cannot be used.",
      steps: [
        "Create an interface endpoint service on the proxy's internal Network Load Balancer: `aws ec2 create-vpc-endpoint-service-configuration --network-load-balancer-arns <nlb-arn> --no-acceptance-required --private-dns-name <private-dns-name>`.",
        "Point the store at the new service: `aws kms update-custom-key-store --custom-key-store-id <custom-key-store-id> --xks-proxy-vpc-endpoint-service-name <new-service-name>`.",
        RECONNECT_XKS,
      ],
      docs: [VPCE, CODES],
    },
  },
  {
    id: "xks-vpc-network-load-balancer",
    scope: "xks-vpc",
    service: "ec2",
    requirement:
      "The VPC endpoint service is backed by at least one Network Load Balancer and by no Gateway Load Balancer.",
    cause: "XKS_VPC_ENDPOINT_SERVICE_INVALID_CONFIGURATION",
    remediation: {
      summary: "The endpoint service must front the proxy with a Network Load Balancer.",
      steps: [
        "Attach the proxy's internal Network Load Balancer: `aws ec2 modify-vpc-endpoint-service-configuration --service-id <service-id> --add-network-load-balancer-arns <nlb-arn>`.",
        "Remove any Gateway Load Balancer: `aws ec2 modify-vpc-endpoint-service-configuration --service-id <service-id> --remove-gateway-load-balancer-arns <gwlb-arn>` (or create a new interface service on the NLB).",
      ],
      docs: [VPCE, CODES],
    },
  },
  {
    id: "xks-vpc-service-available",
    scope: "xks-vpc",
    service: "ec2",
    requirement: "The VPC endpoint service's state is Available.",
    cause: "XKS_VPC_ENDPOINT_SERVICE_INVALID_CONFIGURATION",
    remediation: {
      summary: "KMS can create its interface endpoint only to a service in the Available state.",
      steps: [
        "Watch the state: `aws ec2 describe-vpc-endpoint-service-configurations --service-ids <service-id> --query 'ServiceConfigurations[].ServiceState'`; wait while it is Pending.",
        "If it is Failed, delete it (`aws ec2 delete-vpc-endpoint-service-configurations --service-ids <service-id>`) and create it again on the internal Network Load Balancer, then update the store's XksProxyVpcEndpointServiceName.",
        "Connect the store again once the service is Available: `aws kms connect-custom-key-store --custom-key-store-id <custom-key-store-id>`.",
      ],
      docs: [VPCE],
    },
  },
  {
    id: "xks-vpc-service-multi-az",
    scope: "xks-vpc",
    service: "ec2",
    requirement: "The VPC endpoint service is available in at least two Availability Zones.",
    cause: "XKS_VPC_ENDPOINT_SERVICE_INVALID_CONFIGURATION",
    remediation: {
      summary:
        "The service inherits its Availability Zones from its Network Load Balancer, which must use private subnets in at least two Availability Zones.",
      steps: [
        "Enable the Network Load Balancer in a private subnet of a second Availability Zone: `aws elbv2 set-subnets --load-balancer-arn <nlb-arn> --subnets <subnet-in-az-1> <subnet-in-az-2>`.",
        "Register proxy targets in that Availability Zone too, then confirm: `aws ec2 describe-vpc-endpoint-service-configurations --service-ids <service-id> --query 'ServiceConfigurations[].AvailabilityZones'`.",
      ],
      docs: [VPCE],
    },
  },
  {
    id: "xks-vpc-acceptance-not-required",
    scope: "xks-vpc",
    service: "ec2",
    requirement:
      "The VPC endpoint service does not require acceptance of endpoint connections (AcceptanceRequired is false).",
    cause: "XKS_VPC_ENDPOINT_SERVICE_INVALID_CONFIGURATION",
    remediation: {
      summary:
        "KMS creates the interface endpoint to your service itself and cannot wait for a manual acceptance.",
      steps: [
        "Turn acceptance off: `aws ec2 modify-vpc-endpoint-service-configuration --service-id <service-id> --no-acceptance-required`.",
        RECONNECT_XKS,
      ],
      docs: [VPCE, CODES],
    },
  },
  {
    id: "xks-vpc-kms-principal-allowed",
    scope: "xks-vpc",
    service: "ec2",
    requirement:
      "The VPC endpoint service's allowed principals include the KMS service principal cks.kms.<region>.amazonaws.com.",
    cause: "XKS_VPC_ENDPOINT_SERVICE_NOT_FOUND",
    remediation: {
      summary:
        "Without the KMS principal on the service's allow list, KMS cannot see the service and reports it as not found.",
      steps: [
        "Allow KMS: `aws ec2 modify-vpc-endpoint-service-permissions --service-id <service-id> --add-allowed-principals cks.kms.<region>.amazonaws.com`.",
        "Confirm: `aws ec2 describe-vpc-endpoint-service-permissions --service-id <service-id>`.",
        RECONNECT_XKS,
      ],
      docs: [vpcAuthorizeKms, CODES],
    },
  },
  {
    id: "xks-vpc-private-dns-name",
    scope: "xks-vpc",
    service: "ec2",
    requirement:
      "The VPC endpoint service has a private DNS name: a subdomain of a public domain you own, unique in the Region.",
    cause: "XKS_VPC_ENDPOINT_SERVICE_INVALID_CONFIGURATION",
    remediation: {
      summary: "KMS reaches the proxy at https://<private DNS name>, so the service must have one.",
      steps: [
        "Set the private DNS name: `aws ec2 modify-vpc-endpoint-service-configuration --service-id <service-id> --private-dns-name <private-dns-name>` (e.g. xks.example.com under a public domain you control).",
        "Verify the domain (see the domain verification requirement), then set XksProxyUriEndpoint to https://<private-dns-name>.",
      ],
      docs: [vpcPrivateDns, VPCE],
    },
  },
  {
    id: "xks-vpc-private-dns-verified",
    scope: "xks-vpc",
    service: "ec2",
    requirement: "The private DNS name's domain ownership verification state is verified.",
    cause: "XKS_VPC_ENDPOINT_SERVICE_INVALID_CONFIGURATION",
    remediation: {
      summary:
        "KMS uses the private DNS name only after AWS has verified, through a public TXT record, that you own its domain.",
      steps: [
        "Read the TXT record to publish: `aws ec2 describe-vpc-endpoint-service-configurations --service-ids <service-id> --query 'ServiceConfigurations[].PrivateDnsNameConfiguration'`.",
        "Create that TXT record (Name, Value) in the public DNS zone of the domain of <private-dns-name>.",
        "Start verification: `aws ec2 start-vpc-endpoint-service-private-dns-verification --service-id <service-id>`, and wait until the state is verified (it can take minutes).",
        RECONNECT_XKS,
      ],
      docs: [vpcPrivateDns, CODES],
    },
  },
  {
    id: "xks-vpc-uri-endpoint-matches",
    scope: "xks-vpc",
    service: "ec2",
    requirement:
      "The store's XksProxyUriEndpoint is https:// followed by the VPC endpoint service's private DNS name (no port, no path).",
    cause: "XKS_VPC_ENDPOINT_SERVICE_INVALID_CONFIGURATION",
    remediation: {
      summary:
        "KMS connects to the private DNS name of the service; the store's endpoint must name exactly it.",
      steps: [
        "Set the endpoint: `aws kms update-custom-key-store --custom-key-store-id <custom-key-store-id> --xks-proxy-uri-endpoint https://<private-dns-name>`.",
        "Make sure the proxy's TLS certificate is issued for <private-dns-name> (or a matching wildcard).",
        RECONNECT_XKS,
      ],
      docs: [requireEndpoint, VPCE],
    },
  },
  {
    id: "xks-nlb-internal",
    scope: "xks-vpc",
    service: "elbv2",
    requirement: "Each load balancer of the service is an internal Network Load Balancer.",
    cause: "XKS_VPC_ENDPOINT_SERVICE_INVALID_CONFIGURATION",
    remediation: {
      summary: "The proxy must sit behind an internal (not internet-facing) Network Load Balancer.",
      steps: [
        "A load balancer's scheme cannot be changed: create an internal one in private subnets of at least two Availability Zones: `aws elbv2 create-load-balancer --name xks-proxy --type network --scheme internal --subnets <subnet-in-az-1> <subnet-in-az-2>`.",
        "Add a TCP 443 listener forwarding to the proxy's IP target group, then swap it into the service: `aws ec2 modify-vpc-endpoint-service-configuration --service-id <service-id> --add-network-load-balancer-arns <new-nlb-arn> --remove-network-load-balancer-arns <nlb-arn>`.",
      ],
      docs: [VPCE],
    },
  },
  {
    id: "xks-nlb-active",
    scope: "xks-vpc",
    service: "elbv2",
    requirement: "Each Network Load Balancer of the service is in the active state.",
    cause: "XKS_VPC_ENDPOINT_SERVICE_INVALID_CONFIGURATION",
    remediation: {
      summary: "A load balancer that is provisioning, impaired or failed cannot carry KMS's connections.",
      steps: [
        "Check the state and reason: `aws elbv2 describe-load-balancers --load-balancer-arns <nlb-arn> --query 'LoadBalancers[].State'`.",
        "Wait while it is provisioning; if it failed, create a new internal Network Load Balancer and swap it into the service with `aws ec2 modify-vpc-endpoint-service-configuration --service-id <service-id> --add-network-load-balancer-arns <new-nlb-arn> --remove-network-load-balancer-arns <nlb-arn>`.",
      ],
      docs: [VPCE],
    },
  },
  {
    id: "xks-nlb-multi-az",
    scope: "xks-vpc",
    service: "elbv2",
    requirement: "Each Network Load Balancer of the service is enabled in at least two Availability Zones.",
    cause: "XKS_VPC_ENDPOINT_SERVICE_INVALID_CONFIGURATION",
    remediation: {
      summary: "KMS requires the proxy to be reachable in at least two Availability Zones.",
      steps: [
        "Add a private subnet in a second Availability Zone: `aws elbv2 set-subnets --load-balancer-arn <nlb-arn> --subnets <subnet-in-az-1> <subnet-in-az-2>`.",
        "Register proxy targets in that Availability Zone as well.",
      ],
      docs: [VPCE],
    },
  },
  {
    id: "xks-nlb-tcp-443-listener",
    scope: "xks-vpc",
    service: "elbv2",
    requirement:
      "Each Network Load Balancer of the service has a TCP listener on port 443 (TLS is terminated by the proxy, not the load balancer).",
    cause: "XKS_VPC_ENDPOINT_SERVICE_INVALID_CONFIGURATION",
    remediation: {
      summary: "KMS connects to the proxy on port 443 and negotiates TLS with the proxy itself.",
      steps: [
        "Create the listener: `aws elbv2 create-listener --load-balancer-arn <nlb-arn> --protocol TCP --port 443 --default-actions Type=forward,TargetGroupArn=<target-group-arn>`.",
        "Replace a TLS listener on 443 with a TCP one, so that the proxy's own certificate reaches KMS.",
      ],
      docs: [VPCE],
    },
  },
  {
    id: "xks-nlb-ip-targets",
    scope: "xks-vpc",
    service: "elbv2",
    requirement: "The TCP 443 listener forwards to target groups of target type ip.",
    cause: "XKS_VPC_ENDPOINT_SERVICE_INVALID_CONFIGURATION",
    remediation: {
      summary: "The proxy instances are registered by IP address, on port 443.",
      steps: [
        "Create an IP target group: `aws elbv2 create-target-group --name xks-proxy --protocol TCP --port 443 --target-type ip --vpc-id <vpc-id>`, and register the proxies: `aws elbv2 register-targets --target-group-arn <target-group-arn> --targets Id=<proxy-ip>,Port=443`.",
        "Forward the listener to it: `aws elbv2 modify-listener --listener-arn <listener-arn> --default-actions Type=forward,TargetGroupArn=<target-group-arn>`.",
      ],
      docs: [VPCE],
    },
  },
  {
    id: "xks-nlb-healthy-target",
    scope: "xks-vpc",
    service: "elbv2",
    requirement: "At least one target behind the TCP 443 listener is healthy.",
    cause: "XKS_PROXY_NOT_REACHABLE",
    remediation: {
      summary:
        "With no healthy proxy behind the load balancer, KMS cannot reach the external key store proxy.",
      steps: [
        "See why targets fail: `aws elbv2 describe-target-health --target-group-arn <target-group-arn>`.",
        "Start or fix the proxies, and make the target group's health check match them (TCP 443, or the proxy's health path).",
        "Allow the load balancer's subnets to reach the proxies on 443 in their security groups and network ACLs.",
      ],
      docs: [XT, VPCE],
    },
  },
  {
    id: "xks-public-endpoint-probe",
    scope: "xks-public",
    service: "kms",
    requirement:
      "A public-endpoint XKS proxy is reachable from KMS over HTTPS at XksProxyUriEndpoint, answers within 250 ms and accepts the store's credential.",
    cause: "XKS_PROXY_NOT_REACHABLE",
    remediation: {
      summary:
        "The VPC endpoint service checks do not apply to a store with PUBLIC_ENDPOINT connectivity; its proxy can only be checked by calling it.",
      steps: [
        "Probe the proxy from the internet side: `npx kms-keystore-errors probe-xks` (pass the credential through environment variables), or call `probeXksProxy` from the library.",
        "Check DNS, port 443, the TLS certificate (public CA, name match, expiry), the URI path and the credential against what the probe reports.",
      ],
      docs: [XT, CODES],
    },
  },
  {
    id: "dns",
    scope: "xks-proxy",
    service: "xks-proxy",
    requirement:
      "The endpoint's host name resolves to an IPv4 address (KMS connects to proxies over IPv4 only).",
    cause: "XKS_PROXY_NOT_REACHABLE",
  },
  {
    id: "tcp",
    scope: "xks-proxy",
    service: "xks-proxy",
    requirement: "The proxy accepts TCP connections on the endpoint's port (443 for KMS).",
    cause: "XKS_PROXY_NOT_REACHABLE",
  },
  {
    id: "tls",
    scope: "xks-proxy",
    service: "xks-proxy",
    requirement:
      "TLS 1.2 or later, with an unexpired certificate for the endpoint's host name issued by a trusted CA.",
    cause: "XKS_PROXY_INVALID_TLS_CONFIGURATION",
  },
  {
    id: "uri-path",
    scope: "xks-proxy",
    service: "xks-proxy",
    requirement: "The proxy serves the XKS proxy API under the URI path (not 404 InvalidUriPathException).",
    cause: "XKS_PROXY_INVALID_CONFIGURATION",
  },
  {
    id: "authentication",
    scope: "xks-proxy",
    service: "xks-proxy",
    requirement: "The proxy accepts the SigV4 credential (service kms-xks-proxy, the key store's Region).",
    cause: "INVALID_CREDENTIALS",
  },
  {
    id: "health",
    scope: "xks-proxy",
    service: "xks-proxy",
    requirement:
      "GetHealthStatus answers 200 with a valid body, and at least one external key manager is not UNAVAILABLE.",
    cause: "XKS_PROXY_UNHEALTHY",
  },
  {
    id: "latency",
    scope: "xks-proxy",
    service: "xks-proxy",
    requirement: "The proxy answers within KMS's <budget-ms> ms budget per call (p99 over the samples).",
    cause: "XKS_PROXY_TIMED_OUT",
  },
  {
    id: "key",
    scope: "xks-proxy",
    service: "xks-proxy",
    requirement:
      "External key <key-id> exists in the external key manager, is AES_256, ENABLED, and allows ENCRYPT and DECRYPT.",
    cause: "XKS_KEY_INVALID_CONFIGURATION",
  },
  {
    id: "cloudhsm-cluster-exists",
    scope: "cloudhsm",
    service: "cloudhsm",
    requirement:
      "The AWS CloudHSM cluster named by CloudHsmClusterId exists in the store's account and Region.",
    cause: "CLUSTER_NOT_FOUND",
    remediation: {
      summary: "The cluster ID is wrong, or the cluster was deleted.",
      steps: [
        "Look for it: `aws cloudhsmv2 describe-clusters --filters clusterIds=<cluster-id> --region <region>`.",
        "If it was deleted, restore a cluster from its latest backup: `aws cloudhsmv2 describe-backups --filters clusterIds=<cluster-id>`, then `aws cloudhsmv2 create-cluster --source-backup-id <backup-id> --subnet-ids <subnet-in-az-1> <subnet-in-az-2> --hsm-type <hsm-type>`.",
        RECONNECT_HSM,
      ],
      docs: [fixKeyStoreFailed, CK],
    },
  },
  {
    id: "cloudhsm-cluster-active",
    scope: "cloudhsm",
    service: "cloudhsm",
    requirement: "The AWS CloudHSM cluster is ACTIVE (initialized and activated).",
    cause: "CLOUDHSM_CLUSTER_NOT_ACTIVE",
    remediation: {
      summary: "KMS can use only an initialized, activated cluster.",
      steps: [
        "Check the state: `aws cloudhsmv2 describe-clusters --filters clusterIds=<cluster-id> --query 'Clusters[].State'`.",
        "If UNINITIALIZED, sign the cluster CSR with your CA and run `aws cloudhsmv2 initialize-cluster --cluster-id <cluster-id> --signed-cert file://<cluster-id>_CustomerHsmCertificate.crt --trust-anchor file://customerCA.crt`; then activate it with the CloudHSM CLI (`cluster activate`).",
        "Wait for ACTIVE, then connect the store: `aws kms connect-custom-key-store --custom-key-store-id <custom-key-store-id>`.",
      ],
      docs: [CK, fixKeyStoreFailed],
    },
  },
  {
    id: "cloudhsm-active-hsm",
    scope: "cloudhsm",
    service: "cloudhsm",
    requirement: "The cluster has at least one ACTIVE HSM (needed to connect).",
    cause: "INSUFFICIENT_CLOUDHSM_HSMS",
    remediation: {
      summary: "A key store cannot connect to a cluster with no active HSM.",
      steps: [
        "Add an HSM: `aws cloudhsmv2 create-hsm --cluster-id <cluster-id> --availability-zone <availability-zone>`; add a second one in another Availability Zone for CreateKey.",
        "Wait until it is ACTIVE, then `aws kms disconnect-custom-key-store --custom-key-store-id <custom-key-store-id>` and `aws kms connect-custom-key-store --custom-key-store-id <custom-key-store-id>`.",
      ],
      docs: [fixKeyStoreFailed, CK],
    },
  },
  {
    id: "cloudhsm-hsms-multi-az",
    scope: "cloudhsm",
    service: "cloudhsm",
    requirement:
      "The cluster has ACTIVE HSMs in at least two Availability Zones (needed to create and update the store and to create keys).",
    cause: "CLOUDHSM_CLUSTER_INVALID_CONFIGURATION",
    remediation: {
      summary:
        "KMS requires at least two active HSMs in different Availability Zones for CreateCustomKeyStore, UpdateCustomKeyStore and CreateKey.",
      steps: [
        "Add an HSM in an Availability Zone that has none: `aws cloudhsmv2 create-hsm --cluster-id <cluster-id> --availability-zone <availability-zone>`.",
        "Wait until both HSMs are ACTIVE: `aws cloudhsmv2 describe-clusters --filters clusterIds=<cluster-id> --query 'Clusters[].Hsms[].[AvailabilityZone,State]'`.",
      ],
      docs: [CK, fixCmkFailed],
    },
  },
  {
    id: "cloudhsm-subnets-multi-az",
    scope: "cloudhsm",
    service: "cloudhsm",
    requirement: "The cluster has private subnets in at least two Availability Zones.",
    cause: "CLOUDHSM_CLUSTER_INVALID_CONFIGURATION",
    remediation: {
      summary:
        "A cluster's subnets are fixed when it is created; KMS needs subnets in two Availability Zones.",
      steps: [
        "Back up the cluster and restore it into private subnets of at least two Availability Zones: `aws cloudhsmv2 create-cluster --source-backup-id <backup-id> --subnet-ids <subnet-in-az-1> <subnet-in-az-2> --hsm-type <hsm-type>`.",
        RECONNECT_HSM,
      ],
      docs: [CK, fixKeyStoreFailed],
    },
  },
  {
    id: "cloudhsm-subnets-exist",
    scope: "cloudhsm",
    service: "ec2",
    requirement: "Every subnet in the cluster's subnet mapping still exists.",
    cause: "SUBNET_NOT_FOUND",
    remediation: {
      summary: "A subnet of the cluster was deleted; KMS cannot create its network interface there.",
      steps: [
        "Restore a cluster from a recent backup into existing private subnets: `aws cloudhsmv2 create-cluster --source-backup-id <backup-id> --subnet-ids <subnet-in-az-1> <subnet-in-az-2> --hsm-type <hsm-type>`.",
        RECONNECT_HSM,
      ],
      docs: [fixKeyStoreFailed],
    },
  },
  {
    id: "cloudhsm-subnets-free-ips",
    scope: "cloudhsm",
    service: "ec2",
    requirement:
      "Every cluster subnet has at least one free IP address (two preferred) for KMS's network interface.",
    cause: "INSUFFICIENT_FREE_ADDRESSES_IN_SUBNET",
    remediation: {
      summary: "KMS creates one network interface in each cluster subnet when the store connects.",
      steps: [
        "Find what uses the addresses: `aws ec2 describe-network-interfaces --filters Name=subnet-id,Values=<subnet-id>`, and delete the network interfaces you no longer need.",
        "Or restore the cluster from a backup into larger subnets and update the store's cluster ID.",
        "Then `aws kms disconnect-custom-key-store --custom-key-store-id <custom-key-store-id>` and `aws kms connect-custom-key-store --custom-key-store-id <custom-key-store-id>`.",
      ],
      docs: [fixKeyStoreFailed],
    },
  },
  {
    id: "cloudhsm-sg-inbound",
    scope: "cloudhsm",
    service: "ec2",
    requirement:
      "The cluster's security group allows inbound TCP 2223–2225 from itself (the security group as source).",
    cause: "CLOUDHSM_CLUSTER_INVALID_CONFIGURATION",
    remediation: {
      summary:
        "KMS reaches the HSMs through the cluster security group; its default self-referencing rules must stay.",
      steps: [
        "Restore the inbound rule: `aws ec2 authorize-security-group-ingress --group-id <security-group-id> --ip-permissions 'IpProtocol=tcp,FromPort=2223,ToPort=2225,UserIdGroupPairs=[{GroupId=<security-group-id>}]'`.",
      ],
      docs: [CK, fixCmkFailed],
    },
  },
  {
    id: "cloudhsm-sg-outbound",
    scope: "cloudhsm",
    service: "ec2",
    requirement:
      "The cluster's security group allows outbound TCP 2223–2225 to itself (the security group as destination).",
    cause: "CLOUDHSM_CLUSTER_INVALID_CONFIGURATION",
    remediation: {
      summary:
        "KMS reaches the HSMs through the cluster security group; its default self-referencing rules must stay.",
      steps: [
        "Restore the outbound rule: `aws ec2 authorize-security-group-egress --group-id <security-group-id> --ip-permissions 'IpProtocol=tcp,FromPort=2223,ToPort=2225,UserIdGroupPairs=[{GroupId=<security-group-id>}]'`.",
      ],
      docs: [CK, fixCmkFailed],
    },
  },
  {
    id: "cloudhsm-trust-anchor",
    scope: "cloudhsm",
    service: "cloudhsm",
    requirement:
      "The store's TrustAnchorCertificate (the cluster's customerCA.crt) issued and signed the cluster certificate.",
    cause: "INCORRECT_TRUST_ANCHOR",
    remediation: {
      summary:
        "The trust anchor must be the CA certificate used to sign the cluster's CSR when the cluster was initialized.",
      steps: [
        "Get the cluster certificate: `aws cloudhsmv2 describe-clusters --filters clusterIds=<cluster-id> --query 'Clusters[].Certificates.ClusterCertificate' --output text > cluster.crt`, and check it: `openssl verify -CAfile customerCA.crt cluster.crt`.",
        "Create the key store with that CA's PEM: `aws kms create-custom-key-store --custom-key-store-name <name> --cloud-hsm-cluster-id <cluster-id> --trust-anchor-certificate file://customerCA.crt --key-store-password <kmsuser-password>`.",
        "The trust anchor of an existing store cannot be changed: if the store now points at an unrelated cluster, point it back at a cluster of the original backup lineage (update-custom-key-store --cloud-hsm-cluster-id), or create a new key store.",
      ],
      docs: [CK],
    },
  },
] as const satisfies readonly Requirement[]);

/**
 * The id of a requirement, e.g. `"xks-vpc-kms-principal-allowed"`.
 * @public
 */
export type RequirementId = (typeof REQUIREMENTS)[number]["id"];

/**
 * The id of a requirement of one scope, e.g. `RequirementIdOf<"xks-proxy">` for the probe's steps.
 * @public
 */
export type RequirementIdOf<S extends RequirementScope> = Extract<
  (typeof REQUIREMENTS)[number],
  { readonly scope: S }
>["id"];
