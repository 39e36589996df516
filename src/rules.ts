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

/**
 * The words of every rule fragment, each with an id, found in text without building a string: a
 * word's hash (FNV-1a over its lowercase ASCII codes) leads, through an open-addressing table, to
 * the id with that hash, and the word's characters confirm it.
 */
interface Vocabulary {
  /** Every word's character codes, one after another. */
  readonly chars: Uint8Array;
  /** Where each id's word starts in `chars`; one more entry marks the end of the last. */
  readonly offsets: Int32Array;
  /** Each id's hash. */
  readonly hashes: Int32Array;
  /** Slots holding an id or -1; a power of two in size, at most half full. */
  readonly table: Int32Array;
}

/** A fragment as the ids of its words, in order. */
type Sequence = readonly number[];

/** A message rule ready to run: each alternative is the word sequences that must all occur. */
interface CompiledRule {
  readonly rule: MessageRule<Cause>;
  readonly alternatives: readonly (readonly Sequence[])[];
}

/**
 * Rules indexed by word id: for each alternative, the rarest word of its first fragment (across all
 * fragments; the longest among equally rare). A message can only match a rule if it contains that
 * word, so only the rules of the message's own words are tried. Positions ascend.
 */
interface RuleIndex {
  readonly rules: readonly CompiledRule[];
  readonly byWord: ReadonlyMap<number, readonly number[]>;
}

const FNV_OFFSET = 0x811c9dc5 | 0;
const FNV_PRIME = 0x01000193;

/** One step of FNV-1a: the hash so far, with one more character code. */
const fnv = (hash: number, code: number): number => Math.imul(hash ^ code, FNV_PRIME);

const hashOf = (word: string): number => {
  let hash = FNV_OFFSET;
  for (let i = 0; i < word.length; i++) hash = fnv(hash, word.charCodeAt(i));
  return hash;
};

/** The vocabulary of fragments in the normal form (catalog data tests hold every fragment to it). */
function buildVocabulary(fragments: readonly string[]): Vocabulary {
  const list = [...new Set(fragments.flatMap((f) => f.split(" ")))];
  let size = 16;
  while (size < list.length * 2) size *= 2;
  const table = new Int32Array(size).fill(-1);
  const hashes = Int32Array.from(list, hashOf);
  hashes.forEach((hash, id) => {
    let slot = hash & (size - 1);
    while (table[slot] !== -1) slot = (slot + 1) & (size - 1);
    table[slot] = id;
  });
  const offsets = new Int32Array(list.length + 1);
  list.forEach((word, id) => {
    offsets[id + 1] = (offsets[id] as number) + word.length;
  });
  // Words in the normal form are ASCII: one byte a character.
  return { chars: new TextEncoder().encode(list.join("")), offsets, hashes, table };
}

/** The id of the word `text[start, end)` with this hash, or -1. */
function idOf(vocabulary: Vocabulary, hash: number, text: string, start: number, end: number): number {
  const { table, hashes } = vocabulary;
  const mask = table.length - 1;
  for (let slot = hash & mask; ; slot = (slot + 1) & mask) {
    const id = table[slot] as number;
    if (id === -1) return -1;
    if (hashes[id] === hash && sameWord(vocabulary, id, text, start, end)) return id;
  }
}

/**
 * True when `text[start, end)`, lowercased, is the word `id`. The range holds ASCII letters and
 * digits only, so setting bit 5 lowercases a letter and leaves a digit as it is.
 */
function sameWord(vocabulary: Vocabulary, id: number, text: string, start: number, end: number): boolean {
  const { chars, offsets } = vocabulary;
  const from = offsets[id] as number;
  if ((offsets[id + 1] as number) - from !== end - start) return false;
  for (let i = start; i < end; i++) {
    if ((text.charCodeAt(i) | 32) !== chars[from + i - start]) return false;
  }
  return true;
}

/**
 * The words of the first `length` characters of `text` (the words of its normal form), as
 * vocabulary ids, -1 for a word no fragment has: written to `ids` (emptied first), which is returned.
 */
function scanWords(vocabulary: Vocabulary, text: string, length: number, ids: number[] = []): number[] {
  ids.length = 0;
  let start = -1;
  let hash = FNV_OFFSET;
  // One step past the last character, a space ends the last word.
  for (let i = 0; i <= length; i++) {
    let code = i < length ? text.charCodeAt(i) : 32;
    if (code >= 65 && code <= 90) code += 32;
    if ((code >= 97 && code <= 122) || (code >= 48 && code <= 57)) {
      if (start === -1) {
        start = i;
        hash = FNV_OFFSET;
      }
      hash = fnv(hash, code);
    } else if (start !== -1) {
      ids.push(idOf(vocabulary, hash, text, start, i));
      start = -1;
    }
  }
  return ids;
}

const compile = (rule: MessageRule<Cause>, vocabulary: Vocabulary): CompiledRule => ({
  rule,
  alternatives: rule.match.map((m) =>
    (typeof m === "string" ? [m] : m).map((f) => scanWords(vocabulary, f, f.length)),
  ),
});

function indexRules(rules: readonly CompiledRule[], rarer: (a: number, b: number) => number): RuleIndex {
  const byWord = new Map<number, number[]>();
  rules.forEach((compiled, position) => {
    for (const sequences of compiled.alternatives) {
      const anchor = (sequences[0] as Sequence).reduce(rarer);
      const positions = byWord.get(anchor) ?? [];
      positions.push(position);
      byWord.set(anchor, positions);
    }
  });
  return { rules, byWord };
}

interface Indexes {
  readonly vocabulary: Vocabulary;
  readonly all: RuleIndex;
  readonly byKind: ReadonlyMap<string, RuleIndex>;
}

let indexes: Indexes | undefined;

/** The rule indexes, built on first use: every rule, and the rules of each kind that has any. */
function rules(): Indexes {
  if (indexes !== undefined) return indexes;
  const all = MESSAGE_RULES as readonly MessageRule<Cause>[];
  const vocabulary = buildVocabulary(all.flatMap((r) => r.match.flat()));
  const compiled = all.map((r) => compile(r, vocabulary));
  // Stryker disable all: which word of a fragment anchors a rule changes only how many rules are
  // tried, never which rule matches: firstMatch looks up every word of the message, so any word of
  // the fragment reaches the rule. No test can tell these mutants apart from the original.
  const frequency = new Map<number, number>();
  for (const c of compiled) {
    for (const sequences of c.alternatives) {
      for (const sequence of sequences)
        for (const id of sequence) frequency.set(id, (frequency.get(id) ?? 0) + 1);
    }
  }
  const { offsets } = vocabulary;
  const lengthOf = (id: number): number => (offsets[id + 1] as number) - (offsets[id] as number);
  const rarer = (a: number, b: number): number => {
    const fa = frequency.get(a) ?? 0;
    const fb = frequency.get(b) ?? 0;
    return fb < fa || (fb === fa && lengthOf(b) > lengthOf(a)) ? b : a;
  };
  // Stryker restore all
  // A rule applies to a kind when its cause lists the kind; rules keep their catalog order.
  const byKind = new Map<string, RuleIndex>(
    KINDS.filter((k) => "messageRules" in k).map((k) => [
      k.kind,
      indexRules(
        compiled.filter((c) => (catalogEntry(c.rule.cause).kinds as readonly string[]).includes(k.kind)),
        rarer,
      ),
    ]),
  );
  indexes = { vocabulary, all: indexRules(compiled, rarer), byKind };
  return indexes;
}

/** True when the word ids `ids` hold `sequence` contiguously. */
function occurs(sequence: Sequence, ids: readonly number[]): boolean {
  for (let start = 0; start + sequence.length <= ids.length; start++) {
    let at = 0;
    while (at < sequence.length && ids[start + at] === sequence[at]) at++;
    if (at === sequence.length) return true;
  }
  return false;
}

const matches = (compiled: CompiledRule, ids: readonly number[]): boolean =>
  compiled.alternatives.some((sequences) => sequences.every((s) => occurs(s, ids)));

/** The word ids of the message being matched: one array, reused (matching is synchronous). */
const scratch: number[] = [];

/** The first rule (in rule order) of the index that matches the first `length` characters of `text`. */
function firstMatch(index: RuleIndex, text: string, length: number): MessageRule<Cause> | undefined {
  const ids = scanWords(rules().vocabulary, text, length, scratch);
  let best = Number.POSITIVE_INFINITY;
  for (const id of ids) {
    const positions = index.byWord.get(id);
    if (positions === undefined) continue;
    for (const position of positions) {
      // Positions ascend: past the best so far, no later one can win.
      if (position >= best) break;
      if (matches(index.rules[position] as CompiledRule, ids)) {
        best = position;
        break;
      }
    }
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
  return index === undefined ? undefined : firstMatch(index, normalized, normalized.length);
};

/**
 * The first message rule of any kind that matches the normalised text (used for pasted log lines
 * that name no exception).
 * @internal
 */
export const matchAnyMessageRule = (normalized: string): MessageRule<Cause> | undefined =>
  firstMatch(rules().all, normalized, normalized.length);

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
  const index = rules().byKind.get(kind);
  // Matched on the message itself (its words are those of its normal form), as far as the rules read.
  const rule =
    index === undefined
      ? undefined
      : firstMatch(index, message, Math.min(message.length, MAX_MATCHED_LENGTH));
  if (rule !== undefined) return { entry: catalogEntry(rule.cause), rule };
  const entry = fallbackEntry(kind);
  return entry === undefined ? undefined : { entry };
}
