/**
 * `probe-xks`: `probeXksProxy` from the command line. The credential comes only from environment
 * variables, never from argv (argv shows up in `ps`, shell history and CI logs).
 */
import { type ProbeCheck, type ProbeReport, probeXksProxy } from "../diagnostics/index.js";
import { redactOutput, secretsOf, toSafeJson } from "../redact.js";
import { type Output, remediationLines } from "./explain.js";
import { printable, type Style } from "./style.js";
import { PROGRAM } from "./usage.js";

/** The environment variable holding the proxy credential's access key id. @internal */
export const ACCESS_KEY_ID_ENV = "XKS_PROXY_ACCESS_KEY_ID";
/** The environment variable holding the proxy credential's secret access key. @internal */
export const SECRET_ACCESS_KEY_ENV = "XKS_PROXY_SECRET_ACCESS_KEY";

/** Options of `probe-xks`, from the command line and the environment. @internal */
export interface ProbeCommandOptions {
  readonly uriEndpoint: string;
  readonly uriPath: string;
  readonly region: string;
  readonly keyIds: readonly string[];
  readonly samples?: number | undefined;
  readonly timeoutMs?: number | undefined;
  /** The command's deadline in milliseconds. */
  readonly deadlineMs: number;
  /** Aborts at the deadline. */
  readonly signal?: AbortSignal | undefined;
  readonly ca?: string | undefined;
  readonly credential: { readonly accessKeyId: string; readonly secretAccessKey: string };
  readonly json: boolean;
  readonly style: Style;
}

/**
 * Whether an argument is a credential flag (`--secret-access-key`, `--access-key-id`, `--xks-secret`,
 * `--password`, `-s<secret>` …), which `probe-xks` refuses. The argument itself is never echoed: a
 * short flag with its value attached (`-sVALUE`) cannot be told from its value.
 *
 * @param arg - One argument.
 * @returns True for a credential flag.
 * @internal
 */
export function isCredentialFlag(arg: string): boolean {
  // Anchored: a value that merely contains such a word (a path, a name) is not an option.
  const name = arg.split("=", 1)[0] as string;
  return /^--?[a-z0-9-]*(secret|access-?key|credential|password)/i.test(name);
}

const STATUS_WIDTH = 8;

function checkLines(check: ProbeCheck, idWidth: number, s: Style): string[] {
  const paint = check.status === "pass" ? s.green : check.status === "fail" ? s.red : s.yellow;
  const status = paint(check.status.toUpperCase().padEnd(STATUS_WIDTH));
  const lines = [`${status} ${s.bold(printable(check.id).padEnd(idWidth))}  ${printable(check.evidence)}`];
  if (check.status === "fail") {
    const pad = " ".repeat(STATUS_WIDTH + 1);
    lines.push(`${pad}${s.dim("Requirement:")} ${printable(check.requirement)}`);
    if (check.remediation !== undefined) {
      lines.push(...remediationLines(check.remediation, s, pad));
    }
    lines.push("");
  }
  return lines;
}

/**
 * The probe report as text: one line per check (status, id, evidence); a failing check adds its
 * requirement, the catalog's remediation (numbered steps) and docs; then a count line.
 *
 * @param report - What `probeXksProxy` returned.
 * @param region - The Region probed with.
 * @param s - The styles.
 * @returns The text, ending with a newline.
 * @internal
 */
export function renderProbe(report: ProbeReport, region: string, s: Style): string {
  const idWidth = Math.max(...report.checks.map((c) => printable(c.id).length), 2);
  const count = (status: string) => report.checks.filter((c) => c.status === status).length;
  const lines = [
    s.bold(
      `XKS proxy probe of ${printable(report.endpoint)}${printable(report.uriPath)} (${printable(region)})`,
    ),
    "",
    ...report.checks.flatMap((c) => checkLines(c, idWidth, s)),
  ];
  if (lines[lines.length - 1] !== "") lines.push("");
  lines.push(
    `${report.checks.length} checks: ${count("pass")} pass, ${count("fail")} fail, ${count("unknown")} unknown (${report.durationMs} ms). ${
      report.ok ? s.green("KMS can use this proxy from here.") : s.red("KMS cannot use this proxy as it is.")
    }`,
  );
  return `${lines.join("\n")}\n`;
}

/**
 * Runs `probe-xks`: probes the proxy and prints the report (text, or with `json` exactly the
 * `ProbeReport`). Exit status 0 when every check passes, 1 when any fails or is unknown, 2 when an
 * option is invalid (the message names it and never contains the credential).
 *
 * @param options - Endpoint, path, Region, key ids, samples, timeout, CA, credential, output.
 * @returns What to print and the exit status.
 * @internal
 */
export async function runProbe(options: ProbeCommandOptions): Promise<Output> {
  // A last pass over the whole output, in every form redaction knows (the report is redacted already).
  const secrets = secretsOf(options.credential.secretAccessKey, options.credential.accessKeyId);
  let report: ProbeReport;
  try {
    report = await probeXksProxy({
      uriEndpoint: options.uriEndpoint,
      uriPath: options.uriPath,
      region: options.region,
      credential: { ...options.credential },
      keyIds: options.keyIds,
      samples: options.samples,
      timeoutMs: options.timeoutMs,
      deadlineMs: options.deadlineMs,
      signal: options.signal,
      ca: options.ca,
    });
  } catch (error) {
    if (!(error instanceof TypeError)) throw error;
    const message = redactOutput(printable(error.message), secrets);
    return {
      stdout: "",
      stderr: `${PROGRAM} probe-xks: ${message}\nRun '${PROGRAM} probe-xks --help' for usage.\n`,
      code: 2,
    };
  }
  const code = report.ok ? 0 : 1;
  const stdout = options.json
    ? `${toSafeJson(report, 2)}\n`
    : renderProbe(report, options.region, options.style);
  return { stdout: redactOutput(stdout, secrets), stderr: "", code };
}
