/**
 * Deep checks of an external key store's VPC endpoint service (kms-facts §8b): what
 * `DescribeVpcEndpointServiceConfigurations`, `DescribeVpcEndpointServicePermissions`,
 * `DescribeVpcEndpointServices` and ELBv2 reveal about each requirement.
 */
import type { RequirementIdOf } from "../catalog/requirements.js";
import { CheckSet, type DeepCheck, idsOf } from "./check.js";
import type { AwsCaller, CallResult } from "./deep-support.js";

const PURPOSE = "VPC endpoint service checks";
const ELB_PURPOSE = "VPC endpoint service load balancer checks";

/** What both views of a service (the owner's configuration, the consumer's detail) report. */
interface ServiceFields {
  readonly ServiceId?: string;
  readonly ServiceName?: string;
  readonly ServiceType?: readonly { readonly ServiceType?: string }[];
  readonly AvailabilityZones?: readonly string[];
  readonly AcceptanceRequired?: boolean;
  readonly PrivateDnsName?: string;
}

interface ServiceConfiguration extends ServiceFields {
  readonly ServiceState?: string;
  readonly NetworkLoadBalancerArns?: readonly string[];
  readonly GatewayLoadBalancerArns?: readonly string[];
  readonly PrivateDnsNameConfiguration?: { readonly State?: string };
}

interface ServiceDetail extends ServiceFields {
  readonly Owner?: string;
  readonly PrivateDnsNameVerificationState?: string;
}

interface LoadBalancer {
  readonly LoadBalancerArn?: string;
  readonly LoadBalancerName?: string;
  readonly Type?: string;
  readonly Scheme?: string;
  readonly State?: { readonly Code?: string };
  readonly AvailabilityZones?: readonly { readonly ZoneName?: string }[];
}

interface Listener {
  readonly Port?: number;
  readonly Protocol?: string;
  readonly DefaultActions?: readonly {
    readonly TargetGroupArn?: string;
    readonly ForwardConfig?: { readonly TargetGroups?: readonly { readonly TargetGroupArn?: string }[] };
  }[];
}

interface TargetGroup {
  readonly TargetGroupArn?: string;
  readonly TargetGroupName?: string;
  readonly TargetType?: string;
}

/** What the caller can see of the service: the owner's configuration, or the consumer view. */
interface ServiceView {
  readonly serviceId: string;
  readonly types: readonly string[];
  readonly zones: readonly string[];
  readonly acceptanceRequired: boolean | undefined;
  readonly privateDnsName: string | undefined;
  readonly verification: string | undefined;
  /** Owner view only. */
  readonly owner?: {
    readonly state: string | undefined;
    readonly nlbArns: readonly string[];
    readonly gwlbArns: readonly string[];
  };
  /** Consumer view: why owner-only checks are unknown. */
  readonly ownerOnly?: string;
}

/**
 * What the VPC checks need to know about the store.
 * @internal
 */
export interface VpcCheckContext {
  readonly caller: AwsCaller;
  readonly customKeyStoreId: string;
  /** The key store's Region (the KMS client's), when known. */
  readonly region: string | undefined;
  readonly serviceName: string;
  readonly uriEndpoint: string | undefined;
  /** Ids of the other stores that use the same service name, or evidence of why unknown. */
  readonly otherStoresUsing: (serviceName: string) => Promise<CallResult<readonly string[]>>;
}

/** The checks that read the Network Load Balancers (ELBv2). */
const ELB_IDS = idsOf("xks-vpc", "elbv2");

const SERVICE_NAME = /^com\.amazonaws\.vpce\.([a-z0-9-]+)\.(vpce-svc-[0-9a-z]+)$/;

/** The part of the view both sources fill alike. */
const viewOf = (s: ServiceFields, name: string, verification: string | undefined): ServiceView => ({
  serviceId: s.ServiceId ?? name,
  types: (s.ServiceType ?? []).map((t) => t.ServiceType).filter((t): t is string => t !== undefined),
  zones: s.AvailabilityZones ?? [],
  acceptanceRequired: s.AcceptanceRequired,
  privateDnsName: s.PrivateDnsName,
  verification,
});

const names = (values: readonly string[]): string => (values.length === 0 ? "none" : values.join(", "));

/**
 * Finds the service: the owner's configuration first, else the consumer view.
 */
async function findService(ctx: VpcCheckContext, set: CheckSet<"xks-vpc">): Promise<ServiceView | undefined> {
  const name = ctx.serviceName;
  const cfg = await ctx.caller.call<{ ServiceConfigurations?: readonly ServiceConfiguration[] }>(
    "ec2",
    "DescribeVpcEndpointServiceConfigurations",
    { Filters: [{ Name: "service-name", Values: [name] }] },
    PURPOSE,
  );
  if (!cfg.ok && cfg.missing === true) {
    set.setRest("unknown", cfg.evidence);
    return undefined;
  }
  const config = cfg.ok ? cfg.value.ServiceConfigurations?.find((s) => s.ServiceName === name) : undefined;
  if (config !== undefined) {
    return {
      ...viewOf(config, name, config.PrivateDnsNameConfiguration?.State),
      owner: {
        state: config.ServiceState,
        nlbArns: config.NetworkLoadBalancerArns ?? [],
        gwlbArns: config.GatewayLoadBalancerArns ?? [],
      },
    };
  }
  const detail = await ctx.caller.call<{ ServiceDetails?: readonly ServiceDetail[] }>(
    "ec2",
    "DescribeVpcEndpointServices",
    { ServiceNames: [name] },
    PURPOSE,
  );
  const found = detail.ok ? detail.value.ServiceDetails?.find((s) => s.ServiceName === name) : undefined;
  const ownEvidence = cfg.ok ? `${name} is not among the caller's own services` : cfg.evidence;
  if (found === undefined) {
    if (detail.ok || detail.code === "InvalidServiceName") {
      set.set(
        "xks-vpc-service-exists",
        "fail",
        `no VPC endpoint service named ${name} is visible to the caller (${ownEvidence}; DescribeVpcEndpointServices does not list it)`,
      );
      set.setRest("unknown", `the VPC endpoint service ${name} was not found`);
    } else {
      set.setRest("unknown", `${ownEvidence}; ${detail.evidence}`);
    }
    return undefined;
  }
  const ownerOnly = cfg.ok
    ? `owned by account ${found.Owner ?? "unknown"}; run the check as the owner`
    : `${cfg.evidence}; the consumer view (DescribeVpcEndpointServices) does not show this`;
  return { ...viewOf(found, name, found.PrivateDnsNameVerificationState), ownerOnly };
}

async function principalCheck(
  ctx: VpcCheckContext,
  view: ServiceView,
  kmsRegion: string | undefined,
  set: CheckSet<"xks-vpc">,
) {
  const id = "xks-vpc-kms-principal-allowed";
  if (view.owner === undefined) return set.set(id, "unknown", view.ownerOnly ?? "owner view unavailable");
  if (kmsRegion === undefined) return set.set(id, "unknown", "the key store's Region is unknown");
  const expected = `cks.kms.${kmsRegion}.amazonaws.com`;
  const perms = await ctx.caller.call<{ AllowedPrincipals?: readonly { Principal?: string }[] }>(
    "ec2",
    "DescribeVpcEndpointServicePermissions",
    { ServiceId: view.serviceId },
    PURPOSE,
  );
  if (!perms.ok) return set.set(id, "unknown", perms.evidence);
  const principals = (perms.value.AllowedPrincipals ?? [])
    .map((p) => p.Principal)
    .filter((p): p is string => p !== undefined);
  if (principals.includes(expected)) {
    return set.set(id, "pass", `${expected} is an allowed principal of ${view.serviceId}`);
  }
  if (principals.includes("*")) {
    return set.set(id, "pass", `${view.serviceId} allows every principal (*), which includes ${expected}`);
  }
  set.set(
    id,
    "fail",
    `${expected} is not among the allowed principals of ${view.serviceId} (${names(principals)})`,
  );
}

function serviceChecks(ctx: VpcCheckContext, view: ServiceView, set: CheckSet<"xks-vpc">): void {
  const sid = view.serviceId;
  set.set(
    "xks-vpc-service-exists",
    "pass",
    view.owner === undefined
      ? `found ${sid} (${ctx.serviceName}) in the consumer view; ${view.ownerOnly ?? ""}`
      : `found ${sid} (${ctx.serviceName}) among the caller's own services`,
  );
  set.set(
    "xks-vpc-interface-service",
    view.types.includes("Interface") ? "pass" : "fail",
    `serviceType is ${names(view.types)} on ${sid}`,
  );
  if (view.owner === undefined) {
    set.setAll(
      ["xks-vpc-network-load-balancer", "xks-vpc-service-available"],
      "unknown",
      view.ownerOnly ?? "",
    );
  } else {
    const { nlbArns, gwlbArns, state } = view.owner;
    if (gwlbArns.length > 0) {
      set.set(
        "xks-vpc-network-load-balancer",
        "fail",
        `${sid} is on Gateway Load Balancer(s) ${names(gwlbArns)}`,
      );
    } else if (nlbArns.length === 0) {
      set.set("xks-vpc-network-load-balancer", "fail", `${sid} has no Network Load Balancer`);
    } else {
      set.set(
        "xks-vpc-network-load-balancer",
        "pass",
        `${sid} is on Network Load Balancer(s) ${names(nlbArns)}`,
      );
    }
    set.set(
      "xks-vpc-service-available",
      state === "Available" ? "pass" : "fail",
      `serviceState is ${state ?? "not reported"} on ${sid}`,
    );
  }
  set.set(
    "xks-vpc-service-multi-az",
    view.zones.length >= 2 ? "pass" : "fail",
    `${sid} is in ${view.zones.length} Availability Zone(s): ${names(view.zones)}`,
  );
  if (view.acceptanceRequired === undefined) {
    set.set("xks-vpc-acceptance-not-required", "unknown", `acceptanceRequired is not reported for ${sid}`);
  } else {
    set.set(
      "xks-vpc-acceptance-not-required",
      view.acceptanceRequired ? "fail" : "pass",
      `acceptanceRequired is ${view.acceptanceRequired} on ${sid}`,
    );
  }
  const dns = view.privateDnsName;
  if (dns === undefined || dns === "") {
    set.set("xks-vpc-private-dns-name", "fail", `${sid} has no private DNS name`);
    set.set("xks-vpc-private-dns-verified", "unknown", `${sid} has no private DNS name to verify`);
  } else {
    set.set("xks-vpc-private-dns-name", "pass", `privateDnsName is ${dns} on ${sid}`);
    if (view.verification === undefined) {
      set.set("xks-vpc-private-dns-verified", "unknown", `the verification state of ${dns} is not reported`);
    } else {
      set.set(
        "xks-vpc-private-dns-verified",
        view.verification === "verified" ? "pass" : "fail",
        `domain verification state of ${dns} is ${view.verification}`,
      );
    }
  }
  const uri = ctx.uriEndpoint;
  const uriId = "xks-vpc-uri-endpoint-matches";
  if (uri === undefined) set.set(uriId, "fail", "the key store has no XksProxyUriEndpoint");
  else if (dns === undefined || dns === "") {
    set.set(uriId, "fail", `XksProxyUriEndpoint is ${uri}, but ${sid} has no private DNS name`);
  } else if (uri.toLowerCase() === `https://${dns}`.toLowerCase()) {
    set.set(uriId, "pass", `XksProxyUriEndpoint is ${uri}: https:// + the private DNS name of ${sid}`);
  } else {
    set.set(
      uriId,
      "fail",
      `XksProxyUriEndpoint is ${uri}, expected https://${dns} (the private DNS name of ${sid})`,
    );
  }
}

async function loadBalancerChecks(
  ctx: VpcCheckContext,
  nlbArns: readonly string[],
  set: CheckSet<"xks-vpc">,
  vars: Record<string, string | undefined>,
): Promise<void> {
  const lbs = await ctx.caller.call<{ LoadBalancers?: readonly LoadBalancer[] }>(
    "elbv2",
    "DescribeLoadBalancers",
    { LoadBalancerArns: [...nlbArns] },
    ELB_PURPOSE,
  );
  if (!lbs.ok) return set.setAll(ELB_IDS, "unknown", lbs.evidence);
  const list = lbs.value.LoadBalancers ?? [];
  const label = (lb: LoadBalancer) => lb.LoadBalancerName ?? lb.LoadBalancerArn ?? "load balancer";
  const verdict = (
    id: RequirementIdOf<"xks-vpc">,
    ok: (lb: LoadBalancer) => boolean,
    describe: (lb: LoadBalancer) => string,
  ) =>
    set.set(
      id,
      list.length > 0 && list.every(ok) ? "pass" : "fail",
      list.map((lb) => `${label(lb)}: ${describe(lb)}`).join("; ") || "no load balancer described",
    );
  verdict(
    "xks-nlb-internal",
    (lb) => lb.Type === "network" && lb.Scheme === "internal",
    (lb) => `type ${lb.Type ?? "unknown"}, scheme ${lb.Scheme ?? "unknown"}`,
  );
  verdict(
    "xks-nlb-active",
    (lb) => lb.State?.Code === "active",
    (lb) => `state ${lb.State?.Code ?? "unknown"}`,
  );
  const zones = (lb: LoadBalancer) => (lb.AvailabilityZones ?? []).map((z) => z.ZoneName ?? "?");
  verdict(
    "xks-nlb-multi-az",
    (lb) => new Set(zones(lb)).size >= 2,
    (lb) => `${zones(lb).length} Availability Zone(s): ${names(zones(lb))}`,
  );

  const targetGroupArns: string[] = [];
  const listenerEvidence: string[] = [];
  let allHaveListener = list.length > 0;
  for (const lb of list) {
    const listeners = await ctx.caller.call<{ Listeners?: readonly Listener[] }>(
      "elbv2",
      "DescribeListeners",
      { LoadBalancerArn: lb.LoadBalancerArn },
      ELB_PURPOSE,
    );
    if (!listeners.ok) {
      set.setAll(
        ["xks-nlb-tcp-443-listener", "xks-nlb-ip-targets", "xks-nlb-healthy-target"],
        "unknown",
        listeners.evidence,
      );
      return;
    }
    const all = listeners.value.Listeners ?? [];
    const tcp443 = all.find((l) => l.Port === 443 && l.Protocol === "TCP");
    if (tcp443 === undefined) {
      allHaveListener = false;
      listenerEvidence.push(
        `${label(lb)} has no TCP 443 listener (listeners: ${names(all.map((l) => `${l.Protocol ?? "?"} ${l.Port ?? "?"}`))})`,
      );
    } else {
      listenerEvidence.push(`${label(lb)} has a TCP 443 listener`);
      for (const action of tcp443.DefaultActions ?? []) {
        if (action.TargetGroupArn !== undefined) targetGroupArns.push(action.TargetGroupArn);
        for (const tg of action.ForwardConfig?.TargetGroups ?? []) {
          if (tg.TargetGroupArn !== undefined) targetGroupArns.push(tg.TargetGroupArn);
        }
      }
    }
  }
  set.set(
    "xks-nlb-tcp-443-listener",
    allHaveListener ? "pass" : "fail",
    listenerEvidence.join("; ") || "no load balancer described",
  );
  const unique = [...new Set(targetGroupArns)];
  vars["target-group-arn"] = unique[0];
  if (unique.length === 0) {
    set.setAll(
      ["xks-nlb-ip-targets", "xks-nlb-healthy-target"],
      "unknown",
      "no TCP 443 listener forwards to a target group",
    );
    return;
  }
  const groups = await ctx.caller.call<{ TargetGroups?: readonly TargetGroup[] }>(
    "elbv2",
    "DescribeTargetGroups",
    { TargetGroupArns: unique },
    ELB_PURPOSE,
  );
  if (!groups.ok) {
    set.setAll(["xks-nlb-ip-targets", "xks-nlb-healthy-target"], "unknown", groups.evidence);
    return;
  }
  const tgs = groups.value.TargetGroups ?? [];
  const tgLabel = (tg: TargetGroup) => tg.TargetGroupName ?? tg.TargetGroupArn ?? "target group";
  set.set(
    "xks-nlb-ip-targets",
    tgs.length > 0 && tgs.every((tg) => tg.TargetType === "ip") ? "pass" : "fail",
    tgs.map((tg) => `${tgLabel(tg)}: target type ${tg.TargetType ?? "unknown"}`).join("; ") ||
      "no target group described",
  );
  let healthy = 0;
  const healthEvidence: string[] = [];
  for (const tg of tgs) {
    const health = await ctx.caller.call<{
      TargetHealthDescriptions?: readonly { TargetHealth?: { State?: string } }[];
    }>("elbv2", "DescribeTargetHealth", { TargetGroupArn: tg.TargetGroupArn }, ELB_PURPOSE);
    if (!health.ok) {
      set.set("xks-nlb-healthy-target", "unknown", health.evidence);
      return;
    }
    const states = (health.value.TargetHealthDescriptions ?? []).map(
      (d) => d.TargetHealth?.State ?? "unknown",
    );
    const ok = states.filter((s) => s === "healthy").length;
    healthy += ok;
    healthEvidence.push(
      `${ok} of ${states.length} target(s) healthy in ${tgLabel(tg)}${states.length > ok ? ` (${names(states)})` : ""}`,
    );
  }
  set.set(
    "xks-nlb-healthy-target",
    healthy >= 1 ? "pass" : "fail",
    healthEvidence.join("; ") || "no target group described",
  );
}

/**
 * Runs every check of an external key store with `VPC_ENDPOINT_SERVICE` connectivity.
 *
 * @param ctx - The store's settings and the clients.
 * @returns The checks, in `REQUIREMENTS` order; never rejects.
 * @internal
 */
export async function xksVpcChecks(ctx: VpcCheckContext): Promise<DeepCheck[]> {
  const set = new CheckSet("xks-vpc");
  const name = ctx.serviceName;
  const match = SERVICE_NAME.exec(name);
  const serviceRegion = match?.[1];
  const vars: Record<string, string | undefined> = {
    "custom-key-store-id": ctx.customKeyStoreId,
    "service-name": name,
    "service-id": match?.[2],
    region: ctx.region ?? serviceRegion,
  };
  if (serviceRegion === undefined) {
    set.set(
      "xks-vpc-same-region",
      "fail",
      `XksProxyVpcEndpointServiceName ${name} is not of the form com.amazonaws.vpce.<region>.vpce-svc-…`,
    );
  } else if (ctx.region === undefined) {
    set.set(
      "xks-vpc-same-region",
      "unknown",
      `could not read the KMS client's Region; the service is in ${serviceRegion}`,
    );
  } else {
    set.set(
      "xks-vpc-same-region",
      serviceRegion === ctx.region ? "pass" : "fail",
      serviceRegion === ctx.region
        ? `${name} is in ${serviceRegion}, the key store's Region`
        : `${name} is in ${serviceRegion}, but the key store is in ${ctx.region}`,
    );
  }
  const others = await ctx.otherStoresUsing(name);
  if (!others.ok) set.set("xks-vpc-service-unique", "unknown", others.evidence);
  else if (others.value.length === 0)
    set.set("xks-vpc-service-unique", "pass", `no other custom key store uses ${name}`);
  else
    set.set(
      "xks-vpc-service-unique",
      "fail",
      `${name} is also used by custom key store(s) ${others.value.join(", ")}`,
    );

  const view = await findService(ctx, set);
  if (view === undefined) return set.build(vars);
  vars["service-id"] = view.serviceId;
  vars["private-dns-name"] = view.privateDnsName;
  serviceChecks(ctx, view, set);
  await principalCheck(ctx, view, ctx.region ?? serviceRegion, set);
  if (view.owner === undefined) {
    set.setAll(ELB_IDS, "unknown", view.ownerOnly ?? "");
  } else if (view.owner.nlbArns.length === 0) {
    set.setAll(ELB_IDS, "unknown", `${view.serviceId} has no Network Load Balancer to inspect`);
  } else {
    vars["nlb-arn"] = view.owner.nlbArns[0];
    await loadBalancerChecks(ctx, view.owner.nlbArns, set, vars);
  }
  return set.build(vars);
}
