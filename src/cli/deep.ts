/**
 * `doctor --deep`: for each key store to look into, `diagnoseKeyStore` with EC2, ELBv2 and CloudHSM v2
 * clients loaded on demand (optional peer dependencies), then the failing and unknown checks as text.
 */
import type { KMSClient } from "@aws-sdk/client-kms";
import { OPTIONAL_CLIENTS, type OptionalService } from "../diagnostics/deep-support.js";
import type { AwsClientLike, DeepCheck, Diagnosis } from "../diagnostics/index.js";
import { diagnoseKeyStore, REQUIREMENTS, type RequirementScope } from "../diagnostics/index.js";
import type { KeyStoreReport } from "../lifecycle.js";
import { type KmsLogEntry, toLogEntry } from "../log.js";
import { capResponses, httpBounds } from "./bounds.js";
import { remediationLines } from "./explain.js";
import { plural, printable, type Style } from "./style.js";
import { PROGRAM } from "./usage.js";

/** Loads the module of an optional client package (injectable for tests). @internal */
export type ModuleLoaders = Readonly<Record<OptionalService, () => Promise<unknown>>>;

/** What each kind of store needs besides KMS. */
const WHAT_FOR: Readonly<Record<OptionalService, string>> = {
  ec2: "VPC endpoint service, subnet and security group checks",
  elbv2: "Network Load Balancer checks",
  cloudhsm: "CloudHSM cluster checks",
  cloudwatch: "health checks from CloudWatch metrics",
};

/** The real packages, loaded only when a deep check needs them. @internal */
export const DEFAULT_LOADERS: ModuleLoaders = {
  ec2: () => import("@aws-sdk/client-ec2"),
  elbv2: () => import("@aws-sdk/client-elastic-load-balancing-v2"),
  cloudhsm: () => import("@aws-sdk/client-cloudhsm-v2"),
  cloudwatch: () => import("@aws-sdk/client-cloudwatch"),
};

/**
 * One entry of `diagnoses` in `doctor --deep --json`: the library's `Diagnosis`, or the store's id and
 * the log entry of the failure that stopped the diagnosis (e.g. the store could not be described).
 * @internal
 */
export type DeepEntry = Diagnosis | { readonly customKeyStoreId: string; readonly error: KmsLogEntry };

/** What {@link runDeep} found. @internal */
export interface DeepRun {
  /** One entry per store looked into, in order. */
  readonly diagnoses: readonly DeepEntry[];
  /** One-line notes, e.g. a missing optional package (already prefixed with the program name). */
  readonly notes: readonly string[];
}

/** Options of {@link runDeep}. @internal */
export interface DeepOptions {
  /** The KMS client doctor already built. */
  readonly kms: KMSClient;
  /** The resolved Region. */
  readonly region: string;
  /** The profile, for the other clients too. */
  readonly profile?: string | undefined;
  /** Endpoint of the EC2, ELBv2 and CloudHSM clients (testing aid: the AWS emulator). */
  readonly awsEndpoint?: string | undefined;
  /** Module loaders of the optional packages. @defaultValue {@link DEFAULT_LOADERS} */
  readonly loaders?: Partial<ModuleLoaders> | undefined;
  /** The command's deadline in milliseconds: the clients' timeouts and each diagnosis's deadline. */
  readonly deadlineMs: number;
  /** Aborts at the deadline. */
  readonly signal?: AbortSignal | undefined;
}

/** A target of the deep checks: a store id and, when doctor listed it, its report. */
export interface DeepTarget {
  readonly customKeyStoreId: string;
  readonly report?: KeyStoreReport | undefined;
}

/** An optional client the CLI built. @internal */
export type ClosableClient = AwsClientLike & { destroy?: () => void };

const OPTIONAL_SERVICES = Object.keys(OPTIONAL_CLIENTS) as readonly OptionalService[];

/** The optional services whose API the checks of a scope read. */
const servicesOf = (scope: RequirementScope): OptionalService[] =>
  OPTIONAL_SERVICES.filter((service) => REQUIREMENTS.some((r) => r.scope === scope && r.service === service));

/** The optional services a store's checks use. */
function servicesFor(report: KeyStoreReport | undefined): OptionalService[] {
  if (report?.customKeyStoreType === "AWS_CLOUDHSM") return servicesOf("cloudhsm");
  if (report?.customKeyStoreType === "EXTERNAL_KEY_STORE") {
    return report.xksProxy?.connectivity === "VPC_ENDPOINT_SERVICE" ? servicesOf("xks-vpc") : [];
  }
  return OPTIONAL_SERVICES.filter((service) => service !== "cloudwatch");
}

const errorCode = (error: unknown): string => {
  try {
    const code = (error as { code?: unknown; name?: unknown } | null)?.code;
    if (typeof code === "string") return code;
    const name = (error as { name?: unknown } | null)?.name;
    return typeof name === "string" ? name : typeof error;
  } catch {
    return "error";
  }
};

/**
 * Builds one optional client, or says in one line why it cannot.
 * @param service - The service.
 * @param loader - Loads its package.
 * @param config - The client configuration.
 * @returns The client (its answers capped), or a one-line note.
 * @internal
 */
export async function buildClient(
  service: OptionalService,
  loader: () => Promise<unknown>,
  config: Readonly<Record<string, unknown>>,
): Promise<{ client: ClosableClient } | { note: string }> {
  const pkg = OPTIONAL_CLIENTS[service];
  const missing = (why: string) => ({
    note: `${PROGRAM} doctor: ${pkg.package} ${why}: the ${WHAT_FOR[service]} are unknown; install it with \`npm install ${pkg.package}\`.`,
  });
  let module: unknown;
  try {
    module = await loader();
  } catch (error) {
    const code = errorCode(error);
    return missing(
      code === "ERR_MODULE_NOT_FOUND" || code === "MODULE_NOT_FOUND"
        ? "is not installed"
        : `could not be loaded (${code})`,
    );
  }
  const Client = (module as Record<string, unknown> | null)?.[pkg.client];
  if (typeof Client !== "function") return missing(`does not export ${pkg.client}`);
  try {
    const client = new (Client as new (config: object) => ClosableClient)({ ...config });
    capResponses(client as unknown as Parameters<typeof capResponses>[0]);
    return { client };
  } catch (error) {
    return missing(`could not create ${pkg.client} (${errorCode(error)})`);
  }
}

/**
 * Runs `diagnoseKeyStore` for each target, with the optional clients each store type needs, built
 * from the same Region and profile (and `awsEndpoint` when given). A package that cannot be loaded
 * leaves its checks `unknown` and adds a one-line note naming the package.
 *
 * @param targets - The stores to look into.
 * @param options - The KMS client, Region, profile, AWS endpoint and loaders.
 * @returns The diagnoses and notes.
 * @internal
 */
export async function runDeep(targets: readonly DeepTarget[], options: DeepOptions): Promise<DeepRun> {
  const needed = new Set(targets.flatMap((t) => servicesFor(t.report)));
  const bounds = httpBounds(options.deadlineMs);
  const config: Record<string, unknown> = { region: options.region, requestHandler: bounds };
  if (options.profile !== undefined) config.profile = options.profile;
  if (options.awsEndpoint !== undefined) config.endpoint = options.awsEndpoint;
  const loaders = { ...DEFAULT_LOADERS, ...options.loaders };
  const clients: Partial<Record<OptionalService, ClosableClient>> = {};
  const notes: string[] = [];
  const built = await Promise.all(
    OPTIONAL_SERVICES.map((service) =>
      needed.has(service) ? buildClient(service, loaders[service], config) : undefined,
    ),
  );
  built.forEach((outcome, i) => {
    const service = OPTIONAL_SERVICES[i] as OptionalService;
    if (outcome === undefined) return;
    if ("client" in outcome) clients[service] = outcome.client;
    else notes.push(outcome.note);
  });
  try {
    const diagnoses: DeepEntry[] = [];
    for (const target of targets) {
      const result = await diagnoseKeyStore(
        { kms: options.kms, ec2: clients.ec2, elbv2: clients.elbv2, cloudhsm: clients.cloudhsm },
        target.customKeyStoreId,
        {
          region: options.region,
          signal: options.signal,
          requestTimeoutMs: bounds.requestTimeout,
          deadlineMs: options.deadlineMs,
        },
      );
      diagnoses.push(
        result.isOk()
          ? result.value
          : { customKeyStoreId: target.customKeyStoreId, error: toLogEntry(result.error) },
      );
    }
    return { diagnoses, notes };
  } finally {
    for (const client of Object.values(clients)) {
      try {
        client.destroy?.();
      } catch {
        // Nothing to clean up then.
      }
    }
  }
}

const field = (label: string, value: string, s: Style): string =>
  `    ${s.dim(`${label}:`.padEnd(12))} ${value}`;

function checkLines(check: DeepCheck, s: Style): string[] {
  const failing = check.status === "fail";
  const label = failing ? s.red("FAIL") : s.yellow("UNKNOWN");
  const lines = [
    `  ${label} ${s.bold(check.id)}`,
    field("Requirement", printable(check.requirement), s),
    field("Evidence", printable(check.evidence), s),
  ];
  if (failing) lines.push("", ...remediationLines(check.remediation, s, "    "));
  return lines;
}

/**
 * The deep checks as text: per store, a header with its state, a count line, each failing check with
 * its requirement, evidence, numbered steps and docs, each unknown check with its evidence, and the
 * number of passing checks.
 *
 * @param run - What {@link runDeep} found.
 * @param names - Store names by id, for the headers.
 * @param s - The styles.
 * @returns The text (no trailing newline).
 * @internal
 */
export function renderDeep(run: DeepRun, names: ReadonlyMap<string, string>, s: Style): string {
  const out = [s.bold("Deep checks")];
  if (run.diagnoses.length === 0) {
    out.push("", "No FAILED key store to check. Name one with --key-store <cks-id>.");
    return out.join("\n");
  }
  for (const entry of run.diagnoses) {
    const id = printable(entry.customKeyStoreId);
    const name = names.get(entry.customKeyStoreId);
    const title = `${id}${name === undefined ? "" : ` (${printable(name).slice(0, 60)})`}`;
    out.push("");
    if ("error" in entry) {
      const e = entry.error;
      out.push(
        s.bold(`${title}: could not be diagnosed`),
        `  ${e["error.type"]} (${e["kms.failure.cause"]}). ${printable(e["kms.remediation.summary"])}`,
      );
      continue;
    }
    const state = `${printable(entry.connectionState)}${
      entry.connectionErrorCode === undefined ? "" : ` (${printable(entry.connectionErrorCode)})`
    }`;
    out.push(s.bold(`${title}: ${printable(entry.customKeyStoreType)}, ${state}`));
    const failing = entry.checks.filter((c) => c.status === "fail");
    const unknown = entry.checks.filter((c) => c.status === "unknown");
    const passing = entry.checks.filter((c) => c.status === "pass");
    out.push(
      `  ${plural(entry.checks.length, "check")}: ${failing.length} failing, ${unknown.length} unknown, ${passing.length} passing.`,
    );
    for (const check of [...failing, ...unknown]) out.push("", ...checkLines(check, s));
    if (passing.length > 0) {
      out.push("", `  ${s.green("PASS")} ${plural(passing.length, "other check")} passed.`);
    }
  }
  return out.join("\n");
}
