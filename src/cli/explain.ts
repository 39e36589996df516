import type { CatalogEntry, Remediation } from "../catalog/schema.js";
import { explain, lookup, suggest } from "../explain.js";
import { toSafeJson } from "../redact.js";
import type { Style } from "./style.js";
import { PROGRAM } from "./usage.js";

/** What an explain run produced: text for stdout and stderr, and the exit status. @internal */
export interface Output {
  readonly stdout: string;
  readonly stderr: string;
  readonly code: number;
}

/** What `retryable` means, in one line. */
function retryText(entry: CatalogEntry, s: Style): string {
  const connection = (entry.kinds as readonly string[]).includes("ConnectionFailed");
  if (entry.retryable) {
    return `${s.green("yes")}: the same request, unchanged, may succeed soon; retry with backoff${
      connection ? " (for a key store that failed to connect: disconnect it, then connect again)" : ""
    }`;
  }
  return `${s.red("no")}: something must change first (see the steps); retrying unchanged will fail again`;
}

/**
 * A remediation as lines: summary, numbered steps, docs.
 *
 * @param r - The remediation.
 * @param s - The styles.
 * @param indent - Prefix of every line.
 * @returns The lines.
 * @internal
 */
export function remediationLines(r: Remediation, s: Style, indent: string): string[] {
  return [
    `${indent}${r.summary}`,
    ...(r.steps.length === 0 ? [] : ["", `${indent}${s.bold("What to do:")}`]),
    ...r.steps.map((step, i) => `${indent}  ${i + 1}. ${step}`),
    ...(r.docs.length === 0 ? [] : ["", `${indent}${s.bold("Docs:")}`]),
    ...r.docs.map((url) => `${indent}  - ${s.cyan(url)}`),
  ];
}

/**
 * One catalog entry as readable text: cause, kinds, codes, category, retryable (and what that
 * means), key store type, then the remediation and its per-store-type variants.
 *
 * @param entry - The catalog entry.
 * @param s - The styles.
 * @returns The text, ending with a newline.
 * @internal
 */
export function renderEntry(entry: CatalogEntry, s: Style): string {
  const field = (label: string, value: string) => `  ${s.dim(`${label}:`.padEnd(17))} ${value}`;
  const lines = [
    s.bold(entry.cause),
    field("Kinds", entry.kinds.join(", ")),
    ...(entry.codes.length === 0 ? [] : [field("Codes", entry.codes.join(", "))]),
    field("Category", entry.category),
    field("Retryable", retryText(entry, s)),
    field("Key store type", entry.keyStoreType ?? "any (AWS_CLOUDHSM or EXTERNAL_KEY_STORE)"),
    field(
      "Custom key store",
      entry.customKeyStore ? "yes, specific to custom key stores" : "no, a general KMS failure",
    ),
    "",
    ...remediationLines(entry.remediation, s, "  "),
  ];
  for (const [type, variant] of Object.entries(entry.byKeyStoreType ?? {})) {
    if (variant === undefined) continue;
    lines.push("", `  ${s.bold(`For ${type} key stores:`)}`, ...remediationLines(variant, s, "    "));
  }
  return `${lines.join("\n")}\n`;
}

/** The query echoed in a message: only a short single token (a log line may carry anything). */
const echo = (query: string): string => (/^[A-Za-z0-9_.:-]{1,120}$/.test(query) ? `"${query}"` : "that text");

/**
 * Runs `explain`: the best entry (or every match with `all`) as text or JSON; nothing found gives
 * exit status 1 and a "did you mean" hint.
 *
 * @param query - The joined query.
 * @param options - `all`, `json` and the styles.
 * @returns What to print and the exit status.
 * @internal
 */
export function runExplain(query: string, options: { all: boolean; json: boolean; style: Style }): Output {
  const found = options.all ? lookup(query) : explain(query);
  const entries =
    found === undefined
      ? []
      : Array.isArray(found)
        ? (found as readonly CatalogEntry[])
        : [found as CatalogEntry];
  if (entries.length === 0) {
    const hints = suggest(query);
    const hint =
      hints.length === 0
        ? " Give an exception name, a ConnectionErrorCode, a cause, or a log line that names one."
        : ` Did you mean ${hints.join(", ")}?`;
    return {
      stdout: "",
      stderr: `${PROGRAM} explain: no catalog entry matches ${echo(query.trim())}.${hint}\n`,
      code: 1,
    };
  }
  if (options.json) return { stdout: `${toSafeJson(found, 2)}\n`, stderr: "", code: 0 };
  const s = options.style;
  const rule = s.dim("-".repeat(72));
  const header = options.all
    ? `${entries.length} matching ${entries.length === 1 ? "entry" : "entries"}, most specific first\n\n`
    : "";
  return {
    stdout: header + entries.map((e) => renderEntry(e, s)).join(`\n${rule}\n\n`),
    stderr: "",
    code: 0,
  };
}
