/**
 * The embedded KMS emulator: a real HTTP server speaking KMS's JSON 1.1 protocol, with a stateful
 * custom key store model and scriptable faults, for testing KMS error handling through the real SDK.
 * Node.js only.
 *
 * @packageDocumentation
 */

export type {
  AwsEmulator,
  AwsEmulatorCall,
  AwsEmulatorOptions,
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
} from "./aws/index.js";
export {
  AwsModel,
  CLUSTER_CERTIFICATE_PEM,
  IMPOSTOR_CA_PEM,
  startAwsEmulator,
  TRUST_ANCHOR_PEM,
  UNRELATED_CA_PEM,
} from "./aws/index.js";
export type {
  KmsEmulator,
  KmsEmulatorClientConfig,
  KmsEmulatorOptions,
  RecordedRequest,
} from "./emulator.js";
export { startKmsEmulator } from "./emulator.js";
export type {
  FailOptions,
  FailSpec,
  NetworkFault,
  ScriptedError,
  ScriptedNetworkFault,
} from "./faults.js";
export type {
  ConnectionErrorCode,
  ConnectionState,
  FaultTimes,
  KeyStoreControl,
  ProxyFaultControl,
} from "./key-stores.js";
export type { BackingStoreFault, CloudHsmFault, XksProxyFault } from "./proxy-faults.js";
export type {
  KmsCall,
  KmsScenario,
  ScriptedKmsFailure,
  ScriptedServiceError,
  ServiceCall,
  ServiceFailOptions,
  ServiceFailure,
  ServiceId,
  ServiceOperation,
  ServicesEmulator,
  ServicesEmulatorOptions,
  SfnKmsKeyState,
} from "./services/index.js";
export { KMS_SCENARIOS, SERVICE_IDS, SERVICE_OPERATIONS, startServicesEmulator } from "./services/index.js";
export type { XksProxyTarget } from "./xks-gateway.js";
export type {
  CallXksProxyOptions,
  EkmHealth,
  XksCallOutcome,
  XksCredential,
  XksErrorInfo,
  XksErrorName,
  XksFaultOptions,
  XksFaultTarget,
  XksOperation,
  XksProxy,
  XksProxyFault as XksProxyServerFault,
  XksProxyKey,
  XksProxyOptions,
  XksProxyRequest,
  XksProxyTlsOptions,
} from "./xks-proxy/index.js";
export {
  callXksProxy,
  MAX_RESPONSE_BYTES,
  startXksProxy,
  XKS_ERROR_STATUS,
  XKS_ERRORS,
  XKS_OPERATIONS,
} from "./xks-proxy/index.js";
