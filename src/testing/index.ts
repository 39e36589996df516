/**
 * The embedded KMS emulator: a real HTTP server speaking KMS's JSON 1.1 protocol, with a stateful
 * custom key store model and scriptable faults, for testing KMS error handling through the real SDK.
 * Node.js only.
 *
 * @packageDocumentation
 */
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
