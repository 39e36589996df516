import { CLIENT_ENTRIES } from "./entries/client.js";
import { CLOUDHSM_ENTRIES } from "./entries/cloudhsm.js";
import { XKS_ENTRIES } from "./entries/external.js";
import { GENERAL_ENTRIES } from "./entries/general.js";
import { SHARED_ENTRIES } from "./entries/shared.js";
import { KINDS, type Kind, type KindInfo } from "./kinds.js";
import { MESSAGE_RULES } from "./messages.js";
import type { CatalogEntry, MessageRule } from "./schema.js";

const ENTRIES = [
  ...XKS_ENTRIES,
  ...CLOUDHSM_ENTRIES,
  ...SHARED_ENTRIES,
  ...GENERAL_ENTRIES,
  ...CLIENT_ENTRIES,
] as const;

type AnyEntry = (typeof ENTRIES)[number];

/**
 * Every cause the catalog knows, e.g. `"XKS_PROXY_TIMED_OUT"` or `"XKS_VPC_ENDPOINT_SERVICE_INVALID_CONFIGURATION"`.
 * Note: a failure's `cause` is this code, not `Error.cause`.
 * @public
 */
export type Cause = AnyEntry["cause"];

/**
 * The causes a failure of kind `K` can have, derived from the catalog's `kinds` lists.
 * @public
 */
export type CauseOf<K extends Kind> = AnyEntry extends infer E
  ? E extends CatalogEntry<infer C, infer KK>
    ? K extends KK
      ? C
      : never
    : never
  : never;

/**
 * A catalog entry with its `cause` and `kinds` typed as the catalog's own unions.
 * @public
 */
export type KnownCatalogEntry = CatalogEntry<Cause, Kind>;

/** Freezes the catalog's data (plain, acyclic objects and arrays) all the way down. */
function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === "object") {
    Object.freeze(value);
    for (const key of Object.keys(value)) deepFreeze((value as Record<string, unknown>)[key]);
  }
  return value;
}

/**
 * All the knowledge of the library, as data: one entry per cause, deep-frozen. Types, the CLI, the
 * generated docs and the tests all read this list.
 *
 * @example
 * ```ts
 * import { catalog } from "kms-keystore-errors";
 * const xks = catalog.filter((e) => e.keyStoreType === "EXTERNAL_KEY_STORE");
 * ```
 * @public
 */
export const catalog: readonly KnownCatalogEntry[] = deepFreeze([...ENTRIES] as KnownCatalogEntry[]);

const byCause = new Map<string, KnownCatalogEntry>(catalog.map((e) => [e.cause, e]));
const byCode = new Map<string, KnownCatalogEntry>(
  catalog.flatMap((e) => e.codes.map((c) => [c, e] as const)),
);
const kindInfo = new Map<string, KindInfo>(KINDS.map((k) => [k.kind, k]));

/** A message rule ready to run: each alternative is a list of fragments padded with spaces. */
interface CompiledRule {
  readonly rule: MessageRule<Cause>;
  readonly alternatives: readonly (readonly string[])[];
}

const compile = (rule: MessageRule<Cause>): CompiledRule => ({
  rule,
  alternatives: rule.match.map((m) => (typeof m === "string" ? [m] : m).map((f) => ` ${f} `)),
});

const COMPILED_RULES: readonly CompiledRule[] = (MESSAGE_RULES as readonly MessageRule<Cause>[]).map(compile);

/**
 * Rules indexed by word: for each alternative, the rarest word of its first fragment (across all
 * fragments; the longest among equally rare). A message can only match a rule if it contains that
 * word, so only the rules of the message's own words are tried.
 */
interface RuleIndex {
  readonly rules: readonly CompiledRule[];
  readonly byWord: ReadonlyMap<string, ReadonlySet<number>>;
}

// Stryker disable all: which word of a fragment anchors a rule changes only how many rules are tried,
// never which rule matches: firstMatch looks up every word of the message, so any word of the
// fragment reaches the rule. No test can tell these mutants apart from the original.
const WORD_FREQUENCY = new Map<string, number>();
for (const compiled of COMPILED_RULES) {
  for (const fragments of compiled.alternatives) {
    for (const fragment of fragments) {
      for (const word of fragment.trim().split(" "))
        WORD_FREQUENCY.set(word, (WORD_FREQUENCY.get(word) ?? 0) + 1);
    }
  }
}
const rarer = (a: string, b: string): string => {
  const fa = WORD_FREQUENCY.get(a) ?? 0;
  const fb = WORD_FREQUENCY.get(b) ?? 0;
  return fb < fa || (fb === fa && b.length > a.length) ? b : a;
};
// Stryker restore all

function indexRules(rules: readonly CompiledRule[]): RuleIndex {
  const byWord = new Map<string, Set<number>>();
  rules.forEach((compiled, position) => {
    for (const fragments of compiled.alternatives) {
      const anchor = (fragments[0] as string).trim().split(" ").reduce(rarer);
      const positions = byWord.get(anchor) ?? new Set<number>();
      positions.add(position);
      byWord.set(anchor, positions);
    }
  });
  return { rules, byWord };
}

/** The first rule (in rule order) of the index that matches the normalised message. */
function firstMatch(index: RuleIndex, normalized: string): MessageRule<Cause> | undefined {
  let best = Number.POSITIVE_INFINITY;
  let start = 1;
  while (start < normalized.length) {
    // Normalised text ends in a space; text that does not is read to its end, not looped over.
    const space = normalized.indexOf(" ", start);
    const end = space === -1 ? normalized.length : space;
    const candidates = index.byWord.get(normalized.slice(start, end));
    if (candidates !== undefined) {
      for (const position of candidates) {
        if (position < best && matches(normalized, index.rules[position] as CompiledRule)) best = position;
      }
    }
    start = end + 1;
  }
  // With no match, `best` is Infinity and there is no such rule.
  return index.rules[best]?.rule;
}

/** Rules that apply to each kind, in catalog order: a rule applies when its cause lists the kind. */
const rulesByKind = new Map<string, RuleIndex>(
  KINDS.filter((k) => "messageRules" in k).map((k) => [
    k.kind,
    indexRules(
      COMPILED_RULES.filter((c) =>
        (byCause.get(c.rule.cause)?.kinds as readonly string[] | undefined)?.includes(k.kind),
      ),
    ),
  ]),
);
const ALL_RULES = indexRules(COMPILED_RULES);

const byKind = new Map<string, readonly KnownCatalogEntry[]>(
  KINDS.map((k) => [k.kind, catalog.filter((e) => (e.kinds as readonly string[]).includes(k.kind))]),
);

/**
 * Every entry that can carry this kind, in catalog order.
 * @internal
 */
export const entriesForKind = (kind: string): readonly KnownCatalogEntry[] => byKind.get(kind) ?? [];

/**
 * The entry for a cause.
 * @internal
 */
export const catalogEntry = (cause: Cause): KnownCatalogEntry => byCause.get(cause) as KnownCatalogEntry;

/**
 * The entry for a cause given as an untrusted string, or undefined.
 * @internal
 */
export const entryForCause = (cause: string): KnownCatalogEntry | undefined => byCause.get(cause);

/**
 * The entry whose `codes` list this exception name or connection error code (its fallback cause).
 * @internal
 */
export const entryForCode = (code: string): KnownCatalogEntry | undefined => byCode.get(code);

/**
 * What the catalog knows about a kind (fault, HTTP status, key store type), or undefined.
 * @internal
 */
export const kindOf = (name: string): KindInfo | undefined => kindInfo.get(name);

/**
 * True when `name` is a kind that arrives as an error name on the wire (not one of the library's own).
 * @internal
 */
export const isServiceKind = (name: string): name is Kind =>
  kindInfo.get(name)?.synthetic !== true && kindInfo.has(name);

/** How much of a message the rules read. KMS and proxy messages are a few hundred characters. */
const MAX_MATCHED_LENGTH = 4096;

/**
 * The form message rules are written in: lowercase ASCII letters and digits, every run of anything
 * else as one space, padded with a space at both ends (so fragments match whole words).
 * @internal
 */
export function normalizeMessage(text: string): string {
  let out = " ";
  let space = true;
  // Rules match sentences, not megabytes: a hostile or runaway message is read up to a limit.
  const length = Math.min(text.length, MAX_MATCHED_LENGTH);
  for (let i = 0; i < length; i++) {
    let c = text.charCodeAt(i);
    if (c >= 65 && c <= 90) c += 32;
    if ((c >= 97 && c <= 122) || (c >= 48 && c <= 57)) {
      out += String.fromCharCode(c);
      space = false;
    } else if (!space) {
      out += " ";
      space = true;
    }
  }
  return space ? out : `${out} `;
}

const matches = (normalized: string, compiled: CompiledRule): boolean => {
  for (const fragments of compiled.alternatives) {
    let all = true;
    for (const fragment of fragments) {
      if (!normalized.includes(fragment)) {
        all = false;
        break;
      }
    }
    if (all) return true;
  }
  return false;
};

/**
 * The first message rule for `kind` that matches the normalised message, or undefined.
 * @internal
 */
export const matchMessageRule = (kind: string, normalized: string): MessageRule<Cause> | undefined => {
  const index = rulesByKind.get(kind);
  return index === undefined ? undefined : firstMatch(index, normalized);
};

/**
 * The first message rule of any kind that matches the normalised text (used for pasted log lines
 * that name no exception).
 * @internal
 */
export const matchAnyMessageRule = (normalized: string): MessageRule<Cause> | undefined =>
  firstMatch(ALL_RULES, normalized);

/**
 * True when the kind's cause is decided by its message.
 * @internal
 */
export const hasMessageRules = (kind: string): boolean => rulesByKind.has(kind);

export { ENTRIES as CATALOG_ENTRIES, KINDS, MESSAGE_RULES };
