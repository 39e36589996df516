/**
 * `diagnoseKeyStore`: which prerequisite of a custom key store fails, with the evidence, from what
 * the AWS APIs report (kms-facts §8).
 */
import { DescribeCustomKeyStoresCommand, type KMSClient } from "@aws-sdk/client-kms";
import { ResultAsync } from "neverthrow";
import { classify } from "../classify.js";
import type { KmsFailure } from "../failure.js";
import { cloudHsmChecks } from "./deep-cloudhsm.js";
import {
  AwsCaller,
  type AwsClientLike,
  type CallResult,
  type Check,
  CheckSet,
  failedCall,
} from "./deep-support.js";
import { xksVpcChecks } from "./deep-vpc.js";

/**
 * The clients `diagnoseKeyStore` uses. Only `kms` is required; a missing client makes its checks
 * `unknown`. Pass clients of the key store's Region and account (the owner's account for owner-only
 * VPC endpoint service checks).
 *
 * @public
 */
export interface DiagnoseClients {
  /** A `KMSClient` (its Region is the key store's Region). */
  readonly kms: Pick<KMSClient, "send"> & { readonly config?: { readonly region?: unknown } | undefined };
  /** An `EC2Client` from `@aws-sdk/client-ec2`: VPC endpoint service, subnet and security group checks. */
  readonly ec2?: AwsClientLike | undefined;
  /** An `ElasticLoadBalancingV2Client` from `@aws-sdk/client-elastic-load-balancing-v2`: NLB checks. */
  readonly elbv2?: AwsClientLike | undefined;
  /** A `CloudHSMV2Client` from `@aws-sdk/client-cloudhsm-v2`: cluster checks. */
  readonly cloudhsm?: AwsClientLike | undefined;
}

/**
 * Options of `diagnoseKeyStore`.
 * @public
 */
export interface DiagnoseOptions {
  /** Aborts the diagnosis; it then resolves to an `Aborted` failure. */
  readonly signal?: AbortSignal | undefined;
  /** The key store's Region, when the KMS client's cannot be read. @defaultValue the KMS client's Region */
  readonly region?: string | undefined;
}

/**
 * What `diagnoseKeyStore` found: the store's state and every requirement it checked. Never carries
 * the raw `DescribeCustomKeyStores` entry (it holds the XKS credential's access key id).
 * @public
 */
export interface Diagnosis {
  /** The `cks-…` id. */
  readonly customKeyStoreId: string;
  /** `AWS_CLOUDHSM` or `EXTERNAL_KEY_STORE`. */
  readonly customKeyStoreType: string;
  /** `CONNECTED`, `CONNECTING`, `DISCONNECTED`, `DISCONNECTING` or `FAILED`. */
  readonly connectionState: string;
  /** The `ConnectionErrorCode`, when `FAILED`. */
  readonly connectionErrorCode?: string;
  /** Every check, in the order of `REQUIREMENTS`. */
  readonly checks: readonly Check[];
  /** The checks whose status is `fail`. */
  readonly failing: readonly Check[];
}

interface StoreEntry {
  readonly CustomKeyStoreId?: string;
  readonly CustomKeyStoreType?: string;
  readonly ConnectionState?: string;
  readonly ConnectionErrorCode?: string;
  readonly CloudHsmClusterId?: string;
  readonly TrustAnchorCertificate?: string;
  readonly XksProxyConfiguration?: {
    readonly Connectivity?: string;
    readonly UriEndpoint?: string;
    readonly VpcEndpointServiceName?: string;
  };
}

const notFound = (customKeyStoreId: string): Error =>
  Object.assign(new Error(`No custom key store with ID ${customKeyStoreId} was found.`), {
    name: "CustomKeyStoreNotFoundException",
    $fault: "client",
  });

const sendKms = <T>(
  kms: DiagnoseClients["kms"],
  input: object,
  signal: AbortSignal | undefined,
): Promise<T> =>
  (kms.send as (command: unknown, options?: unknown) => Promise<T>)(
    new DescribeCustomKeyStoresCommand(input),
    signal === undefined ? undefined : { abortSignal: signal },
  );

const regionOf = async (kms: DiagnoseClients["kms"]): Promise<string | undefined> => {
  try {
    const region = kms.config?.region;
    const value = typeof region === "function" ? await (region as () => unknown)() : region;
    return typeof value === "string" && value !== "" ? value : undefined;
  } catch {
    return undefined;
  }
};

/** The other stores (every page of DescribeCustomKeyStores) that use a VPC endpoint service name. */
const otherStoresUsing =
  (kms: DiagnoseClients["kms"], customKeyStoreId: string, signal: AbortSignal | undefined) =>
  async (serviceName: string): Promise<CallResult<readonly string[]>> => {
    const ids: string[] = [];
    let marker: string | undefined;
    try {
      for (let page = 0; page < 1000; page++) {
        const out = await sendKms<{
          CustomKeyStores?: readonly StoreEntry[];
          NextMarker?: string;
          Truncated?: boolean;
        }>(kms, marker === undefined ? {} : { Marker: marker }, signal);
        for (const store of out.CustomKeyStores ?? []) {
          if (
            store.CustomKeyStoreId !== customKeyStoreId &&
            store.XksProxyConfiguration?.VpcEndpointServiceName === serviceName
          ) {
            ids.push(store.CustomKeyStoreId ?? "?");
          }
        }
        marker = out.Truncated === true ? out.NextMarker : undefined;
        if (marker === undefined) break;
      }
      return { ok: true, value: ids };
    } catch (error) {
      return failedCall(error, "kms:DescribeCustomKeyStores");
    }
  };

async function runChecks(
  clients: DiagnoseClients,
  entry: StoreEntry,
  customKeyStoreId: string,
  options: DiagnoseOptions,
): Promise<Check[]> {
  const caller = new AwsCaller(
    { ec2: clients.ec2, elbv2: clients.elbv2, cloudhsm: clients.cloudhsm },
    options.signal,
  );
  const region = options.region ?? (await regionOf(clients.kms));
  const type =
    entry.CustomKeyStoreType ?? (entry.CloudHsmClusterId === undefined ? undefined : "AWS_CLOUDHSM");
  if (type === "AWS_CLOUDHSM") {
    return cloudHsmChecks({
      caller,
      customKeyStoreId,
      region,
      clusterId: entry.CloudHsmClusterId,
      trustAnchorCertificate: entry.TrustAnchorCertificate,
    });
  }
  const xks = entry.XksProxyConfiguration;
  if (xks?.Connectivity === "VPC_ENDPOINT_SERVICE" && xks.VpcEndpointServiceName !== undefined) {
    return xksVpcChecks({
      caller,
      customKeyStoreId,
      region,
      serviceName: xks.VpcEndpointServiceName,
      uriEndpoint: xks.UriEndpoint,
      otherStoresUsing: otherStoresUsing(clients.kms, customKeyStoreId, options.signal),
    });
  }
  const set = new CheckSet("xks-public");
  set.set(
    "xks-public-endpoint-probe",
    "unknown",
    `XksProxyConnectivity is ${xks?.Connectivity ?? "not reported"}: the VPC endpoint service checks do not apply; probe the proxy at ${xks?.UriEndpoint ?? "its endpoint"} instead`,
  );
  return set.build({ "custom-key-store-id": customKeyStoreId, region });
}

const abortReason = (signal: AbortSignal): unknown => {
  const reason: unknown = signal.reason;
  return reason ?? Object.assign(new Error("The diagnosis was aborted."), { name: "AbortError" });
};

/**
 * Finds which requirement of a custom key store fails, with the evidence: for an external key store
 * with VPC endpoint service connectivity, the endpoint service, its Network Load Balancer, listener
 * and targets; for an AWS CloudHSM key store, the cluster, its HSMs, subnets, security group and
 * trust anchor. Every check is `pass`, `fail` or `unknown` (what it could not see: a missing client,
 * a denied IAM action, a service owned by another account) and carries the catalog's remediation.
 *
 * The EC2, ELBv2 and CloudHSM v2 clients are optional peer dependencies: pass instances; their
 * command classes are loaded with `import()` only when a check runs.
 *
 * @param clients - `kms` (required) and the optional `ec2`, `elbv2`, `cloudhsm` clients.
 * @param customKeyStoreId - The `cks-…` id.
 * @param options - `signal` to abort; `region` when the KMS client's cannot be read.
 * @returns Ok with the diagnosis; Err when the store cannot be described (its classification), or
 * on abort. Errors of individual checks never reject it: they make checks `unknown`.
 *
 * @example
 * ```ts
 * import { KMSClient } from "@aws-sdk/client-kms";
 * import { EC2Client } from "@aws-sdk/client-ec2";
 * import { ElasticLoadBalancingV2Client } from "@aws-sdk/client-elastic-load-balancing-v2";
 * import { diagnoseKeyStore } from "kms-keystore-errors";
 *
 * const result = await diagnoseKeyStore(
 *   { kms: new KMSClient({}), ec2: new EC2Client({}), elbv2: new ElasticLoadBalancingV2Client({}) },
 *   "cks-1234567890abcdef0",
 * );
 * result.match(
 *   (d) => d.failing.forEach((c) => console.log(`${c.id}: ${c.evidence}\n  ${c.remediation.steps[0]}`)),
 *   (failure) => console.error(failure.kind, failure.remediation.summary),
 * );
 * ```
 * @public
 */
export function diagnoseKeyStore(
  clients: DiagnoseClients,
  customKeyStoreId: string,
  options: DiagnoseOptions = {},
): ResultAsync<Diagnosis, KmsFailure> {
  const context = { operation: "DescribeCustomKeyStores", customKeyStoreId };
  const run = async (): Promise<Diagnosis> => {
    const out = await sendKms<{ CustomKeyStores?: readonly StoreEntry[] }>(
      clients.kms,
      { CustomKeyStoreId: customKeyStoreId },
      options.signal,
    );
    const entry = out.CustomKeyStores?.find((s) => s.CustomKeyStoreId === customKeyStoreId);
    if (entry === undefined) throw notFound(customKeyStoreId);
    let checks: Check[];
    try {
      checks = await runChecks(clients, entry, customKeyStoreId, options);
    } catch {
      checks = [];
    }
    if (options.signal?.aborted === true) throw abortReason(options.signal);
    return {
      customKeyStoreId,
      customKeyStoreType:
        entry.CustomKeyStoreType ?? (entry.CloudHsmClusterId === undefined ? "UNKNOWN" : "AWS_CLOUDHSM"),
      connectionState: entry.ConnectionState ?? "UNKNOWN",
      ...(entry.ConnectionErrorCode === undefined ? {} : { connectionErrorCode: entry.ConnectionErrorCode }),
      checks,
      failing: checks.filter((c) => c.status === "fail"),
    };
  };
  return ResultAsync.fromPromise(Promise.resolve().then(run), (error) => classify(error, context));
}
