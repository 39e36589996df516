/**
 * `diagnoseKeyStore`: which prerequisite of a custom key store fails, with the evidence, from what
 * the AWS APIs report (kms-facts §8).
 */
import { DescribeCustomKeyStoresCommand, type KMSClient } from "@aws-sdk/client-kms";
import type { ResultAsync } from "neverthrow";
import { classify } from "../classify.js";
import type { KmsFailure } from "../failure.js";
import { connectionErrorCode } from "../lifecycle.js";
import { fromPromise } from "../neverthrow.js";
import { redact, secretsOf } from "../redact.js";
import {
  bounded,
  DEFAULT_DIAGNOSIS_DEADLINE_MS,
  DEFAULT_REQUEST_TIMEOUT_MS,
  MAX_DEADLINE_MS,
  milliseconds,
  requestSignal,
} from "./bounds.js";
import { CheckSet, type DeepCheck } from "./check.js";
import { cloudHsmChecks } from "./deep-cloudhsm.js";
import { AwsCaller, type AwsClientLike, type CallResult } from "./deep-support.js";
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
  /**
   * Milliseconds one AWS call may take (1–3,600,000); a call past it makes its checks `unknown`
   * ("gave no answer within … ms"). It bounds the connection too: the call is aborted whatever phase
   * it is in.
   * @defaultValue 10000
   */
  readonly requestTimeoutMs?: number | undefined;
  /**
   * Milliseconds the whole diagnosis may take (1–3,600,000); past it, it resolves to a
   * `TransportError` failure with cause `REQUEST_TIMEOUT`.
   * @defaultValue 120000
   */
  readonly deadlineMs?: number | undefined;
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
  readonly checks: readonly DeepCheck[];
  /** The checks whose status is `fail`. */
  readonly failing: readonly DeepCheck[];
}

interface StoreEntry {
  readonly CustomKeyStoreId?: string;
  readonly CustomKeyStoreType?: string;
  readonly ConnectionState?: string;
  readonly ConnectionErrorCode?: string;
  readonly CloudHsmClusterId?: string;
  readonly TrustAnchorCertificate?: string;
  readonly XksProxyConfiguration?: {
    readonly AccessKeyId?: string;
    readonly Connectivity?: string;
    readonly UriEndpoint?: string;
    readonly VpcEndpointServiceName?: string;
  };
}

const notFound = (customKeyStoreId: string): Error =>
  Object.assign(new Error(`No custom key store with ID ${customKeyStoreId} was found.`), {
    name: "CustomKeyStoreNotFoundException",
  });

const sendKms = <T>(kms: DiagnoseClients["kms"], input: object, abortSignal: AbortSignal): Promise<T> =>
  (kms.send as (command: unknown, options?: unknown) => Promise<T>)(
    new DescribeCustomKeyStoresCommand(input),
    { abortSignal },
  );

const regionOf = async (kms: DiagnoseClients["kms"]): Promise<string | undefined> => {
  let value: unknown;
  try {
    const region = kms.config?.region;
    value = typeof region === "function" ? await (region as () => unknown)() : region;
  } catch {
    // A client without a readable Region: the checks say the Region is unknown.
  }
  return typeof value === "string" && value !== "" ? value : undefined;
};

/** The other stores (every page of DescribeCustomKeyStores) that use a VPC endpoint service name. */
const otherStoresUsing =
  (kms: DiagnoseClients["kms"], customKeyStoreId: string, caller: AwsCaller) =>
  async (serviceName: string): Promise<CallResult<readonly string[]>> => {
    const ids: string[] = [];
    let marker: string | undefined;
    const seen = new Set<string>();
    for (let page = 0; page < 1000; page++) {
      const call = await caller.send("kms:DescribeCustomKeyStores", (signal) =>
        sendKms<{
          CustomKeyStores?: readonly StoreEntry[];
          NextMarker?: string;
          Truncated?: boolean;
        }>(kms, { Marker: marker }, signal),
      );
      if (!call.ok) return call;
      const out = call.value;
      for (const store of out.CustomKeyStores ?? []) {
        if (
          store.CustomKeyStoreId !== customKeyStoreId &&
          store.XksProxyConfiguration?.VpcEndpointServiceName === serviceName
        ) {
          ids.push(store.CustomKeyStoreId ?? "?");
        }
      }
      marker = out.Truncated === true ? out.NextMarker : undefined;
      if (marker === undefined) return { ok: true, value: ids };
      if (seen.has(marker)) {
        return {
          ok: false,
          evidence: `kms:DescribeCustomKeyStores page ${page + 1} repeats a NextMarker it sent before; stopped`,
        };
      }
      seen.add(marker);
    }
    return { ok: false, evidence: "kms:DescribeCustomKeyStores sent more than 1000 pages; stopped" };
  };

/** The bounds of one diagnosis. */
interface RunBounds {
  readonly signal: AbortSignal;
  readonly requestTimeoutMs: number;
}

async function runChecks(
  clients: DiagnoseClients,
  entry: StoreEntry,
  customKeyStoreId: string,
  options: DiagnoseOptions,
  bounds: RunBounds,
): Promise<DeepCheck[]> {
  const caller = new AwsCaller(
    { ec2: clients.ec2, elbv2: clients.elbv2, cloudhsm: clients.cloudhsm },
    bounds.signal,
    bounds.requestTimeoutMs,
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
      otherStoresUsing: otherStoresUsing(clients.kms, customKeyStoreId, caller),
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
 * Bounded: each AWS call by `requestTimeoutMs` (10 s), the whole diagnosis by `deadlineMs` (120 s),
 * so a server that never answers, or trickles its answer, cannot hold it open.
 *
 * @param clients - `kms` (required) and the optional `ec2`, `elbv2`, `cloudhsm` clients.
 * @param customKeyStoreId - The `cks-…` id.
 * @param options - `signal` to abort; `requestTimeoutMs` and `deadlineMs`; `region` when the KMS
 * client's cannot be read.
 * @returns Ok with the diagnosis; Err when the store cannot be described (its classification), on
 * abort (`Aborted`), or past the deadline (`TransportError`, `REQUEST_TIMEOUT`). Errors of individual
 * checks never reject it: they make checks `unknown`.
 * @throws TypeError - synchronously, for a request timeout or deadline that is not 1–3,600,000 ms.
 *
 * @example
 * ```ts
 * import { KMSClient } from "@aws-sdk/client-kms";
 * import { EC2Client } from "@aws-sdk/client-ec2";
 * import { ElasticLoadBalancingV2Client } from "@aws-sdk/client-elastic-load-balancing-v2";
 * import { diagnoseKeyStore } from "kms-keystore-errors/diagnostics";
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
  options?: DiagnoseOptions,
): ResultAsync<Diagnosis, KmsFailure> {
  // JavaScript callers may pass null.
  const opts: DiagnoseOptions = options ?? {};
  const requestTimeoutMs = milliseconds(
    "diagnoseKeyStore",
    "requestTimeoutMs",
    opts.requestTimeoutMs,
    DEFAULT_REQUEST_TIMEOUT_MS,
    MAX_DEADLINE_MS,
  );
  const deadlineMs = milliseconds(
    "diagnoseKeyStore",
    "deadlineMs",
    opts.deadlineMs,
    DEFAULT_DIAGNOSIS_DEADLINE_MS,
    MAX_DEADLINE_MS,
  );
  const context = { operation: "DescribeCustomKeyStores", customKeyStoreId };
  const { signal, deadline } = bounded(opts.signal, deadlineMs);
  /** Why the run stopped early: the caller's signal (its reason), or the deadline. */
  const stopped = (): unknown =>
    opts.signal?.aborted === true
      ? opts.signal.reason
      : Object.assign(new Error(`The diagnosis did not finish within ${deadlineMs} ms (deadlineMs).`), {
          name: "TimeoutError",
        });
  const run = async (): Promise<Diagnosis> => {
    let out: { CustomKeyStores?: readonly StoreEntry[] };
    const request = requestSignal(signal, requestTimeoutMs);
    try {
      out = await sendKms(clients.kms, { CustomKeyStoreId: customKeyStoreId }, request);
    } catch (error) {
      if (signal.aborted) throw stopped();
      // The SDK reports its own abort error; the cause was the request's time running out.
      if (request.aborted) {
        throw Object.assign(
          new Error(
            `DescribeCustomKeyStores gave no complete answer within ${requestTimeoutMs} ms (requestTimeoutMs).`,
          ),
          { name: "TimeoutError" },
        );
      }
      throw error;
    }
    const entry = out.CustomKeyStores?.find((s) => s.CustomKeyStoreId === customKeyStoreId);
    if (entry === undefined) throw notFound(customKeyStoreId);
    let checks: DeepCheck[];
    try {
      checks = await runChecks(clients, entry, customKeyStoreId, opts, { signal, requestTimeoutMs });
    } catch {
      checks = [];
    }
    if (signal.aborted) throw stopped();
    // Everything below is the servers' text: redacted against the store's own credential id (and
    // SigV4 material) before it is reported.
    const secrets = secretsOf(entry.XksProxyConfiguration?.AccessKeyId ?? []);
    const clean = (text: string, max: number): string => redact(text, secrets, max);
    checks = checks.map((c) => ({ ...c, evidence: clean(c.evidence, 600) }));
    return {
      customKeyStoreId,
      customKeyStoreType: clean(
        entry.CustomKeyStoreType ?? (entry.CloudHsmClusterId === undefined ? "UNKNOWN" : "AWS_CLOUDHSM"),
        64,
      ),
      connectionState: clean(entry.ConnectionState ?? "UNKNOWN", 64),
      ...(entry.ConnectionErrorCode === undefined
        ? {}
        : { connectionErrorCode: connectionErrorCode(entry.ConnectionErrorCode) }),
      checks,
      failing: checks.filter((c) => c.status === "fail"),
    };
  };
  // The deadline ends the run even where a call ignores its signal.
  const expired = new Promise<never>((_, reject) => {
    deadline.addEventListener("abort", () => reject(stopped()), { once: true });
  });
  return fromPromise(Promise.race([Promise.resolve().then(run), expired]), (error) =>
    classify(error, context),
  );
}
