/**
 * The AWS CloudHSM v2 (JSON 1.1) operation the deep checks call, answered from the {@link AwsModel}.
 */
import type { AwsModel, CloudHsmClusterRecord } from "./model.js";
import { AwsServiceError } from "./protocol.js";

/** @internal */
export const CLOUDHSM_TARGET_PREFIX = "BaldrApiService.";

const clusterJson = (c: CloudHsmClusterRecord): Record<string, unknown> => ({
  ClusterId: c.clusterId,
  State: c.state,
  HsmType: c.hsmType,
  VpcId: c.vpcId,
  SecurityGroup: c.securityGroup,
  SubnetMapping: c.subnetMapping,
  CreateTimestamp: 1_700_000_000,
  BackupPolicy: "DEFAULT",
  Hsms: c.hsms.map((h) => ({
    ClusterId: c.clusterId,
    HsmId: h.hsmId,
    AvailabilityZone: h.availabilityZone,
    SubnetId: h.subnetId,
    EniId: `eni-${h.hsmId.slice(4)}`,
    EniIp: h.eniIp,
    State: h.state,
  })),
  Certificates: {
    ...(c.certificates.clusterCertificate === undefined
      ? {}
      : { ClusterCertificate: c.certificates.clusterCertificate }),
    ...(c.certificates.clusterCsr === undefined ? {} : { ClusterCsr: c.certificates.clusterCsr }),
  },
});

const asStrings = (value: unknown): string[] | undefined =>
  Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : undefined;

/**
 * Answers one CloudHSM v2 JSON 1.1 request.
 *
 * @param target - The `X-Amz-Target` header, e.g. `BaldrApiService.DescribeClusters`.
 * @param body - The JSON body.
 * @param model - The model.
 * @returns The HTTP status and JSON body.
 * @internal
 */
export const handleCloudHsm = (
  target: string,
  body: string,
  model: AwsModel,
): { status: number; body: string } => {
  const action = target.startsWith(CLOUDHSM_TARGET_PREFIX)
    ? target.slice(CLOUDHSM_TARGET_PREFIX.length)
    : target;
  try {
    if (action !== "DescribeClusters") {
      throw new AwsServiceError("UnknownOperationException", `Unknown operation ${action}`);
    }
    if (model.isDenied(`cloudhsm:${action}`)) {
      throw new AwsServiceError(
        "AccessDeniedException",
        `User: arn:aws:iam::${model.accountId}:user/diagnose is not authorized to perform: cloudhsm:${action} because no identity-based policy allows the cloudhsm:${action} action`,
      );
    }
    const input = (body === "" ? {} : JSON.parse(body)) as { Filters?: Record<string, unknown> };
    const ids = asStrings(input.Filters?.clusterIds);
    const states = asStrings(input.Filters?.states);
    const vpcIds = asStrings(input.Filters?.vpcIds);
    const selected = model.clusters.filter(
      (c) =>
        (ids === undefined || ids.includes(c.clusterId)) &&
        (states === undefined || states.includes(c.state)) &&
        (vpcIds === undefined || vpcIds.includes(c.vpcId)),
    );
    return { status: 200, body: JSON.stringify({ Clusters: selected.map(clusterJson) }) };
  } catch (error) {
    const e =
      error instanceof AwsServiceError
        ? error
        : new AwsServiceError("CloudHsmInvalidRequestException", String(error), 400);
    return { status: e.status, body: JSON.stringify({ __type: e.code, Message: e.message }) };
  }
};
