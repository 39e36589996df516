import type { ConnectionErrorCodeType } from "@aws-sdk/client-kms";
import type { XksErrorRow } from "../xks/errors.js";

/**
 * How one backing-store fault reaches a KMS caller at one kind of operation: the exception name and
 * the message template. Placeholders: `{keyArn}`, `{customKeyStoreId}`, `{xksKeyId}`, `{uri}`
 * (endpoint + path), `{clusterId}`.
 * @internal
 */
export interface FaultSurface {
  readonly exception: string;
  readonly message: string;
}

/**
 * What KMS does with one backing-store fault, per kind of operation. An absent surface means the
 * operation does not reach the part of the backing store that fails (e.g. the health check behind
 * `CreateCustomKeyStore` touches no external key), so the operation succeeds.
 * @internal
 */
export interface FaultInfo {
  /** The store type the fault applies to. */
  readonly keyStoreType: "EXTERNAL_KEY_STORE" | "AWS_CLOUDHSM";
  /** The `ConnectionErrorCode` a connect attempt ends with (state `FAILED`). */
  readonly connectionErrorCode?: ConnectionErrorCodeType;
  /** `CreateCustomKeyStore` / `UpdateCustomKeyStore` (the proxy's `GetHealthStatus`). */
  readonly manage?: FaultSurface;
  /** `CreateKey` in the store (the proxy's `GetKeyMetadata`). */
  readonly createKey?: FaultSurface;
  /** `Encrypt`, `Decrypt`, `ReEncrypt`, `GenerateDataKey*` with a key in the store. */
  readonly crypto: FaultSurface;
}

/**
 * A scriptable fault of an external key store's proxy (or its external key manager), set with
 * `emulator.keyStore(id).proxyFault(fault)`:
 * - `"timeout"`: the proxy does not answer within KMS's 250 ms.
 * - `"dependency-timeout"`: the proxy answers `DependencyTimeoutException` (503).
 * - `"unreachable"`: no TCP connection to the proxy.
 * - `"tls"`: no TLS connection to the proxy.
 * - `"invalid-response"`: the proxy answers something KMS cannot interpret.
 * - `"ekm-unreachable"`: the proxy answers `InternalException` (its external key manager is down).
 * - `"access-denied"`: the proxy's authorization rules reject the request (403).
 * - `"bad-credentials"`: the proxy rejects KMS's SigV4 credential (401).
 * - `"invalid-uri-path"`: the proxy does not serve `XksProxyUriPath` (404).
 * - `"throttled"`: the proxy answers `ThrottlingException` (429).
 * - `"unhealthy"`: the proxy reports every external key manager unavailable.
 * - `"key-not-found"`, `"key-disabled"`, `"key-unsupported-usage"`: the external key is missing,
 *   disabled, or lacks the ENCRYPT/DECRYPT usages.
 *
 * The fault table checks that it has exactly one row per value.
 * @example
 * ```ts
 * import { startKmsEmulator } from "kms-keystore-errors/testing";
 *
 * const emu = await startKmsEmulator();
 * declare const id: string; // an external key store's CustomKeyStoreId, from CreateCustomKeyStore
 * emu.keyStore(id).proxyFault("timeout");
 * // Encrypt -> KMSInvalidStateException "The external key store proxy did not respond in time. …"
 * // CreateKey -> CustomKeyStoreInvalidStateException; ConnectCustomKeyStore -> FAILED, XKS_PROXY_TIMED_OUT
 * ```
 * @public
 */
export type XksProxyFault =
  | "timeout"
  | "dependency-timeout"
  | "unreachable"
  | "tls"
  | "invalid-response"
  | "ekm-unreachable"
  | "access-denied"
  | "bad-credentials"
  | "invalid-uri-path"
  | "throttled"
  | "unhealthy"
  | "key-not-found"
  | "key-disabled"
  | "key-unsupported-usage";

/**
 * A scriptable fault of a CloudHSM key store's cluster: `"cluster-unreachable"` (KMS cannot
 * communicate with the cluster).
 * @example
 * ```ts
 * import { startKmsEmulator } from "kms-keystore-errors/testing";
 *
 * const emu = await startKmsEmulator();
 * declare const id: string; // a CloudHSM key store's CustomKeyStoreId, from CreateCustomKeyStore
 * emu.keyStore(id).proxyFault("cluster-unreachable");
 * // Encrypt -> KMSInvalidStateException "AWS KMS cannot communicate with your CloudHSM cluster …"
 * ```
 * @public
 */
export type CloudHsmFault = "cluster-unreachable";

/**
 * Any scriptable backing-store fault.
 * @example
 * ```ts
 * import { type BackingStoreFault, startKmsEmulator } from "kms-keystore-errors/testing";
 *
 * const emu = await startKmsEmulator();
 * declare const id: string; // an external key store's CustomKeyStoreId, from CreateCustomKeyStore
 * const fault: BackingStoreFault = "bad-credentials";
 * emu.keyStore(id).proxyFault(fault);
 * ```
 * @public
 */
export type BackingStoreFault = XksProxyFault | CloudHsmFault;

/** One row per fault, each for its store type. */
type FaultTable = {
  readonly [F in XksProxyFault]: FaultInfo & { readonly keyStoreType: "EXTERNAL_KEY_STORE" };
} & {
  readonly [F in CloudHsmFault]: FaultInfo & { readonly keyStoreType: "AWS_CLOUDHSM" };
};

const RETRY =
  "Retry the request. If you see this error repeatedly, report it to your external key store proxy administrator.";

const TIMEOUT = `The external key store proxy did not respond in time. ${RETRY}`;
const DEPENDENCY_TIMEOUT = `The external key store proxy did not receive a response from its external key manager in the time allotted. ${RETRY}`;
const UNREACHABLE =
  "AWS KMS cannot communicate with the external key store proxy. Verify that the external key store proxy is running and reachable at its URI endpoint, then retry the request.";
const TLS =
  "AWS KMS cannot establish a TLS connection to the external key store proxy. Verify the TLS configuration of the external key store proxy, including its certificate.";
const INVALID_RESPONSE = `AWS KMS cannot interpret the response from the external key store proxy. ${RETRY}`;
const EKM_UNREACHABLE =
  "The external key store proxy cannot communicate with the external key manager. Verify that the external key manager is available, then retry the request.";
const ACCESS_DENIED =
  "The external key store proxy denied access to the operation. Verify that the user and the external key are both authorized for this operation, and try the request again.";
const BAD_CREDENTIALS =
  "The external key store proxy rejected the request because it could not authenticate AWS KMS. Verify the credentials for the external key store proxy and update custom key store {customKeyStoreId} if needed.";
const INVALID_URI_PATH =
  "The external key store proxy rejected the request because of an invalid URI path. Verify the URI path of custom key store {customKeyStoreId} and update it if needed.";
const THROTTLED =
  "The external key store proxy rejected the request due to a very high request rate. Reduce the frequency of your calls using KMS keys in this external key store.";
const UNHEALTHY =
  "The external key store proxy reports that it is in an unhealthy state: none of its external key managers is available. Verify the external key manager, then retry the request.";
const KEY_NOT_FOUND =
  "The external key store proxy rejected the request because the external key {xksKeyId} was not found in its external key manager. Verify the external key ID of {keyArn}.";
const KEY_DISABLED =
  "The external key store proxy rejected the request because the external key {xksKeyId} is not enabled in the external key manager. Enable the external key, then retry the request.";
const KEY_USAGE =
  "The external key store proxy rejected the request because the external key does not support the requested operation. Enable encryption and decryption for external key {xksKeyId} in the external key manager.";

const at = (exception: string, detail: string): FaultSurface => ({
  exception,
  message: `AWS KMS could not validate the external key store proxy at {uri}. ${detail}`,
});
const invalidState = (message: string): FaultSurface => ({ exception: "KMSInvalidStateException", message });
const storeInvalidState = (message: string): FaultSurface => ({
  exception: "CustomKeyStoreInvalidStateException",
  message,
});

/**
 * Every scriptable backing-store fault and how KMS surfaces it: the exception and message per kind
 * of operation, and the `ConnectionErrorCode` of a connect attempt (reference §4 and §7c). Crypto
 * operations always get `KMSInvalidStateException`; `CreateKey` gets
 * `CustomKeyStoreInvalidStateException` unless the fault is about the external key itself.
 * @internal
 */
export const BACKING_STORE_FAULTS = {
  timeout: {
    keyStoreType: "EXTERNAL_KEY_STORE",
    connectionErrorCode: "XKS_PROXY_TIMED_OUT",
    manage: at("XksProxyUriUnreachableException", TIMEOUT),
    createKey: storeInvalidState(TIMEOUT),
    crypto: invalidState(TIMEOUT),
  },
  "dependency-timeout": {
    keyStoreType: "EXTERNAL_KEY_STORE",
    connectionErrorCode: "XKS_PROXY_NOT_REACHABLE",
    manage: at("XksProxyUriUnreachableException", DEPENDENCY_TIMEOUT),
    createKey: storeInvalidState(DEPENDENCY_TIMEOUT),
    crypto: invalidState(DEPENDENCY_TIMEOUT),
  },
  unreachable: {
    keyStoreType: "EXTERNAL_KEY_STORE",
    connectionErrorCode: "XKS_PROXY_NOT_REACHABLE",
    manage: at("XksProxyUriUnreachableException", UNREACHABLE),
    createKey: storeInvalidState(UNREACHABLE),
    crypto: invalidState(UNREACHABLE),
  },
  tls: {
    keyStoreType: "EXTERNAL_KEY_STORE",
    connectionErrorCode: "XKS_PROXY_INVALID_TLS_CONFIGURATION",
    manage: at("XksProxyUriUnreachableException", TLS),
    createKey: storeInvalidState(TLS),
    crypto: invalidState(TLS),
  },
  "invalid-response": {
    keyStoreType: "EXTERNAL_KEY_STORE",
    connectionErrorCode: "XKS_PROXY_INVALID_RESPONSE",
    manage: at("XksProxyInvalidResponseException", INVALID_RESPONSE),
    createKey: storeInvalidState(INVALID_RESPONSE),
    crypto: invalidState(INVALID_RESPONSE),
  },
  "ekm-unreachable": {
    keyStoreType: "EXTERNAL_KEY_STORE",
    connectionErrorCode: "XKS_PROXY_INVALID_RESPONSE",
    manage: at("XksProxyInvalidResponseException", EKM_UNREACHABLE),
    createKey: storeInvalidState(EKM_UNREACHABLE),
    crypto: invalidState(EKM_UNREACHABLE),
  },
  "access-denied": {
    // The health check behind CreateCustomKeyStore/UpdateCustomKeyStore is not subject to the
    // proxy's authorization rules, so those operations are unaffected.
    keyStoreType: "EXTERNAL_KEY_STORE",
    connectionErrorCode: "XKS_PROXY_ACCESS_DENIED",
    createKey: storeInvalidState(ACCESS_DENIED),
    crypto: invalidState(ACCESS_DENIED),
  },
  "bad-credentials": {
    keyStoreType: "EXTERNAL_KEY_STORE",
    connectionErrorCode: "INVALID_CREDENTIALS",
    manage: at(
      "XksProxyIncorrectAuthenticationCredentialException",
      "The external key store proxy could not authenticate AWS KMS with the XksProxyAuthenticationCredential. Set the credential to an access key ID and secret access key that the proxy accepts.",
    ),
    createKey: storeInvalidState(BAD_CREDENTIALS),
    crypto: invalidState(BAD_CREDENTIALS),
  },
  "invalid-uri-path": {
    keyStoreType: "EXTERNAL_KEY_STORE",
    connectionErrorCode: "XKS_PROXY_INVALID_CONFIGURATION",
    manage: at(
      "XksProxyInvalidConfigurationException",
      "The external key store proxy rejected the request because of an invalid URI path. Set XksProxyUriPath to the path the proxy serves; it ends in /kms/xks/v1.",
    ),
    createKey: storeInvalidState(INVALID_URI_PATH),
    crypto: invalidState(INVALID_URI_PATH),
  },
  throttled: {
    keyStoreType: "EXTERNAL_KEY_STORE",
    connectionErrorCode: "XKS_PROXY_NOT_REACHABLE",
    manage: at("XksProxyUriUnreachableException", THROTTLED),
    createKey: storeInvalidState(THROTTLED),
    crypto: invalidState(THROTTLED),
  },
  unhealthy: {
    keyStoreType: "EXTERNAL_KEY_STORE",
    connectionErrorCode: "XKS_PROXY_NOT_REACHABLE",
    manage: at("XksProxyUriUnreachableException", UNHEALTHY),
    createKey: storeInvalidState(UNHEALTHY),
    crypto: invalidState(UNHEALTHY),
  },
  "key-not-found": {
    keyStoreType: "EXTERNAL_KEY_STORE",
    createKey: {
      exception: "XksKeyNotFoundException",
      message:
        "The external key store proxy could not find the external key {xksKeyId}: it was not found in its external key manager. Verify the XksKeyId and that the key exists in the external key manager.",
    },
    crypto: invalidState(KEY_NOT_FOUND),
  },
  "key-disabled": {
    keyStoreType: "EXTERNAL_KEY_STORE",
    createKey: {
      exception: "XksKeyInvalidConfigurationException",
      message:
        "The external key {xksKeyId} is not enabled in the external key manager. Enable the external key, or use an enabled AES_256 key that supports encryption and decryption.",
    },
    crypto: invalidState(KEY_DISABLED),
  },
  "key-unsupported-usage": {
    keyStoreType: "EXTERNAL_KEY_STORE",
    createKey: {
      exception: "XksKeyInvalidConfigurationException",
      message:
        "The external key does not support the requested operation. Enable the ENCRYPT and DECRYPT key usages of external key {xksKeyId} in the external key manager, or use another external key.",
    },
    crypto: invalidState(KEY_USAGE),
  },
  "cluster-unreachable": {
    keyStoreType: "AWS_CLOUDHSM",
    connectionErrorCode: "NETWORK_ERRORS",
    crypto: invalidState(
      "AWS KMS cannot communicate with your CloudHSM cluster {clusterId}. This might be a transient network issue. If you see this error repeatedly, verify that the network ACLs and the security group rules of the cluster's VPC are correct.",
    ),
  },
} as const satisfies FaultTable;

const INVALID_CIPHERTEXT =
  "The external key store proxy rejected the request because the specified ciphertext or additional authenticated data is corrupted, missing, or otherwise invalid.";
const UNSUPPORTED_OPERATION =
  "The external key store proxy rejected the request because it does not support the requested operation. Verify the external key store proxy's capabilities with its vendor.";

/**
 * Proxy outcomes that only a real proxy call produces (the emulator's scripted faults cannot name
 * them): a rejected ciphertext, an unsupported operation, an external key of the wrong spec.
 * @internal
 */
export type EmergentFault = "invalid-ciphertext" | "unsupported-operation" | "key-unsupported-spec";

/**
 * Every proxy outcome the emulator can surface: a scripted fault or an emergent one.
 * @internal
 */
export type ProxyOutcomeFault = XksProxyFault | EmergentFault;

/**
 * How KMS surfaces the proxy outcomes of {@link EmergentFault} (reference §4, §7c), in the shape of
 * {@link BACKING_STORE_FAULTS}. An absent surface falls back to `"invalid-response"` (KMS cannot
 * use the answer).
 * @internal
 */
export const EMERGENT_FAULTS = {
  "invalid-ciphertext": {
    keyStoreType: "EXTERNAL_KEY_STORE",
    crypto: invalidState(INVALID_CIPHERTEXT),
  },
  "unsupported-operation": {
    keyStoreType: "EXTERNAL_KEY_STORE",
    createKey: storeInvalidState(UNSUPPORTED_OPERATION),
    crypto: invalidState(UNSUPPORTED_OPERATION),
  },
  "key-unsupported-spec": {
    keyStoreType: "EXTERNAL_KEY_STORE",
    createKey: {
      exception: "XksKeyInvalidConfigurationException",
      message:
        "The external key {xksKeyId} is not a 256-bit AES key (key spec AES_256). Use an enabled AES_256 external key that supports encryption and decryption.",
    },
    crypto: invalidState(KEY_USAGE),
  },
} as const satisfies Readonly<Record<EmergentFault, FaultInfo>>;

/**
 * Every outcome class the XKS error table (`src/xks/errors.ts`) names is a row here: checked when
 * the types are checked.
 * @internal
 */
export type XksErrorFaultsAreRows = XksErrorRow["fault"] extends ProxyOutcomeFault ? true : never;

/** Forces the check above. */
const errorFaultsAreRows: XksErrorFaultsAreRows = true;
void errorFaultsAreRows;

/**
 * The outcome row for each transport failure of a proxy call (`callXksProxy`'s `reason`).
 * @internal
 */
export const XKS_TRANSPORT_FAULTS = {
  timeout: "timeout",
  connect: "unreachable",
  tls: "tls",
  malformed: "invalid-response",
  oversized: "invalid-response",
} as const satisfies Readonly<Record<string, ProxyOutcomeFault>>;

/**
 * What KMS does with a proxy outcome: the scripted fault's row or the emergent one's.
 *
 * @param fault - The outcome.
 * @returns The table row.
 * @internal
 */
export const outcomeInfo = (fault: ProxyOutcomeFault): FaultInfo =>
  Object.hasOwn(EMERGENT_FAULTS, fault)
    ? EMERGENT_FAULTS[fault as EmergentFault]
    : BACKING_STORE_FAULTS[fault as XksProxyFault];

/**
 * The values a message template may mention.
 * @internal
 */
export type MessageVars = Readonly<
  Partial<Record<"keyArn" | "customKeyStoreId" | "xksKeyId" | "uri" | "clusterId", string>>
>;

/**
 * Fills a message template's `{placeholders}`.
 *
 * @param template - The template.
 * @param vars - The values.
 * @returns The message.
 * @internal
 */
export const fillMessage = (template: string, vars: MessageVars): string =>
  template.replace(/\{(\w+)\}/g, (whole, name: string) => vars[name as keyof MessageVars] ?? whole);

/**
 * What KMS does with a fault, or undefined for an unknown fault name.
 *
 * @param fault - The fault name.
 * @returns The table row.
 * @internal
 */
export const faultInfo = (fault: string): FaultInfo | undefined =>
  Object.hasOwn(BACKING_STORE_FAULTS, fault)
    ? (BACKING_STORE_FAULTS as Readonly<Record<string, FaultInfo>>)[fault]
    : undefined;
