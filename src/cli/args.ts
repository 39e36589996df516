/**
 * Command-line options through Node's own `util.parseArgs`: boolean flags, flags with a value
 * (`--region eu-west-1` or `--region=eu-west-1`), repeatable flags (`--key-id a --key-id b`),
 * positionals, `--` to end options and `-` as a positional (stdin). `parseArgs` tokenises; this module
 * turns its tokens into the CLI's usage errors, which name an option without echoing more than 40
 * characters of it.
 */
import { type ParseArgsConfig, parseArgs as parseArgv } from "node:util";

/**
 * The options one command accepts, as `util.parseArgs` takes them: long names without `--`, `type`
 * `"boolean"` or `"string"`, `multiple: true` for a repeatable flag, `short` for a one-letter alias.
 * @internal
 */
export type OptionSpec = NonNullable<ParseArgsConfig["options"]>;

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
 * Parses argv against a command's options with `util.parseArgs`.
 *
 * @param argv - The arguments after the command name.
 * @param spec - The options the command accepts.
 * @returns The flags and positionals.
 * @throws UsageError for an unknown option, a missing value or a value given to a boolean flag.
 * @internal
 */
export function parseArgs(argv: readonly string[], spec: OptionSpec): ParsedArgs {
  // Not strict: every token comes back, and the errors below are the CLI's own (bounded) wording.
  const { tokens } = parseArgv({
    args: [...argv],
    options: spec,
    strict: false,
    allowPositionals: true,
    tokens: true,
  });
  const flags = new Map<string, string | true>();
  const lists = new Map<string, string[]>();
  const positionals: string[] = [];
  for (const token of tokens) {
    if (token.kind === "positional") positionals.push(token.value);
    if (token.kind !== "option") continue;
    const option = Object.hasOwn(spec, token.name) ? spec[token.name] : undefined;
    if (option === undefined) throw new UsageError(`unknown option ${printableOption(token.rawName)}`);
    if (option.type === "boolean") {
      if (token.value !== undefined) throw new UsageError(`option ${token.rawName} takes no value`);
      flags.set(token.name, true);
      continue;
    }
    // `--region --json` would take `--json` as the Region: a value that looks like an option must be
    // attached (`--region=-x`).
    const value = token.value;
    if (value === undefined || value === "" || (!token.inlineValue && value.startsWith("-"))) {
      throw new UsageError(`option ${token.rawName} needs a value`);
    }
    if (option.multiple === true) lists.set(token.name, [...(lists.get(token.name) ?? []), value]);
    else flags.set(token.name, value);
  }
  return { flags, lists, positionals };
}

const printableOption = (text: string): string =>
  JSON.stringify(text.length > 40 ? `${text.slice(0, 40)}…` : text);
