/**
 * The Elastic Load Balancing v2 (awsQuery) operations the deep checks call, answered from the
 * {@link AwsModel}.
 */
import type { AwsModel } from "./model.js";
import { AwsServiceError, answerQuery, el, list, listParam, type QueryService, xml } from "./protocol.js";

/** @internal */
export const ELBV2_VERSION = "2015-12-01";
const ELBV2_NS = `http://elasticloadbalancing.amazonaws.com/doc/${ELBV2_VERSION}/`;

type ElbOperation = (params: URLSearchParams, model: AwsModel) => string;

const OPERATIONS: Readonly<Record<string, ElbOperation>> = {
  DescribeLoadBalancers(params, model) {
    const arns = listParam(params, "LoadBalancerArns.member");
    for (const arn of arns) {
      if (!model.loadBalancers.some((lb) => lb.arn === arn)) {
        throw new AwsServiceError("LoadBalancerNotFound", `Load balancers '[${arn}]' not found`);
      }
    }
    const selected = model.loadBalancers.filter((lb) => arns.length === 0 || arns.includes(lb.arn));
    return list("LoadBalancers", "member", selected, (lb) =>
      xml(
        el("LoadBalancerArn", lb.arn),
        el("DNSName", `${lb.name}.elb.amazonaws.com`),
        el("LoadBalancerName", lb.name),
        el("Scheme", lb.scheme),
        el("VpcId", lb.vpcId),
        el("State", xml(el("Code", lb.state))),
        el("Type", lb.type),
        list("AvailabilityZones", "member", lb.availabilityZones, (z) =>
          xml(el("ZoneName", z.zoneName), el("SubnetId", z.subnetId)),
        ),
        el("IpAddressType", "ipv4"),
      ),
    );
  },
  DescribeListeners(params, model) {
    const lbArn = params.get("LoadBalancerArn");
    const arns = listParam(params, "ListenerArns.member");
    if (lbArn !== null && !model.loadBalancers.some((lb) => lb.arn === lbArn)) {
      throw new AwsServiceError("LoadBalancerNotFound", `Load balancer '${lbArn}' not found`);
    }
    const selected = model.listeners.filter(
      (l) => (lbArn === null || l.loadBalancerArn === lbArn) && (arns.length === 0 || arns.includes(l.arn)),
    );
    return list("Listeners", "member", selected, (l) =>
      xml(
        el("ListenerArn", l.arn),
        el("LoadBalancerArn", l.loadBalancerArn),
        el("Port", l.port),
        el("Protocol", l.protocol),
        list("DefaultActions", "member", l.targetGroupArns, (tg) =>
          xml(el("Type", "forward"), el("TargetGroupArn", tg)),
        ),
      ),
    );
  },
  DescribeTargetGroups(params, model) {
    const lbArn = params.get("LoadBalancerArn");
    const arns = listParam(params, "TargetGroupArns.member");
    for (const arn of arns) {
      if (!model.targetGroups.some((tg) => tg.arn === arn)) {
        throw new AwsServiceError("TargetGroupNotFound", `Target groups '[${arn}]' not found`);
      }
    }
    const selected = model.targetGroups.filter(
      (tg) =>
        (lbArn === null || tg.loadBalancerArns.includes(lbArn)) &&
        (arns.length === 0 || arns.includes(tg.arn)),
    );
    return list("TargetGroups", "member", selected, (tg) =>
      xml(
        el("TargetGroupArn", tg.arn),
        el("TargetGroupName", tg.name),
        el("Protocol", tg.protocol),
        el("Port", tg.port),
        el("HealthCheckProtocol", "TCP"),
        el("HealthCheckPort", "traffic-port"),
        el("TargetType", tg.targetType),
        list("LoadBalancerArns", "member", tg.loadBalancerArns, (a) => a),
      ),
    );
  },
  DescribeTargetHealth(params, model) {
    const arn = params.get("TargetGroupArn") ?? "";
    const group = model.targetGroups.find((tg) => tg.arn === arn);
    if (group === undefined)
      throw new AwsServiceError("TargetGroupNotFound", `Target groups '[${arn}]' not found`);
    return list("TargetHealthDescriptions", "member", group.targets, (t) =>
      xml(
        el("Target", xml(el("Id", t.id), el("Port", t.port))),
        el("HealthCheckPort", String(t.port)),
        el("TargetHealth", xml(el("State", t.health))),
      ),
    );
  },
};

const ELBV2_SERVICE: QueryService = {
  prefix: "elasticloadbalancing",
  unknownAction: (action) =>
    new AwsServiceError("InvalidAction", `Could not find operation ${action} for version ${ELBV2_VERSION}`),
  denied: (action, accountId) =>
    new AwsServiceError(
      "AccessDenied",
      `User: arn:aws:iam::${accountId}:user/diagnose is not authorized to perform: elasticloadbalancing:${action} because no identity-based policy allows the elasticloadbalancing:${action} action`,
      403,
    ),
  internalCode: "InternalFailure",
  ok: (action, inner, requestId) =>
    `<${action}Response xmlns="${ELBV2_NS}">${el(`${action}Result`, xml(inner))}${el(
      "ResponseMetadata",
      xml(el("RequestId", requestId)),
    )}</${action}Response>`,
  error: (e, requestId) =>
    `<ErrorResponse xmlns="${ELBV2_NS}">${el(
      "Error",
      xml(el("Type", e.status >= 500 ? "Receiver" : "Sender"), el("Code", e.code), el("Message", e.message)),
    )}${el("RequestId", requestId)}</ErrorResponse>`,
};

/**
 * Answers one ELBv2 awsQuery request.
 *
 * @param params - The form parameters (`Action`, `Version`, …).
 * @param model - The model.
 * @param requestId - The request id to report.
 * @returns The HTTP status and XML body.
 * @internal
 */
export const handleElbv2 = (
  params: URLSearchParams,
  model: AwsModel,
  requestId: string,
): { status: number; body: string } => answerQuery(ELBV2_SERVICE, OPERATIONS, params, model, requestId);
