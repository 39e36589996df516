import { readFileSync } from "node:fs";
import { parseArgs, UsageError } from "./args.js";
import { runDoctor } from "./doctor.js";
import { type Output, runExplain } from "./explain.js";
import { style, useColour } from "./style.js";
import { PROGRAM, USAGE } from "./usage.js";

/**
 * Where the CLI reads and writes: the process's streams and environment in `bin`, fakes in tests.
 * @public
 */
export interface CliIo {
  /** Standard output. */
  readonly stdout: { write(text: string): unknown };
  /** Standard error. */
  readonly stderr: { write(text: string): unknown };
  /** The environment (`NO_COLOR`, `FORCE_COLOR`). The AWS SDK reads credentials from `process.env`. */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** True when stdout is a terminal (colour is used only then). */
  readonly isTTY: boolean;
  /** Reads all of standard input, for `explain -`. */
  readonly readStdin?: (() => Promise<string>) | undefined;
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

const COMMANDS = ["explain", "doctor"] as const;
type Command = (typeof COMMANDS)[number];
const isCommand = (name: string | undefined): name is Command =>
  (COMMANDS as readonly string[]).includes(name ?? "");

const usageError = (message: string, command: Command | ""): Output => ({
  stdout: "",
  stderr: `${PROGRAM}${command === "" ? "" : ` ${command}`}: ${message}\nRun '${PROGRAM}${
    command === "" ? "" : ` ${command}`
  } --help' for usage.\n`,
  code: 2,
});

async function run(argv: readonly string[], io: CliIo): Promise<Output> {
  const [first, ...rest] = argv;
  if (first === undefined) return { stdout: "", stderr: USAGE[""], code: 2 };
  if (first === "--help" || first === "-h") return { stdout: USAGE[""], stderr: "", code: 0 };
  if (first === "--version" || first === "-v") return { stdout: `${version()}\n`, stderr: "", code: 0 };
  if (first === "help") {
    const topic = rest[0];
    if (topic === undefined) return { stdout: USAGE[""], stderr: "", code: 0 };
    return isCommand(topic)
      ? { stdout: USAGE[topic], stderr: "", code: 0 }
      : usageError(`unknown command ${JSON.stringify(topic)}`, "");
  }
  if (!isCommand(first)) {
    return first.startsWith("-")
      ? usageError(`unknown option ${JSON.stringify(first)}`, "")
      : usageError(`unknown command ${JSON.stringify(first.slice(0, 40))}`, "");
  }
  const s = style(useColour(io));
  try {
    if (first === "explain") {
      const { flags, positionals } = parseArgs(rest, {
        booleans: ["all", "json", "help"],
        values: [],
        aliases: { h: "help" },
      });
      if (flags.has("help")) return { stdout: USAGE.explain, stderr: "", code: 0 };
      let query = positionals.join(" ");
      if (positionals.length === 1 && positionals[0] === "-") {
        if (io.readStdin === undefined) return usageError("cannot read stdin here", "explain");
        query = (await io.readStdin()).replace(/\s+/g, " ");
      }
      if (query.trim() === "")
        return usageError("what should I explain? Give an exception name, a code or a log line", "explain");
      return runExplain(query, { all: flags.has("all"), json: flags.has("json"), style: s });
    }
    const { flags, positionals } = parseArgs(rest, {
      booleans: ["json", "help"],
      values: ["region", "endpoint", "profile"],
      aliases: { h: "help" },
    });
    if (flags.has("help")) return { stdout: USAGE.doctor, stderr: "", code: 0 };
    if (positionals.length > 0)
      return usageError(`unexpected argument ${JSON.stringify(positionals[0]?.slice(0, 40))}`, "doctor");
    const text = (name: string): string | undefined => {
      const value = flags.get(name);
      return typeof value === "string" ? value : undefined;
    };
    const endpoint = text("endpoint");
    if (endpoint !== undefined && !URL.canParse(endpoint)) {
      return usageError(`--endpoint must be a URL, like https://kms.eu-west-1.amazonaws.com`, "doctor");
    }
    return await runDoctor({
      region: text("region"),
      endpoint,
      profile: text("profile"),
      json: flags.has("json"),
      style: s,
    });
  } catch (error) {
    if (error instanceof UsageError) return usageError(error.message, first);
    throw error;
  }
}

/**
 * The CLI: `explain` and `doctor`, `--help`, `--version`. Writes to `io` and returns the exit status
 * (0 success, 1 nothing matched or a key store is `FAILED`, 2 usage error or the key stores could not
 * be described). Never throws; an unexpected error is one line on stderr and status 2, never a stack
 * trace or a raw SDK error.
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
 * });
 * ```
 * @public
 */
export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  let output: Output;
  try {
    output = await run(argv, io);
  } catch (error) {
    const name = error instanceof Error ? error.name : typeof error;
    output = { stdout: "", stderr: `${PROGRAM}: unexpected ${name}; please report it.\n`, code: 2 };
  }
  if (output.stdout !== "") io.stdout.write(output.stdout);
  if (output.stderr !== "") io.stderr.write(output.stderr);
  return output.code;
}
