import { KMSClient, type KMSClientConfig } from "@aws-sdk/client-kms";
import { classify } from "../classify.js";
import type { KmsFailure } from "../failure.js";
import { checkKeyStores, type KeyStoreReport } from "../lifecycle.js";
import { formatFailure, toLogEntry } from "../log.js";
import { toSafeJson } from "../redact.js";
import { capResponses, httpBounds } from "./bounds.js";
import { type DeepEntry, type ModuleLoaders, renderDeep, runDeep } from "./deep.js";
import type { Output } from "./explain.js";
import { type HealthRun, renderHealth, runHealth } from "./health.js";
import { plural, printable, type Style } from "./style.js";
import { PROGRAM } from "./usage.js";

/** Options of `doctor`, from the command line. @internal */
export interface DoctorOptions {
  readonly region?: string | undefined;
  readonly endpoint?: string | undefined;
  readonly profile?: string | undefined;
  readonly json: boolean;
  readonly style: Style;
  /** Run the deep checks (`diagnoseKeyStore`) for FAILED stores and the named ones. */
  readonly deep?: boolean | undefined;
  /** Stores to look into with `deep`, whatever their state, or to limit `health` to (`--key-store`). */
  readonly keyStores?: readonly string[] | undefined;
  /** Run the health checks (`checkKeyStoreHealth`) after the state table. */
  readonly health?: boolean | undefined;
  /** Endpoint of the EC2, ELBv2, CloudHSM and CloudWatch clients (`--aws-endpoint`, a testing aid). */
  readonly awsEndpoint?: string | undefined;
  /** Loaders of the optional client packages (tests). */
  readonly loaders?: Partial<ModuleLoaders> | undefined;
  /** The command's deadline in milliseconds: sets the clients' connect and request timeouts. */
  readonly deadlineMs: number;
  /** Aborts at the deadline: passed to every call. */
  readonly signal?: AbortSignal | undefined;
}

/**
 * `doctor --deep --json` and `doctor --health --json`: the reports, one diagnosis per store looked
 * into (with `--deep`), and the health reports (with `--health`).
 * @internal
 */
export interface DeepDoctorJson {
  /** What `checkKeyStores` returned. */
  readonly keyStores: readonly KeyStoreReport[];
  /** What `diagnoseKeyStore` returned per store (or the failure that stopped it). */
  readonly diagnoses?: readonly DeepEntry[];
  /** What `checkKeyStoreHealth` returned, or `{ error }` when it failed. */
  readonly health?: HealthRun["reports"] | { readonly error: HealthRun["error"] };
}

const stateStyle = (state: string, s: Style): ((text: string) => string) => {
  switch (state) {
    case "CONNECTED":
      return s.green;
    case "FAILED":
      return s.red;
    case "DISCONNECTED":
    case "CONNECTING":
    case "DISCONNECTING":
      return s.yellow;
    default:
      return (text) => text;
  }
};

const short = (text: string, max: number): string =>
  text.length > max ? `${text.slice(0, max - 1)}…` : text;

/** The reports as a table: id, name, type, state, error code. Colour is applied after padding. */
function table(reports: readonly KeyStoreReport[], s: Style): string {
  const rows = reports.map((r) => [
    printable(r.customKeyStoreId),
    short(printable(r.customKeyStoreName ?? ""), 40),
    printable(r.customKeyStoreType ?? ""),
    printable(r.connectionState ?? ""),
    r.connectionState === "FAILED" ? printable(r.failure?.code ?? "") : "",
  ]);
  const head = ["ID", "NAME", "TYPE", "STATE", "ERROR CODE"];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((row) => (row[i] as string).length)));
  const line = (cells: readonly string[], paint: (cell: string, i: number) => string) =>
    cells
      .map((cell, i) => paint(i === cells.length - 1 ? cell : cell.padEnd(widths[i] as number), i))
      .join("  ")
      .trimEnd();
  return [
    line(head, (cell) => s.bold(cell)),
    ...rows.map((row) => line(row, (cell, i) => (i === 3 ? stateStyle(row[3] as string, s)(cell) : cell))),
  ].join("\n");
}

function summary(reports: readonly KeyStoreReport[]): string {
  const counts = new Map<string, number>();
  for (const r of reports) {
    const state = printable(r.connectionState ?? "UNKNOWN").toLowerCase();
    counts.set(state, (counts.get(state) ?? 0) + 1);
  }
  const parts = [...counts].map(([state, n]) => `${n} ${state}`);
  return `${plural(reports.length, "custom key store")}: ${parts.join(", ")}.`;
}

const indent = (text: string, by: string): string =>
  text
    .split("\n")
    .map((line) => (line === "" ? line : by + line))
    .join("\n");

/**
 * The one line printed when the stores could not be described.
 * @param failure - Why.
 * @param command - The command, for the line's prefix.
 * @returns The line.
 * @internal
 */
export function describeFailedLine(failure: KmsFailure, command = "doctor"): string {
  const summaryText = failure.remediation.summary;
  // The message is redacted already (classify); cut it only here, for one line.
  const said =
    failure.message === undefined ? "" : `: ${short(printable(failure.message), 160).replace(/\.+$/, "")}`;
  return `${PROGRAM} ${command}: could not describe the custom key stores: ${failure.kind} (${failure.cause})${said}. ${summaryText}`;
}

/**
 * Exit 2: the stores could not be described.
 * @param failure - Why.
 * @param line - The line for stderr.
 * @param json - Print `{ error }` as JSON on stdout instead.
 * @returns The output.
 * @internal
 */
export function cannotDescribe(failure: KmsFailure, line: string, json: boolean): Output {
  return json
    ? { stdout: `${toSafeJson({ error: toLogEntry(failure) }, 2)}\n`, stderr: "", code: 2 }
    : { stdout: "", stderr: `${line.replace(/\s+/g, " ")}\n`, code: 2 };
}

/**
 * The CLI's KMS client: the default credential chain and Region resolution, with the given Region,
 * endpoint and profile, bounded by the command's deadline, its answers capped.
 * @param options - Region, endpoint, profile and the deadline.
 * @returns The client; `destroy()` it when done.
 * @internal
 */
export function kmsClient(options: {
  readonly region?: string | undefined;
  readonly endpoint?: string | undefined;
  readonly profile?: string | undefined;
  readonly deadlineMs: number;
}): KMSClient {
  const config: KMSClientConfig = { requestHandler: httpBounds(options.deadlineMs) };
  if (options.region !== undefined) config.region = options.region;
  if (options.endpoint !== undefined) config.endpoint = options.endpoint;
  if (options.profile !== undefined) config.profile = options.profile;
  const client = new KMSClient(config);
  capResponses(client);
  return client;
}

/**
 * The client's Region, or the exit-2 output saying there is none.
 * @param client - The KMS client.
 * @param command - The command, for the line's prefix.
 * @param json - Print `{ error }` as JSON.
 * @returns The Region, or the output.
 * @internal
 */
export async function regionOf(client: KMSClient, command: string, json: boolean): Promise<string | Output> {
  try {
    return await client.config.region();
  } catch (error) {
    const failure = classify(error, { operation: "DescribeCustomKeyStores" });
    return cannotDescribe(
      failure,
      `${PROGRAM} ${command}: no AWS Region: pass --region, set AWS_REGION, or set region in the profile in ~/.aws/config.`,
      json,
    );
  }
}

/**
 * Runs `doctor`: builds a `KMSClient` (default credential chain and Region resolution, with the
 * given Region, endpoint and profile), describes every custom key store and prints a table plus the
 * guidance for each `FAILED` or `DISCONNECTED` store. With `deep`, then runs `diagnoseKeyStore` for
 * every `FAILED` store and every store named in `keyStores`, and prints each failing check (with its
 * remediation), each unknown check and the number of passing ones; `--json` then prints
 * `{ keyStores, diagnoses }`. With `health`, then runs `checkKeyStoreHealth` (every store, or the
 * named ones) and prints its findings after the table (`--json`: `{ keyStores, health }`). Exit
 * status 1 when a store is `FAILED` or a health finding fails, 2 when the stores could not be
 * described, a named store does not exist, or the health checks could not run at all.
 *
 * @param options - Region, endpoint, profile, JSON output, styles and the deep-check options.
 * @returns What to print and the exit status.
 * @internal
 */
export async function runDoctor(options: DoctorOptions): Promise<Output> {
  const client = kmsClient(options);
  try {
    const region = await regionOf(client, "doctor", options.json);
    if (typeof region !== "string") return region;
    const result = await checkKeyStores(client, {
      signal: options.signal,
      requestTimeoutMs: httpBounds(options.deadlineMs).requestTimeout,
    });
    if (result.isErr()) return cannotDescribe(result.error, describeFailedLine(result.error), options.json);
    const reports = result.value;
    const failed = reports.some((r) => r.connectionState === "FAILED");
    let code = failed ? 1 : 0;
    const named = [...new Set(options.keyStores ?? [])];
    const unknown = named.filter((id) => !reports.some((r) => r.customKeyStoreId === id));
    if (unknown.length > 0) {
      // Each id was checked to be of the cks- form (args), so it is short and printable.
      const list = unknown.join(", ");
      return {
        stdout: "",
        stderr: `${PROGRAM} doctor: --key-store: no custom key store ${list} in ${printable(region)}.\n`,
        code: 2,
      };
    }
    // The other AWS clients of --deep and --health: same Region, profile, endpoint and bounds.
    const aws = {
      kms: client,
      region,
      profile: options.profile,
      awsEndpoint: options.awsEndpoint,
      loaders: options.loaders,
      deadlineMs: options.deadlineMs,
      signal: options.signal,
    };
    const deep =
      options.deep === true
        ? await runDeep(
            [
              ...reports.filter((r) => r.connectionState === "FAILED" || named.includes(r.customKeyStoreId)),
            ].map((r) => ({ customKeyStoreId: r.customKeyStoreId, report: r })),
            aws,
          )
        : undefined;
    const health =
      options.health === true ? await runHealth({ ...aws, listed: reports, keyStores: named }) : undefined;
    const allNotes = [...(deep?.notes ?? []), ...(health?.notes ?? [])];
    const notes = allNotes.length === 0 ? "" : `${allNotes.join("\n")}\n`;
    // Any failing health finding is a failure; health that could not be checked at all is exit 2.
    const healthCode =
      health === undefined
        ? 0
        : health.error !== undefined
          ? 2
          : (health.reports ?? []).some((r) => r.findings.some((f) => f.status === "fail"))
            ? 1
            : 0;
    code = Math.max(code, healthCode);
    if (options.json) {
      const body: DeepDoctorJson | readonly KeyStoreReport[] =
        deep === undefined && health === undefined
          ? reports
          : {
              keyStores: reports,
              ...(deep === undefined ? {} : { diagnoses: deep.diagnoses }),
              ...(health === undefined
                ? {}
                : { health: health.error === undefined ? health.reports : { error: health.error } }),
            };
      return { stdout: `${toSafeJson(body, 2)}\n`, stderr: notes, code };
    }
    const s = options.style;
    const out =
      reports.length === 0
        ? [`No custom key stores in ${printable(region)}.`]
        : [`Custom key stores in ${printable(region)}`, "", table(reports, s), "", summary(reports)];
    for (const r of reports) {
      if (r.failure === undefined) continue;
      const name =
        r.customKeyStoreName === undefined ? "" : ` (${short(printable(r.customKeyStoreName), 60)})`;
      out.push("", s.bold(`${printable(r.customKeyStoreId)}${name}: ${printable(r.connectionState ?? "")}`));
      out.push(indent(formatFailure(r.failure), "  "));
    }
    if (deep !== undefined) {
      const names = new Map(
        reports.flatMap((r) =>
          r.customKeyStoreName === undefined ? [] : [[r.customKeyStoreId, r.customKeyStoreName]],
        ),
      );
      out.push("", renderDeep(deep, names, s));
    }
    if (health !== undefined) out.push("", renderHealth(health, s));
    return { stdout: `${out.join("\n")}\n`, stderr: notes, code };
  } finally {
    client.destroy();
  }
}
