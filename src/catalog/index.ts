import { CLIENT_ENTRIES } from "./entries/client.js";
import { CLOUDHSM_ENTRIES } from "./entries/cloudhsm.js";
import { XKS_ENTRIES } from "./entries/external.js";
import { GENERAL_ENTRIES } from "./entries/general.js";
import { SHARED_ENTRIES } from "./entries/shared.js";
import { KINDS, type Kind, type KindInfo } from "./kinds.js";
import { MESSAGE_RULES } from "./messages.js";
import type { CatalogEntry } from "./schema.js";

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

interface Lookups {
  readonly byCause: ReadonlyMap<string, KnownCatalogEntry>;
  readonly byCode: ReadonlyMap<string, KnownCatalogEntry>;
  readonly byKind: ReadonlyMap<string, readonly KnownCatalogEntry[]>;
  readonly kinds: ReadonlyMap<string, KindInfo>;
}

let lookups: Lookups | undefined;

/** The catalog's lookup tables, built on first use (importing the library builds nothing). */
function tables(): Lookups {
  lookups ??= {
    byCause: new Map(catalog.map((e) => [e.cause, e])),
    byCode: new Map(catalog.flatMap((e) => e.codes.map((c) => [c, e] as const))),
    byKind: new Map(
      KINDS.map((k) => [k.kind, catalog.filter((e) => (e.kinds as readonly string[]).includes(k.kind))]),
    ),
    kinds: new Map(KINDS.map((k) => [k.kind, k])),
  };
  return lookups;
}

/**
 * Every entry that can carry this kind, in catalog order.
 * @internal
 */
export const entriesForKind = (kind: string): readonly KnownCatalogEntry[] => tables().byKind.get(kind) ?? [];

/**
 * The entry for a cause.
 * @internal
 */
export const catalogEntry = (cause: Cause): KnownCatalogEntry =>
  tables().byCause.get(cause) as KnownCatalogEntry;

/**
 * The entry for a cause given as an untrusted string, or undefined.
 * @internal
 */
export const entryForCause = (cause: string): KnownCatalogEntry | undefined => tables().byCause.get(cause);

/**
 * The entry whose `codes` list this exception name or connection error code (its fallback cause).
 * @internal
 */
export const entryForCode = (code: string): KnownCatalogEntry | undefined => tables().byCode.get(code);

/**
 * What the catalog knows about a kind (fault, HTTP status, key store type), or undefined.
 * @internal
 */
export const kindOf = (name: string): KindInfo | undefined => tables().kinds.get(name);

/**
 * True when `name` is a kind that arrives as an error name on the wire (not one of the library's own).
 * @internal
 */
export const isServiceKind = (name: string): name is Kind => {
  const info = tables().kinds.get(name);
  return info !== undefined && info.synthetic !== true;
};

export { ENTRIES as CATALOG_ENTRIES, KINDS, MESSAGE_RULES };
