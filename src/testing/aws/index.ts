/**
 * The AWS emulator for deep key store checks: EC2, ELBv2 and CloudHSM v2 subsets over their real
 * wire protocols, from a scriptable model, plus sample trust-anchor certificates. Node.js only.
 */
export {
  CLUSTER_CERTIFICATE_PEM,
  IMPOSTOR_CA_PEM,
  TRUST_ANCHOR_PEM,
  UNRELATED_CA_PEM,
} from "./certificates.js";
export type { AwsEmulator, AwsEmulatorCall, AwsEmulatorOptions } from "./emulator.js";
export { startAwsEmulator } from "./emulator.js";
export type {
  CloudHsmClusterRecord,
  CloudHsmSetup,
  HsmRecord,
  IpPermissionRecord,
  ListenerRecord,
  LoadBalancerRecord,
  MetricSeriesRecord,
  SecurityGroupRecord,
  SubnetRecord,
  TargetGroupRecord,
  VpcEndpointServiceRecord,
  XksVpcSetup,
  XksVpcSetupOptions,
} from "./model.js";
export { AwsModel } from "./model.js";
