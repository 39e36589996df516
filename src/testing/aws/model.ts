/**
 * A scriptable, in-memory model of the AWS resources a custom key store depends on: VPC endpoint
 * services, Elastic Load Balancing v2 load balancers, listeners and target groups, EC2 subnets and
 * security groups, and AWS CloudHSM clusters. Tests build a compliant setup with the `add…` helpers,
 * then break one setting by mutating the returned records.
 */
import { CLUSTER_CERTIFICATE_PEM } from "./certificates.js";

/**
 * A VPC endpoint service as the owner sees it (`DescribeVpcEndpointServiceConfigurations`).
 * @public
 */
export interface VpcEndpointServiceRecord {
  /** `vpce-svc-…`. */
  serviceId: string;
  /** `com.amazonaws.vpce.<region>.vpce-svc-…`. */
  serviceName: string;
  /** The 12-digit account that owns the service; only that account sees its configuration. */
  owner: string;
  /** `Interface`, `Gateway` or `GatewayLoadBalancer`. */
  serviceType: string;
  /** `Pending`, `Available`, `Deleting`, `Deleted` or `Failed`. */
  state: string;
  /** Availability Zone names, e.g. `us-east-1a`. */
  availabilityZones: string[];
  /** Whether endpoint connections need manual acceptance. */
  acceptanceRequired: boolean;
  /** ARNs of the Network Load Balancers behind the service. */
  networkLoadBalancerArns: string[];
  /** ARNs of the Gateway Load Balancers behind the service. */
  gatewayLoadBalancerArns: string[];
  /** The private DNS name, when set. */
  privateDnsName?: string | undefined;
  /** `pendingVerification`, `verified` or `failed`, when a private DNS name is set. */
  privateDnsVerificationState?: string | undefined;
  /** Allowed principals (ARNs, `*`, or service principals such as `cks.kms.us-east-1.amazonaws.com`). */
  allowedPrincipals: string[];
}

/**
 * An Elastic Load Balancing v2 load balancer.
 * @public
 */
export interface LoadBalancerRecord {
  /** The load balancer's ARN. */
  arn: string;
  /** Its name. */
  name: string;
  /** `network`, `application` or `gateway`. */
  type: string;
  /** `internal` or `internet-facing`. */
  scheme: string;
  /** `active`, `provisioning`, `active_impaired` or `failed`. */
  state: string;
  /** The zones it is enabled in, with one subnet each. */
  availabilityZones: { zoneName: string; subnetId: string }[];
  /** The VPC. */
  vpcId: string;
}

/**
 * A listener of a load balancer.
 * @public
 */
export interface ListenerRecord {
  /** The listener's ARN. */
  arn: string;
  /** The load balancer it belongs to. */
  loadBalancerArn: string;
  /** The port. */
  port: number;
  /** `TCP`, `TLS`, `UDP`, `TCP_UDP`, `HTTP` or `HTTPS`. */
  protocol: string;
  /** Target groups its default `forward` action sends to. */
  targetGroupArns: string[];
}

/**
 * A target group and its registered targets.
 * @public
 */
export interface TargetGroupRecord {
  /** The target group's ARN. */
  arn: string;
  /** Its name. */
  name: string;
  /** `TCP`, `TLS`… */
  protocol: string;
  /** The port. */
  port: number;
  /** `ip`, `instance`, `lambda` or `alb`. */
  targetType: string;
  /** Load balancers that route to it. */
  loadBalancerArns: string[];
  /** Registered targets with their health (`healthy`, `unhealthy`, `initial`, `unused`, `draining`…). */
  targets: { id: string; port: number; health: string }[];
}

/**
 * An EC2 subnet.
 * @public
 */
export interface SubnetRecord {
  /** `subnet-…`. */
  subnetId: string;
  /** Availability Zone name. */
  availabilityZone: string;
  /** The VPC. */
  vpcId: string;
  /** IPv4 CIDR block. */
  cidrBlock: string;
  /** Free IPv4 addresses. */
  availableIpAddressCount: number;
}

/**
 * One rule of a security group (ingress or egress).
 * @public
 */
export interface IpPermissionRecord {
  /** `tcp`, `udp`, `icmp`, `-1` (all) or a protocol number. */
  ipProtocol: string;
  /** First port (absent for `-1`). */
  fromPort?: number | undefined;
  /** Last port (absent for `-1`). */
  toPort?: number | undefined;
  /** Security groups as source (ingress) or destination (egress). */
  groupIds: string[];
  /** IPv4 CIDR ranges. */
  cidrs: string[];
}

/**
 * An EC2 security group.
 * @public
 */
export interface SecurityGroupRecord {
  /** `sg-…`. */
  groupId: string;
  /** Its name. */
  groupName: string;
  /** The VPC. */
  vpcId: string;
  /** Inbound rules. */
  ingress: IpPermissionRecord[];
  /** Outbound rules. */
  egress: IpPermissionRecord[];
}

/**
 * An HSM of a CloudHSM cluster.
 * @public
 */
export interface HsmRecord {
  /** `hsm-…`. */
  hsmId: string;
  /** Availability Zone name. */
  availabilityZone: string;
  /** The subnet it is in. */
  subnetId: string;
  /** Its elastic network interface's IP address. */
  eniIp: string;
  /** `CREATE_IN_PROGRESS`, `ACTIVE`, `DEGRADED`, `DELETE_IN_PROGRESS` or `DELETED`. */
  state: string;
}

/**
 * An AWS CloudHSM (v2) cluster.
 * @public
 */
export interface CloudHsmClusterRecord {
  /** `cluster-…`. */
  clusterId: string;
  /** `ACTIVE`, `UNINITIALIZED`, `INITIALIZED`, `DEGRADED`… */
  state: string;
  /** Its HSMs. */
  hsms: HsmRecord[];
  /** Availability Zone → subnet id. */
  subnetMapping: Record<string, string>;
  /** The cluster security group (`sg-…`). */
  securityGroup: string;
  /** The VPC. */
  vpcId: string;
  /** The HSM type, e.g. `hsm1.medium`. */
  hsmType: string;
  /** PEM certificates; `clusterCertificate` exists once the cluster is initialized. */
  certificates: { clusterCertificate?: string | undefined; clusterCsr?: string | undefined };
}

/**
 * One CloudWatch metric series: a namespace, a metric name and a set of dimensions (a query matches a
 * series only with exactly the same dimension set, as in CloudWatch), with its raw datapoints.
 * @public
 */
export interface MetricSeriesRecord {
  /** `AWS/KMS`, `AWS/CloudHSM`… */
  namespace: string;
  /** The metric name, e.g. `XksProxyLatency`. */
  metricName: string;
  /** Dimension name → value. */
  dimensions: Record<string, string>;
  /** Raw datapoints: epoch milliseconds and value (statistics are computed per period on request). */
  datapoints: { timestamp: number; value: number }[];
}

/**
 * A compliant VPC endpoint service setup for an external key store, as created by
 * {@link AwsModel.addXksVpcEndpointService}: mutate any record to break one requirement.
 * @public
 */
export interface XksVpcSetup {
  /** The endpoint service. */
  readonly service: VpcEndpointServiceRecord;
  /** Its internal Network Load Balancer. */
  readonly loadBalancer: LoadBalancerRecord;
  /** The TCP 443 listener. */
  readonly listener: ListenerRecord;
  /** The IP target group with two healthy targets. */
  readonly targetGroup: TargetGroupRecord;
  /** `https://` + the private DNS name: the store's `XksProxyUriEndpoint`. */
  readonly uriEndpoint: string;
}

/**
 * A compliant CloudHSM cluster setup, as created by {@link AwsModel.addCloudHsmCluster}.
 * @public
 */
export interface CloudHsmSetup {
  /** The cluster (ACTIVE, two ACTIVE HSMs in two AZs, certificate issued by `TRUST_ANCHOR_PEM`). */
  readonly cluster: CloudHsmClusterRecord;
  /** Its two subnets (one per AZ, with free addresses). */
  readonly subnets: readonly SubnetRecord[];
  /** Its security group, allowing TCP 2223–2225 in and out with itself. */
  readonly securityGroup: SecurityGroupRecord;
}

/**
 * Options of {@link AwsModel.addXksVpcEndpointService}.
 * @public
 */
export interface XksVpcSetupOptions {
  /** The private DNS name. @defaultValue `xks-<n>.example.com` */
  privateDnsName?: string | undefined;
  /** The owning account. @defaultValue the model's account */
  owner?: string | undefined;
  /** The Region in the service name. @defaultValue the model's Region */
  region?: string | undefined;
}

const hex = (n: number, width: number): string => n.toString(16).padStart(width, "0");

/**
 * The emulated AWS account's resources, plus denied IAM actions. Public arrays: tests mutate them.
 *
 * @example
 * ```ts
 * import { AwsModel } from "kms-keystore-errors/testing";
 *
 * const model = new AwsModel({ region: "us-east-1", accountId: "111122223333" });
 * const { service } = model.addXksVpcEndpointService();
 * service.acceptanceRequired = true;
 * model.deny("ec2:DescribeVpcEndpointServicePermissions");
 * ```
 * @public
 */
export class AwsModel {
  /** The Region of ARNs and default service names. */
  readonly region: string;
  /** The caller's account: it sees the configuration of services it owns, and only those. */
  readonly accountId: string;
  /** VPC endpoint services, any owner. */
  readonly vpcEndpointServices: VpcEndpointServiceRecord[] = [];
  /** The caller's load balancers. */
  readonly loadBalancers: LoadBalancerRecord[] = [];
  /** Their listeners. */
  readonly listeners: ListenerRecord[] = [];
  /** Target groups. */
  readonly targetGroups: TargetGroupRecord[] = [];
  /** Subnets. */
  readonly subnets: SubnetRecord[] = [];
  /** Security groups. */
  readonly securityGroups: SecurityGroupRecord[] = [];
  /** CloudHSM clusters. */
  readonly clusters: CloudHsmClusterRecord[] = [];
  /** CloudWatch metric series. */
  readonly metrics: MetricSeriesRecord[] = [];
  /** Series per `ListMetrics` page (CloudWatch sends up to 500). */
  listMetricsPageSize = 500;
  readonly #denied = new Set<string>();
  #counter = 0;

  /**
   * An empty model.
   *
   * @param options - The Region and the 12-digit account id of the emulated account.
   */
  constructor(options: { region: string; accountId: string }) {
    this.region = options.region;
    this.accountId = options.accountId;
  }

  /**
   * Makes every call of an action fail as IAM denies it (`UnauthorizedOperation` for EC2,
   * `AccessDenied` for ELBv2 and CloudWatch, `AccessDeniedException` for CloudHSM).
   *
   * @param action - The IAM action, e.g. `"ec2:DescribeVpcEndpointServicePermissions"`.
   * @example
   * ```ts
   * import { AwsModel } from "kms-keystore-errors/testing";
   *
   * const model = new AwsModel({ region: "us-east-1", accountId: "111122223333" });
   * model.deny("elasticloadbalancing:DescribeLoadBalancers");
   * ```
   */
  deny(action: string): void {
    this.#denied.add(action.toLowerCase());
  }

  /**
   * Whether an action is denied.
   * @param action - The IAM action.
   * @returns True when {@link AwsModel.deny} denied it.
   * @internal
   */
  isDenied(action: string): boolean {
    return this.#denied.has(action.toLowerCase());
  }

  /**
   * Removes every resource and every denial.
   * @example
   * ```ts
   * import { startAwsEmulator } from "kms-keystore-errors/testing";
   * import { afterAll, afterEach } from "vitest";
   *
   * const aws = await startAwsEmulator();
   * afterEach(() => aws.model.reset());
   * afterAll(() => aws.close());
   * ```
   */
  reset(): void {
    for (const list of [
      this.vpcEndpointServices,
      this.loadBalancers,
      this.listeners,
      this.targetGroups,
      this.subnets,
      this.securityGroups,
      this.clusters,
      this.metrics,
    ]) {
      list.length = 0;
    }
    this.listMetricsPageSize = 500;
    this.#denied.clear();
  }

  #next(): number {
    this.#counter += 1;
    return this.#counter;
  }

  /**
   * Adds a subnet.
   * @param availabilityZone - Its Availability Zone.
   * @param availableIpAddressCount - Its free addresses.
   * @param vpcId - Its VPC.
   * @returns The record.
   * @example
   * ```ts
   * import { AwsModel } from "kms-keystore-errors/testing";
   *
   * const model = new AwsModel({ region: "us-east-1", accountId: "111122223333" });
   * const subnet = model.addSubnet("us-east-1a", 10, "vpc-0123");
   * ```
   */
  addSubnet(availabilityZone: string, availableIpAddressCount: number, vpcId: string): SubnetRecord {
    const n = this.#next();
    const subnet: SubnetRecord = {
      subnetId: `subnet-${hex(n, 17)}`,
      availabilityZone,
      vpcId,
      cidrBlock: `10.${n % 256}.0.0/24`,
      availableIpAddressCount,
    };
    this.subnets.push(subnet);
    return subnet;
  }

  /**
   * Adds a compliant VPC endpoint service for an external key store proxy: an Interface service,
   * Available in two AZs, acceptance off, KMS's principal allowed, a verified private DNS name, on an
   * active internal NLB in two AZs with a TCP 443 listener forwarding to an IP target group with
   * two healthy targets. With another `owner`, only the service is created (its load balancer
   * lives in the other account).
   *
   * @param options - Private DNS name, owner, Region.
   * @returns The records, to mutate.
   * @example
   * ```ts
   * import { AwsModel } from "kms-keystore-errors/testing";
   *
   * const model = new AwsModel({ region: "us-east-1", accountId: "111122223333" });
   * const setup = model.addXksVpcEndpointService();
   * setup.service.allowedPrincipals = []; // KMS may no longer see it
   * ```
   */
  addXksVpcEndpointService(options: XksVpcSetupOptions = {}): XksVpcSetup {
    const n = this.#next();
    const region = options.region ?? this.region;
    const owner = options.owner ?? this.accountId;
    const vpcId = `vpc-${hex(n, 17)}`;
    const zones = [`${region}a`, `${region}b`];
    const subnets = zones.map((zone) => this.addSubnet(zone, 200, vpcId));
    const elbArn = `arn:aws:elasticloadbalancing:${region}:${owner}:`;
    const loadBalancer: LoadBalancerRecord = {
      arn: `${elbArn}loadbalancer/net/xks-proxy-${n}/${hex(n, 16)}`,
      name: `xks-proxy-${n}`,
      type: "network",
      scheme: "internal",
      state: "active",
      availabilityZones: subnets.map((s) => ({ zoneName: s.availabilityZone, subnetId: s.subnetId })),
      vpcId,
    };
    const targetGroup: TargetGroupRecord = {
      arn: `${elbArn}targetgroup/xks-proxy-${n}/${hex(n, 16)}`,
      name: `xks-proxy-${n}`,
      protocol: "TCP",
      port: 443,
      targetType: "ip",
      loadBalancerArns: [loadBalancer.arn],
      targets: [
        { id: `10.${n % 256}.0.10`, port: 443, health: "healthy" },
        { id: `10.${n % 256}.1.10`, port: 443, health: "healthy" },
      ],
    };
    const listener: ListenerRecord = {
      arn: `${elbArn}listener/net/xks-proxy-${n}/${hex(n, 16)}/${hex(n + 1, 16)}`,
      loadBalancerArn: loadBalancer.arn,
      port: 443,
      protocol: "TCP",
      targetGroupArns: [targetGroup.arn],
    };
    const serviceId = `vpce-svc-${hex(n, 17)}`;
    const privateDnsName = options.privateDnsName ?? `xks-${n}.example.com`;
    const service: VpcEndpointServiceRecord = {
      serviceId,
      serviceName: `com.amazonaws.vpce.${region}.${serviceId}`,
      owner,
      serviceType: "Interface",
      state: "Available",
      availabilityZones: zones,
      acceptanceRequired: false,
      networkLoadBalancerArns: [loadBalancer.arn],
      gatewayLoadBalancerArns: [],
      privateDnsName,
      privateDnsVerificationState: "verified",
      allowedPrincipals: [`cks.kms.${region}.amazonaws.com`],
    };
    this.vpcEndpointServices.push(service);
    if (owner === this.accountId) {
      this.loadBalancers.push(loadBalancer);
      this.targetGroups.push(targetGroup);
      this.listeners.push(listener);
    }
    return { service, loadBalancer, listener, targetGroup, uriEndpoint: `https://${privateDnsName}` };
  }

  /**
   * Adds a CloudWatch metric series (or adds datapoints to the series with the same namespace, name
   * and dimension set): one datapoint per value, a minute apart, the last one 30 seconds ago.
   *
   * @param namespace - E.g. `"AWS/KMS"`.
   * @param metricName - E.g. `"XksProxyCertificateDaysToExpire"`.
   * @param dimensions - The series' dimensions, e.g. `{ CustomKeyStoreId, CertificateName }`.
   * @param values - The values, oldest first (none: a series that exists with no recent data).
   * @param now - The time of the newest value plus 30 s, in epoch milliseconds. @defaultValue `Date.now()`
   * @returns The series, to mutate.
   * @example
   * ```ts
   * import { AwsModel } from "kms-keystore-errors/testing";
   * const model = new AwsModel({ region: "us-east-1", accountId: "111122223333" });
   * model.putMetric(
   *   "AWS/KMS",
   *   "XksProxyCertificateDaysToExpire",
   *   { CustomKeyStoreId: "cks-1234567890abcdef0", CertificateName: "xks.example.com" },
   *   [9],
   * );
   * ```
   */
  putMetric(
    namespace: string,
    metricName: string,
    dimensions: Record<string, string>,
    values: readonly number[],
    now: number = Date.now(),
  ): MetricSeriesRecord {
    const same = (a: Record<string, string>, b: Record<string, string>): boolean =>
      Object.keys(a).length === Object.keys(b).length && Object.entries(a).every(([k, v]) => b[k] === v);
    let series = this.metrics.find(
      (m) => m.namespace === namespace && m.metricName === metricName && same(m.dimensions, dimensions),
    );
    if (series === undefined) {
      series = { namespace, metricName, dimensions: { ...dimensions }, datapoints: [] };
      this.metrics.push(series);
    }
    values.forEach((value, i) => {
      series.datapoints.push({ timestamp: now - 30_000 - (values.length - 1 - i) * 60_000, value });
    });
    return series;
  }

  /**
   * Adds a compliant CloudHSM cluster: ACTIVE, two ACTIVE HSMs in two AZs, two subnets with free
   * addresses, a security group allowing TCP 2223–2225 in and out with itself, and a cluster
   * certificate issued by `TRUST_ANCHOR_PEM`.
   *
   * @param options - The cluster certificate (PEM). @defaultValue `CLUSTER_CERTIFICATE_PEM`
   * @returns The records, to mutate.
   * @example
   * ```ts
   * import { AwsModel } from "kms-keystore-errors/testing";
   *
   * const model = new AwsModel({ region: "us-east-1", accountId: "111122223333" });
   * const { cluster } = model.addCloudHsmCluster();
   * cluster.state = "UNINITIALIZED";
   * ```
   */
  addCloudHsmCluster(options: { clusterCertificate?: string | undefined } = {}): CloudHsmSetup {
    const n = this.#next();
    const vpcId = `vpc-${hex(n, 17)}`;
    const subnets = [`${this.region}a`, `${this.region}b`].map((zone) => this.addSubnet(zone, 250, vpcId));
    const clusterId = `cluster-${hex(n, 11)}`;
    const groupId = `sg-${hex(n, 17)}`;
    const selfRule = (): IpPermissionRecord => ({
      ipProtocol: "tcp",
      fromPort: 2223,
      toPort: 2225,
      groupIds: [groupId],
      cidrs: [],
    });
    const securityGroup: SecurityGroupRecord = {
      groupId,
      groupName: `cloudhsm-${clusterId}-sg`,
      vpcId,
      ingress: [selfRule()],
      egress: [selfRule()],
    };
    const cluster: CloudHsmClusterRecord = {
      clusterId,
      state: "ACTIVE",
      hsms: subnets.map((s, i) => ({
        hsmId: `hsm-${hex(n * 10 + i, 11)}`,
        availabilityZone: s.availabilityZone,
        subnetId: s.subnetId,
        eniIp: `10.${n % 256}.${i}.5`,
        state: "ACTIVE",
      })),
      subnetMapping: Object.fromEntries(subnets.map((s) => [s.availabilityZone, s.subnetId])),
      securityGroup: groupId,
      vpcId,
      hsmType: "hsm1.medium",
      certificates: { clusterCertificate: options.clusterCertificate ?? CLUSTER_CERTIFICATE_PEM },
    };
    this.securityGroups.push(securityGroup);
    this.clusters.push(cluster);
    return { cluster, subnets, securityGroup };
  }
}
