import { catalog, catalogEntry, entriesForKind, KINDS, type KnownCatalogEntry } from "./catalog/index.js";
import { KMS_CODE_PREFIX, SERVICE_WRAPPERS } from "./catalog/services.js";
import { embeddedKmsError } from "./reach.js";
import {
  fallbackEntry,
  hasMessageRules,
  matchAnyMessageRule,
  matchMessageRule,
  normalizeMessage,
} from "./rules.js";

type Target = { readonly kind: string } | { readonly entry: KnownCatalogEntry };

interface Names {
  /** Every name a query may use, each to what it means. */
  readonly exact: ReadonlyMap<string, Target>;
  /** The same names by their lower case. */
  readonly lower: ReadonlyMap<string, string>;
  /** The names "did you mean" offers: the catalog's own (not other services' wrapper names). */
  readonly suggestible: readonly string[];
}

let names: Names | undefined;

/**
 * Every name a query may use, each to what it means: exception names (and their wire short forms
 * without `Exception`, e.g. `KMSInternal`), every code the catalog lists, and every cause. Built on
 * first use.
 */
function knownNames(): Names {
  if (names !== undefined) return names;
  const exact = new Map<string, Target>();
  for (const e of catalog) exact.set(e.cause, { entry: e });
  for (const e of catalog) for (const code of e.codes) exact.set(code, { entry: e });
  for (const { kind } of KINDS) {
    exact.set(kind, { kind });
    if (kind.endsWith("Exception") && !exact.has(kind.slice(0, -"Exception".length))) {
      exact.set(kind.slice(0, -"Exception".length), { kind });
    }
  }
  const suggestible = [...exact.keys()];
  // Other services' KMS wrapper errors (`KmsInvalidState`, `KMSKeyNotAccessibleFault`…) stand for
  // the KMS kind they wrap; a query code `KMS.<X>` is read as its last word (names split at dots).
  for (const row of SERVICE_WRAPPERS) {
    const codes: (string | undefined)[] = [row.code, "queryCode" in row ? row.queryCode : undefined];
    for (const code of codes) {
      const name = code?.startsWith(KMS_CODE_PREFIX) ? code.slice(KMS_CODE_PREFIX.length) : code;
      if (name !== undefined && !exact.has(name)) exact.set(name, { kind: row.kind });
    }
  }
  names = { exact, lower: new Map([...exact.keys()].map((n) => [n.toLowerCase(), n])), suggestible };
  return names;
}

const tokens = (text: string): string[] => text.split(/[^A-Za-z0-9_]+/).filter((t) => t !== "");

/** Known names in the query, longest first. A query of one token may use any letter case. */
function namesIn(query: string): string[] {
  const { exact, lower } = knownNames();
  const all = tokens(query);
  const only = all.length === 1 ? all[0] : undefined;
  const found = all.filter((t) => exact.has(t));
  // KMS's error embedded in another service's message (Lambda glues the code to the next word).
  const embedded = embeddedKmsError(query)?.code;
  if (embedded !== undefined && exact.has(embedded)) found.push(embedded);
  if (found.length === 0 && only !== undefined) {
    const name = lower.get(only.toLowerCase());
    if (name !== undefined) found.push(name);
  }
  return [...new Set(found)].sort((a, b) => b.length - a.length);
}

/**
 * The entry an exception named in the text gets from its own message rules, as `classify` would
 * give it; undefined for a name that is not such an exception, or when no rule matches.
 */
function ruleEntryOf(name: string, normalized: string): KnownCatalogEntry | undefined {
  const target = knownNames().exact.get(name);
  if (target === undefined || "entry" in target || !hasMessageRules(target.kind)) return undefined;
  const rule = matchMessageRule(target.kind, normalized);
  return rule === undefined ? undefined : catalogEntry(rule.cause);
}

/**
 * Every catalog entry matching a query, most specific first. An exception name alone yields all of
 * its causes, the fallback last. In a log line, the cause that an exception's own message implies
 * comes first (as `classify` reads that exception), then each name's own entry (an exception's
 * fallback), longest name first: a pasted
 * `CustomKeyStoreInvalidStateException` whose message names a `FAILED` connection state and its
 * `ConnectionErrorCode` lists `CUSTOM_KEY_STORE_FAILED`, then the code's own entry.
 *
 * @param query - An exception name, wire code, `ConnectionErrorCode`, cause, qualified name
 *   (`com.amazonaws.services.kms.model.X`, `KMS.Client.exceptions.X`) or a pasted log line.
 * @returns The matching entries; empty when nothing matches.
 * @example
 * ```ts
 * import { lookup } from "kms-keystore-errors";
 * for (const entry of lookup("KMSInvalidStateException")) console.log(entry.cause);
 * ```
 * @public
 */
export function lookup(query: string): readonly KnownCatalogEntry[] {
  if (typeof query !== "string") return [];
  const names = namesIn(query);
  const out: KnownCatalogEntry[] = [];
  const add = (e: KnownCatalogEntry | undefined) => {
    if (e !== undefined && !out.includes(e)) out.push(e);
  };
  const normalized = normalizeMessage(query);
  const primary = names[0];
  if (primary === undefined) {
    const rule = matchAnyMessageRule(normalized);
    if (rule !== undefined) add(catalogEntry(rule.cause));
    return out;
  }
  for (const name of names) add(ruleEntryOf(name, normalized));
  const lone = tokens(query).length === 1;
  for (const name of names) {
    const target = knownNames().exact.get(name) as Target;
    if ("entry" in target) {
      add(target.entry);
      continue;
    }
    const kind = target.kind;
    const fallback = fallbackEntry(kind);
    if (lone) for (const e of entriesForKind(kind)) if (e !== fallback) add(e);
    add(fallback);
  }
  return out;
}

/**
 * The single best catalog entry for a query: the most specific cause, or undefined when nothing
 * matches. The rule, in order: an exception named in the text is read as `classify` reads it, so
 * its message decides (a proxy timeout behind `KMSInvalidStateException` explains as
 * `XKS_PROXY_TIMED_OUT`; a `CustomKeyStoreInvalidStateException` about a `FAILED` store explains as
 * `CUSTOM_KEY_STORE_FAILED`, whose first step is to disconnect, even when the message also names the
 * `ConnectionErrorCode`, which {@link lookup} lists next); otherwise the longest known name wins; a
 * text with no known name is matched by every message rule, which also reads other SDKs' transport
 * errors (AWS CLI, Go, Java). Except for a lone exception name, this is `lookup(query)[0]`.
 *
 * @param query - An exception name, wire code, `ConnectionErrorCode`, cause, qualified name or log line.
 * @returns The best entry, or undefined.
 * @example
 * ```ts
 * import { explain } from "kms-keystore-errors";
 * const entry = explain("An error occurred (KMSInvalidStateException) when calling the Encrypt operation: " +
 *   "The external key store proxy did not respond in time.");
 * console.log(entry?.cause); // "XKS_PROXY_TIMED_OUT"
 * ```
 * @public
 */
export function explain(query: string): KnownCatalogEntry | undefined {
  if (typeof query !== "string") return undefined;
  const names = namesIn(query);
  const primary = names[0];
  if (primary === undefined) return lookup(query)[0];
  const normalized = normalizeMessage(query);
  for (const name of names) {
    const fromMessage = ruleEntryOf(name, normalized);
    if (fromMessage !== undefined) return fromMessage;
  }
  const target = knownNames().exact.get(primary) as Target;
  return "entry" in target ? target.entry : fallbackEntry(target.kind);
}

function distance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = prev[0] as number;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = prev[j] as number;
      prev[j] = Math.min(above + 1, (prev[j - 1] as number) + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return prev[b.length] as number;
}

/** The most characters of a query compared whole; past that, its words are compared one by one. */
const WHOLE_QUERY_MAX = 256;
/** The most distinct words of a long query compared with the names (the search stays linear). */
const WORDS_MAX = 64;

/** How far a query may be from a name and still be suggested. */
const threshold = (name: string): number => Math.max(3, Math.floor(name.length / 3));

/** The distance of `q` to a known name, or undefined when it is too far to be suggested. */
function closeness(q: string, name: string, contained: boolean): number | undefined {
  const lower = name.toLowerCase();
  if (contained && (lower.includes(q) || q.includes(lower))) return 0;
  const limit = threshold(name);
  // The distance is at least the difference in length: skip the table when that alone is too far.
  if (Math.abs(q.length - lower.length) > limit) return undefined;
  const d = distance(q, lower);
  return d <= limit ? d : undefined;
}

/**
 * Names close to an unknown query, for a "did you mean" hint. Linear in the query: a query of up to
 * 256 characters is compared whole (a name inside it, or it inside a name, is closest); a longer one
 * (a pasted log) word by word, by edit distance only: its first 64 distinct words that are shaped
 * like a name (four or more characters, a capital letter after the first or an underscore). A name is compared with a word only when their lengths are close enough.
 *
 * @param query - What the user typed.
 * @param limit - How many suggestions at most.
 * @returns Known names, closest first.
 * @internal
 */
export function suggest(query: string, limit = 3): readonly string[] {
  const q = query.trim().toLowerCase();
  if (q === "") return [];
  const whole = q.length <= WHOLE_QUERY_MAX;
  // In a long text, only words shaped like a name (a capital after the first letter, or an
  // underscore) of four or more characters: prose words would match short names by chance.
  const candidates = whole
    ? [q]
    : [
        ...new Set(
          (query.match(/[A-Za-z0-9_]+/g) ?? [])
            .filter((w) => w.length > 3 && /.[A-Z_]/.test(w))
            .map((w) => w.toLowerCase()),
        ),
      ].slice(0, WORDS_MAX);
  const best = new Map<string, number>();
  for (const name of knownNames().suggestible) {
    for (const candidate of candidates) {
      const d = closeness(candidate, name, whole);
      if (d !== undefined && d < (best.get(name) ?? Number.POSITIVE_INFINITY)) best.set(name, d);
    }
  }
  return [...best]
    .sort(([a, da], [b, db]) => da - db || a.length - b.length)
    .slice(0, limit)
    .map(([name]) => name);
}
