import { readFileSync } from "node:fs";
import { ALARM_FORMATS, type AlarmFormat, SNS_TOPIC_ARN } from "../diagnostics/alarms.js";
import { runAlarms } from "./alarms.js";
import { parseArgs, UsageError } from "./args.js";
import { DEFAULT_TIMEOUT_SECONDS, deadlineOutput, MAX_TIMEOUT_SECONDS, withDeadline } from "./bounds.js";
import { runDoctor } from "./doctor.js";
import { type Output, runExplain } from "./explain.js";
import { ACCESS_KEY_ID_ENV, isCredentialFlag, runProbe, SECRET_ACCESS_KEY_ENV } from "./probe.js";
import { style, terminalSafe, useColour } from "./style.js";
import { PROGRAM, USAGE } from "./usage.js";
import { outputWidth, wrapText } from "./wrap.js";

/**
 * Where the CLI reads and writes: the process's streams and environment in `bin`, fakes in tests.
 * @public
 */
export interface CliIo {
  /** Standard output. */
  readonly stdout: { write(text: string): unknown };
  /** Standard error. */
  readonly stderr: { write(text: string): unknown };
  /**
   * The environment (`NO_COLOR`, `FORCE_COLOR`, and for `probe-xks` `XKS_PROXY_ACCESS_KEY_ID` and
   * `XKS_PROXY_SECRET_ACCESS_KEY`). The AWS SDK reads its credentials from `process.env`.
   */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** True when stdout is a terminal (colour is used only then). */
  readonly isTTY: boolean;
  /**
   * The terminal's width in columns (`process.stdout.columns`): text output is wrapped to it when
   * stdout is a terminal, else to 80 columns. JSON output is never wrapped.
   */
  readonly columns?: number | undefined;
  /**
   * Reads all of standard input, for `explain -`: at most {@link STDIN_MAX_BYTES}, else it rejects
   * with an {@link InputTooLargeError}.
   */
  readonly readStdin?: (() => Promise<string>) | undefined;
}

/**
 * The most bytes `explain -` reads from standard input (1 MiB): a pasted log beyond that is refused
 * with a usage error, so the work on the input stays bounded.
 * @public
 */
export const STDIN_MAX_BYTES = 1024 * 1024;

/**
 * Standard input was larger than {@link STDIN_MAX_BYTES}.
 * @public
 */
export class InputTooLargeError extends Error {
  override readonly name = "InputTooLargeError";
  constructor() {
    super(`standard input is larger than ${STDIN_MAX_BYTES / 1024 / 1024} MiB`);
  }
}

/** The package version, from the package.json next to `dist/` (or, from the sources, the root). */
function version(): string {
  for (const path of ["../package.json", "../../package.json"]) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(path, import.meta.url), "utf8")) as {
        name?: unknown;
        version?: unknown;
      };
      if (pkg.name === PROGRAM && typeof pkg.version === "string") return pkg.version;
    } catch {
      // Not there: try the next location.
    }
  }
  return "unknown";
}

const COMMANDS = ["explain", "doctor", "probe-xks", "alarms"] as const;
type Command = (typeof COMMANDS)[number];
const isCommand = (name: string | undefined): name is Command =>
  (COMMANDS as readonly string[]).includes(name ?? "");

/** What a command produced; `raw` output (JSON) is printed as it is, never wrapped. */
type CliOutput = Output & { readonly raw?: boolean };

/** The output of a command run with or without `--json`. */
const printedAs = (output: Output, json: boolean): CliOutput => (json ? { ...output, raw: true } : output);

const usageError = (message: string, command: Command | ""): Output => ({
  stdout: "",
  stderr: `${PROGRAM}${command === "" ? "" : ` ${command}`}: ${message}\nRun '${PROGRAM}${
    command === "" ? "" : ` ${command}`
  } --help' for usage.\n`,
  code: 2,
});

/**
 * An argument quoted in a usage error: at most 40 characters, never what follows `=` (an argument may
 * be a secret pasted by mistake).
 */
const echoed = (arg: string): string => JSON.stringify(arg.length > 40 ? `${arg.slice(0, 40)}…` : arg);

/** A custom key store id: `cks-` and letters or digits (KMS uses 17). */
const STORE_ID = /^cks-[A-Za-z0-9]{1,60}$/;

const textFlag =
  (flags: ReadonlyMap<string, string | true>) =>
  (name: string): string | undefined => {
    const value = flags.get(name);
    return typeof value === "string" ? value : undefined;
  };

/** A positive whole number flag, or a usage error naming it. */
function intFlag(value: string | undefined, name: string, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max) {
    throw new UsageError(`--${name} must be a whole number from ${min} to ${max}`);
  }
  return Number(value);
}

/** `--timeout <seconds>`: the command's overall deadline. */
const timeoutFlag = (value: string | undefined): number =>
  intFlag(value, "timeout", 1, MAX_TIMEOUT_SECONDS) ?? DEFAULT_TIMEOUT_SECONDS;

/** `probe-xks`: refuses credentials on argv, reads them from the environment, runs the probe. */
async function probeXks(argv: readonly string[], io: CliIo, s: ReturnType<typeof style>): Promise<CliOutput> {
  // Before parsing: a credential on the command line is refused, and its value never echoed.
  if (argv.some(isCredentialFlag)) {
    return usageError(
      `refusing a credential option: the proxy credential is never taken from the command line (it would show in ps, shell history and CI logs). Set ${ACCESS_KEY_ID_ENV} and ${SECRET_ACCESS_KEY_ENV} in the environment instead`,
      "probe-xks",
    );
  }
  const { flags, lists, positionals } = parseArgs(argv, {
    json: { type: "boolean" },
    help: { type: "boolean", short: "h" },
    "uri-endpoint": { type: "string" },
    "uri-path": { type: "string" },
    region: { type: "string" },
    samples: { type: "string" },
    "timeout-ms": { type: "string" },
    timeout: { type: "string" },
    ca: { type: "string" },
    "key-id": { type: "string", multiple: true },
  });
  if (flags.has("help")) return { stdout: USAGE["probe-xks"], stderr: "", code: 0 };
  // Positionals are not echoed: one may be a secret pasted by mistake.
  if (positionals.length > 0)
    return usageError("unexpected argument (probe-xks takes only options)", "probe-xks");
  const text = textFlag(flags);
  const uriEndpoint = text("uri-endpoint");
  const uriPath = text("uri-path");
  const region = text("region") ?? io.env.AWS_REGION;
  const missing = [
    ...(uriEndpoint === undefined ? ["--uri-endpoint"] : []),
    ...(uriPath === undefined ? ["--uri-path"] : []),
    ...(region === undefined || region === "" ? ["--region"] : []),
  ];
  if (missing.length > 0) return usageError(`missing ${missing.join(", ")}`, "probe-xks");
  const samples = intFlag(text("samples"), "samples", 1, 100);
  const timeoutMs = intFlag(text("timeout-ms"), "timeout-ms", 1, 60_000);
  const seconds = timeoutFlag(text("timeout"));
  const accessKeyId = io.env[ACCESS_KEY_ID_ENV];
  const secretAccessKey = io.env[SECRET_ACCESS_KEY_ENV];
  const unset = [
    ...(accessKeyId === undefined || accessKeyId === "" ? [ACCESS_KEY_ID_ENV] : []),
    ...(secretAccessKey === undefined || secretAccessKey === "" ? [SECRET_ACCESS_KEY_ENV] : []),
  ];
  if (unset.length > 0 || accessKeyId === undefined || secretAccessKey === undefined) {
    return usageError(
      `set ${unset.join(" and ")} in the environment: the key store's proxy authentication credential (never passed as an option)`,
      "probe-xks",
    );
  }
  let ca: string | undefined;
  const caFile = text("ca");
  if (caFile !== undefined) {
    try {
      ca = readFileSync(caFile, "utf8");
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      return usageError(
        `--ca: cannot read ${JSON.stringify(caFile.slice(0, 80))} (${typeof code === "string" ? code : "error"})`,
        "probe-xks",
      );
    }
  }
  const output = await withDeadline(
    seconds,
    (signal) =>
      runProbe({
        uriEndpoint: uriEndpoint as string,
        uriPath: uriPath as string,
        region: region as string,
        keyIds: lists.get("key-id") ?? [],
        samples,
        timeoutMs,
        deadlineMs: seconds * 1000,
        signal,
        ca,
        credential: { accessKeyId, secretAccessKey },
        json: flags.has("json"),
        style: s,
      }),
    () => deadlineOutput("probe-xks", seconds, "the probe"),
  );
  return printedAs(output, flags.has("json"));
}

/** `alarms`: AWS's recommended CloudWatch alarms for the external key stores of the account and Region. */
async function alarms(argv: readonly string[]): Promise<CliOutput> {
  const { flags, positionals } = parseArgs(argv, {
    help: { type: "boolean", short: "h" },
    format: { type: "string" },
    "sns-topic": { type: "string" },
    region: { type: "string" },
    endpoint: { type: "string" },
    profile: { type: "string" },
    timeout: { type: "string" },
  });
  if (flags.has("help")) return { stdout: USAGE.alarms, stderr: "", code: 0 };
  if (positionals.length > 0)
    return usageError(`unexpected argument ${JSON.stringify(positionals[0]?.slice(0, 40))}`, "alarms");
  const text = textFlag(flags);
  const format = text("format") ?? "cli";
  if (!(ALARM_FORMATS as readonly string[]).includes(format)) {
    return usageError(
      `--format must be one of ${ALARM_FORMATS.join(", ")}, not ${JSON.stringify(format.slice(0, 40))}`,
      "alarms",
    );
  }
  const snsTopicArn = text("sns-topic");
  if (snsTopicArn !== undefined && !SNS_TOPIC_ARN.test(snsTopicArn)) {
    return usageError(
      "--sns-topic must be an SNS topic ARN, like arn:aws:sns:eu-west-1:111122223333:kms-alarms",
      "alarms",
    );
  }
  const endpoint = text("endpoint");
  if (endpoint !== undefined && !URL.canParse(endpoint)) {
    return usageError("--endpoint must be a URL, like https://kms.eu-west-1.amazonaws.com", "alarms");
  }
  const seconds = timeoutFlag(text("timeout"));
  const output = await withDeadline(
    seconds,
    (signal) =>
      runAlarms({
        region: text("region"),
        endpoint,
        profile: text("profile"),
        format: format as AlarmFormat,
        snsTopicArn,
        deadlineMs: seconds * 1000,
        signal,
      }),
    () => deadlineOutput("alarms", seconds, "describing the key stores"),
  );
  // Commands and templates are printed as they are: wrapping would break them.
  return { ...output, raw: true };
}

async function run(argv: readonly string[], io: CliIo): Promise<CliOutput> {
  const [first, ...rest] = argv;
  if (first === undefined) return { stdout: "", stderr: USAGE[""], code: 2 };
  if (first === "--help" || first === "-h") return { stdout: USAGE[""], stderr: "", code: 0 };
  if (first === "--version" || first === "-v") return { stdout: `${version()}\n`, stderr: "", code: 0 };
  if (first === "help") {
    const topic = rest[0];
    if (topic === undefined) return { stdout: USAGE[""], stderr: "", code: 0 };
    return isCommand(topic)
      ? { stdout: USAGE[topic], stderr: "", code: 0 }
      : usageError(`unknown command ${echoed(topic)}`, "");
  }
  if (!isCommand(first)) {
    return first.startsWith("-")
      ? usageError(`unknown option ${echoed(first.split("=", 1)[0] as string)}`, "")
      : usageError(`unknown command ${echoed(first)}`, "");
  }
  const s = style(useColour(io));
  try {
    if (first === "explain") {
      const { flags, positionals } = parseArgs(rest, {
        all: { type: "boolean" },
        json: { type: "boolean" },
        help: { type: "boolean", short: "h" },
      });
      if (flags.has("help")) return { stdout: USAGE.explain, stderr: "", code: 0 };
      let query = positionals.join(" ");
      if (positionals.length === 1 && positionals[0] === "-") {
        if (io.readStdin === undefined) return usageError("cannot read stdin here", "explain");
        try {
          query = (await io.readStdin()).replace(/\s+/g, " ");
        } catch (error) {
          if (error instanceof InputTooLargeError) {
            return usageError(`${error.message}: paste only the error line (or its first 1 MiB)`, "explain");
          }
          throw error;
        }
      }
      if (query.trim() === "")
        return usageError("what should I explain? Give an exception name, a code or a log line", "explain");
      const json = flags.has("json");
      return printedAs(runExplain(query, { all: flags.has("all"), json, style: s }), json);
    }
    if (first === "probe-xks") return await probeXks(rest, io, s);
    if (first === "alarms") return await alarms(rest);
    const { flags, lists, positionals } = parseArgs(rest, {
      json: { type: "boolean" },
      help: { type: "boolean", short: "h" },
      deep: { type: "boolean" },
      health: { type: "boolean" },
      region: { type: "string" },
      endpoint: { type: "string" },
      profile: { type: "string" },
      "aws-endpoint": { type: "string" },
      timeout: { type: "string" },
      "key-store": { type: "string", multiple: true },
    });
    if (flags.has("help")) return { stdout: USAGE.doctor, stderr: "", code: 0 };
    if (positionals.length > 0)
      return usageError(`unexpected argument ${JSON.stringify(positionals[0]?.slice(0, 40))}`, "doctor");
    const text = textFlag(flags);
    const endpoint = text("endpoint");
    if (endpoint !== undefined && !URL.canParse(endpoint)) {
      return usageError(`--endpoint must be a URL, like https://kms.eu-west-1.amazonaws.com`, "doctor");
    }
    const deep = flags.has("deep");
    const health = flags.has("health");
    const awsEndpoint = text("aws-endpoint");
    const keyStores = lists.get("key-store") ?? [];
    if (!deep && !health && (awsEndpoint !== undefined || keyStores.length > 0)) {
      return usageError(
        `${awsEndpoint === undefined ? "--key-store" : "--aws-endpoint"} needs --deep or --health`,
        "doctor",
      );
    }
    if (awsEndpoint !== undefined && !URL.canParse(awsEndpoint)) {
      return usageError("--aws-endpoint must be a URL, like http://127.0.0.1:4566", "doctor");
    }
    const badId = keyStores.find((id) => !STORE_ID.test(id));
    if (badId !== undefined) {
      return usageError(
        `--key-store takes a custom key store id like cks-1234567890abcdef0, not ${JSON.stringify(badId.slice(0, 40))}`,
        "doctor",
      );
    }
    const seconds = timeoutFlag(text("timeout"));
    const output = await withDeadline(
      seconds,
      (signal) =>
        runDoctor({
          region: text("region"),
          endpoint,
          profile: text("profile"),
          json: flags.has("json"),
          style: s,
          deep,
          health,
          keyStores,
          awsEndpoint,
          deadlineMs: seconds * 1000,
          signal,
        }),
      () =>
        deadlineOutput(
          "doctor",
          seconds,
          deep || health
            ? `describing the key stores and the ${[...(deep ? ["deep checks"] : []), ...(health ? ["health checks"] : [])].join(" and ")}`
            : "describing the key stores",
        ),
    );
    return printedAs(output, flags.has("json"));
  } catch (error) {
    if (error instanceof UsageError) return usageError(error.message, first);
    throw error;
  }
}

/**
 * The CLI: `explain`, `doctor` (with `--deep` and `--health`), `probe-xks`, `alarms`, `--help`, `--version`. Writes to `io`
 * and returns the exit status (0 success, 1 nothing matched, a key store is `FAILED`, a health finding
 * fails or a probe check did not pass, 2 usage error, missing credential variables, or the key stores could not be
 * described). Never throws; an unexpected error is one line on stderr and status 2, never a stack
 * trace or a raw SDK error. Text on stdout is wrapped to the terminal's width (80 columns when stdout
 * is not a terminal); `--json` output and the one-line messages on stderr are not.
 *
 * @param argv - The arguments after the program name (`process.argv.slice(2)`).
 * @param io - Streams, environment and whether stdout is a terminal.
 * @returns The exit status.
 * @example
 * ```ts
 * import { main } from "./cli/main.js";
 * process.exitCode = await main(process.argv.slice(2), {
 *   stdout: process.stdout,
 *   stderr: process.stderr,
 *   env: process.env,
 *   isTTY: process.stdout.isTTY === true,
 *   columns: process.stdout.columns,
 * });
 * ```
 * @public
 */
export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  let output: CliOutput;
  try {
    output = await run(argv, io);
  } catch (error) {
    const name = error instanceof Error ? error.name : typeof error;
    output = { stdout: "", stderr: `${PROGRAM}: unexpected ${name}; please report it.\n`, code: 2 };
  }
  if (output.stdout !== "") {
    const safe = terminalSafe(output.stdout);
    io.stdout.write(output.raw === true ? safe : wrapText(safe, outputWidth(io.isTTY, io.columns)));
  }
  if (output.stderr !== "") io.stderr.write(terminalSafe(output.stderr));
  return output.code;
}
