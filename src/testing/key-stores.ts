import { randomBytes } from "node:crypto";
import type { ConnectionErrorCodeType } from "@aws-sdk/client-kms";
import { URI_PATH_SUFFIX } from "../xks/spec.js";
import { checkTimes } from "./faults.js";
import { KeyRegistry } from "./key-registry.js";
import { epochSeconds, type JsonObject, KmsError } from "./protocol.js";
import {
  type BackingStoreFault,
  type FaultInfo,
  type FaultSurface,
  faultInfo,
  fillMessage,
  type MessageVars,
  outcomeInfo,
  type ProxyOutcomeFault,
} from "./proxy-faults.js";
import {
  invalid,
  missing,
  optEnum,
  optInt,
  optObject,
  optString,
  reqString,
  type StringRule,
} from "./validation.js";
import type { KmsCall, XksGateway } from "./xks-gateway.js";

/**
 * The connection state of a custom key store, as `DescribeCustomKeyStores` reports it.
 * @example
 * ```ts
 * import { ConnectCustomKeyStoreCommand, KMSClient } from "@aws-sdk/client-kms";
 * import { type ConnectionState, startKmsEmulator } from "kms-keystore-errors/testing";
 *
 * const emu = await startKmsEmulator();
 * const kms = new KMSClient({ ...emu.clientConfig });
 * declare const id: string; // a custom key store's CustomKeyStoreId, from CreateCustomKeyStore
 * await kms.send(new ConnectCustomKeyStoreCommand({ CustomKeyStoreId: id }));
 * const state: ConnectionState = emu.keyStore(id).state(); // "CONNECTING"
 * ```
 * @public
 */
export type ConnectionState = "CONNECTED" | "CONNECTING" | "DISCONNECTED" | "DISCONNECTING" | "FAILED";

/**
 * A `ConnectionErrorCode` a connect attempt can end with: one of KMS's codes (any string is accepted).
 * @example
 * ```ts
 * import { type ConnectionErrorCode, startKmsEmulator } from "kms-keystore-errors/testing";
 *
 * const emu = await startKmsEmulator();
 * declare const id: string; // an external key store's CustomKeyStoreId, from CreateCustomKeyStore
 * emu.keyStore(id).failConnect("XKS_PROXY_TIMED_OUT" satisfies ConnectionErrorCode);
 * ```
 * @public
 */
export type ConnectionErrorCode = ConnectionErrorCodeType | (string & {});

/**
 * Options of `failConnect` and `proxyFault`.
 * @example
 * ```ts
 * import { startKmsEmulator } from "kms-keystore-errors/testing";
 *
 * const emu = await startKmsEmulator();
 * declare const id: string; // an external key store's CustomKeyStoreId, from CreateCustomKeyStore
 * emu.keyStore(id).proxyFault("throttled", { times: 2 }); // two throttled requests, then healthy
 * ```
 * @public
 */
export interface FaultTimes {
  /**
   * How many times the fault surfaces; `Infinity` for every time until cleared or `reset()`.
   * @defaultValue 1 for `failConnect`, `Infinity` for `proxyFault`
   */
  times?: number | undefined;
}

/**
 * Scripts the backing store (external key store proxy) behind an XKS proxy URI endpoint, before or
 * after a custom key store uses it. This is how `CreateCustomKeyStore` meets a proxy fault: the
 * store does not exist yet.
 * @public
 */
export interface ProxyFaultControl {
  /**
   * Sets (or, with `undefined`, clears) the fault of the proxy. It surfaces on every operation that
   * reaches the failing part, exactly as KMS surfaces it, and counts down once per surfacing.
   *
   * @param fault - The fault, or `undefined` to clear it.
   * @param options - `times` (default `Infinity`).
   *
   * @example
   * ```ts
   * import { startKmsEmulator } from "kms-keystore-errors/testing";
   *
   * const emu = await startKmsEmulator();
   * emu.xksProxy("https://xks.example.com").proxyFault("bad-credentials");
   * // CreateCustomKeyStore with that endpoint -> XksProxyIncorrectAuthenticationCredentialException
   * ```
   */
  proxyFault(fault: BackingStoreFault | undefined, options?: FaultTimes): void;
}

/**
 * Scripts one custom key store of the emulator, from `emulator.keyStore(id)`.
 * @example
 * ```ts
 * import { startKmsEmulator } from "kms-keystore-errors/testing";
 *
 * const emu = await startKmsEmulator();
 * declare const id: string; // an external key store's CustomKeyStoreId, from CreateCustomKeyStore
 * const store = emu.keyStore(id);
 * store.failConnect("INVALID_CREDENTIALS");
 * store.proxyFault("timeout");
 * store.setState("DISCONNECTING");
 * ```
 * @public
 */
export interface KeyStoreControl extends ProxyFaultControl {
  /** The custom key store id, `cks-…`. */
  readonly id: string;
  /**
   * The current connection state.
   * @returns The state.
   */
  state(): ConnectionState;
  /**
   * Makes the next connect attempt(s) end in `FAILED` with the given `ConnectionErrorCode`.
   *
   * @param code - The connection error code, e.g. `"XKS_VPC_ENDPOINT_SERVICE_INVALID_CONFIGURATION"`.
   * @param options - `times` (default 1).
   *
   * @example
   * ```ts
   * import { ConnectCustomKeyStoreCommand, KMSClient } from "@aws-sdk/client-kms";
   * import { startKmsEmulator } from "kms-keystore-errors/testing";
   *
   * const emu = await startKmsEmulator();
   * const kms = new KMSClient({ ...emu.clientConfig });
   * declare const id: string; // a CloudHSM key store's CustomKeyStoreId, from CreateCustomKeyStore
   * emu.keyStore(id).failConnect("USER_LOCKED_OUT");
   * await kms.send(new ConnectCustomKeyStoreCommand({ CustomKeyStoreId: id }));
   * // DescribeCustomKeyStores soon reports ConnectionState FAILED, ConnectionErrorCode USER_LOCKED_OUT
   * ```
   */
  failConnect(code: ConnectionErrorCode, options?: FaultTimes): void;
  /**
   * Forces a connection state at once (e.g. `DISCONNECTING`, which the emulator otherwise passes
   * through only with `disconnectDelayMs`), and holds it: a pending connect or disconnect is cancelled.
   *
   * @param state - The state.
   * @param errorCode - The `ConnectionErrorCode`, kept only with `FAILED` (default `INTERNAL_ERROR`).
   */
  setState(state: ConnectionState, errorCode?: ConnectionErrorCode): void;
}

type StoreType = "AWS_CLOUDHSM" | "EXTERNAL_KEY_STORE";
type Connectivity = "PUBLIC_ENDPOINT" | "VPC_ENDPOINT_SERVICE";

interface XksConfig {
  connectivity: Connectivity;
  uriEndpoint: string;
  uriPath: string;
  vpcEndpointServiceName: string | undefined;
  vpcEndpointServiceOwner: string | undefined;
  accessKeyId: string;
  /** Never leaves the model. */
  rawSecretAccessKey: string;
}

interface CloudHsmConfig {
  clusterId: string;
  trustAnchorCertificate: string;
  /** Never leaves the model. */
  password: string;
}

interface Countdown<T> {
  readonly value: T;
  remaining: number;
}

/**
 * One custom key store of the model.
 * @internal
 */
export interface StoreRecord {
  readonly id: string;
  name: string;
  readonly type: StoreType;
  state: ConnectionState;
  errorCode: string | undefined;
  readonly creationDate: Date;
  cloudHsm: CloudHsmConfig | undefined;
  xks: XksConfig | undefined;
  timer: NodeJS.Timeout | undefined;
  readonly connectFailures: Countdown<string>[];
  fault: Countdown<BackingStoreFault> | undefined;
  /** Bumped on every state change, so that a pending health check cannot settle a later attempt. */
  attempt: number;
}

/**
 * Where a backing-store fault can surface.
 * @internal
 */
export type Surface = "manage" | "createKey" | "crypto" | "connect";

/** Custom key stores per account and Region (reference §6). */
const STORE_QUOTA = 10;

const STORE_TYPES: readonly StoreType[] = ["AWS_CLOUDHSM", "EXTERNAL_KEY_STORE"];
const CONNECTIVITIES: readonly Connectivity[] = ["PUBLIC_ENDPOINT", "VPC_ENDPOINT_SERVICE"];
const STATES: readonly ConnectionState[] = [
  "CONNECTED",
  "CONNECTING",
  "DISCONNECTED",
  "DISCONNECTING",
  "FAILED",
];

/** The member constraints of the KMS API reference (patterns as it writes them). */
const RULES = {
  CustomKeyStoreId: { min: 1, max: 64 },
  CustomKeyStoreName: { min: 1, max: 256 },
  NewCustomKeyStoreName: { min: 1, max: 256 },
  CloudHsmClusterId: { min: 19, max: 24 },
  TrustAnchorCertificate: { min: 1, max: 5000 },
  KeyStorePassword: { min: 7, max: 32 },
  XksProxyUriEndpoint: { min: 10, max: 128, pattern: "^https://[a-zA-Z0-9.-]+$" },
  XksProxyUriPath: {
    min: 10,
    max: 128,
    pattern: "^(/[a-zA-Z0-9\\/_-]+/kms/xks/v\\d{1,2})$|^(/kms/xks/v\\d{1,2})$",
  },
  XksProxyVpcEndpointServiceName: {
    min: 20,
    max: 64,
    pattern: "^(com|eu)\\.amazonaws\\.vpce\\.([a-z]+-){2,3}\\d+\\.vpce-svc-[0-9a-z]+$",
  },
  XksProxyVpcEndpointServiceOwner: { min: 12, max: 12, pattern: "[0-9]{12}" },
  AccessKeyId: { min: 20, max: 30, pattern: "^[A-Z2-7]+$" },
  RawSecretAccessKey: { min: 43, max: 64, pattern: "^[a-zA-Z0-9\\/+=]+$" },
} as const satisfies Readonly<Record<string, StringRule>>;

const XKS_FIELDS = [
  "XksProxyUriEndpoint",
  "XksProxyUriPath",
  "XksProxyVpcEndpointServiceName",
  "XksProxyVpcEndpointServiceOwner",
  "XksProxyAuthenticationCredential",
  "XksProxyConnectivity",
] as const;
const CLOUDHSM_FIELDS = ["CloudHsmClusterId", "TrustAnchorCertificate", "KeyStorePassword"] as const;

/**
 * Fields `UpdateCustomKeyStore` may change while the store is `CONNECTED` (API reference); every
 * field may change while it is `DISCONNECTED`, and none in any other state (`FAILED` included).
 */
const UPDATABLE_WHILE_CONNECTED: Readonly<Record<StoreType, readonly string[]>> = {
  AWS_CLOUDHSM: ["NewCustomKeyStoreName"],
  EXTERNAL_KEY_STORE: ["NewCustomKeyStoreName", "XksProxyAuthenticationCredential", "XksProxyUriPath"],
};

/**
 * An `XksProxyUriPath` that matches the model's pattern must still end with `/kms/xks/v1`, the only
 * version of the XKS proxy API (API reference).
 */
const checkUriPathVersion = (uriPath: string | undefined): void => {
  if (uriPath !== undefined && !uriPath.endsWith(URI_PATH_SUFFIX)) {
    throw new KmsError(
      "ValidationException",
      `XksProxyUriPath must start with / and end with ${URI_PATH_SUFFIX}, the version of the external key store proxy API that AWS KMS uses.`,
    );
  }
};

const present = (input: JsonObject, field: string): boolean =>
  input[field] !== undefined && input[field] !== null;

const notFound = (id: string): KmsError =>
  new KmsError(
    "CustomKeyStoreNotFoundException",
    `Custom key store ${id} does not exist in this AWS account and Region.`,
  );

const credential = (input: JsonObject): { accessKeyId: string; rawSecretAccessKey: string } | undefined => {
  const value = optObject(input, "XksProxyAuthenticationCredential");
  if (value === undefined) return undefined;
  // Members are named by their full path in messages.
  const flat = {
    "XksProxyAuthenticationCredential.AccessKeyId": value.AccessKeyId,
    "XksProxyAuthenticationCredential.RawSecretAccessKey": value.RawSecretAccessKey,
  };
  return {
    accessKeyId: reqString(flat, "XksProxyAuthenticationCredential.AccessKeyId", RULES.AccessKeyId),
    rawSecretAccessKey: reqString(
      flat,
      "XksProxyAuthenticationCredential.RawSecretAccessKey",
      RULES.RawSecretAccessKey,
    ),
  };
};

/**
 * The optional fields that say how KMS reaches an external key store proxy, read in KMS's order: the
 * VPC endpoint service name and owner, then the authentication credential.
 */
const xksAccessFields = (
  input: JsonObject,
): {
  serviceName: string | undefined;
  serviceOwner: string | undefined;
  cred: { accessKeyId: string; rawSecretAccessKey: string } | undefined;
} => ({
  serviceName: optString(input, "XksProxyVpcEndpointServiceName", RULES.XksProxyVpcEndpointServiceName),
  serviceOwner: optString(input, "XksProxyVpcEndpointServiceOwner", RULES.XksProxyVpcEndpointServiceOwner),
  cred: credential(input),
});

const newStoreId = (): string => `cks-${randomBytes(9).toString("hex").slice(0, 17)}`;

const MARKER_PREFIX = "kms-emulator:";

/**
 * Encodes a list position as an opaque pagination marker.
 *
 * @param index - The position of the next entry.
 * @returns The marker.
 * @internal
 */
export const encodeMarker = (index: number): string =>
  Buffer.from(`${MARKER_PREFIX}${index}`).toString("base64");

/**
 * Decodes a pagination marker.
 *
 * @param marker - The marker, or undefined for the first page.
 * @param length - The length of the list.
 * @returns The position it points at.
 * @throws KmsError `InvalidMarkerException` for a marker the emulator did not issue.
 * @internal
 */
export const decodeMarker = (marker: string | undefined, length: number): number => {
  if (marker === undefined) return 0;
  const match = /^kms-emulator:(\d{1,9})$/.exec(Buffer.from(marker, "base64").toString("utf8"));
  const index = match?.[1] === undefined ? Number.NaN : Number(match[1]);
  if (!(index <= length))
    throw new KmsError("InvalidMarkerException", "The request contains an invalid marker.");
  return index;
};

/**
 * Builds the KMS error for a backing-store fault at one surface.
 *
 * @param surface - The table row's surface.
 * @param vars - The values the message mentions.
 * @returns The error.
 * @internal
 */
export const faultError = (surface: FaultSurface, vars: MessageVars): KmsError =>
  new KmsError(surface.exception, fillMessage(surface.message, vars));

/**
 * Builds the KMS error for a real proxy outcome at one surface. An outcome the surface has no row
 * for (e.g. `KeyNotFoundException` from a health check) is an answer KMS cannot interpret.
 *
 * @param fault - The outcome row.
 * @param surface - Where it surfaces.
 * @param vars - The values the message mentions.
 * @returns The error.
 * @internal
 */
export const outcomeError = (
  fault: ProxyOutcomeFault,
  surface: "manage" | "createKey" | "crypto",
  vars: MessageVars,
): KmsError => {
  const row = outcomeInfo(fault)[surface] ?? outcomeInfo("invalid-response")[surface];
  if (row === undefined) throw new Error(`The fault table lacks invalid-response.${surface}.`);
  return faultError(row, vars);
};

/**
 * The `ConnectionErrorCode` a connect attempt ends with after a real proxy outcome.
 *
 * @param fault - The outcome row.
 * @returns The code.
 * @internal
 */
export const outcomeConnectionCode = (fault: ProxyOutcomeFault): string =>
  outcomeInfo(fault).connectionErrorCode ?? "XKS_PROXY_INVALID_RESPONSE";

/**
 * The custom key store model: state, validation and the connect state machine.
 * @internal
 */
export class KeyStoreModel {
  readonly #stores = new Map<string, StoreRecord>();
  readonly #endpointFaults = new Map<string, Countdown<BackingStoreFault>>();
  readonly #connectDelayMs: number;
  readonly #disconnectDelayMs: number;
  readonly #gateway: XksGateway;
  #disposed = false;
  /** The KMS keys of the emulator: a store counts its keys here, and its deletion removes them. */
  readonly keys = new KeyRegistry();

  /**
   * @param connectDelayMs - How long a connect attempt stays `CONNECTING`.
   * @param gateway - Calls the real XKS proxies of routed endpoints.
   * @param disconnectDelayMs - How long a disconnected store stays `DISCONNECTING` (0: not at all).
   */
  constructor(connectDelayMs: number, gateway: XksGateway, disconnectDelayMs = 0) {
    this.#connectDelayMs = connectDelayMs;
    this.#disconnectDelayMs = disconnectDelayMs;
    this.#gateway = gateway;
  }

  /** The gateway to the real XKS proxies of routed endpoints. */
  get gateway(): XksGateway {
    return this.#gateway;
  }

  /**
   * A store by id.
   * @param id - The store id.
   * @returns The store, or undefined.
   */
  get(id: string): StoreRecord | undefined {
    return this.#stores.get(id);
  }

  /**
   * A store by id, or `CustomKeyStoreNotFoundException`.
   * @param id - The store id.
   * @returns The store.
   */
  require(id: string): StoreRecord {
    const store = this.#stores.get(id);
    if (store === undefined) throw notFound(id);
    return store;
  }

  /**
   * Takes the backing-store fault that surfaces at `surface` for a store (its own fault first, then
   * the fault of its proxy endpoint), counting it down.
   *
   * @param store - The store (undefined while creating one).
   * @param uriEndpoint - The XKS proxy endpoint, for endpoint faults.
   * @param surface - Where the fault would surface.
   * @returns The table row, or undefined.
   */
  takeFault(
    store: StoreRecord | undefined,
    uriEndpoint: string | undefined,
    surface: Surface,
  ): FaultInfo | undefined {
    const applies = (c: Countdown<BackingStoreFault> | undefined): FaultInfo | undefined => {
      const info = c === undefined ? undefined : faultInfo(c.value);
      if (info === undefined || c === undefined) return undefined;
      const reaches =
        surface === "connect" ? info.connectionErrorCode !== undefined : info[surface] !== undefined;
      if (!reaches) return undefined;
      c.remaining -= 1;
      return info;
    };
    if (store !== undefined) {
      const info = applies(store.fault);
      if (store.fault !== undefined && store.fault.remaining <= 0) store.fault = undefined;
      if (info !== undefined) return info;
    }
    if (uriEndpoint === undefined) return undefined;
    const endpointFault = this.#endpointFaults.get(uriEndpoint);
    const info = applies(endpointFault);
    if (endpointFault !== undefined && endpointFault.remaining <= 0) this.#endpointFaults.delete(uriEndpoint);
    return info;
  }

  /**
   * `CreateCustomKeyStore`.
   * @param input - The request.
   * @param call - The KMS request (for a routed proxy's health check).
   * @returns The response.
   */
  async create(input: JsonObject, call: KmsCall): Promise<JsonObject> {
    const name = reqString(input, "CustomKeyStoreName", RULES.CustomKeyStoreName);
    const type = optEnum(input, "CustomKeyStoreType", STORE_TYPES) ?? "AWS_CLOUDHSM";
    const base = { id: newStoreId(), name, type, creationDate: new Date() };
    let store: StoreRecord;
    if (type === "AWS_CLOUDHSM") {
      for (const field of XKS_FIELDS) {
        if (present(input, field))
          throw invalid(field, "Member is not valid for custom key store type AWS_CLOUDHSM");
      }
      const cloudHsm: CloudHsmConfig = {
        clusterId: reqString(input, "CloudHsmClusterId", RULES.CloudHsmClusterId),
        trustAnchorCertificate: reqString(input, "TrustAnchorCertificate", RULES.TrustAnchorCertificate),
        password: reqString(input, "KeyStorePassword", RULES.KeyStorePassword),
      };
      store = this.#record(base, cloudHsm, undefined);
    } else {
      for (const field of CLOUDHSM_FIELDS) {
        if (present(input, field)) {
          throw invalid(field, "Member is not valid for custom key store type EXTERNAL_KEY_STORE");
        }
      }
      const connectivity = optEnum(input, "XksProxyConnectivity", CONNECTIVITIES);
      const uriEndpoint = reqString(input, "XksProxyUriEndpoint", RULES.XksProxyUriEndpoint);
      const uriPath = reqString(input, "XksProxyUriPath", RULES.XksProxyUriPath);
      checkUriPathVersion(uriPath);
      const { serviceName, serviceOwner, cred } = xksAccessFields(input);
      if (connectivity === undefined) throw missing("XksProxyConnectivity");
      if (cred === undefined) throw missing("XksProxyAuthenticationCredential");
      const xks: XksConfig = {
        connectivity,
        uriEndpoint,
        uriPath,
        vpcEndpointServiceName: serviceName,
        vpcEndpointServiceOwner: serviceOwner,
        ...cred,
      };
      checkConnectivity(xks);
      store = this.#record(base, undefined, xks);
    }
    if (this.#stores.size >= STORE_QUOTA) {
      throw new KmsError(
        "LimitExceededException",
        `You have reached the maximum number of custom key stores (${STORE_QUOTA}) in this AWS account and Region.`,
      );
    }
    this.#checkUnique(store);
    if (store.xks?.connectivity === "PUBLIC_ENDPOINT") {
      await this.#checkProxy(store, false, call);
      // Another request may have taken the name or URI while the proxy answered.
      this.#checkUnique(store);
    }
    this.#stores.set(store.id, store);
    return { CustomKeyStoreId: store.id };
  }

  /**
   * `DescribeCustomKeyStores`.
   * @param input - The request.
   * @returns The response.
   */
  describe(input: JsonObject): JsonObject {
    const id = optString(input, "CustomKeyStoreId", RULES.CustomKeyStoreId);
    const name = optString(input, "CustomKeyStoreName", RULES.CustomKeyStoreName);
    const limit = optInt(input, "Limit", 1, 1000) ?? 1000;
    const marker = optString(input, "Marker", { min: 1, max: 1024 });
    if (id !== undefined && name !== undefined) {
      throw new KmsError(
        "ValidationException",
        "Specify either CustomKeyStoreId or CustomKeyStoreName, not both.",
      );
    }
    let list = [...this.#stores.values()];
    if (id !== undefined) list = [this.require(id)];
    if (name !== undefined) {
      list = list.filter((s) => s.name === name);
      if (list.length === 0) {
        throw new KmsError(
          "CustomKeyStoreNotFoundException",
          `No custom key store named ${JSON.stringify(name)} exists in this AWS account and Region.`,
        );
      }
    }
    const start = decodeMarker(marker, list.length);
    const page = list.slice(start, start + limit);
    const next = start + page.length;
    return {
      CustomKeyStores: page.map(describeEntry),
      Truncated: next < list.length,
      ...(next < list.length ? { NextMarker: encodeMarker(next) } : {}),
    };
  }

  /**
   * `ConnectCustomKeyStore`: returns at once; the store is `CONNECTING`, then `CONNECTED` or `FAILED`
   * (for a routed external key store, after the proxy's GetHealthStatus).
   * @param input - The request.
   * @param call - The KMS request (for a routed proxy's health check).
   * @returns The response.
   */
  connect(input: JsonObject, call: KmsCall): JsonObject {
    const store = this.require(reqString(input, "CustomKeyStoreId", RULES.CustomKeyStoreId));
    if (store.state === "FAILED") {
      throw new KmsError(
        "CustomKeyStoreInvalidStateException",
        `Custom key store ${store.id} is in the FAILED connection state (${store.errorCode ?? "FAILED"}). Disconnect it, fix the cause of the failure, then connect it again.`,
      );
    }
    if (store.state === "DISCONNECTING") {
      throw new KmsError(
        "CustomKeyStoreInvalidStateException",
        `Custom key store ${store.id} is disconnecting. Wait until it is DISCONNECTED, then connect it.`,
      );
    }
    if (store.state !== "DISCONNECTED" || this.#disposed) return {};
    store.state = "CONNECTING";
    store.errorCode = undefined;
    store.timer = setTimeout(() => this.#settle(store, call), this.#connectDelayMs);
    store.timer.unref();
    return {};
  }

  /**
   * `DisconnectCustomKeyStore`.
   * @param input - The request.
   * @returns The response.
   */
  disconnect(input: JsonObject): JsonObject {
    const store = this.require(reqString(input, "CustomKeyStoreId", RULES.CustomKeyStoreId));
    if (store.state === "DISCONNECTED" || store.state === "DISCONNECTING") {
      throw new KmsError(
        "CustomKeyStoreInvalidStateException",
        `Custom key store ${store.id} cannot be disconnected: its connection state is ${store.state}.`,
      );
    }
    if (this.#disconnectDelayMs === 0 || this.#disposed) {
      this.#setState(store, "DISCONNECTED", undefined);
      return {};
    }
    // As KMS does, the store passes through DISCONNECTING; a later state change cancels the timer.
    this.#setState(store, "DISCONNECTING", undefined);
    store.timer = setTimeout(() => {
      store.timer = undefined;
      if (!this.#disposed && store.state === "DISCONNECTING")
        this.#setState(store, "DISCONNECTED", undefined);
    }, this.#disconnectDelayMs);
    store.timer.unref();
    return {};
  }

  /**
   * `UpdateCustomKeyStore`.
   * @param input - The request.
   * @param call - The KMS request (for a routed proxy's health check).
   * @returns The response.
   */
  async update(input: JsonObject, call: KmsCall): Promise<JsonObject> {
    const store = this.require(reqString(input, "CustomKeyStoreId", RULES.CustomKeyStoreId));
    const newName = optString(input, "NewCustomKeyStoreName", RULES.NewCustomKeyStoreName);
    const foreign = store.type === "AWS_CLOUDHSM" ? XKS_FIELDS : CLOUDHSM_FIELDS;
    for (const field of foreign) {
      if (present(input, field))
        throw invalid(field, `Member is not valid for custom key store type ${store.type}`);
    }
    const given = [...CLOUDHSM_FIELDS, ...XKS_FIELDS, "NewCustomKeyStoreName"].filter((f) =>
      present(input, f),
    );
    const refused =
      store.state === "DISCONNECTED"
        ? []
        : store.state === "CONNECTED"
          ? given.filter((f) => !UPDATABLE_WHILE_CONNECTED[store.type].includes(f))
          : given;
    // Read every field first, so that a malformed value is a ValidationException in any state.
    const clusterId = optString(input, "CloudHsmClusterId", RULES.CloudHsmClusterId);
    const password = optString(input, "KeyStorePassword", RULES.KeyStorePassword);
    const connectivity = optEnum(input, "XksProxyConnectivity", CONNECTIVITIES);
    const uriEndpoint = optString(input, "XksProxyUriEndpoint", RULES.XksProxyUriEndpoint);
    const uriPath = optString(input, "XksProxyUriPath", RULES.XksProxyUriPath);
    checkUriPathVersion(uriPath);
    const { serviceName, serviceOwner, cred } = xksAccessFields(input);
    if (refused.length > 0) {
      throw new KmsError(
        "CustomKeyStoreInvalidStateException",
        store.state === "CONNECTED"
          ? `Custom key store ${store.id} must be disconnected to update ${refused.join(", ")}. Its connection state is CONNECTED.`
          : `Custom key store ${store.id} cannot be updated while its connection state is ${store.state}. Disconnect it first.`,
      );
    }
    const next: StoreRecord = {
      ...store,
      name: newName ?? store.name,
      cloudHsm:
        store.cloudHsm === undefined
          ? undefined
          : {
              ...store.cloudHsm,
              clusterId: clusterId ?? store.cloudHsm.clusterId,
              password: password ?? store.cloudHsm.password,
            },
      xks: store.xks === undefined ? undefined : mergeXks(store.xks, connectivity, serviceName, serviceOwner),
    };
    if (next.xks !== undefined) {
      next.xks.uriEndpoint = uriEndpoint ?? next.xks.uriEndpoint;
      next.xks.uriPath = uriPath ?? next.xks.uriPath;
      if (cred !== undefined) Object.assign(next.xks, cred);
      checkConnectivity(next.xks);
    }
    this.#checkUnique(next);
    if (
      next.xks !== undefined &&
      (next.xks.connectivity === "PUBLIC_ENDPOINT" || store.state === "CONNECTED")
    ) {
      await this.#checkProxy(next, true, call);
      if (this.#stores.get(store.id) !== store) throw notFound(store.id);
      this.#checkUnique(next);
    }
    store.name = next.name;
    store.cloudHsm = next.cloudHsm;
    store.xks = next.xks;
    return {};
  }

  /**
   * `DeleteCustomKeyStore`.
   * @param input - The request.
   * @returns The response.
   */
  delete(input: JsonObject): JsonObject {
    const store = this.require(reqString(input, "CustomKeyStoreId", RULES.CustomKeyStoreId));
    if (store.state !== "DISCONNECTED") {
      throw new KmsError(
        "CustomKeyStoreInvalidStateException",
        `Custom key store ${store.id} must be disconnected before it can be deleted. Its connection state is ${store.state}.`,
      );
    }
    const keys = this.keys.countIn(store.id);
    if (keys > 0) {
      throw new KmsError(
        "CustomKeyStoreHasCMKsException",
        `Custom key store ${store.id} cannot be deleted because it contains ${keys} KMS key(s), including keys pending deletion. Schedule their deletion and wait until it completes.`,
      );
    }
    this.#stores.delete(store.id);
    this.keys.removeIn(store.id);
    return {};
  }

  /**
   * The scripting handle of a store.
   * @param id - The store id.
   * @returns The control.
   */
  control(id: string): KeyStoreControl {
    if (!this.#stores.has(id)) throw new Error(`The KMS emulator has no custom key store ${id}.`);
    const store = (): StoreRecord => {
      const s = this.#stores.get(id);
      if (s === undefined) throw new Error(`Custom key store ${id} was deleted.`);
      return s;
    };
    return {
      id,
      state: () => store().state,
      failConnect: (code, options) => {
        if (typeof code !== "string" || code === "")
          throw new TypeError("Expected a ConnectionErrorCode string.");
        store().connectFailures.push({ value: code, remaining: checkTimes(options?.times) });
      },
      proxyFault: (fault, options) => {
        const s = store();
        if (fault === undefined) {
          s.fault = undefined;
          return;
        }
        const info = faultInfo(fault);
        if (info === undefined) throw new TypeError(`Unknown backing-store fault \`${String(fault)}\`.`);
        if (info.keyStoreType !== s.type) {
          throw new TypeError(
            `Fault \`${fault}\` applies to ${info.keyStoreType} stores; ${id} is ${s.type}.`,
          );
        }
        s.fault = { value: fault, remaining: checkTimes(options?.times ?? Number.POSITIVE_INFINITY) };
      },
      setState: (state, errorCode) => {
        if (!STATES.includes(state)) throw new TypeError(`Unknown connection state \`${String(state)}\`.`);
        this.#setState(store(), state, state === "FAILED" ? (errorCode ?? "INTERNAL_ERROR") : undefined);
      },
    };
  }

  /**
   * The scripting handle of an XKS proxy endpoint.
   * @param uriEndpoint - The `XksProxyUriEndpoint`, e.g. `https://xks.example.com`.
   * @returns The control.
   */
  endpointControl(uriEndpoint: string): ProxyFaultControl {
    return {
      proxyFault: (fault, options) => {
        if (fault === undefined) {
          this.#endpointFaults.delete(uriEndpoint);
          return;
        }
        const info = faultInfo(fault);
        if (info?.keyStoreType !== "EXTERNAL_KEY_STORE") {
          throw new TypeError(`Unknown external key store proxy fault \`${String(fault)}\`.`);
        }
        this.#endpointFaults.set(uriEndpoint, {
          value: fault,
          remaining: checkTimes(options?.times ?? Number.POSITIVE_INFINITY),
        });
      },
    };
  }

  /** Forgets every scripted connect failure and backing-store fault. */
  resetFaults(): void {
    this.#endpointFaults.clear();
    for (const store of this.#stores.values()) {
      store.connectFailures.length = 0;
      store.fault = undefined;
    }
  }

  /** Cancels every pending connect attempt; later connects do nothing. */
  dispose(): void {
    this.#disposed = true;
    for (const store of this.#stores.values()) {
      clearTimeout(store.timer);
      store.timer = undefined;
    }
  }

  #record(
    base: { id: string; name: string; type: StoreType; creationDate: Date },
    cloudHsm: CloudHsmConfig | undefined,
    xks: XksConfig | undefined,
  ): StoreRecord {
    return {
      ...base,
      state: "DISCONNECTED",
      errorCode: undefined,
      cloudHsm,
      xks,
      timer: undefined,
      connectFailures: [],
      fault: undefined,
      attempt: 0,
    };
  }

  #setState(store: StoreRecord, state: ConnectionState, errorCode: string | undefined): void {
    clearTimeout(store.timer);
    store.timer = undefined;
    store.state = state;
    store.errorCode = errorCode;
    store.attempt += 1;
  }

  #settle(store: StoreRecord, call: KmsCall): void {
    store.timer = undefined;
    if (this.#disposed || store.state !== "CONNECTING") return;
    const scripted = store.connectFailures[0];
    if (scripted !== undefined) {
      scripted.remaining -= 1;
      if (scripted.remaining <= 0) store.connectFailures.shift();
      this.#setState(store, "FAILED", scripted.value);
      return;
    }
    const fault = this.takeFault(store, store.xks?.uriEndpoint, "connect");
    if (fault?.connectionErrorCode !== undefined) {
      this.#setState(store, "FAILED", fault.connectionErrorCode);
      return;
    }
    if (!this.#gateway.routed(store.xks)) {
      this.#setState(store, "CONNECTED", undefined);
      return;
    }
    // KMS's connect ends with the proxy's GetHealthStatus; the store stays CONNECTING meanwhile.
    const attempt = store.attempt;
    void this.#gateway.health(store.xks, call).then((outcome) => {
      if (this.#disposed || store.attempt !== attempt || store.state !== "CONNECTING") return;
      if (outcome === undefined) this.#setState(store, "CONNECTED", undefined);
      else this.#setState(store, "FAILED", outcomeConnectionCode(outcome));
    });
  }

  #checkUnique(store: StoreRecord): void {
    for (const other of this.#stores.values()) {
      if (other.id === store.id) continue;
      if (other.name === store.name) {
        throw new KmsError(
          "CustomKeyStoreNameInUseException",
          `The custom key store name ${JSON.stringify(store.name)} is already in use in this AWS account and Region.`,
        );
      }
    }
    for (const other of this.#stores.values()) {
      if (other.id === store.id) continue;
      if (store.cloudHsm !== undefined && other.cloudHsm?.clusterId === store.cloudHsm.clusterId) {
        throw new KmsError(
          "CloudHsmClusterInUseException",
          `AWS CloudHSM cluster ${store.cloudHsm.clusterId} is already associated with custom key store ${other.id}.`,
        );
      }
      const a = store.xks;
      const b = other.xks;
      if (a === undefined || b === undefined) continue;
      if (a.uriEndpoint === b.uriEndpoint && a.uriPath === b.uriPath) {
        throw new KmsError(
          "XksProxyUriInUseException",
          `The external key store proxy URI ${a.uriEndpoint}${a.uriPath} is already associated with custom key store ${other.id}. Use a unique URI path.`,
        );
      }
      if (a.vpcEndpointServiceName !== undefined && a.vpcEndpointServiceName === b.vpcEndpointServiceName) {
        throw new KmsError(
          "XksProxyVpcEndpointServiceInUseException",
          `The VPC endpoint service ${a.vpcEndpointServiceName} is already associated with custom key store ${other.id}.`,
        );
      }
      if (
        a.uriEndpoint === b.uriEndpoint &&
        (a.connectivity === "VPC_ENDPOINT_SERVICE" || b.connectivity === "VPC_ENDPOINT_SERVICE")
      ) {
        throw new KmsError(
          "XksProxyUriEndpointInUseException",
          `The external key store proxy URI endpoint ${a.uriEndpoint} is already associated with custom key store ${other.id}.`,
        );
      }
    }
  }

  /** KMS calls the proxy's GetHealthStatus while creating or updating a store. */
  async #checkProxy(store: StoreRecord, existing: boolean, call: KmsCall): Promise<void> {
    const xks = store.xks;
    if (xks === undefined) return;
    const fault = this.takeFault(
      existing ? this.#stores.get(store.id) : undefined,
      xks.uriEndpoint,
      "manage",
    );
    if (fault?.manage !== undefined) {
      throw faultError(fault.manage, { uri: `${xks.uriEndpoint}${xks.uriPath}`, customKeyStoreId: store.id });
    }
    if (!this.#gateway.routed(xks)) return;
    const outcome = await this.#gateway.health(xks, call);
    if (outcome !== undefined) {
      throw outcomeError(outcome, "manage", {
        uri: `${xks.uriEndpoint}${xks.uriPath}`,
        customKeyStoreId: store.id,
      });
    }
  }
}

const mergeXks = (
  xks: XksConfig,
  connectivity: Connectivity | undefined,
  serviceName: string | undefined,
  serviceOwner: string | undefined,
): XksConfig => {
  const next = { ...xks, connectivity: connectivity ?? xks.connectivity };
  if (connectivity === "PUBLIC_ENDPOINT") {
    next.vpcEndpointServiceName = undefined;
    next.vpcEndpointServiceOwner = undefined;
  }
  if (serviceName !== undefined) next.vpcEndpointServiceName = serviceName;
  if (serviceOwner !== undefined) next.vpcEndpointServiceOwner = serviceOwner;
  return next;
};

const checkConnectivity = (xks: XksConfig): void => {
  if (xks.connectivity === "VPC_ENDPOINT_SERVICE" && xks.vpcEndpointServiceName === undefined) {
    throw new KmsError(
      "ValidationException",
      "XksProxyVpcEndpointServiceName is required when XksProxyConnectivity is VPC_ENDPOINT_SERVICE.",
    );
  }
  if (
    xks.connectivity === "PUBLIC_ENDPOINT" &&
    (xks.vpcEndpointServiceName !== undefined || xks.vpcEndpointServiceOwner !== undefined)
  ) {
    throw new KmsError(
      "ValidationException",
      "XksProxyVpcEndpointServiceName and XksProxyVpcEndpointServiceOwner are valid only when XksProxyConnectivity is VPC_ENDPOINT_SERVICE.",
    );
  }
};

/** A `CustomKeyStoresListEntry` as KMS returns it: never a password or secret access key. */
const describeEntry = (store: StoreRecord): JsonObject => ({
  CustomKeyStoreId: store.id,
  CustomKeyStoreName: store.name,
  CustomKeyStoreType: store.type,
  ConnectionState: store.state,
  ...(store.state === "FAILED" && store.errorCode !== undefined
    ? { ConnectionErrorCode: store.errorCode }
    : {}),
  CreationDate: epochSeconds(store.creationDate),
  ...(store.cloudHsm === undefined
    ? {}
    : {
        CloudHsmClusterId: store.cloudHsm.clusterId,
        TrustAnchorCertificate: store.cloudHsm.trustAnchorCertificate,
      }),
  ...(store.xks === undefined
    ? {}
    : {
        XksProxyConfiguration: {
          Connectivity: store.xks.connectivity,
          AccessKeyId: store.xks.accessKeyId,
          UriEndpoint: store.xks.uriEndpoint,
          UriPath: store.xks.uriPath,
          ...(store.xks.vpcEndpointServiceName === undefined
            ? {}
            : { VpcEndpointServiceName: store.xks.vpcEndpointServiceName }),
          ...(store.xks.vpcEndpointServiceOwner === undefined
            ? {}
            : { VpcEndpointServiceOwner: store.xks.vpcEndpointServiceOwner }),
        },
      }),
});
