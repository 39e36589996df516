/**
 * The services emulator: S3, SQS, SNS, Lambda, Kinesis, Secrets Manager, SSM, Step Functions,
 * DynamoDB and RDS over their own wire protocols, reporting scripted KMS failures in each service's
 * own words. Node.js only.
 */
export type {
  ScriptedKmsFailure,
  ScriptedServiceError,
  ServiceCall,
  ServiceFailOptions,
  ServiceFailure,
  ServicesEmulator,
  ServicesEmulatorOptions,
} from "./emulator.js";
export { startServicesEmulator } from "./emulator.js";
export type { KmsCall, KmsScenario, ServiceId, ServiceOperation, SfnKmsKeyState } from "./model.js";
export { KMS_SCENARIOS, SERVICE_IDS, SERVICE_OPERATIONS } from "./model.js";
