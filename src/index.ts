/**
 * Typed, actionable errors for AWS KMS custom key stores (AWS CloudHSM key stores and external key
 * stores): SDK middleware, KMS-correct retries, connection diagnostics and log-ready guidance.
 *
 * @packageDocumentation
 */

export type {
  HealthCheck,
  HealthCheckId,
  HealthComparison,
  HealthStatistic,
  HealthThreshold,
} from "./catalog/health.js";
export { HEALTH_CHECKS } from "./catalog/health.js";
export type { Cause, CauseOf, KnownCatalogEntry } from "./catalog/index.js";
export { catalog } from "./catalog/index.js";
export type { Kind } from "./catalog/kinds.js";
export type { CatalogEntry, Category, KeyStoreType, Remediation } from "./catalog/schema.js";
export { CATEGORIES, KEY_STORE_TYPES } from "./catalog/schema.js";
export { classify, failureOf, isCustomKeyStoreFailure } from "./classify.js";
export type { KmsClientProviderOptions } from "./encryption-sdk.js";
export { kmsClientProvider } from "./encryption-sdk.js";
export { explain, lookup } from "./explain.js";
export type {
  FailureBase,
  FailureContext,
  FailureOfKind,
  FailureVia,
  FailureWithCause,
  KmsFailure,
} from "./failure.js";
export { assertNever, hasCause } from "./failure.js";
export type {
  CheckKeyStoresOptions,
  KeyStoreReport,
  WaitForConnectionOptions,
} from "./lifecycle.js";
export { checkKeyStores, connectionFailure, ensureConnected, waitForConnection } from "./lifecycle.js";
export type { KmsLogEntry } from "./log.js";
export { formatFailure, toLogEntry } from "./log.js";
export type { AwsSdkClient, KeyStoreErrorsOptions, KmsPluggable } from "./middleware.js";
export { keyStoreErrors, withKeyStoreErrors } from "./middleware.js";
export type { FailedAttempt, KmsCommand, RetryKmsOptions, SendOptions } from "./result.js";
export { retryKms, sendResult } from "./result.js";
