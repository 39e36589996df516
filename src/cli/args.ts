/**
 * A small argv parser: boolean flags, flags with a value (`--region eu-west-1` or
 * `--region=eu-west-1`), repeatable flags with a value (`--key-id a --key-id b`), positionals, `--` to end options and `-` as a positional (stdin).
 */

/** The options one command accepts. @internal */
export interface OptionSpec {
  /** Flags without a value, long names without `--` (e.g. `"json"`). */
  readonly booleans: readonly string[];
  /** Flags that take a value, long names without `--` (e.g. `"region"`). */
  readonly values: readonly string[];
  /** Flags that take a value and may be repeated (`--key-id a --key-id b`), long names without `--`. */
  readonly lists?: readonly string[];
  /** Single-letter aliases, e.g. `{ h: "help" }`. */
  readonly aliases?: Readonly<Record<string, string>>;
}

/** What {@link parseArgs} found. @internal */
export interface ParsedArgs {
  /** Flags that were given: `true` for booleans, the text for value flags. */
  readonly flags: ReadonlyMap<string, string | true>;
  /** Values of repeatable flags, in order; absent when the flag was not given. */
  readonly lists: ReadonlyMap<string, readonly string[]>;
  /** Everything else, in order. */
  readonly positionals: readonly string[];
}

/** A usage error: unknown option, missing value. @internal */
export class UsageError extends Error {
  override readonly name = "UsageError";
}

/**
 * Parses argv against a command's options.
 *
 * @param argv - The arguments after the command name.
 * @param spec - The options the command accepts.
 * @returns The flags and positionals.
 * @throws UsageError for an unknown option, a missing value or a value given to a boolean flag.
 * @internal
 */
export function parseArgs(argv: readonly string[], spec: OptionSpec): ParsedArgs {
  const flags = new Map<string, string | true>();
  const lists = new Map<string, string[]>();
  const positionals: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === "--") {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (arg === "-" || !arg.startsWith("-")) {
      positionals.push(arg);
      continue;
    }
    const eq = arg.indexOf("=");
    const rawName = eq === -1 ? arg : arg.slice(0, eq);
    const inline = eq === -1 ? undefined : arg.slice(eq + 1);
    const name = rawName.startsWith("--") ? rawName.slice(2) : spec.aliases?.[rawName.slice(1)];
    if (name !== undefined && spec.booleans.includes(name)) {
      if (inline !== undefined) throw new UsageError(`option ${rawName} takes no value`);
      flags.set(name, true);
      continue;
    }
    const repeatable = name !== undefined && (spec.lists ?? []).includes(name);
    if (name !== undefined && (repeatable || spec.values.includes(name))) {
      const value = inline ?? argv[++i];
      if (value === undefined || value === "" || (inline === undefined && value.startsWith("-"))) {
        throw new UsageError(`option ${rawName} needs a value`);
      }
      if (repeatable) lists.set(name, [...(lists.get(name) ?? []), value]);
      else flags.set(name, value);
      continue;
    }
    throw new UsageError(`unknown option ${printableOption(rawName)}`);
  }
  return { flags, lists, positionals };
}

const printableOption = (text: string): string =>
  JSON.stringify(text.length > 40 ? `${text.slice(0, 40)}…` : text);
