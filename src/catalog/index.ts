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

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === "object" && !Object.isFrozen(value)) {
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

/** Rules that apply to each kind, in catalog order: a rule applies when its cause lists the kind. */
const rulesByKind = new Map<string, readonly MessageRule<Cause>[]>(
  KINDS.filter((k) => "messageRules" in k).map((k) => [
    k.kind,
    (MESSAGE_RULES as readonly MessageRule<Cause>[]).filter((r) =>
      (byCause.get(r.cause)?.kinds as readonly string[] | undefined)?.includes(k.kind),
    ),
  ]),
);

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

/**
 * Lowercase, every run of non-alphanumerics as one space: the form message rules are written in.
 * @internal
 */
export const normalizeMessage = (text: string): string =>
  ` ${text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, " ")
    .trim()} `;

const contains = (normalized: string, fragment: string): boolean => normalized.includes(` ${fragment} `);

const ruleMatches = (normalized: string, rule: MessageRule): boolean =>
  rule.match.some((m) =>
    typeof m === "string" ? contains(normalized, m) : m.every((f) => contains(normalized, f)),
  );

/**
 * The first message rule for `kind` that matches the normalised message, or undefined.
 * @internal
 */
export const matchMessageRule = (kind: string, normalized: string): MessageRule<Cause> | undefined =>
  rulesByKind.get(kind)?.find((r) => ruleMatches(normalized, r));

/**
 * The first message rule of any kind that matches the normalised text (used for pasted log lines
 * that name no exception).
 * @internal
 */
export const matchAnyMessageRule = (normalized: string): MessageRule<Cause> | undefined =>
  (MESSAGE_RULES as readonly MessageRule<Cause>[]).find((r) => ruleMatches(normalized, r));

/**
 * True when the kind's cause is decided by its message.
 * @internal
 */
export const hasMessageRules = (kind: string): boolean => rulesByKind.has(kind);

export { ENTRIES as CATALOG_ENTRIES, KINDS, MESSAGE_RULES };
