/**
 * `doctor --health`: `checkKeyStoreHealth` with a CloudWatch client (and a CloudHSM v2 client when a
 * CloudHSM key store is listed) loaded on demand, then the findings as text.
 */
import type { OptionalService } from "../diagnostics/deep-support.js";
import { checkKeyStoreHealth, type HealthFinding, type HealthReport } from "../diagnostics/health.js";
import type { KeyStoreReport } from "../lifecycle.js";
import { type KmsLogEntry, toLogEntry } from "../log.js";
import { httpBounds } from "./bounds.js";
import { buildClient, type ClosableClient, DEFAULT_LOADERS, type DeepOptions } from "./deep.js";
import { remediationLines } from "./explain.js";
import { plural, printable, type Style } from "./style.js";

/** What {@link runHealth} found: the reports, or the failure that stopped the health checks. @internal */
export interface HealthRun {
  /** The reports, one per store (absent when the run failed). */
  readonly reports?: readonly HealthReport[];
  /** The failure that stopped the run. */
  readonly error?: KmsLogEntry;
  /** One-line notes (a package that could not be loaded). */
  readonly notes: readonly string[];
}

/** Options of {@link runHealth}: those of `--deep`'s clients, and the stores. @internal */
export interface HealthRunOptions extends DeepOptions {
  /** The stores doctor listed. */
  readonly listed: readonly KeyStoreReport[];
  /** Only these stores (`--key-store`); all when empty. */
  readonly keyStores: readonly string[];
}

/**
 * Runs `checkKeyStoreHealth` with the clients the listed stores need.
 * @param options - The KMS client, stores, Region, profile, endpoint, loaders and bounds.
 * @returns The reports (or the failure) and notes.
 * @internal
 */
export async function runHealth(options: HealthRunOptions): Promise<HealthRun> {
  const bounds = httpBounds(options.deadlineMs);
  const config: Record<string, unknown> = { region: options.region, requestHandler: bounds };
  if (options.profile !== undefined) config.profile = options.profile;
  if (options.awsEndpoint !== undefined) config.endpoint = options.awsEndpoint;
  const loaders = { ...DEFAULT_LOADERS, ...options.loaders };
  const targets = options.listed.filter(
    (r) => options.keyStores.length === 0 || options.keyStores.includes(r.customKeyStoreId),
  );
  const needed: OptionalService[] = [
    ...(targets.some((r) => r.customKeyStoreType !== undefined) ? ["cloudwatch" as const] : []),
    ...(targets.some((r) => r.customKeyStoreType === "AWS_CLOUDHSM") ? ["cloudhsm" as const] : []),
  ];
  const clients: Partial<Record<OptionalService, ClosableClient>> = {};
  const notes: string[] = [];
  for (const service of needed) {
    const built = await buildClient(service, loaders[service], config);
    if ("client" in built) clients[service] = built.client;
    else notes.push(built.note);
  }
  try {
    const result = await checkKeyStoreHealth(
      { kms: options.kms, cloudwatch: clients.cloudwatch, cloudhsm: clients.cloudhsm },
      {
        customKeyStoreIds: options.keyStores.length === 0 ? undefined : options.keyStores,
        signal: options.signal,
        requestTimeoutMs: bounds.requestTimeout,
        deadlineMs: options.deadlineMs,
      },
    );
    return result.isOk() ? { reports: result.value, notes } : { error: toLogEntry(result.error), notes };
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

const LABEL = (f: HealthFinding, s: Style): string =>
  f.status === "fail"
    ? s.red("FAIL")
    : f.status === "warn"
      ? s.yellow("WARN")
      : f.status === "unknown"
        ? s.yellow("UNKNOWN")
        : s.green("OK");

/**
 * The health findings as text: per store a header and a count line, each failing, warning and unknown
 * finding with its evidence (and, for fail and warn, the remediation), and the number of ok ones.
 * @param run - What {@link runHealth} found.
 * @param s - The styles.
 * @returns The text (no trailing newline).
 * @internal
 */
export function renderHealth(run: HealthRun, s: Style): string {
  const out = [s.bold("Health")];
  if (run.error !== undefined) {
    const e = run.error;
    out.push(
      "",
      `Could not check the stores' health: ${e["error.type"]} (${e["kms.failure.cause"]}). ${printable(e["kms.remediation.summary"])}`,
    );
    return out.join("\n");
  }
  const reports = run.reports ?? [];
  if (reports.length === 0) out.push("", "No custom key store to check.");
  for (const report of reports) {
    const name =
      report.customKeyStoreName === undefined
        ? ""
        : ` (${printable(report.customKeyStoreName).slice(0, 60)})`;
    const count = (status: HealthFinding["status"]) =>
      report.findings.filter((f) => f.status === status).length;
    out.push(
      "",
      s.bold(
        `${printable(report.customKeyStoreId)}${name}: ${printable(report.customKeyStoreType)}, ${printable(report.connectionState)}`,
      ),
      `  ${plural(report.findings.length, "check")}: ${count("fail")} failing, ${count("warn")} warning, ${count("unknown")} unknown, ${count("ok")} ok.`,
    );
    const order = ["fail", "warn", "unknown"] as const;
    for (const status of order) {
      for (const f of report.findings.filter((x) => x.status === status)) {
        out.push(
          "",
          `  ${LABEL(f, s)} ${s.bold(f.id)}`,
          `    ${s.dim("Evidence:".padEnd(12))} ${printable(f.evidence)}`,
        );
        if (status !== "unknown") out.push("", ...remediationLines(f.remediation, s, "    "));
      }
    }
    const ok = report.findings.filter((f) => f.status === "ok");
    if (ok.length > 0) out.push("", `  ${s.green("OK")} ${ok.map((f) => f.id).join(", ")}`);
  }
  return out.join("\n");
}
