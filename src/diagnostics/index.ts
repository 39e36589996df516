/**
 * Find the failing requirement of a custom key store: deep checks of an external key store's VPC
 * endpoint service (and its Network Load Balancer) or of a CloudHSM key store's cluster, through the
 * AWS APIs, and a probe of an XKS proxy (DNS, TCP, TLS, SigV4, health, latency, keys). Every check,
 * deep or probe, is a `Check` of a `REQUIREMENTS` row. And what is about to fail: health findings
 * from the CloudWatch metrics KMS publishes (`HEALTH_CHECKS`), and AWS's recommended alarms for them.
 * Node.js only.
 *
 * @packageDocumentation
 */
export type {
  HealthCheck,
  HealthCheckId,
  HealthComparison,
  HealthStatistic,
  HealthThreshold,
} from "../catalog/health.js";
export { HEALTH_CHECKS } from "../catalog/health.js";
export type {
  Requirement,
  RequirementId,
  RequirementIdOf,
  RequirementScope,
  RequirementSource,
} from "../catalog/requirements.js";
export { REQUIREMENTS } from "../catalog/requirements.js";
export type { AlarmFormat, AlarmStore, KeyStoreAlarmsOptions } from "./alarms.js";
export { keyStoreAlarms } from "./alarms.js";
export type { Check, CheckStatus, DeepCheck, ProbeCheck, ProbeCheckId } from "./check.js";
export type { DiagnoseClients, DiagnoseOptions, Diagnosis } from "./deep.js";
export { diagnoseKeyStore } from "./deep.js";
export type { AwsClientLike } from "./deep-support.js";
export type { HealthClients, HealthFinding, HealthOptions, HealthReport, HealthStatus } from "./health.js";
export { checkKeyStoreHealth } from "./health.js";
export type { ProbeStatus, ProbeXksProxyOptions } from "./probe.js";
export { probeXksProxy } from "./probe.js";
export type { ProbeReport } from "./probe-run.js";
