/**
 * Deep checks of an AWS CloudHSM key store's cluster (kms-facts §8c): what CloudHSM v2
 * `DescribeClusters` and EC2 `DescribeSubnets`/`DescribeSecurityGroups` reveal about each requirement.
 */
import { CheckSet, type DeepCheck } from "./check.js";
import type { AwsCaller } from "./deep-support.js";

const PURPOSE = "CloudHSM cluster checks";
const EC2_PURPOSE = "CloudHSM subnet and security group checks";
const HSM_PORTS = [2223, 2224, 2225] as const;

interface Cluster {
  readonly ClusterId?: string;
  readonly State?: string;
  readonly Hsms?: readonly {
    readonly AvailabilityZone?: string;
    readonly State?: string;
    readonly HsmId?: string;
  }[];
  readonly SubnetMapping?: Readonly<Record<string, string>>;
  readonly SecurityGroup?: string;
  readonly Certificates?: { readonly ClusterCertificate?: string };
}

interface IpPermission {
  readonly IpProtocol?: string;
  readonly FromPort?: number;
  readonly ToPort?: number;
  readonly UserIdGroupPairs?: readonly { readonly GroupId?: string }[];
  readonly IpRanges?: readonly { readonly CidrIp?: string }[];
}

/**
 * What the CloudHSM checks need to know about the store.
 * @internal
 */
export interface CloudHsmCheckContext {
  readonly caller: AwsCaller;
  readonly customKeyStoreId: string;
  readonly region: string | undefined;
  readonly clusterId: string | undefined;
  readonly trustAnchorCertificate: string | undefined;
}

const list = (values: readonly string[]): string => (values.length === 0 ? "none" : values.join(", "));

/** The HSM ports that self-referencing TCP (or all-traffic) rules leave uncovered. */
const uncoveredPorts = (rules: readonly IpPermission[], groupId: string): number[] => {
  const covered = new Set<number>();
  for (const rule of rules) {
    const protocol = rule.IpProtocol;
    if (protocol !== "tcp" && protocol !== "6" && protocol !== "-1") continue;
    if (!(rule.UserIdGroupPairs ?? []).some((g) => g.GroupId === groupId)) continue;
    const all = protocol === "-1" || rule.FromPort === undefined || rule.FromPort === -1;
    for (const port of HSM_PORTS) {
      if (all || (port >= (rule.FromPort ?? 0) && port <= (rule.ToPort ?? rule.FromPort ?? 0)))
        covered.add(port);
    }
  }
  return HSM_PORTS.filter((p) => !covered.has(p));
};

const describeRule = (rule: IpPermission): string => {
  const ports =
    rule.IpProtocol === "-1"
      ? "all traffic"
      : `${rule.IpProtocol ?? "?"} ${rule.FromPort ?? "?"}-${rule.ToPort ?? "?"}`;
  const peers = [
    ...(rule.UserIdGroupPairs ?? []).map((g) => g.GroupId ?? "?"),
    ...(rule.IpRanges ?? []).map((r) => r.CidrIp ?? "?"),
  ];
  return `${ports} with ${list(peers)}`;
};

/** A distinguished name as Node.js prints it (one attribute a line), on one line. */
const oneLine = (dn: string): string => dn.split("\n").join(", ");

async function trustAnchorCheck(
  ctx: CloudHsmCheckContext,
  cluster: Cluster,
  set: CheckSet<"cloudhsm">,
): Promise<void> {
  const id = "cloudhsm-trust-anchor";
  const clusterId = cluster.ClusterId ?? ctx.clusterId ?? "the cluster";
  const certificate = cluster.Certificates?.ClusterCertificate;
  if (certificate === undefined || certificate === "") {
    return set.set(
      id,
      "unknown",
      `cluster ${clusterId} reports no cluster certificate (state ${cluster.State ?? "unknown"}); it has one once initialized`,
    );
  }
  if (ctx.trustAnchorCertificate === undefined || ctx.trustAnchorCertificate === "") {
    return set.set(
      id,
      "unknown",
      "DescribeCustomKeyStores did not return the store's TrustAnchorCertificate",
    );
  }
  let X509: typeof import("node:crypto").X509Certificate;
  try {
    X509 = (await import("node:crypto")).X509Certificate;
  } catch {
    return set.set(id, "unknown", "node:crypto X509Certificate is not available in this runtime");
  }
  let anchor: InstanceType<typeof X509>;
  try {
    anchor = new X509(ctx.trustAnchorCertificate);
  } catch {
    return set.set(id, "fail", "the store's TrustAnchorCertificate is not a valid PEM X.509 certificate");
  }
  let cert: InstanceType<typeof X509>;
  try {
    cert = new X509(certificate);
  } catch {
    return set.set(id, "unknown", `the cluster certificate of ${clusterId} could not be parsed`);
  }
  if (!cert.checkIssued(anchor)) {
    return set.set(
      id,
      "fail",
      `the cluster certificate of ${clusterId} was issued by "${oneLine(cert.issuer)}", not by the trust anchor "${oneLine(anchor.subject)}"`,
    );
  }
  if (!cert.verify(anchor.publicKey)) {
    return set.set(
      id,
      "fail",
      `the trust anchor's subject "${oneLine(anchor.subject)}" names the cluster certificate's issuer, but its public key does not verify the certificate's signature`,
    );
  }
  set.set(
    id,
    "pass",
    `the cluster certificate of ${clusterId} was issued and signed by the trust anchor "${oneLine(anchor.subject)}"`,
  );
}

async function subnetChecks(
  caller: AwsCaller,
  cluster: Cluster,
  set: CheckSet<"cloudhsm">,
  vars: Record<string, string | undefined>,
): Promise<void> {
  const ids = [...new Set(Object.values(cluster.SubnetMapping ?? {}))];
  if (ids.length === 0) {
    return set.setAll(
      ["cloudhsm-subnets-exist", "cloudhsm-subnets-free-ips"],
      "unknown",
      "the cluster reports no subnets",
    );
  }
  const result = await caller.call<{
    Subnets?: readonly { SubnetId?: string; AvailableIpAddressCount?: number }[];
  }>("ec2", "DescribeSubnets", { Filters: [{ Name: "subnet-id", Values: ids }] }, EC2_PURPOSE);
  if (!result.ok)
    return set.setAll(["cloudhsm-subnets-exist", "cloudhsm-subnets-free-ips"], "unknown", result.evidence);
  const found = (result.value.Subnets ?? []).filter(
    (s) => s.SubnetId !== undefined && ids.includes(s.SubnetId),
  );
  const missing = ids.filter((id) => !found.some((s) => s.SubnetId === id));
  set.set(
    "cloudhsm-subnets-exist",
    missing.length === 0 ? "pass" : "fail",
    missing.length === 0
      ? `all ${ids.length} cluster subnets exist: ${list(ids)}`
      : `subnet(s) ${list(missing)} no longer exist`,
  );
  const counts = found.map((s) => `${s.SubnetId}: ${s.AvailableIpAddressCount ?? "?"} free`);
  const full = found.filter((s) => (s.AvailableIpAddressCount ?? 0) < 1);
  vars["subnet-id"] = full[0]?.SubnetId ?? missing[0] ?? ids[0];
  if (full.length > 0) {
    set.set(
      "cloudhsm-subnets-free-ips",
      "fail",
      `no free IP address in ${list(full.map((s) => s.SubnetId ?? "?"))} (${counts.join("; ")})`,
    );
  } else if (missing.length > 0) {
    set.set(
      "cloudhsm-subnets-free-ips",
      "unknown",
      `cannot count free addresses in missing subnet(s) ${list(missing)} (${counts.join("; ") || "no subnet found"})`,
    );
  } else {
    set.set("cloudhsm-subnets-free-ips", "pass", counts.join("; "));
  }
}

async function securityGroupChecks(
  caller: AwsCaller,
  cluster: Cluster,
  set: CheckSet<"cloudhsm">,
): Promise<void> {
  const both = ["cloudhsm-sg-inbound", "cloudhsm-sg-outbound"] as const;
  const sg = cluster.SecurityGroup;
  if (sg === undefined || sg === "")
    return set.setAll(both, "unknown", "the cluster reports no security group");
  const result = await caller.call<{
    SecurityGroups?: readonly {
      GroupId?: string;
      IpPermissions?: IpPermission[];
      IpPermissionsEgress?: IpPermission[];
    }[];
  }>("ec2", "DescribeSecurityGroups", { GroupIds: [sg] }, EC2_PURPOSE);
  if (!result.ok) {
    if (result.code === "InvalidGroup.NotFound")
      return set.setAll(both, "fail", `security group ${sg} does not exist`);
    return set.setAll(both, "unknown", result.evidence);
  }
  const group = result.value.SecurityGroups?.find((g) => g.GroupId === sg);
  if (group === undefined) return set.setAll(both, "fail", `security group ${sg} does not exist`);
  for (const [id, rules, direction, peer] of [
    ["cloudhsm-sg-inbound", group.IpPermissions ?? [], "inbound", "from"],
    ["cloudhsm-sg-outbound", group.IpPermissionsEgress ?? [], "outbound", "to"],
  ] as const) {
    const missing = uncoveredPorts(rules, sg);
    if (missing.length === 0) set.set(id, "pass", `${sg} allows ${direction} TCP 2223-2225 ${peer} itself`);
    else {
      set.set(
        id,
        "fail",
        `${sg} does not allow ${direction} TCP ${missing.join(", ")} ${peer} itself (${direction} rules: ${list(rules.map(describeRule))})`,
      );
    }
  }
}

/**
 * Runs every check of an AWS CloudHSM key store.
 *
 * @param ctx - The store's settings and the clients.
 * @returns The checks, in `REQUIREMENTS` order; never rejects.
 * @internal
 */
export async function cloudHsmChecks(ctx: CloudHsmCheckContext): Promise<DeepCheck[]> {
  const set = new CheckSet("cloudhsm");
  const vars: Record<string, string | undefined> = {
    "custom-key-store-id": ctx.customKeyStoreId,
    "cluster-id": ctx.clusterId,
    region: ctx.region,
  };
  const clusterId = ctx.clusterId;
  if (clusterId === undefined) {
    set.setRest("unknown", "DescribeCustomKeyStores did not return the store's CloudHsmClusterId");
    return set.build(vars);
  }
  const result = await ctx.caller.call<{ Clusters?: readonly Cluster[] }>(
    "cloudhsm",
    "DescribeClusters",
    { Filters: { clusterIds: [clusterId] } },
    PURPOSE,
  );
  if (!result.ok) {
    set.setRest("unknown", result.evidence);
    return set.build(vars);
  }
  const cluster = result.value.Clusters?.find((c) => c.ClusterId === clusterId);
  if (cluster === undefined) {
    set.set(
      "cloudhsm-cluster-exists",
      "fail",
      `DescribeClusters returns no cluster ${clusterId}${ctx.region === undefined ? "" : ` in ${ctx.region}`}`,
    );
    set.setRest("unknown", `cluster ${clusterId} was not found`);
    return set.build(vars);
  }
  vars["security-group-id"] = cluster.SecurityGroup;
  set.set("cloudhsm-cluster-exists", "pass", `found cluster ${clusterId}`);
  set.set(
    "cloudhsm-cluster-active",
    cluster.State === "ACTIVE" ? "pass" : "fail",
    `cluster ${clusterId} is ${cluster.State ?? "in an unreported state"}`,
  );
  const hsms = cluster.Hsms ?? [];
  const active = hsms.filter((h) => h.State === "ACTIVE");
  const zones = [...new Set(active.map((h) => h.AvailabilityZone ?? "?"))];
  const hsmSummary = `${active.length} of ${hsms.length} HSM(s) ACTIVE${hsms.length > 0 ? ` (${list(hsms.map((h) => `${h.HsmId ?? "?"} ${h.State ?? "?"} in ${h.AvailabilityZone ?? "?"}`))})` : ""}`;
  set.set("cloudhsm-active-hsm", active.length >= 1 ? "pass" : "fail", hsmSummary);
  set.set(
    "cloudhsm-hsms-multi-az",
    zones.length >= 2 ? "pass" : "fail",
    `ACTIVE HSMs in ${zones.length} Availability Zone(s): ${list(zones)}`,
  );
  const mapping = cluster.SubnetMapping ?? {};
  const subnetZones = Object.keys(mapping);
  vars["subnet-id"] = Object.values(mapping)[0];
  set.set(
    "cloudhsm-subnets-multi-az",
    subnetZones.length >= 2 ? "pass" : "fail",
    `cluster subnets in ${subnetZones.length} Availability Zone(s): ${list(Object.entries(mapping).map(([az, s]) => `${s} (${az})`))}`,
  );
  await subnetChecks(ctx.caller, cluster, set, vars);
  await securityGroupChecks(ctx.caller, cluster, set);
  await trustAnchorCheck(ctx, cluster, set);
  return set.build(vars);
}
