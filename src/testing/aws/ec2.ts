/**
 * The EC2 query-protocol operations the deep checks call, answered from the {@link AwsModel}.
 */
import type { AwsModel, IpPermissionRecord, VpcEndpointServiceRecord } from "./model.js";
import {
  AwsServiceError,
  answerQuery,
  el,
  filters,
  list,
  listParam,
  type QueryService,
  xml,
} from "./protocol.js";

/** @internal */
export const EC2_VERSION = "2016-11-15";
const EC2_NS = `http://ec2.amazonaws.com/doc/${EC2_VERSION}/`;

const principalType = (principal: string): string => {
  if (principal === "*") return "All";
  if (!principal.startsWith("arn:")) return "Service";
  if (principal.endsWith(":root")) return "Account";
  return principal.includes(":role/") ? "Role" : "User";
};

const serviceTypeXml = (s: VpcEndpointServiceRecord): string =>
  list("serviceType", "item", [s.serviceType], (t) => xml(el("serviceType", t)));

const configurationXml = (s: VpcEndpointServiceRecord): { xml: string } =>
  xml(
    serviceTypeXml(s),
    el("serviceId", s.serviceId),
    el("serviceName", s.serviceName),
    el("serviceState", s.state),
    list("availabilityZoneSet", "item", s.availabilityZones, (z) => z),
    el("acceptanceRequired", s.acceptanceRequired),
    el("managesVpcEndpoints", false),
    list("networkLoadBalancerArnSet", "item", s.networkLoadBalancerArns, (a) => a),
    list("gatewayLoadBalancerArnSet", "item", s.gatewayLoadBalancerArns, (a) => a),
    list(
      "baseEndpointDnsNameSet",
      "item",
      [`${s.serviceId}.${s.serviceName.split(".")[3] ?? ""}.vpce.amazonaws.com`],
      (d) => d,
    ),
    el("privateDnsName", s.privateDnsName),
    s.privateDnsName === undefined
      ? ""
      : el(
          "privateDnsNameConfiguration",
          xml(
            el("state", s.privateDnsVerificationState),
            el("type", "TXT"),
            el("value", `vpce:${s.serviceId}`),
            el("name", `_${s.serviceId}`),
          ),
        ),
  );

const detailXml = (s: VpcEndpointServiceRecord): { xml: string } =>
  xml(
    el("serviceName", s.serviceName),
    el("serviceId", s.serviceId),
    serviceTypeXml(s),
    list("availabilityZoneSet", "item", s.availabilityZones, (z) => z),
    el("owner", s.owner),
    el("privateDnsName", s.privateDnsName),
    s.privateDnsName === undefined
      ? ""
      : list("privateDnsNameSet", "item", [s.privateDnsName], (n) => xml(el("privateDnsName", n))),
    el("vpcEndpointPolicySupported", true),
    el("acceptanceRequired", s.acceptanceRequired),
    el("managesVpcEndpoints", false),
    el(
      "privateDnsNameVerificationState",
      s.privateDnsName === undefined ? undefined : s.privateDnsVerificationState,
    ),
  );

const permissionsXml = (rules: readonly IpPermissionRecord[], ownerId: string): string =>
  rules
    .map((r) =>
      el(
        "item",
        xml(
          el("ipProtocol", r.ipProtocol),
          el("fromPort", r.fromPort),
          el("toPort", r.toPort),
          list("groups", "item", r.groupIds, (g) => xml(el("userId", ownerId), el("groupId", g))),
          list("ipRanges", "item", r.cidrs, (c) => xml(el("cidrIp", c))),
        ),
      ),
    )
    .join("");

type Ec2Operation = (params: URLSearchParams, model: AwsModel) => string;

const notFoundService = (id: string): AwsServiceError =>
  new AwsServiceError(
    "InvalidVpcEndpointServiceId.NotFound",
    `The Vpc Endpoint Service Id '${id}' does not exist`,
  );

const OPERATIONS: Readonly<Record<string, Ec2Operation>> = {
  DescribeVpcEndpointServiceConfigurations(params, model) {
    const ids = listParam(params, "ServiceId");
    const names = filters(params).get("service-name");
    const own = model.vpcEndpointServices.filter((s) => s.owner === model.accountId);
    for (const id of ids) if (!own.some((s) => s.serviceId === id)) throw notFoundService(id);
    const selected = own.filter(
      (s) =>
        (ids.length === 0 || ids.includes(s.serviceId)) &&
        (names === undefined || names.includes(s.serviceName)),
    );
    return list("serviceConfigurationSet", "item", selected, configurationXml);
  },
  DescribeVpcEndpointServices(params, model) {
    const names = listParam(params, "ServiceName");
    for (const name of names) {
      if (!model.vpcEndpointServices.some((s) => s.serviceName === name)) {
        throw new AwsServiceError("InvalidServiceName", `The Vpc Endpoint Service '${name}' does not exist`);
      }
    }
    const selected = model.vpcEndpointServices.filter(
      (s) => names.length === 0 || names.includes(s.serviceName),
    );
    return (
      list("serviceNameSet", "item", selected, (s) => s.serviceName) +
      list("serviceDetailSet", "item", selected, detailXml)
    );
  },
  DescribeVpcEndpointServicePermissions(params, model) {
    const id = params.get("ServiceId") ?? "";
    const service = model.vpcEndpointServices.find((s) => s.serviceId === id && s.owner === model.accountId);
    if (service === undefined) throw notFoundService(id);
    return list("allowedPrincipals", "item", service.allowedPrincipals, (p) =>
      xml(el("principalType", principalType(p)), el("principal", p), el("serviceId", service.serviceId)),
    );
  },
  DescribeSubnets(params, model) {
    const ids = listParam(params, "SubnetId");
    const filtered = filters(params).get("subnet-id");
    for (const id of ids) {
      if (!model.subnets.some((s) => s.subnetId === id)) {
        throw new AwsServiceError("InvalidSubnetID.NotFound", `The subnet ID '${id}' does not exist`);
      }
    }
    const selected = model.subnets.filter(
      (s) =>
        (ids.length === 0 || ids.includes(s.subnetId)) &&
        (filtered === undefined || filtered.includes(s.subnetId)),
    );
    return list("subnetSet", "item", selected, (s) =>
      xml(
        el("subnetId", s.subnetId),
        el("state", "available"),
        el("vpcId", s.vpcId),
        el("ownerId", model.accountId),
        el("cidrBlock", s.cidrBlock),
        el("availableIpAddressCount", s.availableIpAddressCount),
        el("availabilityZone", s.availabilityZone),
        el("defaultForAz", false),
        el("mapPublicIpOnLaunch", false),
      ),
    );
  },
  DescribeSecurityGroups(params, model) {
    const ids = listParam(params, "GroupId");
    for (const id of ids) {
      if (!model.securityGroups.some((g) => g.groupId === id)) {
        throw new AwsServiceError("InvalidGroup.NotFound", `The security group '${id}' does not exist`);
      }
    }
    const selected = model.securityGroups.filter((g) => ids.length === 0 || ids.includes(g.groupId));
    return list("securityGroupInfo", "item", selected, (g) =>
      xml(
        el("ownerId", model.accountId),
        el("groupId", g.groupId),
        el("groupName", g.groupName),
        el("groupDescription", g.groupName),
        el("vpcId", g.vpcId),
        el("ipPermissions", xml(permissionsXml(g.ingress, model.accountId))),
        el("ipPermissionsEgress", xml(permissionsXml(g.egress, model.accountId))),
      ),
    );
  },
};

const EC2_SERVICE: QueryService = {
  prefix: "ec2",
  unknownAction: (action) =>
    new AwsServiceError("InvalidAction", `The action ${action} is not valid for this web service.`),
  denied: (action, accountId) =>
    new AwsServiceError(
      "UnauthorizedOperation",
      `You are not authorized to perform this operation. User: arn:aws:iam::${accountId}:user/diagnose is not authorized to perform: ec2:${action} because no identity-based policy allows the ec2:${action} action`,
      403,
    ),
  internalCode: "InternalError",
  ok: (action, inner, requestId) =>
    `<?xml version="1.0" encoding="UTF-8"?>\n<${action}Response xmlns="${EC2_NS}">${el("requestId", requestId)}${inner}</${action}Response>`,
  error: (e, requestId) =>
    `<?xml version="1.0" encoding="UTF-8"?>\n<Response>${el(
      "Errors",
      xml(el("Error", xml(el("Code", e.code), el("Message", e.message)))),
    )}${el("RequestID", requestId)}</Response>`,
};

/**
 * Answers one EC2 query-protocol request.
 *
 * @param params - The form parameters (`Action`, `Version`, …).
 * @param model - The model.
 * @param requestId - The request id to report.
 * @returns The HTTP status and XML body.
 * @internal
 */
export const handleEc2 = (
  params: URLSearchParams,
  model: AwsModel,
  requestId: string,
): { status: number; body: string } => answerQuery(EC2_SERVICE, OPERATIONS, params, model, requestId);
