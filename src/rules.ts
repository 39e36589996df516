/**
 * The rule engine: message normalisation and matching over the catalog's message rules, and the
 * one answer to "kind (and message) → catalog entry" that classify and explain share. The catalog
 * holds the data; this module reads it. Its indexes are built on first use, not at import.
 */
import {
  type Cause,
  catalogEntry,
  entriesForKind,
  entryForCode,
  type KnownCatalogEntry,
} from "./catalog/index.js";
import { KINDS } from "./catalog/kinds.js";
import { MESSAGE_RULES } from "./catalog/messages.js";
import type { MessageRule } from "./catalog/schema.js";

/** A message rule ready to run: each alternative is a list of fragments padded with spaces. */
interface CompiledRule {
  readonly rule: MessageRule<Cause>;
  readonly alternatives: readonly (readonly string[])[];
}

/**
 * Rules indexed by word: for each alternative, the rarest word of its first fragment (across all
 * fragments; the longest among equally rare). A message can only match a rule if it contains that
 * word, so only the rules of the message's own words are tried.
 */
interface RuleIndex {
  readonly rules: readonly CompiledRule[];
  readonly byWord: ReadonlyMap<string, ReadonlySet<number>>;
}

const compile = (rule: MessageRule<Cause>): CompiledRule => ({
  rule,
  alternatives: rule.match.map((m) => (typeof m === "string" ? [m] : m).map((f) => ` ${f} `)),
});

function indexRules(rules: readonly CompiledRule[], frequency: ReadonlyMap<string, number>): RuleIndex {
  // Stryker disable all: which word of a fragment anchors a rule changes only how many rules are
  // tried, never which rule matches: firstMatch looks up every word of the message, so any word of
  // the fragment reaches the rule. No test can tell these mutants apart from the original.
  const rarer = (a: string, b: string): string => {
    const fa = frequency.get(a) ?? 0;
    const fb = frequency.get(b) ?? 0;
    return fb < fa || (fb === fa && b.length > a.length) ? b : a;
  };
  // Stryker restore all
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

interface Indexes {
  readonly all: RuleIndex;
  readonly byKind: ReadonlyMap<string, RuleIndex>;
}

let indexes: Indexes | undefined;

/** The rule indexes, built on first use: every rule, and the rules of each kind that has any. */
function rules(): Indexes {
  if (indexes !== undefined) return indexes;
  const compiled = (MESSAGE_RULES as readonly MessageRule<Cause>[]).map(compile);
  const frequency = new Map<string, number>();
  for (const c of compiled) {
    for (const fragments of c.alternatives) {
      for (const fragment of fragments) {
        for (const word of fragment.trim().split(" ")) frequency.set(word, (frequency.get(word) ?? 0) + 1);
      }
    }
  }
  // A rule applies to a kind when its cause lists the kind; rules keep their catalog order.
  const byKind = new Map<string, RuleIndex>(
    KINDS.filter((k) => "messageRules" in k).map((k) => [
      k.kind,
      indexRules(
        compiled.filter((c) => (catalogEntry(c.rule.cause).kinds as readonly string[]).includes(k.kind)),
        frequency,
      ),
    ]),
  );
  indexes = { all: indexRules(compiled, frequency), byKind };
  return indexes;
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

/**
 * The first message rule for `kind` that matches the normalised message, or undefined.
 * @internal
 */
export const matchMessageRule = (kind: string, normalized: string): MessageRule<Cause> | undefined => {
  const index = rules().byKind.get(kind);
  return index === undefined ? undefined : firstMatch(index, normalized);
};

/**
 * The first message rule of any kind that matches the normalised text (used for pasted log lines
 * that name no exception).
 * @internal
 */
export const matchAnyMessageRule = (normalized: string): MessageRule<Cause> | undefined =>
  firstMatch(rules().all, normalized);

/**
 * True when the kind's cause is decided by its message.
 * @internal
 */
export const hasMessageRules = (kind: string): boolean => rules().byKind.has(kind);

/**
 * The entry for `code` when it is one of `kind`'s, else undefined: the one way to ask "the entry for
 * this code whose kinds include this kind".
 * @internal
 */
export function entryOfKind(code: string | undefined, kind: string): KnownCatalogEntry | undefined {
  const entry = code === undefined ? undefined : entryForCode(code);
  return entry !== undefined && (entry.kinds as readonly string[]).includes(kind) ? entry : undefined;
}

/**
 * The entry of a kind with no more specific cause: the one for `code` when it is the kind's, else
 * the one whose codes name the kind, else the kind's first entry. Undefined for an unknown kind.
 * @internal
 */
export const fallbackEntry = (kind: string, code?: string): KnownCatalogEntry | undefined =>
  entryOfKind(code, kind) ?? entryForCode(kind) ?? entriesForKind(kind)[0];

/**
 * What a failure of `kind` with this message is: the first of the kind's message rules that matches
 * (its entry, and the key store type the rule implies), else the kind's fallback entry.
 * @internal
 */
export function resolveKind(
  kind: string,
  message: string,
): { readonly entry: KnownCatalogEntry; readonly rule?: MessageRule<Cause> } | undefined {
  const index = message === "" ? undefined : rules().byKind.get(kind);
  const rule = index === undefined ? undefined : firstMatch(index, normalizeMessage(message));
  if (rule !== undefined) return { entry: catalogEntry(rule.cause), rule };
  const entry = fallbackEntry(kind);
  return entry === undefined ? undefined : { entry };
}
